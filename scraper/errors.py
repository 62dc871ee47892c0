"""The scraper's one error: a fetch that failed after retries or returned something unusable."""

from __future__ import annotations

from common.errors import Ice287gError


class FetchError(Ice287gError):
    """Raised when an HTTP fetch fails after retries, or returns something unusable."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
