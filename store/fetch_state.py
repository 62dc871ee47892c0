"""The live scraper's operational memory: one :class:`FetchState` row per fetched URL.

Validators (ETag, Last-Modified) make the next request conditional; ``last_checked``
paces the slower MOA re-checks; ``failures`` and ``last_error`` remember what went
wrong so the next pass retries it. This table is not derived from the archive, so
``rebuild`` keeps it. Write validators only after the bytes are recorded in the
archive: a pass killed in between then simply fetches the file again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.hashing import bounded
from common.times import parse_utc, utc_iso
from parsers.urls import MAX_URL_CHARS
from store.models import FetchState


def get(session: Session, url: str) -> FetchState | None:
    """The state of ``url``, or None when it was never fetched."""
    return session.get(FetchState, url)


def all_states(session: Session) -> dict[str, FetchState]:
    """Every known URL's state, by URL."""
    return {row.url: row for row in session.scalars(select(FetchState))}


def _row(session: Session, url: str, kind: str) -> FetchState:
    row = session.get(FetchState, url)
    if row is None:
        row = FetchState(url=url, kind=kind, failures=0)
        session.add(row)
    row.kind = kind
    return row


def mark_fetched(
    session: Session,
    url: str,
    kind: str,
    *,
    status: int,
    sha256: str | None,
    etag: str | None,
    last_modified: str | None,
    checked_at: datetime,
) -> None:
    """A successful fetch (200 whose bytes are recorded, or 304): keep its validators."""
    row = _row(session, url, kind)
    if status != 304:
        row.etag, row.last_modified = etag, last_modified
        row.sha256 = sha256
        row.fetched_whole_at = utc_iso(checked_at)
    row.last_status = status
    row.last_checked = utc_iso(checked_at)
    row.last_error = None
    row.failures = 0


def mark_failed(
    session: Session, url: str, kind: str, error: str, checked_at: datetime, status: int | None
) -> None:
    """A failed fetch: count it and keep the reason; validators stay as they were."""
    row = _row(session, url, kind)
    row.failures = (row.failures or 0) + 1
    row.last_error = error
    row.last_status = status
    row.last_checked = utc_iso(checked_at)


def is_due(row: FetchState | None, now: datetime, every_hours: float) -> bool:
    """Whether a successfully fetched URL should be checked again (never fetched: yes)."""
    if row is None or row.sha256 is None or row.last_checked is None:
        return True
    return not _within(row.last_checked, every_hours, now)


def validators_trusted(row: FetchState | None, now: datetime, hours: float) -> bool:
    """Whether a URL's validators (ETag, Last-Modified) may still be sent: its last whole
    download is younger than ``hours`` (a server may keep them for bytes overwritten in
    place, answering 304 for ever)."""
    return (
        row is not None
        and row.fetched_whole_at is not None
        and (_within(row.fetched_whole_at, hours, now))
    )


def _within(when: str, hours: float, now: datetime) -> bool:
    return parse_utc(when) + timedelta(hours=hours) > now


REPORTED = "ice287g:reported"
"""The row (not a URL) that says through when the live passes reported their news: the
newest ``recorded_at`` of the events the last whole pass found. A pass killed after
recording (the MOA step, a reboot) leaves it, so the next pass reports what it did."""


PUBLISHED = "ice287g:published"
"""The rows (one a folder, ``ice287g:published:<folder>``) that say through when
``publish.dir`` was brought up to date by a pass: the newest ``recorded_at`` then. A
site behind the history (its publication failed, or its pass was killed publishing)
is published again by the next pass."""


def published_through(session: Session, folder: str) -> str | None:
    return _through(session, _published(folder))


def mark_published(session: Session, folder: str, through: str) -> None:
    _row(session, _published(folder), "report").last_checked = through


def _published(folder: str) -> str:
    return bounded(f"{PUBLISHED}:{folder}", MAX_URL_CHARS)


def reported_through(session: Session) -> str | None:
    return _through(session, REPORTED)


def mark_reported(session: Session, through: str) -> None:
    _row(session, REPORTED, "report").last_checked = through


def _through(session: Session, mark: str) -> str | None:
    """The time a mark row (``REPORTED``, ``PUBLISHED``) says, None when there is none."""
    row = session.get(FetchState, mark)
    return row.last_checked if row is not None else None
