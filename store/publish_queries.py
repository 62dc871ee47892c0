"""Read queries for ``publish``: everything it shows, read once, as plain dicts.

Kept apart from :mod:`store.queries` so the site does not care how the store is laid out:
``ice287g.publish.model`` is the only caller.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import (
    AgencyModel,
    AgreementModel,
    MoaDocument,
    MoaLink,
    ParsedListingModel,
    PendingModel,
    Snapshot,
)
from store.versions import counts_by_content


def agencies(session: Session) -> list[dict[str, Any]]:
    """Every agency: stable id, state, current name and earlier names, by id."""
    rows = session.scalars(select(AgencyModel).order_by(AgencyModel.id))
    return [
        {"id": a.id, "state": a.state, "name": a.name, "aliases": json.loads(a.aliases or "[]")}
        for a in rows
    ]


def entries(session: Session, kind: str) -> list[dict[str, Any]]:
    """Agreements (``participating``) or pending applications (``pending``) as they
    stand, one per agency x model, with their first and last sighting, by key."""
    if kind == "participating":
        return [_entry(r) for r in session.scalars(select(AgreementModel).order_by("key"))]
    return [_entry(r) for r in session.scalars(select(PendingModel).order_by("key"))]


def _entry(r: AgreementModel | PendingModel) -> dict[str, Any]:
    return {
        "key": r.key,
        "agency_id": r.agency_id,
        "model": r.model,
        "status": r.status,
        "state": r.state,
        "agency": r.agency,
        "fields": json.loads(r.fields),
        "first_seen": r.first_seen,
        "last_seen": r.last_seen,
        "missing_since": r.missing_since,
    }


def snapshot_rows(session: Session) -> list[dict[str, Any]]:
    """Every snapshot's provenance and verdict, in observed order."""
    query = select(Snapshot).order_by(Snapshot.observed_at, Snapshot.seq)
    return [
        {
            "id": s.id,
            "observed_at": s.observed_at,
            "kind": s.kind,
            "sha256": s.sha256,
            "source": s.source,
            "archive_path": s.archive_path,
            "name": s.original_name or s.url,
            "url": s.url,
            "verdict": s.verdict,
            "kind_claimed": s.kind_claimed,
            "reason": s.reason,
            "note": s.note,
            "row_count": s.row_count,
        }
        for s in session.scalars(query)
    ]


def list_warnings(session: Session) -> dict[tuple[str, str], tuple[str, ...]]:
    """What the list parsers noticed in each archived list file (rows skipped, columns
    unknown, ...), by the file's sha256 and the list read from it (a file of both lists
    gives two): the notes of the reading the history was derived with.

    Principle: publish the notes the history was derived from, never a reading keyed on
    the installed parsers' version (after an upgrade, until the next pass derives the
    history again, the history still stands on the old reading, and is published as it
    stands). The parse cache holds one row per file (its key is the sha256), written in
    the pass that derived the history from it (a replay writes the new readings and the
    new derivation in one transaction): so each file's one row is the reading its
    snapshot was diffed from, whatever parser version wrote it. Only the row's header is
    read (its warnings), so a row kept in an older form still gives its notes."""
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    query = select(ParsedListingModel.sha256, ParsedListingModel.data).where(
        ParsedListingModel.data.is_not(None)
    )
    for sha, data in session.execute(query):
        for kind, warnings in _header_warnings(data or b""):
            found[(sha, kind)] = warnings
    return found


def _header_warnings(blob: bytes) -> list[tuple[str, tuple[str, ...]]]:
    """(list kind, warnings) of a cached parse result and of its file's other list, from
    its header line (``store.parsed.encode``); none for a result that cannot be read."""
    try:
        header: Any = json.loads(zlib.decompress(blob).decode().split("\n", 1)[0])
        found = []
        while isinstance(header, dict):
            found.append((str(header["kind"]), tuple(map(str, header["warnings"]))))
            header = header.get("other")
    except (ValueError, KeyError, TypeError, zlib.error):
        return []
    return found


def agreement_counts(session: Session, kind: str) -> dict[str, dict[tuple[str, str], int]]:
    """For each distinct content of a list: the number of distinct agencies per state
    and model (read from the list's intervals)."""
    return counts_by_content(session, kind)


def moa_documents(session: Session) -> list[dict[str, Any]]:
    """Every MOA URL with the bytes it last served and their parsed record, by URL."""
    found = []
    for link in session.scalars(select(MoaLink).order_by(MoaLink.url)):
        doc = session.get(MoaDocument, link.sha256)
        found.append(
            {
                "url": link.url,
                "sha256": link.sha256,
                "first_seen": link.first_seen,
                "last_seen": link.last_seen,
                "record": json.loads(doc.record) if doc is not None else None,
            }
        )
    return found
