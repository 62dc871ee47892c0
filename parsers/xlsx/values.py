"""Cell values, read by calamine (Rust, through python-calamine).

Calamine is given a stored (uncompressed) zip of the package's XML parts, each inflated
through the bounded reader, so it inflates nothing itself. It fills a rectangle from A1
to the sheet's farthest cell, so that rectangle is bounded first, from the cell and row
references in the sheet's XML, against the cell budget.

Values as calamine reads them, in one shape: empty text and error cells (``#N/A``) are
no value (None), whole numbers are ints (Excel stores doubles), other numbers floats,
dates and times as ``date``/``datetime``/``time`` (``timedelta`` for durations); rows
carry no trailing empty cells and there are no trailing empty rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from typing import TypeAlias
from xml.parsers import expat

from python_calamine import CalamineError, CalamineWorkbook

from parsers.xlsx.container import Package, stored_zip
from parsers.xlsx.parts import SheetEntry, run_parser

CellValue: TypeAlias = str | int | float | bool | datetime | date | time | timedelta | None
Coordinate: TypeAlias = tuple[int, int]

MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
_EXACT_INTEGERS = 2**53
NO_CHARACTER = "\ufffd"
"""What a cell's NUL (Excel's escape ``_x0000_``) is read as: no text holds one, and
PostgreSQL refuses to store it (a list holding one failed every pass on it)."""
_NAME = rb"[A-Za-z_][\w.\-]*"
_CELL_OR_ROW_TAG = re.compile(rb"<(?:" + _NAME + rb":)?(?:c|row)(?=[\s/>])")
# The literal ``r`` first lets ``re`` skip quickly to candidates; the look-behind then
# asks for the whitespace before it (as ``\sr`` would, three times slower).
_REF_ATTRIBUTE = re.compile(rb"""r(?<=\sr)\s*=\s*["']\$?([A-Za-z]*)\$?([0-9]*)["']""")
# The most letters and digits a reference within the sheet's limits has (``XFD1048576``).
_COLUMN_LETTERS, _ROW_DIGITS = 3, len(str(MAX_ROWS))
_TAG_STARTS = (b"<c", b"<row", b":c", b":row")
_FIRST, _SECOND = itemgetter(0), itemgetter(1)
_REFERENCE = re.compile(r"\$?([A-Za-z]*)\$?([0-9]*)")


# A cell of a shared string (``t="s"``): its index, the number in its ``<v>``.
_SHARED_CELL = re.compile(
    rb"""\bt\s*=\s*["']s["'][^>]*>\s*<(?:""" + _NAME + rb""":)?v>\s*([0-9]{1,10})\s*<"""
)
_STRING_ITEM = re.compile(rb"<(?:" + _NAME + rb":)?si[\s>/]")


def shared_string_sizes(xml: bytes) -> list[int]:
    """For each shared string, in order, at most how many bytes of text it holds: the
    bytes from its ``<si>`` to the next one's (its markup included)."""
    starts = [found.start() for found in _STRING_ITEM.finditer(xml)]
    return [end - start for start, end in zip(starts, [*starts[1:], len(xml)], strict=False)]


def check_shared_text(
    package: Package, path: str, xml: bytes, sizes: Sequence[int], cells: int
) -> None:
    """Refuse a sheet whose cells repeat more shared text in all than the budget: a
    string stored once can fill every cell (a small file of millions of copies of one
    long text, which the reader would copy into each cell). Bounded fast first (each
    of at most ``cells`` cells taken to hold the longest string), exactly when needed."""
    limit = package.limits.max_shared_text_bytes
    if cells * max(sizes, default=0) <= limit:
        return
    total = sum(sizes[int(index)] for index in _SHARED_CELL.findall(xml) if int(index) < len(sizes))
    if total > limit:
        raise package.fail(f"{path}: its cells repeat more than {limit} bytes of text: refusing")


# A shared-strings table's declared number of strings, which calamine reserves room for
# before reading one: ``uniqueCount="2000000000"`` in a 200-byte part would abort the
# process allocating 48 GB.
_UNIQUE_COUNT = re.compile(rb"""uniqueCount\s*=\s*["']\s*\+?0*([0-9]*)""")


def open_values(package: Package) -> CalamineWorkbook:
    """Calamine's reader of the package's XML parts, once no part declares more shared
    strings than the cell budget (a declared size is a hint calamine believes)."""
    parts = package.xml_parts()
    for path, xml in parts.items():
        _check_declared_strings(package, path, xml)
    try:
        return CalamineWorkbook.from_filelike(stored_zip(parts))
    except CalamineError as exc:
        raise package.fail(f"unreadable XLSX ({_one_line(exc)})") from None


def _check_declared_strings(package: Package, path: str, xml: bytes) -> None:
    limit = package.limits.max_cells
    at = xml.find(b"uniqueCount")
    while at >= 0:
        found = _UNIQUE_COUNT.match(xml, at)
        digits = found[1] if found else b""
        if len(digits) > len(str(limit)) or (digits and int(digits) > limit):
            raise package.fail(f"{path}: declares more than {limit} shared strings: refusing")
        at = xml.find(b"uniqueCount", at + 1)


Merge: TypeAlias = tuple[Coordinate, Coordinate]
"""A merged range: its top-left and bottom-right cells, 0-based."""


def sheet_rows(
    package: Package,
    workbook: CalamineWorkbook,
    entry: SheetEntry,
    xml: bytes,
    sizes: Sequence[int] = (),
) -> tuple[list[list[CellValue]], list[Merge]]:
    """The values of one sheet (``xml`` is its part), by row, and its merged ranges
    (``sizes``: the workbook's :func:`shared_string_sizes`)."""
    cells = _check_extent(package, entry.path, xml)
    check_shared_text(package, entry.path, xml, sizes, cells)
    try:
        sheet = workbook.get_sheet_by_name(entry.name)
        grid = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except CalamineError as exc:
        raise package.fail(f"{entry.path}: unreadable sheet ({_one_line(exc)})") from None
    return _rows(grid), [((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in merged]


def _check_extent(package: Package, path: str, xml: bytes) -> int:
    """Refuse a sheet whose rectangle from A1 to its farthest cell exceeds the cell
    budget; the number of cells it may hold.

    The farthest cell is bounded by the largest row and column references, plus one
    for each row or cell without a reference (each such element is placed one past the
    one before it)."""
    refs = _REF_ATTRIBUTE.findall(xml)
    farthest = _farthest(set(map(_FIRST, refs)), set(map(_SECOND, refs)))
    if farthest is None:
        raise package.fail(f"{path}: cell reference out of range")
    rows, columns = farthest
    limit = package.limits.max_cells
    cells = _rectangle(rows, columns, _tags_at_most(xml) - len(refs))
    if cells <= limit:
        return cells  # within the budget even if every candidate tag were unreferenced
    cells = _rectangle(rows, columns, len(_CELL_OR_ROW_TAG.findall(xml)) - len(refs))
    if cells > limit:
        cells = _held_extent(package, path, xml) or cells
    if cells > limit:
        raise package.fail(f"{path}: more than {limit} cells: refusing")
    return cells


def _held_extent(package: Package, path: str, xml: bytes) -> int | None:
    """The rectangle from A1 to the farthest cell holding anything (an element or text
    inside it: a value, an inline string, a formula), read by expat: calamine keeps no
    other cell, so empty cells and rows far below a list (a cell formatted at row
    1,048,576, an empty row given a height there) allocate nothing and refuse nothing.
    None when a cell holding something gives no reference (its place is the count of
    those before it: the count bound stands). Read only for a sheet the references
    put past the budget."""
    cells = _HeldCells()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler, parser.EndElementHandler = cells.start, cells.end
    parser.CharacterDataHandler = cells.text
    run_parser(package, parser, xml, path)
    farthest = _farthest(cells.letters, cells.digits)
    return None if cells.unplaced or farthest is None else farthest[0] * farthest[1]


class _HeldCells:
    """expat's handlers for :func:`_held_extent`: the letters and digits of the
    references of the cells holding anything, and whether one had none."""

    def __init__(self) -> None:
        self.letters: set[bytes] = set()
        self.digits: set[bytes] = set()
        self.unplaced = False
        self._refs: list[str | None] = []  # each open cell's reference...
        self._held: list[bool] = []  # ...and whether it holds anything yet

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self._holds()
        if name.rpartition("}")[2] == "c":
            self._refs.append(attributes.get("r"))
            self._held.append(False)

    def end(self, name: str) -> None:
        if name.rpartition("}")[2] == "c" and self._refs:
            self._refs.pop()
            self._held.pop()

    def text(self, data: str) -> None:
        if data.strip():
            self._holds()

    def _holds(self) -> None:
        """The open cell holds something: its reference counts (once)."""
        if not self._held or self._held[-1]:
            return
        self._held[-1] = True
        found = _REFERENCE.fullmatch(self._refs[-1] or "")
        if found is None or not found[0]:
            self.unplaced = True
        else:
            self.letters.add(found[1].encode())
            self.digits.add(found[2].encode())


def _farthest(letters: set[bytes], digits: set[bytes]) -> tuple[int, int] | None:
    """The largest row and column the references name; None when one is out of range:
    past ``XFD1048576``, or of more letters or digits than it (leading zeros aside),
    whatever they say (calamine would wrap them into a far cell)."""
    if max(map(len, letters), default=0) > _COLUMN_LETTERS or (
        max((len(number.lstrip(b"0")) for number in digits), default=0) > _ROW_DIGITS
    ):
        return None
    rows = max(map(int, filter(None, digits)), default=0)
    columns = max(map(_column_number, letters), default=0)
    return None if rows > MAX_ROWS or columns > MAX_COLUMNS else (rows, columns)


def _tags_at_most(xml: bytes) -> int:
    """At least the number of cell and row tags, counted fast: each such tag is ``<c``
    or ``<row``, or has ``:c`` or ``:row`` right after its prefix."""
    return sum(map(xml.count, _TAG_STARTS))


def _rectangle(rows: int, columns: int, unreferenced: int) -> int:
    extra = max(0, unreferenced)
    return (rows + extra) * (columns + extra)


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + char - 64
    return number


def _rows(grid: Sequence[Sequence[CellValue]]) -> list[list[CellValue]]:
    rows = [[_value(value) for value in row] for row in grid]
    for values in rows:
        while values and values[-1] is None:
            values.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _value(value: CellValue) -> CellValue:
    if value == "":
        return None
    if type(value) is float and value.is_integer() and abs(value) < _EXACT_INTEGERS:
        return int(value)
    if type(value) is str and "\x00" in value:
        return value.replace("\x00", NO_CHARACTER)
    return value


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
