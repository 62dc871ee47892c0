"""One download's deadline, kept by the sockets themselves.

httpx bounds each read of a socket (``read_timeout``), not a whole download: a server
that sends its status line and headers one byte a second, each byte within the read
timeout, holds a request for as long as the headers may be (100 KiB: a day), and
:class:`scraper.fetch.Fetcher` sees no byte of the body to check its deadline against.
So every connection of the client :func:`scraper.policy.build_client` makes is opened
by :class:`DeadlineBackend`, which gives each connect, read and write of a socket no
more than the time left to the download under way (:func:`within`), and none once it
has passed (httpcore then raises its timeout, as for a silent server).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore

_UNTIL: ContextVar[float | None] = ContextVar("download_until", default=None)


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Run the block's network reads and writes under a deadline ``seconds`` away (on
    the monotonic clock; nested, the earlier deadline holds)."""
    until = time.monotonic() + seconds
    outer = _UNTIL.get()
    token = _UNTIL.set(until if outer is None else min(outer, until))
    try:
        yield
    finally:
        _UNTIL.reset(token)


def _bounded(timeout: float | None) -> float | None:
    """``timeout`` (seconds, None for none) cut to the time left to the deadline."""
    until = _UNTIL.get()
    if until is None:
        return timeout
    left = until - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the download's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    """A connection whose every read and write is bounded by :func:`_bounded`."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:  # fmt: skip
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, _bounded(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own blocking sockets, each bounded by the download's deadline."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, _bounded(timeout), local_address, socket_options
        )
        return _Stream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._backend.connect_unix_socket(path, _bounded(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)
