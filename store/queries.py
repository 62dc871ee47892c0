"""Read-side queries: the lists as of a date, events in a window, one agency's history."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from diffs.events import EVENT_FIELDS, JSON_FIELDS
from diffs.state import entry_key
from parsers.normalize import agency_key
from store.models import AgencyModel, EventModel, ListVersion, Snapshot
from store.versions import versions_at

MODELS = ("JEM", "TFM", "WSO")


def latest_accepted(session: Session, kind: str, until: str | None) -> Snapshot | None:
    """The last accepted snapshot of a list observed at or before ``until``."""
    query = select(Snapshot).where(Snapshot.kind == kind, Snapshot.verdict == "accepted")
    if until:
        query = query.where(Snapshot.observed_at <= until)
    return session.scalars(query.order_by(Snapshot.observed_at.desc(), Snapshot.seq.desc())).first()


def list_rows(session: Session, snapshot: Snapshot | None) -> list[ListVersion]:
    """Every row of a list at one of its accepted snapshots (a range query on the
    list's intervals), by agency and model."""
    if snapshot is None:
        return []
    return versions_at(session, snapshot, first_only=False)


def _distinct_agreements(
    session: Session, snapshot: Snapshot | None
) -> dict[tuple[str, str], ListVersion]:
    """The list's first row for each agency and model at that snapshot."""
    if snapshot is None:
        return {}
    rows = versions_at(session, snapshot, first_only=True)
    return {(row.agency_id, row.model_key): row for row in rows}


def status(session: Session, until: str | None) -> dict[str, Any]:
    """The lists as they stood at ``until`` (the last accepted snapshot of each)."""
    part = latest_accepted(session, "participating", until)
    pend = latest_accepted(session, "pending", until)
    agreements = _distinct_agreements(session, part)
    pending = _distinct_agreements(session, pend)
    by_model = Counter(model for _, model in agreements)
    return {
        "as_of": until,
        "agreements": len(agreements),
        "agencies": len({agency for agency, _ in agreements}),
        "states": len({row.state for row in agreements.values()}),
        "by_model": {m: by_model.get(m, 0) for m in MODELS},
        "pending": len(pending),
        "pending_by_model": dict(sorted(Counter(m for _, m in pending).items())),
        "participating_snapshot": _cite(part),
        "pending_snapshot": _cite(pend),
    }


def _cite(snapshot: Snapshot | None) -> dict[str, str] | None:
    if snapshot is None:
        return None
    return {"id": snapshot.id, "observed_at": snapshot.observed_at, "sha256": snapshot.sha256}


def status_rows(session: Session, until: str | None, kind: str) -> list[dict[str, Any]]:
    """The rows of one list as of ``until``, one per agreement, sorted."""
    rows = _distinct_agreements(session, latest_accepted(session, kind, until))
    return [_row_dict(rows[k]) for k in sorted(rows)]


def _row_dict(row: ListVersion) -> dict[str, Any]:
    return {
        "state": row.state,
        "agency": row.agency,
        "agency_id": row.agency_id,
        "agreement_id": entry_key(row.agency_id, row.model),
        "model": row.model,
        "type": row.agency_type,
        "county": row.county,
        "signed": row.signed,
        "moa_url": row.moa_url,
        "addendum_url": row.addendum_url,
    }


@dataclass(frozen=True)
class EventFilter:
    since: str | None = None
    until: str | None = None
    kinds: tuple[str, ...] = ()
    state: str | None = None
    model: str | None = None
    agency_ids: tuple[str, ...] = ()
    recorded_since: str | None = None


def events(session: Session, flt: EventFilter) -> list[dict[str, Any]]:
    """Events whose window ends inside [since, until] (and recorded since
    ``recorded_since``), sorted by (window_end, seq)."""
    query = select(EventModel)
    if flt.recorded_since:
        query = query.where(EventModel.recorded_at >= flt.recorded_since)
    if flt.since:
        query = query.where(EventModel.window_end >= flt.since)
    if flt.until:
        query = query.where(EventModel.window_end <= flt.until)
    if flt.kinds:
        query = query.where(or_(*[_kind_clause(k) for k in flt.kinds]))
    if flt.state:
        query = query.where(EventModel.state == flt.state)
    if flt.model:
        query = query.where(EventModel.model == flt.model)
    if flt.agency_ids:
        query = query.where(EventModel.agency_id.in_(flt.agency_ids))
    query = query.order_by(EventModel.window_end, EventModel.seq)
    return [event_dict(e) for e in session.scalars(query)]


def _kind_clause(kind: str) -> Any:
    """``agreement`` matches every ``agreement.*`` kind; a full kind matches itself."""
    if "." in kind:
        return EventModel.kind == kind
    return EventModel.kind.like(f"{kind}.%")


def event_dict(event: EventModel) -> dict[str, Any]:
    """A stored event in the exported form of ``Event.to_dict``."""
    row = {name: getattr(event, name) for name in EVENT_FIELDS}
    return {**row, **{name: _load(row[name]) for name in JSON_FIELDS}}


def _load(text: str | None) -> Any:
    return json.loads(text) if text else None


def find_agencies(session: Session, name: str, state: str | None) -> list[AgencyModel]:
    """Agencies whose current name, key or past names match ``name``."""
    key = agency_key(name)
    query = select(AgencyModel)
    if state:
        query = query.where(AgencyModel.state == state)
    candidates = list(session.scalars(query.order_by(AgencyModel.id)))
    exact = [a for a in candidates if a.key == key or key in _alias_keys(a)]
    if exact:
        return exact
    return [a for a in candidates if key and (key in a.key or key in " ".join(_alias_keys(a)))]


def approved_as(session: Session, agencies: list[AgencyModel]) -> list[AgencyModel]:
    """The agencies whose applications were approved under another label of one of
    ``agencies`` (a ``pending.approved`` naming it in ``after.agency``, in its state):
    an agency's history includes the application it joined by."""
    keys = {(a.state, key) for a in agencies for key in _alias_keys(a)}
    known = {a.id for a in agencies}
    query = select(EventModel.agency_id, EventModel.state, EventModel.after).where(
        EventModel.kind == "pending.approved", EventModel.after.like('%"agency"%')
    )
    found = {
        agency_id
        for agency_id, state, after in session.execute(query)
        if agency_id not in known
        and (state, agency_key((_load(after) or {}).get("agency") or "")) in keys
    }
    if not found:
        return []
    chosen = select(AgencyModel).where(AgencyModel.id.in_(sorted(found)))
    return list(session.scalars(chosen.order_by(AgencyModel.id)))


def _alias_keys(agency: AgencyModel) -> list[str]:
    """Identity keys of the agency's current name and every name it had."""
    return [agency_key(n) for n in [agency.name, *json.loads(agency.aliases or "[]")]]


def agency_versions(session: Session, agency_ids: tuple[str, ...]) -> list[dict[str, Any]]:
    """The versions of these agencies' rows on either list (read from the intervals),
    by list, model and start: when each showed, as ICE wrote it."""
    query = select(ListVersion).where(ListVersion.agency_id.in_(agency_ids), ListVersion.dup == 0)
    order = (ListVersion.kind, ListVersion.agency_id, ListVersion.model_key, ListVersion.from_seq)
    return [
        {
            "list": v.kind,
            "agency_id": v.agency_id,
            **_row_dict(v),
            "model_raw": v.model_raw,
            "signed_raw": v.signed_raw,
            "moa_text": v.moa_text,
            "flags": _load(v.flags) or [],
            "valid_from": v.valid_from,
            "valid_to": v.valid_to,
            "from_snapshot": v.from_snapshot,
            "to_snapshot": v.to_snapshot,
        }
        for v in session.scalars(query.order_by(*order))
    ]


def snapshots(session: Session) -> list[Snapshot]:
    return list(session.scalars(select(Snapshot).order_by(Snapshot.observed_at, Snapshot.seq)))
