"""Cell links written as formulas: ``HYPERLINK("https://…","link")``.

A spreadsheet can make a cell a link with a formula instead of a relationship. A link is
a link either way, so a cell whose formula is a HYPERLINK call whose first argument is a
string literal links to that literal, exactly as it is written (Excel's doubled ``""``
read as one quote; nothing evaluated). A first argument that is anything else (a cell
reference, a concatenation, another function) is reported as a link not read.

Most sheets hold no such formula, and cost one byte search: a call needs a ``(``, and
the sheet XML of a list usually has none. Otherwise each ``hyperlink(`` (any case) is
traced back to the ``<f>`` element around it and the ``<c>`` that opens it; those cells
alone are cut out and parsed by the same safe parser as every part, wrapped in the
root's start tag (a cell that does not parse on its own is left out, never an error).
Everything is linear in the sheet's size.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from parsers.errors import ParseError
from parsers.xlsx.container import Package
from parsers.xlsx.links import cell_coordinate, in_root
from parsers.xlsx.parts import Element, local_name, parse_xml_texts
from parsers.xlsx.values import Coordinate

MAX_FORMULA_CHARS = 8192
"""Excel's own limit on a formula's length: a longer one is read as no link."""

_CALL = re.compile(rb"hyperlink\s*\(")  # searched in the lower-cased sheet
_NAME = rb"[A-Za-z_][\w.\-]*"
_ATTRIBUTES = rb"""(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*"""
_F_START = re.compile(rb"<((?:" + _NAME + rb":)?f)" + _ATTRIBUTES + rb">")
_C_START = re.compile(rb"<((?:" + _NAME + rb":)?c)" + _ATTRIBUTES + rb">\s*")
_END_TAG = re.compile(rb"</((?:" + _NAME + rb":)?f)\s*>")

_HEAD = re.compile(r"[\s=]*(?:_xlfn\.)?hyperlink\s*\(\s*", re.IGNORECASE)
_STRING = re.compile(r'"([^"]*(?:""[^"]*)*)"')
_AFTER_FIRST = re.compile(r"\s*([,)])")
_TOKEN = re.compile(r"""[^"'()]+|"[^"]*(?:""[^"]*)*"|'[^']*(?:''[^']*)*'|[()]""")


class FormulaLinks(NamedTuple):
    """Links read from HYPERLINK formulas, and the cells whose link could not be read."""

    links: dict[Coordinate, str]
    unread: frozenset[Coordinate]


def formula_links(package: Package, path: str, xml: bytes) -> FormulaLinks:
    """The links of the sheet ``xml`` (part ``path``) written as HYPERLINK formulas, by
    0-based cell (a later formula on the same cell wins); cells without an ``r``
    reference are left out."""
    pieces = _formula_cells(xml) if b"(" in xml else []
    if not pieces:
        return FormulaLinks({}, frozenset())
    links: dict[Coordinate, str] = {}
    unread: set[Coordinate] = set()
    for ref, formula in _parse_cells(package, path, xml, pieces):
        cell = cell_coordinate(ref)
        if cell is None:
            continue
        target = hyperlink_target(formula)
        if target is None:
            links.pop(cell, None)
            unread.add(cell)
        else:
            links[cell] = target
            unread.discard(cell)
    return FormulaLinks(links, frozenset(unread))


def hyperlink_target(formula: str) -> str | None:
    """The first argument of ``formula`` when the whole formula is one HYPERLINK call
    (``=``, spaces and an ``_xlfn.`` prefix allowed before it) and that argument is a
    string literal; None otherwise. Total: never raises, linear in the formula."""
    if len(formula) > MAX_FORMULA_CHARS:
        return None
    head = _HEAD.match(formula)
    literal = _STRING.match(formula, head.end()) if head else None
    after = _AFTER_FIRST.match(formula, literal.end()) if literal else None
    if literal is None or after is None:
        return None
    closed = after[1] == ")" and not formula[after.end() :].strip()
    if closed or (after[1] == "," and _closes_call(formula, after.end())):
        return literal[1].replace('""', '"')
    return None


def _closes_call(formula: str, at: int) -> bool:
    """Whether ``formula[at:]`` is one more argument, the call's closing parenthesis and
    nothing after it but spaces (strings and quoted sheet names skipped whole)."""
    depth = 0
    while at < len(formula):
        token = _TOKEN.match(formula, at)
        if token is None:  # an unterminated string
            return False
        at, text = token.end(), token[0]
        if text == "(":
            depth += 1
        elif text == ")" and depth:
            depth -= 1
        elif text == ")":
            return not formula[at:].strip()
        elif depth == 0 and "," in text and text[0] not in "\"'":
            return False  # a third argument: no HYPERLINK call
    return False


def _formula_cells(xml: bytes) -> list[tuple[int, bytes]]:
    """Each cell whose formula mentions ``hyperlink(``: its offset, and the cell cut out
    as ``<c …><f …>…</f></c>`` (its value left out). A formula's text holds no ``<``:
    the ``<`` before a match is its ``<f>`` tag (else the match is no formula's), the
    ``<`` after it its end tag, and the ``<`` before the ``<f>`` tag the cell's, whose
    first child it is. Each search starts past the last end tag: linear in the sheet."""
    lowered = xml.lower()  # ASCII only: offsets are those of ``xml``
    pieces = []
    hit = _CALL.search(lowered)
    while hit is not None:
        f_open = xml.rfind(b"<", 0, hit.start())
        f_close = xml.find(b"<", hit.start())
        if f_close < 0:
            break
        piece = _cell_piece(xml, f_open, hit.start(), f_close)
        if piece is not None:
            pieces.append(piece)
        hit = _CALL.search(lowered, f_close)
    return pieces


def _cell_piece(xml: bytes, f_open: int, at: int, f_close: int) -> tuple[int, bytes] | None:
    f_start = _F_START.match(xml, f_open, at) if f_open >= 0 else None
    f_end = _END_TAG.match(xml, f_close)
    if f_start is None or f_end is None or f_end[1] != f_start[1]:
        return None
    c_open = xml.rfind(b"<", 0, f_open)
    c_start = _C_START.match(xml, c_open, f_open) if c_open >= 0 else None
    if c_start is None or c_start.end() != f_open:
        return None
    return c_open, xml[c_open : f_end.end()] + b"</" + c_start[1] + b">"


def _parse_cells(
    package: Package, path: str, xml: bytes, pieces: list[tuple[int, bytes]]
) -> list[tuple[str, str]]:
    """(cell reference, formula text) of each piece: parsed as one document, or, if that
    fails, one by one, leaving out those that do not parse."""
    try:
        return _read_pieces(package, path, xml, pieces)
    except ParseError:
        cells = []
        for piece in pieces:
            try:
                cells.extend(_read_pieces(package, path, xml, [piece]))
            except ParseError:
                continue
        return cells


def _read_pieces(
    package: Package, path: str, xml: bytes, pieces: list[tuple[int, bytes]]
) -> list[tuple[str, str]]:
    document = in_root(xml, b"".join(piece for _, piece in pieces), pieces[0][0])
    if document is None:
        return []
    _root, *elements = parse_xml_texts(package, document, path, {"c", "f"})
    found = []
    cell: Element | None = None
    for element, text in elements:  # each piece is one <c> and its <f>
        if local_name(element.tag) == "c":
            cell = element
        elif cell is not None and "r" in cell.attributes:
            found.append((cell.attributes["r"], text))
    return found
