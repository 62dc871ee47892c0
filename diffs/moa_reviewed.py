"""The reviewed layer of MOA records: what only a person can read. Pure.

Hand-written dates and signatures without a printed name are not in a PDF's text layer
and OCR cannot read them reliably (see :mod:`parsers.moa.plausible`). A person reads
them from the page images and enters them in ``diffs/moa_reviewed.toml``, keyed by the
PDF's sha256, each value with the page it was read from and a note::

    [f8cecc479fcef6498ef9b618fd5b476d99783054614c07213b8b2e1ff268459b]
    file = "EllisCoTX_JEM_MOA_04.16.2025.pdf"
    "agency.date" = { value = "2025-04-07", page = 11, note = "hand-written 'April 7, 25'" }

A field is ``<party>.<name|title|date>`` (party ``agency``, ``ice`` or ``other``);
an empty ``value`` is a row not filled in yet and is ignored. :func:`merge_reviewed`
adds the layer to a parsed record as a separate, marked part: ``record["reviewed"]``
holds every reviewed entry, a signature block filled from it lists the filled fields
in its ``reviewed`` list, and ``ice_signed_source``/``agency_signed_source`` say where
each signing date came from (``text``, ``ocr`` or ``reviewed``). A reviewed value never
replaces a value the parser read; a disagreement is kept in the entry's ``parsed``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

REVIEWED_FILE = Path(__file__).with_name("moa_reviewed.toml")
PARTIES = ("agency", "ice", "other")
ATTRIBUTES = ("name", "title", "date")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class ReviewedError(ValueError):
    """The reviewed file is malformed; the message names the entry."""


@dataclass(frozen=True)
class ReviewedValue:
    """One value a person read: the field, the value, the page it is on, a note."""

    field: str
    value: str
    page: int
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "page": self.page, "note": self.note}


@dataclass(frozen=True)
class ReviewedDocument:
    """The reviewed values of one PDF."""

    sha256: str
    values: tuple[ReviewedValue, ...]
    file: str = ""

    @property
    def digest(self) -> str:
        """A short hash of the values: part of the parse-cache key, so that a changed
        review is merged again on ``rebuild``."""
        data = json.dumps([v.to_dict() | {"field": v.field} for v in self.values])
        return hashlib.sha256(data.encode()).hexdigest()[:12]


def load_reviewed(path: Path = REVIEWED_FILE) -> Mapping[str, ReviewedDocument]:
    """The reviewed layer in ``path`` by sha256 (empty when the file does not exist)."""
    if not path.exists():
        return MappingProxyType({})
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ReviewedError(f"{path}: not valid TOML: {exc}") from exc
    return parse_reviewed(data, str(path))


def parse_reviewed(
    data: Mapping[str, Any], where: str = "reviewed"
) -> Mapping[str, ReviewedDocument]:
    """Validated documents from the TOML tables (see the module docstring)."""
    out: dict[str, ReviewedDocument] = {}
    for sha256, table in data.items():
        if not _SHA256.fullmatch(sha256) or not isinstance(table, dict):
            raise ReviewedError(f"{where}: [{sha256}] is not a table keyed by a sha256")
        values = tuple(
            _value(f"{where}: [{sha256}] {name!r}", name, entry)
            for name, entry in sorted(table.items())
            if name != "file" and not (isinstance(entry, dict) and entry.get("value") == "")
        )
        if values:
            out[sha256] = ReviewedDocument(sha256, values, str(table.get("file", "")))
    return MappingProxyType(out)


def _value(where: str, name: str, entry: object) -> ReviewedValue:
    party, _, attribute = name.partition(".")
    if party not in PARTIES or attribute not in ATTRIBUTES:
        raise ReviewedError(f"{where}: the field must be <agency|ice|other>.<name|title|date>")
    if not isinstance(entry, dict) or not isinstance(entry.get("value"), str):
        raise ReviewedError(f'{where}: needs value = "...", page = N, note = "..."')
    page = entry.get("page")
    if not isinstance(page, int) or isinstance(page, bool) or page < 1:
        raise ReviewedError(f"{where}: page must be the page number the value was read from")
    value = entry["value"].strip()
    if attribute == "date":
        try:
            value = date.fromisoformat(value).isoformat()
        except ValueError as exc:
            raise ReviewedError(f"{where}: a date is written YYYY-MM-DD") from exc
    return ReviewedValue(name, value, page, str(entry.get("note", "")))


def merge_reviewed(record: Mapping[str, Any], reviewed: ReviewedDocument | None) -> dict[str, Any]:
    """The record with the reviewed layer added, marked (see the module docstring)."""
    out = copy.deepcopy(dict(record))
    signatures: list[dict[str, Any]] = out.setdefault("signatures", [])
    layer: dict[str, Any] = {}
    for item in reviewed.values if reviewed else ():
        layer[item.field] = item.to_dict()
        party, _, attribute = item.field.partition(".")
        block = next((s for s in signatures if s.get("party") == party), None)
        if block is None:
            block = {"party": party, "name": None, "title": None, "date": None}
            signatures.append(block)
        if block.get(attribute) in (None, ""):
            block[attribute] = item.value
            block["reviewed"] = [*block.get("reviewed", []), attribute]
        elif block[attribute] != item.value:
            layer[item.field]["parsed"] = block[attribute]
    if layer:
        out["reviewed"] = layer
    for party, key in (("ice", "ice_signed"), ("agency", "agency_signed")):
        out[key], out[f"{key}_source"] = _signed(out.get(key), signatures, party)
    return out


def _signed(
    parsed: str | None, signatures: Iterable[dict[str, Any]], party: str
) -> tuple[str | None, str | None]:
    """A signing date and where it came from: the parser's, else a reviewed one."""
    blocks = [s for s in signatures if s.get("party") == party and s.get("date")]
    if parsed:
        ocr = any(s.get("date") == parsed and s.get("date_ocr") for s in blocks)
        return parsed, "ocr" if ocr else "text"
    for block in blocks:
        if "date" in block.get("reviewed", ()):
            return block["date"], "reviewed"
    return None, None


def template(sha256: str, file: str, fields: Iterable[tuple[str, int, str]]) -> str:
    """A TOML table to fill in for one PDF: ``(field, page, note)`` rows, values empty."""
    lines = [f"[{sha256}]", f"file = {json.dumps(file)}"]
    for name, page, note in fields:
        lines.append(f'"{name}" = {{ value = "", page = {page}, note = {json.dumps(note)} }}')
    return "\n".join(lines) + "\n"
