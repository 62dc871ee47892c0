"""Wayback captures as the backfill keeps track of them: the CDX queries it lists, how a
capture is named and recognised, the saved progress of an unfinished backfill (the
state file), and what the archive already holds. Used by ``ice287g/backfill.py``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from parsers.filenames import claimed_kind
from scraper.policy import Expect
from scraper.wayback import PAGE_URLS, SHEET_PREFIX, Capture, MatchType, wayback_digest
from snapshots.archive import Archive, Observation, atomic_write

STATE_VERSION = 1
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls")
# a failure that may pass if tried later: retries ran out, a drip, a server asking us to
# come back later than we wait (``Retry-After of 3600 s exceeds the cap``: a rate limit)
TRANSIENT_MARKERS = ("gave up after", "download slower", "Retry-After of")
CAPTURE_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


@dataclass(frozen=True)
class CdxQuery:
    """One CDX query of the backfill: a URL or prefix, and what its captures must be."""

    pattern: str
    match_type: MatchType
    expect: Expect

    @property
    def key(self) -> str:
        return f"{self.match_type} {self.pattern}"


def cdx_queries() -> tuple[CdxQuery, ...]:
    """The page under each of its URLs, then the spreadsheets."""
    pages = tuple(CdxQuery(url, "exact", "page") for url in PAGE_URLS)
    return (*pages, CdxQuery(SHEET_PREFIX, "prefix", "sheet"))


@dataclass(frozen=True)
class Failure:
    """A capture that could not be used, and why."""

    ident: str
    reason: str
    permanent: bool
    earlier: bool = False


# --------------------------------------------------------------------------- naming


def capture_ident(timestamp: str, original: str) -> str:
    """A capture's identity: ``<14-digit timestamp> <original URL>``."""
    return f"{timestamp} {original}"


def capture_name(original: str, timestamp: str, expect: Expect = "any") -> str:
    """The archived file name: the URL's base name plus the timestamp.

    ``.../participatingAgencies.xlsx`` at ``20250221214937`` gives
    ``participatingAgencies-20250221214937.xlsx`` (the form the corpus uses); a page
    URL without an extension gets ``.html``.
    """
    segments = [s for s in urlsplit(original).path.split("/") if s]
    base = unquote(segments[-1]) if segments else ""
    stem, dot, ext = base.rpartition(".")
    if not (dot and stem and ext.isalnum()):
        stem = base or urlsplit(original).netloc or "capture"
        ext = "html" if expect == "page" else ""
    return f"{stem}-{timestamp}" + (f".{ext}" if ext else "")


def is_spreadsheet_url(original: str) -> bool:
    """Whether a URL under the sheet prefix names a list: a spreadsheet (not a PDF or a
    page), or delimited text (``.csv``) whose name claims a list (CSV is also the form
    of other data the folder may hold, such as statistics)."""
    path = unquote(urlsplit(original).path)
    if path.lower().endswith(SPREADSHEET_SUFFIXES):
        return True
    return path.lower().endswith(".csv") and claimed_kind(path.rsplit("/", 1)[-1]) is not None


def is_under_sheet_prefix(url: str) -> bool:
    """Whether a URL lies in the sheet folder the backfill lists by prefix (the CDX
    compares URLs case-folded)."""
    return url_key(url).startswith(SHEET_PREFIX.lower())


def url_key(url: str) -> str:
    """A URL as the CDX compares it: host and path, case-folded, without the scheme,
    port or query (``www.ice.gov/doclib/...``)."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    return f"{parts.hostname or ''}{parts.path}".lower()


def capture_of(obs: Observation) -> str | None:
    """The capture a wayback observation records (its ident), or None."""
    capture = obs.http.get("capture") if isinstance(obs.http, dict) else None
    if not isinstance(capture, dict) or not capture.get("original"):
        stamp = "".join(ch for ch in obs.observed_at if ch.isdigit())
        capture = {"timestamp": stamp, "original": obs.url}
    if capture.get("timestamp") and capture.get("original"):
        return capture_ident(capture["timestamp"], capture["original"])
    return None


def is_transient(reason: str) -> bool:
    """Whether a fetch failure may succeed if tried again (retries ran out)."""
    return any(marker in reason for marker in TRANSIENT_MARKERS)


# --------------------------------------------------------------------------- state


class StateFile:
    """The backfill's saved progress: the listing under way and the failed captures.

    ``run`` holds the listing of an unfinished backfill (per CDX query: the captures
    listed so far, the resume key after them, whether the listing is done); it is
    dropped when the backfill completes, so the next run lists the CDX afresh and finds
    new captures. ``failures`` maps a capture to its reason; permanent ones are not
    retried. Every save replaces the file atomically.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = self._load()

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            data = {}
        data.setdefault("version", STATE_VERSION)
        data.setdefault("run", None)
        data.setdefault("failures", {})
        return data

    def save(self) -> None:
        text = json.dumps(self.data, indent=1, sort_keys=True, ensure_ascii=False)
        atomic_write_text(self.path, text + "\n")

    def begin(self, params: dict[str, str | None]) -> dict[str, Any]:
        """The listing to continue: the saved one if it had the same params, else a new one."""
        run = self.data.get("run")
        if not isinstance(run, dict) or run.get("params") != params:
            run = {"params": params, "queries": {}}
            self.data["run"] = run
        return run

    def query(self, run: dict[str, Any], query: CdxQuery) -> dict[str, Any]:
        entry: dict[str, Any] = run["queries"].setdefault(
            query.key, {"resume_key": None, "done": False, "captures": []}
        )
        return entry

    def finish(self) -> None:
        """The backfill completed: drop the listing (failures are kept)."""
        self.data["run"] = None
        self.save()

    def failure(self, ident: str) -> dict[str, Any] | None:
        found = self.data["failures"].get(ident)
        return found if isinstance(found, dict) else None

    def record_failure(self, failure: Failure) -> None:
        self.data["failures"][failure.ident] = {
            "reason": failure.reason,
            "permanent": failure.permanent,
        }
        self.save()

    def clear(self, ident: str) -> None:
        if self.data["failures"].pop(ident, None) is not None:
            self.save()


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so a reader sees the old or the new file, never half."""
    atomic_write(path, text.encode("utf-8"))


def capture_row(capture: Capture) -> list[Any]:
    """A capture as saved in the state file (the CDX fields, in CDX order)."""
    return [getattr(capture, name) for name in CAPTURE_FIELDS]


def row_capture(row: list[Any], archive_url: str) -> Capture:
    """The capture a saved row describes."""
    values = dict(zip(CAPTURE_FIELDS, row, strict=True))
    return Capture(**values, archive_url=archive_url)


# --------------------------------------------------------------------------- held


@dataclass
class Held:
    """What the archive already holds: wayback captures recorded, and digests known."""

    archive: Archive
    captures: set[str] = field(default_factory=set)
    digests: dict[str, str] = field(default_factory=dict)
    observed: dict[str, Observation] = field(default_factory=dict)  # by capture ident
    _all_hashed: bool = False

    @classmethod
    def load(cls, archive: Archive) -> Held:
        held = cls(archive)
        for obs in archive.observations():
            if obs.source == "wayback":
                held.add(obs)
        return held

    def add(self, obs: Observation) -> None:
        """Note a wayback observation (recorded with its capture, or by time and URL)."""
        ident = capture_of(obs)
        if ident is not None:
            self.captures.add(ident)
            self.observed[ident] = obs
        capture = obs.http.get("capture") if isinstance(obs.http, dict) else None
        if isinstance(capture, dict) and capture.get("digest"):
            self.digests[str(capture["digest"]).upper()] = obs.sha256

    def bytes_for(self, digest: str) -> bytes | None:
        """Held bytes whose Wayback digest is ``digest``, or None."""
        sha = self.digests.get(digest.upper())
        if sha is None and not self._all_hashed:
            self._hash_all()
            sha = self.digests.get(digest.upper())
        if sha is None:
            return None
        try:
            return self.archive.read(sha)
        except (OSError, ValueError):
            return None

    def _hash_all(self) -> None:
        """Digest every held object once (imported and live captures count too)."""
        self._all_hashed = True
        observations = self.archive.observations()
        for sha in sorted({o.sha256 for o in observations if o.kind_claimed != "moa"}):
            try:
                data = self.archive.read(sha)
            except (OSError, ValueError):
                continue
            self.digests.setdefault(wayback_digest(data), sha)
