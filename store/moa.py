"""MOA documents in the store: the parsed-fields cache and the URL -> bytes links."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.hashing import canonical_json
from store.models import MoaDocument, MoaLink


def cached_record(session: Session, sha256: str, version: str) -> dict[str, Any] | None:
    """The parsed record of a document kept for ``version``, if one is."""
    row = session.get(MoaDocument, sha256)
    if row is not None and row.parser_version == version:
        return dict(json.loads(row.record))
    return None


def keep_record(session: Session, sha256: str, version: str, record: dict[str, Any]) -> None:
    """Keep a document's parsed record for ``version``, replacing one of another."""
    values = _columns(record)
    row = session.get(MoaDocument, sha256)
    if row is None:
        session.add(MoaDocument(sha256=sha256, parser_version=version, **values))
        return
    row.parser_version = version
    for key, value in values.items():
        setattr(row, key, value)


def _columns(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "model": record.get("model"),
        "agency": record.get("agency"),
        "state": record.get("state"),
        "field_office": record.get("field_office"),
        "ice_signed": record.get("ice_signed"),
        "agency_signed": record.get("agency_signed"),
        "is_addendum": int(bool(record.get("is_addendum"))),
        "pages": record.get("pages"),
        "error": record.get("error"),
        "record": canonical_json(record),
    }


def record_link(session: Session, url: str, sha256: str, seen: str) -> None:
    row = session.get(MoaLink, url)
    if row is None:
        session.add(MoaLink(url=url, sha256=sha256, first_seen=seen, last_seen=seen))
    else:
        row.sha256, row.last_seen = sha256, seen


def documents(
    session: Session, urls: Collection[str] | None = None
) -> list[tuple[MoaLink, MoaDocument | None]]:
    """Every MOA link (of ``urls``, when given) with the parsed document it last
    served, sorted by URL."""
    query = select(MoaLink).order_by(MoaLink.url)
    if urls is not None:
        query = query.where(MoaLink.url.in_(sorted(urls)))
    return [(link, session.get(MoaDocument, link.sha256)) for link in session.scalars(query)]


def documents_by_url(session: Session) -> dict[str, MoaDocument]:
    """The parsed document each MOA URL last served."""
    result = {}
    for link, doc in documents(session):
        if doc is not None:
            result[link.url] = doc
    return result
