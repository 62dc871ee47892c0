"""The marks a list puts on its rows' names, which are no part of an agency's name: the
row's number before it, a footnote's number glued to its last word or its reference in
brackets after it. Pure text in, text
out (``parsers.normalize.agency_key`` keys names without them)."""

from __future__ import annotations

import functools
import re

# A row's number set off before a name (``12. ``, ``3) ``, ``#4. ``): a list's numbering,
# not an ordinal (``1st``) nor a number the name holds (``287(g)``, ``7 Ward``).
_NUMBERED = re.compile(r"^\s*#?\d{1,4}\s*[.)]\s*(?=[^\W\d_])")
# A footnote's number glued to a name's last word (``... Sheriff's Office1``): a word
# of three letters or more ending in one or two digits, nothing after them but marks.
_FOOTNOTE = re.compile(r"([^\W\d_]{3,})(\d{1,2})(?=[^\w]*$)")
# A footnote's reference in square brackets ending a name (``... Office[1]``, ``... [a]``,
# ``[*]``): a number of one or two digits, a letter or a roman numeral, or marks; a
# name's own words in brackets (``[Cherokee County]``) are more.
_REFERENCE = re.compile(r"\s*\[(?:\d{1,2}|[a-z]|[ivx]{1,4}|[*\u2020\u2021]{1,3})\]\W*$", re.I)
# Words a number follows as part of a name (``Precinct4``: Precinct 4, another agency
# than Precinct 5), whose digits are no footnote.
NUMBERED_WORDS = frozenset(
    {"precinct", "pct", "district", "dist", "ward", "station", "unit", "region", "zone",
     "area", "division", "number", "no", "troop", "post", "company", "battalion", "court"}
)  # fmt: skip


def _numbers_it(before: str) -> bool:
    """Whether the word before a bracket numbers what it names (``Precinct [4]``,
    ``Justice Court [A]``): then the bracket is part of the name, not a note's."""
    words = before.lower().split()
    return bool(words) and words[-1].strip(".,;:") in NUMBERED_WORDS


@functools.lru_cache(maxsize=8192)
def without_marks(name: str) -> str:
    """The name without the marks a list puts on its rows: the row's number before it
    (numbered rows: ``12. Cherokee County Sheriff's Office``), a footnote's number glued
    to its last word (``Colbert County Sheriff's Office1``, a superscript flattened):
    a footnote's reference in square brackets ending it (``Ocala Police Department[1]``,
    ``... [a]``): none is part of what the agency is called."""
    name = _NUMBERED.sub("", name)
    bracket = _REFERENCE.search(name)
    if bracket is not None and not _numbers_it(name[: bracket.start()]):
        name = name[: bracket.start()]
    glued = _FOOTNOTE.search(name)
    if glued is None or glued[1].lower() in NUMBERED_WORDS:
        return name
    return name[: glued.start(2)] + name[glued.end(2) :]
