"""The output folder, written deterministically and only where something changed.

Files are collected in memory (path -> bytes), then each is compared with what is on
disk and written only when its bytes differ, so a second ``publish`` with nothing new
touches nothing (mtimes kept). Files a previous ``publish`` wrote and this one does not
are removed; anything else in the folder is left alone. The list of written files is
kept in ``.publish-files`` at the top of the folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

LEDGER = ".publish-files"


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    size: int = 0


@dataclass
class Output:
    """The files of one publication, by relative POSIX path."""

    files: dict[str, bytes] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)

    def text(self, path: str, content: str) -> None:
        self.add(path, content.encode("utf-8"))

    def add(self, path: str, data: bytes) -> None:
        if path in self.files or path in self.copies:
            raise ValueError(f"{path} written twice")
        self.files[path] = data

    def copy(self, path: str, source: Path) -> None:
        """A file copied from the archive (read only when the copy is missing or differs
        in size: archive objects are named by their sha256 and never change)."""
        self.copies.setdefault(path, source)

    def paths(self) -> set[str]:
        return set(self.files) | set(self.copies)

    def write(self, root: Path) -> WriteReport:
        root.mkdir(parents=True, exist_ok=True)
        report = WriteReport()
        for rel, data in sorted(self.files.items()):
            report.size += len(data)
            if _write_if_changed(root / rel, data):
                report.written.append(rel)
            else:
                report.unchanged += 1
        for rel, source in sorted(self.copies.items()):
            target = root / rel
            size = source.stat().st_size
            report.size += size
            if target.is_file() and target.stat().st_size == size:
                report.unchanged += 1
                continue
            _put(target, source.read_bytes())
            report.written.append(rel)
        report.removed = _remove_stale(root, self.paths())
        ledger = "".join(f"{p}\n" for p in sorted(self.paths())).encode()
        _write_if_changed(root / LEDGER, ledger)
        return report


def _write_if_changed(path: Path, data: bytes) -> bool:
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    _put(path, data)
    return True


def _remove_stale(root: Path, keep: set[str]) -> list[str]:
    """Remove what the previous publication listed and this one does not."""
    try:
        before = (root / LEDGER).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    removed = []
    for rel in sorted(set(before) - keep):
        path = root / rel
        if rel and ".." not in Path(rel).parts and path.is_file():
            path.unlink()
            removed.append(rel)
            _prune(path.parent, root)
    return removed


def _prune(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        os.rmdir(folder)
        folder = folder.parent


def _put(path: Path, data: bytes) -> None:
    """Replace a file whole (a reader never sees half of it); not fsync'd: the folder
    is derived and a crash is mended by the next ``publish``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{path.name}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
