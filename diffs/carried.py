"""What a row that says too little or too much is, from what is known: a row whose
model cell says nothing is the agreement (or application) its papers, or its agency,
say it is (``models_carried``); a row listed in a state that lacks the county it names
is its agency's in the state that has it (``states_slipped``). Pure functions of
(state, listing): each gives the listing back with the rows read so, flagged."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from diffs import identity, relabel
from diffs.state import APPROVED, LISTED, Entry, ListState, ProgramState, entry_key
from parsers.records import ListingRow, ParsedListing


def states_slipped(
    state: ProgramState, listing: ParsedListing, ids: list[str]
) -> tuple[ParsedListing, list[str]]:
    """``listing`` and ``ids`` with each row of a new agency (a name no alias knows)
    whose state lacks the county it names given to the known agency of its name in a
    state that has it (``identity.home_states``), in that state (flag
    ``state_slipped``): a row cannot be in a state its county is not in, so a known
    agency listed there has not moved (``agency.renamed`` into a state without its
    county), its state is a slip. Of several such agencies, the one whose agreement (or
    application) of the row's model the list otherwise lacks, if one. The other way, a
    state corrected into the one that has the county, is a move
    (``identity.state_corrected``)."""
    new = [
        i
        for i, (agency_id, row) in enumerate(zip(ids, listing.rows, strict=True))
        if agency_id not in state.agencies
        and identity.alias_key(row.state, row.agency_key) not in state.aliases
    ]
    if not new:
        return listing, ids
    by_key: dict[str, dict[str, identity.Known]] = defaultdict(dict)
    for agency_id, agency in state.agencies.items():
        by_key[agency.key][agency_id] = agency
    shown = {entry_key(a, r.model) for a, r in zip(ids, listing.rows, strict=True)}
    lacked = state.list_state(listing.kind).listed_keys() - shown
    rows, ids = list(listing.rows), list(ids)
    for i in new:
        row = rows[i]
        homes = identity.home_states(row, by_key.get(row.agency_key, {}))
        if len(homes) > 1:
            homes = [h for h in homes if entry_key(h, row.model) in lacked]
        if len(homes) == 1:
            ids[i] = homes[0]
            slipped = (*row.flags, "state_slipped")
            rows[i] = replace(row, state=state.agencies[homes[0]].state, flags=slipped)
    return replace(listing, rows=tuple(rows)), ids


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
