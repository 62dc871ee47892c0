"""What a list's columns say of all their rows, read once per sheet before its rows
(``parsers/listing_rows.py``): the column whose cells link the MOAs when the MOA column
links none, and how the SIGNED column writes its dates (day first; midnights a time zone
moved back). Each reading that changes how rows are read adds a note."""

from __future__ import annotations

from parsers.dates import day_first_example, shifted_midnight
from parsers.link_columns import links_document
from parsers.listing_cells import cell_text
from parsers.listing_header import column_letter
from parsers.sheet_header import SheetHeader

DOCUMENT_LINKED_ROWS = 3  # rows a column must link documents from to hold the MOAs


def documents_linked_elsewhere(
    header: SheetHeader, found: list[int], notes: list[str]
) -> dict[int, str]:
    """A list of agreements whose MOA column links nothing (or that has none) may link
    each row's MOA from another cell (its agency's name): the one other column whose
    cells link documents (PDFs) on at least DOCUMENT_LINKED_ROWS rows holds them."""
    by_column: dict[int, dict[int, str]] = {}
    for (row, column), url in header.sheet.hyperlinks.items():
        if row > header.row and column not in found[6:8] and links_document(url):
            by_column.setdefault(column, {})[row] = url
    columns = [c for c, links in by_column.items() if len(links) >= DOCUMENT_LINKED_ROWS]
    if len(columns) != 1:
        return {}
    (column,) = columns
    named = cell_text(header.sheet.value(header.row, column))
    notes.append(
        f"no MOA column linking documents: the documents linked from column "
        f"{column_letter(column)} ({named!r}) are the rows' MOAs"
    )
    return by_column[column]


def dates_day_first(header: SheetHeader, column: int, notes: list[str]) -> bool:
    """Whether the SIGNED column writes its numeric dates day first (a column writes
    them in one order: ``dates.day_first_example``), with a note if so."""
    rows = range(header.row + 1, len(header.sheet.rows))
    cells = (header.sheet.value(row, column) for row in rows)
    example = day_first_example(cells) if column >= 0 else None
    if example is not None:
        named = cell_text(header.sheet.value(header.row, column))
        notes.append(
            f"column {column_letter(column)} ({named!r}) writes its dates day first "
            f"({example!r}): read so"
        )
    return example is not None


def dates_shifted(header: SheetHeader, column: int, notes: list[str]) -> bool:
    """Whether the SIGNED column's dates are midnights a time zone moved back
    (``dates.shifted_midnight``), with a note if so."""
    if column < 0:
        return False
    rows = range(header.row + 1, len(header.sheet.rows))
    moments = shifted_midnight(header.sheet.value(row, column) for row in rows)
    if moments is None:
        return False
    named = cell_text(header.sheet.value(header.row, column))
    said = " or ".join(moment.isoformat() for moment in moments)
    shift = "shift" if len(moments) == 1 else "shifts (standard and daylight time)"
    notes.append(
        f"column {column_letter(column)} ({named!r}) gives its dates the time "
        f"{said}, a time zone's {shift} of midnight: read as the next day"
    )
    return True
