"""The older ICE 287(g) page, whose participating list was an inline HTML table.

From 2019 to February 2025 https://www.ice.gov/identify-and-arrest/287g held the list as
a table headed ``STATE | LAW ENFORCEMENT AGENCY | SUPPORT TYPE | SIGNED | MOA`` (other
tables on the page, such as steering committee meetings, are ignored).

A page is only another container of sheets: :func:`parse_legacy_page` turns each table
whose row reads as a list's header into a :class:`~parsers.xlsx.Sheet` and hands them to
the one list reader, :func:`~parsers.xlsx_listing.parse_listing_sheets`, so a table is
read by every rule a spreadsheet's list is (its header over two rows, titles and
sections of ended agreements or applications, STATUS and ending words, notes and
totals, a row naming two models, an agency continued from the row above). What is the
page's own stays here: finding its tables, naming each (its caption, else a title row
above its header, else the nearest heading before it: a sheet's name), each cell's
first link resolved against the page, an addendum linked beside the MOA in one cell, a
state heading over rows that leave out the state cell, and the page's errors.

The page itself (decoding, block pages, links) is read by :mod:`parsers.html_page`,
its tables turned into grids by :mod:`parsers.html_table`.

Pure: bytes in, records out. Anything that is not a readable 287(g) page raises
:class:`~parsers.errors.ParseError` and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date as Date

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.errors import ParseError
from parsers.html_page import block_reason, load_html, resolve_link
from parsers.html_table import Cell, Link, TableTooLarge, table_grid
from parsers.listing_header import (
    ADDENDUM,
    AGENCY,
    COUNTY,
    MOA,
    SIGNED,
    STATE,
    SUPPORT,
    TYPE,
    header_name,
)
from parsers.normalize import clean_text, state_code
from parsers.records import ParsedListing
from parsers.xlsx import CellValue, Coordinate, Merge, Sheet
from parsers.xlsx_listing import parse_listing_sheets

DEFAULT_BASE_URL = "https://www.ice.gov/identify-and-arrest/287g"
NO_TABLE = "no 287(g) participating table found"
_REQUIRED = frozenset({"state", "agency", "model"})
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def column_name(text: str) -> str | None:
    """The canonical column name of a participating-table header cell: state, agency,
    agency_type, county, model, signed, moa, addendum (None when not recognised). Read
    as a spreadsheet's header cell is (``parsers/listing_header.py``): one rule for
    what a header names, whatever the format."""
    name = header_name(text)
    return _NAMES.get(name) if name else None


_NAMES = {
    STATE: "state",
    AGENCY: "agency",
    TYPE: "agency_type",
    COUNTY: "county",
    SUPPORT: "model",
    SIGNED: "signed",
    MOA: "moa",
    ADDENDUM: "addendum",
}


def header_columns(texts: Sequence[str]) -> dict[str, int] | None:
    """Column positions by canonical name when ``texts`` (one row's cell texts) read as
    the participating table's header, else None."""
    columns = _first_positions(texts, column_name)
    if columns.keys() >= _REQUIRED and ("signed" in columns or "moa" in columns):
        return columns
    return None


def _first_positions(texts: Sequence[str], name_of: Callable[[str], str | None]) -> dict[str, int]:
    """The first position of each column name ``name_of`` gives the texts."""
    names = {text: name_of(text) for text in set(texts)}
    columns: dict[str, int] = {}
    for index, text in enumerate(texts):
        name = names[text]
        if name and name not in columns:
            columns[name] = index
    return columns


@dataclass(frozen=True)
class _Table:
    """A table whose row ``header_row`` reads as the list's header, and its name."""

    grid: tuple[tuple[Cell, ...], ...]
    header_row: int
    columns: dict[str, int]
    caption: str
    heading: str  # the nearest heading before it on the page
    place: int  # its place among the page's list tables, from 1

    @property
    def name(self) -> str:
        """A sheet's name: its caption or, without one, a title row above its header,
        else the heading before it, else ``table 1``, ``table 2``..."""
        titles = (_row_text(cells) for cells in reversed(self.grid[: self.header_row]))
        said = self.caption or next((text for text in titles if text), self.heading)
        return said or f"table {self.place}"


def _participating_tables(tree: LexborHTMLParser) -> list[_Table]:
    """Every table whose header row reads like the participating list, in page order,
    each with its caption or the nearest heading before it."""
    found: list[_Table] = []
    heading = ""
    for node in tree.css(", ".join(("table", *_HEADINGS))):
        if node.tag in _HEADINGS:
            heading = clean_text(node.text(separator=" "))
            continue
        try:
            grid = table_grid(node)
        except TableTooLarge:
            continue  # more cells than any sheet may hold: no list's table
        for index, row in enumerate(grid):
            columns = header_columns([cell.text for cell in row])
            if columns:
                found.append(_Table(grid, index, columns, _caption(node), heading, len(found) + 1))
                break
    return found


def _caption(table: LexborNode) -> str:
    for child in table.iter():
        if child.tag == "caption":
            return clean_text(child.text(separator=" "))
    return ""


def has_participating_table(tree: LexborHTMLParser) -> bool:
    """True when the page holds the older inline participating table."""
    return bool(_participating_tables(tree))


# --------------------------------------------------------------------------- sheets


def parse_legacy_page(
    data: bytes, source: str = "<bytes>", base_url: str = DEFAULT_BASE_URL
) -> ParsedListing:
    """Read the participating list from the older 287(g) page's inline HTML tables, each
    a sheet read by the list reader (``parse_listing_sheets``).

    MOA and addendum links are resolved against ``base_url`` (a Wayback capture URL
    works too: capture links are unwrapped to the original ICE URL). A row's number
    (``row_numbers``) is the 1-based index of its data row in its table, the rows
    below the header's first row. Raises ParseError when the bytes are not HTML or hold
    no participating table.
    """
    tree = load_html(data, source)
    tables = _participating_tables(tree)
    if not tables:
        blocked = block_reason(tree)
        suffix = f" (the page looks like an error or block page: {blocked!r})" if blocked else ""
        raise ParseError(source, NO_TABLE + suffix)
    sheets = [_table_sheet(table, base_url) for table in tables]
    listing = _participating(parse_listing_sheets([s for s, _ in sheets], source, "html"))
    if any(added for _, added in sheets):  # an addendum beside its MOA: no column of its own
        listing = _without_addendum_column(listing)
    return listing


def _participating(listing: ParsedListing) -> ParsedListing:
    """The page's table is the participating list, whatever its rows look like, and
    its rows are numbered from the row below the header's first row."""
    numbers = tuple(number - 1 for number in listing.row_numbers)
    if listing.kind != "participating":
        listing = replace(listing, kind="participating", other=None)
    return replace(listing, row_numbers=numbers)


def _without_addendum_column(listing: ParsedListing) -> ParsedListing:
    columns = tuple(name for name in listing.columns if name != ADDENDUM)
    return replace(listing, columns=columns)


def _table_sheet(table: _Table, base: str) -> tuple[Sheet, bool]:
    """The sheet a table is, from its header row down: each cell's text, its first link
    resolved against the page, a range merged across the columns a colspan covers
    (a rowspan's copies are values: the cell is each row's). An addendum linked in
    another cell (``link | addendum`` in the MOA cell) is put under the ADDENDUM column,
    one added when the table has none (True then)."""
    rows: list[list[CellValue]] = []
    links: dict[Coordinate, str] = {}
    merged: list[Merge] = []
    width = sum(1 for cell in table.grid[table.header_row] if not cell.pad)
    addendum = table.columns.get("addendum", -1)
    extra = max(len(cells) for cells in table.grid)  # an added ADDENDUM column's place
    added = False
    for at, cells in enumerate(_grouped(table.grid[table.header_row :], table, width)):
        values: list[CellValue] = []
        found: list[tuple[str, str]] = []  # addendum links outside the ADDENDUM column
        for column, cell in enumerate(cells):
            own = not cell.across and not cell.pad
            values.append(_value(cell.text) if own else None)
            if cell.across and column and not cells[column - 1].across:
                merged.append(((at, column - 1), (at, column)))
            elif cell.across and merged and merged[-1][1] == (at, column - 1):
                merged[-1] = (merged[-1][0], (at, column))
            if not own or not cell.links or at == 0:
                continue
            papers = [lk for lk in cell.links if column == addendum or not _says_addendum(lk)]
            moved = [lk for lk in cell.links if lk not in papers]
            if url := _first_url(papers, base):
                links[(at, column)] = url
            if moved:
                values[column] = " ".join(lk.text for lk in papers if lk.text) or None
                found.extend((url, lk.text) for lk in moved if (url := resolve_link(lk.href, base)))
        if found and (addendum < 0 or (at, addendum) not in links):
            column = addendum if addendum >= 0 else extra
            added = added or addendum < 0
            values.extend([None] * (column + 1 - len(values)))
            links[(at, column)], text = found[0]
            values[column] = values[column] or text or None
        rows.append(values)
    if added:
        rows[0].extend([None] * (extra + 1 - len(rows[0])))
        rows[0][extra] = ADDENDUM
    return Sheet(table.name, rows, links, merged=tuple(merged)), added


def _grouped(grid: Sequence[Sequence[Cell]], table: _Table, width: int) -> list[Sequence[Cell]]:
    """The rows, a row that leaves out its state cell under a state heading (one cell
    spanning the table) given the heading's state, as a rowspan would give it, and the
    heading row so read dropped; the rows as they are otherwise."""
    at = table.columns["state"]
    state = ""
    rows: list[Sequence[Cell]] = []
    heading: int | None = None  # the heading row's place, until a row takes its state
    for cells in grid:
        own = [c for c in cells if c.origin and (c.text or c.links)]
        here = cells[at].text if at < len(cells) else ""
        if len(own) == 1 and not own[0].links and state_code(own[0].text):
            state, heading = own[0].text, len(rows)
        elif state_code(here):
            state, heading = here, None
        elif state and sum(not c.pad for c in cells) == width - 1:
            cells = [*cells[:at], Cell(state), *cells[at:]]
            if heading is not None:
                rows.pop(heading)
                heading = None
        rows.append(cells)
    return rows


def _value(text: str) -> CellValue:
    """A cell's value: its text, a clean ISO date read as the date it is (a date cell,
    whose text is no signed date written otherwise), None for no text."""
    if _ISO_DATE.fullmatch(text):
        try:
            return Date.fromisoformat(text)
        except ValueError:
            pass
    return text or None


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _row_text(cells: Sequence[Cell]) -> str:
    return " ".join(c.text for c in cells if c.origin and c.text)


def _says_addendum(link: Link) -> bool:
    return "addend" in f"{link.text} {link.href}".lower()


def _first_url(links: Sequence[Link], base: str) -> str | None:
    return next((url for link in links if (url := resolve_link(link.href, base))), None)
