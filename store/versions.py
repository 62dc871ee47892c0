"""Lists stored as intervals: each row's versions with the accepted snapshots where they
start and end (``list_versions``).

A list observed again unchanged writes nothing; a changed list writes only the rows
that changed (one closed version, one opened). So the store grows with the changes ICE
makes, not with the number of times its lists were captured.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from common.hashing import canonical_json
from parsers.records import ListingRow
from store.models import ListVersion, Snapshot
from store.writer import bulk_insert

VersionKey = tuple[str, str, int]  # agency_id, model (or "?"), repeat number in the list
Values = tuple[Any, ...]  # VALUE_COLUMNS order
Shown = dict[int, tuple[ListingRow, Values]]  # a list's rows' values, by the row's id

KEY_COLUMNS = ("kind", "agency_id", "model_key", "dup")
VALUE_COLUMNS = (
    "state",
    "agency",
    "model",
    "model_raw",
    "agency_type",
    "county",
    "signed",
    "signed_raw",
    "moa_url",
    "moa_text",
    "addendum_url",
    "flags",
)
INTERVAL_COLUMNS = ("from_seq", "valid_from", "from_snapshot")


@dataclass(frozen=True)
class At:
    """The accepted snapshot where a version starts or ends."""

    seq: int
    observed_at: str
    snapshot_id: str


@dataclass
class OpenLists:
    """The versions still open (on the list) per list kind, and the content each list
    had last, so an unchanged list is recognised without touching the database; and
    the stored values of the last list's rows by the row (``shown``): a list read
    from the parse cache shares its unchanged rows with the list before it, whose
    values are then not made again."""

    versions: dict[str, dict[VersionKey, tuple[int, Values]]] = field(default_factory=dict)
    last: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    shown: dict[str, Shown] = field(default_factory=dict)


def row_values(row: ListingRow) -> Values:
    """The stored values of one row, in VALUE_COLUMNS order."""
    return (
        row.state,
        row.agency,
        row.model,
        row.model_raw,
        row.agency_type,
        row.county,
        row.signed.isoformat() if row.signed else None,
        row.signed_raw,
        row.moa_url,
        row.moa_text,
        row.addendum_url,
        canonical_json(list(row.flags)) if row.flags else None,
    )


def row_versions(
    rows: Sequence[ListingRow], agency_ids: Sequence[str], known: Shown | None = None
) -> tuple[dict[VersionKey, Values], Shown]:
    """A list's rows by version key (a row repeating an agency and model gets the next
    repeat number, in sheet order), and its rows' values by row: ``known``'s for the
    rows it holds (the same objects), made for the others."""
    seen: Counter[tuple[str, str]] = Counter()
    found: dict[VersionKey, Values] = {}
    made: Shown = {}
    for row, agency_id in zip(rows, agency_ids, strict=True):
        model = row.model or "?"
        pair = (known or {}).get(id(row))
        if pair is None or pair[0] is not row:
            pair = (row, row_values(row))
        made[id(row)] = pair
        found[(agency_id, model, seen[(agency_id, model)])] = pair[1]
        seen[(agency_id, model)] += 1
    return found, made


def load_open(session: Session) -> OpenLists:
    """The open versions and the last accepted content of each list, from the store."""
    lists = OpenLists()
    query = select(ListVersion).where(ListVersion.to_seq.is_(None))
    for v in session.scalars(query):
        values = tuple(getattr(v, name) for name in VALUE_COLUMNS)
        lists.versions.setdefault(v.kind, {})[(v.agency_id, v.model_key, v.dup)] = (
            v.from_seq,
            values,
        )
    return lists


def record_list(
    session: Session,
    lists: OpenLists,
    kind: str,
    at: At,
    content: tuple[str, Sequence[ListingRow], Sequence[str]],
) -> None:
    """Record an accepted list ``(sha256, rows, agency ids)`` observed at ``at``: close
    the versions it no longer shows, open the ones it shows first."""
    sha, rows, agency_ids = content
    mark = (sha, tuple(agency_ids))
    if lists.last.get(kind) == mark:
        return
    lists.last[kind] = mark
    new, lists.shown[kind] = row_versions(rows, agency_ids, lists.shown.get(kind))
    current = lists.versions.setdefault(kind, {})
    ended = [key for key, (_, values) in current.items() if new.get(key) != values]
    started = [key for key, values in new.items() if _changed(current.get(key), values)]
    _close(session, kind, at, [(key, current.pop(key)[0]) for key in ended])
    for key in started:
        current[key] = (at.seq, new[key])
    _open(session, kind, at, [(key, new[key]) for key in started])


def _changed(open_version: tuple[int, Values] | None, values: Values) -> bool:
    return open_version is None or open_version[1] != values


def _close(session: Session, kind: str, at: At, ended: list[tuple[VersionKey, int]]) -> None:
    if not ended:
        return
    sql = (
        "UPDATE list_versions SET to_seq = {m}, valid_to = {m}, to_snapshot = {m} "
        "WHERE kind = {m} AND agency_id = {m} AND model_key = {m} AND dup = {m} "
        "AND from_seq = {m}"
    )
    params = [(at.seq, at.observed_at, at.snapshot_id, kind, *key, start) for key, start in ended]
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(sql.format(m=mark), params)


def _open(session: Session, kind: str, at: At, started: list[tuple[VersionKey, Values]]) -> None:
    names = (*KEY_COLUMNS, *INTERVAL_COLUMNS, *VALUE_COLUMNS)
    values = [(kind, *key, at.seq, at.observed_at, at.snapshot_id, *row) for key, row in started]
    bulk_insert(session, cast(Table, ListVersion.__table__), names, values)


def versions_at(session: Session, snapshot: Snapshot, first_only: bool) -> list[ListVersion]:
    """The versions on a list at one of its accepted snapshots (a range query), by
    agency and model; ``first_only`` leaves out rows repeating an agency and model."""
    query = select(ListVersion).where(
        ListVersion.kind == snapshot.kind,
        ListVersion.from_seq <= snapshot.seq,
        (ListVersion.to_seq.is_(None)) | (ListVersion.to_seq > snapshot.seq),
    )
    if first_only:
        query = query.where(ListVersion.dup == 0)
    order = (ListVersion.agency_id, ListVersion.model_key, ListVersion.dup)
    return list(session.scalars(query.order_by(*order)))


def counts_by_content(session: Session, kind: str) -> dict[str, dict[tuple[str, str], int]]:
    """For each distinct accepted content of a list: the number of agencies per state
    and model (a sweep over the intervals in snapshot order)."""
    deltas: dict[int, Counter[tuple[str, str]]] = {}
    columns = (ListVersion.from_seq, ListVersion.to_seq, ListVersion.state, ListVersion.model_key)
    query = select(*columns).where(ListVersion.kind == kind, ListVersion.dup == 0)
    for start, end, state, model in session.execute(query):
        deltas.setdefault(start, Counter())[(state or "?", model)] += 1
        if end is not None:
            deltas.setdefault(end, Counter())[(state or "?", model)] -= 1
    snaps = select(Snapshot.seq, Snapshot.sha256).where(
        Snapshot.kind == kind, Snapshot.verdict == "accepted"
    )
    running: Counter[tuple[str, str]] = Counter()
    found: dict[str, dict[tuple[str, str], int]] = {}
    for seq, sha in session.execute(snaps.order_by(Snapshot.seq)):
        running.update(deltas.pop(seq, Counter()))
        found.setdefault(sha, {key: n for key, n in running.items() if n > 0})
    return found
