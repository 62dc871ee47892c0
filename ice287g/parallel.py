"""Parse many files at once. Parsers are pure, so distinct files can be parsed in
worker processes; results are identical to parsing them one by one."""

from __future__ import annotations

import hashlib
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from parsers.detect import parse_listing
from parsers.errors import ParseError
from parsers.records import ParsedListing
from parsers.versions import LISTS
from store.parsed import CacheRow, cache_row

Parsed = ParsedListing | ParseError
MIN_FOR_WORKERS = 8
# Results held ahead of the diff, per worker: enough that the workers keep parsing
# through a run of captures the diff is slow on (a list read is at most a few hundred KB).
WINDOW_PER_WORKER = 8
UNREADABLE = "archive object unreadable"


def parse_one(data: bytes, name: str) -> Parsed:
    """A list parsed from bytes, or the ParseError that says why it cannot be."""
    try:
        return parse_listing(data, name)
    except ParseError as exc:
        return exc


def default_workers() -> int:
    return min(os.cpu_count() or 1, 4)


def parse_file(item: tuple[str, str, str]) -> Parsed:
    """Parse a stored file ``(sha256, path, name)``; a file that cannot be read or no
    longer has that hash gives a ParseError whose reason starts with UNREADABLE (a
    fault of the archive, not of the file's bytes)."""
    sha, path, name = item
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return ParseError(name, f"{UNREADABLE}: {exc}")
    if hashlib.sha256(data).hexdigest() != sha:
        return ParseError(name, f"{UNREADABLE}: its bytes no longer match {sha}")
    return parse_one(data, name)


def parse_to_cache(item: tuple[str, str, str]) -> CacheRow:
    """``parse_file``'s result as its row of the parse cache (made where the file is
    parsed, in a worker, not by the diff that waits for it; the diff reads the list
    back from that row, as it reads a list parsed before)."""
    parsed = parse_file(item)
    return cache_row(item[0], LISTS, parsed)


class ParseStream:
    """Parses stored files in worker processes ahead of the one who consumes them in
    order (the diff), each into its parse cache row, at most ``window`` files in
    flight, so both cores work and the memory held does not grow with the number of
    files. ``jobs`` are distinct ``(sha256, path, name)`` in the order they will be
    asked for."""

    def __init__(
        self,
        jobs: list[tuple[str, str, str]],
        workers: int | None = None,
        window: int | None = None,
    ) -> None:
        workers = workers or default_workers()
        self._todo = deque(jobs)
        self._jobs = {job[0]: job for job in jobs}
        self._futures: dict[str, Future[CacheRow]] = {}
        self._window = window or WINDOW_PER_WORKER * workers
        use_pool = workers >= 2 and len(jobs) >= MIN_FOR_WORKERS
        self._pool = ProcessPoolExecutor(max_workers=workers) if use_pool else None

    def __contains__(self, sha: str) -> bool:
        return sha in self._jobs

    def get(self, sha: str) -> CacheRow:
        """The parse cache row of one of the jobs (each is asked for once)."""
        job = self._jobs.pop(sha)
        if self._pool is None:
            return parse_to_cache(job)
        while sha not in self._futures and self._todo:
            self._submit()
        self._fill()
        return self._futures.pop(sha).result()

    def _submit(self) -> None:
        assert self._pool is not None
        job = self._todo.popleft()
        self._futures[job[0]] = self._pool.submit(parse_to_cache, job)

    def _fill(self) -> None:
        while self._todo and len(self._futures) < self._window:
            self._submit()

    def close(self) -> None:
        if self._pool is not None:
            for future in self._futures.values():
                future.cancel()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
