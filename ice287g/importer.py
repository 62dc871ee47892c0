"""``ice287g import``: bring files into the archive with an honest observed time.

The observed time comes from ``--observed-at``, else from a manifest CSV (columns
``file`` and ``observed_at``; optional ``list``/``kind``, ``url``, ``force``), else from
the file name. Whatever dated it, the quality gate (``diffs/gate.py``) checks the date
against the file's contents when the pipeline diffs it; ``--force-date`` (or a manifest
``force`` cell) records that a maintainer vouches for the date, and the check is skipped.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from common.errors import ConfigError, Ice287gError
from common.times import implausible_observation, parse_utc, utc_iso
from ice287g.app import App
from ice287g.intake import Origin, ProgressFactory, each_list, no_progress, observe
from ice287g.parallel import ParseStream
from ice287g.pipeline import Report, parse_jobs
from parsers.filenames import claimed_kind, claimed_kinds, date_from_name
from snapshots.archive import Archive, Observation

SKIPPED_NAMES = {"manifest.csv", "readme.md", "readme.txt", "readme", ".ds_store"}
MAX_IMPORT_BYTES = 100_000_000


@dataclass(frozen=True)
class ManifestRow:
    observed_at: datetime
    kind: str | None = None
    url: str | None = None
    forced: bool = False


@dataclass(frozen=True)
class ImportOptions:
    """What one import does: ``observed_at`` dates every file (``--observed-at``),
    ``manifest`` a CSV dates them by row, ``force_date`` vouches for the dates."""

    observed_at: datetime | None = None
    manifest: Path | None = None
    force_date: bool = False


@dataclass
class ImportResult:
    """What an import did with each file, and what the diff that followed did."""

    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    diff: Report = field(default_factory=Report)


def run_import(
    app: App, paths: list[Path], options: ImportOptions, progress: ProgressFactory = no_progress
) -> ImportResult:
    """The whole ``import`` command: archive the files, then diff, under the run lock
    (a manifest that cannot be read is refused before the lock is taken)."""
    manifest = read_manifest(options.manifest) if options.manifest else no_manifest()
    with app.exclusive():
        return _import_locked(app, paths, options, manifest, progress)


def _import_locked(
    app: App,
    paths: list[Path],
    options: ImportOptions,
    manifest: Manifest,
    progress: ProgressFactory,
) -> ImportResult:
    importer = Importer(app.archive, force=options.force_date)
    result = ImportResult()
    files = list(iter_files(paths))
    manifest.expect(files)
    # the new lists are parsed in worker processes as they are archived, in the order
    # the diff will ask for them, while the rest is archived and the store opened
    with ParseStream(expected=len(files)) as ahead:
        with progress("archiving") as update:
            for done, path in enumerate(in_observed_order(files, options, manifest), start=1):
                staged = importer.import_file(path, options.observed_at, manifest, result)
                ahead.add(parse_jobs(app.archive, (o for o in staged if not app.archive.has(o))))
                if update:
                    update(done, len(files), shown(path))
        importer.commit(result)
        with progress("diffing") as update:
            result.diff = app.pipeline().process(update, ahead)
    return result


def in_observed_order(files: list[Path], options: ImportOptions, manifest: Manifest) -> list[Path]:
    """The files in the order the diff takes them, by observed time (those without
    one, which are skipped, first; files of one time in their order)."""

    def when(path: Path) -> str:
        try:
            dating = date_file(path, options.observed_at, manifest)
        except ManifestAmbiguous:
            return ""
        return utc_iso(dating.observed_at) if dating else ""

    return sorted(files, key=when)


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Files named, and files under folders named (recursively), in sorted order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        elif path.exists():
            yield path
        else:
            raise ConfigError(f"{shown(path)}: no such file or folder")


def shown(path: Path | str) -> str:
    """A path as it can be printed and stored: bytes that are not UTF-8 (a file name
    from another system) shown as U+FFFD instead of failing."""
    return os.fsencode(path).decode("utf-8", "replace")


def bad_name(path: Path) -> str | None:
    """Why a file name cannot be recorded (the manifest and database are UTF-8)."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        return "the file name is not valid UTF-8; rename the file to import it"
    return None


class Manifest:
    """The rows of a manifest CSV, matched to files by path: relative to the
    manifest's folder, or as given (relative to where the command runs). A row naming
    only a file name matches a file elsewhere by that name only when exactly one row
    and one imported file have it; otherwise the file is refused, never misdated."""

    def __init__(
        self,
        rows: list[tuple[str, ManifestRow]],
        folder: Path,
        cwd: Path,
        source: Path | None = None,
    ) -> None:
        self.source = _resolved(source) if source else None  # the CSV itself
        self.by_path: dict[Path, ManifestRow] = {}
        self.by_name: dict[str, list[ManifestRow]] = {}
        for written, row in rows:
            for base in (folder, cwd):
                self.by_path.setdefault(_resolved(base / written), row)
            self.by_name.setdefault(Path(written).name, []).append(row)
        self.imported_names: Counter[str] = Counter()

    def expect(self, files: list[Path]) -> None:
        """The files of this import (a name shared by two of them is ambiguous)."""
        self.imported_names = Counter(p.name for p in files)

    def get(self, path: Path) -> ManifestRow | None:
        """The row for a file, or None; raises ManifestAmbiguous when the file could
        only be matched by a name that more than one row or file carries."""
        row = self.by_path.get(_resolved(path))
        if row is not None:
            return row
        rows = self.by_name.get(path.name, [])
        if not rows:
            return None
        if len(rows) > 1 or self.imported_names[path.name] > 1:
            raise ManifestAmbiguous(
                f"the manifest names {path.name!r} without a path that tells which file it "
                f"means ({len(rows)} row(s), {self.imported_names[path.name]} file(s) so "
                "named); write the file's path relative to the manifest"
            )
        return rows[0]


class ManifestAmbiguous(Ice287gError):
    """A file matched a manifest row by its base name only, and not uniquely."""


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def no_manifest() -> Manifest:
    return Manifest([], Path("."), Path("."))


def read_manifest(path: Path, cwd: Path | None = None) -> Manifest:
    """A manifest CSV (columns ``file`` and ``observed_at``; optional ``list``/``kind``,
    ``url``). A row that cannot be read is one error naming its line."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = _manifest_rows(csv.reader(handle, strict=True), path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read manifest {shown(path)}: {exc}") from exc
    return Manifest(rows, path.parent, cwd or Path.cwd(), path)


def _manifest_rows(reader: Iterator[list[str]], path: Path) -> list[tuple[str, ManifestRow]]:
    header: list[str] | None = None
    rows: list[tuple[str, ManifestRow]] = []
    line = 0
    try:
        for line, cells in enumerate(reader, start=1):
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip().lower() for c in cells]
                if not {"file", "observed_at"} <= set(header):
                    raise ConfigError(
                        f"manifest {shown(path)} needs the columns file and observed_at"
                    )
                continue
            rows.append(_manifest_row(header, cells, path, line))
    except csv.Error as exc:
        raise ConfigError(f"{shown(path)} line {line + 1}: not a CSV row ({exc})") from exc
    if header is None:
        raise ConfigError(f"manifest {shown(path)} needs the columns file and observed_at")
    return rows


def _manifest_row(
    header: list[str], cells: list[str], path: Path, number: int
) -> tuple[str, ManifestRow]:
    where = f"{shown(path)} line {number}"
    if len(cells) != len(header):
        raise ConfigError(
            f"{where}: {len(cells)} field(s) where the header has {len(header)} "
            "(a missing comma or an unclosed quote?)"
        )
    row = dict(zip(header, cells, strict=True))
    if not row["file"].strip():
        raise ConfigError(f"{where}: the file column is empty")
    try:
        observed = parse_utc(row["observed_at"])
    except ValueError as exc:
        raise ConfigError(
            f"{where}: observed_at {row['observed_at']!r} is not an ISO date-time"
        ) from exc
    wrong = implausible_observation(observed, datetime.now(UTC))
    if wrong:
        raise ConfigError(f"{where}: observed_at {wrong}")
    kind = (row.get("list") or row.get("kind") or "").strip().lower() or None
    if kind not in (None, "participating", "pending"):  # said, so it must be a list
        raise ConfigError(f"{where}: list {kind!r} is not participating or pending")
    return row["file"].strip(), ManifestRow(
        observed,
        kind,
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
    path: Path, flag: datetime | None, manifest: Manifest, force: bool = False
) -> Dating | None:
    """The observed time of a file, where it came from, and whether it is forced
    (ManifestAmbiguous when a manifest row could be meant for another file)."""
    if flag is not None:
        return Dating(flag, "--observed-at", force)
    row = manifest.get(path)
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
        manifest: Manifest,
        report: ImportResult,
    ) -> list[Observation]:
        """Archive a file's bytes and stage its observations (returned), or say in
        ``report`` why it is skipped."""
        name = path.name
        if name.lower() in SKIPPED_NAMES or name.startswith("."):
            report.skipped.append((shown(path), "not a snapshot (manifest, readme or hidden file)"))
            return []
        if manifest.source is not None and _resolved(path) == manifest.source:
            report.skipped.append((shown(path), "not a snapshot (the --manifest)"))
            return []
        observed: list[Observation] = []
        try:
            problem = bad_name(path)
            if problem is None:
                problem, observed = self._observations(path, flag, manifest)
        except ManifestAmbiguous as exc:
            problem = str(exc)
        if problem:
            report.skipped.append((shown(path), problem))
            return []
        self._staged.extend((str(path), obs) for obs in observed)
        return observed

    def commit(self, report: ImportResult) -> None:
        """Record the staged observations in the manifest (one write, one fsync); a file
        is added when one of its observations is new (a file of both lists has two)."""
        new = {o.key for o in self.archive.record_many(obs for _, obs in self._staged)}
        added = {path for path, obs in self._staged if obs.key in new}
        for path in dict.fromkeys(path for path, _ in self._staged):
            (report.added if path in added else report.already).append(path)
        self._staged.clear()

    def _observations(
        self, path: Path, flag: datetime | None, manifest: Manifest
    ) -> tuple[str | None, list[Observation]]:
        """A file's observation, or one per list when its name names both (a manifest
        row's kind claims one list)."""
        problem, obs = self._observation(path, flag, manifest)
        if obs is None:
            return problem, []
        row = manifest.get(path)
        named = () if row and row.kind else claimed_kinds(path.name)
        return problem, each_list(obs, named)

    def _observation(
        self, path: Path, flag: datetime | None, manifest: Manifest
    ) -> tuple[str | None, Observation | None]:
        dating = date_file(path, flag, manifest, self.force)
        if dating is None:
            return (
                "no observed time: the name holds no date; give --observed-at or a --manifest row"
            ), None
        wrong = implausible_observation(dating.observed_at, self.now)
        if wrong:
            return f"dated {wrong} ({dating.how})", None
        try:
            data = _read_bounded(path)
        except OSError as exc:
            return f"cannot read: {exc.strerror or exc}", None
        row = manifest.get(path)
        origin = Origin(
            source="import",
            observed_at=utc_iso(dating.observed_at),
            kind_claimed=(row.kind if row else None) or claimed_kind(path.name),
            original_name=path.name,
            url=row.url if row else None,
            forced=dating.forced,
        )
        return None, observe(self.archive, data, origin)


def _read_bounded(path: Path) -> bytes:
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise OSError(f"larger than {MAX_IMPORT_BYTES} bytes")
    return path.read_bytes()
