"""The Wayback Machine: list captures through the CDX API and fetch their raw bytes.

CDX queries go through their own :class:`Fetcher` with a slower rate limit
(``cdx_min_interval``, default 2.5 s: under 30 requests a minute) and a long back-off
after a 429 that gives no Retry-After. Captures are fetched in the ``id_`` form (the
bytes as archived, no Wayback rewriting) and checked against the CDX digest.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Literal

import httpx

from scraper.errors import FetchError
from scraper.fetch import Fetcher, FetchResult, validate_content
from scraper.policy import Expect, FetchPolicy

DEFAULT_CDX_URL = "https://web.archive.org/cdx/search/cdx"
DEFAULT_ARCHIVE_URL = "https://web.archive.org/web"
CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
REVISIT_MIMETYPE = "warc/revisit"

PAGE_URLS = (
    "www.ice.gov/287g",
    "www.ice.gov/identify-and-arrest/287g",
    "www.ice.gov/factsheets/287g",
    "www.ice.gov/news/library/factsheets/287g.htm",
)
SHEET_PREFIX = "www.ice.gov/doclib/about/offices/ero/287g/"

MatchType = Literal["exact", "prefix"]


@dataclass(frozen=True)
class Capture:
    """One CDX row: an archived HTTP 200 response of ``original`` at ``timestamp``."""

    urlkey: str
    timestamp: str
    original: str
    mimetype: str
    statuscode: str
    digest: str
    length: int | None
    archive_url: str = field(default=DEFAULT_ARCHIVE_URL, repr=False, compare=False)

    @property
    def captured_at(self) -> datetime:
        """When the Wayback Machine captured it (UTC)."""
        stamp = self.timestamp.ljust(14, "0")
        return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)

    @property
    def raw_url(self) -> str:
        """The ``id_`` URL that serves the archived bytes unmodified."""
        return f"{self.archive_url.rstrip('/')}/{self.timestamp}id_/{self.original}"


@dataclass(frozen=True)
class CdxPage:
    """One page of CDX results and the key that resumes after it (None when done)."""

    captures: tuple[Capture, ...]
    resume_key: str | None


def wayback_digest(content: bytes) -> str:
    """The Wayback/WARC payload digest: base32 (RFC 4648) of the SHA-1 of the body."""
    return base64.b32encode(hashlib.sha1(content).digest()).decode("ascii")


class WaybackClient:
    """Lists and fetches Wayback Machine captures politely.

    ``fetcher_or_policy``: a :class:`Fetcher` (used for capture downloads; the CDX
    fetcher copies its policy, sleep, clock and rng) or a :class:`FetchPolicy` (both
    fetchers are built on ``client``). ``sleep``/``clock``/``rng``, when given, override
    the inherited ones for the CDX fetcher and any fetcher built here.
    """

    def __init__(
        self,
        client: httpx.Client,
        fetcher_or_policy: Fetcher | FetchPolicy,
        *,
        cdx_url: str = DEFAULT_CDX_URL,
        archive_url: str = DEFAULT_ARCHIVE_URL,
        cdx_min_interval: float = 2.5,
        backoff_429: float = 60.0,
        retry_after_max: float = 900.0,
        cdx_max_retries: int = 4,
        page_size: int = 500,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.fetcher = _capture_fetcher(client, fetcher_or_policy, sleep, clock, rng)
        cdx_policy = replace(
            self.fetcher.policy,
            per_host_min_interval=cdx_min_interval,
            throttle_backoff=backoff_429,
            retry_after_max=retry_after_max,
            backoff_max=max(self.fetcher.policy.backoff_max, backoff_429),
            max_retries=cdx_max_retries,
        )
        self.cdx_fetcher = _derived(self.fetcher, client, cdx_policy, sleep, clock, rng)
        self.cdx_url = cdx_url
        self.archive_url = archive_url.rstrip("/")
        self.page_size = page_size

    def iter_pages(
        self,
        url_pattern: str,
        from_: date | None = None,
        to: date | None = None,
        match_type: MatchType = "exact",
        resume_key: str | None = None,
    ) -> Iterator[CdxPage]:
        """Yield CDX pages in order, each with the key that resumes after it.

        To make a backfill resumable, persist ``page.resume_key`` once that page's
        captures are handled, and pass it back as ``resume_key`` next time.
        """
        seen: set[str] = set()
        while True:
            page = self._query(url_pattern, from_, to, match_type, resume_key)
            yield page
            if page.resume_key is None:
                return
            if page.resume_key in seen:
                raise FetchError(self.cdx_url, f"CDX resume key repeats: {page.resume_key!r}")
            seen.add(page.resume_key)
            resume_key = page.resume_key

    def cdx_params(
        self,
        url_pattern: str,
        from_: date | None,
        to: date | None,
        match_type: MatchType,
        resume_key: str | None,
    ) -> dict[str, str]:
        """The query parameters of one CDX request."""
        params = {
            "url": url_pattern,
            "matchType": match_type,
            "filter": "statuscode:200",
            "output": "json",
            "limit": str(self.page_size),
            "showResumeKey": "true",
        }
        if from_ is not None:
            params["from"] = from_.strftime("%Y%m%d")
        if to is not None:
            params["to"] = to.strftime("%Y%m%d")
        if resume_key is not None:
            params["resumeKey"] = resume_key
        return params

    def _query(
        self,
        url_pattern: str,
        from_: date | None,
        to: date | None,
        match_type: MatchType,
        resume_key: str | None,
    ) -> CdxPage:
        params = self.cdx_params(url_pattern, from_, to, match_type, resume_key)
        url = str(httpx.URL(self.cdx_url, params=params))
        result = self.cdx_fetcher.fetch(url, "any", allow_empty=True)
        return parse_cdx_json(url, result.content or b"", self.archive_url)

    def fetch_capture(self, capture: Capture, expect: Expect = "any") -> bytes:
        """The archived bytes of ``capture``, checked against its digest and ``expect``."""
        raw_url = replace(capture, archive_url=self.archive_url).raw_url
        result = self.fetcher.fetch(
            raw_url, "any", headers={"Accept-Encoding": "identity"}, decode=False, whole=False
        )
        limit = self.fetcher.policy.max_bytes(expect)
        body = _verified_body(raw_url, result, capture.digest, limit)
        validate_content(raw_url, body, expect)
        return body


def _capture_fetcher(
    client: httpx.Client,
    given: Fetcher | FetchPolicy,
    sleep: Callable[[float], None] | None,
    clock: Callable[[], float] | None,
    rng: random.Random | None,
) -> Fetcher:
    if isinstance(given, Fetcher):
        return given
    return Fetcher(client, given, **_overrides(sleep, clock, rng))


def _derived(
    base: Fetcher,
    client: httpx.Client,
    policy: FetchPolicy,
    sleep: Callable[[float], None] | None,
    clock: Callable[[], float] | None,
    rng: random.Random | None,
) -> Fetcher:
    """A fetcher with ``policy`` that inherits ``base``'s sleep, clock, rng and now."""
    kwargs: dict[str, Any] = {"sleep": base.sleep, "clock": base.clock, "rng": base.rng}
    kwargs.update(_overrides(sleep, clock, rng))
    return Fetcher(client, policy, now=base.now, **kwargs)


def _overrides(
    sleep: Callable[[float], None] | None,
    clock: Callable[[], float] | None,
    rng: random.Random | None,
) -> dict[str, Any]:
    given = {"sleep": sleep, "clock": clock, "rng": rng}
    return {name: value for name, value in given.items() if value is not None}


def parse_cdx_json(url: str, body: bytes, archive_url: str = DEFAULT_ARCHIVE_URL) -> CdxPage:
    """Parse CDX ``output=json`` (header row, rows, then ``[]`` and ``[resumeKey]``)."""
    rows = _json_rows(url, body)
    if not rows:
        return CdxPage((), None)
    header = [str(name) for name in rows[0]]
    missing = set(CDX_FIELDS) - set(header)
    if missing:
        raise FetchError(url, f"CDX header lacks {sorted(missing)}: {header}")
    data, resume_key = _split_resume(rows[1:])
    captures = (_capture(dict(zip(header, row, strict=False)), archive_url) for row in data)
    return CdxPage(tuple(c for c in captures if c is not None), resume_key)


def _json_rows(url: str, body: bytes) -> list[list[Any]]:
    if not body.strip():
        return []
    try:
        rows = json.loads(body)
    except ValueError as exc:
        raise FetchError(url, f"CDX answer is not JSON: {exc}") from exc
    except RecursionError:  # arrays nested past the interpreter's stack: no CDX answer
        raise FetchError(url, "CDX answer is not a JSON list of rows (nested too deeply)") from None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise FetchError(url, "CDX answer is not a JSON list of rows")
    return rows


def _split_resume(rows: list[list[Any]]) -> tuple[list[list[Any]], str | None]:
    """Rows before the empty separator row, and the resume key after it."""
    if [] not in rows:
        return rows, None
    cut = rows.index([])
    tail = rows[cut + 1 :]
    key = str(tail[0][0]) if tail and tail[0] else None
    return rows[:cut], key


def _capture(row: dict[str, Any], archive_url: str) -> Capture | None:
    """A Capture for a 200 non-revisit row with a 14-digit timestamp, else None; None
    too for a row whose fields are not text (a control character, or half of a UTF-16
    pair, which JSON may escape: no URL or type holds one, and no database stores the
    second)."""
    values = {name: str(row.get(name, "")) for name in CDX_FIELDS}
    if any(map(_NOT_TEXT.search, values.values())):
        return None
    if values["statuscode"] != "200" or values["mimetype"].lower() == REVISIT_MIMETYPE:
        return None
    stamp = values["timestamp"]
    if not (_is_timestamp(stamp) and values["original"]):
        return None
    return Capture(
        urlkey=values["urlkey"],
        timestamp=stamp,
        original=values["original"],
        mimetype=values["mimetype"],
        statuscode=values["statuscode"],
        digest=values["digest"],
        length=int(values["length"]) if _is_number(values["length"]) else None,
        archive_url=archive_url,
    )


_NOT_TEXT = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _is_timestamp(stamp: str) -> bool:
    """Whether ``stamp`` is a valid 14-digit Wayback timestamp."""
    if not (_is_number(stamp) and len(stamp) == 14):
        return False
    try:
        datetime.strptime(stamp, "%Y%m%d%H%M%S")
    except ValueError:
        return False
    return True


def _verified_body(url: str, result: FetchResult, digest: str, limit: int) -> bytes:
    """The decoded body, if the bytes as sent or as decoded match the CDX digest.

    A mismatch names where the body came from when the archive redirected (to another
    capture's timestamp, as it does for one it does not hold): the bytes are that
    capture's, not the one listed."""
    raw = result.content or b""
    wanted = digest.strip().upper()
    encoding = (result.content_encoding or "identity").lower()
    decoded = _decode(url, raw, encoding, limit)
    if wayback_digest(raw) == wanted or wayback_digest(decoded) == wanted:
        return decoded
    actual = wayback_digest(decoded)
    served = f" (served by a redirect to {result.final_url})" if result.redirects else ""
    raise FetchError(url, f"digest mismatch: CDX says {wanted}, body is {actual}{served}")


def _decode(url: str, raw: bytes, encoding: str, limit: int) -> bytes:
    """Undo a gzip/deflate Content-Encoding within ``limit`` bytes; others pass through."""
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return raw
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)
    try:
        body = inflater.decompress(raw, limit + 1)
    except zlib.error:
        return raw
    if len(body) > limit:
        raise FetchError(url, f"decoded body exceeds {limit} bytes")
    return body
