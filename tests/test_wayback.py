"""scraper.wayback: CDX paging, politeness, digests; on MockTransport and on a fake
Wayback Machine (CDX + id_ archive) served from 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import random
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.errors import FetchError
from scraper.fetch import Fetcher
from scraper.policy import FetchPolicy, build_client
from scraper.wayback import (
    CDX_FIELDS,
    PAGE_URLS,
    SHEET_PREFIX,
    Capture,
    WaybackClient,
    parse_cdx_json,
    wayback_digest,
)
from tests.support import FakeTime, quiet_handler

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SHEET_FILE = CORPUS / "ice-sheets" / "pending" / "pendingAgencies04282025pm.xlsx"

XLSX = b"PK\x03\x04" + bytes(300)
ERROR_PAGE = b"<!DOCTYPE html><html><head><title>Page Not Found</title></head></html>"
SHEET_URL = "https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies.xlsx"
SHEET_KEY = "gov,ice)/doclib/about/offices/ero/287g/participatingagencies.xlsx"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def iter_captures(client: WaybackClient, pattern: str, *args: Any, **kw: Any) -> Iterator[Capture]:
    """Every capture of every CDX page, oldest first."""
    for page in client.iter_pages(pattern, *args, **kw):
        yield from page.captures


def row(stamp: str, body: bytes = XLSX, mime: str = XLSX_MIME, status: str = "200") -> list[str]:
    """A CDX JSON row in the real field order."""
    return [SHEET_KEY, stamp, SHEET_URL, mime, status, wayback_digest(body), str(len(body))]


def test_digest_is_base32_sha1() -> None:
    assert wayback_digest(b"") == "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"
    assert len(wayback_digest(XLSX)) == 32


def test_constants() -> None:
    assert "www.ice.gov/identify-and-arrest/287g" in PAGE_URLS
    assert "www.ice.gov/news/library/factsheets/287g.htm" in PAGE_URLS
    assert SHEET_PREFIX == "www.ice.gov/doclib/about/offices/ero/287g/"


def test_capture_properties() -> None:
    capture = Capture(SHEET_KEY, "20250221214937", SHEET_URL, XLSX_MIME, "200", "D", 29728)
    assert capture.captured_at == datetime(2025, 2, 21, 21, 49, 37, tzinfo=UTC)
    assert capture.raw_url == f"https://web.archive.org/web/20250221214937id_/{SHEET_URL}"


def test_parse_cdx_json_with_resume_key_skips_revisits_and_non_200() -> None:
    body = json.dumps(
        [
            list(CDX_FIELDS),
            row("20250221214937"),
            row("20250222170629", mime="warc/revisit", status="-"),
            row("20250223000000", status="-"),
            row("20250224000000", status="302"),
            row("2025", status="200"),
            row("20251399000000", status="200"),
            [],
            ["gov,ice)/doclib/x.xlsx 20250224183354"],
        ]
    ).encode()
    page = parse_cdx_json("u", body, "http://mirror/web")
    assert [c.timestamp for c in page.captures] == ["20250221214937"]
    assert page.captures[0].raw_url.startswith("http://mirror/web/20250221214937id_/https://")
    assert page.captures[0].length == len(XLSX)
    assert page.resume_key == "gov,ice)/doclib/x.xlsx 20250224183354"


def test_parse_cdx_json_edge_cases() -> None:
    assert parse_cdx_json("u", b"").captures == ()
    assert parse_cdx_json("u", b"[]").resume_key is None
    last = parse_cdx_json("u", json.dumps([list(CDX_FIELDS), row("20250221214937")]).encode())
    assert len(last.captures) == 1 and last.resume_key is None
    with pytest.raises(FetchError, match="not JSON"):
        parse_cdx_json("u", b"<html>busy</html>")
    with pytest.raises(FetchError, match="lacks"):
        parse_cdx_json("u", b'[["urlkey","timestamp"]]')
    # fields that are not text (a lone half of a UTF-16 pair could not be stored)
    good = row("20250221214937")
    bad = [
        [*good[:3], "text/html\ud800", *good[4:]],
        [good[0], good[1], good[2] + "\u0000", *good[3:]],
    ]
    page = parse_cdx_json("u", json.dumps([list(CDX_FIELDS), *bad, good]).encode())
    assert [c.mimetype for c in page.captures] == [good[3]]
    # nested past the interpreter's stack: RecursionError escaped as an internal error
    header = json.dumps(list(CDX_FIELDS)).encode()
    for nested in (b"[" * 100_000 + b"]" * 100_000, b"[" + header + b"," + b"[" * 100_000):
        with pytest.raises(FetchError, match="not a JSON list of rows .nested too deeply."):
            parse_cdx_json("u", nested)


cells = st.one_of(
    st.sampled_from([*CDX_FIELDS, "200", "-", "warc/revisit", "20250221214937", ""]),
    st.integers(10**13, 10**14 - 1).map(str),
    st.text(max_size=8),
    st.integers(),
    st.none(),
)
tables = st.lists(st.lists(cells, max_size=8), max_size=6)


@given(st.one_of(tables.map(lambda t: [list(CDX_FIELDS), *t]), tables))
@settings(max_examples=150, deadline=None)
def test_parse_cdx_json_is_total(table: list[list[Any]]) -> None:
    try:
        page = parse_cdx_json("u", json.dumps(table).encode())
    except FetchError:
        return
    for capture in page.captures:
        assert capture.statuscode == "200" and capture.mimetype != "warc/revisit"
        assert capture.captured_at.tzinfo is UTC


# --- unit tests on MockTransport ------------------------------------------------------------


class Mock:
    """A WaybackClient whose CDX and archive answers come from a dict of callables."""

    def __init__(self, cdx: list[httpx.Response], archive: dict[str, httpx.Response]) -> None:
        self.cdx, self.archive = cdx, archive
        self.requests: list[httpx.Request] = []
        self.time = FakeTime()
        policy = FetchPolicy(jitter=0.0, per_host_min_interval=1.0)
        self.http = httpx.Client(transport=httpx.MockTransport(self.handle))
        fetcher = Fetcher(self.http, policy, sleep=self.time.sleep, clock=self.time.clock)
        self.client = WaybackClient(self.http, fetcher, page_size=2, rng=random.Random(1))

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path.startswith("/cdx/"):
            return self.cdx.pop(0) if len(self.cdx) > 1 else self.cdx[0]
        return self.archive.get(str(request.url), httpx.Response(404))


def cdx_body(*rows: list[str], resume: str | None = None) -> httpx.Response:
    table: list[list[str]] = [list(CDX_FIELDS), *rows]
    if resume is not None:
        table += [[], [resume]]
    return httpx.Response(200, json=table)


def test_cdx_query_parameters_and_paging() -> None:
    mock = Mock(
        [
            cdx_body(row("20250221214937"), row("20250222170629"), resume="k1"),
            cdx_body(row("20250301000000")),
        ],
        {},
    )
    pages = list(
        mock.client.iter_pages(SHEET_PREFIX, date(2025, 2, 1), date(2025, 8, 31), "prefix")
    )
    assert [p.resume_key for p in pages] == ["k1", None]
    assert [len(p.captures) for p in pages] == [2, 1]
    first = parse_qs(urlsplit(str(mock.requests[0].url)).query)
    assert first == {
        "url": [SHEET_PREFIX],
        "matchType": ["prefix"],
        "filter": ["statuscode:200"],
        "output": ["json"],
        "limit": ["2"],
        "showResumeKey": ["true"],
        "from": ["20250201"],
        "to": ["20250831"],
    }
    second = parse_qs(urlsplit(str(mock.requests[1].url)).query)
    assert second["resumeKey"] == ["k1"]
    assert mock.time.sleeps == [2.5]


def test_cdx_rate_limit_is_its_own() -> None:
    mock = Mock([cdx_body(row("20250221214937"))], {})
    for _ in range(3):
        list(iter_captures(mock.client, PAGE_URLS[1]))
    assert mock.time.sleeps == [2.5, 2.5]
    assert mock.client.cdx_fetcher.policy.per_host_min_interval == 2.5
    assert mock.client.fetcher.policy.per_host_min_interval == 1.0


def test_cdx_429_without_retry_after_backs_off_long() -> None:
    mock = Mock([httpx.Response(429), cdx_body(row("20250221214937"))], {})
    assert len(list(iter_captures(mock.client, PAGE_URLS[0]))) == 1
    assert mock.time.sleeps == [60.0]


def test_cdx_429_retry_after_honoured_and_capped() -> None:
    mock = Mock([httpx.Response(429, headers={"retry-after": "90"}), cdx_body()], {})
    assert list(iter_captures(mock.client, PAGE_URLS[0])) == []
    assert mock.time.sleeps == [90.0]
    mock = Mock([httpx.Response(429, headers={"retry-after": "7200"})], {})
    with pytest.raises(FetchError, match="exceeds the cap"):
        list(iter_captures(mock.client, PAGE_URLS[0]))


def test_a_cdx_429_asking_for_longer_than_a_download_may_last_is_waited_for() -> None:
    """The CDX caps a Retry-After at 900 s, a download lasts at most 600 s: waiting as
    the server asks is not download time, so 700 s are waited for, as are three waits
    of 250 s in a row."""
    throttled = [httpx.Response(429, headers={"retry-after": "700"}), cdx_body()]
    mock = Mock(throttled, {})
    assert mock.client.cdx_fetcher.policy.download_timeout == 600.0
    assert list(iter_captures(mock.client, PAGE_URLS[0])) == []
    assert mock.time.sleeps == [700.0]
    throttled = [httpx.Response(429, headers={"retry-after": "250"})] * 3
    mock = Mock([*throttled, cdx_body(row("20250221214937"))], {})
    assert len(list(iter_captures(mock.client, PAGE_URLS[0]))) == 1
    assert mock.time.sleeps == [250.0] * 3


def test_repeating_resume_key_stops() -> None:
    mock = Mock([cdx_body(row("20250221214937"), resume="same")], {})
    with pytest.raises(FetchError, match="resume key repeats"):
        list(iter_captures(mock.client, PAGE_URLS[0]))


def capture_for(body: bytes, stamp: str = "20250221214937", digest: str | None = None) -> Capture:
    digest = digest or wayback_digest(body)
    return Capture(SHEET_KEY, stamp, SHEET_URL, XLSX_MIME, "200", digest, len(body))


def test_fetch_capture_verifies_digest_and_kind() -> None:
    good, bad, html = (
        capture_for(XLSX),
        capture_for(XLSX, "20250222000000", wayback_digest(b"other")),
        capture_for(ERROR_PAGE, "20250223000000"),
    )
    mock = Mock(
        [cdx_body()],
        {
            good.raw_url: httpx.Response(200, content=XLSX),
            bad.raw_url: httpx.Response(200, content=XLSX),
            html.raw_url: httpx.Response(200, content=ERROR_PAGE),
        },
    )
    assert mock.client.fetch_capture(good, "sheet") == XLSX
    assert mock.requests[0].headers["accept-encoding"] == "identity"
    assert "ice287g" in mock.requests[0].headers["user-agent"]
    with pytest.raises(FetchError, match="digest mismatch"):
        mock.client.fetch_capture(bad, "sheet")
    with pytest.raises(FetchError, match="got HTML"):
        mock.client.fetch_capture(html, "sheet")
    with pytest.raises(FetchError, match="HTTP 404"):
        mock.client.fetch_capture(capture_for(XLSX, "20250224000000"), "sheet")


def test_a_digest_mismatch_behind_a_redirect_names_the_capture_it_was_sent_to() -> None:
    """The archive redirects a capture it does not hold to another capture's timestamp:
    the bytes are that capture's, and the failure says where they came from."""
    listed, other = capture_for(XLSX), capture_for(XLSX + b"later", "20250301000000")
    mock = Mock(
        [cdx_body()],
        {
            listed.raw_url: httpx.Response(302, headers={"location": other.raw_url}),
            other.raw_url: httpx.Response(200, content=XLSX + b"later"),
        },
    )
    why = f"digest mismatch: CDX says {listed.digest}, body is {other.digest} "
    with pytest.raises(FetchError) as caught:
        mock.client.fetch_capture(listed, "sheet")
    assert why + f"(served by a redirect to {other.raw_url})" in str(caught.value)


class Wire(httpx.SyncByteStream):
    """A body as it travels, not yet read (so Content-Encoding is still applied)."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def __iter__(self) -> Iterator[bytes]:
        yield self.body


def test_fetch_capture_with_gzip_transfer_or_gzip_payload() -> None:
    zipped = gzip.compress(XLSX)
    as_stored = capture_for(XLSX)
    gz_stored = capture_for(zipped, "20250222000000")
    gz = {"content-encoding": "gzip"}
    mock = Mock(
        [cdx_body()],
        {
            as_stored.raw_url: httpx.Response(200, stream=Wire(zipped), headers=gz),
            gz_stored.raw_url: httpx.Response(200, stream=Wire(zipped), headers=gz),
        },
    )
    assert mock.client.fetch_capture(as_stored, "sheet") == XLSX
    assert mock.client.fetch_capture(gz_stored, "sheet") == XLSX


# --- integration: a fake Wayback Machine on 127.0.0.1 -------------------------------------


class FakeWayback:
    """CDX JSON with resumeKey paging, a 429 on first contact, and id_ captures."""

    def __init__(self, sheet: bytes) -> None:
        self.sheet = sheet
        self.hits: dict[str, int] = {}
        self.cdx_queries: list[dict[str, list[str]]] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), quiet_handler(self.route))
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.bodies = {
            "20250221214937": sheet,
            "20250301000000": sheet,
            "20250401000000": ERROR_PAGE,
            "20250501000000": sheet,
        }
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def rows(self) -> list[list[str]]:
        sheet = self.sheet
        return [
            row("20250221214937", sheet),
            row("20250222170629", sheet, mime="warc/revisit", status="-"),
            row("20250301000000", sheet),
            row("20250401000000", ERROR_PAGE),
            row("20250501000000", b"what the CDX thinks it archived"),
        ]

    def route(self, req: BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.hits[req.path] = self.hits.get(req.path, 0) + 1
        if req.path.startswith("/cdx"):
            self.cdx(req)
        elif req.path.startswith("/web/"):
            self.capture(req)
        else:
            self.send(req, 404, b"not found")

    @staticmethod
    def send(req: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
        req.send_response(status)
        req.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            req.send_header(key.replace("_", "-"), value)
        req.end_headers()
        req.wfile.write(body)

    def cdx(self, req: BaseHTTPRequestHandler) -> None:
        query = parse_qs(urlsplit(req.path).query)
        with self.lock:
            self.cdx_queries.append(query)
            first = len(self.cdx_queries) == 1
        if first:
            self.send(req, 429, b"Too Many Requests", Retry_After="1")
            return
        rows, size = self.rows(), int(query["limit"][0])
        start = int(query.get("resumeKey", ["0"])[0].split()[-1])
        table: list[list[str]] = [list(CDX_FIELDS), *rows[start : start + size]]
        if start + size < len(rows):
            table += [[], [f"{SHEET_KEY} {start + size}"]]
        self.send(req, 200, json.dumps(table).encode(), Content_Type="text/plain")

    def capture(self, req: BaseHTTPRequestHandler) -> None:
        stamp = req.path.split("/")[2].removesuffix("id_")
        body = self.bodies.get(stamp)
        if body is None:
            self.send(req, 404, ERROR_PAGE)
        else:
            self.send(req, 200, body)


@pytest.fixture(scope="module")
def wayback() -> Iterator[FakeWayback]:
    if not SHEET_FILE.is_file():
        pytest.skip("the shared corpus is not beside the project (../shared/corpus)")
    fake = FakeWayback(SHEET_FILE.read_bytes())
    fake.thread.start()
    yield fake
    fake.httpd.shutdown()
    fake.httpd.server_close()


def test_live_backfill_against_fake_wayback(wayback: FakeWayback) -> None:
    clock = FakeTime()
    policy = FetchPolicy(jitter=0.0, allowed_hosts=("127.0.0.1",))
    with build_client(policy) as http:
        client = WaybackClient(
            http,
            policy,
            cdx_url=wayback.base + "/cdx/search/cdx",
            archive_url=wayback.base + "/web",
            page_size=2,
            sleep=clock.sleep,
            clock=clock.clock,
        )
        pages = list(client.iter_pages(SHEET_PREFIX, date(2025, 2, 1), None, "prefix"))
        captures = [c for page in pages for c in page.captures]
        assert [c.timestamp for c in captures] == [
            "20250221214937",
            "20250301000000",
            "20250401000000",
            "20250501000000",
        ]
        assert [p.resume_key for p in pages] == [f"{SHEET_KEY} 2", f"{SHEET_KEY} 4", None]
        assert clock.sleeps[0] == 1.0  # the 429's Retry-After
        assert clock.sleeps.count(2.5) == 2  # the CDX rate limit between pages
        assert wayback.cdx_queries[1]["from"] == ["20250201"]
        assert "to" not in wayback.cdx_queries[1]

        good, _, error_page, mismatch = captures
        assert client.fetch_capture(good, "sheet") == wayback.sheet
        with pytest.raises(FetchError, match="got HTML"):
            client.fetch_capture(error_page, "sheet")
        with pytest.raises(FetchError, match="digest mismatch"):
            client.fetch_capture(mismatch, "sheet")

        resumed = list(
            iter_captures(client, SHEET_PREFIX, match_type="prefix", resume_key=pages[1].resume_key)
        )
        assert [c.timestamp for c in resumed] == ["20250501000000"]
