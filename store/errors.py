"""The store's one error: a database that cannot be opened, migrated or queried."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from common.errors import Ice287gError


class StoreError(Ice287gError):
    """Raised when the database cannot be opened, migrated or queried."""


class SystemStoreError(StoreError):
    """The database could not be opened for the operating system's reasons (a
    read-only file or mount, a full disk, an I/O error): exit 74, as the same failure
    while a command runs is (it was 1, bad input)."""

    exit_code = 74


# SQLite's SQLITE_FULL; PostgreSQL's disk_full (SQLSTATE class 53: insufficient resources)
_SQLITE_FULL, _PG_DISK_FULL = 13, "53100"
# SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN (primary codes: an
# extended one, SQLITE_READONLY_DIRECTORY, carries its primary in its low byte)
_SQLITE_SYSTEM = frozenset({8, 10, _SQLITE_FULL, 14})


def system_failure(exc: SQLAlchemyError) -> bool:
    """Whether the database failed for the operating system's reasons: no disk space,
    a file it may not write (read-only: the file's mode, or a ``-shm`` file left
    read-only), an I/O error, a file it cannot open; exit 74, as a full disk or a
    read-only folder under the archive is (a read-only database exited 1, bad input)."""
    cause = getattr(exc, "orig", None)
    code = getattr(cause, "sqlite_errorcode", None)
    return (code is not None and code & 0xFF in _SQLITE_SYSTEM) or getattr(
        cause, "sqlstate", None
    ) == _PG_DISK_FULL
