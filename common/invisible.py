"""Characters that show nothing: Unicode's default-ignorable code points (a soft hyphen,
zero-width spaces and joiners, the direction marks, embeddings, overrides and isolates,
a byte-order mark, fillers, variation selectors, tags) and its other format characters
(category Cf: the Arabic number signs, the interlinear annotation marks).

Each is invisible and says nothing of a name (``Sher\\u00adiff`` is ``Sheriff``), so the
parsers drop them from what a cell says; and each may hide or reorder what follows it (a
right-to-left override shows ``PRB60_\\u202eFDP.EXE`` as ``PRB60_EXE.PDF``), so a value
still holding one on its way out (a link's target, a file's name) shows it as its code
(``ice287g/escape.py``). The ranges are Unicode 15.1's (``DerivedCoreProperties.txt``,
``Default_Ignorable_Code_Point``, and category Cf); a test checks them against the
interpreter's own Unicode tables.
"""

from __future__ import annotations

import re

INVISIBLE_RANGES = (
    # default-ignorable code points
    ("\u00ad", "\u00ad"),
    ("\u034f", "\u034f"),
    ("\u061c", "\u061c"),
    ("\u115f", "\u1160"),
    ("\u17b4", "\u17b5"),
    ("\u180b", "\u180f"),
    ("\u200b", "\u200f"),
    ("\u202a", "\u202e"),
    ("\u2060", "\u206f"),
    ("\u3164", "\u3164"),
    ("\ufe00", "\ufe0f"),
    ("\ufeff", "\ufeff"),
    ("\uffa0", "\uffa0"),
    ("\U0001bca0", "\U0001bca3"),
    ("\U0001d173", "\U0001d17a"),
    ("\U000e0000", "\U000e0fff"),
    # the other format characters
    ("\u0600", "\u0605"),
    ("\u06dd", "\u06dd"),
    ("\u070f", "\u070f"),
    ("\u0890", "\u0891"),
    ("\u08e2", "\u08e2"),
    ("\ufff9", "\ufffb"),
    ("\U000110bd", "\U000110bd"),
    ("\U000110cd", "\U000110cd"),
    ("\U00013430", "\U0001343f"),
)

INVISIBLE = re.compile(
    "[" + "".join(low if low == high else f"{low}-{high}" for low, high in INVISIBLE_RANGES) + "]"
)
"""One character that shows nothing (see the module)."""

ZERO_WIDTH_SPACE = "\u200b"


def without_invisible(text: str) -> str:
    """``text`` without the characters that show nothing; a zero-width space is the space
    it stands for, between two words."""
    if not INVISIBLE.search(text):
        return text
    return INVISIBLE.sub(lambda m: " " if m.group() == ZERO_WIDTH_SPACE else "", text)


def code_of(char: str) -> str:
    """A character written as its code: ``\\u202e``, ``\\U000e0041``."""
    point = ord(char)
    return f"\\u{point:04x}" if point <= 0xFFFF else f"\\U{point:08x}"
