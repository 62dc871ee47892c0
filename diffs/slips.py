"""Slips of the keyboard in a name: one word mistyped by one letter added, dropped,
changed, two neighbours swapped, or a letter doubled in the wrong place (``polce``,
``constbales``, ``judical``, ``sherrif``). Pure functions of name keys, for the
identity rules (``diffs/identity.py``) and the approvals across the two lists
(``diffs/relabel.py``): whether two names are one with one word mistyped
(:func:`one_slip`), and a name's slip mended to the other name's word
(:func:`slip_mended`)."""

from __future__ import annotations

import functools
import re

SLIP_LETTERS = 5  # a word this long at least, in both writings, can be mistyped
_DOUBLED = re.compile(r"(.)\1+")  # a letter written twice or more in a row


def one_slip(a: str, b: str) -> bool:
    """Whether two name keys are one name with one word mistyped: the same words in
    order but one, which differs by one slip of the keyboard (a letter added, dropped
    or changed, two neighbours swapped, or a letter doubled in the wrong place:
    ``polce``, ``constbales``, ``judical``, ``sherrif``) and has at least SLIP_LETTERS
    letters in both writings. A word added or dropped is no slip (``University of North
    Florida``), nor two letters changed (``Lakeland``, ``Oakland``)."""
    first, second = a.split(), b.split()
    if len(first) != len(second):
        return False
    differ = [(x, y) for x, y in zip(first, second, strict=True) if x != y]
    if len(differ) != 1:
        return False
    x, y = differ[0]
    return min(len(x), len(y)) >= SLIP_LETTERS and _slipped(x, y)


def slip_mended(name: str, other: str) -> str | None:
    """``name`` (a key) with its one word that is one slip from a word of ``other`` (at
    least SLIP_LETTERS letters in both) written as ``other`` writes it: an application
    mistyped (``christian county sherrif office``) beside its agreement written
    otherwise too (``christian county sheriff department``) reads ``christian county
    sheriff office``, for the rules to compare as two writings. None when no word is,
    or more than one (or the names differ in many words: no slip makes them one)."""
    mine = name.split()
    theirs = set(other.split())
    extra = [word for word in mine if word not in theirs]
    if not extra or len(extra) > MENDED_WORDS:
        return None
    missing = theirs.difference(mine)
    pairs = [
        (x, y)
        for x in extra
        for y in missing
        if min(len(x), len(y)) >= SLIP_LETTERS and _may_slip(x, y) and _slipped(x, y)
    ]
    if len(pairs) != 1:
        return None
    slipped, meant = pairs[0]
    return " ".join(meant if word == slipped else word for word in mine)


@functools.lru_cache(maxsize=1 << 12)
def variants(word: str) -> frozenset[str]:
    """The word, it with its doubled letters written once, and it without each of its
    letters in turn: two words one slip apart (:func:`_slipped`) share one of these at
    least (a letter changed: both without it; added or dropped: the shorter is the
    longer without it; two neighbours swapped: both without one of them; a doubling
    misplaced: both written once), so two words sharing none are no slip apart."""
    found = {word, _DOUBLED.sub(r"\1", word)}
    found.update(word[:at] + word[at + 1 :] for at in range(len(word)))
    return frozenset(found)


MENDED_WORDS = 3  # the most words of a name not in the other that a slip is looked for in


def _may_slip(x: str, y: str) -> bool:
    """Asked cheaply before :func:`_slipped` (most pairs of words differ more): a slip
    a mend looks for adds or drops two letters at most (a doubling; a letter written
    more times still is none), and changes at most two of the letters used."""
    return abs(len(x) - len(y)) <= 2 and len(set(x).symmetric_difference(y)) <= 2


def _slipped(x: str, y: str) -> bool:
    """Whether two different words are one slip apart: optimal string alignment
    distance 1, or the same letters once each doubled letter is written once (the
    doubling misplaced: ``sherrif`` for ``sheriff``)."""
    if _DOUBLED.sub(r"\1", x) == _DOUBLED.sub(r"\1", y):
        return True
    if len(x) == len(y):
        at = [i for i in range(len(x)) if x[i] != y[i]]
        if len(at) == 1:
            return True
        return len(at) == 2 and at[1] == at[0] + 1 and x[at[0]] + x[at[1]] == y[at[1]] + y[at[0]]
    short, long = sorted((x, y), key=len)
    if len(long) - len(short) != 1:
        return False
    first = next((i for i in range(len(short)) if short[i] != long[i]), len(short))
    return short[first:] == long[first + 1 :]
