"""A fake Wayback Machine on 127.0.0.1: a CDX API and an ``id_`` capture archive.

The CDX answers ``output=json`` in the real format: a header row, then rows of
``urlkey, timestamp, original, mimetype, statuscode, digest, length`` sorted by urlkey
and timestamp, adjacent equal digests collapsed when asked (``collapse=digest``), at most
``page_rows`` rows a page, and, when more remain, an empty row ``[]`` then
``[resumeKey]``. Like the real one it honours ``url``, ``matchType`` (exact or prefix),
``from``, ``to`` and ``resumeKey``. Revisit records are listed whatever the filter, so
a client must skip them itself.

Trouble on demand: a 429 with ``Retry-After: 1`` on the first CDX query, the CDX or
the archive failing hard (503) after N answers (an interruption), a capture listed
with a digest its bytes do not match, a capture the archive answers with 404.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote_plus, unquote_plus, urlsplit

from scraper.wayback import CDX_FIELDS, wayback_digest
from tests.support import quiet_handler

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML_MIME = "text/html"
NOT_FOUND_PAGE = (
    b"<!DOCTYPE html><html><head><title>Page Not Found | ICE</title></head>"
    b"<body><h1>Page Not Found</h1><p>The page you requested does not exist.</p></body></html>"
)


def surt(original: str) -> str:
    """The CDX urlkey of a URL: ``https://www.ice.gov/287g`` -> ``gov,ice)/287g``."""
    parts = urlsplit(original)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.lower() + (f"?{parts.query}" if parts.query else "")
    return ",".join(reversed(host.split("."))) + ")" + (path or "/")


def bare(original: str) -> str:
    """A URL without its scheme, as CDX queries name it."""
    return original.split("://", 1)[-1]


@dataclass(frozen=True)
class Entry:
    """One archived capture: what the CDX lists, and what the archive serves."""

    original: str
    timestamp: str
    body: bytes
    mimetype: str = XLSX_MIME
    cdx_digest: str | None = None
    served: bool = True
    revisit: bool = False

    @property
    def digest(self) -> str:
        return self.cdx_digest or wayback_digest(self.body)

    @property
    def urlkey(self) -> str:
        return surt(self.original)

    @property
    def path(self) -> str:
        """The archive path of its ``id_`` form."""
        return f"/web/{self.timestamp}id_/{self.original}"

    def cdx_row(self) -> list[str]:
        if self.revisit:
            return [
                self.urlkey,
                self.timestamp,
                self.original,
                "warc/revisit",
                "-",
                self.digest,
                "0",
            ]
        length = str(len(self.body))
        return [
            self.urlkey,
            self.timestamp,
            self.original,
            self.mimetype,
            "200",
            self.digest,
            length,
        ]


class FakeWayback:
    """The fake server. Use :meth:`running` as a context manager."""

    def __init__(
        self, entries: Sequence[Entry], page_rows: int = 3, throttle_first: bool = True
    ) -> None:
        self.entries = list(entries)
        self.page_rows = page_rows
        self.throttle_first = throttle_first
        self.archive_fail_after: int | None = None
        self.cdx_fail_after: int | None = None
        self.served: Counter[str] = Counter()
        self.cdx_queries: list[dict[str, list[str]]] = []
        self.cdx_answered = 0
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), quiet_handler(self.route))
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def cdx_url(self) -> str:
        return self.base + "/cdx/search/cdx"

    @property
    def archive_url(self) -> str:
        return self.base + "/web"

    @contextmanager
    def running(self) -> Iterator[FakeWayback]:
        thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.httpd.shutdown()
            self.httpd.server_close()

    def heal(self) -> None:
        """Stop failing (the interruption is over)."""
        with self.lock:
            self.archive_fail_after = self.cdx_fail_after = None

    def route(self, req: BaseHTTPRequestHandler) -> None:
        if req.path.startswith("/cdx/"):
            self.cdx(req)
        elif req.path.startswith("/web/"):
            self.capture(req)
        else:
            send(req, 404, NOT_FOUND_PAGE)

    # ----- CDX

    def cdx(self, req: BaseHTTPRequestHandler) -> None:
        query = parse_qs(urlsplit(req.path).query)
        with self.lock:
            self.cdx_queries.append(query)
            throttle = self.throttle_first and len(self.cdx_queries) == 1
            failing = self.cdx_fail_after is not None and self.cdx_answered >= self.cdx_fail_after
            if not (throttle or failing):
                self.cdx_answered += 1
        if throttle:
            send(req, 429, b"Too Many Requests", Retry_After="1")
        elif failing:
            send(req, 503, b"Service Unavailable")
        else:
            body = json.dumps(self.cdx_table(query)).encode()
            send(req, 200, body, Content_Type="text/plain")

    def cdx_table(self, query: dict[str, list[str]]) -> list[list[str]]:
        rows = self.matching(query)
        key = query.get("resumeKey", [""])[0]
        if key:
            wanted = tuple(unquote_plus(key).split(" ", 1))
            rows = [r for r in rows if (r[0], r[1]) >= wanted]
        size = min(self.page_rows, int(query.get("limit", ["500"])[0]))
        table: list[list[str]] = [list(CDX_FIELDS), *rows[:size]]
        if len(rows) > size:
            table += [[], [quote_plus(f"{rows[size][0]} {rows[size][1]}")]]
        return table

    def matching(self, query: dict[str, list[str]]) -> list[list[str]]:
        url = query["url"][0]
        prefix = query.get("matchType", ["exact"])[0] == "prefix"
        low = query.get("from", [""])[0]
        high = query.get("to", [""])[0].ljust(14, "9")
        chosen = [
            e
            for e in self.entries
            if (bare(e.original).startswith(url) if prefix else bare(e.original) == url)
            and low <= e.timestamp <= high
        ]
        chosen.sort(key=lambda e: (e.urlkey, e.timestamp))
        rows = [e.cdx_row() for e in chosen]
        return collapse_digests(rows) if query.get("collapse") == ["digest"] else rows

    # ----- archive

    def capture(self, req: BaseHTTPRequestHandler) -> None:
        stamp, _, original = req.path.removeprefix("/web/").partition("/")
        stamp = stamp.removesuffix("id_")
        entry = next(
            (e for e in self.entries if e.timestamp == stamp and e.original == original), None
        )
        with self.lock:
            limit = self.archive_fail_after
            failing = limit is not None and sum(self.served.values()) >= limit
            usable = entry is not None and entry.served and not entry.revisit and not failing
            if usable and entry is not None:
                self.served[entry.path] += 1
        if failing:
            send(req, 503, b"Service Unavailable")
        elif usable and entry is not None:
            send(req, 200, entry.body, Content_Type=entry.mimetype)
        else:
            send(req, 404, NOT_FOUND_PAGE, Content_Type=HTML_MIME)


def collapse_digests(rows: list[list[str]]) -> list[list[str]]:
    """``collapse=digest``: drop a row whose urlkey and digest equal the previous row's."""
    kept: list[list[str]] = []
    for row in rows:
        if kept and (kept[-1][0], kept[-1][5]) == (row[0], row[5]):
            continue
        kept.append(row)
    return kept


def send(req: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    """Answer with ``body``; header names use ``_`` for ``-``."""
    req.send_response(status)
    req.send_header("Content-Length", str(len(body)))
    for key, value in headers.items():
        req.send_header(key.replace("_", "-"), value)
    req.end_headers()
    req.wfile.write(body)
