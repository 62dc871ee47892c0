"""SQLAlchemy 2 models. Everything here is derived from the snapshot archive.

Times are stored as ISO 8601 UTC strings (``2025-04-04T23:10:38Z``): they sort as
text, compare the same on SQLite and PostgreSQL, and export byte for byte.
JSON values are stored as canonical JSON text for the same reason.
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

TIME = String(20)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Snapshot(Base):
    """One observation of one file: provenance and the quality gate's verdict."""

    __tablename__ = "snapshots"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    observed_at: Mapped[str] = mapped_column(TIME, index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(16))
    kind_claimed: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(16))
    format: Mapped[str | None] = mapped_column(String(16))
    url: Mapped[str | None] = mapped_column(Text)
    original_name: Mapped[str | None] = mapped_column(Text)
    archive_path: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer, default=0)
    verdict: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    row_count: Mapped[int | None] = mapped_column(Integer)
    http: Mapped[str | None] = mapped_column(Text)


class ListVersion(Base):
    """One version of one row of a list (an agreement or a pending application), with
    the accepted snapshots where it starts and ends: a list is stored as intervals, so
    the store grows with changes, not with captures. ``to_seq`` / ``valid_to`` are
    null while the version is still on the list. ``dup`` counts rows repeating the same
    agency and model within one list (0 for the first, the one ``status`` shows)."""

    __tablename__ = "list_versions"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    model_key: Mapped[str] = mapped_column(String(4), primary_key=True)
    dup: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_seq: Mapped[int | None] = mapped_column(Integer)
    valid_from: Mapped[str] = mapped_column(TIME)
    valid_to: Mapped[str | None] = mapped_column(TIME)
    from_snapshot: Mapped[str] = mapped_column(String(40))
    to_snapshot: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(4))
    agency: Mapped[str] = mapped_column(Text)
    model: Mapped[str | None] = mapped_column(String(4))
    model_raw: Mapped[str | None] = mapped_column(Text)
    agency_type: Mapped[str | None] = mapped_column(Text)
    county: Mapped[str | None] = mapped_column(Text)
    signed: Mapped[str | None] = mapped_column(String(10))
    signed_raw: Mapped[str | None] = mapped_column(Text)
    moa_url: Mapped[str | None] = mapped_column(Text)
    moa_text: Mapped[str | None] = mapped_column(Text)
    addendum_url: Mapped[str | None] = mapped_column(Text)
    flags: Mapped[str | None] = mapped_column(Text)


class AgencyModel(Base):
    """A stable agency identity with its current name and the names it had."""

    __tablename__ = "agencies"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str] = mapped_column(String(4), index=True)
    name: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(Text)
    aliases: Mapped[str] = mapped_column(Text, default="[]")


class _EntryColumns:
    key: Mapped[str] = mapped_column(String(220), primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(200), index=True)
    model: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(16))
    state: Mapped[str | None] = mapped_column(String(4))
    agency: Mapped[str | None] = mapped_column(Text)
    fields: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[str] = mapped_column(TIME)
    last_seen: Mapped[str] = mapped_column(TIME)
    missing_since: Mapped[str | None] = mapped_column(TIME)


class AgreementModel(_EntryColumns, Base):
    """An agreement (agency x model) as it stands after the last accepted snapshot."""

    __tablename__ = "agreements"


class PendingModel(_EntryColumns, Base):
    """A pending application (agency x model) as it stands now."""

    __tablename__ = "pending_applications"


class EventModel(Base):
    """One event of the public vocabulary, with its window and provenance."""

    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(String(240), index=True)
    state: Mapped[str | None] = mapped_column(String(4), index=True)
    agency: Mapped[str | None] = mapped_column(Text)
    agency_id: Mapped[str | None] = mapped_column(String(200), index=True)
    model: Mapped[str | None] = mapped_column(String(4))
    effective_date: Mapped[str | None] = mapped_column(String(10))
    window_start: Mapped[str | None] = mapped_column(TIME)
    window_end: Mapped[str] = mapped_column(TIME, index=True)
    recorded_at: Mapped[str] = mapped_column(TIME, index=True)
    start_snapshot: Mapped[str | None] = mapped_column(String(40))
    end_snapshot: Mapped[str] = mapped_column(String(40))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    provenance: Mapped[str] = mapped_column(Text)


class EngineState(Base):
    """The diff engine's state after the last processed snapshot (canonical JSON,
    zlib-compressed)."""

    __tablename__ = "engine_state"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    processed_through: Mapped[str | None] = mapped_column(String(80))
    data: Mapped[bytes] = mapped_column(LargeBinary)


Index("ix_snapshots_kind_verdict", Snapshot.kind, Snapshot.verdict, Snapshot.observed_at)
Index("ix_list_versions_kind_to_seq", ListVersion.kind, ListVersion.to_seq)


class FetchState(Base):
    """Operational memory of the live scraper, one row per URL: validators for
    conditional requests, when it was last checked and how that went. Not derived from
    the archive, so ``rebuild`` keeps it."""

    __tablename__ = "fetch_state"
    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    last_checked: Mapped[str | None] = mapped_column(TIME)
    fetched_whole_at: Mapped[str | None] = mapped_column(TIME)  # the last 200
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)


class MoaDocument(Base):
    """Parsed fields of one MOA or addendum PDF, cached by its sha256 and the parser
    version (a pure function of the bytes, so ``rebuild`` keeps it)."""

    __tablename__ = "moa_documents"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    parser_version: Mapped[str] = mapped_column(String(16))
    model: Mapped[str | None] = mapped_column(String(4))
    agency: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str | None] = mapped_column(String(4))
    field_office: Mapped[str | None] = mapped_column(Text)
    ice_signed: Mapped[str | None] = mapped_column(String(10))
    agency_signed: Mapped[str | None] = mapped_column(String(10))
    is_addendum: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    record: Mapped[str] = mapped_column(Text)


class MoaLink(Base):
    """Which bytes a MOA URL served, as last observed (derived from the archive)."""

    __tablename__ = "moa_links"
    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    first_seen: Mapped[str] = mapped_column(TIME)
    last_seen: Mapped[str] = mapped_column(TIME)


class ParsedListingModel(Base):
    """A list file's parse result, cached by its sha256 and the list parser's version
    (a pure function of the bytes, so ``rebuild`` keeps it): a file observed again is
    never parsed again. ``data`` is the parsed list as zlib-compressed canonical JSON;
    ``error`` the reason a file is unreadable."""

    __tablename__ = "parsed_listings"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    parser_version: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(16))
    row_count: Mapped[int | None] = mapped_column(Integer)
    newest_signed: Mapped[str | None] = mapped_column(String(10))
    error: Mapped[str | None] = mapped_column(Text)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
