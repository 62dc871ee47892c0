"""Benchmark of ``ice287g publish`` on the whole corpus; prints the figures.

    python bench/bench_publish.py [--corpus ../shared/corpus]

The corpus is imported into a fresh SQLite database, then published twice into a fresh
folder (the second time with nothing new, so nothing is rewritten). Each step runs in
its own child process, which reports its own wall time and peak memory (``bench/usage.py``).
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
CHILD = """
import resource, sys
from bench.usage import peak_kb
from ice287g.cli import cli
try:
    cli.main(args=sys.argv[1:], prog_name="ice287g")
finally:
    own = peak_kb() / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"PEAK {own:.0f} {worker:.0f}", file=sys.stderr)
"""


def step(args: list[str]) -> tuple[float, float, str]:
    """Run ``ice287g ARGS`` in a child: wall seconds, CPU seconds (its own and its
    workers'), its output; prints the peak RSS of the process and of its workers."""
    start = time.perf_counter()
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime
    if proc.returncode != 0:
        raise SystemExit(f"ice287g {' '.join(args)} failed: {proc.stderr.strip()[-500:]}")
    own, worker = proc.stderr.rsplit("PEAK ", 1)[1].split()[:2]
    print(f"  peak memory: {own} MB (process), {worker} MB (its largest worker)")
    return wall, cpu, proc.stdout.strip()


def folder_size(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    corpus = parser.parse_args().corpus
    with tempfile.TemporaryDirectory() as tmp:
        base = ["--db", f"sqlite:///{tmp}/bench.db", "--snapshots", f"{tmp}/archive"]
        wall, cpu, _ = step([*base, "import", str(corpus / "ice-sheets")])
        print(f"import of the corpus: {wall:.2f} s wall, {cpu:.2f} s CPU")
        site = Path(tmp) / "site"
        wall, cpu, out = step([*base, "publish", str(site)])
        count, size = folder_size(site)
        print(f"publish (fresh folder): {wall:.2f} s wall, {cpu:.2f} s CPU (target < 15 s)")
        print(f"  output: {count} files, {size / 1e6:.1f} MB; {out}")
        wall, cpu, out = step([*base, "publish", str(site)])
        print(f"publish again, nothing new: {wall:.2f} s wall, {cpu:.2f} s CPU; {out}")


if __name__ == "__main__":
    main()
