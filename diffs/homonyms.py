"""Two agencies of one name in one state, told apart by their counties. Pure: the known
state, a list's rows and their agencies' ids in, ids out (for the engine, before the
list's diff).

An agency's id is its state and name (``diffs/identity.py``), and most names are one
government's. Some are not: Pennsylvania, Ohio and New Jersey have a Washington Township
in many counties. ICE lists an agreement once, so one name listed in one list in two
counties that each name a real county of the state and are not one county
(:func:`counties.same_county`), for one model, with no MOA document in common, is two
governments (rows of two models naming two counties are not: a county mistyped on one
row, a city spanning two counties), never a row
repeated (a repeated row names one county, or none: it stays one agreement, the list
diff keeps its more complete row). The agency already known there (its entries name
its county) keeps its id; the other is another agency, its id the name's with its
county (``pa-washington-township-police-department--westmoreland``), kept for good.
Once a name is two agencies', each row of that name is the one of its county; a row
naming none is the first's, as before; a row naming a county none of them is in is a
third agency, unless it links one of theirs' MOA document, signed the same day for
the same model: a document is one agreement's, so that row is that agreement, its
county corrected (an ``agreement.changed``, not one withdrawn and another added).

A name that names a county (``Franklin County Sheriff's Office``) is that county's body
whatever its county cells say: never told apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from common.hashing import bounded
from diffs import identity
from diffs.counties import placed, same_county
from diffs.links import canonical_link
from diffs.state import Entry, ProgramState
from parsers.normalize import county_key
from parsers.records import ListingRow

MARK = "--"
"""What joins a name's id and a county in a homonym's id: an id made from a name has
single hyphens only (``identity.make_agency_id``)."""


def homonym_id(agency_id: str, county: str) -> str:
    """The id of the agency of ``agency_id``'s name in ``county`` (another government)."""
    slug = "-".join(county_key(county).split()) or "county"
    return bounded(f"{agency_id}{MARK}{slug}", identity.AGENCY_ID_CHARS)


def told_apart(state: ProgramState, rows: Sequence[ListingRow], ids: list[str]) -> list[str]:
    """``ids`` with each row of a name two governments have taken as its county's
    agency's (see the module)."""
    groups = _groups(state)
    result = list(ids)
    if groups:
        members_all = {m for members in groups.values() for m in members}
        counties = _counties(state, members_all)
        papers = _papers(state, members_all)
        for at, row in enumerate(rows):
            members = groups.get(result[at])
            if members is not None and _stated(row):
                result[at] = _member(row, result[at], members, (counties, papers))
    for repeated in _repeated(result, rows):
        _split(state, rows, result, repeated)
    return result


def _groups(state: ProgramState) -> dict[str, tuple[str, ...]]:
    """Each name's id that homonyms share, with theirs: itself first."""
    found: dict[str, list[str]] = defaultdict(list)
    for agency_id in state.agencies:
        if MARK in agency_id:
            found[agency_id.partition(MARK)[0]].append(agency_id)
    return {plain: (plain, *sorted(others)) for plain, others in found.items()}


def _counties(state: ProgramState, members: set[str]) -> dict[str, set[str]]:
    """The county cells the entries of ``members`` (agency ids) showed last."""
    found: dict[str, set[str]] = defaultdict(set)
    for entry in _entries(state):
        county = entry.fields.get("county")
        if entry.agency_id in members and county:
            found[entry.agency_id].add(county)
    return found


def _entries(state: ProgramState) -> Iterable[Entry]:
    yield from state.participating.entries.values()
    yield from state.pending.entries.values()


Papers = tuple[str | None, str, str | None]
"""An agreement's model, MOA document and signed date."""


def _papers(state: ProgramState, members: set[str]) -> dict[Papers, set[str]]:
    """The agencies among ``members`` whose agreements have each set of papers (model,
    MOA document, signed date), for those linking a document."""
    found: dict[Papers, set[str]] = defaultdict(set)
    for entry in state.participating.entries.values():
        document = canonical_link(entry.fields.get("moa_url"))
        if entry.agency_id in members and document:
            found[(entry.model, document, entry.fields.get("signed"))].add(entry.agency_id)
    return found


def _member(
    row: ListingRow,
    plain: str,
    members: tuple[str, ...],
    known: tuple[dict[str, set[str]], dict[Papers, set[str]]],
) -> str:
    """The homonym of ``row``'s county; else the one whose agreement it is by its papers
    (the same model, MOA document and signed date: its county corrected); a third's id
    when it is none of theirs (the name's own agency when its county is unknown: its
    row may say it now)."""
    counties, papers = known
    for member in members:
        if _in(row, counties.get(member, set())):
            return member
    document = canonical_link(row.moa_url)
    if document and row.signed:
        owners = papers.get((row.model, document, row.signed.isoformat()), set())
        found = owners & set(members)
        if len(found) == 1:
            return found.pop()
    return homonym_id(plain, row.county or "") if counties.get(plain) else plain


def _stated(row: ListingRow) -> bool:
    """Whether a row's county cell names a county of its state, and its name none (a
    county's body is that county's, whatever its cell says)."""
    return placed(row.state, row.county, row.agency_key)


def _repeated(ids: list[str], rows: Sequence[ListingRow]) -> list[list[int]]:
    """The rows (indexes) of each agency and model listed more than once: ICE lists an
    agreement once, so one model twice is two agencies' (an agency's rows of two
    models naming two counties are no such evidence: a county mistyped on one row for
    a capture, a city spanning two counties, split one agency in two)."""
    found: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for at, (agency_id, row) in enumerate(zip(ids, rows, strict=True)):
        found[(agency_id, row.model)].append(at)
    return [at for at in found.values() if len(at) > 1]


def _split(state: ProgramState, rows: Sequence[ListingRow], ids: list[str], at: list[int]) -> None:
    """Rows of one agency and model in counties that are not one, and share no MOA
    document: the agency known there keeps its id (else the first county, in order of
    the alphabet), each other county's rows take a homonym's."""
    places = _places([i for i in at if _stated(rows[i])], rows)
    if len(places) < 2 or _papers_shared(places, rows):
        return
    plain = ids[at[0]]
    known = _counties(state, {plain}).get(plain, set())
    places.sort(
        key=lambda group: (not _in(rows[group[0]], known), county_key(rows[group[0]].county))
    )
    for group in places[1:]:
        for i in group:
            ids[i] = homonym_id(plain, rows[group[0]].county or "")


def _places(at: list[int], rows: Sequence[ListingRow]) -> list[list[int]]:
    """The rows grouped by county (one county written otherwise is one)."""
    groups: list[list[int]] = []
    for i in at:
        row = rows[i]
        for group in groups:
            if same_county(row.county or "", rows[group[0]].county or "", row.state):
                group.append(i)
                break
        else:
            groups.append([i])
    return groups


def _in(row: ListingRow, counties: set[str]) -> bool:
    return any(same_county(row.county or "", c, row.state) for c in counties)


def _papers_shared(places: list[list[int]], rows: Sequence[ListingRow]) -> bool:
    """Whether two counties' rows link one MOA document (one agreement, a county cell
    mistaken: a document is one agency's)."""
    seen: set[str] = set()
    for group in places:
        docs = {canonical_link(rows[i].moa_url) for i in group} - {None}
        if not seen.isdisjoint(docs):
            return True
        seen |= {d for d in docs if d}
    return False
