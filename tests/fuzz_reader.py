"""Differential fuzzer of the XLSX reader: the fast path against the reference path.

    python tests/fuzz_reader.py [--cases N] [--seed S] [--corpus DIR] [--save DIR]

It mutates real corpus files (inserting junk and pieces of Excel's own markup, deleting
bytes) in one part at a time, re-zips them and reads each with both paths. Wherever the
reference path reads the file, the fast path must give the same rows and hyperlinks;
any difference is printed (and the file saved with ``--save``), and the exit code is 1.
Not collected by pytest (the suite runs a fixed sample of the same property); run it
after changing the reader.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from parsers.errors import ParseError  # noqa: E402
from parsers.xlsx_reader import read_workbook  # noqa: E402

JUNK = [
    *(b"<", b">", b"&", b'"', b"\x01", b"\xff", b"<!--", b"</row>", b"<c>", b"&#0;", b"&#1;"),
    *(b"_x0041_", b"9" * 30, b" ", b"\t", b"\r", b"\n", b"&amp;", b'r="', b"A", b"Z"),
    *(b"0", b"1", b"2", b"3", b"4", b"/>", b'<hyperlink ref="A1"/>', b' xr:uid="1"', b' t="e"'),
    *(b"<is><t> x</t></is>", b'xml:space="preserve"', b'xmlns="x"', b' date1904="1"'),
    *(b' numFmtId="20"', b'<numFmt numFmtId="164" formatCode="d"/>', b'<xf numFmtId="14"/>'),
]


def mutate(members: dict[str, bytes], rng: random.Random) -> tuple[str, bytes]:
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


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def outcome(data: bytes, fast: bool) -> object:
    """The rows and hyperlinks read, or None for a ParseError."""
    try:
        return [(s.name, s.state, s.rows, s.hyperlinks) for s in read_workbook(data, fast=fast)]
    except ParseError:
        return None


def run(files: list[Path], cases: int, seed: int, save: Path | None) -> int:
    rng = random.Random(seed)
    cache: dict[Path, dict[str, bytes]] = {}
    read = differ = 0
    for case in range(cases):
        path = rng.choice(files)
        if path not in cache:
            with zipfile.ZipFile(path) as archive:
                cache[path] = {name: archive.read(name) for name in archive.namelist()}
        members = dict(cache[path])
        part, members[part] = mutate(members, rng)
        data = zipped(members)
        reference = outcome(data, fast=False)
        if reference is None:
            continue
        read += 1
        if outcome(data, fast=True) != reference:
            differ += 1
            print(f"DIFFERENT: case {case}, {path.name}, {part}")
            if save is not None:
                save.mkdir(parents=True, exist_ok=True)
                (save / f"case{case}.xlsx").write_bytes(data)
    print(f"{cases} cases, {read} read by the reference path, {differ} read otherwise")
    return 1 if differ else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--save", type=Path, default=None)
    args = parser.parse_args(argv)
    files = sorted(args.corpus.rglob("*.xlsx"))
    if not files:
        print(f"no .xlsx files under {args.corpus}", file=sys.stderr)
        return 2
    return run(files, args.cases, args.seed, args.save)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
