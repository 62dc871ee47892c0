"""One publication: read the store once, build every file in memory, write what changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from ice287g.publish import datapkg, model, tables
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
    datapkg.write_tables(out, all_tables, data.updated)
    located = _agencies_with_county(all_tables[2])
    return PublishReport(out.write(out_dir), located[0], located[1])


def _agencies_with_county(history: tables.Table) -> tuple[int, int]:
    """(agencies, agencies with a county FIPS) over every agreement ever listed."""
    fips: dict[str, bool] = {}
    for row in history.rows:
        fips[row["agency_id"]] = fips.get(row["agency_id"], False) or bool(row["county_fips"])
    return len(fips), sum(fips.values())
