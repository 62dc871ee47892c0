"""URL helpers for the scraper. The pure functions live in :mod:`parsers.urls` so the
parsers and the diff engine can repair MOA links the same way."""

from parsers.urls import ICE_HOSTS, ICE_ORIGIN, host_of, is_allowed, rebase_url, repair_url

__all__ = ["ICE_HOSTS", "ICE_ORIGIN", "host_of", "is_allowed", "rebase_url", "repair_url"]
