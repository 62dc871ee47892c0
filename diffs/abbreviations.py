"""Names with words written short: ``Coolspring Twp Const. Office`` is ``Coolspring
Township Constable Office``.

A word is written short when it is its word's first letter and then some of its other
letters, in order (``Twp``: Township, ``Const``: Constable, ``Pct``: Precinct, ``Ft``:
Fort), and it says it is short: a period after it (``Const.``), or no vowel after its
first letter (``Twp``, ``Pct``; ``Lake`` is a word, not ``Lakeland`` shortened), or
is one of the few short forms ending in ``y`` (``Cty``: SHORT_FORMS). Two
names are one written short when their words, in any order, pair up, each the same or
one the other's shortening. The abbreviations ICE uses most are folded in every name's
key already (``PD``, ``SO``, ``Dept``, ``Co``: :func:`parsers.normalize.agency_key`);
these are the others, compared only where a name has such a word (checked first, and
remembered: a name is compared with many)."""

from __future__ import annotations

import functools
import re
from collections import Counter

from diffs.numbers import as_digits
from parsers.normalize import agency_key

_VOWELS = frozenset("aeiouy")
_DOTTED = re.compile(r"([a-z]+)\.")
SHORTEST = 2  # letters of a word written short: one letter says too little (N: New, North)
# Short forms whose only vowel is a final ``y`` (``Cty``: County or City, as the other
# name says), which the no-vowel rule would take for words.
SHORT_FORMS = frozenset({"cty", "cnty", "hwy", "pkwy", "twnshp"})
MOST_WORDS = 20  # words of a name compared so (no agency's name has more; pairs are squared)


def written_short(first: str, second: str, state: str | None) -> bool:
    """Whether two names are one, words of one (or both) written short."""
    (mine, my_short), (theirs, their_short) = _words(first, state), _words(second, state)
    if not (my_short or their_short) or len(mine) != len(theirs) or len(mine) > MOST_WORDS:
        return False
    left = list((Counter(mine) - Counter(theirs)).elements())
    right = list((Counter(theirs) - Counter(mine)).elements())
    for word in left:
        match = next((w for w in right if _pair(word, my_short, w, their_short)), None)
        if match is None:
            return False
        right.remove(match)
    return not right


def has_short_words(name: str, state: str | None) -> bool:
    """Whether a name has a word written short (the only names this module compares)."""
    return bool(_words(name, state)[1])


@functools.lru_cache(maxsize=8192)
def _words(name: str, state: str | None) -> tuple[tuple[str, ...], frozenset[str]]:
    """A name's key words (numbers as digits: ``Pct. 4``, ``Precinct Four``), and those
    of them written short."""
    found = as_digits(agency_key(name, state).split())
    dotted = set(_DOTTED.findall(name.lower()))
    short = frozenset(
        w
        for w in found
        if len(w) >= SHORTEST
        and w.isalpha()
        and (w in dotted or w in SHORT_FORMS or not _VOWELS & set(w[1:]))
    )
    return tuple(found), short


def _pair(word: str, short: frozenset[str], other: str, other_short: frozenset[str]) -> bool:
    return (word in short and _shortens(word, other)) or (
        other in other_short and _shortens(other, word)
    )


def _shortens(short: str, word: str) -> bool:
    """Whether ``short`` is ``word``'s first letter then some of its letters, in order,
    two at least left out (``Departent.`` is ``Department`` mistyped, not written
    short), unless it is one of the SHORT_FORMS (``Cty``: City)."""
    if len(short) > len(word) - 2 and not (short in SHORT_FORMS and len(short) < len(word)):
        return False
    if short[0] != word[0]:
        return False
    letters = iter(word[1:])
    return all(char in letters for char in short[1:])
