"""Benchmark: the XLSX reader and parse_listing_xlsx against an openpyxl full load.

Run ``python bench/bench_xlsx.py [corpus_dir] [repeats]``. It times, side by side in one
run (interleaved, best of N), on the largest sheet in the corpus: our whole parse (XLSX
bytes to normalised ListingRows), our reader alone, and
``openpyxl.load_workbook(BytesIO(data))`` (a full load, the only mode that exposes
hyperlinks) plus iterating every cell's value and hyperlink; then the reader and openpyxl
once over every sheet in the corpus. Times are CPU times of this process
(``time.process_time``), so that other work on a shared machine does not skew the
ratios; wall-clock bests are reported too. The figures are ratios; there is no target.
"""

from __future__ import annotations

import importlib.util
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from parsers.xlsx import read_workbook  # noqa: E402
from parsers.xlsx_listing import parse_listing_xlsx  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "ice-sheets"


def largest_sheet(corpus_dir: Path) -> Path:
    """The biggest .xlsx file under ``corpus_dir``."""
    files = sorted(corpus_dir.rglob("*.xlsx"), key=lambda path: (-path.stat().st_size, path.name))
    if not files:
        raise FileNotFoundError(f"no .xlsx files under {corpus_dir}")
    return files[0]


def openpyxl_full_load(data: bytes) -> int:
    """Load with openpyxl (not read-only) and touch every value and hyperlink."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    touched = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                touched += (cell.value is not None) + (cell.hyperlink is not None)
    return touched


class _Timings:
    """CPU and wall-clock times of repeated calls of one function."""

    def __init__(self, func: Callable[[], object]) -> None:
        self.func = func
        self.cpu: list[float] = []
        self.wall: list[float] = []

    def run(self) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        self.func()
        self.cpu.append(time.process_time() - cpu)
        self.wall.append(time.perf_counter() - wall)


def bench_parse(corpus_dir: Path | str = DEFAULT_CORPUS, repeats: int = 5) -> dict[str, Any]:
    """Time ours vs openpyxl on the largest corpus sheet; best of ``repeats`` each."""
    if importlib.util.find_spec("openpyxl") is None:
        raise SystemExit(
            "the benchmark needs openpyxl: install the test extras, pip install -e '.[test]'"
        )
    path = largest_sheet(Path(corpus_dir))
    data = path.read_bytes()
    ours = _Timings(lambda: parse_listing_xlsx(data, str(path)))
    reader = _Timings(lambda: read_workbook(data, str(path)))
    theirs = _Timings(lambda: openpyxl_full_load(data))
    for _ in range(repeats):
        for timings in (ours, reader, theirs):
            timings.run()
    return {
        "file": str(path),
        "bytes": len(data),
        "rows": len(parse_listing_xlsx(data, str(path)).rows),
        "repeats": repeats,
        "parse_listing_xlsx_s": min(ours.cpu),
        "read_workbook_s": min(reader.cpu),
        "openpyxl_full_load_s": min(theirs.cpu),
        "ratio": min(theirs.cpu) / min(ours.cpu),
        "reader_ratio": min(theirs.cpu) / min(reader.cpu),
        "wall_ratio": min(theirs.wall) / min(ours.wall),
    }


def bench_corpus(corpus_dir: Path | str = DEFAULT_CORPUS) -> dict[str, Any]:
    """CPU time of the reader and of openpyxl over every sheet under ``corpus_dir``."""
    files = sorted(Path(corpus_dir).rglob("*.xlsx"))
    datas = [path.read_bytes() for path in files]
    reader = _Timings(lambda: [read_workbook(data) for data in datas])
    theirs = _Timings(lambda: [openpyxl_full_load(data) for data in datas])
    reader.run()
    theirs.run()
    return {
        "files": len(files),
        "read_workbook_s": reader.cpu[0],
        "openpyxl_full_load_s": theirs.cpu[0],
        "ratio": theirs.cpu[0] / reader.cpu[0],
    }


def main(argv: list[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else DEFAULT_CORPUS
    repeats = int(argv[2]) if len(argv) > 2 else 5
    result = bench_parse(corpus, repeats)
    print(f"file: {result['file']} ({result['bytes']} bytes, {result['rows']} rows)")
    print(f"best of {repeats}, CPU time:")
    print(f"  parse_listing_xlsx: {result['parse_listing_xlsx_s'] * 1000:8.1f} ms")
    print(f"    of which reader:  {result['read_workbook_s'] * 1000:8.1f} ms")
    print(f"  openpyxl full load: {result['openpyxl_full_load_s'] * 1000:8.1f} ms")
    print(
        f"ratio: {result['ratio']:.1f}x (reader alone {result['reader_ratio']:.1f}x, "
        f"wall clock {result['wall_ratio']:.1f}x)"
    )
    whole = bench_corpus(corpus)
    print(
        f"all {whole['files']} sheets, CPU time: reader {whole['read_workbook_s']:.2f} s, "
        f"openpyxl full load {whole['openpyxl_full_load_s']:.2f} s ({whole['ratio']:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
