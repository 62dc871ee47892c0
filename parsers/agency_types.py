"""A TYPE cell's agency type: the level of government it names (County, Municipality,
State Agency, Federal, Tribal), read on its words, a level word shortened, a small typo
forgiven; and whether a cell too short to name a level shortens a known one."""

from __future__ import annotations

import difflib
import functools

from parsers.normalize import clean_text, is_null
from parsers.states import fold_punctuation

_TYPES = {
    "COUNTY": "County",
    "MUNICIPALITY": "Municipality",
    "MUNICIPAL": "Municipality",
    "MUNCIPALITY": "Municipality",
    "CITY": "Municipality",
    "STATE AGENCY": "State Agency",
    "STATE": "State Agency",
    "FEDERAL": "Federal",
    "TRIBAL": "Tribal",
}
AGENCY_TYPES = frozenset(_TYPES.values())
"""The agency types a TYPE cell is read as (:func:`agency_type`)."""
# A type cell names a level of government, as _TYPES' values do. A level word followed
# only by words naming a kind of agency is that level (``County Sheriff`` is County).
# A parish is Louisiana's county; a township, like a town, a municipal government.
_LEVELS = _TYPES | {
    "TOWN": "Municipality",
    "TOWNSHIP": "Municipality",
    "VILLAGE": "Municipality",
    "BOROUGH": "Municipality",
    "PARISH": "County",
}
_AGENCY_KINDS = frozenset(
    {
        "AGENCY", "AGENCIES", "DEPARTMENT", "OFFICE", "SHERIFF", "SHERIFFS", "POLICE", "JAIL",
        "JAILS", "CORRECTIONS", "CORRECTIONAL", "DETENTION", "GOVERNMENT", "LAW", "ENFORCEMENT",
    }
)  # fmt: skip


def agency_type(value: object) -> str | None:
    """Canonical agency type (County, Municipality, State Agency, Federal, Tribal), the
    cell's own text when it names none, or None for an empty cell.

    Read on its words (punctuation folded); a level of government followed only by words
    naming a kind of agency is that level (``County Sheriff``, ``Municipal Police``);
    a small typo is forgiven (``Muncipality``)."""
    if is_null(value):
        return None
    text = clean_text(value).upper()
    if text in _TYPES:
        return _TYPES[text]
    words = fold_punctuation(text).split()
    level = _LEVELS.get(" ".join(words)) or _level_of(words)
    if level:
        return level
    return _near(text) or clean_text(value)


@functools.lru_cache(maxsize=4096)
def _near(text: str) -> str | None:
    """The type whose name is within a small typo of ``text`` (remembered: a list's
    rows repeat their cells, and the comparison with every name is slow)."""
    close = difflib.get_close_matches(text, _TYPES.keys(), n=1, cutoff=0.8)
    return _TYPES[close[0]] if close else None


def _level_of(words: list[str]) -> str | None:
    """``COUNTY SHERIFF`` -> County: a level word, then only words of an agency's kind;
    ``CITY/TOWN`` -> Municipality: level words that all name one level; ``MUNI``: a
    level word shortened (:func:`_level_word`)."""
    levels = {_level_word(word) for word in words}
    if len(levels) == 1 and None not in levels:
        return levels.pop()
    if len(words) < 2 or not _AGENCY_KINDS.issuperset(words[1:]):
        return None
    return _level_word(words[0])


_SHORTEST_LEVEL_WORD = 3  # ``MUN``, ``FED``; ``CO`` is not read: two letters say too little


@functools.lru_cache(maxsize=256)
def _level_word(word: str) -> str | None:
    """The level a word names: a level word, or its first letters (three or more) when
    they begin the words of one level alone (``MUNI``, ``FED``, ``TRIB``)."""
    if word in _LEVELS:
        return _LEVELS[word]
    if len(word) < _SHORTEST_LEVEL_WORD:
        return None
    levels = {level for name, level in _LEVELS.items() if " " not in name and name.startswith(word)}
    return levels.pop() if len(levels) == 1 else None


def abbreviates_type(text: str, level: str) -> bool:
    """Whether a type cell too short to name a level alone (``C``, ``M.``, ``S``, ``SA``)
    is a shortening of ``level`` (a canonical type): the first letters of one of its
    words (``C``: County, or City for a municipality), or the initials of its name
    (``SA``: State Agency). ``C`` fits a county and a city both: it tells neither apart,
    but it is no other level than the one it shortens."""
    letters = "".join(fold_punctuation(clean_text(text).upper()).split())
    if not letters.isalpha():
        return False
    names = [name for name, named in _LEVELS.items() if named == level]
    initials = {"".join(word[0] for word in name.split()) for name in names if " " in name}
    return letters in initials or any(
        word.startswith(letters) for name in names for word in name.split()
    )
