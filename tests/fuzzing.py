"""What the fuzzers (``tests/fuzz_reader.py``, ``tests/fuzz_moa.py``) share: their
options, the corpus files they mutate, and how a failed case is told and kept."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def options(doc: str, cases: int) -> argparse.ArgumentParser:
    """The options every fuzzer takes (a fuzzer adds its own)."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--cases", type=int, default=cases)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--save", type=Path, default=None)
    return parser


def corpus_files(corpus: Path, suffix: str) -> list[Path]:
    """The corpus's files of ``suffix``; none found ends the fuzzer (exit 2)."""
    files = sorted(corpus.rglob(f"*{suffix}"))
    if not files:
        print(f"no {suffix} files under {corpus}", file=sys.stderr)
        raise SystemExit(2)
    return files


def failed(case: int, path: Path, what: str, found: str, data: bytes, save: Path | None) -> None:
    """Tell a failed case (mutated from ``path`` by ``what``) and keep its bytes in
    ``save`` when given."""
    print(f"FAILED: case {case}, {path.name}, {what}:\n{found}")
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        (save / f"case{case}{path.suffix}").write_bytes(data)
