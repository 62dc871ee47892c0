"""Events: the product's contract with researchers.

Each event says what changed, between which two observations (the last snapshot
without the change and the first snapshot showing it), the effective date where the
source states one, the values before and after, and the snapshots that prove it. Its
id is a hash of what changed (kind, subject, values before and after) and of how many
times the history recorded that same change before it (``occurrence``), so a rebuild
gives the same ids, and a capture found later inside an event's window (a backfill)
narrows the window without changing the id a researcher cited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from common.hashing import bounded, short_hash

SUBJECT_CHARS = 240
"""The most characters of an event's subject (the store's column; ``hashing.bounded``)."""

KINDS = (
    "agreement.added",
    "agreement.withdrawn",
    "agreement.reinstated",
    "agreement.changed",
    "agency.models_changed",
    "agency.renamed",
    "agreement.relabelled",
    "agency.joined",
    "agency.left",
    "pending.added",
    "pending.approved",
    "pending.dropped",
    "moa.published",
    "moa.replaced",
    "source.schema_changed",
    "snapshot.rejected",
)


@dataclass(frozen=True)
class SnapshotRef:
    """What an event needs to know of a snapshot to cite it."""

    id: str
    observed_at: str
    sha256: str
    kind: str
    where: str = ""

    def cite(self) -> dict[str, str]:
        return {
            "id": self.id,
            "observed_at": self.observed_at,
            "sha256": self.sha256,
            "where": self.where,
        }


@dataclass(frozen=True)
class Event:
    """One dated change. ``start`` is the last snapshot without the change (None when
    the thing was already there when records begin); ``end`` the first showing it."""

    kind: str
    subject: str
    end: SnapshotRef
    start: SnapshotRef | None = None
    state: str | None = None
    agency: str | None = None
    agency_id: str | None = None
    model: str | None = None
    effective_date: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    recorded: SnapshotRef | None = None
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    occurrence: int = 0  # the same change recorded before it in the history (the store's)

    def __post_init__(self) -> None:
        # a subject made from what a file says (a MOA's URL) fits the store's column
        object.__setattr__(self, "subject", bounded(self.subject, SUBJECT_CHARS))

    @cached_property
    def id(self) -> str:
        """The hash of ``identity()``, computed once per event (the store, the exports
        and the report all ask for it)."""
        return short_hash(self.identity())

    def identity(self) -> dict[str, Any]:
        """What names the event: its change and its occurrence, not its window (which a
        capture found later may narrow)."""
        return {
            "kind": self.kind,
            "subject": self.subject,
            "before": self.before,
            "after": self.after,
            "occurrence": self.occurrence,
        }

    def change(self) -> str:
        """What the event says changed, whenever shown (its ``identity`` without its
        occurrence): a held list and the list confirming it that both show one change
        make events of one ``change``."""
        return short_hash(
            {"kind": self.kind, "subject": self.subject, "before": self.before, "after": self.after}
        )

    @property
    def window_start(self) -> str | None:
        return self.start.observed_at if self.start else None

    @property
    def window_end(self) -> str:
        return self.end.observed_at

    @property
    def recorded_at(self) -> str:
        """When the history learnt of the change: the capture that recorded it (a
        withdrawal is recorded once its absence persisted, days after its window)."""
        return (self.recorded or self.end).observed_at

    def provenance(self) -> dict[str, Any]:
        refs = [r for r in (self.start, self.end, self.recorded) if r is not None]
        unique = {r.id: r for r in refs}
        return {"snapshots": [unique[k].cite() for k in sorted(unique)], **self.extra}

    def to_dict(self) -> dict[str, Any]:
        """The exported form: every field of ``EVENT_FIELDS`` always present (the one
        mapping from an event to a row, an export or a page)."""
        values = {
            "start_snapshot": self.start.id if self.start else None,
            "end_snapshot": self.end.id,
            "provenance": self.provenance(),
        }
        return {f: values[f] if f in values else getattr(self, f) for f in EVENT_FIELDS}


EVENT_FIELDS = (
    "id",
    "kind",
    "subject",
    "state",
    "agency",
    "agency_id",
    "model",
    "effective_date",
    "window_start",
    "window_end",
    "recorded_at",
    "start_snapshot",
    "end_snapshot",
    "before",
    "after",
    "note",
    "provenance",
)
"""The fields of an event as stored and exported, in order."""
JSON_FIELDS = ("before", "after", "provenance")
"""The fields of ``EVENT_FIELDS`` that hold structured values (JSON text in the store)."""


def earliest(refs: Iterable[SnapshotRef | None]) -> SnapshotRef | None:
    """The earliest of some snapshots by observed time (None, no snapshot, first)."""
    return min(refs, key=lambda ref: ref.observed_at if ref else "")


def ref_to_dict(ref: SnapshotRef | None) -> dict[str, str] | None:
    if ref is None:
        return None
    return {
        "id": ref.id,
        "observed_at": ref.observed_at,
        "sha256": ref.sha256,
        "kind": ref.kind,
        "where": ref.where,
    }


def ref_from_dict(data: dict[str, str] | None) -> SnapshotRef | None:
    return SnapshotRef(**data) if data else None


def earlier_event_id(event: dict[str, Any]) -> str:
    """An exported event's id before the thirty-sixth session: the hash of its kind,
    subject, window's snapshots and values (a capture found later inside its window
    changed it, which is why ids are now its change and occurrence)."""
    return short_hash(
        {
            "kind": event["kind"],
            "subject": event["subject"],
            "start": event["start_snapshot"],
            "end": event["end_snapshot"],
            "before": event["before"],
            "after": event["after"],
        }
    )
