"""A fake www.ice.gov on 127.0.0.1, built from the real corpus, with faults on demand.

It serves the 287(g) landing page (relative links to dated sheets, the counts in
prose), the participating and pending sheets, and MOA PDFs under /doclib/287gMOA/
(anything not added answers 404). Every file has an ETag and a Last-Modified and
answers conditional requests with 304. Per path, a :class:`Fault` can delay the answer
(timeouts), answer a sequence of statuses first (500 then 200, 429 with Retry-After),
cut the body short, send an HTML block page with status 200, redirect off the
allowlist, send an oversized body, or serve other bytes. Every request is logged.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from tests.support import quiet_handler

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SHEETS = CORPUS / "ice-sheets"
MOAS = CORPUS / "moa"

PAGE_PATH = "/identify-and-arrest/287g"
SHEET_DIR = "/doclib/about/offices/ero/287g/"
MOA_DIR = "/doclib/287gMOA/"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BLOCK_PAGE = (
    b"<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n"
    b"You don't have permission to access this server.<P>\n"
    b"Reference&#32;&#35;18&#46;5c0f1002\n<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net"
    b"</BODY>\n</HTML>\n"
)


@dataclass
class Fault:
    """What to do instead of answering normally (see the module docstring)."""

    delay: float = 0.0
    statuses: list[int] = field(default_factory=list)
    retry_after: str | None = None
    truncate: bool = False
    cut: bool = False  # the body's first half, its Content-Length and ETag the whole's
    block_page: bool = False
    redirect_to: str | None = None
    oversize: int = 0
    body: bytes | None = None


@dataclass(frozen=True)
class Logged:
    """One request as the server saw it."""

    path: str
    status: int
    if_none_match: str | None
    if_modified_since: str | None
    at: float
    arrival: int = 0  # its place in the order the requests arrived

    @property
    def conditional(self) -> bool:
        return bool(self.if_none_match or self.if_modified_since)


@dataclass
class Resource:
    """A file the site serves."""

    body: bytes
    content_type: str
    last_modified: str
    disposition: str | None = None  # a Content-Disposition header, when one is sent

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


def sheet(name: str) -> Path:
    """A corpus sheet by ``participating/...`` or ``pending/...`` name."""
    return SHEETS / name


def landing_html(participating: str | None, pending: str | None, prose: str = "") -> bytes:
    """The 287(g) page with relative links to the two sheets and counts in prose."""
    links = []
    if participating:
        links.append(f'<p><a href="{participating}">View 287(g) Participating Agencies</a></p>')
    if pending:
        links.append(f'<p><a href="{pending}">View 287(g) Pending Agencies</a></p>')
    html = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Delegation of Immigration Authority Section 287(g)</title></head><body>"
        "<main><h1>Delegation of Immigration Authority Section 287(g)</h1>"
        f"<h2>Keeping Track of Participating Agencies</h2><p>{prose}</p>"
        f"{''.join(links)}"
        '<p><a href="/doclib/about/offices/ero/287g/statistics.csv">Statistics</a></p>'
        "</main></body></html>"
    )
    return html.encode()


class FakeIce:
    """The fake site. ``with FakeIce() as site:`` serves on ``site.base_url``."""

    def __init__(self) -> None:
        self.files: dict[str, Resource] = {}
        self.faults: dict[str, Fault] = {}
        self.log: list[Logged] = []
        self.arrived: list[str] = []
        self._lock = threading.Condition()
        self._answering = 0  # requests arrived and not yet logged
        self._clock = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), quiet_handler(self.answer))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeIce:
        self._thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- content -------------------------------------------------------------------------

    def put(
        self, path: str, body: bytes, content_type: str, disposition: str | None = None
    ) -> None:
        """Serve ``body`` at ``path`` with a new Last-Modified when the bytes change."""
        key = unquote(path)
        old = self.files.get(key)
        if old is not None and old.body == body:
            self.files[key] = Resource(body, content_type, old.last_modified, disposition)
            return
        self._clock += 1
        stamp = formatdate(1_740_000_000 + 3600 * self._clock, usegmt=True)
        self.files[key] = Resource(body, content_type, stamp, disposition)

    def publish(
        self,
        participating: str | None,
        pending: str | None,
        prose: str | None = None,
        counts: dict[str, int] | None = None,
    ) -> dict[str, str]:
        """Serve corpus sheets (``participating/x.xlsx``) and a page linking them;
        return the canonical ICE URL of each list."""
        urls: dict[str, str] = {}
        hrefs: dict[str, str | None] = {"participating": None, "pending": None}
        for role, name in (("participating", participating), ("pending", pending)):
            if name is None:
                continue
            path = SHEET_DIR + Path(name).name
            self.put(path, sheet(name).read_bytes(), XLSX_TYPE)
            hrefs[role] = path
            urls[role] = "https://www.ice.gov" + path
        text = prose if prose is not None else counts_prose(counts or {})
        self.set_page(landing_html(hrefs["participating"], hrefs["pending"], text))
        return urls

    def set_page(self, html: bytes) -> None:
        self.put(PAGE_PATH, html, "text/html; charset=utf-8")

    def add_pdf(self, url_or_path: str, body: bytes) -> None:
        """Serve a PDF at the path of an ICE URL (``https://www.ice.gov/doclib/...``)."""
        self.put(urlsplit(url_or_path).path, body, "application/pdf")

    def fault(self, path: str, **kwargs: Any) -> Fault:
        fault = Fault(**kwargs)
        with self._lock:
            self.faults[unquote(urlsplit(path).path)] = fault
        return fault

    def clear(self) -> None:
        """Forget faults and the request log."""
        with self._lock:
            self.faults.clear()
            self.log.clear()
            self.arrived.clear()

    # -- the log -------------------------------------------------------------------------

    def requests(self, prefix: str = "/") -> list[Logged]:
        """The requests answered so far, in the order they arrived, once those being
        answered are logged (a client can read a whole response, and send its next
        request, before the server thread that sent it logs it)."""
        with self._lock:
            self._lock.wait_for(lambda: self._answering == 0, timeout=30)
            found = [r for r in self.log if r.path.startswith(prefix)]
        return sorted(found, key=lambda r: r.arrival)

    def arrivals(self, prefix: str = "/") -> list[str]:
        """Paths requested so far, logged on arrival (before any delay)."""
        with self._lock:
            return [path for path in self.arrived if path.startswith(prefix)]

    def statuses(self, prefix: str = "/") -> Counter[int]:
        return Counter(r.status for r in self.requests(prefix))

    # -- answering -----------------------------------------------------------------------

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = unquote(urlsplit(handler.path).path)
        with self._lock:
            self.arrived.append(path)
            arrival = len(self.arrived)
            self._answering += 1
            fault = self.faults.get(path)
            status = fault.statuses.pop(0) if fault and fault.statuses else None
        try:
            if fault and fault.delay:
                time.sleep(fault.delay)
            status = self._respond(handler, path, fault, status)
            with self._lock:
                self.log.append(
                    Logged(
                        path,
                        status,
                        handler.headers.get("If-None-Match"),
                        handler.headers.get("If-Modified-Since"),
                        time.monotonic(),
                        arrival,
                    )
                )
        finally:
            with self._lock:
                self._answering -= 1
                self._lock.notify_all()

    def _respond(
        self, handler: BaseHTTPRequestHandler, path: str, fault: Fault | None, status: int | None
    ) -> int:
        if status is not None:
            headers = {"Retry-After": fault.retry_after} if fault and fault.retry_after else {}
            return _send(handler, status, b"<html><body>error</body></html>", "text/html", headers)
        if fault is not None:
            special = _faulty(handler, fault)
            if special is not None:
                return special
        resource = self.files.get(path)
        if resource is None:
            return _send(handler, 404, b"<html><body>Not Found</body></html>", "text/html")
        if fault is not None and fault.body is not None:
            resource = Resource(fault.body, resource.content_type, resource.last_modified)
        return _send_resource(handler, resource, fault)


def counts_prose(counts: dict[str, int]) -> str:
    """The page's prose for ``counts`` (keys total, states, jem, wso, tfm, pending)."""
    if not counts:
        return "ICE publishes the list of participating agencies below."
    return (
        f"ICE has entered into {counts['total']} Memorandums of Agreement for the 287(g) "
        f"program across {counts['states']} states. There are {counts['jem']} Jail "
        f"Enforcement Model agreements, {counts['wso']} Warrant Service Officer agreements, "
        f"and {counts['tfm']} Task Force Model agreements. There are currently "
        f"{counts['pending']} applications pending."
    )


def _faulty(handler: BaseHTTPRequestHandler, fault: Fault) -> int | None:
    """Answer a redirect, a block page or an oversized body; None for the rest."""
    if fault.redirect_to:
        return _send(handler, 302, b"", "text/html", {"Location": fault.redirect_to})
    if fault.block_page:
        return _send(handler, 200, BLOCK_PAGE, "text/html")
    if fault.oversize:
        handler.send_response(200)
        handler.send_header("Content-Type", XLSX_TYPE)
        handler.end_headers()
        _write(handler, b"PK\x03\x04" + bytes(fault.oversize))
        return 200
    return None


def _send_resource(handler: BaseHTTPRequestHandler, resource: Resource, fault: Fault | None) -> int:
    headers = {"ETag": resource.etag, "Last-Modified": resource.last_modified}
    if resource.disposition:
        headers["Content-Disposition"] = resource.disposition
    if fault is not None and fault.truncate:
        handler.send_response(200)
        handler.send_header("Content-Type", resource.content_type)
        handler.send_header("Content-Length", str(len(resource.body)))
        handler.end_headers()
        _write(handler, resource.body[: len(resource.body) // 2])
        return 200
    if fault is not None and fault.cut:
        return _send(handler, 200, resource.body[: len(resource.body) // 2],
                     resource.content_type, headers)  # fmt: skip
    match = handler.headers.get("If-None-Match")
    since = handler.headers.get("If-Modified-Since")
    if (match and match == resource.etag) or (not match and since == resource.last_modified):
        return _send(handler, 304, b"", None, headers)
    return _send(handler, 200, resource.body, resource.content_type, headers)


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str | None,
    headers: dict[str, str] | None = None,
) -> int:
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    if status != 304:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if status != 304:
        _write(handler, body)
    return status


def _write(handler: BaseHTTPRequestHandler, body: bytes) -> None:
    try:
        handler.wfile.write(body)
        handler.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):
        pass


# -- helpers for the processes the tests start ------------------------------------------------


@dataclass(frozen=True)
class _StubMoa:
    """What a MOA parser returns, reduced to what the pipeline stores."""

    sha256: str
    size: int

    def to_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "pages": None, "model": None, "error": None}


def _stub_parse_moa(data: bytes, _name: str, _url: str | None = None) -> _StubMoa:
    return _StubMoa(hashlib.sha256(data).hexdigest(), len(data))


def install_moa_stub(setattr_: Any = setattr) -> bool:
    """Give parsers.moa a stand-in ``parse_moa`` while the real parser is not there
    yet (pass ``monkeypatch.setattr`` in-process). True when the stub was installed."""
    import importlib

    try:
        module = importlib.import_module("parsers.moa")
    except ImportError:
        import sys
        import types

        module = types.ModuleType("parsers.moa")
        sys.modules["parsers.moa"] = module
    if hasattr(module, "parse_moa"):
        return False
    setattr_(module, "parse_moa", _stub_parse_moa)
    return True


def launch_cli() -> None:
    """``python -c 'from tests.fake_ice import launch_cli; launch_cli()' ARGS``: the CLI
    in a child process (with the MOA parser stand-in when needed)."""
    import sys

    install_moa_stub()
    from ice287g.cli import cli

    cli.main(args=sys.argv[1:], prog_name="ice287g")
