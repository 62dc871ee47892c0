"""What ``publish`` shows, read from the store once, as plain values.

This is the only module of the package that reads the store (through
``store.publish_queries`` and ``store.queries``); everything else works on
:class:`PublishData`, so a change in how the store lays out lists or agencies changes
this file alone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from store import publish_queries, queries
from store.db import transaction

LISTS = ("participating", "pending")


@dataclass(frozen=True)
class ListState:
    """One list as it stands: the rows of its last accepted snapshot and that snapshot."""

    kind: str
    rows: tuple[dict[str, Any], ...]
    observed_at: str | None
    snapshot_id: str | None
    sha256: str | None


@dataclass(frozen=True)
class PublishData:
    """Everything the site, feeds and data package are made from."""

    agencies: dict[str, dict[str, Any]]
    agreements: tuple[dict[str, Any], ...]
    pending: tuple[dict[str, Any], ...]
    events: tuple[dict[str, Any], ...]
    lists: dict[str, ListState]
    snapshots: dict[str, dict[str, Any]]
    daily_counts: tuple[dict[str, Any], ...]
    state_counts: dict[str, tuple[dict[str, Any], ...]]
    moas: tuple[dict[str, Any], ...]
    warnings: dict[tuple[str, str], tuple[str, ...]]  # by (sha256, list): parser notes

    @property
    def updated(self) -> str:
        """The newest observation the data knows of: the site's date (never 'now')."""
        times = [s["observed_at"] for s in self.snapshots.values()]
        return max(times) if times else "1970-01-01T00:00:00Z"


def load(engine: Engine) -> PublishData:
    """Read everything ``publish`` needs in one transaction, of one moment of the
    history (an import committing meanwhile is not half read)."""
    with transaction(engine, one_moment=True) as session:
        snapshots = publish_queries.snapshot_rows(session)
        counts = publish_queries.agreement_counts(session, "participating")
        lists = {kind: _list_state(session, kind) for kind in LISTS}
        return PublishData(
            agencies={a["id"]: a for a in publish_queries.agencies(session)},
            agreements=tuple(publish_queries.entries(session, "participating")),
            pending=tuple(publish_queries.entries(session, "pending")),
            events=tuple(queries.events(session, queries.EventFilter())),
            lists=lists,
            snapshots={s["id"]: s for s in snapshots},
            daily_counts=tuple(_daily_counts(snapshots, counts, None)),
            state_counts=_state_counts(snapshots, counts),
            moas=tuple(publish_queries.moa_documents(session)),
            warnings=publish_queries.list_warnings(session),
        )


def _list_state(session: Any, kind: str) -> ListState:
    snapshot = queries.latest_accepted(session, kind, None)
    rows = queries.status_rows(session, None, kind)
    if snapshot is None:
        return ListState(kind, tuple(rows), None, None, None)
    return ListState(kind, tuple(rows), snapshot.observed_at, snapshot.id, snapshot.sha256)


def _daily_counts(
    snapshots: list[dict[str, Any]],
    counts: dict[str, dict[tuple[str, str], int]],
    state: str | None,
) -> list[dict[str, Any]]:
    """Agreements per model (in one state, or all) at the end of each day with an
    accepted participating snapshot (its last one that day)."""
    last_of_day: dict[str, dict[str, Any]] = {}
    for snap in snapshots:
        if snap["kind"] == "participating" and snap["verdict"] == "accepted":
            last_of_day[snap["observed_at"][:10]] = snap
    series = []
    for day in sorted(last_of_day):
        snap = last_of_day[day]
        by_model: dict[str, int] = defaultdict(int)
        for (where, model), n in counts.get(snap["sha256"], {}).items():
            if state is None or where == state:
                by_model[model] += n
        series.append(
            {
                "date": day,
                "JEM": by_model["JEM"],
                "TFM": by_model["TFM"],
                "WSO": by_model["WSO"],
                "total": sum(by_model.values()),
                "snapshot_id": snap["id"],
            }
        )
    return series


def _state_counts(
    snapshots: list[dict[str, Any]], counts: dict[str, dict[tuple[str, str], int]]
) -> dict[str, tuple[dict[str, Any], ...]]:
    """Each state's series, kept to the days its counts changed (and the last day)."""
    states = sorted({state for by in counts.values() for state, _ in by})
    found = {}
    for state in states:
        series = _daily_counts(snapshots, counts, state)
        kept = [
            row
            for i, row in enumerate(series)
            if i in (0, len(series) - 1) or _models(row) != _models(series[i - 1])
        ]
        found[state] = tuple(kept)
    return found


def _models(row: dict[str, Any]) -> tuple[int, int, int]:
    return row["JEM"], row["TFM"], row["WSO"]
