"""scraper.fetch and scraper.policy: unit tests on httpx.MockTransport, then integration
tests against a real HTTP server on 127.0.0.1 serving real corpus files."""

from __future__ import annotations

import gzip
import hashlib
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.errors import ConfigError
from scraper.errors import FetchError
from scraper.fetch import (
    Fetcher,
    block_page_marker,
    retry_after_seconds,
    served_name,
    validate_content,
)
from scraper.policy import DEFAULT_USER_AGENT, FetchPolicy, build_client, make_user_agent
from tests.support import FakeTime, quiet_handler

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SHEET_FILE = CORPUS / "ice-sheets" / "pending" / "pendingAgencies04282025pm.xlsx"
PDF_FILE = CORPUS / "moa" / "287gWSO_LakeCoFl2019-10-15.pdf"

NOW = datetime(2025, 4, 4, 12, 0, 0, tzinfo=UTC)
XLSX = b"PK\x03\x04" + bytes(200) + b"PK\x05\x06" + bytes(18)  # a zip, its end record last
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><head><title>287(g)</title></head><body>list</body></html>"
AKAMAI = (
    b"<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n"
    b"You don't have permission to access this server.<P>\n"
    b"Reference&#32;&#35;18&#46;1234\n<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net"
    b"</BODY>\n</HTML>\n"
)
CLOUDFLARE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b"<script>window._cf_chl_opt={};</script></body></html>"
)
F5_REJECTED = (
    b"<html><head><title>Request Rejected</title></head><body>The requested URL was rejected."
    b" Please consult with your administrator.</body></html>"
)


Handler = Callable[[httpx.Request], httpx.Response]


class Harness:
    """A Fetcher on a MockTransport, with fake time and a log of the requests sent."""

    def __init__(self, handler: Handler, **policy: Any) -> None:
        self.requests: list[httpx.Request] = []
        self.time = FakeTime(1000.0)
        defaults: dict[str, Any] = {"per_host_min_interval": 0.0, "jitter": 0.0}
        self.policy = FetchPolicy(**{**defaults, **policy})

        def record(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return handler(request)

        self.client = httpx.Client(transport=httpx.MockTransport(record))
        self.fetcher = Fetcher(
            self.client,
            self.policy,
            sleep=self.time.sleep,
            clock=self.time.clock,
            rng=random.Random(0),
            now=lambda: NOW,
        )


def sequence(*responses: httpx.Response | Exception) -> Handler:
    """A handler answering with each response in turn (the last one repeats)."""
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        return item

    return handler


def ok(body: bytes = XLSX, **headers: str) -> httpx.Response:
    return httpx.Response(200, content=body, headers=headers)


SHEET_URL = "https://www.ice.gov/doclib/about/offices/ero/287g/pendingAgencies.xlsx"


# --- policy ------------------------------------------------------------------------


def test_user_agent_names_project_and_contact() -> None:
    assert DEFAULT_USER_AGENT.startswith("ice287g/")
    assert "contact:" in DEFAULT_USER_AGENT and "@" in DEFAULT_USER_AGENT
    assert "https://github.com/ice287g/ice287g" in DEFAULT_USER_AGENT
    assert "me@example.net" in make_user_agent("me@example.net")
    with pytest.raises(ConfigError, match="user_agent"):
        FetchPolicy(user_agent="python-httpx/0.28")
    with pytest.raises(ConfigError):
        FetchPolicy(read_timeout=0)


def test_build_client_sets_ua_timeouts_and_no_redirects() -> None:
    policy = FetchPolicy(connect_timeout=3.0, read_timeout=7.0)
    with build_client(policy) as client:
        assert client.headers["user-agent"] == policy.user_agent
        assert client.follow_redirects is False
        assert client.timeout.connect == 3.0
        assert client.timeout.read == 7.0


def test_policy_limits_and_allowing() -> None:
    policy = FetchPolicy(max_page_bytes=1, max_sheet_bytes=2, max_pdf_bytes=3, max_any_bytes=4)
    assert [policy.max_bytes(k) for k in ("page", "sheet", "pdf", "any")] == [1, 2, 3, 4]
    mirror = policy.allowing("http://127.0.0.1:8123")
    assert "127.0.0.1" in mirror.allowed_hosts
    assert mirror.allowing("127.0.0.1") is mirror
    assert "www.ice.gov" in policy.allowed_hosts and "127.0.0.1" not in policy.allowed_hosts


# --- basic fetch ---------------------------------------------------------------------


def test_fetch_sends_user_agent_and_describes_the_result() -> None:
    h = Harness(sequence(ok(XLSX, **{"etag": '"abc"', "content-type": "application/x"})))
    result = h.fetcher.fetch(SHEET_URL, "sheet")
    assert h.requests[0].headers["user-agent"] == DEFAULT_USER_AGENT
    assert "if-none-match" not in h.requests[0].headers
    assert result.content == XLSX
    assert result.sha256 == hashlib.sha256(XLSX).hexdigest()
    assert result.status == 200 and not result.not_modified
    assert result.etag == '"abc"' and result.last_modified is None
    assert result.content_type == "application/x"
    assert result.fetched_at == NOW
    assert result.url == result.final_url == SHEET_URL and result.redirects == ()


# --- retries and back-off ------------------------------------------------------------


def test_retries_5xx_with_exponential_backoff() -> None:
    h = Harness(sequence(httpx.Response(503), httpx.Response(502), httpx.Response(500), ok()))
    result = h.fetcher.fetch(SHEET_URL, "sheet")
    assert result.content == XLSX
    assert len(h.requests) == 4
    assert h.time.sleeps == [2.0, 4.0, 8.0]


def test_backoff_is_capped_and_jittered() -> None:
    h = Harness(sequence(httpx.Response(500)), max_retries=6, backoff_max=10.0, jitter=0.5)
    with pytest.raises(FetchError, match=r"HTTP 500 \(gave up after 7 attempts\)"):
        h.fetcher.fetch(SHEET_URL, "sheet")
    assert len(h.requests) == 7
    bases = [2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    for delay, base in zip(h.time.sleeps, bases, strict=True):
        assert min(base, 10.0) <= delay <= min(base * 1.5, 10.0)
    assert len(set(h.time.sleeps[:3])) == 3


def test_gives_up_after_max_retries() -> None:
    h = Harness(sequence(httpx.Response(503)), max_retries=2)
    with pytest.raises(FetchError, match="HTTP 503") as info:
        h.fetcher.fetch(SHEET_URL, "sheet")
    assert info.value.url == SHEET_URL
    assert len(h.requests) == 3 and h.time.sleeps == [2.0, 4.0]


@pytest.mark.parametrize(
    "error",
    [
        httpx.ReadTimeout("slow"),
        httpx.ConnectTimeout("slow"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("peer closed"),
    ],
)
def test_transport_errors_are_retried(error: Exception) -> None:
    h = Harness(sequence(error, ok()))
    assert h.fetcher.fetch(SHEET_URL, "sheet").content == XLSX
    assert len(h.requests) == 2 and h.time.sleeps == [2.0]


def test_timeouts_exhaust_retries_into_fetch_error() -> None:
    h = Harness(sequence(httpx.ReadTimeout("slow")), max_retries=1)
    with pytest.raises(FetchError, match="timed out"):
        h.fetcher.fetch(SHEET_URL, "sheet")
    assert len(h.requests) == 2


def test_429_retry_after_seconds() -> None:
    h = Harness(sequence(httpx.Response(429, headers={"retry-after": "7"}), ok()))
    assert h.fetcher.fetch(SHEET_URL, "sheet").content == XLSX
    assert h.time.sleeps == [7.0]


def test_503_retry_after_http_date() -> None:
    when = format_datetime(NOW + timedelta(seconds=30), usegmt=True)
    h = Harness(sequence(httpx.Response(503, headers={"retry-after": when}), ok()))
    h.fetcher.fetch(SHEET_URL, "sheet")
    assert h.time.sleeps == [30.0]


def test_retry_after_over_the_cap_fails_instead_of_sleeping() -> None:
    h = Harness(sequence(httpx.Response(429, headers={"retry-after": "3600"})))
    with pytest.raises(FetchError, match="Retry-After of 3600 s exceeds the cap of 300 s"):
        h.fetcher.fetch(SHEET_URL, "sheet")
    assert len(h.requests) == 1 and h.time.sleeps == []


def test_429_without_retry_after_waits_at_least_the_throttle_backoff() -> None:
    h = Harness(sequence(httpx.Response(429), ok()), throttle_backoff=45.0)
    h.fetcher.fetch(SHEET_URL, "sheet")
    assert h.time.sleeps == [45.0]


def test_unparseable_retry_after_falls_back_to_backoff() -> None:
    h = Harness(sequence(httpx.Response(503, headers={"retry-after": "soon"}), ok()))
    h.fetcher.fetch(SHEET_URL, "sheet")
    assert h.time.sleeps == [2.0]


def test_retry_after_parser() -> None:
    assert retry_after_seconds(" 120 ", NOW) == 120.0
    assert retry_after_seconds(format_datetime(NOW + timedelta(minutes=2)), NOW) == 120.0
    assert retry_after_seconds(format_datetime(NOW - timedelta(minutes=2)), NOW) == 0.0
    assert retry_after_seconds("-5", NOW) is None
    assert retry_after_seconds("", NOW) is None


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_retry_after_parser_never_raises(value: str) -> None:
    seconds = retry_after_seconds(value, NOW)
    assert seconds is None or seconds >= 0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_other_4xx_are_not_retried(status: int) -> None:
    h = Harness(sequence(httpx.Response(status)))
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        h.fetcher.fetch(SHEET_URL, "sheet")
    assert len(h.requests) == 1 and h.time.sleeps == []


# --- conditional requests ---------------------------------------------------------------


def test_conditional_request_and_304() -> None:
    h = Harness(sequence(httpx.Response(304, headers={"etag": '"v2"'})))
    result = h.fetcher.fetch(SHEET_URL, "sheet", etag='"v1"', last_modified="Fri, 04 Apr 2025")
    sent = h.requests[0].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Fri, 04 Apr 2025"
    assert result.not_modified and result.status == 304
    assert result.content is None and result.sha256 is None
    assert result.etag == '"v2"'
    assert result.last_modified == "Fri, 04 Apr 2025"


def test_conditional_request_answered_with_new_content() -> None:
    lm = "Sat, 05 Apr 2025 10:00:00 GMT"
    h = Harness(sequence(ok(XLSX, etag='"v2"', **{"last-modified": lm})))
    result = h.fetcher.fetch(SHEET_URL, "sheet", etag='"v1"')
    assert "if-modified-since" not in h.requests[0].headers
    assert not result.not_modified and result.content == XLSX
    assert (result.etag, result.last_modified) == ('"v2"', lm)


def test_304_to_an_unconditional_request_is_an_error() -> None:
    h = Harness(sequence(httpx.Response(304)))
    with pytest.raises(FetchError, match="304"):
        h.fetcher.fetch(SHEET_URL, "sheet")


# --- redirects and the allowlist ------------------------------------------------------------


def redirect(location: str, status: int = 302) -> httpx.Response:
    return httpx.Response(status, headers={"location": location})


def test_follows_allowed_redirects_manually() -> None:
    h = Harness(
        sequence(
            redirect("https://ice.gov/doclib/x.xlsx", 301),
            redirect("/doclib/y.xlsx", 307),
            ok(),
        )
    )
    result = h.fetcher.fetch("http://www.ice.gov/doclib/w.xlsx", "sheet")
    assert [str(r.url) for r in h.requests] == [
        "http://www.ice.gov/doclib/w.xlsx",
        "https://ice.gov/doclib/x.xlsx",
        "https://ice.gov/doclib/y.xlsx",
    ]
    assert result.redirects == ("https://ice.gov/doclib/x.xlsx", "https://ice.gov/doclib/y.xlsx")
    assert result.final_url == "https://ice.gov/doclib/y.xlsx"
    assert result.url == "http://www.ice.gov/doclib/w.xlsx"


def test_redirect_to_an_off_list_host_is_refused() -> None:
    h = Harness(sequence(redirect("https://evil.example.com/sheet.xlsx")))
    with pytest.raises(FetchError, match="redirect to host evil.example.com not allowed"):
        h.fetcher.fetch(SHEET_URL, "sheet")
    assert len(h.requests) == 1


def test_initial_url_host_is_checked() -> None:
    h = Harness(sequence(ok()))
    with pytest.raises(FetchError, match="host example.com not allowed"):
        h.fetcher.fetch("https://example.com/a.xlsx", "sheet")
    with pytest.raises(FetchError, match="not allowed"):
        h.fetcher.fetch("file:///etc/passwd", "any")
    assert h.requests == []


def test_too_many_redirects() -> None:
    h = Harness(sequence(redirect("/loop")))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        h.fetcher.fetch(SHEET_URL, "sheet")
    assert len(h.requests) == 6


def test_redirect_without_location_is_an_error() -> None:
    h = Harness(sequence(httpx.Response(302)))
    with pytest.raises(FetchError, match="HTTP 302"):
        h.fetcher.fetch(SHEET_URL, "sheet")


# --- rate limit ----------------------------------------------------------------------


def test_per_host_rate_limit() -> None:
    h = Harness(sequence(ok()), per_host_min_interval=2.5)
    h.fetcher.fetch(SHEET_URL, "sheet")
    h.fetcher.fetch(SHEET_URL, "sheet")
    assert h.time.sleeps == [2.5]
    h.fetcher.fetch("https://web.archive.org/web/2025id_/x", "sheet")
    assert h.time.sleeps == [2.5]
    h.time.now += 10
    h.fetcher.fetch(SHEET_URL, "sheet")
    assert h.time.sleeps == [2.5]


def test_rate_limit_applies_between_retries_too() -> None:
    h = Harness(sequence(httpx.Response(500), ok()), per_host_min_interval=5.0)
    h.fetcher.fetch(SHEET_URL, "sheet")
    assert h.time.sleeps == [2.0, 3.0]


# --- size limits and truncation ----------------------------------------------------------


class Chunks(httpx.SyncByteStream):
    """A response body streamed in chunks, remembering whether anyone read it."""

    def __init__(self, chunks: list[bytes], error: Exception | None = None) -> None:
        self.chunks, self.error, self.read = chunks, error, False

    def __iter__(self) -> Iterator[bytes]:
        self.read = True
        yield from self.chunks
        if self.error is not None:
            raise self.error


def test_content_length_over_limit_fails_before_downloading() -> None:
    body = Chunks([XLSX])
    response = httpx.Response(200, headers={"content-length": "10000"}, stream=body)
    h = Harness(sequence(response), max_sheet_bytes=5000)
    with pytest.raises(FetchError, match="exceeds 5000 bytes"):
        h.fetcher.fetch(SHEET_URL, "sheet")
    assert not body.read and len(h.requests) == 1


def test_streamed_body_over_limit_is_aborted() -> None:
    body = Chunks([XLSX] + [bytes(1000)] * 50)
    h = Harness(sequence(httpx.Response(200, stream=body)), max_sheet_bytes=5000)
    with pytest.raises(FetchError, match="body exceeds 5000 bytes"):
        h.fetcher.fetch(SHEET_URL, "sheet")
    assert len(h.requests) == 1


def test_limits_depend_on_the_expected_kind() -> None:
    h = Harness(sequence(ok(PDF)), max_page_bytes=10, max_pdf_bytes=10_000)
    assert h.fetcher.fetch(SHEET_URL, "pdf").content == PDF
    with pytest.raises(FetchError, match="exceeds 10 bytes"):
        h.fetcher.fetch(SHEET_URL, "page")


def test_short_body_against_content_length_is_truncated() -> None:
    short = httpx.Response(200, headers={"content-length": "999"}, stream=Chunks([XLSX]))
    h = Harness(sequence(short, ok()))
    assert h.fetcher.fetch(SHEET_URL, "sheet").content == XLSX
    assert len(h.requests) == 2


def test_body_cut_off_is_retried_then_reported_as_truncated() -> None:
    def cut(request: httpx.Request) -> httpx.Response:
        error = httpx.RemoteProtocolError("peer closed connection")
        return httpx.Response(200, stream=Chunks([XLSX[:50]], error))

    h = Harness(cut, max_retries=2)
    with pytest.raises(FetchError, match="truncated body"):
        h.fetcher.fetch(SHEET_URL, "sheet")
    assert len(h.requests) == 3


CUT_SHORT: dict[str, tuple[Callable[[], httpx.Response], str]] = {
    "zip without its end": (lambda: httpx.Response(200, content=XLSX[:100]), "truncated zip"),
    "pdf without its end": (
        lambda: httpx.Response(200, content=b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"),
        "truncated PDF",
    ),
    "a part answered": (lambda: httpx.Response(206, content=XLSX), "HTTP 206"),
    "gzip cut": (
        lambda: httpx.Response(
            200,
            stream=Chunks([gzip.compress(XLSX)[:-4]]),  # its length field lost
            headers={"content-encoding": "gzip"},
        ),
        "the gzip stream ends early",
    ),
}


@pytest.mark.parametrize("case", sorted(CUT_SHORT))
def test_a_body_cut_short_whatever_its_length_says_is_retried(case: str) -> None:
    """A server's Content-Length may be the cut body's: the file's own end (a zip's end
    record, a PDF's ``%%EOF``), a compressed stream's end and a whole answer (not a
    206) are asked of it; cut short, it is retried, and the whole file taken."""
    make, reason = CUT_SHORT[case]
    answers = iter([make()])
    h = Harness(lambda request: next(answers, None) or ok())
    assert h.fetcher.fetch(SHEET_URL, "any").content == XLSX and len(h.requests) == 2
    always = Harness(lambda request: make(), max_retries=1)
    with pytest.raises(FetchError, match=reason):
        always.fetcher.fetch(SHEET_URL, "any")


def test_a_body_a_digest_vouches_for_is_not_asked_for_its_end() -> None:
    h = Harness(sequence(httpx.Response(200, content=XLSX[:100])))
    assert h.fetcher.fetch(SHEET_URL, "any", whole=False).content == XLSX[:100]


# --- content validation ------------------------------------------------------------------


def test_html_where_a_sheet_was_expected() -> None:
    h = Harness(sequence(ok(AKAMAI, **{"content-type": "text/html"})))
    with pytest.raises(FetchError, match=r"expected a spreadsheet, got HTML \(block or error"):
        h.fetcher.fetch(SHEET_URL, "sheet")
    assert len(h.requests) == 1


def test_a_json_error_answer_where_a_sheet_was_expected_is_a_failed_fetch() -> None:
    """An API's error answered 200 (``{"error": "rate_limited"}``) holds commas, so it
    read as a text export: archived as the list and rejected, a false alarm kept for
    good. A list's text export starts with its header, never a JSON document."""
    answer = b'{"error": "rate_limited", "message": "Too many requests", "status": 429}'
    with pytest.raises(FetchError, match=r"expected a spreadsheet, got JSON \(an error answer"):
        validate_content("u", answer, "sheet")
    validate_content("u", b"STATE,AGENCY,SUPPORT TYPE\nTX,Harris County SO,JEM\n", "sheet")
    validate_content("u", b"[STATE],[AGENCY]\nTX,Harris County SO\n", "sheet")


def test_empty_200_is_an_error() -> None:
    h = Harness(sequence(ok(b"")))
    with pytest.raises(FetchError, match="empty body"):
        h.fetcher.fetch(SHEET_URL, "any")
    assert h.fetcher.fetch(SHEET_URL, "any", allow_empty=True).content == b""


@pytest.mark.parametrize("body", [AKAMAI, CLOUDFLARE, F5_REJECTED])
def test_block_pages_are_not_pages(body: bytes) -> None:
    assert block_page_marker(body) is not None
    with pytest.raises(FetchError, match="block"):
        validate_content("u", body, "page")


def test_content_validation_by_kind() -> None:
    validate_content("u", HTML, "page")
    validate_content("u", XLSX, "sheet")
    validate_content("u", PDF, "pdf")
    validate_content("u", b"\r\n \t" * 100 + PDF, "pdf")
    validate_content("u", b"anything", "any")
    assert block_page_marker(HTML) is None
    with pytest.raises(FetchError, match="expected a PDF"):
        validate_content("u", b" " * 2000 + PDF, "pdf")
    with pytest.raises(FetchError, match=r"expected a PDF, got HTML"):
        validate_content("u", HTML, "pdf")
    with pytest.raises(FetchError, match="expected a spreadsheet"):
        validate_content("u", b"\xd0\xcf\x11\xe0 old xls", "sheet")
    with pytest.raises(FetchError, match="expected an HTML page"):
        validate_content("u", b'{"json": true}', "page")
    with pytest.raises(FetchError, match="empty"):
        validate_content("u", b"", "any")


# --- integration: a real HTTP server on 127.0.0.1 ---------------------------------------------


class Server:
    """A ThreadingHTTPServer with scripted routes and a hit counter per path."""

    def __init__(self, sheet: bytes, pdf: bytes) -> None:
        self.sheet, self.pdf = sheet, pdf
        self.hits: dict[str, int] = {}
        self.headers: dict[str, list[dict[str, str]]] = {}
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), quiet_handler(self.route))
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def count(self, req: BaseHTTPRequestHandler) -> int:
        with self.lock:
            self.hits[req.path] = self.hits.get(req.path, 0) + 1
            self.headers.setdefault(req.path, []).append(dict(req.headers.items()))
            return self.hits[req.path]

    def route(self, req: BaseHTTPRequestHandler) -> None:
        n = self.count(req)
        name = req.path.strip("/").split("/")[0]
        getattr(self, "r_" + name.replace("-", "_").replace(".", "_"), self.r_missing)(req, n)

    @staticmethod
    def send(req: BaseHTTPRequestHandler, status: int, body: bytes = b"", **headers: str) -> None:
        req.send_response(status)
        headers.setdefault("Content-Length", str(len(body)))
        for key, value in headers.items():
            req.send_header(key.replace("_", "-"), value)
        req.end_headers()
        req.wfile.write(body)

    def r_missing(self, req: BaseHTTPRequestHandler, n: int) -> None:
        self.send(req, 404, b"<html><title>Page Not Found</title></html>")

    def r_sheet_xlsx(self, req: BaseHTTPRequestHandler, n: int) -> None:
        etag, lm = '"sheet-v1"', "Mon, 28 Apr 2025 18:00:00 GMT"
        if req.headers.get("If-None-Match") == etag:
            self.send(req, 304, ETag=etag)
            return
        self.send(req, 200, self.sheet, ETag=etag, Last_Modified=lm, Content_Type="x/xlsx")

    def r_moa_pdf(self, req: BaseHTTPRequestHandler, n: int) -> None:
        self.send(req, 200, self.pdf, Content_Type="application/pdf")

    def r_slow(self, req: BaseHTTPRequestHandler, n: int) -> None:
        time.sleep(1.0)
        self.send(req, 200, self.sheet)

    def r_flaky(self, req: BaseHTTPRequestHandler, n: int) -> None:
        if n == 1:
            self.send(req, 500, b"oops")
        else:
            self.send(req, 200, self.sheet)

    def r_throttled(self, req: BaseHTTPRequestHandler, n: int) -> None:
        if n == 1:
            self.send(req, 429, b"slow down", Retry_After="1")
        else:
            self.send(req, 200, self.sheet)

    def r_truncated(self, req: BaseHTTPRequestHandler, n: int) -> None:
        req.send_response(200)
        req.send_header("Content-Length", str(len(self.sheet)))
        req.end_headers()
        req.wfile.write(self.sheet[: len(self.sheet) // 2])
        req.wfile.flush()
        req.close_connection = True

    def r_stream(self, req: BaseHTTPRequestHandler, n: int) -> None:
        req.send_response(200)
        req.end_headers()
        for _ in range(100):
            req.wfile.write(self.sheet[:4096] if _ == 0 else bytes(4096))

    def r_drip(self, req: BaseHTTPRequestHandler, n: int) -> None:
        """A status line, then one endless header a byte every tenth of a second: each
        byte within any read timeout, no byte of a body ever."""
        req.wfile.write(b"HTTP/1.1 200 OK\r\nX-Drip: ")
        for _ in range(600):
            req.wfile.write(b"x")
            req.wfile.flush()
            time.sleep(0.1)

    def r_offsite(self, req: BaseHTTPRequestHandler, n: int) -> None:
        self.send(req, 302, Location="http://evil.example.com/sheet.xlsx")

    def r_onsite(self, req: BaseHTTPRequestHandler, n: int) -> None:
        self.send(req, 302, Location="/moa.pdf")

    def r_blocked(self, req: BaseHTTPRequestHandler, n: int) -> None:
        self.send(req, 200, AKAMAI, Content_Type="text/html")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    if not (SHEET_FILE.is_file() and PDF_FILE.is_file()):
        pytest.skip("the shared corpus is not beside the project (../shared/corpus)")
    srv = Server(SHEET_FILE.read_bytes(), PDF_FILE.read_bytes())
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


@pytest.fixture
def live(server: Server) -> Iterator[tuple[Fetcher, FakeTime]]:
    policy = FetchPolicy(
        connect_timeout=1.0,
        read_timeout=0.2,
        max_retries=2,
        jitter=0.0,
        per_host_min_interval=0.0,
        allowed_hosts=("127.0.0.1", "www.ice.gov"),
    )
    fake = FakeTime(1000.0)
    with build_client(policy) as client:
        yield Fetcher(client, policy, sleep=fake.sleep, clock=time.monotonic), fake


@contextmanager
def _local_fetcher(**policy: Any) -> Iterator[Fetcher]:
    """A Fetcher with real time on a real client, for the local server, under ``policy``."""
    given = FetchPolicy(**{"per_host_min_interval": 0.0, "allowed_hosts": ("127.0.0.1",), **policy})
    with build_client(given) as client:
        yield Fetcher(client, given)


def test_live_sheet_and_conditional_304(server: Server, live: tuple[Fetcher, FakeTime]) -> None:
    fetcher, _ = live
    first = fetcher.fetch(server.base + "/sheet.xlsx", "sheet")
    assert first.content == server.sheet
    assert first.sha256 == hashlib.sha256(server.sheet).hexdigest()
    assert first.etag == '"sheet-v1"'
    assert first.last_modified == "Mon, 28 Apr 2025 18:00:00 GMT"
    assert first.content_type == "x/xlsx"
    again = fetcher.fetch(server.base + "/sheet.xlsx", "sheet", first.etag, first.last_modified)
    assert again.not_modified and again.content is None and again.status == 304
    sent = server.headers["/sheet.xlsx"][-1]
    assert sent["If-None-Match"] == '"sheet-v1"'
    assert sent["User-Agent"] == fetcher.policy.user_agent


def test_live_pdf_via_redirect(server: Server, live: tuple[Fetcher, FakeTime]) -> None:
    fetcher, _ = live
    result = fetcher.fetch(server.base + "/onsite", "pdf")
    assert result.content == server.pdf
    assert result.redirects == (server.base + "/moa.pdf",)


def test_live_pdf_link_that_404s(server: Server, live: tuple[Fetcher, FakeTime]) -> None:
    fetcher, fake = live
    with pytest.raises(FetchError, match="HTTP 404"):
        fetcher.fetch(server.base + "/missing/287gJEM_gone.pdf", "pdf")
    assert server.hits["/missing/287gJEM_gone.pdf"] == 1 and fake.sleeps == []


def test_live_read_timeout(server: Server, live: tuple[Fetcher, FakeTime]) -> None:
    fetcher, fake = live
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetcher.fetch(server.base + "/slow/1", "sheet")
    assert time.monotonic() - started < 3.0
    assert server.hits["/slow/1"] == 3 and fake.sleeps == [2.0, 4.0]


def test_live_headers_sent_a_byte_at_a_time_end_at_the_download_deadline(server: Server) -> None:
    """Each byte comes within the read timeout and no body ever does: the socket's reads
    are bounded by the time left to the download, so it ends at its deadline (it ran for
    as long as the headers could be, a day at a byte a second), and is not retried."""
    with _local_fetcher(read_timeout=0.5, download_timeout=1.0, max_retries=3) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match="download slower than 1 s"):
            fetcher.fetch(server.base + "/drip/1", "page")
    assert time.monotonic() - started < 3.0 and server.hits["/drip/1"] == 1


def test_a_wait_the_server_asks_for_is_not_download_time() -> None:
    """Waiting as the server asks is not downloading: a Retry-After longer than the
    download deadline (but within its cap) is waited for, and so are several whose sum
    passes it; the retries run out, as they would without a deadline."""
    h = Harness(
        sequence(httpx.Response(429, headers={"Retry-After": "700"}), ok()),
        download_timeout=600.0,
        retry_after_max=900.0,
    )
    assert h.fetcher.fetch(SHEET_URL, "sheet").content == XLSX
    assert h.time.sleeps == [700.0]
    h = Harness(
        sequence(httpx.Response(503, headers={"Retry-After": "8"})),
        max_retries=4,
        download_timeout=10.0,
    )
    with pytest.raises(FetchError, match=r"HTTP 503 \(gave up after 5 attempts\)"):
        h.fetcher.fetch(SHEET_URL, "sheet")
    assert h.time.sleeps == [8.0] * 4 and len(h.requests) == 5


def test_the_download_deadline_counts_the_transfer_of_every_attempt() -> None:
    """The deadline bounds the transfer (the attempts' own time, their waits left out):
    attempts that each take 4 s of a 10 s deadline leave none for a third, however long
    the waits between them."""
    h = Harness(lambda _: httpx.Response(500), max_retries=4, download_timeout=10.0)

    def slow(request: httpx.Request) -> httpx.Response:
        h.requests.append(request)
        h.time.now += 4.0  # the answer takes 4 s to come
        return httpx.Response(503, headers={"Retry-After": "100"})

    h.fetcher.client = httpx.Client(transport=httpx.MockTransport(slow))
    with pytest.raises(FetchError, match="download slower than 10 s"):
        h.fetcher.fetch(SHEET_URL, "sheet")
    assert h.time.sleeps == [100.0, 100.0] and len(h.requests) == 3


def test_live_500_then_200(server: Server, live: tuple[Fetcher, FakeTime]) -> None:
    fetcher, fake = live
    assert fetcher.fetch(server.base + "/flaky/1", "sheet").content == server.sheet
    assert server.hits["/flaky/1"] == 2 and fake.sleeps == [2.0]


def test_live_429_retry_after_with_real_sleep(server: Server) -> None:
    with _local_fetcher() as fetcher:
        started = time.monotonic()
        result = fetcher.fetch(server.base + "/throttled/1", "sheet")
    assert result.content == server.sheet
    assert server.hits["/throttled/1"] == 2
    assert 0.9 <= time.monotonic() - started < 5.0


def test_live_truncated_body(server: Server, live: tuple[Fetcher, FakeTime]) -> None:
    fetcher, _ = live
    with pytest.raises(FetchError, match="truncated body"):
        fetcher.fetch(server.base + "/truncated/1", "sheet")
    assert server.hits["/truncated/1"] == 3


def test_live_oversized_file(server: Server) -> None:
    with _local_fetcher(max_sheet_bytes=10_000, max_retries=0) as fetcher:
        with pytest.raises(FetchError, match="Content-Length .* exceeds 10000 bytes"):
            fetcher.fetch(server.base + "/sheet.xlsx", "sheet")
        with pytest.raises(FetchError, match="body exceeds 10000 bytes"):
            fetcher.fetch(server.base + "/stream/1", "sheet")


def test_live_redirect_to_off_list_host(server: Server, live: tuple[Fetcher, FakeTime]) -> None:
    fetcher, _ = live
    with pytest.raises(FetchError, match="redirect to host evil.example.com not allowed"):
        fetcher.fetch(server.base + "/offsite/1", "sheet")


def test_live_block_page_instead_of_sheet(server: Server, live: tuple[Fetcher, FakeTime]) -> None:
    fetcher, _ = live
    with pytest.raises(FetchError, match="got HTML"):
        fetcher.fetch(server.base + "/blocked/1", "sheet")


def test_live_connection_refused_is_retried_then_reported() -> None:
    policy = FetchPolicy(max_retries=1, jitter=0.0, allowed_hosts=("127.0.0.1",))
    fake = FakeTime(1000.0)
    probe = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = probe.server_address[1]
    probe.server_close()
    with build_client(policy) as client:
        fetcher = Fetcher(client, policy, sleep=fake.sleep)
        with pytest.raises(FetchError, match="connection failed"):
            fetcher.fetch(f"http://127.0.0.1:{port}/x", "any")
    assert fake.sleeps[0] == 2.0


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ('attachment; filename="participatingAgencies05182026am.xlsx"',
         "participatingAgencies05182026am.xlsx"),
        ("attachment; filename*=UTF-8''participating%20Agencies.xlsx",
         "participating Agencies.xlsx"),
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ('attachment; filename="C:\\\\lists\\\\pending.xlsx"', "pending.xlsx"),
        ('attachment; filename="red\x1b[31m.xlsx"', "red[31m.xlsx"),
        ("inline", None),
        ('attachment; filename=""', None),
        # the standard library's own slip (TypeError) on filename* beside filename*0
        ("attachment; filename*=utf-8''x.pdf; filename*0=y.pdf", None),
        (None, None),
    ],
)  # fmt: skip
def test_the_served_file_name_is_its_last_path_segment_without_control_characters(
    header: str | None, name: str | None
) -> None:
    assert served_name(header) == name
