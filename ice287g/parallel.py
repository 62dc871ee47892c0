"""Parse many files at once. Parsers are pure, so distinct files can be parsed in
worker processes; results are identical to parsing them one by one.

Every list file and every MOA PDF is parsed in a child process, never in the one that
diffs: their readers are native code (calamine, PDFium) reading bytes from the web, and
a file that made one abort would otherwise end the pass, and every pass after it (the
file is archived, and parsed again until it is read). A file whose parser dies twice is
a ParseError (a list) or a record naming the death (a MOA), not kept in the caches (the
next replay tries it again), and the other files are parsed on."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from pathlib import Path
from typing import Any, TypeGuard, TypeVar

from ice287g.lock import forget_inherited
from parsers.detect import parse_listing
from parsers.errors import ParseError
from parsers.ocr import Ocr
from parsers.records import ParsedListing
from parsers.versions import LISTS
from store.parsed import CacheRow, cache_row

Parsed = ParsedListing | ParseError
Job = tuple[str, str, str]  # a stored file to parse: (sha256, path, name)
MIN_FOR_WORKERS = 8
# Results held ahead of the diff, per worker: enough that the workers keep parsing
# while ``import`` archives and opens the store, and through a run of captures the
# diff is slow on (a result is its parse cache row: the list compressed, tens of KB).
WINDOW_PER_WORKER = 32
UNREADABLE = "archive object unreadable"
CRASHED = "its reader's process died reading it, twice"
CHILD_MEMORY = 1 << 30
"""The most memory (bytes of data: heap and private mappings) a child reading a file
may take beyond what it holds when it starts (its parent's, forked): a file from the
web is hostile, and a small server has a gigabyte or two. A list's reader takes about
60 MB, a MOA's with OCR about 200; a PDF whose page tree repeats one page millions of
times took 2.9 GB from 350 KB of bytes."""
OUT_OF_MEMORY = f"its reader needed more than {CHILD_MEMORY >> 20} MB of memory"
NOT_KEPT = (UNREADABLE, CRASHED, OUT_OF_MEMORY)
"""Reasons that are faults of the archive or of the reader, not of the file's bytes: such
a result is not kept in the parse cache (the next replay reads the file again)."""


def not_kept(error: str | None) -> TypeGuard[str]:
    """Whether a parse's error is one of ``NOT_KEPT``: no result to keep in a cache."""
    return error is not None and error.startswith(NOT_KEPT)


NICENESS = 10
ORPHAN_CHECK_SECONDS = 1.0  # how often a child asks whether its pass still runs
T = TypeVar("T")


def parse_one(data: bytes, name: str) -> Parsed:
    """A list parsed from bytes, or the ParseError that says why it cannot be."""
    try:
        return parse_listing(data, name)
    except ParseError as exc:
        return exc
    except MemoryError:  # past CHILD_MEMORY, in a child
        return ParseError(name, OUT_OF_MEMORY)


def child_start() -> None:
    """First in every child process: let go of the run lock it shares with the pass
    (``lock.forget_inherited``), and end when the pass does: a child whose parent was
    killed (``kill -9``, a timeout) would wait for work for ever, holding the lock, and
    every later pass would exit 75."""
    forget_inherited()
    parent = os.getppid()
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    _bound_memory(CHILD_MEMORY)  # last: the watch's thread has its stack


def _bound_memory(growth: int) -> None:
    """At most ``growth`` bytes more of data for this process and the programs it
    starts (Tesseract) than it holds now (a forked child holds its parent's: a limit
    below that made its next allocation fail, and a thread's start waited for ever):
    past it an allocation fails (a MemoryError, or native code's own failure, which
    ends the process: both a file read no further), where without it the system would
    kill a process of its choosing (the database's, the pass's). Where the platform
    says not what a process holds, or has no such limit (``resource`` is POSIX), none."""
    try:
        import resource

        pages = int(Path("/proc/self/statm").read_text().split()[5])  # data and stack
    except (ImportError, OSError, ValueError, IndexError):
        return
    limit = pages * os.sysconf("SC_PAGE_SIZE") + growth
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(1)  # the pass that started this process is gone


def _yield_to_the_diff() -> None:
    """A worker runs at a lower priority than the diff it parses for: the diff, one
    process taking the files in order, is what a pass waits on; the workers use what
    CPU it leaves (on Linux: niceness 10; elsewhere, as they are)."""
    child_start()
    if hasattr(os, "nice"):
        os.nice(NICENESS)


def default_workers() -> int:
    return min(os.cpu_count() or 1, 4)


def parse_file(item: Job) -> Parsed:
    """Parse a stored file ``(sha256, path, name)``; a file that cannot be read or no
    longer has that hash gives a ParseError whose reason starts with UNREADABLE (a
    fault of the archive, not of the file's bytes)."""
    sha, path, name = item
    if not path:  # no object of that hash in the archive (deleted, or never stored)
        return ParseError(name, f"{UNREADABLE}: the archive holds no object {sha}")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return ParseError(name, f"{UNREADABLE}: {exc}")
    if hashlib.sha256(data).hexdigest() != sha:
        return ParseError(name, f"{UNREADABLE}: its bytes no longer match {sha}")
    return parse_one(data, name)


def parse_to_cache(item: Job) -> CacheRow:
    """``parse_file``'s result as its row of the parse cache (made where the file is
    parsed, in a worker, not by the diff that waits for it; the diff reads the list
    back from that row, as it reads a list parsed before)."""
    parsed = parse_file(item)
    return cache_row(item[0], LISTS, parsed)


def in_a_child(work: Callable[..., T], *args: Any, tries: int = 2) -> T | None:
    """``work(*args)`` in a child process of its own; None when such a process dies
    ``tries`` times (once may be the system's doing: a process killed for memory)."""
    for _ in range(tries):
        with ProcessPoolExecutor(1, initializer=child_start) as child:
            try:
                return child.submit(work, *args).result()
            except BrokenProcessPool:
                continue
    return None


def parse_alone(item: Job, tries: int = 2) -> CacheRow:
    """``parse_to_cache`` in a child process of its own; the row of a ParseError
    (``CRASHED``) when such a process dies ``tries`` times."""
    row = in_a_child(parse_to_cache, item, tries=tries)
    return row if row is not None else cache_row(item[0], LISTS, ParseError(item[2], CRASHED))


def read_moa(
    data: bytes, source: str, url: str | None, ocr: Ocr | None, seen: date
) -> dict[str, Any]:
    """A MOA PDF's record (``parsers.moa.parse_moa``), read in a child process of its
    own; when that process dies twice, the record of the document's hash whose error
    says so (``CRASHED``: ``not_kept``)."""
    import parsers.moa  # noqa: F401  (imported once, here: each child inherits it)

    record = in_a_child(_moa_record, data, source, url, ocr, seen)
    if record is None:
        return {"sha256": hashlib.sha256(data).hexdigest(), "error": CRASHED}
    return record


def _moa_record(
    data: bytes, source: str, url: str | None, ocr: Ocr | None, seen: date
) -> dict[str, Any]:
    from parsers.moa import parse_moa

    try:
        return dict(parse_moa(data, source, url, ocr, seen).to_dict())
    except MemoryError:  # past CHILD_MEMORY
        return {"sha256": hashlib.sha256(data).hexdigest(), "error": OUT_OF_MEMORY}


class ParseStream:
    """Parses stored files in worker processes ahead of the one who consumes them in
    order (the diff), each into its parse cache row, at most ``window`` files in
    flight, so both cores work and the memory held does not grow with the number of
    files. ``jobs`` are distinct ``(sha256, path, name)`` in the order they will be
    asked for; more may be added (``add``: ``import`` adds each file as it archives
    it, so the workers parse while the rest is archived and the store is opened) until
    the consumer says which it will ask for (``plan``). The workers start when there
    are ``MIN_FOR_WORKERS`` files (or ``expected`` says there will be)."""

    def __init__(
        self,
        jobs: Iterable[Job] = (),
        workers: int | None = None,
        window: int | None = None,
        expected: int = 0,
    ) -> None:
        self._workers = workers or default_workers()
        self._todo: deque[Job] = deque()
        self._jobs: dict[str, Job] = {}
        self._futures: dict[str, Future[CacheRow]] = {}
        self._window = window or WINDOW_PER_WORKER * self._workers
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False
        jobs = list(jobs)
        self._start(max(expected, len(jobs)))
        self.add(jobs)

    def __enter__(self) -> ParseStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __contains__(self, sha: str) -> bool:
        return sha in self._jobs

    def add(self, jobs: Iterable[Job]) -> None:
        """Queue more files, after those queued (a file queued already is skipped)."""
        for job in jobs:
            if job[0] not in self._jobs:
                self._jobs[job[0]] = job
                self._todo.append(job)
        self._fill()

    def plan(self, jobs: Iterable[Job]) -> None:
        """The files that will be asked for, in the order they will be: those parsed or
        parsing already are kept, the others queued in that order; any other file's
        parse is dropped (its result is not needed: cached already)."""
        wanted = {job[0]: job for job in jobs}
        for sha in [sha for sha in self._futures if sha not in wanted]:
            self._futures.pop(sha).cancel()
        self._jobs = wanted
        self._todo = deque(job for sha, job in wanted.items() if sha not in self._futures)
        self._start(len(wanted))
        self._fill()

    def get(self, sha: str) -> CacheRow:
        """The parse cache row of one of the jobs (each is asked for once)."""
        job = self._jobs.pop(sha)
        if sha not in self._futures and self._pool is None:
            self._todo.remove(job)  # asked for in the order queued: the first, mostly
            return parse_alone(job)
        while sha not in self._futures and self._todo:
            self._submit()
        self._fill()
        try:
            return self._futures.pop(sha).result()
        except BrokenProcessPool:
            return self._after_a_crash(job)

    def _after_a_crash(self, job: Job) -> CacheRow:
        """A worker died, and with it the pool and every parse in flight: ``job`` is
        parsed again alone (its own death makes it a ParseError), then the others in
        flight are queued again, first, in a new pool."""
        assert self._pool is not None
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None
        done = {sha: f for sha, f in self._futures.items() if _parsed(f)}
        self._todo.extendleft(reversed([self._jobs[s] for s in self._futures if s not in done]))
        self._futures = done
        row = parse_alone(job, tries=1)  # its first death was in the pool
        self._start(max(len(self._jobs), MIN_FOR_WORKERS))  # a pool, as before
        self._fill()
        return row

    def _start(self, count: int) -> None:
        wanted = self._workers >= 2 and count >= MIN_FOR_WORKERS
        if wanted and self._pool is None and not self._closed:
            self._pool = ProcessPoolExecutor(self._workers, initializer=_yield_to_the_diff)

    def _submit(self) -> None:
        assert self._pool is not None
        job = self._todo.popleft()
        self._futures[job[0]] = self._pool.submit(parse_to_cache, job)

    def _fill(self) -> None:
        while self._pool is not None and self._todo and len(self._futures) < self._window:
            self._submit()

    def close(self) -> None:
        self._closed = True
        if self._pool is not None:
            for future in self._futures.values():
                future.cancel()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _parsed(future: Future[CacheRow]) -> bool:
    """Whether a parse in flight when its pool broke had finished (its row is good)."""
    return future.done() and not future.cancelled() and future.exception() is None
