"""A defensive XLSX reader: cell values and hyperlinks, nothing else.

- ``container``: the zip, its limits (zip bombs refused before and while inflating);
- ``parts``: XML parts parsed safely, relationships, the workbook's list of sheets;
- ``values``: cell values, read by calamine;
- ``links``: cell hyperlinks, from the sheet's ``<hyperlinks>`` and relationships;
- ``columns``: which columns the sheet hides, from its ``<cols>``;
- ``rows``: which rows the sheet hides, from its ``<row hidden="1">`` start tags;
- ``formulas``: cell links written as ``HYPERLINK("url", …)`` formulas with a literal URL;
- merged ranges as calamine reads them (the covered cells themselves hold no value).

Every failure on bytes input is a :class:`~parsers.errors.ParseError` naming the source
and giving a one-line reason. Coordinates are 0-based: ``sheet.rows[0]`` is sheet row 1
and ``sheet.hyperlinks[(0, 5)]`` is the link of cell F1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parsers.errors import ParseError
from parsers.xlsx.columns import hidden_columns
from parsers.xlsx.container import DEFAULT_LIMITS, Package, ReadLimits
from parsers.xlsx.formulas import formula_links
from parsers.xlsx.links import sheet_links
from parsers.xlsx.parts import shared_strings, sheet_entries
from parsers.xlsx.rows import hidden_rows
from parsers.xlsx.values import (
    MAX_ROWS,
    CellValue,
    Coordinate,
    Merge,
    open_values,
    shared_string_sizes,
    sheet_rows,
)

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_ROWS",
    "CellValue",
    "Coordinate",
    "Merge",
    "ReadLimits",
    "Sheet",
    "read_workbook",
]


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its name, visibility, values by row and hyperlinks by cell.

    ``rows[r][c]`` is the value of sheet cell (r + 1, c + 1); ``hyperlinks`` maps 0-based
    ``(row, column)`` to the link target exactly as stored (XML-unescaped), with
    ``#location`` appended (or alone) for links into the workbook. A cell whose formula
    is a HYPERLINK call with a literal URL links to that URL, unless a ``<hyperlinks>``
    link on the same cell (what a click opens) wins. ``unread_links`` are the cells with
    no link whose HYPERLINK formula names its URL otherwise (a reference, a
    concatenation): nothing is evaluated. ``merged`` are the merged ranges, as
    (top-left, bottom-right) 0-based cells, as the file declares them.
    ``hidden_columns`` are the 0-based columns of the data the sheet hides, and
    ``hidden_rows`` its 0-based rows.
    """

    name: str
    rows: list[list[CellValue]]
    hyperlinks: dict[Coordinate, str] = field(default_factory=dict)
    state: str = "visible"
    unread_links: frozenset[Coordinate] = frozenset()
    merged: tuple[Merge, ...] = ()
    hidden_columns: frozenset[int] = frozenset()
    hidden_rows: frozenset[int] = frozenset()

    @property
    def hidden(self) -> bool:
        """True for hidden and very hidden sheets."""
        return self.state != "visible"

    def value(self, row: int, column: int) -> CellValue:
        """The value at 0-based (row, column), None outside the data."""
        if 0 <= row < len(self.rows) and 0 <= column < len(self.rows[row]):
            return self.rows[row][column]
        return None

    def link(self, row: int, column: int) -> str | None:
        """The hyperlink target at 0-based (row, column), if any."""
        return self.hyperlinks.get((row, column))


def read_workbook(
    data: bytes, source: str = "<bytes>", limits: ReadLimits = DEFAULT_LIMITS
) -> list[Sheet]:
    """Every worksheet of an XLSX file, in workbook order.

    Raises ParseError (and nothing else on bytes input) when ``data`` is not a readable
    XLSX, with a one-line reason.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ParseError(source, f"expected bytes, got {type(data).__name__}")
    package = Package.open(bytes(data), source, limits)
    entries = sheet_entries(package)
    workbook = open_values(package)
    sizes = shared_string_sizes(shared_strings(package))
    sheets = []
    for entry in entries:
        xml = package.read(entry.path)
        rows, merged = sheet_rows(package, workbook, entry, xml, sizes)
        width = max(map(len, rows), default=0)
        links = sheet_links(package, entry, xml, len(rows), width)
        formulas = formula_links(package, entry.path, xml)
        if formulas.links:
            links = {**formulas.links, **links}
        unread = frozenset(cell for cell in formulas.unread if cell not in links)
        hidden = hidden_columns(package, entry, xml, width)
        sheets.append(
            Sheet(
                entry.name,
                rows,
                links,
                entry.state,
                unread,
                tuple(merged),
                hidden,
                hidden_rows(xml, len(rows)),
            )
        )
    return sheets
