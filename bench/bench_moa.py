"""Benchmark: parse the MOA corpus with ice287g, against pdfplumber's full-text extraction.

    python bench/bench_moa.py [CORPUS_DIR]      (default ../shared/corpus/moa)

Measured in one run on the same files: :func:`parsers.moa.parse_moa` on every PDF,
PDFium's plain text of every page (the extraction the parser is built on, so the
difference is the parser's own work), and pdfplumber's ``page.extract_text()`` on every
page (what a straightforward parser would start from). When Tesseract is installed, the
parse with OCR of the pages that have no text layer is measured too.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from parsers.moa import parse_moa  # noqa: E402
from parsers.ocr import Ocr, find_tesseract  # noqa: E402


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call (CPU time is steadier on a busy machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def _parse_all(files: list[tuple[str, bytes]], ocr: Ocr | None = None) -> int:
    """Parse every file; the number of pages read by OCR."""
    return sum(len(parse_moa(data, name, None, ocr).ocr_pages) for name, data in files)


def _pdfium_text(files: list[tuple[str, bytes]]) -> int:
    import pypdfium2 as pdfium

    pages = 0
    for _name, data in files:
        pdf = pdfium.PdfDocument(data)
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
            pages += 1
        pdf.close()
    return pages


def _pdfplumber_text(paths: list[Path]) -> None:
    import pdfplumber

    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()


def bench_moa(corpus_dir: Path | str) -> dict[str, float | int]:
    """Seconds (wall and CPU) to parse every MOA PDF in ``corpus_dir``, per document, and
    the same for PDFium plain text and pdfplumber full-text extraction of every page;
    ``ratio`` is pdfplumber's wall time over the parser's (``ratio_cpu`` the same in CPU
    time)."""
    paths = sorted(Path(corpus_dir).glob("*.pdf"))
    if not paths:
        raise SystemExit(f"no PDF in {corpus_dir}")
    files = [(p.name, p.read_bytes()) for p in paths]
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    ours, ours_cpu = _timed(lambda: _parse_all(files))
    pages = _pdfium_text(files)
    pdfium_s, pdfium_cpu = _timed(lambda: _pdfium_text(files))
    plumber, plumber_cpu = _timed(lambda: _pdfplumber_text(paths))
    count = len(files)
    ocr = find_tesseract()
    with_ocr: dict[str, float | int] = {}
    if ocr is not None:
        read: list[int] = []
        wall, _cpu = _timed(lambda: read.append(_parse_all(files, ocr)))
        with_ocr = {"ocr_s": wall, "ocr_ms_per_doc": wall / count * 1000, "ocr_pages": read[0]}
    return with_ocr | {
        "files": count,
        "pages": pages,
        "ice287g_s": ours,
        "ice287g_ms_per_doc": ours / count * 1000,
        "ice287g_cpu_s": ours_cpu,
        "pdfium_text_s": pdfium_s,
        "pdfium_text_cpu_s": pdfium_cpu,
        "pdfplumber_s": plumber,
        "pdfplumber_ms_per_doc": plumber / count * 1000,
        "pdfplumber_cpu_s": plumber_cpu,
        "ratio": plumber / ours,
        "ratio_cpu": plumber_cpu / ours_cpu,
    }


def main() -> None:
    """Print the figures for the corpus named on the command line (or the default)."""
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/corpus/moa"
    r = bench_moa(corpus)
    rows = (
        ("ice287g parse_moa", r["ice287g_s"], r["ice287g_cpu_s"], r["ice287g_ms_per_doc"]),
        ("PDFium plain text, all pages", r["pdfium_text_s"], r["pdfium_text_cpu_s"], None),
        ("pdfplumber extract_text()", r["pdfplumber_s"], r["pdfplumber_cpu_s"],
         r["pdfplumber_ms_per_doc"]),
    )  # fmt: skip
    print(f"MOA corpus: {r['files']} PDFs, {r['pages']} pages (wall / CPU seconds)")
    for label, wall, cpu, per_doc in rows:
        each = f" ({per_doc:.0f} ms per document)" if per_doc is not None else ""
        print(f"  {label:<30} {wall:7.2f} / {cpu:6.2f} s{each}")
    print(f"  ratio pdfplumber / ice287g:   {r['ratio']:.1f}x wall, {r['ratio_cpu']:.1f}x CPU")
    if "ocr_s" in r:
        print(
            f"  ice287g parse_moa with OCR     {r['ocr_s']:7.2f} s wall"
            f" ({r['ocr_ms_per_doc']:.0f} ms per document; {r['ocr_pages']} pages read by OCR)"
        )
    else:
        print("  (tesseract not installed: the OCR parse is not measured)")


if __name__ == "__main__":
    main()
