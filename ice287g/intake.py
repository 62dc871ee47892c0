"""Intake: the one way bytes enter the archive and become an observation.

Every source of bytes goes through :func:`observe`: a file imported by hand
(``ice287g/importer.py``), a live download (``ice287g/live.py``) and a Wayback capture
(``ice287g/backfill.py``). Each source says where the bytes came from and how they were
dated (an :class:`Origin`); ``observe`` sniffs the bytes once, stores them under their
sha256 and returns the :class:`~snapshots.archive.Observation`. Recording it in the
manifest is the caller's step (an import records its files in one write, a live pass
and a backfill record each file as it arrives, before anything depends on it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from common.times import parse_utc, utc_iso
from ice287g.pipeline import Progress
from parsers.formats import SUFFIXES, sniff
from snapshots.archive import Archive, Observation

ProgressFactory = Callable[[str], AbstractContextManager[Progress | None]]
"""Makes a progress callback for a labelled stage (the CLI's bars, or none)."""


@contextmanager
def no_progress(_label: str) -> Iterator[Progress | None]:
    """The default progress factory: no bar."""
    yield None


@dataclass(frozen=True)
class Origin:
    """Where bytes came from and how they were dated: everything of an observation
    but what the bytes themselves decide (hash, size, format).

    ``source`` is ``import``, ``live`` or ``wayback``; ``observed_at`` an ISO UTC time.
    ``suffix`` is the archive suffix when how the bytes were checked fixes it (a live
    download is validated as a page, sheet or PDF; a Wayback page capture is read as
    a page); None takes it from the sniffed format. ``forced``: a maintainer vouches
    for the date.
    """

    source: str
    observed_at: str
    kind_claimed: str | None = None
    original_name: str | None = None
    url: str | None = None
    http: dict[str, Any] = field(default_factory=dict)
    forced: bool = False
    suffix: str | None = None


def each_list(obs: Observation, kinds: tuple[str, ...]) -> list[Observation]:
    """One observation per list a file's name claims (``parsers.filenames.claimed_kinds``):
    a file whose name names both lists is an observation of each, the first list at its
    time and the second a second later, as ``run`` records the one link naming both."""
    if len(kinds) < 2:
        return [obs]
    later = utc_iso(parse_utc(obs.observed_at) + timedelta(seconds=1))
    return [
        replace(obs, kind_claimed=kinds[0]),
        replace(obs, kind_claimed=kinds[1], observed_at=later),
    ]


def observe(archive: Archive, data: bytes, origin: Origin) -> Observation:
    """Put ``data`` in the archive and return its observation (not yet recorded).

    The bytes are sniffed once: they decide the archive suffix (unless the origin
    fixes it), and a PDF claims to be an MOA whatever its name says."""
    fmt = sniff(data)
    suffix = origin.suffix or SUFFIXES.get(fmt, ".bin")
    sha, _ = archive.put(data, suffix)
    return Observation(
        sha256=sha,
        observed_at=origin.observed_at,
        source=origin.source,
        kind_claimed="moa" if fmt == "pdf" else origin.kind_claimed,
        original_name=origin.original_name,
        url=origin.url,
        size=len(data),
        suffix=suffix,
        http=dict(origin.http),
        forced=origin.forced,
    )
