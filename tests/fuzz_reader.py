"""Fuzzer of the XLSX reader: mutated corpus files never crash it.

    python tests/fuzz_reader.py [--cases N] [--seed S] [--corpus DIR] [--save DIR]

It mutates real corpus files, either one XML part (inserting junk and pieces of Excel's
own markup, deleting bytes, then re-zipping) or the zip's own bytes, and reads each.
Every outcome must be a list of sheets or a ParseError whose message is one line; any
other exception (or a multi-line reason) is printed (and the file saved with
``--save``), and the exit code is 1. Not collected by pytest (the suite runs a fixed
sample of the same property); run it after changing the reader.
"""

from __future__ import annotations

import io
import random
import sys
import traceback
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from parsers.errors import ParseError  # noqa: E402
from parsers.xlsx import read_workbook  # noqa: E402
from tests import fuzzing  # noqa: E402

JUNK = [
    *(b"<", b">", b"&", b'"', b"\x01", b"\xff", b"<!--", b"</row>", b"<c>", b"&#0;", b"&#1;"),
    *(b"_x0041_", b"9" * 30, b" ", b"\t", b"\r", b"\n", b"&amp;", b'r="', b"A", b"Z"),
    *(b"0", b"1", b"2", b"3", b"4", b"/>", b'<hyperlink ref="A1"/>', b' xr:uid="1"', b' t="e"'),
    *(b"<is><t> x</t></is>", b'xml:space="preserve"', b'xmlns="x"', b' date1904="1"'),
    *(b' numFmtId="20"', b'<numFmt numFmtId="164" formatCode="d"/>', b'<xf numFmtId="14"/>'),
    *(b"<hyperlinks>", b"</hyperlinks>", b'<c r="XFD1048576"><v>1</v></c>', b'<row r="999999">'),
    *(b'<!DOCTYPE x [<!ENTITY a "b">]>', b"&a;", b'<c r="ZZ9"/>', b"<x:hyperlinks/>"),
    *(b'<c r="B2" t="str"><f>HYPERLINK("u","x")</f><v>x</v></c>', b"<f>hyperlink(", b'""'),
    *(b' uniqueCount="4000000000"', b'<row r="2147483648">', b'<c r="AAAAA1"/>'),
    *(b'<c r="XFD1048576" s="1"/>', b'<row r="1048576" ht="15"/>', b'<c r="XFD9"><f>1</f></c>'),
]


def mutate_part(members: dict[str, bytes], rng: random.Random) -> tuple[str, bytes]:
    """One XML part of ``members`` changed in one to three places, and its name."""
    parts = sorted(name for name in members if name.endswith((".xml", ".rels")))
    sheets = [name for name in parts if "sheet" in name]
    part = rng.choice(sheets if sheets and rng.random() < 0.4 else parts)
    xml = bytearray(members[part])
    for _ in range(rng.randint(1, 3)):
        position = rng.randint(0, len(xml))
        if rng.random() < 0.3:
            del xml[position : position + rng.randint(1, 5)]
        else:
            xml[position:position] = rng.choice(JUNK)
    return part, bytes(xml)


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """The zip's own bytes with one to eight bits flipped, runs deleted or it truncated."""
    raw = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not raw:
            break
        position = rng.randrange(len(raw))
        action = rng.random()
        if action < 0.6:
            raw[position] ^= 1 << rng.randrange(8)
        elif action < 0.9:
            del raw[position : position + rng.randint(1, 64)]
        else:
            del raw[position:]
    return bytes(raw)


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def problem(data: bytes) -> str | None:
    """What is wrong with reading ``data`` (None when it reads or is refused properly)."""
    try:
        read_workbook(data, "fuzz.xlsx")
    except ParseError as exc:
        return None if "\n" not in str(exc) else f"a multi-line reason: {exc!r}"
    except Exception:  # noqa: BLE001 - the fuzzer reports whatever escapes
        return traceback.format_exc(limit=-3)
    return None


def run(files: list[Path], cases: int, seed: int, save: Path | None) -> int:
    rng = random.Random(seed)
    cache: dict[Path, bytes] = {}
    failed = 0
    for case in range(cases):
        path = rng.choice(files)
        original = cache.setdefault(path, path.read_bytes())
        if rng.random() < 0.7:
            with zipfile.ZipFile(io.BytesIO(original)) as archive:
                members = {name: archive.read(name) for name in archive.namelist()}
            part, members[part] = mutate_part(members, rng)
            data, what = zipped(members), part
        else:
            data, what = mutate_bytes(original, rng), "zip bytes"
        found = problem(data)
        if found is not None:
            failed += 1
            fuzzing.failed(case, path, what, found, data, save)
    print(f"{cases} cases, {failed} failed")
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    args = fuzzing.options(__doc__ or "", cases=1000).parse_args(argv)
    return run(fuzzing.corpus_files(args.corpus, ".xlsx"), args.cases, args.seed, args.save)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
