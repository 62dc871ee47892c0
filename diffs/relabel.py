"""Relabels applied to the known state: one agreement under a new label is not a
withdrawal plus an addition. The rules are in ``diffs/identity.py``; this module pairs
the agreements leaving and arriving in one window and carries the pairs into the state.

- an agency whose agreements all arrive under a new name (or a corrected state) keeps
  its id: the new name becomes an alias, and ``agency.renamed`` says so;
- an agreement that arrives under a name no agency had while its agency is still
  listed under its known name is still that agency's: the new name becomes an alias
  (an agency is not split in two by one row written otherwise);
- an agreement that moves to another agency id (ICE moved Crow Wing County's WSO
  agreement from MA to the MN agency that already held its TFM one) keeps its history:
  ``agreement.relabelled``;
- a row that repeats an agreement still listed, under a variant name, is that agreement.
Pure functions of (state, listing): no I/O.
"""

from __future__ import annotations

import operator
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from diffs import counties, identity, numbers, relabel_pairs, shortlist, slips
from diffs.abbreviations import has_short_words, written_short
from diffs.events import Event, SnapshotRef
from diffs.links import canonical_link
from diffs.state import (
    ACTIVE,
    LISTED,
    UNKNOWN_MODEL,
    Agency,
    Entry,
    ListState,
    ProgramState,
    entry_key,
)
from parsers.records import ListingRow, ParsedListing


@dataclass(frozen=True)
class Relabels:
    """What relabel detection found in one listing."""

    state: ProgramState
    ids: list[str]
    events: list[Event]


def detect(
    state: ProgramState,
    ref: SnapshotRef,
    listing: ParsedListing,
    ids: list[str],
    threshold: float,
) -> Relabels:
    """Pair leaving and arriving agreements of one list; rename or move the pairs."""
    previous = state.list_state(listing.kind)
    listed = {k: e for k, e in previous.entries.items() if e.status in LISTED}
    rows = _first_rows(listing.rows, ids)
    arriving = [row_label(k, *rows[k]) for k in sorted(rows.keys() - listed.keys())]
    if not arriving:  # a relabel and a duplicate both need an arriving agreement
        return Relabels(state, ids, [])
    leaving = [entry_label(listed[k], state) for k in sorted(listed.keys() - rows.keys())]
    present = set(ids)
    listed_agencies = {e.agency_id for e in listed.values()}
    renamed: dict[str, str] = {}
    aliases = dict(state.aliases)
    events: list[Event] = []
    entries = dict(previous.entries)
    for new, old in relabel_pairs.match_relabels(arriving, leaving, threshold):
        old_entry = listed[old.key]
        start = _last_seen(old_entry, previous.last)
        if renamed.get(new.agency_id) == old.agency_id:
            continue  # another agreement of an agency already renamed
        agency_wide = (
            new.agency_id not in renamed
            and old.agency_id not in present
            and new.agency_id not in listed_agencies
        )
        variant = (
            new.agency_id not in state.agencies
            and new.agency_id not in renamed
            and identity.same_agency_or_slip(new, old)
        )
        if agency_wide or variant:
            # agency-wide: the event comes from renames(), as for a reviewed alias;
            # a variant: a name no agency had, on a row of an agency still listed under
            # its known name, is that agency's (its row's name is a field that changed)
            renamed[new.agency_id] = old.agency_id
            aliases[identity.alias_key(new.state, new.name_key)] = old.agency_id
            continue
        _move(entries, old_entry, new, rows[new.key][1])
        events.append(_relabelled(state, old, new, rows[new.key][1], start, ref))
    for new, old in _model_relabels(arriving, leaving, entries, listing.rows):
        _move(entries, listed[old.key], new, rows[new.key][1])
        start = _last_seen(listed[old.key], previous.last)
        events.append(_relabelled(state, old, new, rows[new.key][1], start, ref))
    for new, old in _models_said(arriving, leaving, entries):
        _move(entries, listed[old.key], new, rows[new.key][1])
        if listing.kind == "participating":  # an application's model is no field of it
            start = _last_seen(listed[old.key], previous.last)
            events.append(_relabelled(state, old, new, rows[new.key][1], start, ref))
    duplicates = _duplicates(arriving, listed, rows, renamed, listed_agencies, state)
    duplicates.update(_variants(arriving, listed, rows, renamed | duplicates, state))
    for agency_id, target in duplicates.items():
        renamed[agency_id] = target
        row = next(r for a, r in rows.values() if a == agency_id)
        aliases[identity.alias_key(row.state, row.agency_key)] = target
    new_list = replace(previous, entries=entries)
    state = replace(state.with_list(listing.kind, new_list), aliases=aliases)
    return Relabels(state, [renamed.get(a, a) for a in ids], events)


def _move(entries: dict[str, Entry], entry: Entry, new: identity.Label, row: ListingRow) -> None:
    """The agreement keeps its history (first seen, fields) under its new key; only the
    name (or the model) it is listed under changes (the relabel event says so)."""
    entries.pop(entry.key, None)
    fields = {**entry.fields, "agency": row.agency}
    entries[new.key] = replace(
        entry, key=new.key, agency_id=new.agency_id, model=new.model, fields=fields
    )


def _model_relabels(
    arriving: list[identity.Label],
    leaving: list[identity.Label],
    entries: dict[str, Entry],
    rows: tuple[ListingRow, ...],
) -> list[tuple[identity.Label, identity.Label]]:
    """Agreements of one agency leaving under one model and arriving under another in
    one window, with the same MOA document: one agreement, its model relabelled (a MOA
    is one model's agreement; a WSO row made TFM with its papers unchanged is not a WSO
    agreement withdrawn and a TFM one signed). The document must be that agreement's
    alone, in the list before and in the list now (a link many rows share, a page
    rather than a MOA, says nothing), and the pair the only one of its agency and
    document. The new model's key may hold an agreement of the agency ended before (its
    WSO agreement withdrawn, on another document): a document is one agreement's, so
    the row linking the leaving agreement's is that agreement relabelled, not the ended
    one reinstated (matching by the document comes before reinstating by agency and
    model); the ended one's history stays in its events. ``entries``: the list's
    entries once the other relabels are applied."""
    left: dict[tuple[str, str], list[identity.Label]] = defaultdict(list)
    for old in leaving:
        if old.document and old.key in entries:
            left[(old.agency_id, old.document)].append(old)
    if not left:
        return []
    candidates = [
        (n, o)
        for n in arriving
        if n.document and _free(entries.get(n.key), n.document)
        for o in left.get((n.agency_id, n.document), ())
        if o.model != n.model
    ]
    if not candidates:
        return []
    shown = Counter(canonical_link(r.moa_url) for r in rows if r.moa_url)
    listed = (e.fields.get("moa_url") for e in entries.values() if e.status in LISTED)
    known = Counter(canonical_link(link) for link in listed if link)
    per_new = Counter(n.key for n, _ in candidates)
    per_old = Counter(o.key for _, o in candidates)
    return [
        (n, o)
        for n, o in candidates
        if per_new[n.key] == per_old[o.key] == 1
        and shown[n.document] == 1
        and known[o.document] == 1
    ]


def _free(entry: Entry | None, document: str) -> bool:
    """Whether an agreement arriving on ``document`` may take a key: none holds it, or
    an agreement that ended (no longer listed) on another document (one on that very
    document is the one reinstated)."""
    if entry is None:
        return True
    return entry.status not in LISTED and canonical_link(entry.fields.get("moa_url")) != document


def _models_said(
    arriving: list[identity.Label], leaving: list[identity.Label], entries: dict[str, Entry]
) -> list[tuple[identity.Label, identity.Label]]:
    """An agreement or application listed under model ``?`` (its support type named no
    model known) that leaves in the window its agency's one row of a model arrives in:
    that one, its model now said. A model unknown is no model yet, not another model,
    so it needs no papers to tell (an application has none): an agency's one of each
    only. ``entries``: the list's entries once the other relabels are applied."""
    unknown: dict[str, list[identity.Label]] = defaultdict(list)
    for old in leaving:
        if old.model == UNKNOWN_MODEL and old.key in entries:
            unknown[old.agency_id].append(old)
    said: dict[str, list[identity.Label]] = defaultdict(list)
    for new in arriving:
        if new.model != UNKNOWN_MODEL and new.agency_id in unknown and new.key not in entries:
            said[new.agency_id].append(new)
    return [
        (said[agency][0], unknown[agency][0])
        for agency in sorted(said)
        if len(said[agency]) == len(unknown[agency]) == 1
    ]


def _duplicates(
    arriving: list[identity.Label],
    listed: dict[str, Entry],
    rows: dict[str, tuple[str, ListingRow]],
    renamed: dict[str, str],
    listed_agencies: set[str],
    state: ProgramState,
) -> dict[str, str]:
    """Arriving agencies whose rows repeat agreements still listed (new id -> listed id).
    The listed agreements are labelled only when some agency arrives (most captures of a
    list bring none)."""
    candidates = [
        new
        for new in arriving
        if new.agency_id not in renamed and new.agency_id not in listed_agencies
    ]
    if not candidates:
        return {}
    # a duplicate shares the state, model and signed date (relabel_pairs.is_duplicate): only
    # the listed agreements that share them with a candidate are labelled and compared
    wanted = {(new.state, new.model, new.signed) for new in candidates if new.signed}
    sharing = [
        k
        for k, e in listed.items()
        if k in rows
        and (state.agencies[e.agency_id].state, e.model, e.fields.get("signed")) in wanted
    ]
    still = [entry_label(listed[k], state) for k in sorted(sharing)]
    found: dict[str, str] = {}
    for new in candidates:
        match = next((o for o in still if relabel_pairs.is_duplicate(new, o)), None)
        if match is not None:
            found.setdefault(new.agency_id, match.agency_id)
    return found


def _variants(
    arriving: list[identity.Label],
    listed: dict[str, Entry],
    rows: dict[str, tuple[str, ListingRow]],
    renamed: dict[str, str],
    state: ProgramState,
) -> dict[str, str]:
    """Arriving agreements of an agency no one knew, under a name that is, by
    :func:`identity.same_agency_or_slip`, one agency's listed in the list: that agency's (new id
    -> listed id), when exactly one is. An agency adding a model under its name written
    otherwise is not a second agency (Walker County Sheriff's Office's WSO agreement
    beside Walker County Sheriff's Department's JEM one); a row of a model the agency
    is still listed for under its own name is no such model added (``Town of Brookfield
    Police Department`` beside ``Brookfield Police Department``, the city's, both TFM):
    another agency, or the agreement listed twice, which ``_duplicates`` tells by its
    papers."""
    new = [n for n in arriving if n.agency_id not in state.agencies and n.agency_id not in renamed]
    if not new:
        return {}
    found: dict[str, str] = {}
    for label in new:
        core = identity.core_words(label)
        short = has_short_words(label.name_key, None)
        agencies = {
            e.agency_id
            for e in listed.values()
            if _may_be(label, (core, short), e, state)
            and entry_key(e.agency_id, label.model) not in rows
            and identity.same_agency_or_slip(label, entry_label(e, state, papers=False))
        }
        if len(agencies) == 1:
            found.setdefault(label.agency_id, agencies.pop())
    return found


def _may_be(
    label: identity.Label, read: tuple[frozenset[str], bool], entry: Entry, state: ProgramState
) -> bool:
    """What ``identity.same_agency_or_slip`` asks first, read without labelling
    ``entry``: its state and type, and the words of ``label``'s core in its name (unless
    a word of either is written short, or mistyped: the full rule reads them). ``read``:
    the label's core words, and whether its name has a word written short."""
    agency = state.agencies[entry.agency_id]
    if agency.state != label.state or entry.fields.get("agency_type") != label.agency_type:
        return False
    core, short = read
    words = numbers.words(agency.key)  # its numbers as digits, as the core's are
    if short or core.issubset(words):
        return True
    # a word written short in the agency's name, or one word mistyped: the one core word
    # its name lacks
    missing = len(core.difference(words))
    return has_short_words(agency.key, None) or (
        missing == 1 and slips.one_slip(label.name_key, agency.key)
    )


def _first_rows(rows: tuple[ListingRow, ...], ids: list[str]) -> dict[str, tuple[str, ListingRow]]:
    result: dict[str, tuple[str, ListingRow]] = {}
    for agency_id, row in zip(ids, rows, strict=True):
        result.setdefault(entry_key(agency_id, row.model), (agency_id, row))
    return result


def row_label(key: str, agency_id: str, row: ListingRow) -> identity.Label:
    return identity.Label(
        key=key,
        agency_id=agency_id,
        state=row.state,
        name_key=row.agency_key,
        model=row.model or UNKNOWN_MODEL,
        signed=row.signed.isoformat() if row.signed else None,
        document=canonical_link(row.moa_url),
        county=row.county,
        agency_type=row.agency_type,
    )


def entry_label(entry: Entry, state: ProgramState, papers: bool = True) -> identity.Label:
    """An entry's label; without its papers (signed date, MOA) when ``papers`` is false
    (an application has none to compare)."""
    agency = state.agencies[entry.agency_id]
    return identity.Label(
        key=entry.key,
        agency_id=entry.agency_id,
        state=agency.state,
        name_key=agency.key,
        model=entry.model,
        signed=entry.fields.get("signed") if papers else None,
        document=canonical_link(entry.fields.get("moa_url")) if papers else None,
        county=entry.fields.get("county"),
        agency_type=entry.fields.get("agency_type"),
    )


def counterpart(entry: Entry, others: Iterable[Entry], state: ProgramState) -> Entry | None:
    """The one entry of ``others`` (the other list's) that is ``entry``'s agency under
    another label, for the same model: an application and the agreement it became.
    One agency by the rules for rows without papers (an application has no signed date
    nor MOA): the same words in another order or with the state set off after the name
    (``Unity Township Constable, PA``, ``Constable Unity Township``), the same agency
    relabelled (:func:`identity.same_agency`), or, in the same place, one word mistyped
    (:func:`slips.one_slip`: ``New Port Richey Polce Department``); in another
    state, the same name naming a county only one of the two states has
    (:func:`counties.state_corrected`: ``McKenzie County Sheriff's Office`` applying
    in TX, joining in ND). Stricter than a relabel within one list, whose leaving and
    arriving rows meet in one window: an application meets every agreement of its
    state and model, so names merely alike (``Lakeland``, ``Oakland``) are not one
    agency. None when no entry is, or more than one (which one is unknown)."""
    label = entry_label(entry, state, papers=False)
    probe = _Probe.of(entry, label)
    found = [
        other
        for other in others
        if other.model == entry.model
        and other.agency_id != entry.agency_id
        and (
            probe.one_agency(other, agency, state)
            if (agency := state.agencies[other.agency_id]).state == label.state
            else _state_corrected(label, other, state)
        )
    ]
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class _Probe:
    """One entry's label, name, word forms and core in its county, read once: an entry
    meets every entry of its state and model (an application, every agreement in force)."""

    label: identity.Label
    name: str
    forms: tuple[tuple[str, ...], ...]
    core: tuple[str, ...]
    marks: shortlist.Marks | None

    @classmethod
    def of(cls, entry: Entry, label: identity.Label) -> _Probe:
        name = entry.fields.get("agency") or ""
        forms = identity.word_forms(name, label.state)
        core = identity.core_in_county(label.name_key, label.county)
        marks = shortlist.marks(name, label.name_key, label.county, label.state)
        return cls(label, name, forms, core, marks)

    def one_agency(self, other: Entry, agency: Agency, state: ProgramState) -> bool:
        """Whether ``other``, of ``agency`` in the probe's state, is the probe's agency:
        the same words (:func:`identity.same_words`; or with its own county set off:
        :func:`identity.same_name_in_place`), or, of the same type (the rules
        below are for one place, which says the type; one stating none takes the
        other's: :func:`typed_alike`), the same agency relabelled
        (:func:`identity.same_agency`: the same core in its county) or one word
        mistyped in the same place (:func:`slips.one_slip`). The names are compared
        before ``other`` is labelled: most pairs differ in name, and the place costs;
        first by their marks (``diffs/shortlist.py``: a rule added here needs one)."""
        label, their_name = self.label, other.fields.get("agency") or ""
        county = other.fields.get("county")
        if not shortlist.may_be(
            self.marks, shortlist.marks(their_name, agency.key, county, label.state)
        ):
            return False  # no mark in common: none of the rules below finds them one
        if any(map(operator.eq, self.forms, identity.word_forms(their_name, label.state))):
            return True
        if written_short(self.name, their_name, label.state):
            return True
        if (identity.sets_off(self.name) or identity.sets_off(their_name)) and (
            identity.same_name_in_place(self.name, their_name, label.state, (label.county, county))
        ):
            return True  # its own county set off after or before the name
        their_type = other.fields.get("agency_type")
        if label.agency_type and their_type and their_type != label.agency_type:
            return False
        slip = slips.one_slip(label.name_key, agency.key)
        their_core = identity.core_in_county(agency.key, county)
        if not slip and not identity.same_core(their_core, self.core):
            mended = slips.slip_mended(label.name_key, agency.key)
            if mended is None or not identity.same_core(
                their_core, identity.core_in_county(mended, label.county)
            ):
                return False  # neither relabelled nor mistyped
            label = replace(label, name_key=mended)  # mistyped and relabelled
        mine, theirs = typed_alike(label, entry_label(other, state, papers=False))
        return identity.same_agency(mine, theirs) or (slip and identity.same_place(mine, theirs))


UNSTATED_TYPE = "(type unstated)"
"""The type of an application and an agreement neither of which states one."""


def typed_alike(
    mine: identity.Label, theirs: identity.Label
) -> tuple[identity.Label, identity.Label]:
    """An application and an agreement, one stating no type (its list publishes none,
    or its cell is blank), each of the type the other states: a list's silence says
    nothing of the type; stated by neither (neither list publishes types), each of
    one type unstated (``identity.same_place`` asks a type, stated or not, alike)."""
    if mine.agency_type and theirs.agency_type:
        return mine, theirs
    said = mine.agency_type or theirs.agency_type or UNSTATED_TYPE
    return replace(mine, agency_type=said), replace(theirs, agency_type=said)


def alike(entry: Entry, others: Iterable[Entry], state: ProgramState) -> list[str]:
    """The names, sorted, of the entries of ``others`` of ``entry``'s state and model
    whose names are alike, one's core inside the other's (``Pembroke Police
    Department``, ``Pembroke Park Police Department``; ``Damascus County Constable``,
    ``Damascus Township Constable``): not one agency by :func:`counterpart`'s rules, but
    what a reader may want to weigh."""
    label = entry_label(entry, state, papers=False)
    return sorted(
        {
            str(other.fields.get("agency"))
            for other in others
            if other.model == entry.model
            and state.agencies[other.agency_id].state == label.state
            and identity.close_names(
                label.name_key, state.agencies[other.agency_id].key, identity.NESTED_ONLY
            )
        }
    )


def _state_corrected(label: identity.Label, other: Entry, state: ProgramState) -> bool:
    """One agency listed in two states, one of which lacks the county it names
    (``counties.state_corrected``, either way: the application or the agreement may be
    the one listed in the wrong state)."""
    if state.agencies[other.agency_id].key != label.name_key:
        return False  # the usual case, checked first: another name
    theirs = entry_label(other, state, papers=False)
    return counties.state_corrected(label, theirs) or counties.state_corrected(theirs, label)


def _last_seen(entry: Entry, last: SnapshotRef | None) -> SnapshotRef | None:
    """An ACTIVE entry was in the list's last snapshot; a MISSING one, in its last_seen."""
    return last if entry.status == ACTIVE else entry.last_seen


def renames(
    state: ProgramState, ref: SnapshotRef, listing: ParsedListing, ids: list[str]
) -> list[Event]:
    """``agency.renamed`` for each agency listed before whose rows now all carry another
    name (or another state). Compared within one list, on the names its entries were
    last listed under, so a variant name on the other list is not a rename."""
    previous = state.list_state(listing.kind)
    if previous.last is not None and previous.last.sha256 == ref.sha256:
        return []  # the same bytes as the list's last snapshot: every name as listed
    listed: dict[str, list[Entry]] = defaultdict(list)
    for entry in previous.entries.values():
        if entry.status in LISTED:
            listed[entry.agency_id].append(entry)
    events = []
    for agency_id, rows in _maybe_renamed(state, previous, listed, listing.rows, ids).items():
        agency = state.agencies.get(agency_id)
        if agency is None:  # new: it holds only agreements relabelled to it just now
            continue
        moved = agency.state not in {r.state for r in rows}
        if not moved and _same_name(listed[agency_id], rows):
            continue
        entries = sorted(listed[agency_id], key=lambda e: e.key)
        row = rows[0]
        before = {"name": entries[0].fields.get("agency") or agency.name}
        after = {"name": row.agency}
        if moved:
            before["state"], after["state"] = agency.state, row.state
        starts = [_last_seen(e, previous.last) for e in entries]
        start = max((s for s in starts if s), key=lambda s: s.observed_at, default=None)
        events.append(
            Event(
                kind="agency.renamed",
                subject=agency_id,
                end=ref,
                start=start,
                state=row.state,
                agency=row.agency,
                agency_id=agency_id,
                before=before,
                after=after,
            )
        )
    return events


def _maybe_renamed(
    state: ProgramState,
    previous: ListState,
    listed: dict[str, list[Entry]],
    rows: tuple[ListingRow, ...],
    ids: list[str],
) -> dict[str, list[ListingRow]]:
    """The rows of each listed agency that might be renamed, by agency id in order: all
    but those with a row under the name its own agreement was listed under and a row
    in the agency's state (one pass over the rows; the full test is left to the few
    others)."""
    entries = previous.entries
    kept: set[str] = set()
    placed: set[str] = set()
    for agency_id, row in zip(ids, rows, strict=True):
        entry = entries.get(entry_key(agency_id, row.model))
        listed_as = entry.fields.get("agency") if entry and entry.status in LISTED else None
        if listed_as == row.agency:
            kept.add(agency_id)
        agency = state.agencies.get(agency_id)
        if agency is not None and agency.state == row.state:
            placed.add(agency_id)
    suspects = (set(ids) & set(listed)) - (kept & placed)
    found: dict[str, list[ListingRow]] = {a: [] for a in sorted(suspects)}
    for agency_id, row in zip(ids, rows, strict=True):
        if agency_id in found:
            found[agency_id].append(row)
    return found


def _same_name(entries: list[Entry], rows: list[ListingRow]) -> bool:
    """Whether some row still carries a name an entry was listed under, written the
    same or otherwise (the same words of its key, in any order; compared as written
    first: the usual case, and cheaper)."""
    names = {e.fields.get("agency") or "" for e in entries}
    if any(r.agency in names for r in rows):
        return True
    counties = {e.fields.get("county") for e in entries}
    return any(
        identity.same_name_in_place(name, r.agency, r.state, {*counties, r.county})
        for name in names
        for r in rows
    )


def _relabelled(
    state: ProgramState,
    old: identity.Label,
    new: identity.Label,
    row: ListingRow,
    start: SnapshotRef | None,
    ref: SnapshotRef,
) -> Event:
    agency = state.agencies[old.agency_id]
    # the model, when it is what was relabelled (an agency's relabel keeps it)
    models = ({"model": old.model}, {"model": new.model}) if old.model != new.model else ({}, {})
    return Event(
        kind="agreement.relabelled",
        subject=new.key,
        end=ref,
        start=start,
        state=row.state,
        agency=row.agency,
        agency_id=new.agency_id,
        model=new.model,
        effective_date=new.signed,
        before={"agency": agency.name, "state": agency.state, "agency_id": old.agency_id}
        | models[0],
        after={"agency": row.agency, "state": row.state, "agency_id": new.agency_id} | models[1],
    )
