"""Which agreements an application may be, by :func:`relabel.counterpart`'s rules, read
from marks of each name alone: an application newly listed meets every agreement of its
state and model (about fifty), and most differ from it at a glance.

Two names are one agency by those rules only when they share a mark: a form of their
words in the same place (:func:`identity.word_forms`: the same words in another order,
the state set off, the same letters), their cores' letters (:func:`identity.core_in_county`:
the same agency relabelled), or a word one slip from a word of the other
(:func:`slips.variants`: a name mistyped, or mended to the other's word). A name with a
word written short, something set off (its county), a short word in its core, or two of
its own words one slip apart is read by rules no mark says (``Twp``, ``(Marion County)``):
it may be any other's, and the full rules read it. Pure, and remembered by name: the
agreements of a state are met by every application of it.

The marks are the rules' own conditions: a rule added to ``relabel._Probe.one_agency``
that finds two names one agency without a mark in common needs its mark here
(``tests/test_shortlist.py`` tries the rules with and without the shortlist)."""

from __future__ import annotations

import functools
from typing import NamedTuple

from diffs import identity, slips
from diffs.abbreviations import has_short_words


class Marks(NamedTuple):
    forms: frozenset[object]  # (place, form) of each word form; ("core", its letters)
    words: frozenset[str]  # the key's words of SLIP_LETTERS letters or more
    variants: frozenset[str]  # theirs (:func:`slips.variants`)


@functools.lru_cache(maxsize=1 << 12)
def marks(name: str, key: str, county: str | None, state: str | None) -> Marks | None:
    """The marks of an agency's name as written (``name``), its key, its county cell and
    state; None when the name is one the marks cannot tell apart (see the module)."""
    core = identity.core_in_county(key, county)
    if has_short_words(name, state) or identity.sets_off(name) or identity.short_core(core):
        return None
    long = frozenset(word for word in key.split() if len(word) >= slips.SLIP_LETTERS)
    variants = [slips.variants(word) for word in long]
    if len(variants) > 1 and sum(map(len, variants)) != len(frozenset().union(*variants)):
        return None  # two of its own words may be one slip apart
    forms: set[object] = set(enumerate(identity.word_forms(name, state)))
    forms.add(("core", "".join(core)))
    return Marks(frozenset(forms), long, frozenset().union(*variants))


def may_be(mine: Marks | None, theirs: Marks | None) -> bool:
    """Whether two names' marks leave them possibly one agency's (either name unmarked:
    the full rules decide)."""
    if mine is None or theirs is None or not mine.forms.isdisjoint(theirs.forms):
        return True
    return any(not mine.variants.isdisjoint(slips.variants(w)) for w in theirs.words - mine.words)
