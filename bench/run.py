"""Benchmarks, measured side by side in one run; prints the figures.

    python bench/run.py [--corpus ../shared/corpus] [--growth 1,4,16] [--backfill]

1. Parse the largest corpus sheet, then every sheet: ice287g's reader vs openpyxl full load.
2. End to end (bench/bench_store.py): import of the corpus into a fresh SQLite
   database, database size against archive size, ``rebuild`` from the warm parse cache,
   two ``run`` passes against a fake site (the second answered 304), ``publish``; then
   the growth series (each sheet captured 1, 4, 16 times: time, memory and database
   size against the number of captures). Each step is a child process.
3. With ``--backfill``: a 2019-to-now Wayback backfill against the fake CDX
   (bench/bench_backfill.py): requests and time at the default politeness.
4. The MOA corpus: ice287g's parser vs pdfplumber full-text extraction (if present).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--growth", default="1,4,16", help="captures per sheet, e.g. 1,4,16")
    parser.add_argument("--backfill", action="store_true", help="also bench_backfill.py")
    args = parser.parse_args()
    corpus, factors = args.corpus, [int(n) for n in args.growth.split(",")]
    from bench.bench_xlsx import bench_corpus, bench_parse

    parse = bench_parse(corpus / "ice-sheets", repeats=15)
    name = Path(parse["file"]).name
    print(f"largest sheet {name} ({parse['rows']} rows), best of {parse['repeats']}, CPU time:")
    theirs = parse["openpyxl_full_load_s"] * 1000
    print(f"  openpyxl full load + cells + hyperlinks: {theirs:.1f} ms")
    print(
        f"  ice287g reader (cells + hyperlinks):      {parse['read_workbook_s'] * 1000:.1f} ms"
        f" -> {parse['reader_ratio']:.1f}x faster"
    )
    print(
        f"  ice287g reader + normalised rows:        {parse['parse_listing_xlsx_s'] * 1000:.1f} ms"
        f" -> {parse['ratio']:.1f}x faster"
    )
    whole = bench_corpus(corpus / "ice-sheets")
    print(
        f"all {whole['files']} corpus sheets, CPU time: ice287g reader "
        f"{whole['read_workbook_s']:.2f} s, openpyxl full load "
        f"{whole['openpyxl_full_load_s']:.2f} s -> {whole['ratio']:.1f}x faster"
    )
    from bench.bench_store import report

    report(corpus, factors)
    if args.backfill:
        from bench.bench_backfill import bench_backfill
        from bench.bench_backfill import describe as describe_backfill

        for row in bench_backfill(date(2026, 12, 1), 287):
            print("wayback backfill 2019-01-01 to 2026-12-01, " + describe_backfill(row))
    moa = corpus / "moa"
    if moa.is_dir() and (ROOT / "bench" / "bench_moa.py").exists():
        from bench.bench_moa import bench_moa

        result = bench_moa(moa)
        print(
            "MOA corpus: "
            + ", ".join(
                f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in result.items()
            )
        )


if __name__ == "__main__":
    main()
