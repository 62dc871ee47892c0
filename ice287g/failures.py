"""Failures as one line each, for the CLI and the scheduler alike: an operating
system's error with its path, a database's in its own words, and whether the database
failed for want of disk space (an operating system's error)."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from store.errors import StoreError, system_failure

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
