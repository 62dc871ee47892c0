"""Benchmarks, measured side by side in one run; prints the figures.

    python bench/run.py [--corpus ../shared/corpus]

1. Parse the largest corpus sheet, then every sheet: ice287g's reader vs openpyxl full load.
2. Import the whole corpus into a fresh SQLite database (wall time, peak memory).
3. ``rebuild`` of that database (wall time, peak memory).
4. The MOA corpus: ice287g's parser vs pdfplumber full-text extraction (if present).

Import and rebuild run as child processes so their peak memory (max RSS) is their own.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def child(args: list[str]) -> tuple[float, float, str]:
    """Run ``ice287g ARGS`` in a child; return wall seconds, peak RSS in MB, output."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", "from ice287g.cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode != 0:
        raise SystemExit(f"ice287g {' '.join(args)} failed: {proc.stderr.strip()}")
    return wall, peak, proc.stdout.strip() + proc.stderr.strip()[-200:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    corpus = parser.parse_args().corpus
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
    with tempfile.TemporaryDirectory() as tmp:
        base = ["--db", f"sqlite:///{tmp}/bench.db", "--snapshots", f"{tmp}/archive"]
        wall, peak, _ = child([*base, "import", str(corpus / "ice-sheets")])
        print(
            f"import whole corpus into fresh SQLite: {wall:.2f} s wall, "
            f"peak {peak:.0f} MB (targets < 10 s, < 300 MB)"
        )
        wall, peak2, _ = child([*base, "rebuild"])
        print(f"rebuild: {wall:.2f} s wall, peak {max(peak, peak2):.0f} MB (max RSS of children)")
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
