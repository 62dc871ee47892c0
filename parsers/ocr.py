"""Optical character recognition for MOA pages that carry no text layer.

Some MOAs ICE publishes are bare scans: the parties paragraph, points of contact and
signature blocks exist only as pixels. :mod:`parsers.moa` renders such pages and
hands them to an :class:`Ocr` engine given by the caller; the parser itself stays a
pure function of the bytes and that engine (it never looks for one by itself).

:class:`Tesseract` runs the ``tesseract`` program (Debian package ``tesseract-ocr``),
one process per page, a few at a time. :func:`find_tesseract` returns it only when the
program answers, so a machine without it parses from the text layer alone.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OcrWord:
    """One recognised word: its text, box in pixels (top-left origin) and line key."""

    text: str
    left: int
    top: int
    right: int
    bottom: int
    line: tuple[int, int, int]  # block, paragraph, line numbers, for reading order


class Ocr(Protocol):
    """What the MOA parser needs of an OCR engine."""

    @property
    def version(self) -> str:
        """A short name of engine and version (part of the parse cache key)."""
        ...

    @property
    def dpi(self) -> int:
        """The resolution pages should be rendered at for this engine."""
        ...

    def read(self, images: Sequence[bytes], single_block: bool = False) -> list[list[OcrWord]]:
        """The words of each image (PGM or PNG bytes), in order; [] for a failed image.

        ``single_block`` reads each image as one block of text (a cropped field)."""
        ...


@dataclass(frozen=True)
class Tesseract:
    """The ``tesseract`` command-line program, English model."""

    binary: str
    version: str
    dpi: int = 300
    workers: int = 2
    timeout: float = 120.0

    def read(self, images: Sequence[bytes], single_block: bool = False) -> list[list[OcrWord]]:
        mode = "6" if single_block else "3"
        with ThreadPoolExecutor(max_workers=max(1, self.workers)) as pool:
            return list(pool.map(lambda image: self._read_one(image, mode), images))

    def _read_one(self, image: bytes, mode: str) -> list[OcrWord]:
        command = [self.binary, "stdin", "stdout", "-l", "eng", "--psm", mode, "tsv"]
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            done = subprocess.run(
                command, input=image, capture_output=True, timeout=self.timeout, env=env
            )
        except (OSError, subprocess.SubprocessError):
            return []
        if done.returncode != 0:
            return []
        return parse_tsv(done.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> list[OcrWord]:
    """Tesseract's TSV output as words (level 5 rows with text)."""
    words = []
    rows = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in rows:
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        try:
            left, top = int(row["left"]), int(row["top"])
            right, bottom = left + int(row["width"]), top + int(row["height"])
            key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        except (KeyError, TypeError, ValueError):
            continue
        words.append(OcrWord(text, left, top, right, bottom, key))
    return words


def find_tesseract(binary: str = "tesseract", dpi: int = 300, workers: int = 0) -> Tesseract | None:
    """The Tesseract engine when ``binary`` runs and has the English model, else None."""
    path = shutil.which(binary)
    if path is None:
        return None
    try:
        done = subprocess.run([path, "--list-langs"], capture_output=True, timeout=30)
        about = subprocess.run([path, "--version"], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0 or b"eng" not in done.stdout.split():
        return None
    first = (about.stdout or about.stderr).decode("utf-8", "replace").split()
    version = first[1] if len(first) > 1 else "?"
    return Tesseract(path, f"tess{version}"[:10], dpi, workers or min(4, os.cpu_count() or 1))
