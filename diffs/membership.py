"""``agency.joined`` and ``agency.left``: an agency's first agreement on the list, and
its last one ended, so "which agencies joined (or left) the program" is one query; and
``agency.models_changed``: an agency that keeps an agreement whose set of models changed.

Principle: membership follows the agreements. An agency joins when it goes from no
listed agreement to one (an addition or a reinstatement), and leaves when its last
listed agreement is withdrawn; an agreement only missing (flicker) keeps it a member.
Each event takes the window of the agreement event that caused it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from diffs.events import Event, SnapshotRef
from diffs.state import LISTED, Entry, ProgramState

JOINS = ("agreement.added", "agreement.reinstated")


def membership_events(
    before: dict[str, frozenset[str]],
    after: dict[str, frozenset[str]],
    events: list[Event],
    state: ProgramState,
) -> list[Event]:
    """Joins and departures among the agencies the events of one snapshot touched
    (``before``/``after``: each agency's listed models, agencies with none left out)."""
    result = []
    for agency_id in sorted((set(before) | set(after)) - (set(before) & set(after))):
        joined = agency_id in after
        cause = _cause(events, agency_id, JOINS if joined else ("agreement.withdrawn",))
        if cause is None:
            continue
        agency = state.agencies[agency_id]
        models = sorted(after.get(agency_id) or before.get(agency_id) or ())
        result.append(
            replace(
                cause,
                kind="agency.joined" if joined else "agency.left",
                subject=agency_id,
                agency=agency.name,
                model=None,
                before=None if joined else {"models": models},
                after={"models": models} if joined else None,
                extra={},
            )
        )
    return result


def _cause(events: list[Event], agency_id: str, kinds: tuple[str, ...]) -> Event | None:
    """The earliest-dated agreement event of ``kinds`` for the agency (None if none)."""
    found = [e for e in events if e.agency_id == agency_id and e.kind in kinds]
    return min(found, key=lambda e: (e.end.observed_at, e.subject), default=None)


def models_by_agency(entries: dict[str, Entry], agencies: set[str]) -> dict[str, frozenset[str]]:
    """The listed models of each of ``agencies`` (only those: this runs per snapshot)."""
    result: dict[str, set[str]] = defaultdict(set)
    for entry in entries.values():
        if entry.agency_id in agencies and entry.status in LISTED:
            result[entry.agency_id].add(entry.model)
    return {k: frozenset(v) for k, v in result.items()}


MODEL_SET_KINDS = (*JOINS, "agreement.withdrawn")
"""The agreement events that change an agency's set of models (and date the change)."""


def models_changed(
    before: dict[str, frozenset[str]],
    after: dict[str, frozenset[str]],
    state: ProgramState,
    events: list[Event],
    window: tuple[SnapshotRef | None, SnapshotRef],
) -> list[Event]:
    """An agency that keeps at least one agreement but whose set of models changed,
    dated as its agreements' events are (a withdrawal recorded once its absence
    persisted changed the set when the agreement left, not when it was recorded);
    ``window``: the snapshot's, for a change no such event of the agency dates."""
    found = []
    for agency_id in sorted(set(before) & set(after)):
        old, new = before[agency_id], after[agency_id]
        if old != new:
            agency = state.agencies[agency_id]
            start, end, recorded = _dated_by(events, agency_id, window)
            found.append(
                Event(
                    kind="agency.models_changed",
                    subject=agency_id,
                    end=end,
                    start=start,
                    state=agency.state,
                    agency=agency.name,
                    agency_id=agency_id,
                    before={"models": sorted(old)},
                    after={"models": sorted(new)},
                    recorded=recorded,
                )
            )
    return found


def _dated_by(
    events: list[Event], agency_id: str, window: tuple[SnapshotRef | None, SnapshotRef]
) -> tuple[SnapshotRef | None, SnapshotRef, SnapshotRef | None]:
    """The window (start, end, recorded) of an agency's model set changed by ``events``:
    from the earliest start to the latest end of its agreements' events that change a
    set of models, recorded now when that ends before now; the snapshot's window when
    none does (a relabel across agencies, a model said otherwise)."""
    start, ref = window
    causes = [e for e in events if e.agency_id == agency_id and e.kind in MODEL_SET_KINDS]
    if not causes:
        return start, ref, None
    end = max((e.end for e in causes), key=lambda r: r.observed_at)
    starts = [e.start for e in causes if e.start is not None]
    first = min(starts, key=lambda r: r.observed_at) if len(starts) == len(causes) else None
    return first, end, (ref if end != ref else None)
