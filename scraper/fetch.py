"""Polite, safe HTTP GETs that hand back raw bytes and their provenance.

:class:`Fetcher` wraps one injected ``httpx.Client`` and one :class:`FetchPolicy`:
per-host rate limit, conditional requests, retries with exponential back-off and
jitter (honouring Retry-After), manual redirects checked against the host allowlist,
streamed downloads with size limits, truncation detection and content sniffing.
Every failure is a :class:`FetchError`. Nothing here parses a table.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from parsers.formats import cut_short, sniff
from parsers.urls import host_of, is_allowed
from scraper import deadline
from scraper.decoding import ACCEPT_ENCODING, BodyTooLarge, BoundedDecoder, StreamCut
from scraper.errors import FetchError
from scraper.policy import Expect, FetchPolicy

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SHEET_FORMATS = ("xlsx", "csv")  # what a list link may serve: parsers/detect.py reads both
PDF_MAGIC = b"%PDF"
PDF_MAX_LEADING_WHITESPACE = 1024
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<title")
_BLOCK_TITLES = (
    "access denied",
    "request rejected",
    "just a moment...",
    "attention required! | cloudflare",
    "please wait...",
    "wayback machine",  # the Wayback Machine's own page (not archived, excluded), not a capture
)
_BLOCK_MARKERS = (
    b"errors.edgesuite.net",
    b"the requested url was rejected",
    b"cf-browser-verification",
    b"cf_chl_opt",
    b"/cdn-cgi/challenge-platform/",
    b"_incapsula_resource",
    b"the wayback machine has not archived that url",
)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
SNIFF_BYTES = 65_536


def utc_now() -> datetime:
    """The current time, timezone-aware UTC (the default ``now`` of a Fetcher)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class FetchResult:
    """One completed GET: the raw body (None on 304) and everything needed to cite it.

    ``redirects`` lists each URL the fetcher was sent on to, in order (the requested
    URL excluded), so ``final_url == redirects[-1]`` when there were any.
    ``content_encoding`` is the Content-Encoding header as sent (the body is already
    decoded unless the fetch asked for ``decode=False``).
    """

    url: str
    final_url: str
    status: int
    content: bytes | None
    not_modified: bool
    etag: str | None
    last_modified: str | None
    content_type: str | None
    fetched_at: datetime
    sha256: str | None
    redirects: tuple[str, ...] = ()
    content_encoding: str | None = None
    served_name: str | None = None  # the file name a Content-Disposition header gives


@dataclass(frozen=True)
class _Response:
    """What one hop answered: a redirect target, a 304, or a complete body."""

    status: int
    headers: httpx.Headers
    content: bytes | None = None
    location: str | None = None


class _Retryable(Exception):
    """An attempt failed in a way that may succeed if tried again."""

    def __init__(self, reason: str, retry_after: str | None = None, throttled: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.throttled = throttled


class Fetcher:
    """Fetches URLs politely through one injected client, under one policy.

    ``sleep``, ``clock`` (monotonic seconds), ``rng`` (for jitter) and ``now`` (UTC
    datetimes for ``fetched_at`` and Retry-After dates) are injectable so tests run
    instantly and deterministically. Rate-limit state is per instance.
    """

    def __init__(
        self,
        client: httpx.Client,
        policy: FetchPolicy,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.client = client
        self.policy = policy
        self.sleep = sleep
        self.clock = clock
        self.rng = rng if rng is not None else random.Random()
        self.now = now
        self._last_request: dict[str, float] = {}
        self._until = float("inf")  # the download under way's deadline (on ``clock``)

    def fetch(
        self,
        url: str,
        expect: Expect = "any",
        etag: str | None = None,
        last_modified: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        allow_empty: bool = False,
        decode: bool = True,
        whole: bool = True,
    ) -> FetchResult:
        """GET ``url`` and check the body is what ``expect`` says.

        With ``etag`` / ``last_modified`` the request is conditional and a 304 gives
        ``not_modified=True`` and ``content=None``. ``whole``: a PDF or zip body that
        lacks its own end (:func:`parsers.formats.cut_short`) was cut short, and is
        retried (``False`` where a digest vouches for the bytes, as Wayback's does).
        ``decode=False`` keeps the body as
        sent (no Content-Encoding decoding). Raises :class:`FetchError` on any failure.
        """
        self._check_host(url, url, "host {host} not allowed")
        sent = self._request_headers(etag, last_modified, headers)
        current, hops = url, list[str]()
        # one deadline for the whole download's transfer: its redirects' and attempts'
        # connects and reads (each socket's too, scraper/deadline.py: headers sent a
        # byte at a time); our waits between them are not transfer and move it on
        self._until = self.clock() + self.policy.download_timeout
        for _ in range(self.policy.max_redirects + 1):
            answer = self._with_retries(current, sent, expect, (decode, whole))
            if answer.location is None:
                return self._result(url, current, hops, answer, expect, sent, allow_empty)
            current = self._redirect_target(url, current, answer.location)
            hops.append(current)
        raise FetchError(url, f"more than {self.policy.max_redirects} redirects")

    def _request_headers(
        self, etag: str | None, last_modified: str | None, extra: Mapping[str, str] | None
    ) -> dict[str, str]:
        """Our User-Agent, the conditional validators, then any caller headers."""
        sent = {"User-Agent": self.policy.user_agent, "Accept-Encoding": ACCEPT_ENCODING}
        if etag:
            sent["If-None-Match"] = etag
        if last_modified:
            sent["If-Modified-Since"] = last_modified
        sent.update(extra or {})
        return sent

    def _check_host(self, requested: str, url: str, message: str) -> None:
        if not is_allowed(url, self.policy.allowed_hosts):
            raise FetchError(requested, message.format(host=host_of(url) or url))

    def _redirect_target(self, requested: str, current: str, location: str) -> str:
        """Resolve a Location header and check its host against the allowlist."""
        try:
            target = str(httpx.URL(current).join(location))
        except (httpx.InvalidURL, ValueError) as exc:
            raise FetchError(requested, f"unusable redirect to {location!r}: {exc}") from exc
        self._check_host(requested, target, "redirect to host {host} not allowed")
        log.debug("redirect %s -> %s", current, target)
        return target

    def _with_retries(
        self, url: str, sent: Mapping[str, str], expect: Expect, how: tuple[bool, bool]
    ) -> _Response:
        """One hop, retried on timeouts, connection errors, truncation, 5xx and 429.

        Time spent waiting as the server asks (Retry-After) or as the back-off says is
        not download time: each wait is bounded by its own cap (``retry_after_max``,
        ``backoff_max``) and the number of retries, and moves the download's deadline on
        by as long as it lasted (:meth:`_pause`), so the deadline bounds the transfer
        alone (a ``Retry-After: 700`` under a 600 s deadline is waited for, as asked)."""
        attempts = self.policy.max_retries + 1
        for attempt in range(attempts):
            try:
                return self._attempt(url, sent, self.policy.max_bytes(expect), how)
            except _Retryable as exc:
                if attempt + 1 == attempts:
                    reason = f"{exc.reason} (gave up after {attempts} attempts)"
                    raise FetchError(url, reason) from exc
                if self.clock() >= self._until:  # no transfer time left for another
                    raise FetchError(url, f"{exc.reason} ({self._over()})") from exc
                delay = self._delay(url, attempt, exc)
                log.info("retrying %s in %.1f s: %s", url, delay, exc.reason)
                self._pause(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, seconds: float) -> None:
        """Sleep ``seconds`` outside the download's time: its deadline moves on by as
        long as the sleep lasted (on ``clock``)."""
        started = self.clock()
        self.sleep(seconds)
        self._until += max(0.0, self.clock() - started)

    def _delay(self, url: str, attempt: int, exc: _Retryable) -> float:
        """Seconds to wait before the next attempt: Retry-After, else jittered back-off."""
        if exc.retry_after is not None:
            seconds = retry_after_seconds(exc.retry_after, self.now())
            if seconds is not None:
                return self._capped_retry_after(url, exc, seconds)
        p = self.policy
        base = p.backoff_base * 2**attempt
        delay = min(p.backoff_max, base * (1 + p.jitter * self.rng.random()))
        return max(delay, p.throttle_backoff) if exc.throttled else delay

    def _capped_retry_after(self, url: str, exc: _Retryable, seconds: float) -> float:
        cap = self.policy.retry_after_max
        if seconds > cap:
            raise FetchError(
                url, f"{exc.reason}: Retry-After of {seconds:.0f} s exceeds the cap of {cap:.0f} s"
            )
        return seconds

    def _attempt(
        self, url: str, sent: Mapping[str, str], limit: int, how: tuple[bool, bool]
    ) -> _Response:
        """One GET: wait for our turn on the host, stream the answer, classify failures."""
        host = _host_key(url)
        self._wait_turn(host)
        try:
            left = max(0.0, self._until - self.clock())  # each socket's reads within it
            with (
                deadline.within(left),
                self.client.stream(
                    "GET", url, headers=dict(sent), timeout=self.policy.timeout()
                ) as response,
            ):
                return self._read(url, response, limit, how)
        except httpx.TimeoutException as exc:
            if self.clock() >= self._until:
                raise FetchError(url, self._over()) from exc
            raise _Retryable(f"timed out ({type(exc).__name__})") from exc
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise FetchError(url, f"cannot request: {exc}") from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"connection failed ({type(exc).__name__}: {exc})") from exc
        except httpx.DecodingError as exc:
            raise FetchError(url, f"undecodable body: {exc}") from exc
        finally:
            self._last_request[host] = self.clock()

    def _over(self) -> str:
        return f"download slower than {self.policy.download_timeout:g} s"

    def _wait_turn(self, host: str) -> None:
        """Sleep until ``per_host_min_interval`` has passed since the last request there."""
        last = self._last_request.get(host)
        if last is None:
            return
        wait = last + self.policy.per_host_min_interval - self.clock()
        if wait > 0:
            self._pause(wait)

    def _read(
        self, url: str, response: httpx.Response, limit: int, how: tuple[bool, bool]
    ) -> _Response:
        """Classify the status, then read the body within the size limit (``how``:
        whether to decode it, whether to check it holds its own end)."""
        decode, whole = how
        status, headers = response.status_code, response.headers
        if status in REDIRECT_STATUSES and headers.get("location"):
            return _Response(status, headers, location=headers["location"])
        if status == 304:
            return _Response(status, headers)
        if status == 429 or status >= 500:
            raise _Retryable(f"HTTP {status}", headers.get("retry-after"), status == 429)
        if status >= 300:
            raise FetchError(url, f"HTTP {status}")
        if status == 206:  # no range was asked for: a part of the file is not the file
            raise _Retryable("HTTP 206 (a part of the file)")
        declared = _content_length(headers)
        if declared is not None and declared > limit:
            raise FetchError(url, f"Content-Length {declared} exceeds {limit} bytes")
        body = self._body(url, response, limit, decode)
        got = _bytes_on_the_wire(response, body, decode)
        if declared is not None and got < declared:
            raise _Retryable(f"truncated body ({got} of {declared} bytes)")
        if whole and (cut := cut_short(body)):  # a length can lie, the file's end cannot
            raise _Retryable(f"truncated body ({cut})")
        return _Response(status, headers, content=body)

    def _body(self, url: str, response: httpx.Response, limit: int, decode: bool) -> bytes:
        """Stream the body, aborting past ``limit`` bytes or ``download_timeout`` seconds.

        The wire bytes are read raw and every Content-Encoding layer is undone here,
        each bounded while it decodes (``scraper/decoding.py``): a few kilobytes of
        ``gzip, gzip`` never become gigabytes in memory. A server dripping the body
        slower than the deadline is not retried (it would drip again)."""
        if response.is_stream_consumed:  # built in memory (tests): nothing to stream
            if len(response.content) > limit:
                raise FetchError(url, f"body exceeds {limit} bytes")
            return response.content
        decoder = BoundedDecoder(response.headers.get("content-encoding", ""), limit)
        if not decode:
            decoder = BoundedDecoder("", limit)
        if decoder.unsupported:
            raise FetchError(url, f"unsupported Content-Encoding {decoder.unsupported!r}")
        buffer = bytearray()
        try:
            for chunk in response.iter_raw():
                buffer += decoder.feed(chunk)
                if self.clock() > self._until:
                    raise FetchError(url, self._over())
            buffer += decoder.finish()
        except BodyTooLarge as exc:
            raise FetchError(url, f"body exceeds {limit} bytes ({exc})") from exc
        except zlib.error as exc:
            raise FetchError(url, f"undecodable body: {exc}") from exc
        except (httpx.RemoteProtocolError, httpx.ReadError, StreamCut) as exc:
            raise _Retryable(f"truncated body ({exc})") from exc
        return bytes(buffer)

    def _result(
        self,
        url: str,
        final: str,
        hops: list[str],
        answer: _Response,
        expect: Expect,
        sent: Mapping[str, str],
        allow_empty: bool,
    ) -> FetchResult:
        """Check the final answer and describe it."""
        if answer.status == 304:
            if "If-None-Match" not in sent and "If-Modified-Since" not in sent:
                raise FetchError(url, "HTTP 304 to an unconditional request")
        else:
            content = answer.content or b""
            if not content and not allow_empty:
                raise FetchError(url, f"empty body (HTTP {answer.status})")
            if content:
                validate_content(url, content, expect)
        return self._describe(url, final, hops, answer, sent)

    def _describe(
        self, url: str, final: str, hops: list[str], answer: _Response, sent: Mapping[str, str]
    ) -> FetchResult:
        h = answer.headers
        content = answer.content if answer.status != 304 else None
        return FetchResult(
            url=url,
            final_url=final,
            status=answer.status,
            content=content,
            not_modified=answer.status == 304,
            etag=h.get("etag") or (sent.get("If-None-Match") if content is None else None),
            last_modified=h.get("last-modified")
            or (sent.get("If-Modified-Since") if content is None else None),
            content_type=h.get("content-type"),
            fetched_at=self.now(),
            sha256=hashlib.sha256(content).hexdigest() if content is not None else None,
            redirects=tuple(hops),
            content_encoding=h.get("content-encoding"),
            served_name=served_name(h.get("content-disposition")),
        )


def served_name(disposition: str | None) -> str | None:
    """The file name a Content-Disposition header gives (``filename`` or RFC 2231's
    ``filename*``): its last path segment, control characters dropped, at most 255
    characters; None when it gives none (a Drupal ``/media/123/download`` link's file
    is named only there)."""
    if not disposition:
        return None
    header = Message()
    header["content-disposition"] = disposition
    try:
        name = header.get_filename()
    except (LookupError, ValueError, TypeError):  # an unknown charset in filename*; the
        # standard library's own slip on ``filename*`` beside ``filename*0``
        return None
    name = _CONTROL_CHARS.sub("", str(name or "").replace("\\", "/").rsplit("/", 1)[-1])
    return name.strip()[:255] or None


_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _host_key(url: str) -> str:
    """Rate limits are kept per host and port."""
    return urlsplit(url).netloc.lower()


def _bytes_on_the_wire(response: httpx.Response, body: bytes, decode: bool) -> int:
    """How many body bytes arrived before any Content-Encoding was undone."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if decode and encoding not in ("", "identity"):
        return response.num_bytes_downloaded
    return len(body)


def _content_length(headers: httpx.Headers) -> int | None:
    try:
        value = int(headers.get("content-length", ""))
    except ValueError:
        return None
    return value if value >= 0 else None


def retry_after_seconds(value: str, now: datetime) -> float | None:
    """Seconds to wait per a Retry-After header (delta-seconds or HTTP-date), or None."""
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def looks_like_html(content: bytes) -> bool:
    """Whether the start of a body is HTML (a page, or a block/error page)."""
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return any(marker in head for marker in _HTML_MARKERS)


def block_page_marker(content: bytes) -> str | None:
    """Why a body looks like a CDN/WAF block or challenge page, or None."""
    head = content[:SNIFF_BYTES]
    match = _TITLE.search(head)
    title = b" ".join(match.group(1).split()).decode("utf-8", "replace").lower() if match else ""
    if title in _BLOCK_TITLES:
        return f"title {title!r}"
    lowered = head.lower()
    for marker in _BLOCK_MARKERS:
        if marker in lowered:
            return marker.decode()
    return None


def validate_content(url: str, content: bytes, expect: Expect) -> None:
    """Raise :class:`FetchError` unless ``content`` is plausibly what ``expect`` names."""
    if not content:
        raise FetchError(url, "empty body")
    if expect == "sheet" and (sniff(content) not in SHEET_FORMATS or _is_json(content)):
        raise FetchError(url, _wrong_kind("a spreadsheet", content))
    if expect == "pdf" and not _is_pdf(content):
        raise FetchError(url, _wrong_kind("a PDF", content))
    if expect == "page":
        _validate_page(url, content)


def _validate_page(url: str, content: bytes) -> None:
    if not looks_like_html(content):
        raise FetchError(url, f"expected an HTML page, got {content[:16]!r}")
    marker = block_page_marker(content)
    if marker:
        raise FetchError(url, f"got a block or challenge page ({marker})")


def _is_json(content: bytes) -> bool:
    """Whether a body is a JSON document (an API's error answer, ``{"error": ...}``), not
    a list's text export (whose first line is its header)."""
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head not in (b"{", b"["):
        return False
    try:
        json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def _is_pdf(content: bytes) -> bool:
    head = content[: PDF_MAX_LEADING_WHITESPACE + len(PDF_MAGIC)]
    return head.lstrip().startswith(PDF_MAGIC)


def _wrong_kind(wanted: str, content: bytes) -> str:
    if looks_like_html(content):
        marker = block_page_marker(content)
        detail = f": {marker}" if marker else ""
        return f"expected {wanted}, got HTML (block or error page?){detail}"
    if _is_json(content):
        return f"expected {wanted}, got JSON (an error answer?): {content[:60]!r}"
    return f"expected {wanted}, got {content[:16]!r}"
