"""The base of ice287g's error hierarchy.

Every error a user can cause (bad input, bad config, a failed fetch) is an
:class:`Ice287gError`; the CLI prints it as one line and exits with its ``exit_code``.
Each layer defines its own errors next to the code that raises them
(``parsers.errors.ParseError``, ``scraper.errors.FetchError``, ``store.errors.StoreError``,
``ice287g.lock.LockHeld``).
"""

from __future__ import annotations


class Ice287gError(Exception):
    """Base of every error ice287g raises on purpose. Exit code 1 unless overridden."""

    exit_code = 1


class ConfigError(Ice287gError):
    """Raised when config.toml, an environment variable or a flag holds an invalid value."""

    exit_code = 2
