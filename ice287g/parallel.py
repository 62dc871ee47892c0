"""Parse many files at once. Parsers are pure, so distinct files can be parsed in
worker processes; results are identical to parsing them one by one."""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor

from parsers.detect import parse_listing
from parsers.errors import ParseError
from parsers.records import ParsedListing

Parsed = ParsedListing | ParseError
MIN_FOR_WORKERS = 8


def parse_one(data: bytes, name: str) -> Parsed:
    """A list parsed from bytes, or the ParseError that says why it cannot be."""
    try:
        return parse_listing(data, name)
    except ParseError as exc:
        return exc


def _parse_item(item: tuple[str, bytes, str]) -> tuple[str, Parsed]:
    sha, data, name = item
    return sha, parse_one(data, name)


def parse_many(
    items: Iterable[tuple[str, bytes, str]], workers: int | None = None
) -> dict[str, Parsed]:
    """Parse ``(sha256, bytes, name)`` items; one result per distinct sha256."""
    unique = {sha: (sha, data, name) for sha, data, name in items}
    jobs = list(unique.values())
    workers = workers or min(os.cpu_count() or 1, 4)
    if workers < 2 or len(jobs) < MIN_FOR_WORKERS:
        return dict(map(_parse_item, jobs))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return dict(pool.map(_parse_item, jobs, chunksize=4))
