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
above its header, else the innermost heading over it, a tab's label heading its panel:
a sheet's name; an outer heading saying its section is applications or ended names
every table in it), the state or model what heads a table gives the rows of a table
without that column (``<h3>Texas</h3>``, a ``Jail Enforcement Model`` tab), a directory
of agencies under a list's header left out, each cell's first link resolved against
the page, an addendum linked beside the MOA in one cell, a state heading over rows that
leave out the state cell, and the page's errors.

The page itself (decoding, block pages, links) is read by :mod:`parsers.html_page`,
its tables turned into grids, and what heads each found, by :mod:`parsers.html_table`.

Pure: bytes in, records out. Anything that is not a readable 287(g) page raises
:class:`~parsers.errors.ParseError` and nothing else.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date as Date

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.dates import parse_date
from parsers.errors import ParseError
from parsers.html_page import block_reason, load_html, resolve_link
from parsers.html_table import Cell, Link, TableTooLarge, table_grid, tables_in_context
from parsers.listing_header import (
    ADDENDUM,
    AGENCY,
    CONTACT_WORDS,
    COUNTY,
    MOA,
    SIGNED,
    STATE,
    SUPPORT,
    TYPE,
    header_name,
    header_text,
    header_words,
)
from parsers.normalize import clean_text, model_code, state_code, state_in_name
from parsers.records import ParsedListing
from parsers.sheet_header import HEADER_SCAN_ROWS
from parsers.states import named_state
from parsers.status_words import TITLE_WORDS, ended_title, pending_title
from parsers.xlsx import CellValue, Coordinate, Merge, Sheet
from parsers.xlsx_listing import parse_listing_sheets

DEFAULT_BASE_URL = "https://www.ice.gov/identify-and-arrest/287g"
NO_TABLE = "no 287(g) participating table found"
_REQUIRED = frozenset({"state", "agency", "model"})
_NEAR = HEADER_SCAN_ROWS  # a title row heads a header this close below it
# what the texts heading a table may say of all its rows, the column each fills
_GIVEN = {"state": STATE, "model": SUPPORT}


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


def header_columns(
    texts: Sequence[str], given: Collection[str] = frozenset()
) -> dict[str, int] | None:
    """Column positions by canonical name when ``texts`` (one row's cell texts) read as
    the participating table's header, else None: an agency, its signing (a date or the
    MOA), its state and its model, each a column or, for a state or a model, ``given``
    by what heads the table (:func:`said_of_rows`)."""
    columns = _first_positions(texts, column_name)
    if columns.keys() | set(given) >= _REQUIRED and ("signed" in columns or "moa" in columns):
        return columns
    return None


def said_of_rows(texts: Iterable[str]) -> dict[str, str]:
    """What the texts heading a table (innermost first: its caption, its title rows, the
    headings and tab labels over it) say of all its rows: the first to name one state
    alone gives their state (``Texas``, as a sheet named for it), the first naming one
    model their model (``Jail Enforcement Model``); a text of more words than a title's
    (:data:`~parsers.status_words.TITLE_WORDS`) is a sentence and gives nothing."""
    given: dict[str, str] = {}
    for text in texts:
        if (name := _says_of_rows(text)) is not None and name not in given:
            given[name] = text
    return given


@functools.lru_cache(maxsize=4096)
def _says_of_rows(text: str) -> str | None:
    """``state`` for a title naming one state alone, ``model`` for one naming a model."""
    if not text or len(text.split()) > TITLE_WORDS:
        return None
    if named_state(text.upper()) is not None:
        return "state"
    return "model" if model_code(text) is not None else None


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
    headings: tuple[str, ...]  # the headings and tab labels over it, outer first
    place: int  # its place among the page's list tables, from 1
    given: dict[str, str] = field(default_factory=dict)  # its headings' for columns it lacks

    @property
    def name(self) -> str:
        """A sheet's name: its caption or, without one, a title row above its header,
        else the innermost heading over it (a tab's label heading its panel), else
        ``table 1``, ``table 2``... A heading saying its section's rows are applications
        or ended (``Pending Agencies``, a tab's label too) says so of every table in its
        section, whatever heads each nearer (its state): it names them then."""
        heads = [text for text in self.heads if text]
        other = (text for text in heads if _says_not_in_force(text))
        return next(other, heads[0] if heads else f"table {self.place}")

    @property
    def heads(self) -> list[str]:
        """The texts heading it, innermost first: caption, title rows (those within the
        rows a header is looked for in, :data:`_NEAR`), headings."""
        above = self.grid[max(0, self.header_row - _NEAR) : self.header_row]
        titles = [_row_text(cells) for cells in reversed(above)]
        return [self.caption, *titles, *reversed(self.headings)]


def _says_not_in_force(text: str) -> bool:
    """Whether a title says its rows are applications or ended, and not also that they
    are in force (``Participating and Pending Agencies`` heads both lists)."""
    said = pending_title(text) or ended_title(text)
    return said is not None and _IN_FORCE.search(text) is None


_IN_FORCE = re.compile(r"\b(?:participating|active|current|in force)\b", re.IGNORECASE)


def _participating_tables(tree: LexborHTMLParser) -> list[_Table]:
    """Every table whose header row reads like the participating list, in page order,
    each with its caption and the headings over it; a directory of agencies under such
    a header left out (:func:`_directory`)."""
    found: list[_Table] = []
    for node, headings in tables_in_context(tree):
        try:
            grid = table_grid(node)
        except TableTooLarge:
            continue  # more cells than any sheet may hold: no list's table
        caption = _caption(node)
        outer, own = said_of_rows(reversed(headings)), said_of_rows([caption])
        titles: dict[str, tuple[int, str]] = {}  # the nearest row above saying each
        for index, row in enumerate(grid):
            texts = [cell.text for cell in row]
            columns = header_columns(texts, _GIVEN)  # a cheap test first
            if columns:
                near = {k: text for k, (at, text) in titles.items() if index - at <= _NEAR}
                said = {**outer, **near, **own}  # the innermost's: as ``_Table.heads``
                given = {k: v for k, v in said.items() if k not in columns}
                rows = grid[index + 1 :]
                if "state" in given and _states_of_their_own(rows, columns.get("agency", -1)):
                    del given["state"]  # the rows say their states: no heading does
                if header_columns(texts, given):
                    if not _directory(grid, index, columns):
                        table = _Table(grid, index, columns, caption, headings, len(found) + 1)
                        found.append(replace(table, given=given))
                    break
            titles.update((k, (index, v)) for k, v in said_of_rows([_row_text(row)]).items())
    return found


def _states_of_their_own(rows: Sequence[Sequence[Cell]], agency: int) -> bool:
    """Whether a table's rows say their own states: a row naming one state alone (the
    rows below it grouped under it), or a name with its state set off (``Collier County
    Sheriff's Office, FL``). A heading's state is a default for rows that say none: a
    table of such rows takes none from outside (a `Texas` heading over a table
    grouping Florida's rows read them as Texas's)."""
    for row in rows:
        texts = [cell.text for cell in row if cell.text]
        if len(set(texts)) == 1 and _says_of_rows(texts[0]) == "state":
            return True
        name = row[agency].text if 0 <= agency < len(row) else None
        if name and state_in_name(name) is not None:
            return True
    return False


def _directory(grid: Sequence[Sequence[Cell]], header: int, columns: dict[str, int]) -> bool:
    """Whether a table under a list's header is a directory of agencies, not a list of
    agreements: its header names how to reach each (a contact, a phone, an email, an
    address) and no row shows an agreement signed, no date under its SIGNED column and
    no link under its MOA column (``Agency | State | Model | Date | Phone | Email``:
    where to call, no agreement shown signed). A list of agreements giving contacts too
    still shows them signed; a list of applications names no one to call."""
    words = (header_words(header_text(cell.text)) for cell in grid[header])
    if all(CONTACT_WORDS.isdisjoint(said) for said in words):
        return False
    signed, moa = columns.get("signed", -1), columns.get("moa", -1)
    for cells in grid[header + 1 :]:
        if 0 <= moa < len(cells) and cells[moa].links:
            return False
        if 0 <= signed < len(cells) and parse_date(cells[signed].text or None)[0] is not None:
            return False
    return True


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
    notes = [note for table in tables for note in _given_notes(table)]
    return replace(listing, warnings=(*notes, *listing.warnings)) if notes else listing


def _given_notes(table: _Table) -> list[str]:
    return [
        f"sheet {table.name!r}: no {_GIVEN[name]} column: every row's is {text!r}, "
        "as the caption or heading over the table says"
        for name, text in sorted(table.given.items(), key=lambda pair: list(_GIVEN).index(pair[0]))
    ]


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
    _fill_given(rows, table.given, table.columns["agency"])
    return Sheet(table.name, rows, links, merged=tuple(merged)), added


def _fill_given(rows: list[list[CellValue]], given: dict[str, str], agency: int) -> None:
    """A column for each value the headings over the table give its rows (its state,
    its model), after its own: the header naming it, and the text on each row that
    says something beside an agency's name (a model, a date, a link: an agreement's
    row), as in a table with the column. A row of one text (a note, a total, a title:
    ``Total: 12``) is no row of the table's records, which the heading speaks of: it
    stays as written, and is read as a note."""
    at = max(len(values) for values in rows)
    given = {name: given[name] for name in _GIVEN if name in given}  # STATE, then model
    for number, values in enumerate(rows):
        beside = (v for column, v in enumerate(values) if column != agency)
        if number and all(value is None for value in beside):
            continue
        values.extend([None] * (at + len(given) - len(values)))
        for offset, (name, text) in enumerate(given.items()):
            values[at + offset] = _GIVEN[name] if number == 0 else text


def _grouped(grid: Sequence[Sequence[Cell]], table: _Table, width: int) -> list[Sequence[Cell]]:
    """The rows, a row that leaves out its state cell under a state heading (one cell
    spanning the table) given the heading's state, as a rowspan would give it, and the
    heading row so read dropped; the rows as they are otherwise."""
    if "state" not in table.columns:
        return list(grid)  # its state given by a heading over the table
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
