"""Numbers written in words or in digits: one number however it is written.

``Sixth Judicial Circuit`` and ``6th Judicial Circuit``, ``Precinct Four``, ``Precinct
4`` and ``Precinct No. 04``, ``Twenty-First Ward`` and ``21st Ward`` name one body: a
number is the same number as a word, an ordinal or digits, with a number sign before
it or not (``#`` is punctuation to a name's key already; ``No.`` is a word). Pure: a
name key's words with each number as its digits, for the identity rules that compare
writings of a name (:func:`words`, :mod:`diffs.identity`, :mod:`diffs.abbreviations`). Names
keep their keys (and agencies their ids); only the comparison reads numbers so.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

# fmt: off
_UNITS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)
_ORDINAL_UNITS = (
    "zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
    "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
    "sixteenth", "seventeenth", "eighteenth", "nineteenth",
)
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ORDINAL_TENS = (
    "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth",
    "ninetieth",
)
# fmt: on

WORDS: dict[str, int] = {
    **{word: n for n, word in enumerate(_UNITS)},
    **{word: n for n, word in enumerate(_ORDINAL_UNITS)},
    **{word: 20 + 10 * n for n, word in enumerate(_TENS)},
    **{word: 20 + 10 * n for n, word in enumerate(_ORDINAL_TENS)},
}
"""Numbers as words, cardinal and ordinal, to ninety-nine (``twenty``, ``twentieth``)."""

NUMBER_SIGNS = frozenset({"no", "nbr", "num", "number"})
"""Words that only say a number follows (``Precinct No. 4``)."""

_DIGITS = re.compile(r"(\d{1,9})(?:st|nd|rd|th)?")  # ``4``, ``04``, ``4th``, ``21st``


def as_digits(words: Sequence[str]) -> tuple[str, ...]:
    """``words`` (a name key's, in order) with each number as its digits: a word or an
    ordinal (``sixth``, ``6th``: ``6``), a ten and a unit written apart (``twenty first``:
    ``21``), digits without their leading zeros (``04``: ``4``); a number sign before a
    number is left out (``no 4``: ``4``). Other words as they are."""
    found: list[str] = []
    at = 0
    while at < len(words):
        text, used = _read(words, at)
        if text is not None:
            found.append(text)
        at += used
    return tuple(found)


def _read(words: Sequence[str], at: int) -> tuple[str | None, int]:
    """The word at ``at`` as read (None: left out, a number sign) and how many words
    that took (two for a ten and a unit written apart: ``twenty first``, not ``twenty
    1``)."""
    word, after = words[at], words[at + 1] if at + 1 < len(words) else ""
    if word in NUMBER_SIGNS and number(after) is not None:
        return None, 1  # the sign says a number follows; the number says it
    unit = WORDS.get(after)
    if word in _TENS and unit is not None and 1 <= unit <= 9:
        return str(WORDS[word] + unit), 2
    value = number(word)
    return (word if value is None else str(value)), 1


@functools.lru_cache(maxsize=4096)
def number(word: str) -> int | None:
    """The number a word writes (``six``, ``sixth``, ``6``, ``06``, ``6th``), or None."""
    if word in WORDS:
        return WORDS[word]
    match = _DIGITS.fullmatch(word)
    return int(match[1]) if match else None


@functools.lru_cache(maxsize=8192)
def words(key: str) -> tuple[str, ...]:
    """A name key's words in order of the alphabet: two names with the same words in
    another order (``Police Department, Kodiak``) have the same words; so have two
    writing a number otherwise (``Sixth``, ``6th``: :func:`as_digits`)."""
    return tuple(sorted(as_digits(key.split())))
