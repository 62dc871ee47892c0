"""MOA documents: ``moa.replaced`` when the bytes behind a MOA link change. Pure.

``fields`` are the parsed fields of the document (see :mod:`parsers.moa`), or an
empty dict when it was not parsed; the event names the fields that changed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from diffs.events import Event, SnapshotRef
from diffs.fields import changed_fields
from diffs.links import same_document
from diffs.state import LISTED, ProgramState

COMPARED = (
    "model",
    "agency",
    "state",
    "field_office",
    "template_revision",
    "ice_signed",
    "agency_signed",
    "signatories",
    "pages",
    "is_addendum",
)


def linked_agreements(state: ProgramState, url: str) -> list[str]:
    """Keys of the agreements whose MOA or addendum link is ``url``."""
    return sorted(
        e.key
        for e in state.participating.entries.values()
        if e.status in LISTED and url in (e.fields.get("moa_url"), e.fields.get("addendum_url"))
    )


def apply_moa(
    state: ProgramState, ref: SnapshotRef, url: str, fields: dict[str, Any]
) -> tuple[ProgramState, list[Event]]:
    """Record which bytes ``url`` served; a change of bytes is ``moa.replaced`` (the
    first bytes at a link are compared with those of the same document at a link it
    moved from: ``diffs/links.py``)."""
    known = state.moas.get(url) or _moved_from(state, url)
    current = {
        "sha256": ref.sha256,
        "fields": {k: fields.get(k) for k in COMPARED},
        "seen": ref.observed_at,
        "snapshot": ref.id,
    }
    moas = {**state.moas, url: current}
    new_state = replace(state, moas=moas)
    if known is None or known["sha256"] == ref.sha256:
        return new_state, []
    return new_state, [_replaced(state, ref, url, known, current)]


def _moved_from(state: ProgramState, url: str) -> dict[str, Any] | None:
    """What the same document served at the link it moved from, if one is known."""
    return next((known for old, known in state.moas.items() if same_document(old, url)), None)


def _replaced(
    state: ProgramState, ref: SnapshotRef, url: str, known: dict[str, Any], current: dict[str, Any]
) -> Event:
    names = changed_fields(known["fields"], current["fields"])
    keys = linked_agreements(state, url)
    first = state.participating.entries.get(keys[0]) if keys else None
    agency = state.agencies.get(first.agency_id) if first else None
    start = SnapshotRef(
        id=known["snapshot"],
        observed_at=known["seen"],
        sha256=known["sha256"],
        kind="moa",
        where=url,
    )
    return Event(
        kind="moa.replaced",
        subject=url,
        end=ref,
        start=start,
        state=agency.state if agency else None,
        agency=agency.name if agency else None,
        agency_id=first.agency_id if first else None,
        model=first.model if first else None,
        before={"sha256": known["sha256"], **{k: known["fields"].get(k) for k in names}},
        after={"sha256": current["sha256"], **{k: current["fields"].get(k) for k in names}},
        extra={"agreements": keys, "changed_fields": names},
    )
