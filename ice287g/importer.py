"""``ice287g import``: bring files into the archive with an honest observed time.

The observed time comes from ``--observed-at``, else from a manifest CSV (columns
``file`` and ``observed_at``; optional ``list``/``kind``, ``url``, ``force``), else from
the file name. Whatever dated it, the quality gate (``diffs/gate.py``) checks the date
against the file's contents when the pipeline diffs it; ``--force-date`` (or a manifest
``force`` cell) records that a maintainer vouches for the date, and the check is skipped.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from common.errors import ConfigError
from common.times import parse_utc, utc_iso
from parsers.filenames import claimed_kind, date_from_name
from parsers.formats import SUFFIXES, sniff
from snapshots.archive import Archive, Observation

SKIPPED_NAMES = {"manifest.csv", "readme.md", "readme.txt", "readme", ".ds_store"}
MAX_IMPORT_BYTES = 100_000_000


@dataclass(frozen=True)
class ManifestRow:
    observed_at: datetime
    kind: str | None = None
    url: str | None = None
    forced: bool = False


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
        _yes(row.get("force"), path, number),
    )


def _yes(cell: str | None, path: Path, number: int) -> bool:
    """A manifest ``force`` cell: empty or no means no."""
    text = (cell or "").strip().lower()
    if text in ("", "0", "no", "false"):
        return False
    if text in ("1", "yes", "true", "force"):
        return True
    raise ConfigError(f"{path} line {number}: force {cell!r} is not yes or no")


@dataclass(frozen=True)
class Dating:
    observed_at: datetime
    how: str
    forced: bool = False


def date_file(
    path: Path, flag: datetime | None, manifest: dict[str, ManifestRow], force: bool = False
) -> Dating | None:
    """The observed time of a file, where it came from, and whether it is forced."""
    row = manifest.get(str(path)) or manifest.get(path.name)
    if flag is not None:
        return Dating(flag, "--observed-at", force)
    if row is not None:
        return Dating(row.observed_at, "manifest", force or row.forced)
    named = date_from_name(path.name)
    return Dating(named.observed_at, named.how, force) if named else None


class Importer:
    """Adds files to the archive (the pipeline diffs them afterwards)."""

    def __init__(self, archive: Archive, now: datetime | None = None, force: bool = False) -> None:
        self.archive = archive
        self.now = now or datetime.now(UTC)
        self.force = force  # --force-date: every file's date is vouched for
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

    def commit(self, report: ImportReport) -> None:
        """Record the staged observations in the manifest (one write, one fsync)."""
        new = {o.key for o in self.archive.record_many(obs for _, obs in self._staged)}
        for path, obs in self._staged:
            (report.added if obs.key in new else report.already).append(path)
        self._staged.clear()

    def _observation(
        self, path: Path, flag: datetime | None, manifest: dict[str, ManifestRow]
    ) -> tuple[str | None, Observation | None]:
        dating = date_file(path, flag, manifest, self.force)
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
            forced=dating.forced,
        )


def _read_bounded(path: Path) -> bytes:
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise OSError(f"larger than {MAX_IMPORT_BYTES} bytes")
    return path.read_bytes()
