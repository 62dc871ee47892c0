"""The raw archive: every byte ever fetched or imported, stored once by sha256.

Layout under the archive root::

    objects/5e/5e79be05...bf.xlsx   the bytes, named only by their hash
    manifest.jsonl                  one line per observation (append-only)
    registry/agency_ids.jsonl       agency ids minted here (append-only, see IdRegistry)

An *observation* is "these bytes were seen at this time from this source". The same
bytes observed twice are stored once and observed twice; the same observation recorded
twice is recorded once. The database is derived from this folder and can be rebuilt
from it at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from common.hashing import canonical_json, short_hash
from common.times import parse_utc

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Observation:
    """One manifest line: provenance of one sighting of some bytes."""

    sha256: str
    observed_at: str
    source: str
    kind_claimed: str | None = None
    original_name: str | None = None
    url: str | None = None
    size: int = 0
    suffix: str = ""
    http: dict[str, Any] = field(default_factory=dict)
    forced: bool = False  # a maintainer vouches for observed_at (no time check)

    @property
    def key(self) -> tuple[str, ...]:
        """Identity of an observation: recording it twice records nothing new (a date
        forced by a maintainer is another observation than the same one unforced)."""
        where = self.url or self.original_name or ""
        forced = ("forced",) if self.forced else ()
        return (self.sha256, self.observed_at, self.source, where, *forced)

    @property
    def snapshot_id(self) -> str:
        """Stable snapshot id: observed time (sortable) plus a hash of the key."""
        stamp = self.observed_at.replace("-", "").replace(":", "").rstrip("Z")
        return f"{stamp}-{short_hash(list(self.key), 8)}"

    def to_json(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v not in (None, {}, "")}
        if not self.forced:
            del data["forced"]  # lines written before the flag existed stay the same
        return canonical_json(data)

    @classmethod
    def from_json(cls, line: str) -> Observation:
        """One manifest line; ValueError or TypeError for a line that is none (not an
        object of the fields, a hash that is none, a time that is none)."""
        data = json.loads(line)
        if not isinstance(data, dict):
            raise TypeError("no object")
        # a field a later version writes is read past by this one
        found = cls(**{name: value for name, value in data.items() if name in _FIELDS})
        if not (isinstance(found.sha256, str) and _SHA256.fullmatch(found.sha256)):
            raise ValueError(f"no sha256: {found.sha256!r}")
        if not isinstance(found.observed_at, str):
            raise TypeError("observed_at is no text")
        parse_utc(found.observed_at)  # ValueError for a time that is none
        return found


_FIELDS = frozenset(f.name for f in fields(Observation))
SUFFIXES = ("", ".bin", ".csv", ".html", ".pdf", ".xlsx")  # in name order


class Archive:
    """Content-addressed object store plus an append-only manifest."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.manifest_path = self.root / "manifest.jsonl"
        self._keys: set[tuple[str, ...]] | None = None
        # the manifest's lines that are no observation (number, why), as last read
        self.damaged: list[tuple[int, str]] = []

    def object_path(self, sha256: str, suffix: str = "") -> Path:
        """Where the bytes with this hash live (the name is the hash, never user input)."""
        safe_suffix = suffix if suffix in SUFFIXES else ".bin"
        return self.root / "objects" / sha256[:2] / f"{sha256}{safe_suffix}"

    def put(self, data: bytes, suffix: str = "") -> tuple[str, Path]:
        """Store bytes once (atomic write); return their sha256 and path."""
        sha = hashlib.sha256(data).hexdigest()
        path = self.object_path(sha, suffix)
        if not path.exists():
            atomic_write(path, data)
        return sha, path

    def find(self, sha256: str) -> Path | None:
        """The stored file for a hash, whatever suffix it was stored under (the first
        of SUFFIXES, in name order)."""
        for suffix in SUFFIXES:
            path = self.object_path(sha256, suffix)
            if path.is_file():
                return path
        return None

    def sweep_temporaries(self) -> None:
        """Remove what a write killed midway left (``atomic_write``'s ``.tmp-`` files,
        never renamed into place): only while no other pass writes (under the run lock)."""
        for leftover in self.root.glob("**/.tmp-*"):
            try:
                leftover.unlink()
            except (IsADirectoryError, FileNotFoundError):
                continue

    def verified(self, sha256: str) -> Path | None:
        """The stored file for a hash when its bytes still have that hash (read in
        pieces, never held whole); None when it is missing or was altered."""
        path = self.find(sha256)
        if path is None:
            return None
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for piece in iter(lambda: handle.read(1 << 20), b""):
                digest.update(piece)
        return path if digest.hexdigest() == sha256 else None

    def read(self, sha256: str) -> bytes:
        """The bytes with this hash, checked against it."""
        path = self.find(sha256)
        if path is None:
            raise FileNotFoundError(f"object {sha256} is not in the archive {self.root}")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError(f"archive object {path} does not match its hash")
        return data

    def record(self, obs: Observation) -> bool:
        """Append an observation; False (and nothing written) if already recorded."""
        return bool(self.record_many([obs]))

    def record_many(self, observations: Iterable[Observation]) -> list[Observation]:
        """Append the observations not yet recorded, with one fsync; return those."""
        keys = self._load_keys()
        new: list[Observation] = []
        for obs in observations:
            if obs.key not in keys:
                keys.add(obs.key)
                new.append(obs)
        if not new:
            return new
        self.root.mkdir(parents=True, exist_ok=True)
        lead = "\n" if _ends_torn(self.manifest_path) else ""
        with self.manifest_path.open("a", encoding="utf-8") as handle:
            handle.write(lead + "".join(obs.to_json() + "\n" for obs in new))
            handle.flush()
            os.fsync(handle.fileno())
        return new

    def has(self, obs: Observation) -> bool:
        return obs.key in self._load_keys()

    def observations(self) -> list[Observation]:
        """Every recorded observation, sorted by observed time, then by key."""
        found = {obs.key: obs for obs in self._iter_manifest()}
        return sorted(found.values(), key=lambda o: (o.observed_at, o.key))

    def _load_keys(self) -> set[tuple[str, ...]]:
        if self._keys is None:
            self._keys = {obs.key for obs in self._iter_manifest()}
        return self._keys

    def _iter_manifest(self) -> Iterator[Observation]:
        """The manifest's observations; the lines that are none kept in ``damaged``."""
        self.damaged = []
        if not self.manifest_path.exists():
            return
        with self.manifest_path.open("rb") as handle:
            yield from _parse_lines(handle, self.damaged)


class IdRegistry:
    """The agency ids minted while this archive was processed (``registry/agency_ids.jsonl``,
    append-only): ``STATE|name key`` -> agency id. Kept beside the raw files so a rebuild
    reuses them, whatever rules or shipped registry come later."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / "registry" / "agency_ids.jsonl"

    def load(self) -> dict[str, str]:
        """Every recorded pair; the first record of a name wins (ids never change)."""
        found: dict[str, str] = {}
        if not self.path.exists():
            return found
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                item = json.loads(line)
                found.setdefault(str(item["name"]), str(item["id"]))
            except (ValueError, KeyError, TypeError):
                continue  # a torn last line
        return found

    def append(self, pairs: dict[str, str]) -> None:
        if not pairs:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lead = "\n" if _ends_torn(self.path) else ""
        lines = [json.dumps({"name": k, "id": pairs[k]}, sort_keys=True) for k in sorted(pairs)]
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(lead + "\n".join(lines) + "\n")


def _parse_lines(lines: Iterable[bytes], damaged: list[tuple[int, str]]) -> Iterator[Observation]:
    """Manifest lines. A line that is no observation is skipped and kept in ``damaged``
    (its number, why): a write killed midway leaves one torn (a later write starts on a
    line of its own, so it may be anywhere), and a hand's edit may leave one mistyped;
    the caller says so, for the history then lacks what it recorded. A byte-order mark
    (an editor's) is no part of a line."""
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8").strip().lstrip("\ufeff")
            if line:
                yield Observation.from_json(line)
        except (ValueError, TypeError, OverflowError) as exc:  # UnicodeDecodeError: a ValueError
            damaged.append((number, " ".join(str(exc).split())[:120]))


def _ends_torn(path: Path) -> bool:
    """True when a killed write left the manifest without a final newline."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) != b"\n"


def atomic_write(path: Path, data: bytes) -> None:
    """Write so that a reader sees the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.filename is not None:
            raise
        # a write's error names no file (a full disk): the one being written, said
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
