"""Failures as one line each, for the CLI and the scheduler alike: an operating
system's error with its path, a database's in its own words, and whether the database
failed for want of disk space (an operating system's error)."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from store.errors import StoreError

OS_ERROR_EXIT = 74  # sysexits' EX_IOERR: a read-only archive, a full disk, a folder we cannot read
INTERNAL_ERROR_EXIT = 70  # sysexits' EX_SOFTWARE: our own bug


def os_error_text(exc: OSError) -> str:
    """The path and the cause of an operating-system error, on one line."""
    cause = exc.strerror or first_line(exc)
    where = exc.filename if exc.filename is not None else None
    return f"{where}: {cause}" if where is not None else cause


def database_cause(exc: SQLAlchemyError) -> str:
    """The database's own words (``UNIQUE constraint failed: ...``), not SQLAlchemy's
    wrapping of them (an autoflush note would hide the cause)."""
    cause = getattr(exc, "orig", None)
    return first_line(cause) if isinstance(cause, BaseException) else first_line(exc)


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


def failure_exit(exc: OSError | SQLAlchemyError) -> int:
    """The exit code of an operating system's or a database's failure: 74 for the
    system's reasons, else the store's."""
    if isinstance(exc, OSError) or system_failure(exc):
        return OS_ERROR_EXIT
    return StoreError.exit_code


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def failure_text(exc: OSError | SQLAlchemyError) -> str:
    """One line for an operating system's or a database's failure."""
    if isinstance(exc, OSError):
        return os_error_text(exc)
    return f"database: {database_cause(exc)}"
