"""Tell what a file is from its bytes, and hand it to the right list parser."""

from __future__ import annotations

from dataclasses import replace

from parsers.errors import ParseError
from parsers.formats import sniff
from parsers.records import ParsedListing

MAX_WARNINGS = 100
"""The warnings a list keeps in full: notes are for a person to read, and a hostile
file of 200,000 unreadable rows gave 200,000 (printed by ``import``, stored, published);
past these, one more line counts the rest."""


def parse_listing(data: bytes, source: str) -> ParsedListing:
    """Parse a participating or pending list from XLSX, delimited text (CSV) or a saved
    legacy HTML page."""
    listing = _parse(data, source)
    if len(listing.warnings) <= MAX_WARNINGS:
        return listing
    more = len(listing.warnings) - MAX_WARNINGS
    kept = (*listing.warnings[:MAX_WARNINGS], f"{more:,} more warnings not shown")
    return replace(listing, warnings=kept)


def _parse(data: bytes, source: str) -> ParsedListing:
    kind = sniff(data)
    if kind == "xlsx":
        from parsers.xlsx_listing import parse_listing_xlsx

        return parse_listing_xlsx(data, source)
    if kind == "csv":
        from parsers.delimited import read_delimited
        from parsers.xlsx_listing import parse_listing_sheets

        return parse_listing_sheets([read_delimited(data, source)], source, "csv")
    if kind == "html":
        from parsers.legacy_html import parse_legacy_page

        return parse_legacy_page(data, source)
    reasons = {
        "empty": "empty file",
        "ole": "encrypted or legacy .xls file, not an XLSX",
        "pdf": "a PDF, not a list",
        "unknown": "not a spreadsheet or HTML page",
    }
    raise ParseError(source, reasons[kind])
