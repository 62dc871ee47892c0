"""The parse cache of list files: each file's parse result kept by its sha256 and the
list parser's version (``parsers.detect.PARSER_VERSION``), so that ``import``, ``run``,
``backfill`` and ``rebuild`` parse each content once, whatever the number of times it
was captured."""

from __future__ import annotations

import dataclasses
import json
import zlib
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.hashing import canonical_json
from parsers.errors import ParseError
from parsers.records import ListingRow, ParsedListing
from store.models import ParsedListingModel as Model

ROW_FIELDS = tuple(f.name for f in dataclasses.fields(ListingRow))
SIGNED, FLAGS = ROW_FIELDS.index("signed"), ROW_FIELDS.index("flags")
CHUNK = 500

# A cached result: the parsed list, or the reason the file cannot be read.
Cached = ParsedListing | str


def encode(listing: ParsedListing) -> bytes:
    """A parsed list as compressed canonical JSON (rows as arrays, ROW_FIELDS order)."""
    rows = []
    for row in listing.rows:
        values = [getattr(row, name) for name in ROW_FIELDS]
        values[SIGNED] = row.signed.isoformat() if row.signed else None
        values[FLAGS] = list(row.flags)
        rows.append(values)
    data = {
        "kind": listing.kind,
        "columns": list(listing.columns),
        "source_format": listing.source_format,
        "warnings": list(listing.warnings),
        "fields": list(ROW_FIELDS),
        "rows": rows,
    }
    return zlib.compress(canonical_json(data).encode(), 6)


def decode(blob: bytes) -> ParsedListing:
    """The parsed list back from :func:`encode`'s bytes."""
    data = json.loads(zlib.decompress(blob))
    if tuple(data["fields"]) != ROW_FIELDS:
        raise ValueError("cached rows have other fields than ListingRow")
    rows = []
    for values in data["rows"]:
        values[SIGNED] = date.fromisoformat(values[SIGNED]) if values[SIGNED] else None
        values[FLAGS] = tuple(values[FLAGS])
        rows.append(ListingRow(*values))
    return ParsedListing(
        kind=data["kind"],
        rows=tuple(rows),
        columns=tuple(data["columns"]),
        source_format=data["source_format"],
        warnings=tuple(data["warnings"]),
    )


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


def load(session: Session, sha: str, version: str) -> Cached | None:
    """A file's cached result from this parser version, or None."""
    row = session.get(Model, sha)
    if row is None or row.parser_version != version:
        return None
    if row.error is not None or row.data is None:
        return row.error or "unreadable"
    try:
        return decode(row.data)
    except (ValueError, KeyError, TypeError, zlib.error):
        return None


def save(session: Session, sha: str, version: str, parsed: ParsedListing | ParseError) -> None:
    """Keep a file's parse result (replacing one from another parser version)."""
    values: dict[str, Any] = {"parser_version": version, "kind": None, "row_count": None}
    values["newest_signed"] = None
    if isinstance(parsed, ParseError):
        values |= {"error": parsed.reason, "data": None}
    else:
        newest = parsed.newest_signed
        values |= {"error": None, "data": encode(parsed), "kind": parsed.kind}
        values |= {"row_count": len(parsed.rows), "newest_signed": newest and newest.isoformat()}
    row = session.get(Model, sha)
    if row is None:
        session.add(Model(sha256=sha, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
