"""Writing derived records: snapshots, events, state and projections (the lists' versions:
:mod:`store.versions`)."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from common.hashing import canonical_json
from diffs.events import EVENT_FIELDS, JSON_FIELDS, Event
from diffs.state import Entry, ProgramState
from store.models import (
    AgencyModel,
    AgreementModel,
    Base,
    EngineState,
    EventModel,
    PendingModel,
    Snapshot,
)

STATE_NAME = "program"
DERIVATION_NAME = "derivation"  # what the history was derived with (parsers, rules)


KEPT_ON_REBUILD = ("fetch_state", "moa_documents", "parsed_listings")


def reset_derived(session: Session) -> None:
    """Delete everything derived from the archive. The scraper's fetch state and the
    parsed-MOA cache (a pure function of the bytes) are kept."""
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in KEPT_ON_REBUILD:
            session.execute(table.delete())


def load_state(session: Session) -> tuple[ProgramState, str | None]:
    """The engine state after the last processed snapshot, and that snapshot's sort key."""
    row = session.get(EngineState, STATE_NAME)
    if row is None:
        return ProgramState(), None
    return ProgramState.from_dict(json.loads(zlib.decompress(row.data))), row.processed_through


def processed_through(session: Session) -> str | None:
    """The sort key of the last processed snapshot (the state itself left unread)."""
    return session.scalar(
        select(EngineState.processed_through).where(EngineState.name == STATE_NAME)
    )


def save_state(session: Session, state: ProgramState, processed_through: str | None) -> None:
    data = zlib.compress(canonical_json(state.to_dict()).encode(), 6)
    _put(session, STATE_NAME, data, processed_through)


def load_derivation(session: Session) -> str | None:
    """The key of the parsers and rules the stored history was derived with (None for
    a history made before it was recorded, or no history)."""
    row = session.get(EngineState, DERIVATION_NAME)
    return row.data.decode() if row is not None else None


def save_derivation(session: Session, key: str) -> None:
    _put(session, DERIVATION_NAME, key.encode(), None)


def _put(session: Session, name: str, data: bytes, processed_through: str | None) -> None:
    """Write one row of ``engine_state`` (added, or replaced in place)."""
    row = session.get(EngineState, name)
    if row is None:
        session.add(EngineState(name=name, data=data, processed_through=processed_through))
    else:
        row.data, row.processed_through = data, processed_through


def next_seq(session: Session, model: type[Snapshot] | type[EventModel]) -> int:
    return int(session.scalar(select(func.coalesce(func.max(model.seq), 0))) or 0) + 1


def known_snapshot_ids(session: Session) -> set[str]:
    return set(session.scalars(select(Snapshot.id)))


def last_rejected(session: Session, kinds: Sequence[str]) -> list[str]:
    """Which of these lists' last snapshot was rejected (the engine may hold it until a
    later sighting: a list accepted since holds nothing)."""
    return [
        kind
        for kind in kinds
        if session.scalar(
            select(Snapshot.verdict)
            .where(Snapshot.kind == kind)
            .order_by(Snapshot.seq.desc())
            .limit(1)
        )
        == "rejected"
    ]


def snapshots_failing(session: Session, reason: str) -> set[str]:
    """The sha256 of the snapshots rejected for a reason starting with ``reason`` (a
    fault of the archive, not of the file), asked of the database, not read whole."""
    query = select(Snapshot.sha256).where(Snapshot.reason.startswith(reason, autoescape=True))
    return set(session.scalars(query))


def bulk_insert(
    session: Session, table: Table, names: Sequence[str], values: list[tuple[Any, ...]]
) -> None:
    """Insert many rows through the driver's executemany, skipping SQLAlchemy's per-row
    parameter processing (the hot path of an import: one row per listing row)."""
    if not values:
        return
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    quote = connection.dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join([mark] * len(names))})"
    )
    connection.exec_driver_sql(sql, values)


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _json(value: Any) -> str | None:
    return None if value is None else canonical_json(value)


def note_confirmed(session: Session, snapshot_id: str, note: str) -> None:
    """A held list's stored snapshot, its change confirmed by a later list: ``note`` joins
    its note (it stays rejected: its other rows were not read)."""
    row = session.get(Snapshot, snapshot_id)
    if row is not None:
        row.note = joined_note(row.note, note)
        session.flush()


def joined_note(note: str | None, more: str) -> str:
    """A snapshot's note with ``more`` after it."""
    return f"{note}; {more}" if note else more


Evidence = tuple[bytes, str | None, str]
"""What an event says and where: its change (kind, subject, values) and its window's
snapshots; what tells one event from another across derivations (ids may change)."""


def event_evidence(session: Session, recorded_through: str | None = None) -> dict[str, Evidence]:
    """Each stored event's evidence by its id (those recorded at or before
    ``recorded_through``)."""
    columns = (
        EventModel.id,
        EventModel.kind,
        EventModel.subject,
        EventModel.before,
        EventModel.after,
        EventModel.start_snapshot,
        EventModel.end_snapshot,
    )
    query = select(*columns)
    if recorded_through is not None:
        query = query.where(EventModel.recorded_at <= recorded_through)
    return {
        event_id: _evidence(kind, subject, before, after, start, end)
        for event_id, kind, subject, before, after, start, end in session.execute(query)
    }


def evidence_of(event: Mapping[str, Any]) -> Evidence:
    """An exported event's evidence (its values as stored: canonical JSON)."""
    values = (_json(event["before"]), _json(event["after"]))
    window = (event["start_snapshot"], event["end_snapshot"])
    return _evidence(event["kind"], event["subject"], *values, *window)


def last_recorded(session: Session) -> str | None:
    """The newest ``recorded_at`` of the stored events."""
    return session.scalar(select(func.max(EventModel.recorded_at)))


@dataclass
class Recorded:
    """What the history has recorded, to number and add events: each change (kind,
    subject, values before and after) with how many times it was recorded, and each
    event's evidence (its change and window), recorded once."""

    times: Counter[bytes] = field(default_factory=Counter)
    evidence: set[Evidence] = field(default_factory=set)

    def numbered(self, event: Event) -> Event | None:
        """``event`` with its occurrence (the times its change was recorded before it),
        counted as recorded; None when the history holds it already (its change, in
        its window)."""
        values = (_json(event.before), _json(event.after))
        window = (event.start.id if event.start else None, event.end.id)
        evidence = _evidence(event.kind, event.subject, *values, *window)
        if evidence in self.evidence:
            return None
        self.evidence.add(evidence)
        self.times[evidence[0]] += 1
        return replace(event, occurrence=self.times[evidence[0]] - 1)


def recorded(session: Session) -> Recorded:
    """The stored events' changes and evidence (:class:`Recorded`)."""
    found = Recorded()
    for evidence in event_evidence(session).values():
        found.times[evidence[0]] += 1
        found.evidence.add(evidence)
    return found


def _evidence(
    kind: str, subject: str, before: str | None, after: str | None, start: str | None, end: str
) -> Evidence:
    """An event's evidence from its stored form (the values as canonical JSON text): its
    change's key, and its window's snapshots."""
    text = "\x1f".join((kind, subject, before or "null", after or "null"))
    return hashlib.blake2b(text.encode(), digest_size=16).digest(), start, end


EVENT_COLUMNS = (*EVENT_FIELDS, "seq")


def event_rows(
    events: Iterable[Event], seq: int, known: Recorded
) -> tuple[list[Event], list[tuple[Any, ...]]]:
    """The events the history does not hold yet, numbered (``Recorded.numbered``:
    ``known`` is updated), and their rows (EVENT_COLUMNS order, numbered from ``seq``)."""
    new = [e for e in map(known.numbered, events) if e is not None]
    return new, [(*_event_values(e), seq + i) for i, e in enumerate(new)]


def insert_events(session: Session, rows: list[tuple[Any, ...]]) -> None:
    """Insert rows made by :func:`event_rows` (a batch's at once)."""
    bulk_insert(session, _table(EventModel), EVENT_COLUMNS, rows)


def insert_snapshots(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert snapshot rows (a batch's at once; each has every column)."""
    if rows:
        names = list(rows[0])
        values = [tuple(row[name] for name in names) for row in rows]
        bulk_insert(session, _table(Snapshot), names, values)


def _event_values(event: Event) -> tuple[Any, ...]:
    row = event.to_dict()
    for name in JSON_FIELDS:
        row[name] = _json(row[name])
    return tuple(row[name] for name in EVENT_FIELDS)


def write_projections(session: Session, state: ProgramState) -> None:
    """Replace the agencies, agreements and pending tables with the current state."""
    for model in (AgreementModel, PendingModel, AgencyModel):
        session.execute(delete(model))
    agencies = [
        {
            "id": a.id,
            "state": a.state,
            "name": a.name,
            "key": a.key,
            "aliases": canonical_json(list(a.aliases)),
        }
        for a in state.agencies.values()
    ]
    for model, entries in (
        (AgreementModel, state.participating.entries),
        (PendingModel, state.pending.entries),
    ):
        last = state.list_state("participating" if model is AgreementModel else "pending").last
        values = [_entry_values(e, state, last) for e in entries.values()]
        if values:
            session.execute(_table(model).insert(), values)
    if agencies:
        session.execute(_table(AgencyModel).insert(), agencies)


def _entry_values(entry: Entry, state: ProgramState, last: Any) -> dict[str, Any]:
    agency = state.agencies.get(entry.agency_id)
    seen = last if entry.status == "active" and last is not None else entry.last_seen
    return {
        "key": entry.key,
        "agency_id": entry.agency_id,
        "model": entry.model,
        "status": entry.status,
        "state": agency.state if agency else None,
        "agency": entry.fields.get("agency"),
        "fields": canonical_json(entry.fields),
        "first_seen": entry.first_seen.observed_at,
        "last_seen": seen.observed_at,
        "missing_since": entry.missing_since.observed_at if entry.missing_since else None,
    }


def held_for_a_sighting(session: Session, kinds: Sequence[str]) -> dict[str, str]:
    """The lists the gate holds until a later list shows the same: the sha256 of the
    file first held, by list. The engine's state is read only when a list's last
    snapshot was rejected (an accepted one holds nothing), so a pass finding nothing
    new does not pay for it."""
    held = last_rejected(session, kinds)
    if not held:
        return {}
    state, _ = load_state(session)
    return {
        kind: candidate.first.sha256
        for kind in held
        if (candidate := state.list_state(kind).loss_candidate) is not None
    }
