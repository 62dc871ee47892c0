"""One publication: read the store once, build every file in memory, write what changed."""

from __future__ import annotations

import contextlib
import fcntl
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ice287g.parallel import child_start
from ice287g.publish import charts, datapkg, feeds, model, site, tables
from ice287g.publish.model import PublishData
from ice287g.publish.output import Output, WriteReport
from snapshots.archive import Archive


@dataclass(frozen=True)
class PublishReport:
    write: WriteReport
    agencies: int
    agencies_with_county: int
    unverified: tuple[str, ...] = ()  # cited files missing or altered: not published

    def warnings(self) -> list[str]:
        """One line for each cited file left out of the publication."""
        return [
            f"archive object {sha} is missing or no longer has that hash: not published as evidence"
            for sha in self.unverified
        ]

    @property
    def county_share(self) -> float:
        return self.agencies_with_county / self.agencies if self.agencies else 0.0


def publish(engine: Engine, archive: Archive, out_dir: Path) -> PublishReport:
    """Publish into ``out_dir``, one publisher of a folder at a time (:func:`_turn`).
    The charts are drawn in a worker process (the Vega renderer and its memory stay
    there) while the pages are built here."""
    with _turn(out_dir):
        return _publish(engine, archive, out_dir)


@contextlib.contextmanager
def _turn(out_dir: Path) -> Iterator[None]:
    """The folder held by this publication from its read to its last write, others
    waiting their turn (an exclusive ``flock`` on the folder itself, dropped by the
    kernel however the holder ends): a ``publish`` that read the history before a
    pass's news, and wrote after the pass had published them, took the folder back to
    the older history (459 files removed), and the pass, marked published, never
    mended it. Each publisher reads after its turn comes, so the last one to write
    writes the newest history."""
    out_dir.mkdir(parents=True, exist_ok=True)
    handle = os.open(out_dir, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # the lock with it


def _publish(engine: Engine, archive: Archive, out_dir: Path) -> PublishReport:
    data = model.load(engine)
    out = Output()
    all_tables = tables.all_tables(data)
    by_name = {t.name: t for t in all_tables}
    # the worker ends with this process, as a parse worker does (``child_start``): a
    # pass killed while it publishes left it running for good, holding cron's output
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn, initializer=child_start) as pool:
        drawn = pool.submit(draw_charts, *_chart_inputs(data, by_name))
        datapkg.write_tables(out, all_tables, data.updated)
        files, unverified = _evidence_files(out, data, archive)
        feed_list = feeds.feeds(data, site.state_slug, site.agency_href)
        feeds.write_feeds(out, feed_list, data, site.agency_href)
        site.write_feed_index(out, feed_list, data.updated)
        site.write_pages(out, site.Inputs(data, by_name, drawn.result, files))
    located = _agencies_with_county(by_name["agreements"])
    return PublishReport(out.write(out_dir), located[0], located[1], unverified)


Rows = tuple[dict[str, Any], ...]
ChartInputs = tuple[Rows, list[dict[str, Any]], Rows, dict[str, Rows]]


def _chart_inputs(data: PublishData, by_name: dict[str, tables.Table]) -> ChartInputs:
    return (
        data.daily_counts,
        tables.monthly_flows(data),
        by_name["current-participating"].rows,
        data.state_counts,
    )


def draw_charts(
    daily: Rows, flows: list[dict[str, Any]], current: Rows, by_state: dict[str, Rows]
) -> dict[str, charts.Chart]:
    """The front page's charts and map, and each state's chart (run in the worker)."""
    title = "Agreements on the participating list, by model"
    drawn = [
        charts.models_over_time("models", title, daily),
        charts.monthly_flows(flows),
        charts.agreements_map(current),
    ]
    for state, series in sorted(by_state.items()):
        name = f"state-{site.state_slug(state)}"
        title = f"Agreements on the participating list in {state}, by model"
        drawn.append(charts.models_over_time(name, title, series))
    return {c.name: c for c in drawn}


INERT = {".html": ".html.txt"}
"""Archived files a browser would run, published as text: an ICE page (a legacy list, a
Wayback capture) is evidence to read, byte for byte, never a page of the site (its
scripts would run on the site's own origin)."""


def _evidence_files(
    out: Output, data: PublishData, archive: Archive
) -> tuple[dict[str, str], tuple[str, ...]]:
    """Copy every archived file an event or a MOA cites to ``files/<sha256>.<ext>``
    (``INERT``: a page as text), each checked against its hash: a file missing from the
    archive or altered in it is not published (a file named by a hash its bytes do not
    have was shipped as evidence), and is named."""
    wanted = {s["sha256"] for e in data.events for s in tables.evidence(e)}
    wanted |= {doc["sha256"] for doc in data.moas}
    files, unverified = {}, []
    for sha in sorted(wanted):
        source = archive.verified(sha)
        if source is None:
            unverified.append(sha)
            continue
        rel = f"files/{sha}{INERT.get(source.suffix, source.suffix)}"
        out.copy(rel, source)
        files[sha] = rel
    return files, tuple(unverified)


def _agencies_with_county(history: tables.Table) -> tuple[int, int]:
    """(agencies, agencies with a county FIPS) over every agreement ever listed."""
    fips: dict[str, bool] = {}
    for row in history.rows:
        fips[row["agency_id"]] = fips.get(row["agency_id"], False) or bool(row["county_fips"])
    return len(fips), sum(fips.values())
