"""Agency identity: stable ids, reviewed aliases, and relabel detection.

An agency's id is made from its state and the identity key of a name
(``tx-harris-county-sheriff-office``) and never changes. Other names reach it through
aliases: those reviewed by hand in ``aliases.toml`` beside this file, and those the
engine detects as relabels (recorded as ``agency.renamed`` or ``agreement.relabelled``).

The relabel principle: an agreement is its papers, not its label. When, in one window,
one agreement leaves a list and another arrives with the same model and the same papers
(the same signed date, or the same MOA document once links are repaired), under a close
name in the same state, or under the same name in a state ICE corrected, it is one
agreement relabelled, never a withdrawal and an addition. Without papers to compare,
only the same agency under another label (the same core name, kind of body and place)
or one word mistyped (one slip of the keyboard, in the same place) is a relabel.
"""

from __future__ import annotations

import csv
import difflib
import functools
import operator
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from common import geo
from common.hashing import bounded
from diffs.abbreviations import has_short_words, written_short
from diffs.counties import (
    county_named,
    names_a_county,
    same_county,
)
from diffs.numbers import as_digits, words
from diffs.slips import one_slip
from parsers.normalize import (
    agency_key,
    first_aside,
    last_aside,
    without_accents,
    without_state_name,
)
from parsers.records import ListingRow

ALIAS_FILE = Path(__file__).with_name("aliases.toml")
REGISTRY_FILE = Path(__file__).with_name("agency_ids.csv")


def alias_key(state: str, key: str) -> str:
    return f"{state}|{key}"


AGENCY_ID_CHARS = 200
"""The most characters of an agency id (the store's column): a name longer than any
agency's (a note pasted into its cell) gives its id a hashed tail (``hashing.bounded``)."""


def make_agency_id(state: str, key: str) -> str:
    """The readable, stable id of an agency first seen as ``key`` in ``state``."""
    made = f"{state.lower()}-{key.replace(' ', '-')}" if key else f"{state.lower()}-unnamed"
    return bounded(made, AGENCY_ID_CHARS)


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, str]:
    """The shipped, reviewed registry of agency ids (``agency_ids.csv``: every name and
    state an agency was listed under -> its id), so two installs and an archive started
    at any date give the same ids. ``alias_key(state, key)`` -> agency id."""
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {alias_key(r["state"], r["name_key"]): r["agency_id"] for r in rows}


def load_aliases(
    path: Path = ALIAS_FILE, registry: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Reviewed aliases: ``alias_key(state, key of name)`` -> agency id of ``same_as``
    (the registry's id for that name, else the id the name makes)."""
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    registry = registry or {}
    result: dict[str, str] = {}
    for item in data.get("alias", []):
        state = str(item["state"]).upper()
        target_key = agency_key(item["same_as"], state)
        target = registry.get(alias_key(state, target_key)) or make_agency_id(state, target_key)
        result[alias_key(state, agency_key(item["name"], state))] = target
    return result


def initial_aliases(archive_ids: Mapping[str, str]) -> dict[str, str]:
    """What the engine starts from: the shipped registry, then the ids this archive
    minted, then the reviewed aliases (a reviewed alias overrides)."""
    registry = load_registry()
    known = {**registry, **archive_ids}
    return {**_state_dropped(known), **known, **load_aliases(registry=registry)}


def _state_dropped(ids: Mapping[str, str]) -> dict[str, str]:
    """Each id also under its key with the agency's state dropped from the end (the
    key a name ending with its own state has now), so an id minted before keeps its
    agency."""
    result = {}
    for alias, agency_id in ids.items():
        state, _, key = alias.partition("|")
        result[alias_key(state, agency_key(key, state))] = agency_id
    return result


def resolve(row: ListingRow, aliases: Mapping[str, str]) -> str:
    """The agency id a row belongs to (without rename detection)."""
    return aliases.get(alias_key(row.state, row.agency_key)) or make_agency_id(
        row.state, row.agency_key
    )


class Known(Protocol):
    """What ``by_words`` reads of a known agency."""

    @property
    def state(self) -> str: ...

    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...


def same_words(first: str, second: str, state: str | None) -> bool:
    """Whether two writings of an agency's name have the same key words, in any order:
    with the state they are keyed in, or as written (a name ending with its state when
    inverted, ``Police Department, University of Florida``, keeps the state's words);
    an apostrophe is punctuation (``Constables Office``, ``Constable's Office``); the
    state's name may come first (``Alaska Department of Corrections`` is AK's
    ``Department of Corrections``: an agency is known by its state and its name, so its
    state said adds nothing); a word may be written short (``Twp``, ``Const.``:
    :mod:`diffs.abbreviations`)."""
    pairs = map(operator.eq, word_forms(first, state), word_forms(second, state))
    return any(pairs) or written_short(first, second, state)


def same_name_in_place(
    first: str, second: str, state: str | None, counties: Iterable[str | None]
) -> bool:
    """Whether two writings of an agency's name are one name (:func:`same_words`), also
    when one sets off after or before it, or writes after it, the agency's own county
    (one of ``counties``, its county cells: ``Ocala Police Department (Marion County)``,
    ``Ocala Police Department Marion County``): where an agency is adds nothing
    to what it is called, as its state set off after its name adds nothing. Not part of
    its key: the county set off may tell two agencies of one name apart
    (``Washington Township Police Department (Warren County)``, ``(Morris County)``)."""
    if same_words(first, second, state):
        return True
    for county in {c for c in counties if c}:
        mine, theirs = _without_county(first, county, state), _without_county(second, county, state)
        # either without it, or both (a name may end with its county's words already:
        # ``Metro Police Authority of Genesee County``, and then its county after it)
        pairs = {(mine, second), (first, theirs), (mine, theirs)} - {(first, second)}
        if any(same_words(one, other, state) for one, other in pairs):
            return True
    return False


_SET_OFF = re.compile(r"[(\[:,]|\s[-\u2013\u2014|]\s")


@functools.lru_cache(maxsize=8192)
def sets_off(name: str) -> bool:
    """Whether a name may set something off after or before it (a parenthesis, a dash
    between spaces, a colon, a comma): the names :func:`same_name_in_place` may read
    otherwise than :func:`same_words` (most names set nothing off)."""
    return _SET_OFF.search(name) is not None


def _without_county(name: str, county: str, state: str | None) -> str:
    """The name without the county set off after or before it, or written after it
    (its last words: a line break in a cell reads as a space, ``Ocala Police
    Department⏎Marion County``), when that is ``county``."""
    for aside in (last_aside(name), first_aside(name)):
        if aside is not None and same_county(aside[1], county, state):
            return aside[0]
    words, written = name.split(), len(county.split())
    for size in (written, written + 1):
        if len(words) > size and same_county(" ".join(words[-size:]), county, state):
            return " ".join(words[:-size])
    return name


@functools.lru_cache(maxsize=8192)
def word_forms(name: str, state: str | None) -> tuple[tuple[str, ...], ...]:
    """A name's key words keyed with its state and as written, then the same without its
    apostrophes, then both keyed without its state's name before it, then its letters
    (:func:`letters`: its spaces and accents aside; remembered: a new application is
    compared with the agreements in force of its state and model)."""
    bare = _without_apostrophes(name)
    forms = [words(agency_key(text, at)) for text in (name, bare) for at in (state, None)]
    return (
        *forms,
        *(words(without_state_name(agency_key(t, state), state)) for t in (name, bare)),
        (letters(name, state),),
    )


@functools.lru_cache(maxsize=8192)
def letters(name: str, state: str | None) -> str:
    """A name's letters and digits in order, as its key reads them (numbers as digits),
    without the spaces between them, the accents on them or its apostrophes:
    ``DeSoto County Sheriff's Office`` and ``De Soto County Sheriff's Office``, ``Doña
    Ana`` and ``Dona Ana``, ``Constable's Office`` and ``Constables Office`` are one
    name written otherwise (where a word breaks is the writing's, not the name's)."""
    bare = _without_apostrophes(without_accents(name))
    return "".join(as_digits(agency_key(bare, state).split()))


def _without_apostrophes(name: str) -> str:
    """A name without its apostrophes: an apostrophe is punctuation (``Constables
    Office``, ``Constable's Office``), though a key reads ``'s`` as a possessive."""
    return name.replace("'", "").replace("\u2019", "")


# Words that say what kind of municipality a place is: ``City of X Police Department``
# is X's police department (not ``county``: a county's agency is another agency).
# The kinds of municipality a name may say, by the words that say them: a borough and a
# township of one name are two places (Pennsylvania's Manheim Borough and Manheim
# Township, in one county), as are a town and a city (Wisconsin's Brookfield).
MUNICIPALITY_KINDS = {
    "city": "city",
    "town": "town",
    "village": "village",
    "borough": "borough",
    "boro": "borough",
    "township": "township",
    "twp": "township",
}
MUNICIPALITY_WORDS = frozenset(MUNICIPALITY_KINDS)


def municipal_variant(first: str, second: str) -> bool:
    """Whether two name keys are one agency's by ``by_words``'s second rule: the same
    words, but the kind of municipality one says and the other does not (``city
    dunnellon police department``, ``dunnellon police department``)."""
    (place, kinds), (other, their_kinds) = municipal_place(first), municipal_place(second)
    return place == other and not (kinds and their_kinds) and first != second


def municipal_place(key: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """A name key's words but its municipality's kind, in order, and that kind."""
    split = key.split()
    kinds = frozenset(MUNICIPALITY_KINDS[w] for w in split if w in MUNICIPALITY_KINDS)
    return tuple(sorted(w for w in split if w not in MUNICIPALITY_KINDS)), kinds


def other_places(a: str, b: str) -> bool:
    """Whether two name keys are of two governments: two kinds of municipality (a
    borough and a township of one name), or a county's body (its sheriff, its board of
    commissioners) and a municipality's (``Lake County Sheriff's Office``, ``Lake City
    Police Department``: their cores are one, ``Lake``). Two agencies, whatever papers
    they share (ICE signs many agreements on one day); a county's sheriff and its board
    are one county's (ICE has moved an agreement from one to the other)."""
    kinds = municipal_place(a)[1], municipal_place(b)[1]
    if all(kinds):
        return kinds[0] != kinds[1]
    if any(kinds):
        county = bodies(b if kinds[0] else a) & COUNTY_BODIES
        return bool(county)
    return False


@dataclass(frozen=True, slots=True)
class Label:
    """One agreement as a list shows it: who, where, which model, which papers."""

    key: str
    agency_id: str
    state: str
    name_key: str
    model: str
    signed: str | None = None
    document: str | None = None
    county: str | None = None
    agency_type: str | None = None


# Words that say what kind of body an agency is, not which one. Names are compared on
# what is left (their core): "Arkansas State Police" and "Arkansas State Police
# Department", "City of Melbourne Police Department" and "Melbourne Police Department"
# share the core, while "Newcomer Police Department" and "Delta Police Department" do not.
# A parish (Louisiana's county) and a borough (Alaska's) are as generic as a county.
GENERIC_WORDS = frozenset(
    {
        "city", "town", "township", "village", "borough", "county", "state", "of", "the",
        "and", "police", "department", "dept", "sheriff", "sheriffs", "office", "agency",
        "board", "commissioners", "bocc", "parish",
    }
)  # fmt: skip
CLOSE_CORE = 0.65  # with the same papers, cores this similar (or nested) are one agency
NESTED_ONLY = 2.0  # a core threshold no similarity reaches: only nested cores match


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def same_papers(a: Label, b: Label) -> bool:
    """The same MOA document (links compared repaired), or the same signed date where
    not both link one: two documents are two agreements, signed on one day or not (ICE
    signs many on one day)."""
    if a.document and b.document:
        return a.document == b.document
    return bool(a.signed and a.signed == b.signed)


def close_names(a: str, b: str, core_threshold: float = CLOSE_CORE) -> bool:
    """Names close enough to be one agency: one core inside the other (a name of generic
    words only, such as "Department of State Police", inside the other name), or cores
    at least ``core_threshold`` similar."""
    core_a, core_b = _core(a), _core(b)
    if not core_a or not core_b:
        return bool(a and b) and (a in b or b in a)
    if set(core_a) <= set(core_b) or set(core_b) <= set(core_a):
        return True
    return similarity(" ".join(core_a), " ".join(core_b)) >= core_threshold


def _core(name: str) -> list[str]:
    """A name key's words but the generic ones, each number as its digits (``Sixth
    Ward``, ``6th Ward``: :func:`diffs.numbers.as_digits`)."""
    return [w for w in as_digits(name.split()) if w not in GENERIC_WORDS]


def _core_in_place(label: Label) -> tuple[str, ...]:
    """The core of a label's name without the words of its own county, unless they are
    all it has: within one county, the county's name tells no agency apart
    (``Dunnellon Police Department (Marion County)``, ``Dunnellon Police Department``)."""
    return core_in_county(label.name_key, label.county)


@functools.lru_cache(maxsize=8192)
def core_in_county(name_key: str, county: str | None) -> tuple[str, ...]:
    """Remembered: a new application is compared with every agreement of its place.
    Its own county written after the name first taken off (``Marshall County Sheriff's
    Office - Marshall County``: its core is Marshall, once)."""
    if not county:
        return tuple(_core(name_key))
    core = tuple(_core(_without_county(name_key, county, None)))
    words = set(agency_key(county).split())
    return tuple(word for word in core if word not in words) or core


def same_core(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """Two cores of names (:func:`core_in_county`) that are one: the same words, or the
    same letters with a space more or less (``Mc Cormick``, ``McCormick``: where a word
    breaks is the writing's), or one's words the other's written short (``Constable Pct
    4``, ``Constable Precinct 4``: :func:`diffs.abbreviations.written_short`)."""
    if first == second or "".join(first) == "".join(second):
        return True
    if len(first) != len(second) or not (short_core(first) or short_core(second)):
        return False  # the usual pair: no word of either written short
    return written_short(" ".join(first), " ".join(second), None)


@functools.lru_cache(maxsize=8192)
def short_core(core: tuple[str, ...]) -> bool:
    """Whether a core has a word written short (:func:`same_core` then asks more)."""
    return has_short_words(" ".join(core), None)


def core_words(label: Label) -> frozenset[str]:
    """The words of a label's core in its place: a name key that does not hold them all
    is no name of the label's agency by :func:`same_agency`."""
    return frozenset(_core_in_place(label))


def home_states(row: ListingRow, others: Mapping[str, Known]) -> list[str]:
    """The agencies of ``others`` (known agencies of the row's name in other states, by
    id) whose state has the county the row names (its county cell, else its name) when
    the row's own state lacks it: where a row listed in the wrong state may belong
    (``Anderson County Sheriff's Office`` listed in OK, which has no Anderson County:
    TX's or SC's). None for a row whose state has its county, names none, or is
    unknown."""
    county = row.county or geo.county_in_name(row.agency)
    if not county or geo.state_fips(row.state) is None:
        return []
    if geo.county_fips(row.state, county, None) is not None:
        return []
    return [
        agency_id
        for agency_id, agency in others.items()
        if agency.state != row.state and geo.county_fips(agency.state, county, None) is not None
    ]


def same_agency(a: Label, b: Label) -> bool:
    """Without papers, one agency under two names: the same state, the same core name
    (its own county's words aside; a word of it perhaps written short: :func:`same_core`),
    the same kind of body (a county's sheriff is not its
    board of commissioners: ``Gulf County Sheriff's Office``, ``Gulf County Board of
    County Commissioners``) and the same place (:func:`same_place`)."""
    core = _core_in_place(a)
    return (
        a.state == b.state
        and bool(core)
        and same_core(core, _core_in_place(b))
        and bodies(a.name_key) == bodies(b.name_key)
        and same_place(a, b)
    )


def same_agency_or_slip(a: Label, b: Label) -> bool:
    """Without papers, one agency under two names: :func:`same_agency`, or, in the same
    place, its name with one word mistyped (:func:`one_slip`: ``Pinellas County
    Sherif's Office``)."""
    return same_agency(a, b) or (one_slip(a.name_key, b.name_key) and same_place(a, b))


# The generic words of a name's key that say which kind of body an agency is (each by
# one name; a key already reads ``Sheriffs`` as sheriff and ``BOCC`` as board county
# commissioners).
_BODY_WORDS = {"sheriff": "sheriff", "police": "police", "board": "board", "commissioners": "board"}
COUNTY_BODIES = frozenset({"sheriff", "board"})  # a county's (a city's sheriff says its city)


def bodies(name: str) -> set[str]:
    return {_BODY_WORDS[word] for word in name.split() if word in _BODY_WORDS}


def same_place(a: Label, b: Label) -> bool:
    """The same type of agency, stated by one at least (a cell left blank says nothing
    of it: the other's), and the same county where both say one (a county cell blank is
    the county the name begins with, if any; a blank or ``#N/A`` beside a stated one
    says nothing of it): without papers (a pending application has none), with the same
    core name, one agency relabelled (``Marion County Sheriff's Office``, ``Marion
    County Sheriff's Department``; ``Fordyce Police Department``, ``Fordyce Police``;
    ``Dunnellon Police Department`` in Marion County, ``Dunnellon Police``, its county
    cell ``#N/A``)."""
    types = a.agency_type, b.agency_type
    if not any(types) or (all(types) and types[0] != types[1]):
        return False
    if not county_alike(a, b):
        return False
    kinds = municipal_place(a.name_key)[1], municipal_place(b.name_key)[1]
    return not (all(kinds) and kinds[0] != kinds[1])  # a town's and a city's: two


def county_alike(a: Label, b: Label) -> bool:
    """The same county where both labels say one (:func:`county_of`); one saying none
    says nothing against the other's."""
    county, theirs = county_of(a), county_of(b)
    return county is None or theirs is None or same_county(county, theirs, a.state)


def county_of(label: Label) -> str | None:
    """A label's county: its county cell, else the county its name begins with (``Walker
    County Sheriff's Department``, its cell blank, is Walker County's). A cell naming no
    county of the label's state (mistyped: ``Lafaytte County``) beside a name beginning
    with one says nothing against it: the name states the place again (``Lafayette
    County Sheriff's Dept.``); a cell naming another county stands (``Pasco County``)."""
    named = county_named(label.name_key)
    if label.county and (named is None or names_a_county(label.state, label.county)):
        return label.county
    return named
