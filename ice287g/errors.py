"""The one error hierarchy of ice287g.

Every error a user can cause (bad input, bad config, a failed fetch) is an
:class:`Ice287gError`; the CLI prints it as one line and exits non-zero.
"""

from __future__ import annotations


class Ice287gError(Exception):
    """Base of every error ice287g raises on purpose. Exit code 1 unless overridden."""

    exit_code = 1


class ConfigError(Ice287gError):
    """Raised when config.toml, an environment variable or a flag holds an invalid value."""

    exit_code = 2


class ParseError(Ice287gError):
    """Raised when a file cannot be read as what it claims to be (names the file and why)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (self.source, self.reason))


class FetchError(Ice287gError):
    """Raised when an HTTP fetch fails after retries, or returns something unusable."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class SnapshotRejected(Ice287gError):
    """Raised when a snapshot fails the quality gate; it is archived but never diffed."""

    def __init__(self, snapshot: str, reason: str) -> None:
        super().__init__(f"{snapshot} rejected: {reason}")
        self.snapshot = snapshot
        self.reason = reason


class StoreError(Ice287gError):
    """Raised when the database cannot be opened, migrated or queried."""


class LockHeld(Ice287gError):
    """Raised when another ice287g pass holds the run lock."""

    exit_code = 75
