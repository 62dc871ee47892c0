"""The event rules: (known state, new listing) -> (new state, events). Pure.

One call handles one snapshot of one list: the quality gate (``diffs/gate.py``), the
agencies its rows are (``diffs/identity.py``, ``diffs/relabel.py``), the list's
entries diffed (``diffs/list_diff.py``: what is added, changed, missing, withdrawn),
the agencies' models and memberships, and what the gate remembers of the list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import partial

from diffs import (
    carried,
    counties,
    homonyms,
    identity,
    new_names,
    relabel,
    renamed_values,
    returning,
    rewritten_names,
)
from diffs.events import Event, SnapshotRef
from diffs.fields import shows_known, unpublished, with_known
from diffs.gate import (
    Rules,
    TimeVerdict,
    Verdict,
    brought,
    changed_values,
    check_hold,
    check_read,
    check_shape,
    check_stale,
    check_time,
    remember,
    remember_version,
    without_typo_dates,
)
from diffs.list_diff import ListDiff
from diffs.membership import membership_events, models_by_agency, models_changed, settle
from diffs.schema import hold_renames, read_schema, shown_since, unshown
from diffs.state import (
    Agency,
    Entry,
    ListState,
    LossCandidate,
    MoveHeld,
    ProgramState,
    entry_key,
)
from parsers.records import ListingRow, ParsedListing


@dataclass(frozen=True)
class Outcome:
    """The result of applying one snapshot."""

    state: ProgramState
    events: tuple[Event, ...]
    accepted: bool
    reason: str | None = None
    note: str | None = None
    agency_ids: tuple[str, ...] = ()
    confirmed: LossCandidate | None = None  # the held list this one confirmed, if any


def reject(state: ProgramState, ref: SnapshotRef, reason: str, kind: str) -> Outcome:
    """Record a rejection: the state is unchanged, the event says why; once: the same
    content rejected again for the same reason, since the list last accepted one (a
    misdated file captured again, an import of duplicate captures), is no news, the
    snapshot alone says so."""
    listed = kind in ("participating", "pending")
    said = (ref.sha256, reason)
    if listed and state.list_state(kind).rejected == said:
        return Outcome(state, (), False, reason)
    if listed:
        state = state.with_list(kind, replace(state.list_state(kind), rejected=said))
    event = Event(
        kind="snapshot.rejected",
        subject=ref.id,
        end=ref,
        after={"reason": reason, "list": kind},
        note=reason,
    )
    return Outcome(state, (event,), False, reason)


def apply_snapshot(
    state: ProgramState,
    ref: SnapshotRef,
    listing: ParsedListing,
    claimed: str | None,
    rules: Rules,
    forced: bool = False,
) -> Outcome:
    """Gate, resolve identities, and diff one list snapshot against the known state.
    ``forced``: the observed time is vouched for by a maintainer (no time check)."""
    kind = listing.kind
    shape = check_shape(listing, claimed, rules)
    if shape:
        return reject(state, ref, shape, claimed or kind)
    previous = state.list_state(kind)
    timing = check_time(listing, ref, previous.typos, forced, rules)
    if timing.reason:
        return reject(state, ref, timing.reason, kind)
    listing = without_typo_dates(listing, previous.typos | timing.typos)
    ids = [identity.resolve(r, state.aliases) for r in listing.rows]
    ids = new_names.by_words(ids, listing.rows, state.agencies, state.aliases)
    ids = returning.known_again(state, listing.rows, ids)
    ids = homonyms.told_apart(state, listing.rows, ids)
    listing, ids = carried.names_cut(state, listing, ids)
    listing, ids = carried.states_slipped(state, listing, ids)
    listing, ids = carried.states_unread(state, listing, ids)
    listing, ids, moves = carried.states_held(state, listing, ids, ref, rules)
    listing = carried.models_carried(state, listing, ids)
    listing, shifted = carried.dates_shifted(state, listing, ids)
    timing = replace(timing, note=_joined(timing.note, shifted, moves.note))
    keys = _keys(ids, listing.rows)
    excused = state.participating.listed_keys() if kind == "pending" else set()
    verdict = check_stale(previous, keys, excused, ref, rules)
    diffed = partial(_diffed, ref=ref, listing=listing, rules=rules, ids=ids)
    if not verdict.accepted:
        if _held_first(verdict, ref):  # what it shows, to date by it once confirmed
            shows = _accept(state, ref, listing, partial(diffed, verdict=verdict))
            verdict = _shown_held(verdict, shows, ref)
        return _held(state, previous, ref, verdict, kind)
    verdict, read = _loss_checked(state, ref, listing, (keys, excused), rules, verdict, diffed)
    if not verdict.accepted:
        return _held(state, previous, ref, verdict, kind)
    diffed = partial(diffed, verdict=verdict)
    outcome = read or _accept(state, ref, listing, diffed)
    again = check_read(previous, keys, outcome.events, ref, rules, verdict.confirmed)
    if not again.accepted:
        return _held(state, previous, ref, _shown_held(again, outcome, ref), kind)
    if again.confirmed is not None and again.confirmed.dates(keys):
        # a mass change confirmed: the rows its held list listed first or lacked were
        # first shown so by it, as a confirmed loss's are (read again knowing it, rare)
        confirmed = replace(verdict, confirmed=again.confirmed.shown_first())
        outcome = _accept(state, ref, listing, partial(diffed, verdict=confirmed))
    outcome = _first_shown_held(outcome, again.confirmed, ref)
    outcome = _first_shown_held(outcome, verdict.confirmed, ref)
    outcome = replace(outcome, confirmed=again.confirmed or verdict.confirmed)
    outcome = _moves_dated(outcome, kind, moves, ref)
    if list(outcome.agency_ids) != ids:  # relabelled: the keys after the renames
        keys = _keys(outcome.agency_ids, listing.rows)
    return _remembered(outcome, kind, keys, ref, rules, timing, again, moves)


def _keys(ids: Iterable[str], rows: tuple[ListingRow, ...]) -> set[str]:
    """A list's keys: its rows' agencies (``ids``) by model."""
    return {entry_key(a, r.model) for a, r in zip(ids, rows, strict=True)}


def _loss_checked(
    state: ProgramState,
    ref: SnapshotRef,
    listing: ParsedListing,
    keys: tuple[set[str], set[str]],
    rules: Rules,
    stale: Verdict,
    diffed: Callable[..., Outcome],
) -> tuple[Verdict, Outcome | None]:
    """The loss check of a list not stale (:func:`check_hold`; ``keys``: its rows' keys
    and those excused), asked again, when it holds the list, of the keys its rows have
    once read: rows lost only to be listed under other writings of their agencies
    (relabelled, names rewritten) are no rows lost. The list as read when that reading
    stands (else None: it is read, or held, as the verdict says)."""
    previous, (listed, excused) = state.list_state(listing.kind), keys
    held = check_hold(previous, listed, excused, ref, rules)
    if held.accepted:  # a reversal confirmed (``stale``) dates its rows by its held list
        confirmed = held.confirmed or stale.confirmed
        return replace(held, note=_notes(stale, held), confirmed=confirmed), None
    read = _accept(state, ref, listing, partial(diffed, verdict=stale))
    relabelled = _keys(read.agency_ids, listing.rows)
    if relabelled == listed:
        return _shown_held(held, read, ref), None
    again = check_hold(previous, relabelled, excused, ref, rules)
    verdict = _shown_held(replace(again, note=_notes(stale, again)), read, ref)
    return verdict, read if again.accepted and again.confirmed is None else None


def _held_first(verdict: Verdict, ref: SnapshotRef) -> bool:
    """Whether ``verdict`` holds the list as the first showing its change."""
    cand = verdict.candidate
    return not verdict.accepted and cand is not None and cand.first == ref


def _shown_held(verdict: Verdict, read: Outcome, ref: SnapshotRef) -> Verdict:
    """A list held as the first showing its change keeps the changes its reading says
    (an agency renamed, an agreement relabelled or changed, beside the rows it lost or
    brought back), so that once confirmed they are dated by it, the first showing them,
    as its rows are. A list held again (the change first held by an earlier one) adds
    none: what only it shows is dated by the list that confirms it."""
    cand = verdict.candidate
    if not _held_first(verdict, ref) or cand is None:
        return verdict
    shown = cand.shown | frozenset(e.change() for e in read.events if e.end == ref)
    return replace(verdict, candidate=replace(cand, shown=shown))


def _held(
    state: ProgramState, previous: ListState, ref: SnapshotRef, verdict: Verdict, kind: str
) -> Outcome:
    """A list the gate holds: rejected, its loss candidate kept."""
    kept = replace(previous, loss_candidate=verdict.candidate)
    return reject(state.with_list(kind, kept), ref, verdict.reason or "", kind)


def _first_shown_held(outcome: Outcome, held: LossCandidate | None, ref: SnapshotRef) -> Outcome:
    """A mass change held, confirmed now: each event whose change the held list showed
    already (the same change, or new values it showed) is dated by it, the first
    showing it (recorded now): an agency renamed, a MOA published, an agency's models
    changed, an application approved with it). An event dated otherwise already (a
    withdrawal recorded once it persisted) keeps its window."""
    if held is None or not (held.changed or held.shown):
        return outcome
    events = tuple(
        replace(e, end=held.first, recorded=ref)
        if e.end == ref
        and (e.change() in held.shown or ((new := brought(e)) and new <= held.changed))
        else e
        for e in outcome.events
    )
    return replace(outcome, events=events)


# What an agency's move to another state makes, dated by the first list showing it
MOVE_KINDS = (
    "agency.renamed",
    "agreement.relabelled",
    "agreement.added",
    "pending.added",
    "agency.joined",
    "agency.left",
    "agency.models_changed",
)


def _moves_dated(outcome: Outcome, kind: str, moves: carried.Moves, ref: SnapshotRef) -> Outcome:
    """Agencies' moves to another state held (``carried.states_held``) and confirmed by
    this list: what the move makes (``MOVE_KINDS``: the agency renamed into its new
    state, its agreement relabelled or added there, its set of models) is dated by the
    held window (the last list showing it in its known state, the first showing it in
    the new one) and recorded now, as a confirmed loss's rows are; an application left
    behind in its known state was first lacking from the first list showing the move."""
    if not moves.confirmed:
        return outcome
    by_id: dict[str, MoveHeld] = {}
    for move, read_as in moves.confirmed:
        by_id[read_as] = by_id[move.agency_id] = move
    events = tuple(
        replace(e, start=held.start, end=held.since, recorded=ref)
        if e.end == ref and e.kind in MOVE_KINDS and (held := by_id.get(e.agency_id or ""))
        else e
        for e in outcome.events
    )
    listed = outcome.state.list_state(kind)
    entries = dict(listed.entries)
    for key, entry in listed.entries.items():
        left = by_id.get(entry.agency_id)
        if left and left.agency_id == entry.agency_id and entry.missing_since == ref:
            entries[key] = replace(
                entry,
                last_seen=left.start or entry.last_seen,
                missing_since=left.since,
                missing_versions=tuple(sorted({*entry.missing_versions, left.since.sha256})),
                missing_observations=entry.missing_observations + 1,
            )
    state = outcome.state.with_list(kind, replace(listed, entries=entries))
    return replace(outcome, events=events, state=state)


def _joined(*notes: str | None) -> str | None:
    return "; ".join(n for n in notes if n) or None


def _notes(*verdicts: TimeVerdict | Verdict) -> str | None:
    return _joined(*(v.note for v in verdicts))


def _remembered(
    outcome: Outcome,
    kind: str,
    keys: set[str],
    ref: SnapshotRef,
    rules: Rules,
    timing: TimeVerdict,
    again: Verdict,
    moves: carried.Moves,
) -> Outcome:
    """The accepted list's keys (after renames), typo'd dates and content, kept for the
    gate, and the agencies' moves it holds (``carried.states_held``); the gate's notes
    (``again``: an older copy read once it persisted) joined to the list's."""
    lst = outcome.state.list_state(kind)
    lst = replace(
        lst,
        recent=remember(lst, ref, keys, rules, changed_values(outcome.events, "before")),
        typos=lst.typos | timing.typos,
        versions=remember_version(lst, ref, rules),
        moves_held=moves.held,
    )
    notes = _joined(outcome.note, timing.note, again.note)
    return replace(outcome, state=outcome.state.with_list(kind, lst), note=notes)


def _accept(
    state: ProgramState,
    ref: SnapshotRef,
    listing: ParsedListing,
    diffed: Callable[..., Outcome],
) -> Outcome:
    """The list diffed (``diffed``: :func:`_diffed` given all but the state); again, its
    names rewritten first, when it rewrote a phrase in every name holding it
    (``diffs/rewritten_names.py``: asked only of a list whose diff renamed agencies or
    changed names)."""
    outcome = diffed(state)
    if not rewritten_names.may_have_rewritten(outcome.events):
        return outcome
    kind, listed = listing.kind, state.list_state(listing.kind)
    rows = _rows_by_key(listing, list(outcome.agency_ids), listed)
    found = rewritten_names.rewrites(listed.entries, rows)
    if not found.phrases:
        return outcome
    event = rewritten_names.rewritten_event(kind, found, listed.last, ref)
    state = state.with_list(kind, renamed_values.rows_taken(listed, {"agency": found.keys}, rows))
    return diffed(state, rewritten=event)


def _diffed(
    state: ProgramState,
    ref: SnapshotRef,
    listing: ParsedListing,
    rules: Rules,
    verdict: Verdict,
    ids: list[str],
    rewritten: Event | None = None,
) -> Outcome:
    """One list diffed against ``state``: identities, the values it renamed, the rows'
    events, its columns; ``rewritten``: the phrase of its names it rewrote (its entries
    have taken the new names: ``_accept``)."""
    kind = listing.kind
    last_participating = state.participating.last
    state, ids, rename_events = _resolve_identities(state, ref, listing, rules, ids)
    rows = _rows_by_key(listing, ids, state.list_state(kind))
    diff = ListDiff(state, kind, ref, rules, listing.columns, verdict.confirmed)
    changes, renamed = diff.run(rows), list[Event]()
    if renamed_values.may_have_renamed(changes):  # diffed again, the values renamed first
        state, renamed = _values_renamed(state, kind, rows, ref)
        if renamed:
            diff = ListDiff(state, kind, ref, rules, listing.columns, verdict.confirmed)
            changes = diff.run(rows)
    before_entries = state.participating.entries
    found = ([rewritten] if rewritten else []) + renamed
    stated, renames_held = hold_renames(state.list_state(kind), found, ref, rules)
    events = stated + rename_events + changes
    state = diff.result()
    schema = read_schema(state.list_state(kind), listing.columns, ref, kind, rules)
    events += schema.events
    new_list = replace(
        state.list_state(kind),
        last=ref,
        columns=listing.columns,
        loss_candidate=None,
        rejected=None,
        schema=schema.stated,
        schema_held=schema.held,
        renames_held=renames_held,
        unshown=unshown(state.list_state(kind), listing.columns),
        shown_since=shown_since(state.list_state(kind), listing.columns, ref),
    )
    state = state.with_list(kind, new_list)
    if kind == "participating":
        window = (last_participating, ref)
        held = state.participating.membership_held
        taken, settled, still = settle(before_entries, events, state, window, held)
        touched = {e.agency_id for e in events if e.agency_id} - taken
        before = models_by_agency(before_entries, touched)
        after = models_by_agency(state.participating.entries, touched)
        events += models_changed(before, after, state, events, window)
        events += membership_events(before, after, events, state) + settled
        if still != held:
            state = state.with_list("participating", replace(new_list, membership_held=still))
    note = "; ".join(n for n in (verdict.note, diff.signal(), schema.note) if n) or None
    return Outcome(state, tuple(events), True, note=note, agency_ids=tuple(ids))


def _values_renamed(
    state: ProgramState, kind: str, rows: dict[str, tuple[str, ListingRow]], ref: SnapshotRef
) -> tuple[ProgramState, list[Event]]:
    """Values the list renamed for all it lists with them (``diffs/renamed_values.py``):
    its entries take the new values before the diff, and one event says so."""
    listed = state.list_state(kind)
    found = renamed_values.renames(listed.entries, rows)
    if not found.parts:
        return state, []
    event = renamed_values.renamed_event(kind, found, listed.last, ref)
    return state.with_list(kind, renamed_values.rows_taken(listed, found.keys, rows)), [event]


# -- identity -----------------------------------------------------------------------------


def _resolve_identities(
    state: ProgramState, ref: SnapshotRef, listing: ParsedListing, rules: Rules, ids: list[str]
) -> tuple[ProgramState, list[str], list[Event]]:
    """Detect relabels (``diffs/relabel.py``), and register new agencies."""
    found = relabel.detect(state, ref, listing, ids, rules.rename_similarity)
    events = found.events + relabel.renames(found.state, ref, listing, found.ids)
    agencies = _register(found.state.agencies, found.ids, listing.rows)
    return replace(found.state, agencies=agencies), found.ids, events


def _register(
    agencies: dict[str, Agency], ids: list[str], rows: tuple[ListingRow, ...]
) -> dict[str, Agency]:
    """Each listed agency as its rows now name it (new ones added, a name or state
    changed kept with the old name as an alias); an agency of several rows naming it
    otherwise, by the one :func:`_standing` picks, whatever their order."""
    result = dict(agencies)
    first: dict[str, ListingRow] = {}
    more: dict[str, list[ListingRow]] = {}  # an agency's rows when it has several
    for agency_id, row in zip(ids, rows, strict=True):
        if agency_id not in first:
            first[agency_id] = row
        else:
            more.setdefault(agency_id, [first[agency_id]]).append(row)
    for agency_id, row in first.items():
        known = result.get(agency_id)
        if agency_id in more:
            row = _standing(more[agency_id], known)
        if known is None:
            result[agency_id] = Agency(agency_id, row.state, row.agency, row.agency_key)
        elif row.agency != known.name or row.state != known.state:
            aliases = tuple(sorted(set(known.aliases) | {known.name}))
            result[agency_id] = replace(
                known, name=row.agency, state=row.state, key=row.agency_key, aliases=aliases
            )
    return result


def _standing(rows: list[ListingRow], known: Agency | None) -> ListingRow:
    """The row that names an agency listed on several rows (an agreement a model), read
    the same whatever the rows' order (the last row decided: an agency's state and
    name flipped with the sort): the one naming it as known, if any; else of its known
    state, if any row keeps it; else of a state its rows' county cells are counties
    of (a row's state typed wrong names a county its state lacks: Crow Wing County's
    WSO row in MA, its TFM row in MN); then the first by state and name."""
    if len(rows) == 1:
        return rows[0]
    if known is not None:
        named = [r for r in rows if (r.state, r.agency) == (known.state, known.name)]
        kept = named or [r for r in rows if r.state == known.state]
        rows = kept or rows
    placed = [r for r in rows if r.county and counties.names_a_county(r.state, r.county)]
    return min(placed or rows, key=lambda r: (r.state, r.agency))


def _rows_by_key(
    listing: ParsedListing, ids: list[str], known: ListState
) -> dict[str, tuple[str, ListingRow]]:
    """One row per agency x model. When ICE lists an agreement twice (the parser warns),
    the more complete row wins, then the later signed date, then the one showing the
    agreement's known values (in what the list publishes: ``fields.shows_known``), then
    the larger values: whatever the order, so reordering is not a change."""
    result: dict[str, tuple[str, ListingRow]] = {}
    ranks: dict[str, tuple[object, ...]] = {}
    unsaid = unpublished(listing.columns)
    for agency_id, row in zip(ids, listing.rows, strict=True):
        key = entry_key(agency_id, row.model)
        held = result.get(key)
        if held is None:
            result[key] = (agency_id, row)
            continue
        entry = known.entries.get(key)
        rank = _completeness(row, listing.kind, entry, unsaid)
        if key not in ranks:
            ranks[key] = _completeness(held[1], listing.kind, entry, unsaid)
        if rank > ranks[key]:
            result[key], ranks[key] = (agency_id, row), rank
    return result


def _completeness(
    row: ListingRow, kind: str, entry: Entry | None, unsaid: tuple[str, ...]
) -> tuple[object, ...]:
    """How much a row says of its agreement, as the diff reads it, then whether it shows
    the known values: the row that shows them has the known values it says only as
    known (a list without MOA links says nothing of them, a ``link`` whose hyperlink a
    copy lost still says there is one: the known link is still that row's), so a
    column dropped or a copy's links lost change not which row is the agreement's."""
    # as the lists last showed them: a row no longer showing a value whose blank is
    # held shows what the lists show (one row of two without a link withdrawn is not
    # the less the agreement's)
    known = entry.shown() if entry is not None else None
    shown = known is not None and shows_known(row, kind, known, unsaid)
    said = with_known(row, known) if shown and known is not None else row
    return (
        *said.fullness,
        shown,
        row.agency,
        row.county or "",
        row.agency_type or "",
        row.moa_url or "",
        row.addendum_url or "",
    )
