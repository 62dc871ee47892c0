"""Tell what a file is from its bytes, and hand it to the right list parser."""

from __future__ import annotations

from parsers.errors import ParseError
from parsers.records import ParsedListing

SUFFIXES = {"xlsx": ".xlsx", "html": ".html", "pdf": ".pdf"}


def sniff(data: bytes) -> str:
    """``xlsx``, ``html``, ``pdf``, ``ole`` (legacy or encrypted Office), ``empty``, ``unknown``."""
    head = data[:2048].lstrip()
    if not head:
        return "empty"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    lowered = head.lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered:
        return "html"
    if b"<table" in lowered or b"<body" in lowered or b"<div" in lowered:
        return "html"
    return "unknown"


def parse_listing(data: bytes, source: str) -> ParsedListing:
    """Parse a participating or pending list from XLSX or a saved legacy HTML page."""
    kind = sniff(data)
    if kind == "xlsx":
        from parsers.xlsx_listing import parse_listing_xlsx

        return parse_listing_xlsx(data, source)
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
