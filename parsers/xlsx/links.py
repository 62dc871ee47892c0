"""Cell hyperlinks: a sheet's ``<hyperlinks>`` element and its relationships.

Calamine reads no hyperlinks. A worksheet's links are one ``<hyperlinks>`` element, a
child of the root after the cell data; in well-formed XML a ``<`` can only start markup,
so the element is found by its tag and parsed on its own (wrapped in a copy of the
root's start tag, which carries the namespace declarations) by the same safe parser as
every part (:func:`element_document`, also used for the columns' ``<cols>``). This reads
the links without parsing the cell data a second time.
"""

from __future__ import annotations

import functools
import re

from parsers.xlsx.container import Package
from parsers.xlsx.parts import SheetEntry, parse_xml, read_rels, rel_id
from parsers.xlsx.values import MAX_COLUMNS, MAX_ROWS, Coordinate

_NAME = rb"[A-Za-z_][\w.\-]*"
_TAG_OPENING = re.compile(rb"<(/?)(?:" + _NAME + rb":)?\Z")
_TAG_NAME_END = b" \t\r\n/>"
_ROOT_START = re.compile(
    rb"<(" + _NAME + rb"(?::" + _NAME + rb")?)"
    rb"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*>"""
)
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


def sheet_links(
    package: Package, entry: SheetEntry, xml: bytes, height: int, width: int
) -> dict[Coordinate, str]:
    """The sheet's links by 0-based cell: the target as stored, with ``#location``
    appended (or alone); a range covers its cells within ``height`` x ``width`` (the
    data), a later link on the same cell wins, and links to no cell or no target are
    left out. Links covering more cells in all than the cell budget are refused (a
    ParseError): each range is clipped to the data, but a sheet could repeat one
    range without end."""
    region = element_document(package, entry.path, xml, b"hyperlinks")
    if region is None:
        return {}
    _root, *elements = parse_xml(package, region, entry.path, {"hyperlink"})
    raw = [
        (element.attributes.get("ref", ""), rel_id(element), element.attributes.get("location"))
        for element in elements
    ]
    rels = read_rels(package, entry.path) if any(rid for _, rid, _ in raw) else {}
    links: dict[Coordinate, str] = {}
    covered, limit = 0, package.limits.max_cells
    for ref, rid, location in raw:
        rel = rels.get(rid) if rid else None
        target = rel.target if rel is not None else ""
        url = f"{target}#{location}" if location else target
        if url:
            cells = _cells(ref, height, width)
            covered += len(cells)
            if covered > limit:
                raise package.fail(f"{entry.path}: links cover more than {limit} cells: refusing")
            links.update(dict.fromkeys(cells, url))
    return links


def element_document(
    package: Package, path: str, xml: bytes, name: bytes, many: bool = False
) -> bytes | None:
    """The root's start tag, the ``name`` child element (``hyperlinks``) and the root's
    end tag, as one document; None when the sheet has no such element. With ``many``,
    the element may be repeated (``cols``: the schema allows a run of them), and the
    document holds the run, from the first start tag to the last end tag."""
    tags = _element_tags(xml, name)
    if not tags:
        return None
    starts = [tag for tag in tags if not tag[0]]
    ends = [tag for tag in tags if tag[0]]
    if not starts or (not many and (len(starts) > 1 or len(ends) > 1)):
        raise package.fail(f"{path}: more than one <{name.decode()}> element")
    close = xml.find(b">", (ends[-1] if ends else starts[-1])[2])
    body = xml[starts[0][1] : close + 1 if close >= 0 else len(xml)]
    document = in_root(xml, body, starts[0][1])
    if document is None:
        raise package.fail(f"malformed XML in {path} (no root element before <{name.decode()}>)")
    return document


def in_root(xml: bytes, body: bytes, before: int) -> bytes | None:
    """``body`` (markup cut from ``xml``) as one document: ``xml``'s declaration, its
    root's start tag (which carries the namespace declarations), ``body`` and the root's
    end tag; None when no root start tag comes before offset ``before``."""
    root = _ROOT_START.search(xml, 0, before)
    if root is None:
        return None
    declaration = xml[: xml.find(b"?>") + 2] if xml.startswith(b"<?xml") else b""
    return declaration + root[0] + body + b"</" + root[1] + b">"


def _element_tags(xml: bytes, name: bytes) -> list[tuple[bool, int, int]]:
    """(is an end tag, start offset, offset after the name) of every ``name`` tag,
    prefixed or not (found by the name, then the ``<`` or ``</`` before it)."""
    tags = []
    at = xml.find(name)
    while at >= 0:
        after = at + len(name)
        opening = _TAG_OPENING.search(xml, max(0, at - 64), at)
        if opening is not None and xml[after : after + 1] in _TAG_NAME_END:
            tags.append((bool(opening[1]), opening.start(), after))
        at = xml.find(name, after)
    return tags


def _cells(ref: str, height: int, width: int) -> list[Coordinate]:
    """Cells of a hyperlink ref: one cell, or a range clipped to the sheet's data."""
    first_text, _, last_text = ref.partition(":")
    first = cell_coordinate(first_text)
    last = cell_coordinate(last_text) if last_text else first
    if first is None or last is None:
        return []
    if first == last:
        return [first]
    top, bottom = min(first[0], last[0]), min(max(first[0], last[0]), height - 1)
    left, right = min(first[1], last[1]), min(max(first[1], last[1]), width - 1)
    return [(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)]


@functools.lru_cache(maxsize=1 << 12)
def cell_coordinate(ref: str) -> Coordinate | None:
    """0-based (row, column) of ``A1``-style text (``$`` anchors and spaces allowed),
    None when it is no cell reference within the sheet's limits (memoised: the same
    cells are linked in every version of a list)."""
    match = _CELL_REF.fullmatch(ref.strip())
    if match is None:
        return None
    column = 0
    for char in match[1].upper():
        column = column * 26 + ord(char) - 64
    row = int(match[2])
    if not (1 <= column <= MAX_COLUMNS and 1 <= row <= MAX_ROWS):
        return None
    return (row - 1, column - 1)
