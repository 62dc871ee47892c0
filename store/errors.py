"""The store's one error: a database that cannot be opened, migrated or queried."""

from __future__ import annotations

from common.errors import Ice287gError


class StoreError(Ice287gError):
    """Raised when the database cannot be opened, migrated or queried."""
