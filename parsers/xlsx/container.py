"""The XLSX package: a zip read with bounds, so that no file can exhaust memory.

Before anything is inflated, the central directory's member count, declared sizes and
compression ratios are checked; every inflation is then bounded by the per-member and
whole-book budgets (a central directory that under-declares a size cannot inflate past
it: zipfile stops at the declared size and the CRC check fails).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from parsers.errors import ParseError
from parsers.formats import sniff

MIB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """Resource limits; anything beyond them is refused as a ParseError (zip bomb etc.)."""

    max_member_bytes: int = 64 * MIB
    max_total_bytes: int = 200 * MIB
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 1 * MIB
    max_members: int = 10_000
    max_cells: int = 5_000_000
    max_shared_text_bytes: int = 32 * MIB  # the shared strings a sheet's cells repeat, in all


DEFAULT_LIMITS = ReadLimits()

# The compression methods a package's parts may use (ECMA-376 Part 2, Open Packaging
# Conventions): no other decompressor (bzip2, LZMA) ever reads a file's bytes.
_OPC_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})


_NOT_XLSX = {
    "empty": "empty file",
    "ole": "encrypted or legacy .xls, not an XLSX (OLE compound file)",
    "pdf": "a PDF document, not an XLSX",
    "html": "an HTML page, not an XLSX",
    "csv": "delimited text (CSV), not an XLSX",
    "unknown": "not an XLSX (not a zip archive)",
}


def refuse_non_xlsx(data: bytes, source: str) -> None:
    """Reject what is plainly not an XLSX with a reason a person can act on."""
    kind = sniff(data)
    if kind != "xlsx":
        raise ParseError(source, _NOT_XLSX[kind])


@dataclass
class Package:
    """An opened XLSX zip whose members are read through one inflation budget."""

    zf: zipfile.ZipFile
    members: dict[str, zipfile.ZipInfo]
    source: str
    limits: ReadLimits
    budget: int
    read_parts: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def open(cls, data: bytes, source: str, limits: ReadLimits) -> Package:
        """The package of ``data``, its central directory checked (ParseError if not)."""
        refuse_non_xlsx(data, source)
        with zip_errors(source):
            zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise ParseError(source, f"zip has {len(infos)} members (limit {limits.max_members})")
        _check_declared_sizes(infos, source, limits)
        members = {_member_key(info.filename): info for info in infos}
        return cls(zf, members, source, limits, budget=limits.max_total_bytes)

    def fail(self, reason: str) -> ParseError:
        return ParseError(self.source, reason)

    def has(self, path: str) -> bool:
        return _member_key(path) in self.members

    def read(self, path: str) -> bytes:
        """Inflate one member (once), bounded by the per-member and whole-book budgets."""
        key = _member_key(path)
        if key in self.read_parts:
            return self.read_parts[key]
        info = self.members.get(key)
        if info is None:
            raise self.fail(f"missing part {path}")
        if info.flag_bits & 0x1:
            raise self.fail(f"zip member {info.filename} is encrypted")
        if info.compress_type not in _OPC_METHODS:
            raise self.fail(
                f"zip member {info.filename} is compressed by method {info.compress_type}: "
                "an XLSX's parts are stored or deflated"
            )
        limit = min(self.limits.max_member_bytes, self.budget)
        with zip_errors(self.source), self.zf.open(info) as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise self.fail(f"zip member {info.filename} inflates beyond {limit} bytes (zip bomb?)")
        self.budget -= len(data)
        self.read_parts[key] = data
        return data

    def xml_parts(self) -> dict[str, bytes]:
        """Every XML part (``.xml`` and ``.rels``), inflated through the budget, by name."""
        return {
            info.filename: self.read(info.filename)
            for key, info in self.members.items()
            if key.endswith((".xml", ".rels")) and not info.is_dir()
        }


@contextmanager
def zip_errors(source: str) -> Iterator[None]:
    """What :mod:`zipfile` raises on a damaged archive, as a ParseError."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error, ValueError) as exc:
        # ValueError: a damaged header makes zipfile seek to a negative offset
        raise ParseError(source, f"truncated or corrupt zip ({exc})") from None
    except NotImplementedError as exc:  # a compression method zipfile lacks
        raise ParseError(source, f"unsupported zip ({exc})") from None


def stored_zip(parts: dict[str, bytes]) -> io.BytesIO:
    """A zip holding ``parts`` uncompressed, ready to read from its start: what calamine
    is given, so that it inflates nothing itself."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for path, data in parts.items():
            archive.writestr(path, data)
    out.seek(0)
    return out


def _member_key(name: str) -> str:
    return name.replace("\\", "/").lstrip("/").lower()


def _check_declared_sizes(infos: list[zipfile.ZipInfo], source: str, limits: ReadLimits) -> None:
    """Refuse a zip bomb from its central directory, before inflating anything."""
    total = 0
    for info in infos:
        size = info.file_size
        if size > limits.max_member_bytes:
            raise ParseError(
                source,
                f"zip member {info.filename} declares {size} bytes "
                f"(limit {limits.max_member_bytes}): refusing, zip bomb?",
            )
        ratio = size / max(info.compress_size, 1)
        if size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
            raise ParseError(
                source,
                f"zip member {info.filename} has compression ratio {ratio:.0f}:1 "
                f"(limit {limits.max_ratio:.0f}): refusing, zip bomb?",
            )
        total += size
    if total > limits.max_total_bytes:
        raise ParseError(
            source, f"zip declares {total} bytes in all (limit {limits.max_total_bytes}): zip bomb?"
        )
