"""Which rows of a sheet are hidden: its ``<row r=".." hidden="1">`` start tags.

Calamine reads values, not how a sheet shows them. A worksheet's rows are ``<row>``
elements of its cell data, each numbered by its ``r`` attribute (1-based); a hidden one
says ``hidden="1"``. Found by scanning the part for that attribute (the cell data is not
parsed again): only the start tags that carry it are read, a row's among them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_HIDDEN = re.compile(rb"""\shidden\s*=\s*["'](?:1|true)["']""")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["'](\d{1,7})["']""")
TAG_CHARS = 4096  # a row's start tag is short; a longer one is no row's


def hidden_rows(xml: bytes, height: int) -> frozenset[int]:
    """The 0-based rows within the data's ``height`` that the sheet hides (a row
    without its number is left out: which one it is, only counting the rows tells)."""
    found: set[int] = set()
    for attribute in _attributes(xml):
        start = xml.rfind(b"<", max(0, attribute.start() - TAG_CHARS), attribute.start())
        if start < 0 or _ROW_TAG.match(xml, start) is None:
            continue
        end = xml.find(b">", attribute.end(), attribute.end() + TAG_CHARS)
        number = _ROW_NUMBER.search(xml, start, end if end >= 0 else attribute.end())
        if number is not None and 1 <= int(number[1]) <= height:
            found.add(int(number[1]) - 1)
    return frozenset(found)


def _attributes(xml: bytes) -> Iterator[re.Match[bytes]]:
    """Each ``hidden="1"`` (or ``"true"``) attribute, found by its name first (a scan
    for the literal is many times faster than the pattern's over the cell data)."""
    at = xml.find(b"hidden", 1)
    while at >= 0:
        attribute = _HIDDEN.match(xml, at - 1)
        if attribute is not None:
            yield attribute
        at = xml.find(b"hidden", at + 6)
