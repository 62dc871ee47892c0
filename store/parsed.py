"""The parse cache of list files: each file's parse result kept by its sha256 and the
list parsers' version (``parsers.versions.LISTS``), so that ``import``, ``run``,
``backfill`` and ``rebuild`` parse each content once, whatever the number of times it
was captured."""

from __future__ import annotations

import dataclasses
import functools
import json
import zlib
from collections.abc import Iterable
from datetime import date
from operator import attrgetter
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from common.hashing import canonical_json
from parsers.errors import ParseError
from parsers.records import ListingRow, ParsedListing
from store.models import ParsedListingModel as Model
from store.writer import bulk_insert

ROW_FIELDS = tuple(f.name for f in dataclasses.fields(ListingRow))
SIGNED, FLAGS = ROW_FIELDS.index("signed"), ROW_FIELDS.index("flags")
_ROW_VALUES = attrgetter(*ROW_FIELDS)
CHUNK = 500

# A cached result: the parsed list, or the reason the file cannot be read.
Cached = ParsedListing | str


MEMO_LIMIT = 5_000  # rows remembered by a RowMemo before it starts afresh (a few lists)


class RowMemo(dict[str, ListingRow]):
    """Rows already decoded, by their stored line: consecutive lists repeat most of
    their rows (a row holds no place in its sheet, so a row moved is the same row), so
    each distinct row is read and built once and shared (equal rows are then the same
    object, which the store's intervals compare first). Bounded: it starts afresh past
    MEMO_LIMIT rows."""

    def row(self, line: str) -> ListingRow:
        found = self.get(line)
        if found is None:
            if len(self) >= MEMO_LIMIT:
                self.clear()
            values = json.loads(line)
            values[FLAGS] = tuple(values[FLAGS])
            values[SIGNED] = date.fromisoformat(values[SIGNED]) if values[SIGNED] else None
            found = self[line] = ListingRow(*values)
        return found


def encode(listing: ParsedListing) -> bytes:
    """A parsed list as compressed lines: its header (canonical JSON: the list's kind,
    columns, warnings, row count and row numbers, and its file's other list's header),
    then each row on a line of its own (an array, ROW_FIELDS order; the canonical form
    writes a tuple as an array and a date as its ISO text, and escapes every line break
    inside a value), the other list's rows after its own. A row on a line of its own is
    read once however many lists repeat it (:class:`RowMemo`)."""
    lines = [canonical_json(_header(listing)), *_row_lines(listing)]
    return zlib.compress("\n".join(lines).encode(), 6)


def _header(listing: ParsedListing) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": listing.kind,
        "columns": list(listing.columns),
        "source_format": listing.source_format,
        "warnings": list(listing.warnings),
        "fields": list(ROW_FIELDS),
        "rows": len(listing.rows),
        "row_numbers": list(listing.row_numbers),
    }
    if listing.other is not None:  # the file's other list (a workbook of both)
        data["other"] = _header(listing.other)
    return data


def _row_lines(listing: ParsedListing) -> list[str]:
    lines = list(map(_row_line, listing.rows))
    return lines if listing.other is None else lines + _row_lines(listing.other)


@functools.lru_cache(maxsize=MEMO_LIMIT)
def _row_line(row: ListingRow) -> str:
    """A row's line, written once however many lists repeat it (a worker parsing a
    list's captures meets a few thousand distinct rows in tens of thousands)."""
    return canonical_json(_ROW_VALUES(row))


def decode(blob: bytes, memo: RowMemo | None = None) -> ParsedListing:
    """The parsed list back from :func:`encode`'s bytes (rows shared through ``memo``)."""
    header, *lines = zlib.decompress(blob).decode().split("\n")
    rows = list(map(RowMemo().row if memo is None else memo.row, lines))
    listing, rest = _decoded(json.loads(header), rows)
    if rest:
        raise ValueError("cached rows beyond those the header counts")
    return listing


def _decoded(
    data: dict[str, Any], rows: list[ListingRow]
) -> tuple[ParsedListing, list[ListingRow]]:
    """The list ``data`` heads, its rows the first of ``rows``; the rows after them."""
    count = data["rows"]
    if tuple(data["fields"]) != ROW_FIELDS or not isinstance(count, int) or count > len(rows):
        raise ValueError("cached rows in another form than this ListingRow's")
    other, rest = data.get("other"), rows[count:]
    if other is not None:
        other, rest = _decoded(other, rest)
    listing = ParsedListing(
        kind=data["kind"],
        rows=tuple(rows[:count]),
        columns=tuple(data["columns"]),
        source_format=data["source_format"],
        warnings=tuple(data["warnings"]),
        other=other,
        row_numbers=tuple(data["row_numbers"]),
    )
    return listing, rest


def cached_shas(session: Session, shas: Iterable[str], version: str) -> set[str]:
    """Which of these files have a cached result from this parser version."""
    wanted, found = sorted(set(shas)), set[str]()
    for start in range(0, len(wanted), CHUNK):
        query = select(Model.sha256).where(
            Model.sha256.in_(wanted[start : start + CHUNK]), Model.parser_version == version
        )
        found.update(session.scalars(query))
    return found


def newest_signed(session: Session, shas: Iterable[str], version: str) -> dict[str, date | None]:
    """The newest believed signed date inside each of these files that has a cached
    result from this parser version (None for an unreadable file or one without)."""
    wanted, found = sorted(set(shas)), dict[str, date | None]()
    for start in range(0, len(wanted), CHUNK):
        query = select(Model.sha256, Model.newest_signed).where(
            Model.sha256.in_(wanted[start : start + CHUNK]), Model.parser_version == version
        )
        for sha, newest in session.execute(query):
            found[sha] = date.fromisoformat(newest) if newest else None
    return found


def fetch(session: Session, shas: Iterable[str], version: str) -> dict[str, bytes | str]:
    """The cached results of these files from this parser version, as stored (one query
    for a batch): the encoded list, or the reason the file cannot be read."""
    wanted, found = sorted(set(shas)), dict[str, bytes | str]()
    for start in range(0, len(wanted), CHUNK):
        query = select(Model.sha256, Model.error, Model.data).where(
            Model.sha256.in_(wanted[start : start + CHUNK]), Model.parser_version == version
        )
        for sha, error, data in session.execute(query):
            found[sha] = _stored(error, data)
    return found


def _stored(error: str | None, data: bytes | None) -> bytes | str:
    """A cache row's result as :func:`fetch` gives it: the encoded list, or why the
    file cannot be read."""
    return data if error is None and data is not None else error or "unreadable"


def read(stored: bytes | str, memo: RowMemo | None = None) -> Cached | None:
    """A result from :func:`fetch`, decoded; None for one kept in an older form (the
    file is parsed again)."""
    if isinstance(stored, str):
        return stored
    try:
        return decode(stored, memo)
    except (ValueError, KeyError, TypeError, zlib.error):
        return None


class CacheRow(NamedTuple):
    """One file's row of the parse cache (its fields are the table's columns)."""

    sha256: str
    parser_version: str
    kind: str | None
    row_count: int | None
    newest_signed: str | None
    error: str | None
    data: bytes | None

    @property
    def stored(self) -> bytes | str:
        """What :func:`fetch` gives for it."""
        return _stored(self.error, self.data)


def cache_row(sha: str, version: str, parsed: ParsedListing | ParseError) -> CacheRow:
    """A file's parse result as a row of the cache."""
    if isinstance(parsed, ParseError):
        return CacheRow(sha, version, None, None, None, parsed.reason, None)
    signed = parsed.newest_signed
    newest = signed.isoformat() if signed else None
    data = encode(parsed)
    return CacheRow(sha, version, parsed.kind, len(parsed.rows), newest, None, data)


def save_many(session: Session, rows: list[CacheRow]) -> None:
    """Keep rows made by :func:`cache_row`, replacing those of the same files (from
    another parser version): a batch's at once."""
    unique = {row.sha256: row for row in rows}
    shas = sorted(unique)
    for start in range(0, len(shas), CHUNK):
        session.execute(delete(Model).where(Model.sha256.in_(shas[start : start + CHUNK])))
    table = cast(Table, Model.__table__)
    bulk_insert(session, table, CacheRow._fields, [tuple(unique[sha]) for sha in shas])
