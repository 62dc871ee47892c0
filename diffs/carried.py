"""What a row that says too little or too much is, from what is known: a row whose
model cell says nothing is the agreement (or application) its papers, or its agency,
say it is (``models_carried``); a row listed in a state that lacks the county it names
is its agency's in the state that has it (``states_slipped``), and a row whose state
no one can read the known agency's of its name, in its state (``states_unread``); a
name cut at the width the list cuts names at is the known name it begins
(``names_cut``); a list whose
known dates are nearly all one day off is its date column moved (``dates_shifted``).
Pure functions of (state, listing): each gives the listing back with the rows read so,
flagged."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from diffs import counties, identity, relabel
from diffs.events import SnapshotRef
from diffs.gate import Rules, confirmed_since
from diffs.links import same_document
from diffs.state import (
    APPROVED,
    LISTED,
    Agency,
    Entry,
    ListState,
    MoveHeld,
    ProgramState,
    entry_key,
)
from parsers.records import ListingRow, ParsedListing


def states_slipped(
    state: ProgramState, listing: ParsedListing, ids: list[str]
) -> tuple[ParsedListing, list[str]]:
    """``listing`` and ``ids`` with each row of a new agency (a name no alias knows)
    whose state lacks the county it names given to the known agency of its name in a
    state that has it (``identity.home_states``), in that state (flag
    ``state_slipped``): a row cannot be in a state its county is not in, so a known
    agency listed there has not moved (``agency.renamed`` into a state without its
    county), its state is a slip. So is a row whose name is another state's government
    (``counties.state_named``: ``Georgia Department of Corrections`` listed in AL), given
    to the known agency of its name in the state it names. Of several such agencies,
    the one whose agreement (or application) of the row's model the list otherwise
    lacks, if one. The other way, a state corrected into the one that has the county
    (``counties.state_corrected``), or into the one the name names, is a move."""
    new = _new_agencies(state, listing, ids)
    if not new:
        return listing, ids
    by_key = _agencies_by_key(state)
    lacked = _lacked(state, listing, ids)
    rows, ids = list(listing.rows), list(ids)
    for i in new:
        others = by_key.get(rows[i].agency_key, {})
        homes = identity.home_states(rows[i], others) or _named_home(rows[i], others)
        _take_home(state, (rows, ids), i, homes, lacked, "state_slipped")
    return replace(listing, rows=tuple(rows)), ids


def _named_home(row: ListingRow, others: dict[str, identity.Known]) -> list[str]:
    """The agencies of ``others`` (known agencies of the row's name) in the state the
    row's name is the government of, when the row is listed in another."""
    named = counties.state_named(row.agency_key)
    if named is None or named == row.state:
        return []
    return [agency_id for agency_id, agency in others.items() if agency.state == named]


@dataclass(frozen=True)
class Moves:
    """What :func:`states_held` found: the moves held (to keep with the list, once it
    is read), those a list confirms now (each with the id its rows are read under),
    and the snapshot's note naming the rows held."""

    held: tuple[MoveHeld, ...] = ()
    confirmed: tuple[tuple[MoveHeld, str], ...] = ()
    note: str | None = None


def states_held(
    state: ProgramState,
    listing: ParsedListing,
    ids: list[str],
    ref: SnapshotRef,
    rules: Rules,
) -> tuple[ParsedListing, list[str], Moves]:
    """``listing`` and ``ids`` with each row that lists a known agency in another state
    read in its known state (flag ``state_held``) until the move persists: the row's
    agreement (or application) is new to the list, its agency's of the same name and
    model is listed and lacked by it, every paper the same (the same MOA document, or
    the same signed date; an application has none), and nothing says which state is
    right (a county both states have, ``Jeff Davis County``, or none: a city's police).
    A state typed wrong for one capture is no agency moved and moved back, nor the
    next list, back to the truth, an older list arriving late; a state ICE corrects
    persists. The move is read once a later list still shows it
    (``gate.confirmed_since``: ``loss_confirm_hours`` later, and of other content: the
    same bytes are one list, whose rows are not read again), its
    events dated by the first list showing it (``Moves.confirmed``). A move the
    evidence makes (into the state that has the county the other lacks,
    ``counties.state_corrected``, or into the state the name is the government of) is
    read at once. More than ``min_row_loss`` agencies moved at once are a block (a
    state column gone wrong): the gate holds the list whole
    (``gate.check_mass_change``)."""
    known = state.list_state(listing.kind)
    listed = known.listed_keys()
    original, rows, ids = ids, list(listing.rows), list(ids)
    lacked = listed - {entry_key(a, r.model) for a, r in zip(ids, rows, strict=True)}
    if not lacked:
        return listing, ids, Moves()
    before = {move.agency_id: move for move in known.moves_held}
    by_key = _lacking_by_key(state, known, lacked)
    held: dict[str, MoveHeld] = {}
    confirmed: dict[str, tuple[MoveHeld, str]] = {}
    for i, row in enumerate(rows):
        if entry_key(ids[i], row.model) in listed:
            continue
        homes = [
            agency_id
            for agency_id, agency in by_key.get(row.agency_key, {}).items()
            if agency.state != row.state
            and entry_key(agency_id, row.model) in lacked
            and _moved_alike(state, known.entries[entry_key(agency_id, row.model)], row, i, ids)
        ]
        if len(homes) != 1:
            continue
        home = state.agencies[homes[0]]
        move = before.get(home.id)
        if move is None or move.state != row.state:
            move = MoveHeld(home.id, row.state, known.last, ref)
        if confirmed_since(move.since, ref, rules) and ref.sha256 != move.since.sha256:
            confirmed[home.id] = (move, ids[i])
            continue
        held[home.id] = move
        lacked.discard(entry_key(home.id, row.model))
        ids[i] = home.id
        rows[i] = replace(row, state=home.state, flags=(*row.flags, "state_held"))
    if len(held) > rules.min_row_loss:  # a block moved at once: the gate's to hold
        return listing, list(original), Moves()
    note = _held_note(held.values(), listing.rows, rows)
    moves = Moves(tuple(held.values()), tuple(confirmed.values()), note)
    return replace(listing, rows=tuple(rows)), ids, moves


def _moved_alike(
    state: ProgramState, entry: Entry, row: ListingRow, i: int, ids: list[str]
) -> bool:
    """Whether row ``i`` may be ``entry``'s agreement (or application) listed in another
    state that nothing says is right: the same papers (an application has none: the
    same type where both say one), and neither the county the row names (one the known
    state lacks and the row's has) nor its name (a state's government) making the move."""
    new = relabel.row_label(entry_key(ids[i], row.model), ids[i], row)
    old = relabel.entry_label(entry, state)
    if old.signed is not None or old.document is not None:
        if not identity.same_papers(new, old):
            return False
    elif new.agency_type and old.agency_type and new.agency_type != old.agency_type:
        return False
    if counties.state_named(row.agency_key) == row.state:
        return False
    return not counties.state_corrected(new, old)


def _held_note(
    held: Iterable[MoveHeld],
    listed: tuple[ListingRow, ...],
    read: list[ListingRow],
) -> str | None:
    """The snapshot's note naming the rows read in their agencies' known states."""
    named = sorted(
        f"{said.agency} ({said.state}, known in {row.state})"
        for said, row in zip(listed, read, strict=True)
        if "state_held" in row.flags and "state_held" not in said.flags
    )
    if not named or not list(held):
        return None
    return "state held until a later list shows it: " + "; ".join(named)


def _take_home(
    state: ProgramState,
    read: tuple[list[ListingRow], list[str]],
    i: int,
    homes: list[str],
    lacked: set[str],
    flag: str,
) -> None:
    """Row ``i`` (of ``read``: the rows and their ids) given to the one agency of
    ``homes`` (of several, the one whose agreement of its model the list otherwise
    lacks), read in that agency's state, with ``flag``; else left as it is."""
    rows, ids = read
    row = rows[i]
    if len(homes) > 1:
        homes = [h for h in homes if entry_key(h, row.model) in lacked]
    if len(homes) == 1:
        ids[i] = homes[0]
        rows[i] = replace(row, state=state.agencies[homes[0]].state, flags=(*row.flags, flag))


def states_unread(
    state: ProgramState, listing: ParsedListing, ids: list[str]
) -> tuple[ParsedListing, list[str]]:
    """``listing`` and ``ids`` with each row whose state cell names no state (flag
    ``state_unknown``, state ``??``) of a new agency given to the known agency of its
    name, in that agency's state (flag ``state_unread``): a state no one can read says
    nothing of where an agency is, so a known agency listed so has not moved (before: a
    STATE column turned unreadable was every agency ``agency.renamed`` into ``??``). Of
    several agencies of its name (``Franklin County Sheriff's Office`` in many states),
    the one whose agreement of the row's model has the row's MOA document, else its
    signed date, else the one whose agreement (or application) of the row's model the
    list otherwise lacks, if one; else the row stays as read. Names are its agencies'
    and their aliases (a name an agency had, or the registry gives it)."""
    new = _new_agencies(state, listing, ids)
    unread = [i for i in new if "state_unknown" in listing.rows[i].flags]
    if not unread:
        return listing, ids
    by_key = _agencies_by_key(state, aliases=True)
    lacked = _lacked(state, listing, ids)
    known = state.list_state(listing.kind).entries
    rows, ids = list(listing.rows), list(ids)
    for i in unread:
        row = rows[i]
        homes = sorted(by_key.get(row.agency_key, ()))
        for same in (_same_document, _same_signed):  # a document is one agreement's
            if len(homes) > 1:
                kept = [h for h in homes if same(known.get(entry_key(h, row.model)), row)]
                homes = kept or homes
        _take_home(state, (rows, ids), i, homes, lacked, "state_unread")
    return replace(listing, rows=tuple(rows)), ids


def _lacking_by_key(
    state: ProgramState, known: ListState, lacked: set[str]
) -> dict[str, dict[str, Agency]]:
    """The agencies of the entries a list lacks, by their names' keys (by id): the
    only ones a row may have moved from."""
    by_key: dict[str, dict[str, Agency]] = defaultdict(dict)
    for key in lacked:
        agency = state.agencies[known.entries[key].agency_id]
        by_key[agency.key][agency.id] = agency
    return by_key


def _agencies_by_key(
    state: ProgramState, aliases: bool = False
) -> dict[str, dict[str, identity.Known]]:
    """The known agencies by their names' keys (by id); with ``aliases``, also by the
    names they had (``ST|key``, a name an agency had or the registry gives it)."""
    by_key: dict[str, dict[str, identity.Known]] = defaultdict(dict)
    for agency_id, agency in state.agencies.items():
        by_key[agency.key][agency_id] = agency
    for alias, agency_id in state.aliases.items() if aliases else ():
        if agency_id in state.agencies:
            by_key[alias.partition("|")[2]][agency_id] = state.agencies[agency_id]
    return by_key


def _same_document(entry: Entry | None, row: ListingRow) -> bool:
    """Whether a known agreement has the row's MOA document."""
    moa = entry.fields.get("moa_url") if entry is not None else None
    return bool(moa and row.moa_url) and same_document(moa, row.moa_url)


def _same_signed(entry: Entry | None, row: ListingRow) -> bool:
    """Whether a known agreement has the row's signed date."""
    if entry is None or row.signed is None:
        return False
    return bool(entry.fields.get("signed") == row.signed.isoformat())


CUT_ROWS = 5  # names of the list's longest length, at least: the width names were cut at


def names_cut(
    state: ProgramState, listing: ParsedListing, ids: list[str]
) -> tuple[ParsedListing, list[str]]:
    """``listing`` and ``ids`` with each row whose name ends at the width the list cuts
    names at read under the longer name of its agency that begins with it (an earlier
    name that was cut is still cut), or, a name no agency is known by, given to the
    known agency one of whose names begins with it (the name its agreement of the row's
    model was listed under, else its name, else an earlier one), read under that name
    (flag ``name_cut``): a name cut short is no new agency, nor a rename. A list cuts
    its names when at least CUT_ROWS of them have its longest length (a name cut after
    a space is one shorter, its space trimmed); names are not cut so by chance. Of
    several agencies of the row's state, the one whose agreement has the row's papers
    (its signed date and MOA), else the one whose agreement (or application) of the
    row's model no other row shows."""
    lengths = Counter(len(row.agency) for row in listing.rows)
    width = max(lengths, default=0)
    if lengths[width] < CUT_ROWS:
        return listing, ids
    cut = _Cut(state, listing, ids)
    unsure: dict[tuple[object, ...], list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for i, row in enumerate(listing.rows):
        if len(row.agency) >= width - 1 and not cut.as_listed(i):
            found = cut.candidates(i)
            if len(found) == 1:
                cut.take(i, *next(iter(found.items())))
            elif found:
                unsure[_said(row)].append((i, found))
    for alike in unsure.values():  # rows alike, as many as the agencies they fit: those
        agencies = {agency_id: name for _, found in alike for agency_id, name in found.items()}
        if all(found == agencies for _, found in alike) and len(alike) == len(agencies):
            for (i, _), agency_id in zip(alike, sorted(agencies), strict=True):
                cut.take(i, agency_id, agencies[agency_id])
    return replace(listing, rows=tuple(cut.rows)), cut.ids


def _said(row: ListingRow) -> tuple[object, ...]:
    return (row.agency, row.model, row.signed, row.moa_url, row.county, row.agency_type)


class _Cut:
    """The rows of a list that cuts names, read again one by one (``names_cut``)."""

    def __init__(self, state: ProgramState, listing: ParsedListing, ids: list[str]) -> None:
        self.state, self.known = state, state.list_state(listing.kind)
        self.listed = self.known.listed_keys()
        self.rows, self.ids = list(listing.rows), list(ids)
        self.shown = Counter(entry_key(a, r.model) for a, r in zip(ids, self.rows, strict=True))

    def as_listed(self, i: int) -> bool:
        """Whether row ``i`` says the name its agreement was listed under (as published)."""
        entry = self.known.entries.get(entry_key(self.ids[i], self.rows[i].model))
        return entry is not None and entry.fields.get("agency") == self.rows[i].agency

    def candidates(self, i: int) -> dict[str, str]:
        row, state, known = self.rows[i], self.state, self.known
        found = _begun_by(state, known, row, self.ids[i])  # its own agency's longer name
        if not found and not _named(state, self.ids[i], row):
            found = _begun_by(state, known, row)
        if len(found) > 1:  # the one with the row's papers, if they tell
            papers = {
                a: n for a, n in found.items() if _papers(known, entry_key(a, row.model), row)
            }
            found = papers or found
        if len(found) > 1:  # the ones no other row shows, if any
            lacking = {a: n for a, n in found.items() if self._lacked(i, a)}
            found = lacking or found
        return found

    def _lacked(self, i: int, agency_id: str) -> bool:
        """Whether the list listed ``agency_id``'s agreement of row ``i``'s model and no
        row but ``i`` shows it."""
        model = self.rows[i].model
        key, own = entry_key(agency_id, model), entry_key(self.ids[i], model)
        return key in self.listed and self.shown[key] - (key == own) <= 0

    def take(self, i: int, agency_id: str, name: str) -> None:
        row, agency = self.rows[i], self.state.agencies[agency_id]
        self.shown[entry_key(self.ids[i], row.model)] -= 1
        self.shown[entry_key(agency_id, row.model)] += 1
        self.ids[i] = agency_id
        key = agency.key if name == agency.name else row.agency_key
        self.rows[i] = replace(row, agency=name, agency_key=key, flags=(*row.flags, "name_cut"))


def _named(state: ProgramState, agency_id: str, row: ListingRow) -> bool:
    """Whether the row's name is one its agency is known by (no cut)."""
    agency = state.agencies.get(agency_id)
    said = row.agency.casefold()
    return agency is not None and any(n.casefold() == said for n in (agency.name, *agency.aliases))


def _begun_by(
    state: ProgramState, known: ListState, row: ListingRow, only: str | None = None
) -> dict[str, str]:
    """The agencies of the row's state (or the agency ``only``) one of whose names
    begins with the row's name and is longer, each with that name (the one its
    agreement of the row's model was listed under first, then its name, then its
    earlier names)."""
    cut = row.agency.casefold()
    found: dict[str, str] = {}
    agencies = state.agencies if only is None else {only: state.agencies.get(only)}
    for agency_id, agency in agencies.items():
        if agency is None or agency.state != row.state:
            continue
        entry = known.entries.get(entry_key(agency_id, row.model))
        listed = [str(entry.fields.get("agency"))] if entry is not None else []
        names = (*listed, agency.name, *agency.aliases)
        begun = [n for n in names if len(n) > len(cut) and n.casefold().startswith(cut)]
        if begun:
            found[agency_id] = begun[0]
    return found


def _papers(known: ListState, key: str, row: ListingRow) -> bool:
    """Whether the known agreement ``key`` has the row's signed date and MOA."""
    entry = known.entries.get(key)
    if entry is None or not _same_signed(entry, row):
        return False
    return same_document(entry.fields.get("moa_url"), row.moa_url)


def _new_agencies(state: ProgramState, listing: ParsedListing, ids: list[str]) -> list[int]:
    """The rows of agencies never seen: a new id, a name no alias knows."""
    return [
        i
        for i, (agency_id, row) in enumerate(zip(ids, listing.rows, strict=True))
        if agency_id not in state.agencies
        and identity.alias_key(row.state, row.agency_key) not in state.aliases
    ]


def _lacked(state: ProgramState, listing: ParsedListing, ids: list[str]) -> set[str]:
    """The keys the list's kind listed that no row of ``listing`` shows."""
    shown = {entry_key(a, r.model) for a, r in zip(ids, listing.rows, strict=True)}
    return state.list_state(listing.kind).listed_keys() - shown


SHIFT_ROWS = 20  # known agreements whose dates a list gives, at least, to read a shift
SHIFT_SHARE = 0.9  # of them, the share one day off the same way


def dates_shifted(
    state: ProgramState, listing: ParsedListing, ids: list[str]
) -> tuple[ParsedListing, str | None]:
    """``listing`` with its signed dates moved back one day, each flagged
    ``signed_shifted``, when nearly all its known agreements' dates (SHIFT_SHARE of at
    least SHIFT_ROWS) are one day off their known dates, the same way: an export that
    moved the whole column (a time zone applied to dates), not each agreement signed
    again the next day; and a note saying so. None when the dates are not so."""
    if listing.kind != "participating":
        return listing, None
    pairs = list(zip(ids, listing.rows, strict=True))
    sample = _offsets(state, pairs[: 2 * SHIFT_ROWS])  # the usual list: none, told cheaply
    if 2 * max(sample[-1], sample[1]) < sum(sample.values()):  # most not moved among them
        return listing, None
    offsets = _offsets(state, pairs)
    total = sum(offsets.values())
    day = max((-1, 1), key=lambda d: offsets[d])
    if total < SHIFT_ROWS or offsets[day] < SHIFT_SHARE * total:
        return listing, None
    back = timedelta(days=day)
    rows = tuple(
        replace(row, signed=row.signed - back, flags=(*row.flags, "signed_shifted"))
        if row.signed
        else row
        for row in listing.rows
    )
    said = "later" if day > 0 else "earlier"
    note = (
        f"signed dates one day {said} than known ({offsets[day]} of {total} known "
        "agreements): read as the whole column moved, each date a day back"
    )
    return replace(listing, rows=rows), note


def _offsets(state: ProgramState, pairs: list[tuple[str, ListingRow]]) -> Counter[int]:
    """How many of the rows' dates are how many days off their known agreements'."""
    known = state.participating.entries
    offsets: Counter[int] = Counter()
    for agency_id, row in pairs:
        entry = known.get(entry_key(agency_id, row.model))
        was = entry.fields.get("signed") if entry is not None else None
        if row.signed and was:
            offsets[(row.signed - date.fromisoformat(was)).days] += 1
    return offsets


def models_carried(state: ProgramState, listing: ParsedListing, ids: list[str]) -> ParsedListing:
    """``listing`` with each row that names no model readably (a cell left blank or
    unread) given the model of its agreement, when its papers say which: its agency's
    one listed agreement that no other row of the list shows, with the same signed date
    or MOA document (of several, the one whose document it links; a row carried leaves
    the others fewer; rows alike, as many as the agreements they fit, are those)
    (flag ``model_carried``). A model cell that says nothing is no model
    changed: the row is that agreement, not an agreement of an unknown model added
    beside one gone missing. An application has no papers: on the pending list, an
    agency's rows without a model are its listed applications no other row shows, in
    the order of their models, when they are no more than its rows (one row, one such
    application; two rows, two)."""
    unread = [i for i, row in enumerate(listing.rows) if row.model is None]
    if not unread:
        return listing
    listed: dict[str, list[Entry]] = defaultdict(list)
    known = state.list_state(listing.kind)
    for entry in known.entries.values():
        if entry.status in LISTED or _still_pending(entry, known):
            listed[entry.agency_id].append(entry)
    shown: set[str] = {
        entry_key(a, r.model) for a, r in zip(ids, listing.rows, strict=True) if r.model
    }
    if listing.kind == "pending":
        return _applications_carried(listing, ids, unread, listed, shown)
    rows = list(listing.rows)
    while unread:  # a row carried leaves one agreement fewer for the others: again
        left = [i for i in unread if not _agreement_carried(state, rows, i, ids, listed, shown)]
        if len(left) == len(unread):
            break
        unread = left
    _alike_carried(state, rows, unread, ids, listed, shown)
    return replace(listing, rows=tuple(rows))


def _alike_carried(
    state: ProgramState,
    rows: list[ListingRow],
    unread: list[int],
    ids: list[str],
    listed: dict[str, list[Entry]],
    shown: set[str],
) -> None:
    """Rows of one agency with the same papers (no model, one signed date, no document
    or one), as many as the agreements no row shows whose papers they have, are those
    agreements, in the order of their models: which row is which is unknown, but the
    rows say the same (two agreements signed one day, their links pending)."""
    alike: dict[tuple[str, str | None, str | None], list[int]] = defaultdict(list)
    labels = {i: relabel.row_label(entry_key(ids[i], None), ids[i], rows[i]) for i in unread}
    for i, label in labels.items():
        alike[(ids[i], label.signed, label.document)].append(i)
    for (agency_id, *_), at in alike.items():
        label = labels[at[0]]
        papers = sorted(
            e.model
            for e in listed.get(agency_id, ())
            if e.key not in shown and identity.same_papers(label, relabel.entry_label(e, state))
        )
        if len(papers) == len(at) > 1:
            for i, model in zip(at, papers, strict=True):
                shown.add(entry_key(agency_id, model))
                rows[i] = _carried(rows[i], model)


def _agreement_carried(
    state: ProgramState,
    rows: list[ListingRow],
    i: int,
    ids: list[str],
    listed: dict[str, list[Entry]],
    shown: set[str],
) -> bool:
    """Whether row ``i`` (no model) was given its agreement: the one of its agency's
    listed agreements no row shows whose papers it has; of several, the one whose MOA
    document it links (a document is one agreement's; a date may be several's)."""
    label = relabel.row_label(entry_key(ids[i], None), ids[i], rows[i])
    papers = [
        (e, theirs)
        for e in listed.get(ids[i], ())
        if e.key not in shown
        and identity.same_papers(label, theirs := relabel.entry_label(e, state))
    ]
    if len(papers) > 1 and label.document:
        papers = [(e, theirs) for e, theirs in papers if theirs.document == label.document]
    if len(papers) != 1:
        return False
    shown.add(papers[0][0].key)
    rows[i] = _carried(rows[i], papers[0][0].model)
    return True


def _still_pending(entry: Entry, known: ListState) -> bool:
    """An application the list's last accepted snapshot listed for an agreement already
    in force (``APPROVED`` while still listed: a signal, not an event)."""
    return entry.status == APPROVED and bool(known.recent) and entry.key in known.recent[-1].keys


def _applications_carried(
    listing: ParsedListing,
    ids: list[str],
    unread: list[int],
    listed: dict[str, list[Entry]],
    shown: set[str],
) -> ParsedListing:
    """The pending list's rows without a model given their agencies' applications that
    no other row shows (:func:`models_carried`)."""
    by_agency: dict[str, list[int]] = defaultdict(list)
    for i in unread:
        by_agency[ids[i]].append(i)
    rows = list(listing.rows)
    for agency_id, at in by_agency.items():
        missing = sorted(e.model for e in listed.get(agency_id, ()) if e.key not in shown)
        if len(missing) <= len(at):
            for i, model in zip(at, missing, strict=False):
                rows[i] = _carried(rows[i], model)
    return replace(listing, rows=tuple(rows))


def _carried(row: ListingRow, model: str) -> ListingRow:
    return replace(row, model=model, flags=(*row.flags, "model_carried"))
