"""A list's link columns, read as a whole: each one's hyperlinks by row, whether it
holds links written as text, whether a link leads to a document, and the cells whose
HYPERLINK formula gave no link. Pure functions of a sheet."""

from __future__ import annotations

from urllib.parse import urlsplit

from parsers.listing_cells import link_cell
from parsers.listing_header import column_letter
from parsers.urls import repair_url
from parsers.xlsx import Sheet


def column_links(sheet: Sheet, column: int) -> dict[int, str]:
    """The hyperlinks of one column by row (none for a missing column, ``-1``)."""
    return {row: url for (row, at), url in sheet.hyperlinks.items() if at == column >= 0}


def texts_link(sheet: Sheet, header: int, column: int) -> bool:
    """Whether a cell of ``column`` under the header holds a link as text."""
    rows = range(header + 1, len(sheet.rows))
    return column >= 0 and any(link_cell(sheet.value(row, column))[1] for row in rows)


def links_document(url: str) -> bool:
    """Whether a link leads to a document (a PDF), wrappers aside."""
    repaired = repair_url(url)
    return repaired is not None and urlsplit(repaired).path.lower().endswith(".pdf")


def unread_links(sheet: Sheet, columns: dict[str, int]) -> dict[int, list[str]]:
    """By row, a warning for each link column cell whose HYPERLINK formula gave no link
    (its URL is not a literal: a reference or a concatenation, not evaluated)."""
    unread: dict[int, list[str]] = {}
    for name, column in columns.items():
        for row, at in sorted(sheet.unread_links):
            if at == column >= 0:
                unread.setdefault(row, []).append(
                    f"row {row + 1}: the link of {name} cell {column_letter(column)}{row + 1} "
                    "could not be read (a HYPERLINK formula whose URL is not a literal)"
                )
    return unread
