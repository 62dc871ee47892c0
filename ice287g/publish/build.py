"""One publication: read the store once, build every file in memory, write what changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from ice287g.publish import charts, datapkg, feeds, model, site, tables
from ice287g.publish.model import PublishData
from ice287g.publish.output import Output, WriteReport
from snapshots.archive import Archive


@dataclass(frozen=True)
class PublishReport:
    write: WriteReport
    agencies: int
    agencies_with_county: int

    @property
    def county_share(self) -> float:
        return self.agencies_with_county / self.agencies if self.agencies else 0.0


def publish(engine: Engine, archive: Archive, out_dir: Path) -> PublishReport:
    data = model.load(engine)
    out = Output()
    all_tables = tables.all_tables(data)
    by_name = {t.name: t for t in all_tables}
    datapkg.write_tables(out, all_tables, data.updated)
    files = _evidence_files(out, data, archive)
    drawn = _charts(data, by_name)
    site.write_pages(out, site.Inputs(data, by_name, drawn, files))
    feed_list = feeds.feeds(data, site.state_slug, site.agency_href)
    feeds.write_feeds(out, feed_list, data, site.agency_href)
    site.write_feed_index(out, feed_list, data.updated)
    located = _agencies_with_county(by_name["agreements"])
    return PublishReport(out.write(out_dir), located[0], located[1])


def _charts(data: PublishData, by_name: dict[str, tables.Table]) -> dict[str, charts.Chart]:
    title = "Agreements on the participating list, by model"
    drawn = [
        charts.models_over_time("models", title, data.daily_counts),
        charts.monthly_flows(tables.monthly_flows(data)),
        charts.agreements_map(by_name["current-participating"].rows),
    ]
    return {c.name: c for c in drawn}


def _evidence_files(out: Output, data: PublishData, archive: Archive) -> dict[str, str]:
    """Copy every archived file an event or a MOA cites to ``files/<sha256>.<ext>``."""
    wanted = {s["sha256"] for e in data.events for s in tables.evidence(e)}
    wanted |= {doc["sha256"] for doc in data.moas}
    files = {}
    for sha in sorted(wanted):
        source = archive.find(sha)
        if source is None:
            continue
        rel = f"files/{sha}{source.suffix}"
        out.copy(rel, source)
        files[sha] = rel
    return files


def _agencies_with_county(history: tables.Table) -> tuple[int, int]:
    """(agencies, agencies with a county FIPS) over every agreement ever listed."""
    fips: dict[str, bool] = {}
    for row in history.rows:
        fips[row["agency_id"]] = fips.get(row["agency_id"], False) or bool(row["county_fips"])
    return len(fips), sum(fips.values())
