"""The one place that builds things: config, database engine, archive, pipeline.

Commands receive an :class:`App` and ask it for what they need; nothing is built at
import time and nothing is global.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from common.errors import ConfigError
from common.times import implausible_observation, utc_iso
from diffs.gate import Rules
from diffs.identity import initial_aliases
from diffs.moa_reviewed import REVIEWED_FILE, ReviewedDocument, ReviewedError, load_reviewed
from ice287g import __version__
from ice287g.config import Config, MoaSettings
from ice287g.lock import RunLock
from ice287g.pipeline import Pipeline
from parsers.ocr import Ocr, find_tesseract
from parsers.urls import ICE_HOSTS, host_of
from snapshots.archive import Archive, IdRegistry
from store.db import open_engine

if TYPE_CHECKING:  # the HTTP side is imported by the commands that fetch (httpx is slow to load)
    import httpx

    from scraper.fetch import Fetcher
    from scraper.policy import FetchPolicy
    from scraper.wayback import WaybackClient


@dataclass
class App:
    """Lazily built collaborators of one CLI invocation."""

    config: Config
    _engine: Engine | None = field(default=None, repr=False)
    _archive: Archive | None = field(default=None, repr=False)
    _client: httpx.Client | None = field(default=None, repr=False)
    _ocr: tuple[Ocr | None] | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        """The database, made if it is not there (a command that writes the history)."""
        return self._opened(must_exist=False)

    @property
    def reader(self) -> Engine:
        """The database of a command that only reads it (``status``, ``publish``): a
        SQLite file that is not there is refused, never made (a mistyped path read as
        an empty history, which ``publish`` then published over the site)."""
        return self._opened(must_exist=True)

    def _opened(self, must_exist: bool) -> Engine:
        if self._engine is None:
            db = self.config.database
            self._engine = open_engine(
                self.config.db,
                connect_timeout=db.connect_timeout,
                statement_timeout=db.statement_timeout,
                must_exist=must_exist,
            )
        return self._engine

    @property
    def archive(self) -> Archive:
        if self._archive is None:
            self._archive = Archive(self.config.snapshots)
        return self._archive

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """The run lock held (``LockHeld`` at once when another pass holds it), and with
        it what a killed pass left half-written in the archive swept away."""
        with RunLock(self.config.lock_file):
            self._evidence_kept()
            self.archive.sweep_temporaries()
            yield

    def _evidence_kept(self) -> None:
        """The archive is the evidence the database was derived from: one holding no
        observation while the database records snapshots (a folder moved or lost, a
        mistyped ``--snapshots``) is refused, not begun anew: a ``rebuild`` replayed
        nothing and dropped the history, exit 0; a pass began a second archive, and a
        rebuild later lost what the first held. So is an archive lacking more snapshots
        the database records than its manifest has damaged lines (each skipped and named,
        the history then lacking it): another archive (the seed archive, the default,
        given for another one's history), whose rebuild dropped what it lacked."""
        from store.db import transaction
        from store.writer import known_snapshot_ids

        with transaction(self.engine) as session:
            recorded = known_snapshot_ids(session)
        if not recorded:
            return
        if not self.archive.manifest_path.exists():
            raise ConfigError(
                f"the archive {self.archive.root} holds no observation, but the database "
                f"records {len(recorded)} snapshots derived from one: give the archive they "
                "came from (--snapshots, archive.snapshots); nothing done"
            )
        lacking = recorded - {obs.snapshot_id for obs in self.archive.observations()}
        # lines of its manifest that are no observation (torn, mistyped) lack theirs:
        # skipped and named, as the README says, not another archive
        if len(lacking) > len(self.archive.damaged):  # another archive's history
            raise ConfigError(
                f"the database records {len(lacking)} snapshots the archive "
                f"{self.archive.root} does not hold: it was derived from another archive; "
                "give the archive it came from (--snapshots, archive.snapshots), or "
                "another database; nothing done"
            )

    def rules(self) -> Rules:
        return self.config.diff

    def pipeline(self) -> Pipeline:
        return Pipeline(
            self.engine,
            self.archive,
            self.rules(),
            initial_aliases(IdRegistry(self.archive.root).load()),
            self.ocr,
            self.reviewed(),
        )

    def reviewed(self) -> Mapping[str, ReviewedDocument]:
        """The reviewed MOA values (``moa.reviewed``); a malformed file is a ConfigError."""
        path = Path(self.config.moa.reviewed) if self.config.moa.reviewed else REVIEWED_FILE
        if not path.is_file():  # a file named is a file read: no values silently lost
            raise ConfigError(f"moa.reviewed: no such file: {path}")
        try:
            return load_reviewed(path)
        except (ReviewedError, OSError) as exc:
            raise ConfigError(f"moa.reviewed: {exc}") from exc

    def with_moa_ocr(self, mode: str) -> App:
        """This app with ``moa.ocr`` set to ``mode`` (a command-line override)."""
        moa = replace(self.config.moa, ocr=mode)
        return App(replace(self.config, moa=moa), self._engine, self._archive, self._client)

    def ocr(self) -> Ocr | None:
        """The OCR engine for MOA pages without text, per ``moa.ocr``; found once."""
        if self._ocr is None:
            self._ocr = (_find_ocr(self.config.moa),)
        return self._ocr[0]

    def fetch_policy(self) -> FetchPolicy:
        """The HTTP policy from config; a non-ICE base URL's host is allowed too."""
        from scraper.policy import FetchPolicy, make_user_agent

        f, src = self.config.fetch, self.config.source
        policy = FetchPolicy(
            user_agent=make_user_agent(src.contact, __version__),
            connect_timeout=f.connect_timeout,
            read_timeout=f.read_timeout,
            max_retries=f.max_retries,
            backoff_base=f.backoff_base,
            backoff_max=f.backoff_max,
            retry_after_max=f.retry_after_max,
            per_host_min_interval=f.per_host_interval,
            max_page_bytes=f.max_page_bytes,
            max_sheet_bytes=f.max_sheet_bytes,
            max_pdf_bytes=f.max_pdf_bytes,
            download_timeout=f.download_deadline,
            allowed_hosts=_allowed_hosts(src.allowed_hosts, src.base_url),
        )
        return policy.allowing(src.base_url)

    def http_client(self) -> httpx.Client:
        """A new HTTP client (the caller closes it); one per command."""
        from scraper.policy import build_client

        if self._client is None:
            self._client = build_client(self.fetch_policy())
        return self._client

    def fetcher(self) -> Fetcher:
        from scraper.fetch import Fetcher

        return Fetcher(self.http_client(), self.fetch_policy())

    def wayback(self, cdx_url: str | None = None, archive_url: str | None = None) -> WaybackClient:
        from scraper.fetch import Fetcher
        from scraper.wayback import WaybackClient

        w = self.config.wayback
        policy = self.fetch_policy()
        for url in (cdx_url, archive_url, w.cdx_url, w.archive_url):
            if url:
                policy = policy.allowing(url)
        return WaybackClient(
            self.http_client(),
            Fetcher(self.http_client(), policy),
            cdx_url=cdx_url or w.cdx_url,
            archive_url=archive_url or w.archive_url,
            cdx_min_interval=w.cdx_min_interval,
            backoff_429=w.backoff_429,
            cdx_max_retries=policy.max_retries,  # fetch.max_retries, for the CDX too
        )

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._engine is not None:
            self._engine.dispose()


def _allowed_hosts(configured: tuple[str, ...], base_url: str) -> tuple[str, ...]:
    """The hosts a fetcher may reach: with a mirror as base URL, never ICE itself (a
    link or a redirect to www.ice.gov is an error, not a request to the real site)."""
    if host_of(base_url) in ICE_HOSTS:
        return configured
    kept = tuple(h for h in configured if h.split(":")[0].lower() not in ICE_HOSTS)
    return kept or (host_of(base_url) or base_url,)


def end_of_day(text: str | None) -> str | None:
    """``2025-04-04`` -> ``2025-04-04T23:59:59Z`` (the end of that UTC day)."""
    if text is None:
        return None
    day = parse_day(text)
    return utc_iso(datetime.combine(day, time(23, 59, 59), tzinfo=UTC))


def start_of_day(text: str | None) -> str | None:
    if text is None:
        return None
    return utc_iso(datetime.combine(parse_day(text), time(0, 0, 0), tzinfo=UTC))


def start_of(text: str | None) -> str | None:
    """A date's first instant (UTC), or a date-time itself (naive means UTC): where a
    window given as either begins."""
    if text is None or len(text.strip()) <= 10:
        return start_of_day(text)
    return utc_iso(parse_moment(text))


def parse_day(text: str) -> date:
    """A day flag: ``YYYY-MM-DD`` and nothing more (a date-time, or a date with more
    after it, names another day than its first ten characters may: refused)."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError(text)
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ConfigError(f"{text!r} is not a date (expected YYYY-MM-DD)") from exc


def parse_moment(text: str) -> datetime:
    """A date-time flag: ISO 8601, naive means UTC; a bare date means its noon UTC."""
    try:
        if len(text.strip()) == 10:
            moment = datetime.combine(date.fromisoformat(text.strip()), time(12), tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ConfigError(
            f"{text!r} is not a date-time (expected e.g. 2025-04-04T23:10:38Z)"
        ) from exc
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    wrong = implausible_observation(moment, datetime.now(UTC))
    if wrong:
        raise ConfigError(f"--observed-at {text!r}: {wrong}")
    return moment


def _find_ocr(settings: MoaSettings) -> Ocr | None:
    if settings.ocr == "off":
        return None
    found = find_tesseract(settings.tesseract, settings.ocr_dpi)
    if found is None and settings.ocr == "required":
        raise ConfigError(
            f"OCR is required (--ocr, or moa.ocr = 'required') but {settings.tesseract!r} "
            "does not run with the English model: install tesseract-ocr (Debian/Ubuntu: "
            "apt-get install tesseract-ocr), name the program in moa.tesseract, or read "
            "without OCR (--no-ocr, moa.ocr = 'auto' or 'off')"
        )
    return found
