"""Network faults: a body that decodes to gigabytes, a server that drips, links that
would leave the mirror, a pass that would never end. Each is bounded and one line."""

from __future__ import annotations

import gzip
import itertools
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import httpx
import pytest

from ice287g import live
from ice287g.app import App
from ice287g.config import load_config
from ice287g.passes import PassOptions
from parsers.urls import is_allowed
from scraper.decoding import BoundedDecoder
from scraper.errors import FetchError
from scraper.fetch import Fetcher
from scraper.policy import FetchPolicy, build_client
from tests.support import quiet_handler

LIMIT = 1_000_000


def _compressed_zeros(size: int, wbits: int) -> bytes:
    """``size`` zero bytes compressed, without ever holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = bytes(1 << 20)
    parts = [packer.compress(block) for _ in range(size >> 20)]
    return b"".join(parts) + packer.flush()


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9)


class Server:
    """A local server answering every GET with one scripted body and headers."""

    def __init__(self) -> None:
        self.body, self.headers, self.drip, self.hits = b"", {}, 0.0, 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), quiet_handler(self._answer))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/x"

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        self.hits += 1
        handler.send_response(200)
        for name, value in self.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        try:
            if not self.drip:
                handler.wfile.write(self.body)
                return
            for byte in itertools.islice(itertools.cycle(b"x"), 400):
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(self.drip)
        except OSError:
            return  # the client hung up, as it should


@pytest.fixture
def server() -> Iterator[Server]:
    site = Server()
    thread = Thread(target=site.httpd.serve_forever, daemon=True)
    thread.start()
    yield site
    site.httpd.shutdown()
    site.httpd.server_close()


def _fetcher(**limits: float) -> Fetcher:
    policy = FetchPolicy(
        max_any_bytes=LIMIT,
        max_retries=2,
        backoff_base=0,
        per_host_min_interval=0,
        allowed_hosts=("127.0.0.1",),
        **limits,  # type: ignore[arg-type]
    )
    return Fetcher(build_client(policy), policy)


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip, gzip", lambda: _gzip(_compressed_zeros(64 << 20, 16 + zlib.MAX_WBITS))),
        ("gzip", lambda: _compressed_zeros(64 << 20, 16 + zlib.MAX_WBITS)),
        ("deflate", lambda: _compressed_zeros(64 << 20, zlib.MAX_WBITS)),
    ],
)
def test_a_compression_bomb_is_refused_while_decoding_in_bounded_memory(
    server: Server, encoding: str, body: object
) -> None:
    server.body = body()  # type: ignore[operator]
    server.headers = {"Content-Encoding": encoding, "Content-Length": str(len(server.body))}
    assert len(server.body) < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match=f"exceeds {LIMIT} bytes"):
            _fetcher().fetch(server.url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * LIMIT  # 64 MB decoded would be 64 MB and more


def test_every_layer_of_a_true_body_is_decoded(server: Server) -> None:
    server.body = _gzip(zlib.compress(b"hello " * 1000))
    server.headers = {"Content-Encoding": "deflate, gzip"}
    assert _fetcher().fetch(server.url).content == b"hello " * 1000


def test_an_encoding_that_cannot_be_bounded_is_one_line(server: Server) -> None:
    server.body, server.headers = b"\x1b\x00", {"Content-Encoding": "br"}
    with pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"):
        _fetcher().fetch(server.url)


def test_a_decoder_holds_no_more_than_the_limit_per_layer() -> None:
    decoder = BoundedDecoder("gzip", 10)
    with pytest.raises(Exception, match="decodes to more"):
        decoder.feed(_gzip(bytes(1000)))


def test_a_dripping_server_is_given_up_after_the_download_deadline_not_retried(
    server: Server,
) -> None:
    server.drip = 0.02
    started = time.monotonic()
    with pytest.raises(FetchError, match="slower than 0.3 s"):
        _fetcher(download_timeout=0.3).fetch(server.url)
    assert time.monotonic() - started < 3
    assert server.hits == 1


def test_the_download_deadline_is_a_setting(tmp_path: Path) -> None:
    env = {"ICE287G_FETCH__DOWNLOAD_DEADLINE": "45"}
    app = App(load_config(None, {}, env=env, cwd=tmp_path))
    assert app.fetch_policy().download_timeout == 45


def test_with_a_mirror_no_link_or_redirect_reaches_ice_itself(tmp_path: Path) -> None:
    env = {"ICE287G_BASE_URL": "http://127.0.0.1:8123"}
    policy = App(load_config(None, {}, env=env, cwd=tmp_path)).fetch_policy()
    assert is_allowed("http://127.0.0.1:8123/doclib/a.xlsx", policy.allowed_hosts)
    for url in ("https://www.ice.gov/x", "https://www.ice.gov:8443/x", "http://ice.gov/x"):
        assert not is_allowed(url, policy.allowed_hosts)
    ice = App(load_config(None, {}, env={}, cwd=tmp_path)).fetch_policy()
    assert is_allowed("https://www.ice.gov/x", ice.allowed_hosts)


def test_a_pass_past_its_deadline_stops_cleanly_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fake_ice import FakeIce, sheet

    part = "participating/participatingAgencies-20250221214937.xlsx"
    pend = "pending/pendingAgencies-20250221214937.xlsx"
    if not sheet(part).exists():
        pytest.skip("the shared corpus is not beside the project")
    ticks = itertools.count(step=100)
    monkeypatch.setattr(live, "clock", lambda: float(next(ticks)))
    env = {
        "ICE287G_FETCH__PASS_DEADLINE": "250",  # the page and one list, then too late
        "ICE287G_FETCH__PER_HOST_INTERVAL": "0",
    }
    overrides = {"db": f"sqlite:///{tmp_path / 'x.db'}", "snapshots": str(tmp_path / "a")}
    with FakeIce() as site:
        site.publish(participating=part, pending=pend)
        config = load_config(None, overrides, env={**env, "ICE287G_BASE_URL": site.base_url})
        app = App(config)
        result = live.run_pass(app, PassOptions(moas=False))
        app.close()
    assert result.exit_code == 1
    assert len(result.failures) == 1 and "pass deadline" in result.failures[0]
    assert result.recorded == 2  # the page and the participating list are kept


def test_httpx_would_have_decoded_the_bomb_in_one_go() -> None:
    """The fault itself: httpx's own decoder yields a whole layer at once."""
    body = _gzip(_gzip(bytes(4 << 20)))
    response = httpx.Response(200, headers={"Content-Encoding": "gzip, gzip"}, content=body)
    assert len(response.content) == 4 << 20


def test_a_clock_set_back_stops_the_pass_at_once_not_waiting_for_its_history(
    tmp_path: Path,
) -> None:
    """A pass with the clock an hour behind the last one's (a timer firing at boot, before
    NTP): it waited, holding the run lock, for the clock to pass the newest observation;
    now it says so in one line and records nothing."""
    from datetime import UTC, datetime, timedelta

    from tests.fake_ice import FakeIce, sheet

    part = "participating/participatingAgencies-20250221214937.xlsx"
    pend = "pending/pendingAgencies-20250221214937.xlsx"
    if not sheet(part).exists():
        pytest.skip("the shared corpus is not beside the project")
    overrides = {"db": f"sqlite:///{tmp_path / 'x.db'}", "snapshots": str(tmp_path / "a")}
    with FakeIce() as site:
        site.publish(participating=part, pending=pend)
        env = {"ICE287G_FETCH__PER_HOST_INTERVAL": "0", "ICE287G_BASE_URL": site.base_url}
        app = App(load_config(None, overrides, env=env))
        assert live.run_pass(app, PassOptions(moas=False)).exit_code == 0
        recorded = len(list(app.archive.observations()))
        back = datetime.now(UTC) - timedelta(hours=1)
        with app.exclusive(), pytest.raises(live.ClockBehind, match="before the newest obs"):
            live.LivePass(app, PassOptions(moas=False), now=lambda: back).run()
        assert len(list(app.archive.observations())) == recorded
        with app.exclusive():  # the lock is free again
            pass
        app.close()
