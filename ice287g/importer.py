"""``ice287g import``: bring files into the archive with an honest observed time.

The observed time comes from ``--observed-at``, else from a manifest CSV (columns
``file`` and ``observed_at``; optional ``list``/``kind``, ``url``), else from the file
name. A file dated by its name is never placed earlier than the newest signed date
inside it: such a file is reported and left out.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from common.errors import ConfigError
from common.times import parse_utc, utc_iso
from ice287g.parallel import parse_many, parse_one
from parsers.detect import PARSER_VERSION
from parsers.errors import ParseError
from parsers.filenames import claimed_kind, date_from_name
from parsers.formats import SUFFIXES, sniff
from parsers.records import ParsedListing
from snapshots.archive import Archive, Observation
from store import parsed as parse_cache
from store.db import transaction

SKIPPED_NAMES = {"manifest.csv", "readme.md", "readme.txt", "readme", ".ds_store"}
MAX_IMPORT_BYTES = 100_000_000


@dataclass(frozen=True)
class ManifestRow:
    observed_at: datetime
    kind: str | None = None
    url: str | None = None


@dataclass
class ImportReport:
    """What an import did with each file."""

    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Files named, and files under folders named (recursively), in sorted order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        elif path.exists():
            yield path
        else:
            raise ConfigError(f"{path}: no such file or folder")


def read_manifest(path: Path) -> dict[str, ManifestRow]:
    """Manifest rows by file name (both the path as written and its base name)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"cannot read manifest {path}: {exc}") from exc
    if not rows or not {"file", "observed_at"} <= set(rows[0]):
        raise ConfigError(f"manifest {path} needs the columns file and observed_at")
    result: dict[str, ManifestRow] = {}
    for number, row in enumerate(rows, start=2):
        entry = _manifest_row(row, path, number)
        result[row["file"].strip()] = entry
        result[Path(row["file"].strip()).name] = entry
    return result


def _manifest_row(row: dict[str, str], path: Path, number: int) -> ManifestRow:
    try:
        observed = parse_utc(row["observed_at"])
    except ValueError as exc:
        raise ConfigError(
            f"{path} line {number}: observed_at {row['observed_at']!r} is not an ISO date-time"
        ) from exc
    kind = (row.get("list") or row.get("kind") or "").strip().lower() or None
    return ManifestRow(
        observed,
        kind if kind in ("participating", "pending") else None,
        (row.get("url") or "").strip() or None,
    )


@dataclass(frozen=True)
class Dating:
    observed_at: datetime
    how: str
    trusted: bool


def date_file(path: Path, flag: datetime | None, manifest: dict[str, ManifestRow]) -> Dating | None:
    """The observed time of a file and where it came from."""
    if flag is not None:
        return Dating(flag, "--observed-at", True)
    row = manifest.get(str(path)) or manifest.get(path.name)
    if row is not None:
        return Dating(row.observed_at, "manifest", True)
    named = date_from_name(path.name)
    return Dating(named.observed_at, named.how, False) if named else None


class Importer:
    """Adds files to the archive (the pipeline diffs them afterwards)."""

    def __init__(
        self, archive: Archive, now: datetime | None = None, engine: Engine | None = None
    ) -> None:
        self.archive = archive
        self.now = now or datetime.now(UTC)
        self.engine = engine  # with one, parse results go to the database's parse cache
        self.parsed: dict[str, ParsedListing | ParseError] = {}
        self.newest: dict[str, date | None] = {}  # newest signed date, by sha256
        self._staged: list[tuple[str, Observation]] = []

    def import_file(
        self,
        path: Path,
        flag: datetime | None,
        manifest: dict[str, ManifestRow],
        report: ImportReport,
    ) -> None:
        name = path.name
        if name.lower() in SKIPPED_NAMES or name.startswith("."):
            report.skipped.append((str(path), "not a snapshot (manifest, readme or hidden file)"))
            return
        problem, obs = self._observation(path, flag, manifest)
        if problem:
            report.skipped.append((str(path), problem))
        elif obs is not None:
            self._staged.append((str(path), obs))

    def preparse(
        self, paths: list[Path], flag: datetime | None, manifest: dict[str, ManifestRow]
    ) -> None:
        """Parse, in parallel, the files whose dates must be checked against their
        contents, unless the parse cache has them; results are kept for the
        signed-date check and the pipeline (in the parse cache given an engine, so that
        the memory held does not grow with the number of files)."""
        items = []
        for path in paths:
            dating = date_file(path, flag, manifest)
            if dating is None or dating.trusted or path.name.lower() in SKIPPED_NAMES:
                continue
            try:
                data = _read_bounded(path)
            except OSError:
                continue
            items.append((hashlib.sha256(data).hexdigest(), data, path.name))
        if self.engine is None:
            self.parsed.update(parse_many(items))
        else:
            self._parse_to_cache(self.engine, items)

    def _parse_to_cache(self, engine: Engine, items: list[tuple[str, bytes, str]]) -> None:
        """Parse the files the parse cache lacks into it; keep only newest dates."""
        with transaction(engine) as session:
            shas = [sha for sha, _, _ in items]
            self.newest.update(parse_cache.newest_signed(session, shas, PARSER_VERSION))
            fresh = parse_many(i for i in items if i[0] not in self.newest)
            for sha, parsed in fresh.items():
                parse_cache.save(session, sha, PARSER_VERSION, parsed)
                self.newest[sha] = _newest(parsed)

    def commit(self, report: ImportReport) -> None:
        """Record the staged observations in the manifest (one write, one fsync)."""
        new = {o.key for o in self.archive.record_many(obs for _, obs in self._staged)}
        for path, obs in self._staged:
            (report.added if obs.key in new else report.already).append(path)
        self._staged.clear()

    def _observation(
        self, path: Path, flag: datetime | None, manifest: dict[str, ManifestRow]
    ) -> tuple[str | None, Observation | None]:
        dating = date_file(path, flag, manifest)
        if dating is None:
            return (
                "no observed time: the name holds no date; give --observed-at or a --manifest row"
            ), None
        if dating.observed_at > self.now:
            return f"dated {utc_iso(dating.observed_at)} ({dating.how}), in the future", None
        try:
            data = _read_bounded(path)
        except OSError as exc:
            return f"cannot read: {exc.strerror or exc}", None
        row = manifest.get(str(path)) or manifest.get(path.name)
        kind = (row.kind if row else None) or claimed_kind(path.name)
        if sniff(data) == "pdf":
            kind = "moa"
        trusted = dating.trusted or kind == "moa"
        problem = None if trusted else self._check_signed(data, path.name, dating)
        if problem:
            return problem, None
        sha, _ = self.archive.put(data, SUFFIXES.get(sniff(data), ".bin"))
        return None, Observation(
            sha256=sha,
            observed_at=utc_iso(dating.observed_at),
            source="import",
            kind_claimed=kind,
            original_name=path.name,
            url=row.url if row else None,
            size=len(data),
            suffix=SUFFIXES.get(sniff(data), ".bin"),
        )

    def _check_signed(self, data: bytes, name: str, dating: Dating) -> str | None:
        """A file is never dated earlier than the newest signed date inside it."""
        sha = hashlib.sha256(data).hexdigest()
        if sha in self.newest:
            return _too_early(self.newest[sha], dating)
        if sha not in self.parsed:
            self.parsed[sha] = parse_one(data, name)
        return _too_early(_newest(self.parsed[sha]), dating)


def _newest(parsed: ParsedListing | ParseError) -> date | None:
    return parsed.newest_signed if isinstance(parsed, ParsedListing) else None


def _read_bounded(path: Path) -> bytes:
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise OSError(f"larger than {MAX_IMPORT_BYTES} bytes")
    return path.read_bytes()


def _too_early(newest: date | None, dating: Dating) -> str | None:
    if newest and newest > dating.observed_at.date():
        return (
            f"its name dates it {dating.observed_at.date()} but it holds an agreement "
            f"signed {newest}; date it with --observed-at or a manifest"
        )
    return None
