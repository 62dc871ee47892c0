"""How politely and how safely ice287g talks HTTP: one frozen :class:`FetchPolicy`.

The application layer builds one policy (from its config) and one client with
:func:`build_client`, and passes both down. Nothing here holds state.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import urlsplit

import httpcore
import httpx

from common.errors import ConfigError
from scraper.deadline import DeadlineBackend

Expect = Literal["page", "sheet", "pdf", "any"]

PROJECT_URL = "https://github.com/ice287g/ice287g"
DEFAULT_CONTACT = "ice287g-maintainers@example.org"
DEFAULT_ALLOWED_HOSTS = ("www.ice.gov", "ice.gov", "web.archive.org")


def make_user_agent(contact: str = DEFAULT_CONTACT, version: str = "0.1") -> str:
    """The User-Agent ice287g sends: the project, its home and a contact address."""
    return f"ice287g/{version} (+{PROJECT_URL}; contact: {contact})"


DEFAULT_USER_AGENT = make_user_agent()


@dataclass(frozen=True)
class FetchPolicy:
    """Timeouts, retries, rate limits, size limits and the host allowlist of a fetcher.

    Times are in seconds. ``jitter`` is a fraction: a back-off delay ``d`` becomes
    ``d * (1 + jitter * U[0, 1))``, capped at ``backoff_max``. ``throttle_backoff`` is the
    least delay after a 429 that carries no usable Retry-After. A Retry-After longer
    than ``retry_after_max`` makes the fetch fail instead of sleeping.
    """

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    download_timeout: float = 600.0
    max_retries: int = 4
    backoff_base: float = 2.0
    backoff_max: float = 120.0
    jitter: float = 0.25
    throttle_backoff: float = 30.0
    retry_after_max: float = 300.0
    per_host_min_interval: float = 2.0
    max_redirects: int = 5
    max_page_bytes: int = 5_000_000
    max_sheet_bytes: int = 20_000_000
    max_pdf_bytes: int = 50_000_000
    max_any_bytes: int = 50_000_000
    allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS

    def __post_init__(self) -> None:
        """Reject values that would make the fetcher impolite or unsafe."""
        _check_user_agent(self.user_agent)
        _require(self.connect_timeout > 0 and self.read_timeout > 0, "timeouts must be > 0")
        _require(self.download_timeout > 0, "download_timeout must be > 0")
        _require(self.max_retries >= 0 and self.max_redirects >= 0, "retry counts must be >= 0")
        backoff = (self.backoff_base, self.backoff_max, self.jitter)
        _require(min(backoff) >= 0, "back-off values must be >= 0")
        _require(self.per_host_min_interval >= 0, "per_host_min_interval must be >= 0")
        _require(self.retry_after_max >= 0 and self.throttle_backoff >= 0, "caps must be >= 0")
        sizes = (self.max_page_bytes, self.max_sheet_bytes, self.max_pdf_bytes, self.max_any_bytes)
        _require(min(sizes) > 0, "max_*_bytes must be > 0")
        _require(bool(self.allowed_hosts), "allowed_hosts must not be empty")

    def max_bytes(self, expect: Expect) -> int:
        """The largest body accepted for one kind of download."""
        return {
            "page": self.max_page_bytes,
            "sheet": self.max_sheet_bytes,
            "pdf": self.max_pdf_bytes,
        }.get(expect, self.max_any_bytes)

    def timeout(self) -> httpx.Timeout:
        """The httpx timeout for one request (read applies per chunk)."""
        return httpx.Timeout(
            connect=self.connect_timeout,
            read=self.read_timeout,
            write=self.read_timeout,
            pool=self.connect_timeout,
        )

    def allowing(self, url_or_host: str) -> FetchPolicy:
        """A copy that also allows the host of ``url_or_host`` (e.g. a mirror's base URL)."""
        host = urlsplit(url_or_host).hostname if "://" in url_or_host else url_or_host
        if not host or host.lower() in self.allowed_hosts:
            return self
        return replace(self, allowed_hosts=(*self.allowed_hosts, host.lower()))


def _check_user_agent(agent: str) -> None:
    """The User-Agent must name the project and give a way to reach its operators."""
    has_contact = "@" in agent or "contact" in agent.lower()
    _require(
        agent.lower().startswith("ice287g") and has_contact,
        f"user_agent must name ice287g and a contact address, got {agent!r}",
    )


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(f"fetch policy: {message}")


def build_client(policy: FetchPolicy) -> httpx.Client:
    """The one HTTP client of a run: policy timeouts, our User-Agent, no auto-redirects.

    Redirects are followed by :class:`scraper.fetch.Fetcher` so that every hop is
    checked against the allowlist. The caller owns the client and must close it.
    """
    return httpx.Client(
        headers={"User-Agent": policy.user_agent},
        timeout=policy.timeout(),
        follow_redirects=False,
        transport=_DeadlineTransport(),
    )


class _DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport, its connections opened by :class:`DeadlineBackend` (each read
    bounded by the download's deadline: ``scraper/deadline.py``). httpx takes no network
    backend, so its connection pool is made here as it makes it, with that backend."""

    def __init__(self) -> None:
        super().__init__()
        limits = httpx.Limits()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=DeadlineBackend(),
        )
