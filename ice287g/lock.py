"""One pass at a time: an exclusive, non-blocking ``flock`` on the configured lock file.

``flock`` locks belong to the open file, so the kernel drops the lock when the holder
exits for any reason (even ``kill -9``): a stale lock file never blocks the next pass.
A process forked while the lock is held (a parse worker) shares that open file, and so
the lock: :func:`forget_inherited`, called first in every such process, lets go of its
share, so a worker left behind by a killed pass holds nothing. The holder writes its
pid into the file so a refused pass can say who holds it; a file holding anything
else is no lock file (a setting pointing the lock at the database or the archive's
manifest, which taking the lock would have emptied) and is refused.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType
from typing import IO

from common.errors import ConfigError, Ice287gError
from ice287g.failures import OS_ERROR_EXIT

_HELD: set[int] = set()  # the file descriptors of the locks this process holds


class LockHeld(Ice287gError):
    """Raised when another ice287g pass holds the run lock."""

    exit_code = 75


class LockFileError(Ice287gError):
    """The lock file cannot be opened or made (a read-only or full file system)."""

    exit_code = OS_ERROR_EXIT


class RunLock:
    """``with RunLock(path):`` holds the lock or raises :class:`LockHeld` at once."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock, or raise LockHeld naming the lock file and the holder's pid."""
        handle = self._open()
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(handle)
            handle.close()
            raise LockHeld(
                f"another ice287g pass is running (pid {holder} holds the lock {self.path})"
            ) from None
        if _read_pid(handle) == OTHER:
            handle.close()
            raise ConfigError(
                f"archive.lock_file {self.path} holds other data than a pass's pid: it is "
                "no lock file (give the lock a file of its own)"
            )
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        _HELD.add(handle.fileno())

    def release(self) -> None:
        """Let go of the lock (the file stays, emptied, for the next holder)."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        _HELD.discard(handle.fileno())
        handle.seek(0)
        handle.truncate()
        handle.flush()
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()

    def _open(self) -> IO[str]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return self.path.open("a+", encoding="utf-8")
        except OSError as exc:  # a read-only or full file system: the system's, exit 74
            raise LockFileError(f"cannot open the lock file {self.path}: {exc}") from exc

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


OTHER = "other data"


def _read_pid(handle: IO[str]) -> str:
    """The pid written by the holder, 'unknown' while it has not written it yet (or
    none holds it), or :data:`OTHER` for a file holding anything else."""
    handle.seek(0)
    try:
        text = handle.read(64).strip()
    except UnicodeDecodeError:
        return OTHER
    if text.isdigit():
        return text
    return "unknown" if not text else OTHER


def forget_inherited() -> None:
    """In a process forked while this one held a lock: let go of its share of the
    lock's open file (its descriptor pointed at ``/dev/null`` instead, so nothing here
    closes it twice), so the lock is the parent's alone and ends with it."""
    for fd in list(_HELD):
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, fd)
        os.close(null)
    _HELD.clear()
