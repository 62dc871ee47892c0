"""An HTML table as a grid: one slot per row and column, rowspan and colspan cells
copied into every slot they cover, each cell's text and links kept. Bounded: spans and
widths are capped, a cell's copies are one object, and a grid of more slots than a
sheet's cell budget (``ReadLimits.max_cells``) is refused (``TableTooLarge``): 40,000
rows of one cell spanning 50 columns, 1.2 MB of HTML, took 17 s and 290 MB."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from selectolax.lexbor import LexborNode

from parsers.normalize import FOOTNOTE_SYMBOLS, clean_text
from parsers.xlsx import DEFAULT_LIMITS

_MAX_COLSPAN = 50
_MAX_ROWSPAN = 10_000
_MAX_COLUMNS = 200


@dataclass(frozen=True)
class Link:
    href: str
    text: str


@dataclass(frozen=True)
class Cell:
    text: str
    links: tuple[Link, ...] = ()
    origin: bool = True  # False for a slot filled by a rowspan or colspan copy
    pad: bool = False  # True for a slot the row never filled
    across: bool = False  # True for a colspan copy: a slot right of its cell's first


PAD = Cell("", origin=False, pad=True)


class TableTooLarge(ValueError):
    """A table whose grid holds more slots than the cell budget: no list's."""


def table_grid(
    table: LexborNode, max_cells: int = DEFAULT_LIMITS.max_cells
) -> tuple[tuple[Cell, ...], ...]:
    """The rows of one table (nested tables excluded) as a grid with rowspan and
    colspan cells copied into every slot they cover; TableTooLarge past ``max_cells``
    slots (a row counting as one slot at least)."""
    carry: dict[int, tuple[Cell, int]] = {}
    grid: list[tuple[Cell, ...]] = []
    slots = 0
    for tr in _own_rows(table):
        grid.append(_grid_row(tr, carry))
        slots += max(1, len(grid[-1]))
        if slots > max_cells:
            raise TableTooLarge(f"a table of more than {max_cells:,} cells")
    return tuple(grid)


def _own_rows(table: LexborNode) -> Iterator[LexborNode]:
    """The table's own rows: direct ``tr`` children and those of its row groups."""
    for child in table.iter():
        if child.tag == "tr":
            yield child
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child.iter() if tr.tag == "tr")


def _grid_row(tr: LexborNode, carry: dict[int, tuple[Cell, int]]) -> tuple[Cell, ...]:
    row: list[Cell] = []
    for node in tr.iter():
        if node.tag not in ("td", "th"):
            continue
        _take_carried(row, carry)
        cell = _read_cell(node)
        down = replace(cell, origin=False)  # the slots it spans: one object each way
        across = replace(down, across=True)
        rowspan = _span(node, "rowspan", _MAX_ROWSPAN)
        for offset in range(_span(node, "colspan", _MAX_COLSPAN)):
            if len(row) >= _MAX_COLUMNS:
                break
            if rowspan > 1:
                carry[len(row)] = (across if offset else down, rowspan - 1)
            row.append(across if offset else cell)
    _take_carried(row, carry, to_end=True)
    return tuple(row)


def _take_carried(
    row: list[Cell], carry: dict[int, tuple[Cell, int]], to_end: bool = False
) -> None:
    while len(row) < _MAX_COLUMNS and (
        len(row) in carry or (to_end and any(col > len(row) for col in carry))
    ):
        held = carry.pop(len(row), None)
        if held is None:
            row.append(PAD)
            continue
        cell, left = held
        if left > 1:
            carry[len(row)] = (cell, left - 1)
        row.append(cell)


def _span(node: LexborNode, name: str, limit: int) -> int:
    match = re.match(r"\s*(\d{1,6})", node.attributes.get(name) or "")
    if not match:
        return 1
    value = int(match[1])
    return limit if value == 0 and name == "rowspan" else max(1, min(value, limit))


def _read_cell(node: LexborNode) -> Cell:
    links = tuple(
        Link(anchor.attributes.get("href") or "", clean_text(anchor.text(separator=" ")))
        for anchor in node.css("a[href]")
    )
    joined = False
    for mark in node.css("sup"):
        if _FOOTNOTE_MARK.fullmatch(mark.text(deep=True).strip()):
            mark.decompose()  # a footnote reference (``Office<sup>1</sup>``), not the value's
        else:
            mark.unwrap()  # part of the value: ``June 1<sup>st</sup>`` is ``June 1st``
            joined = True
    if joined:
        node.merge_text_nodes()
    return Cell(clean_text(node.text(separator=" ")), links)


# What a superscript holds when it refers to a note: digits, letters a to z alone, or a
# mark (an ordinal's ``st`` or ``th`` is part of the value and stays, joined to it).
_FOOTNOTE_MARK = re.compile(rf"\(?(?:\d{{1,2}}|[a-z]|[{FOOTNOTE_SYMBOLS}])\)?")


# --------------------------------------------------------------------------- headers
