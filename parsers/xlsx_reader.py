"""A small, fast, defensive XLSX reader: cell values and hyperlinks, nothing else.

Built on :mod:`zipfile` and :class:`xml.etree.ElementTree.XMLPullParser` (the engine of
``iterparse``): it consumes ``end`` events and clears elements as it goes. It reads what the
287(g) sheets need (shared and inline strings, numbers, booleans, errors, date cells, cell
hyperlinks, sheet names and visibility) and refuses everything else loudly: every failure
on bytes input is a :class:`~ice287g.errors.ParseError` naming the source and the reason,
zip bombs included (declared sizes and compression ratios are checked before anything is
inflated, and every inflation is bounded).

Speed: the cell values of a sheet in Excel's own shape are read by calamine (Rust, via
python-calamine), after checks that keep its reading equal to the reference path's and its
memory bounded. Calamine is given a stored (uncompressed) zip of the parts this reader has
already inflated through its bounded reader, so it inflates nothing itself. Calamine
reads no hyperlinks: Excel writes the relationships and the
``<hyperlinks>`` region in one rigid shape, and for those a regular expression whose
tokens must tile the region exactly (every byte inside a recognised token, entities and
encoding checked) reads several times faster than building elements. Anything else falls
back to the iterparse path, which is the reference (``fast=False`` forces it, and the
tests check that both paths agree on the whole corpus and against openpyxl).

Coordinates are 0-based: ``sheet.rows[0]`` is sheet row 1 and ``sheet.hyperlinks[(0, 5)]``
is the link of cell F1. Rows keep their sheet position (missing rows are empty lists) and
carry no trailing empty cells; there are no trailing empty rows, and empty text is no
value. Whole numbers are ints (Excel stores doubles), other numbers floats.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple, TypeAlias, TypeVar
from xml.etree.ElementTree import Element, XMLPullParser
from xml.etree.ElementTree import ParseError as XMLSyntaxError

from python_calamine import CalamineWorkbook

from parsers.errors import ParseError

try:  # compiled twins of four routines below (parsers/_xlsx_scan.c), when built
    from parsers import _xlsx_scan
except ImportError:  # pragma: no cover - a build without a C compiler
    _xlsx_scan = None  # type: ignore[assignment]

CellValue: TypeAlias = str | int | float | bool | datetime | date | time | None
Coordinate: TypeAlias = tuple[int, int]
_T = TypeVar("_T", bytes, str)
_FIRST = itemgetter(0)
_EXACT_INTEGERS = 2**53

MIB = 1024 * 1024
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FEED_CHUNK = 256 * 1024
_EXCEL_EPOCH = datetime(1899, 12, 30)
_MAC_EPOCH = datetime(1904, 1, 1)
_MAX_SERIAL = 2_958_466  # 10000-01-01 in the 1900 system: beyond is not a date
_X_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_DIGITS = "0123456789"
_DATE_IDS = frozenset([14, 15, 16, 17, 22, *range(27, 37), *range(50, 59)])
_TIME_IDS = frozenset([18, 19, 20, 21, 45, 46, 47])
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]|AM/PM|A/P', re.IGNORECASE)
_ELAPSED = re.compile(r"\[(?:h+|m+|s+)\]", re.IGNORECASE)
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_LOCAL_NAMES = [
    "row",
    "c",
    "v",
    "is",
    "t",
    "r",
    "si",
    "hyperlink",
    "hyperlinks",
    "sheetData",
    "sheet",
    "workbookPr",
    "numFmt",
    "numFmts",
    "xf",
    "cellXfs",
    "cellStyleXfs",
    "dxf",
]


@dataclass(frozen=True)
class ReadLimits:
    """Resource limits; anything beyond them is refused as a ParseError (zip bomb etc.)."""

    max_member_bytes: int = 64 * MIB
    max_total_bytes: int = 200 * MIB
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 1 * MIB
    max_members: int = 10_000
    max_cells: int = 5_000_000


DEFAULT_LIMITS = ReadLimits()


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its name, visibility, values by row and hyperlinks by cell.

    ``rows[r][c]`` is the value of sheet cell (r + 1, c + 1); ``hyperlinks`` maps 0-based
    ``(row, column)`` to the link target exactly as stored (XML-unescaped), with
    ``#location`` appended (or alone) for links into the workbook.
    """

    name: str
    rows: list[list[CellValue]]
    hyperlinks: dict[Coordinate, str] = field(default_factory=dict)
    state: str = "visible"

    @property
    def hidden(self) -> bool:
        """True for hidden and very hidden sheets."""
        return self.state != "visible"

    def value(self, row: int, column: int) -> CellValue:
        """The value at 0-based (row, column), None outside the data."""
        if 0 <= row < len(self.rows) and 0 <= column < len(self.rows[row]):
            return self.rows[row][column]
        return None

    def link(self, row: int, column: int) -> str | None:
        """The hyperlink target at 0-based (row, column), if any."""
        return self.hyperlinks.get((row, column))


class _Tags(NamedTuple):
    """Namespaced tag names of one SpreadsheetML namespace (transitional or strict)."""

    row: str
    c: str
    v: str
    is_: str
    t: str
    r: str
    si: str
    hyperlink: str
    hyperlinks: str
    sheet_data: str
    sheet: str
    workbook_pr: str
    num_fmt: str
    num_fmts: str
    xf: str
    cell_xfs: str
    cell_style_xfs: str
    dxf: str


def _tags(ns: str) -> _Tags:
    return _Tags(*(f"{{{ns}}}{local}" for local in _LOCAL_NAMES))


class _Rel(NamedTuple):
    type: str
    target: str
    external: bool


_REL_TARGET = attrgetter("target")


class _RawLink(NamedTuple):
    ref: str | Coordinate  # as written, or the cell already placed
    rel_id: str | None
    location: str | None


@dataclass(frozen=True)
class _SheetEntry:
    name: str
    state: str
    path: str


@dataclass
class _Book:
    """An opened workbook: the zip, its inflation budget, and what every sheet needs."""

    data: bytes
    zf: zipfile.ZipFile
    members: dict[str, zipfile.ZipInfo]
    source: str
    limits: ReadLimits
    budget: int
    fast: bool = True
    tags: _Tags = _tags(MAIN_NS)
    epoch: datetime = _EXCEL_EPOCH
    entries: list[_SheetEntry] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)
    date_styles: dict[str, str] = field(default_factory=dict)
    cell_parts: tuple[str | None, str | None] = (None, None)  # shared strings, styles
    cell_parts_loaded: bool = False
    kept: dict[str, bytes] = field(default_factory=dict)  # workbook-level parts, read once

    def read_kept(self, path: str) -> bytes:
        """A workbook-level part (root and workbook relationships, workbook, shared
        strings, styles), inflated once: both paths and calamine's copy use it."""
        if path not in self.kept:
            self.kept[path] = self.read(path)
        return self.kept[path]

    def fail(self, reason: str) -> ParseError:
        return ParseError(self.source, reason)

    def has(self, path: str) -> bool:
        return path.lower() in self.members

    def read(self, path: str) -> bytes:
        """Inflate one member, bounded by the per-member and whole-book budgets."""
        info = self.members.get(path.lower())
        if info is None:
            raise self.fail(f"missing part {path}")
        if info.flag_bits & 0x1:
            raise self.fail(f"zip member {info.filename} is encrypted")
        limit = min(self.limits.max_member_bytes, self.budget)
        data = _inflate(self.data, info, limit)
        if data is None:
            with self.zf.open(info) as handle:
                data = handle.read(limit + 1)
        if len(data) > limit:
            raise self.fail(f"zip member {info.filename} inflates beyond {limit} bytes (zip bomb?)")
        self.budget -= len(data)
        return data


# --------------------------------------------------------------------------- public API


def read_workbook(
    data: bytes,
    source: str = "<bytes>",
    limits: ReadLimits = DEFAULT_LIMITS,
    *,
    fast: bool = True,
) -> list[Sheet]:
    """Read every worksheet of an XLSX file, in workbook order.

    Raises ParseError (and nothing else) when ``data`` is not a readable XLSX.
    ``fast=False`` forces the reference iterparse path everywhere.
    """
    return list(iter_sheets(data, source, limits, fast=fast))


def iter_sheets(
    data: bytes,
    source: str = "<bytes>",
    limits: ReadLimits = DEFAULT_LIMITS,
    *,
    fast: bool = True,
) -> Iterator[Sheet]:
    """Yield the worksheets of an XLSX file one at a time, in workbook order.

    The workbook structure, shared strings and styles are read before the first sheet;
    each sheet is parsed only when asked for. Raises ParseError (and nothing else).
    """
    with _guard(source):
        book = _open_book(data, source, limits, fast)
        values = _Calamine.open(book) if fast else None
    for entry in book.entries:
        with _guard(source):
            sheet = _read_sheet(book, entry, values)
        yield sheet


@contextmanager
def _guard(source: str) -> Iterator[None]:
    """Turn every failure into a ParseError that names the source."""
    try:
        yield
    except ParseError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error) as exc:
        raise ParseError(source, f"truncated or corrupt zip ({exc})") from None
    except MemoryError:
        raise ParseError(source, "out of memory while reading the workbook") from None
    except Exception as exc:  # the contract: only ParseError escapes
        raise ParseError(source, f"unreadable XLSX ({type(exc).__name__}: {exc})") from None


# --------------------------------------------------------------------------- container


def _sniff(data: bytes, source: str) -> None:
    """Reject what is plainly not an XLSX with a reason a person can act on."""
    if not data:
        raise ParseError(source, "empty file")
    if data.startswith(b"PK"):
        return
    if data.startswith(_OLE_MAGIC):
        raise ParseError(source, "encrypted or legacy .xls, not an XLSX (OLE compound file)")
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        raise ParseError(source, "an HTML page, not an XLSX")
    if head.startswith(b"%pdf"):
        raise ParseError(source, "a PDF document, not an XLSX")
    if head.startswith(b"<"):
        raise ParseError(source, "an XML or text document, not an XLSX (zip)")
    raise ParseError(source, "not an XLSX (not a zip archive)")


def _open_zip(data: bytes, source: str, limits: ReadLimits, fast: bool) -> _Book:
    zf = zipfile.ZipFile(io.BytesIO(data))
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise ParseError(source, f"zip has {len(infos)} members (limit {limits.max_members})")
    _check_declared_sizes(infos, source, limits)
    members = {info.filename.replace("\\", "/").lstrip("/").lower(): info for info in infos}
    return _Book(data, zf, members, source, limits, budget=limits.max_total_bytes, fast=fast)


def _inflate(data: bytes, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """A member read straight from the archive's bytes, up to ``limit + 1`` bytes, when
    it is plainly stored or deflated behind its own local header and its size and CRC
    check out; None to let :mod:`zipfile` read it (and say what is wrong). The same
    bytes either way, without zipfile's chunked reading."""
    at = info.header_offset
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    if info.flag_bits & 0x61 or data[at : at + 4] != b"PK\x03\x04" or len(data) < at + 30:
        return None  # encrypted or patched (zipfile refuses), or no local header
    name_length, extra_length = struct.unpack_from("<HH", data, at + 26)
    name = data[at + 30 : at + 30 + name_length]
    if name.decode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace") != info.orig_filename:
        return None
    start = at + 30 + name_length + extra_length
    raw = data[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        out = raw[: limit + 1]
    else:
        inflater = zlib.decompressobj(-15)
        out = inflater.decompress(raw, limit + 1)
        if len(out) <= limit and (not inflater.eof or inflater.unused_data):
            return None
    if len(out) > limit:
        return out  # the caller refuses it as a bomb
    return out if len(out) == info.file_size and zlib.crc32(out) == info.CRC else None


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


def _open_book(data: bytes, source: str, limits: ReadLimits, fast: bool) -> _Book:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ParseError(source, f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    _sniff(data, source)
    book = _open_zip(data, source, limits, fast)
    workbook_path = _workbook_path(book)
    rels = _read_rels(book, workbook_path, keep=True)
    _read_workbook_part(book, workbook_path, rels)
    base = posixpath.dirname(workbook_path)
    parts = (
        _rel_target(rels, "/sharedStrings", base, "xl/sharedStrings.xml"),
        _rel_target(rels, "/styles", base, "xl/styles.xml"),
    )
    book.cell_parts = (
        parts[0] if parts[0] and book.has(parts[0]) else None,
        parts[1] if parts[1] and book.has(parts[1]) else None,
    )
    if not fast:
        _load_cell_parts(book)
    return book


def _load_cell_parts(book: _Book) -> None:
    """Shared strings and date styles, which only the reference path needs (read once)."""
    if book.cell_parts_loaded:
        return
    strings_path, styles_path = book.cell_parts
    if strings_path:
        book.strings = _read_shared_strings(book, strings_path)
    if styles_path:
        book.date_styles = _read_date_styles(book, styles_path)
    book.cell_parts_loaded = True


# --------------------------------------------------------------------------- XML plumbing


def _iter_end(book: _Book, xml: bytes, part: str) -> Iterator[Element]:
    """Yield elements as they close, feeding the parser in chunks."""
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise book.fail(f"{part}: DTDs and entity declarations are not allowed in XLSX")
    parser: XMLPullParser[Element] = XMLPullParser(events=("end",))
    view = memoryview(xml)
    try:
        for start in range(0, len(xml), _FEED_CHUNK):
            parser.feed(view[start : start + _FEED_CHUNK])
            yield from _elements(parser)
        parser.close()
        yield from _elements(parser)
    except XMLSyntaxError as exc:
        raise book.fail(f"malformed XML in {part} ({exc})") from None


def _elements(parser: XMLPullParser[Element]) -> Iterator[Element]:
    """The elements of the queued ``end`` events (the only kind requested)."""
    for event in parser.read_events():
        element = event[-1]
        if isinstance(element, Element):
            yield element


def _root_tag(book: _Book, xml: bytes, part: str) -> str:
    """Tag of the root element (parses the whole part, which must be small)."""
    tag = ""
    for element in _iter_end(book, xml, part):
        tag = element.tag
    return tag


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _rel_id(element: Element) -> str | None:
    for ns in DOC_REL_NAMESPACES:
        value = element.get(f"{{{ns}}}id")
        if value is not None:
            return value
    return None


def _resolve(base: str, target: str) -> str:
    """The zip path of a relationship target, relative to the source part's folder."""
    target = target.replace("\\", "/")
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(base, target))


def _read_rels(book: _Book, part: str, keep: bool = False) -> dict[str, _Rel]:
    """Relationships of a part, by Id (empty when the part has none); ``keep`` the
    part's bytes for calamine (workbook-level relationships)."""
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", f"{name}.rels")
    if not book.has(rels_path):
        return {}
    xml = book.read_kept(rels_path) if keep else book.read(rels_path)
    fast = _fast_rels(book, xml, rels_path) if book.fast else None
    return fast if fast is not None else _slow_rels(book, xml, rels_path)


def _slow_rels(book: _Book, xml: bytes, path: str) -> dict[str, _Rel]:
    rels: dict[str, _Rel] = {}
    tag = f"{{{PACKAGE_RELS_NS}}}Relationship"
    for element in _iter_end(book, xml, path):
        if element.tag == tag and element.get("Id") is not None:
            external = element.get("TargetMode", "") == "External"
            rels[element.get("Id", "")] = _Rel(
                element.get("Type", ""), element.get("Target", ""), external
            )
        element.clear()
    return rels


def _rel_target(rels: dict[str, _Rel], type_suffix: str, base: str, fallback: str) -> str | None:
    for rel in rels.values():
        if rel.type.endswith(type_suffix) and not rel.external:
            return _resolve(base, rel.target)
    return fallback if not rels else None


# --------------------------------------------------------------------------- workbook


def _workbook_path(book: _Book) -> str:
    for rel in _read_rels(book, "", keep=True).values():
        if rel.type.endswith("/officeDocument") and not rel.external:
            path = _resolve("", rel.target)
            if book.has(path):
                return path
    if book.has("xl/workbook.xml"):
        return "xl/workbook.xml"
    raise book.fail("missing xl/workbook.xml: a zip, but not an XLSX workbook")


def _read_workbook_part(book: _Book, path: str, rels: dict[str, _Rel]) -> None:
    """Sheet names, order, visibility and parts; the date system; the namespace."""
    sheets: list[Element] = []
    root: Element | None = None
    for element in _iter_end(book, book.read_kept(path), path):
        local = element.tag.rpartition("}")[2]
        if local == "sheet":
            sheets.append(element)
        elif local == "workbookPr":
            book.epoch = _epoch(element)
        root = element
    if root is None or root.tag.rpartition("}")[2] != "workbook":
        raise book.fail(f"{path} is not a SpreadsheetML workbook")
    book.tags = _tags(_namespace(root.tag) or MAIN_NS)
    base = posixpath.dirname(path)
    book.entries = [e for e in (_sheet_entry(book, s, rels, base) for s in sheets) if e]


def _epoch(workbook_pr: Element) -> datetime:
    flag = workbook_pr.get("date1904", "false").strip().lower()
    return _MAC_EPOCH if flag in ("1", "true") else _EXCEL_EPOCH


def _sheet_entry(
    book: _Book, element: Element, rels: dict[str, _Rel], base: str
) -> _SheetEntry | None:
    """The part of one ``<sheet>``; None for chart sheets and other non-worksheets."""
    rel = rels.get(_rel_id(element) or "")
    if rel is None or not rel.type.endswith("/worksheet"):
        return None
    path = _resolve(base, rel.target)
    if not book.has(path):
        raise book.fail(f"worksheet part {path} is missing")
    name = element.get("name", "")
    return _SheetEntry(name, element.get("state", "visible") or "visible", path)


# --------------------------------------------------------------------------- strings


def _unescape_x(text: str) -> str:
    """Decode Excel's ``_xHHHH_`` escapes (``_x000D_`` is a carriage return)."""
    if "_x" not in text:
        return text
    return _X_ESCAPE.sub(_x_char, text)


def _x_char(match: re.Match[str]) -> str:
    code = int(match[1], 16)
    return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)


def _rich_text(element: Element, tags: _Tags) -> str:
    """Text of an ``<si>`` or ``<is>``: plain ``<t>`` plus rich runs, phonetics skipped."""
    if len(element) == 1 and element[0].tag == tags.t:
        return _unescape_x(element[0].text or "")
    parts: list[str] = []
    for child in element:
        if child.tag == tags.t:
            parts.append(child.text or "")
        elif child.tag == tags.r:
            run_text = child.find(tags.t)
            if run_text is not None:
                parts.append(run_text.text or "")
    return _unescape_x("".join(parts))


def _read_shared_strings(book: _Book, path: str) -> list[str]:
    xml = book.read_kept(path)
    tags = book.tags
    strings: list[str] = []
    for element in _iter_end(book, xml, path):
        if element.tag == tags.si:
            strings.append(_rich_text(element, tags))
            element.clear()
    return strings


# --------------------------------------------------------------------------- styles


def format_kind(code: str) -> str | None:
    """``'date'``, ``'time'`` or None for a number format code.

    Date tokens (d, m, y) count only outside quotes, brackets, escapes and padding;
    elapsed-time formats such as ``[h]:mm`` stay numbers.
    """
    first = code.split(";", 1)[0]
    if _ELAPSED.search(first):
        return None
    letters = _FORMAT_NOISE.sub("", first).lower()
    if "d" in letters or "y" in letters:
        return "date"
    if "h" in letters or "s" in letters:
        return "time"
    return "date" if "m" in letters else None


def _builtin_kind(format_id: int) -> str | None:
    if format_id in _DATE_IDS:
        return "date"
    return "time" if format_id in _TIME_IDS else None


def _read_date_styles(book: _Book, path: str) -> dict[str, str]:
    """Map cell style index (as written in ``s=``) to 'date' / 'time' for date styles."""
    tags = book.tags
    formats: dict[int, str] = {}
    pending_formats: dict[int, str] = {}
    pending_xfs: list[str] = []
    xfs: list[str] = []
    for element in _iter_end(book, book.read_kept(path), path):
        tag = element.tag
        if tag == tags.xf:
            pending_xfs.append(element.get("numFmtId", "0"))
        elif tag == tags.num_fmt:
            pending_formats[_int(element.get("numFmtId"))] = element.get("formatCode", "")
        elif tag == tags.cell_xfs:
            xfs, pending_xfs = pending_xfs, []
        elif tag == tags.cell_style_xfs:
            pending_xfs = []
        elif tag == tags.num_fmts:
            formats, pending_formats = pending_formats, {}
        elif tag == tags.dxf:
            pending_formats = {}
        element.clear()
    return _date_style_map(xfs, formats)


def _date_style_map(xfs: list[str], formats: dict[int, str]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for index, format_id_text in enumerate(xfs):
        format_id = _int(format_id_text)
        code = formats.get(format_id)
        kind = format_kind(code) if code is not None else _builtin_kind(format_id)
        if kind:
            kinds[str(index)] = kind
    return kinds


def _int(text: str | None) -> int:
    try:
        return int(text or "0")
    except ValueError:
        return -1


# --------------------------------------------------------------------------- cell values


def serial_to_datetime(serial: float, epoch: datetime = _EXCEL_EPOCH) -> CellValue:
    """An Excel serial as a date (whole days), datetime, or time (below one day).

    Serials outside Excel's date range are returned unchanged. In the 1900 system the
    phantom 29 February 1900 is honoured as Excel (and openpyxl) do.
    """
    if not 0 <= serial < _MAX_SERIAL:
        return serial
    days, fraction = divmod(serial, 1)
    millis = round(fraction * 86_400_000)
    if serial < 1 and millis < 86_400_000:
        return (datetime.min + timedelta(milliseconds=millis)).time()
    if epoch == _EXCEL_EPOCH and serial < 60:
        days += 1
    moment = epoch + timedelta(days=int(days), milliseconds=millis)
    return moment.date() if millis == 0 else moment


def _number(text: str) -> int | float | str:
    """A number cell: Excel stores doubles, so ``42`` and ``42.0`` are one value, an int
    (when a double holds it exactly), else a float; text that is no number stays text."""
    try:
        return _whole(float(text))
    except ValueError:
        return text


def _whole(number: float) -> int | float:
    """``number`` as an int when it is whole and within a double's exact integers."""
    return int(number) if number.is_integer() and abs(number) < _EXACT_INTEGERS else number


def _iso_value(text: str) -> CellValue:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return text
    return moment.date() if moment.time() == time() and "T" not in text else moment


def _boolean(text: str) -> bool | str:
    flag = text.strip().lower()
    if flag in ("1", "true"):
        return True
    return False if flag in ("0", "false") else text


def _shared(book: _Book, text: str) -> str:
    try:
        index = int(text)
        if index >= 0:
            return book.strings[index]
    except (ValueError, IndexError):
        pass
    raise book.fail(f"shared string index {text[:20]!r} out of range")


def _convert(cell_type: str | None, text: str, style: str | None, book: _Book) -> CellValue:
    """The value of a cell from its type, its ``<v>`` text and its style (both paths)."""
    if cell_type is None or cell_type == "n":
        number = _number(text)
        kind = book.date_styles.get(style) if style else None
        if kind and not isinstance(number, str):
            return serial_to_datetime(number, book.epoch)
        return number
    if cell_type == "s":
        return _shared(book, text)
    if cell_type == "b":
        return _boolean(text)
    if cell_type == "d":
        return _iso_value(text)
    if cell_type == "inlineStr":
        return None
    return _unescape_x(text)


def _cell_value(cell: Element, book: _Book) -> CellValue:
    cell_type = cell.get("t")
    if cell_type == "inlineStr":
        inline = cell.find(book.tags.is_)
        return _rich_text(inline, book.tags) if inline is not None else None
    node = cell.find(book.tags.v)
    if node is None or node.text is None:
        return None
    return _convert(cell_type, node.text, cell.get("s"), book)


# --------------------------------------------------------------------------- grid


class _Columns:
    """Column letters to 0-based index, memoised per sheet."""

    def __init__(self, book: _Book) -> None:
        self.book = book
        self.cache: dict[str, int] = {}

    def index(self, ref: str) -> int:
        letters = ref.rstrip(_DIGITS)
        found = self.cache.get(letters)
        if found is None:
            found = self.cache[letters] = self._compute(letters, ref)
        return found

    def _compute(self, letters: str, ref: str) -> int:
        number = 0
        for char in letters.upper():
            if not "A" <= char <= "Z":
                raise self.book.fail(f"bad cell reference {ref[:20]!r}")
            number = number * 26 + ord(char) - 64
        if not 1 <= number <= MAX_COLUMNS:
            raise self.book.fail(f"cell reference {ref[:20]!r} out of range")
        return number - 1


def _place(values: list[CellValue], column: int, value: CellValue) -> None:
    """Set ``values[column]``, padding with None; a repeated cell overwrites."""
    size = len(values)
    if column == size:
        values.append(value)
    elif column > size:
        values.extend([None] * (column - size))
        values.append(value)
    else:
        values[column] = value


class _Grid:
    """Rows as they are read, with the cell budget enforced (padding counts)."""

    def __init__(self, book: _Book) -> None:
        self.book = book
        self.rows: list[list[CellValue]] = []
        self.cells_left = book.limits.max_cells
        self.columns = _Columns(book)

    def row_index(self, ref: str | None) -> int:
        """0-based index of a row from its ``r`` attribute (next row when absent)."""
        if ref is None:
            return len(self.rows)
        try:
            number = int(ref)
        except ValueError:
            raise self.book.fail(f"bad row number {ref[:20]!r}") from None
        if not 1 <= number <= MAX_ROWS:
            raise self.book.fail(f"row number {number} out of range")
        return number - 1

    def put(self, index: int, values: list[CellValue]) -> None:
        rows = self.rows
        self.cells_left -= len(values) + max(0, index - len(rows))
        if self.cells_left < 0:
            raise self.book.fail(f"more than {self.book.limits.max_cells} cells: refusing")
        if index == len(rows):
            rows.append(values)
            return
        while len(self.rows) < index:
            self.rows.append([])
        if index == len(self.rows):
            self.rows.append(values)
        elif self.rows[index]:
            self.rows[index] = _merge(self.rows[index], values)
        else:
            self.rows[index] = values

    def add_row(self, row: Element) -> None:
        """A row's cells; a cell whose own reference names another row goes there, as
        openpyxl and calamine place it."""
        index = self.row_index(row.get("r"))
        values: list[CellValue] = []
        strays: list[tuple[int, int, CellValue]] = []
        column = -1
        cell_tag, book, columns = self.book.tags.c, self.book, self.columns
        for cell in row:
            if cell.tag != cell_tag:
                continue
            ref = cell.get("r")
            column = columns.index(ref) if ref else column + 1
            value = _cell_value(cell, book)
            if value is None or value == "":  # empty text is no value, as in calamine
                continue
            own = _ref_row(ref, index) if ref else index
            if own == index:
                _place(values, column, value)
            else:
                strays.append((own, column, value))
        self.put(index, values)
        for own, column, value in strays:
            self.put(own, [*[None] * column, value])


def _ref_row(ref: str, default: int) -> int:
    """0-based row of an ``A1`` reference; ``default`` when it names no row in range."""
    digits = ref[len(ref.rstrip(_DIGITS)) :]
    if not 0 < len(digits) <= 7:
        return default
    number = int(digits)
    return number - 1 if 1 <= number <= MAX_ROWS else default


def _merge(old: list[CellValue], new: list[CellValue]) -> list[CellValue]:
    """A row element repeated for the same row: later cells win."""
    merged = old + [None] * max(0, len(new) - len(old))
    for column, value in enumerate(new):
        if value is not None:
            merged[column] = value
    return merged


# --------------------------------------------------------------------------- sheets


def _read_sheet(book: _Book, entry: _SheetEntry, values: _Calamine | None) -> Sheet:
    xml = book.read(entry.path)
    sheet = _calamine_sheet(book, entry, xml, values) if values is not None else None
    return sheet if sheet is not None else _reference_sheet(book, entry, xml)


def _reference_sheet(book: _Book, entry: _SheetEntry, xml: bytes) -> Sheet:
    """The reference path: rows and hyperlinks from iterparse ``end`` events."""
    _load_cell_parts(book)
    grid = _Grid(book)
    row_tag, link_tag = book.tags.row, book.tags.hyperlink
    raw_links: list[_RawLink] = []
    for element in _iter_end(book, xml, entry.path):
        tag = element.tag
        if tag == row_tag:
            grid.add_row(element)
            element.clear()
        elif tag == link_tag:
            raw_links.append(
                _RawLink(element.get("ref", ""), _rel_id(element), element.get("location"))
            )
            element.clear()
    grid.rows = _without_trailing_empty_rows(grid.rows)
    return _sheet(book, entry, grid, raw_links)


def _sheet(book: _Book, entry: _SheetEntry, grid: _Grid, raw_links: list[_RawLink]) -> Sheet:
    """The finished sheet: ``grid``'s rows and its hyperlinks resolved to cells."""
    links = _resolve_links(book, entry.path, raw_links, grid) if raw_links else {}
    return Sheet(entry.name, grid.rows, links, entry.state)


def _without_trailing_empty_rows(rows: list[list[CellValue]]) -> list[list[CellValue]]:
    end = len(rows)
    while end and not rows[end - 1]:
        end -= 1
    return rows if end == len(rows) else rows[:end]


def _resolve_links(
    book: _Book, path: str, raw_links: list[_RawLink], grid: _Grid
) -> dict[Coordinate, str]:
    rels = _read_rels(book, path) if any(raw.rel_id for raw in raw_links) else {}
    simple = _simple_cell_links(raw_links, rels)
    if simple is not None:
        return simple
    width = max((len(row) for row in grid.rows), default=0)
    links: dict[Coordinate, str] = {}
    for ref, rel_id, location in raw_links:
        rel = rels.get(rel_id) if rel_id else None
        target = rel.target if rel is not None else ""
        url = f"{target}#{location}" if location else target
        if not url:
            continue
        if isinstance(ref, tuple):
            links[ref] = url
        elif ":" in ref:
            links.update(dict.fromkeys(_expand(ref, grid, len(grid.rows), width), url))
        elif (cell := _cell_ref(ref, grid)) is not None:
            links[cell] = url
    return links


def _simple_cell_links(
    raw_links: list[_RawLink], rels: dict[str, _Rel]
) -> dict[Coordinate, str] | None:
    """The links when each is a placed cell with a known relationship to a target and no
    location (Excel's usual sheet), resolved without a loop in Python; else None."""
    if not raw_links:
        return {}
    cells, rel_ids, locations = zip(*raw_links, strict=True)
    if any(locations) or not all(map(tuple.__instancecheck__, cells)):
        return None
    if not all(map(rels.__contains__, rel_ids)):
        return None
    targets = list(map(_REL_TARGET, map(rels.__getitem__, rel_ids)))
    return None if "" in targets else dict(zip(cells, targets, strict=True))


def _cell_ref(ref: str, grid: _Grid) -> Coordinate | None:
    """0-based (row, column) of ``A1``-style text, None when it is not a cell reference."""
    letters = ref.rstrip(_DIGITS)
    digits = ref[len(letters) :]
    if not (0 < len(letters) <= 3 and 0 < len(digits) <= 7 and letters.isascii()):
        match = _CELL_REF.fullmatch(ref.strip())  # spaces, $ anchors, or no reference
        if match is None:
            return None
        letters, digits = match[1], match[2]
    try:
        column = grid.columns.index(letters)
    except ParseError:
        return None
    row = int(digits) - 1
    return (row, column) if 0 <= row < MAX_ROWS else None


def _expand(ref: str, grid: _Grid, height: int, width: int) -> list[Coordinate]:
    """Cells of a hyperlink ref: one cell, or a range clipped to the sheet's data."""
    first_text, _, last_text = ref.partition(":")
    first = _cell_ref(first_text, grid)
    if first is None:
        return []
    last = _cell_ref(last_text, grid) if last_text else first
    if last is None:
        return []
    if first == last:
        return [first]
    top, bottom = min(first[0], last[0]), min(max(first[0], last[0]), height - 1)
    left, right = min(first[1], last[1]), min(max(first[1], last[1]), width - 1)
    return [(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)]


# --------------------------------------------------------------------------- fast paths
#
# Each fast reader returns None when its input is not in the shape it knows, and the
# caller then uses the reference path. A region is accepted only when (1) the part has no
# comments, CDATA, processing instructions or DTD and is UTF-8, (2) the region is valid
# UTF-8 without carriage returns, control characters or undefined entities, and (3) the
# tokens found tile the region exactly. What lies outside the region is still parsed by
# iterparse, which also confirms the region's element is where and what it should be.

# Relationships as Excel writes them, on decoded text; values are ``[^"]*`` (the regex
# engine's fastest loop), and a ``<`` inside one is caught by counting: each token holds
# exactly one ``<``.
_EXCEL_REL_TOKEN = re.compile(
    r'<Relationship Id="([^"]*)" Type="([^"]*)" Target="([^"]*)"'
    r'(?: TargetMode="(External|Internal)")?/>'
)
_REL_STRIDE = _EXCEL_REL_TOKEN.groups + 1
# Split on (not found): what lies between two tokens must be empty, so one pass both
# checks the tiling and yields the fields (column letters, row digits, range end, r:id,
# location), every _LINK_STRIDE items.
_EXCEL_LINK_TOKEN = re.compile(
    rb'<hyperlink ref="([A-Z]{1,2})([0-9]{1,7})(:[A-Z]{1,3}[0-9]{1,7})?"'
    rb'(?: r:id="([^"<>&]*)")?(?: location="([^"<>]*)")?'
    rb'(?: display="[^"<>]*")?(?: tooltip="[^"<>]*")?(?: xr:uid="[^"<>]*")?/>'
)
_LINK_STRIDE = _EXCEL_LINK_TOKEN.groups + 1
_COLUMN_INDEX = {
    name.encode(): index
    for index, name in enumerate(
        [chr(65 + a) for a in range(26)]
        + [chr(65 + a) + chr(65 + b) for a in range(26) for b in range(26)]
    )
}  # A to ZZ, 0-based
_NOT_AMP = re.compile("&(?!amp;)")
_FAST_LINK_TOKEN = re.compile(rb'(<hyperlink((?: [\w:]+="[^"<>]*")*) ?/>)')
_FAST_REL_TOKEN = re.compile(rb'(<Relationship((?: [\w:]+="[^"<>]*")*) ?/>)')
_FAST_ATTR = re.compile(rb' ([\w:]+)="([^"<>]*)"')
_FAST_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);")
_FAST_BAD_AMPERSAND = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)")
_FAST_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_FAST_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_TEXT_BANNED_BYTES = bytes([*range(0, 9), 11, 12, *range(13, 32)])  # controls and CR
_ATTRIBUTE_BANNED_BYTES = bytes(range(0, 32))  # and tab and LF: values get normalised
_NAME_END = b" \t\r\n/>"


class _NotSimple(Exception):
    """Raised inside a fast reader to hand the part to the reference path."""


def _fast_part_ok(xml: bytes) -> bool:
    """UTF-8, declared or implied. (Comments, CDATA, processing instructions or a DTD
    inside a region break its tiling; outside it, the parse of the rest meets them.)"""
    xml = xml[3:] if xml.startswith(b"\xef\xbb\xbf") else xml
    if not xml.startswith(b"<"):
        return False
    declaration = xml[: xml.find(b"?>") + 2] if xml.startswith(b"<?xml") else b""
    match = _FAST_ENCODING.search(declaration)
    return match is None or match[1].lower() in (b"utf-8", b"utf8")


def _fast_region_ok(region: bytes, attributes: bool = False) -> bool:
    """Valid UTF-8, no CR (nor tab/LF where attribute values are read), no control
    characters, no U+FFFE/U+FFFF, and every ``&`` a predefined or numeric entity."""
    banned = _ATTRIBUTE_BANNED_BYTES if attributes else _TEXT_BANNED_BYTES
    if len(region.translate(None, banned)) != len(region):
        return False
    if b"\xef\xbf" in region and (b"\xef\xbf\xbe" in region or b"\xef\xbf\xbf" in region):
        return False
    if b"&" in region and _FAST_BAD_AMPERSAND.search(region):
        return False
    try:
        region.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _find_tag(xml: bytes, name: bytes, start: int = 0) -> int:
    """Offset of the next start tag ``<name`` (unprefixed), or -1."""
    needle = b"<" + name
    at = xml.find(needle, start)
    while at >= 0 and xml[at + len(needle) : at + len(needle) + 1] not in _NAME_END:
        at = xml.find(needle, at + 1)
    return at


def _content_span(xml: bytes, name: bytes) -> tuple[int, int] | None:
    """Offsets of the content of the element ``<name>...</name>``, from its first start
    tag to its last end tag, with no other start tag outside; a second one inside is
    for the caller's tiling check to refuse."""
    start = _find_tag(xml, name)
    if start < 0:
        return None
    open_end = xml.find(b">", start)
    if open_end < 0:
        return None
    if xml[open_end - 1 : open_end] == b"/":
        close = open_end + 1
    else:
        close = xml.rfind(b"</" + name + b">", open_end)
    if close < 0 or _find_tag(xml, name, close) >= 0:
        return None
    return (open_end + 1, max(close, open_end + 1))


def _tiles(tokens: list[tuple[_T, ...]], region: _T) -> bool:
    """Whether the tokens' whole matches (group 1) add up to the region: they tile it."""
    return sum(map(len, map(_FIRST, tokens))) == len(region)


def _entity(match: re.Match[str]) -> str:
    name = match[1]
    if name[0] != "#":
        return _FAST_NAMED[name]
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    legal = code in (9, 10, 13) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
    if not (legal or 0x10000 <= code <= 0x10FFFF):
        raise _NotSimple(f"character reference {name}")
    return chr(code)


def _fast_text(raw: bytes) -> str:
    """Text of a checked region: UTF-8 decoded, entities expanded."""
    text = raw.decode("utf-8")
    if "&" not in text:
        return text
    if "&#" in text:
        return _FAST_ENTITY.sub(_entity, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    return text.replace("&apos;", "'").replace("&amp;", "&")


def _fast_elements(token: re.Pattern[bytes], region: bytes) -> list[dict[bytes, bytes]] | None:
    """Raw attributes of a run of empty elements that must tile the region."""
    found = token.findall(region)
    if not _tiles(found, region):
        return None
    elements: list[dict[bytes, bytes]] = []
    for _whole, blob in found:
        pairs = _FAST_ATTR.findall(blob)
        attributes = dict(pairs)
        if len(attributes) != len(pairs):
            return None  # a repeated attribute: malformed, let the parser say so
        elements.append(attributes)
    return elements


def _fast_attr(attributes: dict[bytes, bytes], name: bytes) -> str | None:
    raw = attributes.get(name)
    return None if raw is None else _fast_text(raw)


def _root_attribute(xml: bytes, start: int, attribute: bytes) -> str | None:
    """The value of ``attribute`` on the start tag at ``start``, None when absent."""
    tag = xml[start : xml.find(b">", start) + 1]
    match = re.search(rb"\s" + re.escape(attribute) + rb'="([^"]*)"', tag)
    return match[1].decode("utf-8", "replace") if match is not None else None


def _root_declares(xml: bytes, start: int, attribute: bytes, values: tuple[str, ...]) -> bool:
    """Whether the start tag at ``start`` carries ``attribute="one of values"``."""
    return _root_attribute(xml, start, attribute) in values


def _fast_rels(book: _Book, xml: bytes, path: str) -> dict[str, _Rel] | None:
    try:
        return _fast_rels_unchecked(book, xml, path)
    except _NotSimple:
        return None


def _fast_rels_unchecked(book: _Book, xml: bytes, path: str) -> dict[str, _Rel] | None:
    span = _content_span(xml, b"Relationships")
    if span is None or not _fast_part_ok(xml):
        return None
    root = _find_tag(xml, b"Relationships")
    region = xml[span[0] : span[1]]
    if not _root_declares(xml, root, b"xmlns", (PACKAGE_RELS_NS,)):
        return None
    rels = _excel_rels(region)
    elements: list[dict[bytes, bytes]] | None = []
    if rels is None:
        if not _fast_region_ok(region, attributes=True):
            return None
        elements = _fast_elements(_FAST_REL_TOKEN, region)
    if elements is None:
        return None
    if (
        _root_tag(book, xml[: span[0]] + xml[span[1] :], path)
        != f"{{{PACKAGE_RELS_NS}}}Relationships"
    ):
        return None
    if rels is not None:
        return rels
    return {
        _fast_text(attrs[b"Id"]): _Rel(
            _fast_attr(attrs, b"Type") or "",
            _fast_attr(attrs, b"Target") or "",
            attrs.get(b"TargetMode") == b"External",
        )
        for attrs in elements
        if b"Id" in attrs
    }


def _excel_rels(region: bytes) -> dict[str, _Rel] | None:
    """Relationships written exactly as Excel writes them, else None, and the caller
    reads the region element by element. The compiled scanner when built, else
    :func:`_excel_rels_py`: the same answer either way."""
    if _xlsx_scan is None:
        return _excel_rels_py(region)
    found = _xlsx_scan.excel_rels(region)
    if found is None:
        return None
    ids, type_target, external = found
    rels = zip(type_target[0::2], type_target[1::2], external, strict=True)
    return dict(zip(ids, map(tuple.__new__, repeat(_Rel), rels), strict=True))


def _excel_rels_py(region: bytes) -> dict[str, _Rel] | None:
    """:func:`_excel_rels` in Python (one split).

    It checks what :func:`_fast_region_ok` checks, in ways cheaper for this shape: no
    control characters, tabs or line ends (a parser would normalise them in attribute
    values), valid UTF-8 without U+FFFE/U+FFFF, and ``&amp;`` as the only entity
    (SafeLinks URLs are full of them), expanded before the split."""
    if len(region.translate(None, _ATTRIBUTE_BANNED_BYTES)) != len(region):
        return None
    try:
        text = region.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\ufffe" in text or "\uffff" in text:
        return None
    if "&" in text:
        if _NOT_AMP.search(text):
            return None
        text = text.replace("&amp;", "&")  # no other entity, so no new '<' or '"'
    parts = _EXCEL_REL_TOKEN.split(text)
    stride = _REL_STRIDE
    if any(parts[0::stride]) or text.count("<") != len(parts) // stride:
        return None  # text between tokens, or a '<' inside a value
    externals = [mode == "External" for mode in parts[4::stride]]
    rels = zip(parts[2::stride], parts[3::stride], externals, strict=True)
    # tuple.__new__ makes each _Rel in C: the NamedTuple constructor is Python code
    return dict(zip(parts[1::stride], map(tuple.__new__, repeat(_Rel), rels), strict=True))


def _fast_links(xml: bytes, root: int, region: bytes) -> list[_RawLink] | None:
    if not _fast_region_ok(region, attributes=True):
        return None
    if not _root_declares(xml, root, b"xmlns:r", DOC_REL_NAMESPACES):
        return None
    if b" xr:" in region and not _root_attribute(xml, root, b"xmlns:xr"):
        return None  # an unbound prefix: malformed, let the parser say so
    excel = _excel_links(region)
    if excel is not None:
        return excel
    elements = _fast_elements(_FAST_LINK_TOKEN, region)
    if elements is None:
        return None
    if any(name.endswith(b":id") and name != b"r:id" for a in elements for name in a):
        return None
    return [
        _RawLink(
            _fast_attr(attrs, b"ref") or "",
            _fast_attr(attrs, b"r:id"),
            _fast_attr(attrs, b"location"),
        )
        for attrs in elements
    ]


def _excel_links(region: bytes) -> list[_RawLink] | None:
    """The hyperlinks of a checked region exactly as Excel writes them, single cells
    placed already; None when the region is in another shape. The compiled scanner
    reads the commonest shape (single cells, locations without entities) and leaves the
    rest to :func:`_excel_links_py`: the same answer either way."""
    if _xlsx_scan is not None and (links := _xlsx_scan.excel_links(region)) is not None:
        return list(map(tuple.__new__, repeat(_RawLink), links))
    return _excel_links_py(region)


def _excel_links_py(region: bytes) -> list[_RawLink] | None:
    """:func:`_excel_links` in Python (one split)."""
    parts = _EXCEL_LINK_TOKEN.split(region)
    stride = _LINK_STRIDE
    if any(parts[0::stride]):
        return None  # something between (or instead of) the tokens
    letters, digits, ends = parts[1::stride], parts[2::stride], parts[3::stride]
    rows = [int(row) - 1 for row in digits]
    cells: list[str | Coordinate]
    if any(ends) or (rows and not 0 <= min(rows) <= max(rows) < MAX_ROWS):
        cells = [  # ranges, or rows beyond the sheet: placed later, as other refs are
            (column + row + (end or b"")).decode("ascii")
            for column, row, end in zip(letters, digits, ends, strict=True)
        ]
    else:
        cells = list(zip(rows, map(_COLUMN_INDEX.__getitem__, letters), strict=True))
    rel_ids = [rel_id.decode("utf-8") if rel_id else None for rel_id in parts[4::stride]]
    locations = [_fast_text(text) if text else None for text in parts[5::stride]]
    links = zip(cells, rel_ids, locations, strict=True)
    return list(map(tuple.__new__, repeat(_RawLink), links))  # made in C, as _excel_rels


# --------------------------------------------------------------------------- calamine
#
# The values of a sheet in Excel's own shape are read by calamine (Rust, via
# python-calamine), which gives the same values as the reference path on the whole corpus
# (the tests check it); the hyperlinks, which calamine does not read, come from the
# sheet's ``<hyperlinks>`` region and relationships as above. A sheet is given to
# calamine only after checks that keep the two paths equal and calamine's memory bounded,
# and only as parts this reader has inflated itself, copied into a stored zip; anything
# else, and anything calamine fails on, goes to the reference path, which then reads the
# sheet or says why it cannot.

# Text that calamine trims (no xml:space="preserve") and the reference path keeps as is.
# (Possessive, then a look back at the last character: no backtracking through the text.)
_LOOSE_EDGE_SPACE = re.compile(
    rb'<t>(?:[ \t\r\n]|[^<]*+(?<=[ \t\r\n])</t>)|<t (?!xml:space="preserve">)'
)
_NESTED_IN_TEXT = re.compile(rb"<t(?: [^>]*)?>[^<]*+<(?!/t>)")
_EMPTY_AS_NONE: dict[object, None] = {"": None}
# A cell not numbered A1 to Z99999 (``r`` first), or a row without a number: calamine
# would place it differently from the reference path or fill a rectangle up to it. Also
# values calamine reads otherwise than the reference path: a ``<v>`` not last in its cell,
# or holding spaces or underscores (which Python's int() and float() accept), or an
# entity.
_ODD_CELLS = (
    rb'c(?! r="[A-Z][0-9]{1,5}")[ >/\t\n]|row(?! r=")[ >/\t\n]'
    rb"|/v>(?!</c>)|v>[^<_& \t\r\n]*+[_& \t\r\n]"
)
_ODD_CELL = re.compile(b"<(?:" + _ODD_CELLS + b")")
_ODD_CELL_OR_INLINE = re.compile(b"<(?:" + _ODD_CELLS + b"|is>)")  # and inline strings
_MAIN_NS_BYTES = MAIN_NS.encode()
_ERROR_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^<>]*? t="e"[^<>]*>(?:<f>[^<]*</f>)?<v>([^<]*)</v></c>'
)
_MAIN_CELL_TAG = f"{{{MAIN_NS}}}c"
# Built-in number formats both paths read alike: General and numbers, and the dates
# 14-17 and 22 (times 18-21 and 45-47 and East Asian dates are left to the reference).
_CALAMINE_FORMAT_IDS = frozenset([*range(0, 18), 22, *range(37, 45), 48, 49])
_CUSTOM_FORMAT = re.compile(rb'<numFmt numFmtId="([0-9]{1,3})" formatCode="([^"]*)"/>')
_PLAIN_FORMAT_CODE = re.compile(  # a date of d, m, y parts, or digits and separators
    rb"(?:\[\$-[0-9A-Fa-f]{1,8}\])?[dmyDMY]+(?:[/\-. ][dmyDMY]+)*(?:;@)?|[0#?,.%]+"
)
_CALAMINE_FAR_CELLS = 26 * 99_999  # the largest grid that passes _ODD_CELL


class _Calamine:
    """python-calamine's reading of a sheet, given a stored (uncompressed) zip of the
    parts this reader has already inflated through its bounded reader and checked:
    calamine inflates nothing itself, and skips the work of inflating."""

    def __init__(self, book: _Book) -> None:
        self.book = book

    @classmethod
    def open(cls, book: _Book) -> _Calamine | None:
        """A reader for ``book``, or None when it is not in a shape both paths read
        alike: the main (transitional) namespace throughout, the 1900 date system, and
        shared strings and styles as below."""
        if book.tags.c != _MAIN_CELL_TAG or any(b"date1904" in p for p in book.kept.values()):
            return None
        strings, styles = book.cell_parts
        for path in (strings, styles):
            if path is not None and not _calamine_part_ok(book.read_kept(path)):
                return None
        if styles is not None and not _plain_number_formats(book.read_kept(styles)):
            return None
        return cls(book)

    def rows(self, entry: _SheetEntry, xml: bytes) -> list[list[CellValue]] | None:
        """The sheet's values as calamine reads them ("" for empty), None on failure."""
        try:
            workbook = CalamineWorkbook.from_filelike(
                _stored_zip({**self.book.kept, entry.path: xml})
            )
            grid: list[list[Any]] = workbook.get_sheet_by_name(entry.name).to_python(
                skip_empty_area=False
            )
        except Exception:  # whatever calamine cannot read, the reference path judges
            return None
        return grid


def _calamine_part_ok(part: bytes) -> bool:
    """A shared-strings or styles part that calamine reads as the reference path does:
    UTF-8 without carriage returns, the main namespace declared once, on the root, as
    the default (calamine ignores namespaces), and no text calamine would trim."""
    root = part.find(b"<", part.find(b"?>") + 1 if part.startswith(b"<?") else 0)
    if not _fast_part_ok(part) or part.find(b"\r", root) >= 0:
        return False
    if part.count(_MAIN_NS_BYTES) != 1 or not _root_declares(part, root, b"xmlns", (MAIN_NS,)):
        return False
    return not _odd_text(part)


def _odd_text(xml: bytes) -> bool:
    """Text calamine reads otherwise than the reference path: edge spaces not marked
    ``xml:space="preserve"`` (calamine trims them), or an element inside a ``<t>``
    (calamine joins the text around it, the reference path keeps what precedes it)."""
    return bool(_LOOSE_EDGE_SPACE.search(xml) or _NESTED_IN_TEXT.search(xml))


def _plain_number_formats(styles: bytes) -> bool:
    """Whether the styles use only number formats on which calamine and
    :func:`format_kind` agree: built-in numbers and dates (no times, no East Asian
    dates), and custom formats that are plain dates (``m/d/yyyy;@``) or numbers."""
    custom = _CUSTOM_FORMAT.findall(styles)
    if styles.count(b"<numFmt ") != len(custom):
        return False
    if not all(_PLAIN_FORMAT_CODE.fullmatch(code) for _id, code in custom):
        return False
    ids = re.findall(rb'numFmtId="([^"]*)"', styles)
    if styles.count(b"numFmtId=") != len(ids):
        return False
    allowed = {*_CALAMINE_FORMAT_IDS, *(int(i) for i, _code in custom)}
    return all(i.isdigit() and len(i) < 4 and int(i) in allowed for i in ids)


def _stored_zip(parts: dict[str, bytes]) -> io.BytesIO:
    """A zip holding ``parts`` uncompressed, ready to read from its start."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for path, data in parts.items():
            archive.writestr(path, data)
    out.seek(0)
    return out


def _calamine_sheet(book: _Book, entry: _SheetEntry, xml: bytes, values: _Calamine) -> Sheet | None:
    """The sheet with values from calamine, or None to use the reference path."""
    if not _calamine_shape_ok(xml, book.limits):
        return None
    grid = _Grid(book)
    raw_links = _simple_links(xml)
    errors = _error_cells(xml, grid.columns) if b' t="e"' in xml else []
    if raw_links is None or errors is None:
        return None
    found = values.rows(entry, xml)
    if found is None:
        return None
    grid.rows = _calamine_rows(found, errors)
    if sum(map(len, grid.rows)) > book.limits.max_cells:
        return None  # the reference path refuses it with the budget's reason
    return _sheet(book, entry, grid, raw_links)


def _calamine_shape_ok(xml: bytes, limits: ReadLimits) -> bool:
    """Excel's own shape: UTF-8 without carriage returns inside the root, the main
    namespace declared once (as the default, so no element is prefixed into it), every
    row numbered and every cell numbered within A1:Z99999 (calamine fills the rectangle
    up to its farthest cell), no value calamine reads otherwise (see ``_ODD_CELLS``), and
    no inline text it reads otherwise (see :func:`_odd_text`).

    Not checked (it would cost a pass over the part): that every namespace prefix in a
    row or cell attribute is declared. Calamine ignores such attributes, so a sheet
    using an undeclared one is read here where the reference path calls it malformed."""
    root = _find_tag(xml, b"worksheet")
    if root < 0 or xml.count(_MAIN_NS_BYTES) != 1 or limits.max_cells < _CALAMINE_FAR_CELLS:
        return False
    odd = _find_odd(xml, 0, inline=True)
    if odd >= 0:
        if xml[odd : odd + 4] != b"<is>" or _find_odd(xml, odd + 4, inline=False) >= 0:
            return False
        if _odd_text(xml):
            return False
    return (
        _fast_part_ok(xml)
        and _root_declares(xml, root, b"xmlns", (MAIN_NS,))
        and xml.find(b"\r", root) < 0  # line ends the XML parser would normalise
    )


def _find_odd(xml: bytes, start: int, inline: bool) -> int:
    """Offset of the first match of ``_ODD_CELL_OR_INLINE`` (``inline``) or ``_ODD_CELL``
    at or after ``start``, or -1: the compiled scanner when built, else the regex."""
    if _xlsx_scan is not None:
        return _xlsx_scan.find_odd(xml, start, inline)
    match = (_ODD_CELL_OR_INLINE if inline else _ODD_CELL).search(xml, start)
    return -1 if match is None else match.start()


def _simple_links(xml: bytes) -> list[_RawLink] | None:
    """The raw hyperlinks of a sheet whose ``<hyperlinks>`` region is in Excel's shape."""
    start = xml.find(b"<hyperlink")
    if start < 0:
        return []
    end = xml.find(b"</hyperlinks>", start)
    if xml[start : start + 12] != b"<hyperlinks>" or end < 0 or xml.find(b"<hyperlink", end) >= 0:
        return None  # the region in another shape, or hyperlinks elsewhere
    # The tokens tile the region and no value holds a '<': it has no other hyperlink.
    try:
        return _fast_links(xml, _find_tag(xml, b"worksheet"), xml[start + 12 : end])
    except _NotSimple:  # e.g. a reference to a character XML forbids: the parser says so
        return None


def _error_cells(xml: bytes, columns: _Columns) -> list[tuple[int, int, str]] | None:
    """(row, column, text) of the error cells (``t="e"``), which calamine reads as empty;
    None when one is not in Excel's shape (or holds a character reference XML forbids,
    which the reference path's parser then names)."""
    try:
        return _error_cells_unchecked(xml, columns)
    except _NotSimple:
        return None


def _error_cells_unchecked(xml: bytes, columns: _Columns) -> list[tuple[int, int, str]] | None:
    found = []
    texts: dict[bytes, str] = {}  # mostly one text, #N/A
    at = xml.find(b' t="e"')
    while at >= 0:
        match = _ERROR_CELL.match(xml, xml.rfind(b"<c ", 0, at))
        if match is None or match.end() < at:
            return None
        letters, raw = match[1], match[3]
        column = _COLUMN_INDEX.get(letters)
        if column is None:
            column = columns.index(letters.decode("ascii"))
        if (text := texts.get(raw)) is None:
            text = texts[raw] = _unescape_x(_fast_text(raw))
        found.append((int(match[2]) - 1, column, text))
        at = xml.find(b' t="e"', match.end())
    return found


def _calamine_rows(
    grid: list[list[CellValue]], errors: list[tuple[int, int, str]]
) -> list[list[CellValue]]:
    """Calamine's rectangle as the reference path's rows: "" is no value, whole floats
    are ints, no trailing empty cells or rows, error cells put back."""
    rows = (_xlsx_scan.calamine_rows if _xlsx_scan else _calamine_values_py)(grid)
    for row_index, column, text in errors:
        while len(rows) <= row_index:
            rows.append([])
        values = rows[row_index]
        if column >= len(values) or values[column] is None:  # a later cell there wins
            _place(values, column, text)
    return _without_trailing_empty_rows(rows)


def _calamine_values_py(grid: list[list[CellValue]]) -> list[list[CellValue]]:
    """What the compiled ``calamine_rows`` does: "" as None, whole floats as ints, and
    trailing empty cells dropped."""
    get = _EMPTY_AS_NONE.get
    rows: list[list[CellValue]] = [list(map(get, row, row)) for row in grid]
    if float in set(map(type, chain.from_iterable(rows))):
        rows = [[_whole(v) if type(v) is float else v for v in values] for values in rows]
    for values in rows:
        while values and values[-1] is None:
            values.pop()
    return rows
