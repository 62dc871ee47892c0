"""Where an agency is: the county its name or its county cell names, and whether two
agencies' places are one. Pure; the Census tables are ``common.geo``'s.

A county cell is one county written otherwise (``Harris``, ``HARRIS COUNTY``,
``Harris County, TX``) or another; it names a county of its state or none (mistyped:
``Lafaytte County``), and a cell naming none says nothing of the place. A name may name
a county (``Baker County Sheriff's Office``): a county's body is that county's,
whatever its cell says. Two agencies whose names, or else whose cells, name two real
counties of their state are in two places: two governments, whatever else they share
(``diffs/identity.py``'s relabel and duplicate rules, ``diffs/homonyms.py``).
"""

from __future__ import annotations

import functools
import operator
from typing import Protocol

from common import geo
from diffs.numbers import words
from parsers.normalize import county_key, without_accents, without_trailing_state

# The most words a county's name takes before ``County`` (``San Luis Obispo``).
COUNTY_NAME_WORDS = 3


class Placed(Protocol):
    """What the place rules read of a row or an entry (``identity.Label`` has it)."""

    @property
    def state(self) -> str: ...

    @property
    def county(self) -> str | None: ...

    @property
    def name_key(self) -> str: ...


def places_apart(a: Placed, b: Placed) -> bool:
    """Whether two labels of one state are in two places: their names name two counties
    of the state (``Baker County Sheriff's Office``, ``Lake County Sheriff's Office``;
    a county mistyped names none), or, neither naming one, their county cells do (a
    county's body is that county's, whatever a cell says). One county written
    otherwise is one."""
    if a.state != b.state:
        return False
    named = county_named(a.name_key), county_named(b.name_key)
    if named[0] and named[1]:
        return _counties_apart(a.state, named[0], named[1])
    return (
        placed(a.state, a.county, a.name_key)
        and placed(b.state, b.county, b.name_key)
        and not same_county(a.county or "", b.county or "", a.state)
    )


def _counties_apart(state: str, first: str, second: str) -> bool:
    return (
        names_a_county(state, first)
        and names_a_county(state, second)
        and not same_county(first, second, state)
    )


def placed(state: str, county: str | None, name_key: str) -> bool:
    """Whether a row's county cell places its agency: it names a county of ``state``,
    and the agency's name (its key) names none."""
    return bool(county and names_a_county(state, county) and county_named(name_key) is None)


def names_a_county(state: str, county: str) -> bool:
    """Whether a county cell names a county of ``state`` (for a state the tables do not
    know, it may: a cell is read as written)."""
    return geo.state_fips(state) is None or geo.county_fips(state, county, None) is not None


@functools.lru_cache(maxsize=4096)
def county_named(name: str) -> str | None:
    """The county a name key begins with (``walker county sheriff department``)."""
    found = geo.county_in_name(name)
    return found if found and len(found.split()) <= COUNTY_NAME_WORDS + 1 else None


def county_words(label: Placed) -> set[str]:
    """The words of the counties a label's name names, first or anywhere (``Ocala
    Police Department (Lake County)``): where it is, not who."""
    tokens = label.name_key.split()
    county: set[str] = set()
    for at, word in enumerate(tokens):
        if word not in ("county", "parish"):
            continue
        for size in range(min(at, COUNTY_NAME_WORDS), 0, -1):
            named = tokens[at - size : at]
            if names_a_county(label.state, " ".join([*named, word])):
                county.update(named)
                break
    return county


def same_county(first: str, second: str, state: str | None = None) -> bool:
    """Whether two county cells name the same county (or counties, in any order): the
    same words of their keys (``Harris``, ``HARRIS COUNTY``; ``Warren, Page`` and ``Page
    and Warren Counties``), with the agency's own ``state`` set off after it or not
    (``Harris County, TX``), accents on them or not (``Doña Ana``, ``Dona Ana``); or the
    same letters in order, spaces aside (``DeSoto``, ``De Soto``)."""
    return any(map(operator.eq, _county_forms(first, state), _county_forms(second, state)))


@functools.lru_cache(maxsize=4096)
def _county_forms(county: str, state: str | None) -> tuple[tuple[str, ...], str]:
    """A county cell's key words in order of the alphabet, and its letters in order."""
    key = county_key(without_accents(without_trailing_state(county, state) if state else county))
    return words(key), key.replace(" ", "")


def state_corrected(new: Placed, old: Placed) -> bool:
    """Without papers, whether ``new`` is ``old`` with its state corrected: the same name,
    naming a county (in its county cell, else in its name) that the old state does not
    have and the new one has (``Kershaw County Sheriff's Office`` listed in FL, which has
    no Kershaw County, then in SC). A correction of the state moves a row, not its
    county: when each row names a county, the old row's is no other county (the new
    state's however written, ``Queen Annes``, ``Queen Anne's``, or a spelling no table
    knows, ``St Marys``). A county both states have (``Franklin
    County``), none named (a city's police), or another county named by each
    (``Florence Police Department`` of Lauderdale County, AL, and of Florence County,
    SC) says nothing: two agencies."""
    if new.state == old.state or new.name_key != old.name_key:
        return False
    in_name = geo.county_in_name(new.name_key)
    theirs, mine = old.county or in_name, new.county or in_name
    county = mine or theirs
    if not county:
        return False
    found = geo.county_fips(new.state, county, None)
    if found is None or geo.county_fips(old.state, county, None) is not None:
        return False
    if not (theirs and mine):
        return True
    other = geo.county_fips(new.state, theirs, None) or geo.county_fips(old.state, theirs, None)
    return other is None or other == found  # a spelling no table knows names no other


# The words that, after a state's name, make a name that of the state's own government
# (``Georgia Department of Corrections``, ``Texas Office of the Attorney General``,
# ``Arkansas National Guard``, ``Idaho State Police``), not of a place named after it
# (``Kansas City``, ``Washington County``, ``Virginia Beach``, ``Nevada Police
# Department`` of Nevada, Missouri).
STATE_BODY_WORDS = frozenset(
    {
        "department", "dept", "doc", "state", "highway", "bureau", "division", "office",
        "national", "attorney", "military", "commission", "board", "law",
    }
)  # fmt: skip


def state_named(name_key: str) -> str | None:
    """The state (USPS code) whose government a name is: the name begins with the
    state's name followed by a word of its government (``STATE_BODY_WORDS``). A state's
    department is in that state, wherever a row lists it: ``Georgia Department of
    Corrections`` listed in AL is Georgia's, its state mistyped. None for any other
    name (a place named after a state is in whichever state it is)."""
    tokens = tuple(name_key.split())
    for named, code in _state_names():
        after = tokens[len(named)] if len(tokens) > len(named) else None
        if tokens[: len(named)] == named and after in STATE_BODY_WORDS:
            return code
    return None


@functools.lru_cache(maxsize=1)
def _state_names() -> tuple[tuple[tuple[str, ...], str], ...]:
    """Each state's and territory's name as key words, with its code, longest first
    (``West Virginia`` before ``Virginia``)."""
    import us  # imported here: most rules never ask

    places = [*us.states.STATES_AND_TERRITORIES, us.states.DC]
    named = [(tuple(county_key(place.name).split()), place.abbr) for place in places]
    return tuple(sorted(named, key=lambda pair: -len(pair[0])))
