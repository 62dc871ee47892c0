"""End to end on the corpus (import, rebuild, a live pass, publish) and a growth series;
prints the figures.

    python bench/bench_store.py [--corpus ../shared/corpus] [--growth 1,4,16] [--rounds 3]

Every step runs as a child process (``ice287g`` through ``python -c``) so its wall
time, CPU time and peak memory (its high-water mark: ``bench/usage.py``) are its own.

1. openpyxl's full load (values and hyperlinks) of every corpus sheet, as a tracker
   reading the files would do, then ``import`` of the corpus sheets into a fresh SQLite
   database (the parse cache cold): the ratio of wall times, and the database's size
   against the archive's.
2. ``rebuild`` of that database (the parse cache warm).

   Steps 1 and 2 are repeated (``--rounds``, 3 by default), alternating, and the median
   of each figure is printed with the range: the machine's speed drifts by 10 to 40%
   over minutes, so one pair would compare two different machines.
3. ``run`` against a fake www.ice.gov on 127.0.0.1 (tests/fake_ice.py) serving the
   newest corpus lists, twice: the second pass is answered 304 three times (page and
   both sheets) and records nothing.
4. ``publish`` of the database into a fresh folder.
5. The growth series: an archive where each corpus sheet is captured N times (N = 1, 4,
   16; the copies spread over the time until the next sheet of the same list, as a
   scraper polling more often would see them: the same changes, N times the
   captures), each replayed by ``rebuild`` into a fresh database (cold parse cache):
   time, memory and size.

The children run as an installed tool does: with its modules' bytecode cached
(compiled once before the first step, as ``pip install`` compiles a package), even
where the environment sets ``PYTHONDONTWRITEBYTECODE`` (else every child would compile
the project's modules again, a tenth of a second a step that no deployment pays).
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# the environment the children run in: bytecode cached (see ``compile_project``)
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
PACKAGES = ("common", "diffs", "ice287g", "parsers", "scraper", "snapshots", "store", "bench")

QUICK_FETCH = {"ICE287G_FETCH__PER_HOST_INTERVAL": "0", "ICE287G_FETCH__MAX_RETRIES": "1"}


RUNNER = """
import atexit, resource, sys
from bench.usage import peak_kb

def _usage():
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    sys.stderr.write(f"\\nUSAGE {cpu} {peak_kb()} {kids.ru_maxrss}\\n")

atexit.register(_usage)
from ice287g.cli import main
main()
"""


OPENPYXL_READER = """
import atexit, resource, sys
from pathlib import Path
from bench.usage import peak_kb

def _usage():
    me = resource.getrusage(resource.RUSAGE_SELF)
    sys.stderr.write(f"\\nUSAGE {me.ru_utime + me.ru_stime} {peak_kb()} 0\\n")

atexit.register(_usage)
from bench.bench_xlsx import openpyxl_full_load
for path in sorted(Path(sys.argv[1]).rglob("*.xlsx")):
    openpyxl_full_load(path.read_bytes())
"""


def child(
    args: list[str], env: dict[str, str] | None = None, script: str = RUNNER
) -> dict[str, Any]:
    """Run ``ice287g ARGS`` (or another ``script`` with ARGS) in a child: wall seconds,
    CPU seconds (its worker processes included), peak RSS in MB of the process and of
    its largest worker, output."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**CHILD_ENV, **(env or {})},
        check=False,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"ice287g {' '.join(args)} failed: {proc.stderr[-500:]}")
    usage = proc.stderr.rsplit("USAGE ", 1)[1].split()
    cpu, peak, workers = float(usage[0]), int(usage[1]) / 1024, int(usage[2]) / 1024
    out = proc.stdout + proc.stderr.rsplit("USAGE ", 1)[0]
    return {"wall_s": wall, "cpu_s": cpu, "peak_mb": peak, "worker_mb": workers, "out": out}


def compile_project() -> None:
    """The project's modules compiled to bytecode once, as an installed package's are."""
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)


def db_size_mb(db: Path) -> float:
    """The SQLite file's size once its write-ahead log is folded in and it is vacuumed."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
    return db.stat().st_size / 1e6


def tree_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def end_to_end(corpus: Path, tmp: Path, rounds: int = 3) -> dict[str, Any]:
    """``rounds`` times openpyxl's reading, import and rebuild (each figure the median,
    with its range); then two live passes and publish. Each step in its own child."""
    sheets = str(corpus / "ice-sheets")
    measured: dict[str, list[dict[str, Any]]] = {"openpyxl": [], "import": [], "rebuild": []}
    for number in range(rounds):
        folder = tmp / f"round{number}"
        folder.mkdir()
        base = _base_args(folder)
        measured["openpyxl"].append(child([sheets], script=OPENPYXL_READER))
        measured["import"].append(child([*base, "import", sheets]))
        measured["rebuild"].append(child([*base, "rebuild"]))
    found: dict[str, Any] = {name: median_run(runs) for name, runs in measured.items()}
    pairs = zip(measured["openpyxl"], measured["import"], strict=True)
    found["ratios"] = sorted(reader["wall_s"] / ours["wall_s"] for reader, ours in pairs)
    db = folder / "bench.db"
    found["db_mb"], found["archive_mb"] = db_size_mb(db), tree_mb(folder / "arch" / "objects")
    found["run_first"], found["run_again"] = live_passes(base, corpus)
    found["publish"] = child([*base, "publish", str(folder / "site")])
    return found


def _base_args(folder: Path) -> list[str]:
    """The options that put a run's database, archive and lock in ``folder``."""
    config = folder / "config.toml"
    config.write_text(f'[archive]\nlock_file = "{(folder / "run.lock").as_posix()}"\n')
    db = folder / "bench.db"
    return ["--config", str(config), "--db", f"sqlite:///{db}", "--snapshots", str(folder / "arch")]


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's median over the runs, and the range of the wall times."""
    walls = sorted(r["wall_s"] for r in runs)
    result = {
        key: statistics.median(r[key] for r in runs)
        for key in ("wall_s", "cpu_s", "peak_mb", "worker_mb")
    }
    return {**result, "wall_range": (walls[0], walls[-1]), "runs": len(runs)}


def live_passes(base: list[str], corpus: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    from tests.fake_ice import FakeIce

    sheets = corpus / "ice-sheets"
    newest = {
        kind: max((sheets / kind).glob("*.xlsx"), key=_name_time).relative_to(sheets)
        for kind in ("participating", "pending")
    }
    with FakeIce() as site:
        site.publish(str(newest["participating"]), str(newest["pending"]))
        args = [*base, "run", "--quiet", "--no-moas", "--base-url", site.base_url]
        first = child(args, QUICK_FETCH)
        again = child(args, QUICK_FETCH)
        again["statuses"] = dict(site.statuses())
    return first, again


def _name_time(path: Path) -> str:
    from parsers.filenames import date_from_name

    named = date_from_name(path.name)
    return named.observed_at.isoformat() if named else ""


def growth_archive(corpus: Path, folder: Path, copies: int) -> int:
    """An archive holding every corpus sheet captured ``copies`` times; the number of
    observations. A sheet's copies are spread over the time until the next sheet of
    the same list (12 hours for the last): each copy is a capture of the version that
    was current then, so the series holds the same changes, only more captures."""
    from common.times import utc_iso
    from parsers.filenames import claimed_kind, date_from_name
    from snapshots.archive import Archive, Observation

    archive = Archive(folder)
    by_list: dict[str | None, list[tuple[Any, Path]]] = {}
    for path in sorted((corpus / "ice-sheets").rglob("*.xlsx")):
        named = date_from_name(path.name)
        if named is not None:
            by_list.setdefault(claimed_kind(path.name), []).append((named.observed_at, path))
    observations = []
    for kind, dated in by_list.items():
        dated.sort()
        nexts = [when for when, _ in dated[1:]] + [dated[-1][0] + timedelta(hours=12)]
        for (when, path), after in zip(dated, nexts, strict=True):
            data = path.read_bytes()
            sha, _ = archive.put(data, ".xlsx")
            for i in range(copies):
                observations.append(
                    Observation(
                        sha256=sha,
                        observed_at=utc_iso(when + (after - when) * i / copies),
                        source="import",
                        kind_claimed=kind,
                        original_name=f"{path.stem}-copy{i}.xlsx",
                        size=len(data),
                        suffix=".xlsx",
                    )
                )
    archive.record_many(observations)
    return len(observations)


def growth(corpus: Path, tmp: Path, factors: list[int]) -> list[dict[str, Any]]:
    rows = []
    for copies in factors:
        folder = tmp / f"x{copies}"
        count = growth_archive(corpus, folder / "arch", copies)
        db = folder / "g.db"
        result = child(["--db", f"sqlite:///{db}", "--snapshots", str(folder / "arch"), "rebuild"])
        rows.append({"copies": copies, "captures": count, **result, "db_mb": db_size_mb(db)})
        shutil.rmtree(folder)
    return rows


def describe(step: str, r: dict[str, Any]) -> str:
    spread = ""
    if r.get("runs", 1) > 1:
        low, high = r["wall_range"]
        spread = f" (median of {r['runs']}: {low:.2f} to {high:.2f} s)"
    return (
        f"{step}: {r['wall_s']:.2f} s wall{spread}, {r['cpu_s']:.2f} s CPU, "
        f"peak {r['peak_mb']:.0f} MB (workers {r['worker_mb']:.0f} MB)"
    )


def cpu_floor(cpu_s: float, openpyxl_wall_s: float) -> str:
    """What the import's CPU time allows: spread perfectly over every core, its wall
    time cannot fall below CPU / cores (and 5x openpyxl needs a fifth of its time)."""
    cores = os.cpu_count() or 1
    return (
        f"import CPU {cpu_s:.2f} s on {cores} cores: wall time no lower than "
        f"{cpu_s / cores:.2f} s; 5x openpyxl would need {openpyxl_wall_s / 5:.2f} s"
    )


def report(corpus: Path, factors: list[int], rounds: int = 3) -> None:
    compile_project()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        e2e = end_to_end(corpus, tmp, rounds)
        print(describe("openpyxl reading every corpus sheet (full load, links)", e2e["openpyxl"]))
        print(describe("import of the corpus into fresh SQLite (parse cache cold)", e2e["import"]))
        ratios = e2e["ratios"]
        shown = ", ".join(f"{r:.2f}" for r in ratios)
        print(
            f"  import: {statistics.median(ratios):.1f}x faster (wall) than openpyxl merely "
            f"reading the files (the rounds' ratios, lowest first: {shown})"
        )
        print("  " + cpu_floor(e2e["import"]["cpu_s"], e2e["openpyxl"]["wall_s"]))
        print(f"  database {e2e['db_mb']:.1f} MB, archive {e2e['archive_mb']:.1f} MB")
        print(describe("rebuild (parse cache warm)", e2e["rebuild"]))
        print(describe("run, first pass against the fake site", e2e["run_first"]))
        again = e2e["run_again"]
        print(describe("run again, nothing new", again) + f"; answers {again['statuses']}")
        print(describe("publish into a fresh folder", e2e["publish"]))
        rows = growth(corpus, tmp, factors)
    first = rows[0]
    print("growth series (each corpus sheet captured N times; rebuild, parse cache cold):")
    for r in rows:
        print(
            f"  {r['copies']:>2}x: {r['captures']} captures, {r['wall_s']:.1f} s wall "
            f"({r['wall_s'] / first['wall_s']:.2f}x), {r['cpu_s']:.1f} s CPU "
            f"({r['cpu_s'] / first['cpu_s']:.2f}x), peak {r['peak_mb']:.0f} MB "
            f"({r['peak_mb'] / first['peak_mb']:.2f}x), database {r['db_mb']:.1f} MB "
            f"({r['db_mb'] / first['db_mb']:.2f}x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--growth", default="1,4,16")
    parser.add_argument("--rounds", type=int, default=3, help="openpyxl/import/rebuild rounds")
    args = parser.parse_args()
    report(args.corpus, [int(n) for n in args.growth.split(",")], max(1, args.rounds))


if __name__ == "__main__":
    main()
