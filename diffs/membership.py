"""``agency.joined`` and ``agency.left``: an agency's first agreement on the list, and
its last one ended, so "which agencies joined (or left) the program" is one query; and
``agency.models_changed``: an agency that keeps an agreement whose set of models changed.

Principle: membership follows the agreements. An agency joins when it goes from no
listed agreement to one (an addition or a reinstatement), and leaves when its last
listed agreement is withdrawn; an agreement only missing (flicker) keeps it a member.
Each event takes the window of the agreement event that caused it.

An agreement added while another of its agency's is missing (its row gone, its fate
unknown) changes the agency's set in a way not yet known: the missing one may come back
(one set grown), or be withdrawn, dated back to when its row left, before the addition
(the agency left, then joined again). Such an agency's changes are held
(:func:`settle`, ``ListState.membership_held``) until none of its agreements is
missing, then told in the order of their windows, recorded then: before, an agency
switching from WSO to TFM with a week between was told as ``{WSO} -> {TFM, WSO}`` and
``{TFM, WSO} -> {TFM}``, a set it never had, and never as leaving and joining.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from diffs.events import Event, SnapshotRef
from diffs.state import LISTED, MISSING, Entry, MembershipHeld, ProgramState, SetChange

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
                effective_date=_joined_on(cause),
            )
        )
    return result


def _joined_on(cause: Event) -> str | None:
    """When an agency joining with ``cause`` joined, where ICE states it: the signed date
    of an agreement added or signed again; none for one reinstated on its old papers
    (its signed date is when the agency first joined, before it left: a count of joins
    by signed month counted the agency twice there)."""
    if cause.kind != "agreement.reinstated" or cause.effective_date is None:
        return cause.effective_date
    signed_before = (cause.before or {}).get("signed")
    return None if signed_before and cause.effective_date <= signed_before else cause.effective_date


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
    before = before_relabels(before, events)
    for agency_id in sorted(set(before) & set(after)):
        old, new = before[agency_id], after[agency_id]
        if old != new:
            start, end, recorded = _dated_by(events, agency_id, window)
            found.append(_set_event(agency_id, old, new, (start, end), state, recorded, None))
    return found


RELABELLED = "agreement.relabelled"


def _model_relabels(events: list[Event], agency_id: str | None = None) -> list[Event]:
    """The ``agreement.relabelled`` events of ``events`` that relabel an agreement's
    model within its agency (of ``agency_id`` when given)."""
    return [
        e
        for e in events
        if e.kind == RELABELLED
        and e.before
        and e.after
        and e.before.get("agency_id") == e.agency_id
        and e.before.get("model") not in (None, e.after.get("model"))
        and (agency_id is None or e.agency_id == agency_id)
    ]


def before_relabels(
    before: dict[str, frozenset[str]], events: list[Event]
) -> dict[str, frozenset[str]]:
    """Each agency's models before this snapshot's model relabels: the relabels are
    applied to the known state before the list is diffed (``diffs/relabel.py``), so
    the entries the engine reads as before already carry the new model. An agency's
    set of models is its agreements' after every rule, relabels included: its one
    agreement's model corrected (``{JEM}`` to ``{WSO}``, one ``agreement.relabelled``)
    changes the set the lists showed, which ``agency.models_changed`` then tells, as it
    tells the same set changed by a withdrawal and an addition. (An agreement moved to
    another agency keeps its model: those agencies' sets are read as before.)"""
    relabels = _model_relabels(events)
    if not relabels:
        return before
    result = dict(before)
    for e in relabels:
        agency_id = str(e.agency_id)
        if agency_id in result:
            models = set(result[agency_id]) - {e.after.get("model") if e.after else None}
            models.add(str(e.before.get("model") if e.before else ""))
            result[agency_id] = frozenset(models)
    return result


def _dated_by(
    events: list[Event], agency_id: str, window: tuple[SnapshotRef | None, SnapshotRef]
) -> tuple[SnapshotRef | None, SnapshotRef, SnapshotRef | None]:
    """The window (start, end, recorded) of an agency's model set changed by ``events``:
    from the earliest start to the latest end of its agreements' events that change a
    set of models, recorded now when that ends before now; the snapshot's window when
    none does (a relabel across agencies, a model said otherwise)."""
    start, ref = window
    causes = [e for e in events if e.agency_id == agency_id and e.kind in MODEL_SET_KINDS]
    causes += _model_relabels(events, agency_id)
    if not causes:
        return start, ref, None
    end = max((e.end for e in causes), key=lambda r: r.observed_at)
    starts = [e.start for e in causes if e.start is not None]
    first = min(starts, key=lambda r: r.observed_at) if len(starts) == len(causes) else None
    return first, end, (ref if end != ref else None)


def settle(
    before_entries: dict[str, Entry],
    events: list[Event],
    state: ProgramState,
    window: tuple[SnapshotRef | None, SnapshotRef],
    held: tuple[MembershipHeld, ...],
) -> tuple[set[str], list[Event], tuple[MembershipHeld, ...]]:
    """The agencies whose set of models is held or settled now (see the module), the
    events of those settled, and those still held. ``before_entries``: the list's
    entries before this snapshot; ``state``: after it."""
    now = _set_changes(events)
    was = {h.agency_id: h for h in held}
    if not was and not any(_unknown_or_many(changes, True) for changes in now.values()):
        return set(), [], ()
    missing = {e.agency_id for e in state.participating.entries.values() if e.status == MISSING}
    taken, found, still = set(), list[Event](), list[MembershipHeld]()
    for agency_id in sorted(set(was) | set(now)):
        changes = now.get(agency_id, [])
        if agency_id not in was and not _unknown_or_many(changes, agency_id in missing):
            continue  # told as usual
        taken.add(agency_id)
        first = was.get(agency_id) or _held_from(before_entries, agency_id, events)
        kept = replace(first, changes=first.changes + tuple(changes))
        if agency_id in missing:
            still.append(kept)
        else:
            found += _told(kept, state, window)
    return taken, found, tuple(still)


def _unknown_or_many(changes: list[SetChange], missing: bool) -> bool:
    """Whether an agency's changes of one snapshot are not told as one change: an
    addition while one of its agreements is missing, or changes of several windows (a
    withdrawal dated back to when its row left, and an addition since)."""
    return (missing and any(c.joined for c in changes)) or len(_by_window(tuple(changes))) > 1


def _set_changes(events: list[Event]) -> dict[str, list[SetChange]]:
    found: dict[str, list[SetChange]] = defaultdict(list)
    for e in events:
        if e.kind in MODEL_SET_KINDS and e.agency_id and e.model:
            joined = e.kind in JOINS
            effective = _joined_on(e) if joined else None
            found[e.agency_id].append(SetChange(e.model, joined, e.start, e.end, effective))
    return found


def _held_from(entries: dict[str, Entry], agency_id: str, events: list[Event]) -> MembershipHeld:
    """An agency's set of models as held from now: before this snapshot's model
    relabels (:func:`before_relabels`)."""
    models = before_relabels(models_by_agency(entries, {agency_id}), events).get(
        agency_id, frozenset()
    )
    return MembershipHeld(agency_id, tuple(sorted(models)), ())


def _told(
    held: MembershipHeld, state: ProgramState, window: tuple[SnapshotRef | None, SnapshotRef]
) -> list[Event]:
    """A held agency's changes told in the order of their windows (changes of one
    window at once), each recorded now; what they leave unexplained (an agreement moved
    to or from the agency meanwhile) in the snapshot's window."""
    ref = window[1]
    models, found = frozenset(held.before), []
    for start, end, group in _by_window(held.changes):
        new = set(models)
        for change in group:
            (new.add if change.joined else new.discard)(change.model)
        effective = min((c.effective for c in group if c.effective), default=None)
        if frozenset(new) != models:
            later = ref if end != ref else None
            told = _set_event(
                held.agency_id, models, frozenset(new), (start, end), state, later, effective
            )
            found.append(told)
        models = frozenset(new)
    listed = models_by_agency(state.participating.entries, {held.agency_id})
    actual = listed.get(held.agency_id, frozenset())
    if actual != models:
        found.append(_set_event(held.agency_id, models, actual, window, state, None, None))
    return found


def _by_window(
    changes: tuple[SetChange, ...],
) -> list[tuple[SnapshotRef | None, SnapshotRef, list[SetChange]]]:
    groups: dict[tuple[str | None, str], list[SetChange]] = defaultdict(list)
    for change in changes:
        groups[(change.start.id if change.start else None, change.end.id)].append(change)
    ordered = sorted(
        groups.values(),
        key=lambda g: (g[0].end.observed_at, g[0].start.observed_at if g[0].start else ""),
    )
    return [(g[0].start, g[0].end, g) for g in ordered]


def _set_event(
    agency_id: str,
    old: frozenset[str],
    new: frozenset[str],
    window: tuple[SnapshotRef | None, SnapshotRef],
    state: ProgramState,
    recorded: SnapshotRef | None,
    effective: str | None,
) -> Event:
    """One agency's set of models changed from ``old`` to ``new`` in ``window``,
    ``recorded`` later (None: when its window ended)."""
    agency = state.agencies[agency_id]
    kind = "agency.joined" if not old else "agency.left" if not new else "agency.models_changed"
    start, end = window
    return Event(
        kind=kind,
        subject=agency_id,
        end=end,
        start=start,
        state=agency.state,
        agency=agency.name,
        agency_id=agency_id,
        effective_date=effective if kind == "agency.joined" else None,
        before={"models": sorted(old)} if old else None,
        after={"models": sorted(new)} if new else None,
        recorded=recorded,
    )
