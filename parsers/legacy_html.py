"""The older ICE 287(g) page, whose participating list was an inline HTML table.

From 2019 to February 2025 https://www.ice.gov/identify-and-arrest/287g held the list as
a table headed ``STATE | LAW ENFORCEMENT AGENCY | SUPPORT TYPE | SIGNED | MOA`` (other
tables on the page, such as steering committee meetings, are ignored).
:func:`parse_legacy_page` reads that
table into the same :class:`~parsers.records.ListingRow` records the spreadsheet parser
produces. The table is found by its header text and its columns are mapped by name, so
markup drift (``thead`` or not, ``th`` or ``td``, wrapper elements, rowspan'd states)
does not matter.

The page itself (decoding, block pages, links) is read by :mod:`parsers.html_page`,
its tables turned into grids by :mod:`parsers.html_table`.

Pure: bytes in, records out. Anything that is not a readable 287(g) page raises
:class:`~parsers.errors.ParseError` and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date as Date

from selectolax.lexbor import LexborHTMLParser

from parsers.dates import parse_date
from parsers.empty_columns import published_columns
from parsers.errors import ParseError
from parsers.html_page import block_reason, load_html, resolve_link
from parsers.html_table import PAD, Cell, Link, TableTooLarge, table_grid
from parsers.listing_cells import agency_cell, county_cell, model_cell, type_cell
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
from parsers.normalize import agency_key, state_code
from parsers.records import ListingRow, ParsedListing
from parsers.shared_links import unshared

DEFAULT_BASE_URL = "https://www.ice.gov/identify-and-arrest/287g"
NO_TABLE = "no 287(g) participating table found"
_REQUIRED = frozenset({"state", "agency", "model"})


@dataclass(frozen=True)
class _Table:
    grid: tuple[tuple[Cell, ...], ...]
    header_row: int
    columns: dict[str, int] = field(hash=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self.columns, key=self.columns.__getitem__))

    @property
    def width(self) -> int:
        return sum(1 for cell in self.grid[self.header_row] if not cell.pad)


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


# The spreadsheet's names of the columns: a list's schema is one whatever its format.
_CANONICAL = {name: canonical for canonical, name in _NAMES.items()}


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


def _participating_tables(tree: LexborHTMLParser) -> list[_Table]:
    """Every table whose header row reads like the participating list, in page order."""
    found = []
    for node in tree.css("table"):
        try:
            grid = table_grid(node)
        except TableTooLarge:
            continue  # more cells than any sheet may hold: no list's table
        for index, row in enumerate(grid):
            columns = header_columns([cell.text for cell in row])
            if columns:
                found.append(_Table(grid, index, columns))
                break
    return found


def has_participating_table(tree: LexborHTMLParser) -> bool:
    """True when the page holds the older inline participating table."""
    return bool(_participating_tables(tree))


# --------------------------------------------------------------------------- rows


def parse_legacy_page(
    data: bytes, source: str = "<bytes>", base_url: str = DEFAULT_BASE_URL
) -> ParsedListing:
    """Read the participating list from the older 287(g) page's inline HTML table.

    MOA and addendum links are resolved against ``base_url`` (a Wayback capture URL
    works too: capture links are unwrapped to the original ICE URL). A row's number
    (``row_numbers``) is the 1-based index of its data row in the table(s). Raises
    ParseError when the bytes are not HTML or hold no participating table.
    """
    tree = load_html(data, source)
    tables = _participating_tables(tree)
    if not tables:
        blocked = block_reason(tree)
        suffix = f" (the page looks like an error or block page: {blocked!r})" if blocked else ""
        raise ParseError(source, NO_TABLE + suffix)
    builder = _RowBuilder(base_url)
    for table in tables:
        builder.add_table(table)
    rows, link_notes = unshared(builder.rows)
    named = tuple(_CANONICAL[name] for name in tables[0].names)
    columns, column_notes = published_columns(named, rows)
    warnings = builder.warnings + link_notes + column_notes
    if len(tables) > 1:
        warnings.insert(0, f"{len(tables)} participating tables found; rows concatenated")
    return ParsedListing(
        kind="participating",
        rows=tuple(rows),
        columns=columns,
        source_format="html",
        warnings=tuple(warnings),
        row_numbers=tuple(builder.numbers),
    )


@dataclass
class _RowBuilder:
    """Turns grid rows into ListingRows, carrying the state across grouped rows."""

    base_url: str
    rows: list[ListingRow] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # each row's data row index
    warnings: list[str] = field(default_factory=list)
    index: int = 0
    state: str | None = None
    state_raw: str = ""

    def add_table(self, table: _Table) -> None:
        """Add every data row below the table's header row."""
        for cells in table.grid[table.header_row + 1 :]:
            self.add(cells, table)

    def add(self, cells: Sequence[Cell], table: _Table) -> None:
        """Add one grid row: skip blanks and repeated headers, follow state headings."""
        if all(not c.text and not c.links for c in cells):
            return
        if header_columns([c.text for c in cells]) is not None:
            return
        heading = _group_heading(cells)
        if heading:
            self.state, self.state_raw = heading
            return
        if _is_note(cells):
            self.warnings.append(f"note row skipped: {cells[0].text[:80]!r}")
            return
        self.index += 1
        row = self._row(self._realign(cells, table), table.columns)
        if row is not None:
            self.rows.append(row)
            self.numbers.append(self.index)

    def _realign(self, cells: Sequence[Cell], table: _Table) -> Sequence[Cell]:
        """Rows under a state heading row may lack the state cell: put one back."""
        at = table.columns["state"]
        width = sum(1 for c in cells if not c.pad)
        here = cells[at].text if at < len(cells) else ""
        if self.state and width == table.width - 1 and state_code(here) is None:
            return [*cells[:at], Cell(self.state_raw), *cells[at:]]
        return cells

    def _row(self, cells: Sequence[Cell], columns: dict[str, int]) -> ListingRow | None:
        def cell(name: str) -> Cell:
            at = columns.get(name)
            return cells[at] if at is not None and at < len(cells) else PAD

        agency, _ = agency_cell(cell("agency").text)  # what a cell says: one rule per column
        if not agency:
            self.warnings.append(f"row {self.index}: no agency name; row skipped")
            return None
        state, state_raw, flags = self._state(cell("state").text)
        moa, addendum = _documents(cells, columns, self.base_url)
        row = _listing_row(
            _RowParts(state, state_raw, agency, cell("model").text, cell("signed").text),
            cell("agency_type").text,
            cell("county").text,
            moa,
            addendum,
            flags,
        )
        if flags in NO_STATE and not row.states_an_agreement:
            self.warnings.append(
                f"row {self.index}: no state, model, signed date or link, so no agreement;"
                " row skipped"
            )
            return None
        return row

    def _state(self, text: str) -> tuple[str, str, tuple[str, ...]]:
        if not text:
            if self.state:
                return self.state, self.state_raw, ("state_carried",)
            self.warnings.append(f"row {self.index}: no state")
            return "", "", ("state_missing",)
        code = state_code(text)
        if code is None:
            self.warnings.append(f"row {self.index}: state {text!r} not recognised")
            return text.upper(), text, ("state_unrecognised",)
        self.state, self.state_raw = code, text
        return code, text, ()


NO_STATE = (("state_missing",), ("state_unrecognised",))  # _state's flags for no state


@dataclass(frozen=True)
class _RowParts:
    state: str
    state_raw: str
    agency: str
    model_raw: str
    signed_raw: str


@dataclass(frozen=True)
class _Document:
    url: str | None
    text: str | None


def _listing_row(
    parts: _RowParts,
    type_text: str,
    county: str,
    moa: _Document,
    addendum: _Document,
    flags: tuple[str, ...],
) -> ListingRow:
    signed, signed_raw, date_flags = _signed(parts.signed_raw)
    model = model_cell(parts.model_raw)[1]
    model_flags = ("model_unrecognised",) if model is None else ()
    return ListingRow(
        state=parts.state,
        agency=parts.agency,
        agency_key=agency_key(parts.agency, parts.state),
        model=model,
        model_raw=parts.model_raw,
        agency_type=type_cell(type_text),
        county=county_cell(county),
        signed=signed,
        signed_raw=signed_raw,
        moa_url=moa.url,
        moa_text=moa.text,
        addendum_url=addendum.url,
        addendum_text=addendum.text,
        state_raw=parts.state_raw,
        flags=flags + model_flags + date_flags,
    )


def _signed(text: str) -> tuple[Date | None, str | None, tuple[str, ...]]:
    """The signed date, the raw text unless it was a clean ISO date, and date flags."""
    if not text:
        return None, None, ()
    signed, flags = parse_date(text)
    clean = signed is not None and text == signed.isoformat()
    return signed, None if clean else text, flags


def _group_heading(cells: Sequence[Cell]) -> tuple[str, str] | None:
    """A row that only names a state (often one cell spanning the table) heads a group."""
    own = [c for c in cells if c.origin and (c.text or c.links)]
    if len(own) != 1 or own[0].links:
        return None
    code = state_code(own[0].text)
    return (code, own[0].text) if code else None


def _is_note(cells: Sequence[Cell]) -> bool:
    """A row of one cell spanning the table (a footnote or caption), not a data row."""
    filled = [c for c in cells if not c.pad]
    own = [c for c in filled if c.origin]
    return len(filled) > 1 and len(own) == 1 and len({c.text for c in filled}) == 1


def _says_addendum(link: Link) -> bool:
    return "addend" in f"{link.text} {link.href}".lower()


def _documents(
    cells: Sequence[Cell], columns: dict[str, int], base: str
) -> tuple[_Document, _Document]:
    """The MOA link and the addendum link of a row: a second link in the MOA cell whose
    text says addendum, an ADDENDUM column, or an extra unheaded cell."""
    mapped = set(columns.values())
    moa_cell = cells[columns["moa"]] if columns.get("moa", len(cells)) < len(cells) else PAD
    add_at = columns.get("addendum", len(cells))
    add_cell = cells[add_at] if add_at < len(cells) else PAD
    extras = [c for i, c in enumerate(cells) if i not in mapped and c.origin]
    moa_links = [lk for lk in moa_cell.links if not _says_addendum(lk)]
    addenda = [*add_cell.links, *(lk for c in [moa_cell, *extras] for lk in c.links)]
    addenda = [lk for lk in addenda if lk in add_cell.links or _says_addendum(lk)]
    return _document(moa_links, moa_cell.text, base), _document(addenda, "", base)


def _document(links: Sequence[Link], fallback: str, base: str) -> _Document:
    for link in links:
        url = resolve_link(link.href, base)
        if url:
            return _Document(url, link.text or None)
    return _Document(None, fallback or None)
