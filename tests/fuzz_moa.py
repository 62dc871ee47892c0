"""Fuzzer of the MOA parser: mutated corpus PDFs never crash it, exhaust it or stall it.

    python tests/fuzz_moa.py [--cases N] [--seed S] [--corpus DIR] [--save DIR]
                             [--seconds T] [--memory MB]

It mutates real corpus MOAs (pieces of PDF syntax inserted, numbers made huge, bits
flipped, runs deleted, the file truncated) and parses each with ``parse_moa`` in a
child process held to ``--memory`` MB of address space. Every outcome must be a record
whose error, if any, is one line, within ``--seconds``; a child that dies (a native
abort, or memory refused), an exception, a multi-line error or a parse slower than that
is printed (and the file saved with ``--save``), and the exit code is 1. Not collected
by pytest (the suite holds the fixed cases the fuzzer's findings became); run it after
changing the MOA parser. Without OCR: the pages rendered for OCR are bounded by
``parsers.moa.text.MAX_RENDERED_AREA``, tried in the suite.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from parsers.moa import parse_moa  # noqa: E402
from tests import fuzzing  # noqa: E402

JUNK = [
    *(b"<<", b">>", b"[", b"]", b"(", b")", b"/", b"\\", b"%", b"\x00", b"\xff", b" ", b"\n"),
    *(b"0", b"1", b"-1", b"99999999999", b"1e308", b"R", b"obj", b"endobj", b"stream"),
    *(b"endstream", b"xref", b"trailer", b"startxref", b"%%EOF", b"/Type /Page", b"/Kids ["),
    *(b"/MediaBox [0 0 99999 99999]", b"/UserUnit 75000", b"/Rotate 45", b"/Count 99999999"),
    *(b"/Length 99999999", b"/Filter /FlateDecode", b"/Filter /LZWDecode", b"/Annots ["),
    *(b"/Subtype /Widget", b"/FT /Tx /V (x)", b"/Encrypt 1 0 R", b"/Title (\xfe\xff\x00A)"),
    *(b"BT /F1 9 Tf 0 0 Td (" + b"A " * 500 + b") Tj ET", b"[" * 200, b"<<" * 200),
    *(b"1 0 R", b"2 0 R", b"9999 0 R", b"/Parent 1 0 R", b"/Contents [1 0 R 1 0 R 1 0 R]"),
]
_NUMBER = re.compile(rb"(?<![\d.])\d{1,4}(?![\d.])")


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """``data`` changed in one to six places, and what was done."""
    raw = bytearray(data)
    done = []
    for _ in range(rng.randint(1, 6)):
        if not raw:
            break
        position = rng.randrange(len(raw))
        action = rng.random()
        if action < 0.45:
            raw[position:position] = piece = rng.choice(JUNK)
            done.append(f"inserted {piece[:24]!r} at {position}")
        elif action < 0.65:
            found = _NUMBER.search(bytes(raw), position)
            if found:
                raw[found.start() : found.end()] = big = rng.choice([b"99999999", b"0", b"-7"])
                done.append(f"number at {found.start()} made {big.decode()}")
        elif action < 0.85:
            raw[position] ^= 1 << rng.randrange(8)
            done.append(f"bit flipped at {position}")
        elif action < 0.97:
            del raw[position : position + rng.randint(1, 256)]
            done.append(f"run deleted at {position}")
        else:
            del raw[position:]
            done.append(f"truncated at {position}")
    return bytes(raw), "; ".join(done)


def _limited(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _parse(data: bytes) -> str | None:
    """Run in the child: what is wrong with the record of ``data`` (None: nothing)."""
    try:
        record = parse_moa(data, "fuzz.pdf")
    except Exception:  # noqa: BLE001 - the fuzzer reports whatever escapes
        return traceback.format_exc(limit=-3)
    if record.error is not None and "\n" in record.error:
        return f"a multi-line error: {record.error!r}"
    return None


def problem(data: bytes, seconds: float, megabytes: int) -> str | None:
    """What is wrong with parsing ``data`` in a child process (None when it parses)."""
    with ProcessPoolExecutor(1, initializer=_limited, initargs=(megabytes,)) as child:
        start = time.perf_counter()
        try:
            found = child.submit(_parse, data).result()
        except BrokenProcessPool:
            return f"the parser's process died (within {megabytes} MB of address space)"
        took = time.perf_counter() - start
    if found is None and took > seconds:
        return f"took {took:.1f} s (more than {seconds} s)"
    return found


def run(files: list[Path], args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    originals = {path: path.read_bytes() for path in files}
    failed = 0
    for case in range(args.cases):
        path = rng.choice(files)
        data, what = mutate(originals[path], rng)
        found = problem(data, args.seconds, args.memory)
        if found is not None:
            failed += 1
            fuzzing.failed(case, path, what, found, data, args.save)
    print(f"{args.cases} cases, {failed} failed")
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    parser = fuzzing.options(__doc__ or "", cases=300)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--memory", type=int, default=1024)
    args = parser.parse_args(argv)
    return run(fuzzing.corpus_files(args.corpus, ".pdf"), args)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
