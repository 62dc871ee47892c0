"""Text mis-encoded on its way to ICE's sheet, read as the text it encodes.

Two slips that change how a cell's text looks, not what it says:

- UTF-8 read as Windows-1252 (``Sheriffâ€™s Office`` for ``Sheriff’s Office``,
  ``DoÃ±a Ana`` for ``Doña Ana``): a list passed through a tool that guessed the
  encoding wrong. Mended by ftfy (a well-kept library that tells mojibake from
  text that merely has accents), and only where its sign is: a UTF-8 lead byte read as
  a Latin letter followed by a continuation byte read as Windows-1252 (ftfy is imported
  then, not before: its import takes a tenth of a second);
- an HTML character reference written out (``Sheriff&#39;s``, ``AT&amp;T``): a list
  exported from a web page. Read by the standard library's ``html.unescape``.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

# A UTF-8 lead byte (C2-F4) read as Latin-1, then a continuation byte (80-BF) read as
# Windows-1252 (which maps 80-9F to these letters and signs) or as Latin-1.
_MOJIBAKE_SIGN = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
    "\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
_CHARACTER_REFERENCE = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
)


MENDED_LENGTH = 1000  # characters: far more than any name, date or label ICE writes


def mended(text: str) -> str:
    """``text`` with its HTML character references decoded and its mojibake mended; the
    text itself when it shows neither (the usual case, checked first), or when it is
    longer than MENDED_LENGTH (no cell of a list says so much: a hostile file's cells
    cost no more than a list's)."""
    if len(text) > MENDED_LENGTH:
        return text
    if "&" in text and _CHARACTER_REFERENCE.search(text):
        text = html.unescape(text)
    if not text.isascii() and _MOJIBAKE_SIGN.search(text):
        text = _fixed(text)
    return text


@lru_cache(maxsize=1024)
def _fixed(text: str) -> str:
    import ftfy  # here: only a cell showing mojibake needs it

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )
    return ftfy.fix_text(text, config)
