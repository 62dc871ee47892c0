"""One pass at a time: an exclusive, non-blocking ``flock`` on the configured lock file.

``flock`` locks belong to the open file, so the kernel drops the lock when the holder
exits for any reason (even ``kill -9``): a stale lock file never blocks the next pass.
The holder writes its pid into the file so a refused pass can say who holds it.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType
from typing import IO

from common.errors import Ice287gError


class LockHeld(Ice287gError):
    """Raised when another ice287g pass holds the run lock."""

    exit_code = 75


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
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Let go of the lock (the file stays, emptied, for the next holder)."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        handle.seek(0)
        handle.truncate()
        handle.flush()
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()

    def _open(self) -> IO[str]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return self.path.open("a+", encoding="utf-8")
        except OSError as exc:
            raise Ice287gError(f"cannot open the lock file {self.path}: {exc}") from exc

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


def _read_pid(handle: IO[str]) -> str:
    """The pid written by the holder, or 'unknown' while it has not written it yet."""
    handle.seek(0)
    text = handle.read().strip()
    return text if text.isdigit() else "unknown"
