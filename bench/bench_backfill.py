"""A full 2019-to-now Wayback backfill against the fake CDX and archive, with realistic
capture counts, at the default politeness; prints requests and time.

    python bench/bench_backfill.py [--to 2026-12-01] [--seed 287]

The fake Wayback (tests/fake_wayback.py) lists captures like the real CDX: the 287(g)
page under its two URLs, every capture's HTML different: about 2 a day from 2019 to
2024 and 5 a day since 2025; the two sheets from February 2025, about one capture a
day each, their bytes changing on most days (every capture is listed, none collapsed
by digest; one of bytes held costs no download). The
backfill's waits run on a fake clock, so the politeness time (``fetch.per_host_interval``
between downloads, ``wayback.cdx_per_minute`` for the CDX) is counted, not slept; the
local work is the rest, in two parts: listing and fetching (HTTP on 127.0.0.1, digests,
archiving, classifying pages), then the replay that rebuilds the history from the
snapshots brought in (parsing each list, diffing, writing the events to a SQLite
database), as ``backfill wayback`` does after its fetch. ``--no-replay`` leaves the
replay out (and says so). Each setting of ``wayback.page_captures_per_day`` runs into
its own fresh archive and database.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ice287g.app import App  # noqa: E402
from ice287g.backfill import Request, WaybackBackfill  # noqa: E402
from ice287g.captures import StateFile  # noqa: E402
from ice287g.config import load_config  # noqa: E402
from scraper.wayback import WaybackClient  # noqa: E402
from tests.fake_wayback import HTML_MIME, Entry, FakeWayback  # noqa: E402
from tests.support import FakeTime  # noqa: E402

PAGES = ("https://www.ice.gov/identify-and-arrest/287g", "http://www.ice.gov/287g")
SHEET_DIR = "https://www.ice.gov/doclib/about/offices/ero/287g/"
SHEETS = (SHEET_DIR + "participatingAgencies.xlsx", SHEET_DIR + "pendingAgencies.xlsx")
CASES = ROOT / "tests" / "cases" / "html"
CORPUS_SHEET = ROOT.parent / "shared" / "corpus" / "ice-sheets" / "participating"
SHEETS_FROM = date(2025, 2, 20)


def _stamp(day: date, rng: random.Random) -> str:
    return f"{day:%Y%m%d}{rng.randrange(24):02d}{rng.randrange(60):02d}{rng.randrange(60):02d}"


def synthetic_captures(start: date, end: date, seed: int) -> list[Entry]:
    """The captures a real CDX lists for the page and the sheets between two days."""
    rng = random.Random(seed)
    old = (CASES / "may2024_plain.html").read_bytes()
    new = (CASES / "landing_2025.html").read_bytes()
    sheet = min(CORPUS_SHEET.glob("*.xlsx")).read_bytes()
    entries: dict[tuple[str, str], Entry] = {}
    last: dict[str, bytes] = {}
    day, n = start, 0
    while day <= end:
        per_day = rng.choice((0, 1, 2, 2, 3, 4)) if day.year < 2025 else rng.randint(2, 8)
        for _ in range(per_day):
            n += 1
            body = (old if day.year < 2025 else new) + f"<!-- capture {n} -->".encode()
            stamp = _stamp(day, rng)
            url = PAGES[n % 2]
            entries[(url, stamp)] = Entry(url, stamp, body, HTML_MIME)
        if day >= SHEETS_FROM:
            for url in SHEETS:
                if rng.random() < 0.9:  # captured that day; changed on most days
                    n += 1
                    stamp = _stamp(day, rng)
                    changed = rng.random() < 0.8 or url not in last
                    last[url] = sheet + f"{n}".encode() if changed else last[url]
                    entries[(url, stamp)] = Entry(url, stamp, last[url])
        day += timedelta(days=1)
    return list(entries.values())


def run_backfill(
    entries: list[Entry], per_day: int, folder: Path, replay: bool = True
) -> dict[str, float]:
    """One whole backfill into a fresh archive and database: requests, politeness, the
    wall time of listing and fetching, and of the replay (0 when ``replay`` is off)."""
    config = load_config(env={}, cwd=folder)
    db = f"sqlite:///{(folder / 'backfill.db').as_posix()}"
    app = App(replace(config, db=db, snapshots=folder / "archive"))
    w = app.config.wayback
    with FakeWayback(entries, page_rows=10**6, throttle_first=False).running() as fake:
        policy = app.fetch_policy().allowing(fake.cdx_url)
        clock = FakeTime()
        client = WaybackClient(
            app.http_client(),
            policy,
            cdx_url=fake.cdx_url,
            archive_url=fake.archive_url,
            cdx_min_interval=w.cdx_min_interval,
            backoff_429=w.backoff_429,
            sleep=clock.sleep,
            clock=clock.clock,
        )
        state = StateFile(folder / "state.json")
        job = WaybackBackfill(client, app.archive, state, per_day)
        started = time.perf_counter()
        listed = job.list_captures(Request(None, None, fake.cdx_url, fake.archive_url))
        job.download_captures(listed)
        wall = time.perf_counter() - started
    started = time.perf_counter()
    report = app.pipeline().process() if replay else None
    replayed = time.perf_counter() - started if replay else 0.0
    app.close()
    return {
        "listed": job.result.found,
        "skipped": job.result.thinned,
        "cdx": len(fake.cdx_queries),
        "downloads": sum(fake.served.values()),
        "reused": job.result.reused,
        "waits_s": clock.now,
        "wall_s": wall,
        "replay": replay,
        "replay_s": replayed,
        "snapshots": report.processed if report else 0,
        "events": report.events if report else 0,
    }


def bench_backfill(
    end: date, seed: int, settings: tuple[int, ...] = (0, 1), replay: bool = True
) -> list[dict]:
    entries = synthetic_captures(date(2019, 1, 1), end, seed)
    found = []
    for per_day in settings:
        with tempfile.TemporaryDirectory() as tmp:
            row = run_backfill(entries, per_day, Path(tmp), replay)
            found.append({"per_day": per_day, **row})
    return found


def describe(row: dict) -> str:
    hours = (row["waits_s"] + row["wall_s"] + row["replay_s"]) / 3600
    setting = "all" if row["per_day"] == 0 else f"{row['per_day']} a day"
    replay = (
        f" + replay {row['replay_s']:.0f} s ({row['snapshots']} snapshots, {row['events']} events)"
        if row["replay"]
        else " (the replay that rebuilds the history from the snapshots not measured)"
    )
    return (
        f"page captures {setting}: {row['listed']} captures listed, {row['skipped']} skipped, "
        f"{row['cdx']} CDX queries, {row['downloads']} downloads ({row['reused']} matched "
        f"bytes held); politeness waits {row['waits_s'] / 3600:.2f} h + listing and "
        f"fetching {row['wall_s']:.0f} s{replay} = {hours:.2f} h"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--to", type=date.fromisoformat, default=date(2026, 12, 1))
    parser.add_argument("--seed", type=int, default=287)
    parser.add_argument(
        "--no-replay", action="store_true", help="leave out the replay (rebuilding the history)"
    )
    parser.add_argument(
        "--per-day", default="0,1", help="wayback.page_captures_per_day settings, e.g. 0,1"
    )
    args = parser.parse_args()
    settings = tuple(int(n) for n in args.per_day.split(","))
    for row in bench_backfill(args.to, args.seed, settings, replay=not args.no_replay):
        print(describe(row))


if __name__ == "__main__":
    main()
