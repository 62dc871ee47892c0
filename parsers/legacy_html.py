"""The older ICE 287(g) page, whose participating list was an inline HTML table.

From 2019 to February 2025 https://www.ice.gov/identify-and-arrest/287g held the list as
a table headed ``STATE | LAW ENFORCEMENT AGENCY | SUPPORT TYPE | SIGNED | MOA`` (and, on
some captures, steering committee meeting tables). :func:`parse_legacy_page` reads that
table into the same :class:`~parsers.records.ListingRow` records the spreadsheet parser
produces. The table is found by its header text and its columns are mapped by name, so
markup drift (``thead`` or not, ``th`` or ``td``, wrapper elements, rowspan'd states)
does not matter.

Also home to the small HTML helpers the landing page parser shares: :func:`load_html`,
:func:`absolute_url`, :func:`resolve_link`, :func:`block_reason`.

Pure: bytes in, records out. Anything that is not a readable 287(g) page raises
:class:`~ice287g.errors.ParseError` and nothing else.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date as Date
from typing import Any, Literal
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.errors import ParseError
from parsers.normalize import (
    agency_key,
    agency_type,
    clean_text,
    model_code,
    parse_date,
    state_code,
)
from parsers.records import ListingRow, ParsedListing

DEFAULT_BASE_URL = "https://www.ice.gov/identify-and-arrest/287g"
NO_TABLE = "no 287(g) participating table found"

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive (xlsx?)"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an OLE2 document (xls?)"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"7z\xbc\xaf", "a 7z archive"),
    (b"Rar!", "a RAR archive"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})""", re.I)
_MARKUP = re.compile(r"<\s*(?:[A-Za-z][A-Za-z0-9]*[\s/>]|!|/[A-Za-z])")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^<>]*?(/?)>")
_NO_DEPTH_TAGS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "td",
        "th",
        "tr",
        "dt",
        "dd",
        "option",
        "optgroup",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "caption",
        "rb",
        "rt",
        "rp",
        "html",
        "head",
        "body",
    ]
)
_MAX_DEPTH = 5000
_INLINE_TAGS = ("span", "strong", "b", "em", "i", "u", "font", "small", "mark", "abbr")
_BLOCKED = re.compile(
    r"access denied|forbidden|request rejected|too many requests|service unavailable|"
    r"bad gateway|gateway time-?out|internal server error|not found|captcha|"
    r"just a moment|attention required|are you a robot|unusual traffic",
    re.I,
)
_WAYBACK_HOSTS = ("web.archive.org", "wayback.archive.org")
_WAYBACK_PATH = re.compile(r"^/web/\d{1,14}(?:[a-z]{2}_|\*)?/+(.+)$")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"

_MAX_COLSPAN = 50
_MAX_ROWSPAN = 10_000
_MAX_COLUMNS = 200
_REQUIRED = frozenset({"state", "agency", "model"})


# --------------------------------------------------------------------------- loading


def load_html(data: bytes, source: str = "<bytes>") -> LexborHTMLParser:
    """Sniff, decode and parse HTML bytes. Inline formatting elements (span, strong, ...)
    are unwrapped so cell text reads naturally. Raises ParseError for empty input and for
    anything that is not HTML (zip, xlsx, PDF, images, binary noise, plain text)."""
    text = decode_html(data, source)
    try:
        tree = LexborHTMLParser(text)
        tree.unwrap_tags(list(_INLINE_TAGS))
        tree.merge_text_nodes()
    except (ValueError, RuntimeError, TypeError, MemoryError) as exc:
        raise ParseError(source, f"unreadable HTML ({exc})") from exc
    return tree


def decode_html(data: bytes, source: str = "<bytes>") -> str:
    """The text of an HTML document: BOM, then UTF-8 (when the bytes are valid UTF-8),
    then the ``<meta charset>``, then Windows-1252. Raises ParseError when the bytes are
    empty or plainly not HTML."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ParseError(source, f"expected bytes, got {type(data).__name__}")
    raw = bytes(data)
    if not raw.strip():
        raise ParseError(source, "empty document")
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise ParseError(source, f"not HTML: looks like {what}")
    text = _decode(raw)
    if _looks_binary(text):
        raise ParseError(source, "not HTML: binary content")
    if not _MARKUP.search(text):
        raise ParseError(source, "not HTML: no markup found")
    if nesting_depth(text) > _MAX_DEPTH:
        raise ParseError(source, f"HTML nested too deeply (over {_MAX_DEPTH} open elements)")
    return text


def nesting_depth(text: str) -> int:
    """A quick upper estimate of how deeply the elements of ``text`` nest. Guards the
    HTML parser, whose time grows with the square of the depth of open elements."""
    depth = deepest = 0
    for match in _TAG.finditer(text):
        closing, name, self_closing = match.groups()
        if name.lower() in _NO_DEPTH_TAGS or self_closing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _decode(raw: bytes) -> str:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :].decode(encoding, errors="replace")
    declared = _declared_charset(raw)
    for encoding in ("utf-8", declared) if declared else ("utf-8",):
        try:
            return raw.decode(encoding)
        except (UnicodeError, LookupError, ValueError):
            continue
    return raw.decode("cp1252", errors="replace")


def _declared_charset(raw: bytes) -> str | None:
    match = _CHARSET.search(raw[:4096])
    if not match:
        return None
    try:
        name = codecs.lookup(match[1].decode("ascii")).name
    except (LookupError, UnicodeError, ValueError):
        return None
    return None if name.startswith(("utf-16", "utf-32")) else name


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    odd = controls + sample.count("\ufffd")
    return odd > max(2, len(sample) // 50)


def block_reason(tree: LexborHTMLParser) -> str | None:
    """The title or first heading of an error or block page ('Access Denied', '403
    Forbidden', a CAPTCHA wall), or None when the page does not look like one."""
    for selector in ("title", "h1"):
        node = tree.css_first(selector)
        text = clean_text(node.text(separator=" ")) if node else ""
        if text and _BLOCKED.search(text):
            return text[:120]
    return None


# --------------------------------------------------------------------------- links


def absolute_url(href: object, base: str) -> str | None:
    """An absolute http(s) URL for ``href`` found on a page at ``base``.

    Relative and absolute links both work; unsafe characters such as spaces are
    percent-encoded once (existing ``%XX`` escapes are kept, never double-encoded);
    scheme and host are lower-cased and the fragment dropped. None for empty links,
    fragments, ``mailto:``/``javascript:`` and anything that is not http(s).
    """
    text = re.sub(r"[\t\n\r]", "", str(href or "")).strip()
    if not text or text.startswith("#"):
        return None
    try:
        parts = urlsplit(urljoin(base, text))
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    path = _quote_part(parts.path, _PATH_SAFE) or "/"
    query = _quote_part(parts.query, _QUERY_SAFE)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def _quote_part(part: str, safe: str) -> str:
    return quote(_LONE_PERCENT.sub("%25", part), safe=safe, errors="replace")


def original_url(url: str) -> str:
    """The original URL behind a Wayback Machine capture link
    (``https://web.archive.org/web/20240101000000/https://www.ice.gov/x.pdf`` ->
    ``https://www.ice.gov/x.pdf``); any other URL is returned unchanged."""
    for _ in range(4):
        inner = _wayback_inner(url)
        if inner is None:
            return url
        url = inner
    return url


def _wayback_inner(url: str) -> str | None:
    parts = urlsplit(url)
    match = _WAYBACK_PATH.match(parts.path)
    if parts.netloc not in _WAYBACK_HOSTS or not match:
        return None
    inner = re.sub(r"^(https?):/+", r"\1://", match[1], flags=re.I)
    if not re.match(r"^https?://", inner, re.I):
        inner = "http://" + inner
    if parts.query:
        inner += "?" + parts.query
    return absolute_url(inner, inner)


def resolve_link(href: object, base: str) -> str | None:
    """Resolve a link found on a page (possibly a Wayback capture of the page) to the
    absolute URL of what it points at, unwrapping Wayback capture links."""
    url = absolute_url(href, base)
    if url is None:
        return None
    unwrapped = original_url(url)
    if unwrapped != url or urlsplit(url).netloc not in _WAYBACK_HOSTS:
        return unwrapped
    page = original_url(absolute_url(base, base) or base)
    return absolute_url(href, page) if page != base else url


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class _Link:
    href: str
    text: str


@dataclass(frozen=True)
class _Cell:
    text: str
    links: tuple[_Link, ...] = ()
    origin: bool = True  # False for a slot filled by a rowspan or colspan copy
    pad: bool = False  # True for a slot the row never filled


_PAD = _Cell("", origin=False, pad=True)


@dataclass(frozen=True)
class _Table:
    grid: tuple[tuple[_Cell, ...], ...]
    header_row: int
    columns: dict[str, int] = field(hash=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self.columns, key=self.columns.__getitem__))

    @property
    def width(self) -> int:
        return sum(1 for cell in self.grid[self.header_row] if not cell.pad)


def _table_grid(table: LexborNode) -> tuple[tuple[_Cell, ...], ...]:
    """The rows of one table (nested tables excluded) as a grid with rowspan and
    colspan cells copied into every slot they cover."""
    carry: dict[int, tuple[_Cell, int]] = {}
    return tuple(_grid_row(tr, carry) for tr in _own_rows(table))


def _own_rows(table: LexborNode) -> Iterator[LexborNode]:
    """The table's own rows: direct ``tr`` children and those of its row groups."""
    for child in table.iter():
        if child.tag == "tr":
            yield child
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child.iter() if tr.tag == "tr")


def _grid_row(tr: LexborNode, carry: dict[int, tuple[_Cell, int]]) -> tuple[_Cell, ...]:
    row: list[_Cell] = []
    for node in tr.iter():
        if node.tag not in ("td", "th"):
            continue
        _take_carried(row, carry)
        cell = _read_cell(node)
        rowspan = _span(node, "rowspan", _MAX_ROWSPAN)
        for offset in range(_span(node, "colspan", _MAX_COLSPAN)):
            if len(row) >= _MAX_COLUMNS:
                break
            if rowspan > 1:
                carry[len(row)] = (replace(cell, origin=False), rowspan - 1)
            row.append(cell if offset == 0 else replace(cell, origin=False))
    _take_carried(row, carry, to_end=True)
    return tuple(row)


def _take_carried(
    row: list[_Cell], carry: dict[int, tuple[_Cell, int]], to_end: bool = False
) -> None:
    while len(row) < _MAX_COLUMNS and (
        len(row) in carry or (to_end and any(col > len(row) for col in carry))
    ):
        held = carry.pop(len(row), None)
        if held is None:
            row.append(_PAD)
            continue
        cell, left = held
        if left > 1:
            carry[len(row)] = (cell, left - 1)
        row.append(cell)


def _span(node: LexborNode, name: str, limit: int) -> int:
    match = re.match(r"\s*(\d{1,6})", node.attributes.get(name) or "")
    if not match:
        return 1
    value = int(match[1])
    return limit if value == 0 and name == "rowspan" else max(1, min(value, limit))


def _read_cell(node: LexborNode) -> _Cell:
    links = tuple(
        _Link(anchor.attributes.get("href") or "", clean_text(anchor.text(separator=" ")))
        for anchor in node.css("a[href]")
    )
    return _Cell(clean_text(node.text(separator=" ")), links)


# --------------------------------------------------------------------------- headers


def column_name(text: str) -> str | None:
    """The canonical column name of a participating-table header cell: state, agency,
    agency_type, county, model, signed, moa, addendum (None when not recognised)."""
    label = re.sub(r"[^A-Z0-9() ]+", " ", clean_text(text).upper())
    label = " ".join(label.split())
    if not label:
        return None
    for name, test in _COLUMN_TESTS:
        if test(label):
            return name
    return None


_COLUMN_TESTS = (
    ("state", lambda t: t in ("STATE", "ST", "STATE TERRITORY", "STATE OR TERRITORY")),
    ("model", lambda t: "SUPPORT" in t or t in ("MODEL", "287(G) MODEL", "PROGRAM MODEL")),
    ("addendum", lambda t: "ADDEND" in t),
    ("agency_type", lambda t: t in ("TYPE", "AGENCY TYPE", "JURISDICTION TYPE")),
    ("county", lambda t: t == "COUNTY"),
    ("agency", lambda t: "AGENCY" in t or t in ("LEA", "JURISDICTION", "AGENCY NAME")),
    ("signed", lambda t: "SIGNED" in t or t in ("DATE", "SIGNATURE DATE", "DATE OF MOA")),
    ("moa", lambda t: t.startswith("MOA") or "MEMORANDUM" in t or t == "AGREEMENT"),
)


def header_columns(texts: Sequence[str]) -> dict[str, int] | None:
    """Column positions by canonical name when ``texts`` (one row's cell texts) read as
    the participating table's header, else None."""
    columns = _first_positions(texts, column_name)
    if columns.keys() >= _REQUIRED and ("signed" in columns or "moa" in columns):
        return columns
    return None


def _first_positions(texts: Sequence[str], name_of: Callable[[str], str | None]) -> dict[str, int]:
    """The first position of each column name ``name_of`` gives the texts."""
    names = {text: name_of(text) for text in set(texts)}
    columns: dict[str, int] = {}
    for index, text in enumerate(texts):
        name = names[text]
        if name and name not in columns:
            columns[name] = index
    return columns


def _participating_tables(tree: LexborHTMLParser) -> list[_Table]:
    """Every table whose header row reads like the participating list, in page order."""
    found = []
    for node in tree.css("table"):
        grid = _table_grid(node)
        for index, row in enumerate(grid):
            columns = header_columns([cell.text for cell in row])
            if columns:
                found.append(_Table(grid, index, columns))
                break
    return found


def has_participating_table(tree: LexborHTMLParser) -> bool:
    """True when the page holds the older inline participating table."""
    return bool(_participating_tables(tree))


# --------------------------------------------------------------------------- rows


def parse_legacy_page(
    data: bytes, source: str = "<bytes>", base_url: str = DEFAULT_BASE_URL
) -> ParsedListing:
    """Read the participating list from the older 287(g) page's inline HTML table.

    MOA and addendum links are resolved against ``base_url`` (a Wayback capture URL
    works too: capture links are unwrapped to the original ICE URL). ``row_number`` is
    the 1-based index of the data row in the table(s). Raises ParseError when the bytes
    are not HTML or hold no participating table.
    """
    tree = load_html(data, source)
    tables = _participating_tables(tree)
    if not tables:
        blocked = block_reason(tree)
        suffix = f" (the page looks like an error or block page: {blocked!r})" if blocked else ""
        raise ParseError(source, NO_TABLE + suffix)
    builder = _RowBuilder(base_url)
    for table in tables:
        builder.add_table(table)
    warnings = builder.warnings
    if len(tables) > 1:
        warnings.insert(0, f"{len(tables)} participating tables found; rows concatenated")
    return ParsedListing(
        kind="participating",
        rows=tuple(builder.rows),
        columns=tables[0].names,
        source_format="html",
        warnings=tuple(warnings),
    )


@dataclass
class _RowBuilder:
    """Turns grid rows into ListingRows, carrying the state across grouped rows."""

    base_url: str
    rows: list[ListingRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    index: int = 0
    state: str | None = None
    state_raw: str = ""

    def add_table(self, table: _Table) -> None:
        """Add every data row below the table's header row."""
        for cells in table.grid[table.header_row + 1 :]:
            self.add(cells, table)

    def add(self, cells: Sequence[_Cell], table: _Table) -> None:
        """Add one grid row: skip blanks and repeated headers, follow state headings."""
        if all(not c.text and not c.links for c in cells):
            return
        if header_columns([c.text for c in cells]) is not None:
            return
        heading = _group_heading(cells)
        if heading:
            self.state, self.state_raw = heading
            return
        if _is_note(cells):
            self.warnings.append(f"note row skipped: {cells[0].text[:80]!r}")
            return
        self.index += 1
        row = self._row(self._realign(cells, table), table.columns)
        if row is not None:
            self.rows.append(row)

    def _realign(self, cells: Sequence[_Cell], table: _Table) -> Sequence[_Cell]:
        """Rows under a state heading row may lack the state cell: put one back."""
        at = table.columns["state"]
        width = sum(1 for c in cells if not c.pad)
        here = cells[at].text if at < len(cells) else ""
        if self.state and width == table.width - 1 and state_code(here) is None:
            return [*cells[:at], _Cell(self.state_raw), *cells[at:]]
        return cells

    def _row(self, cells: Sequence[_Cell], columns: dict[str, int]) -> ListingRow | None:
        def cell(name: str) -> _Cell:
            at = columns.get(name)
            return cells[at] if at is not None and at < len(cells) else _PAD

        agency = cell("agency").text
        if not agency:
            self.warnings.append(f"row {self.index}: no agency name; row skipped")
            return None
        state, state_raw, flags = self._state(cell("state").text)
        moa, addendum = _documents(cells, columns, self.base_url)
        return _listing_row(
            _RowParts(state, state_raw, agency, cell("model").text, cell("signed").text),
            cell("agency_type").text,
            cell("county").text,
            moa,
            addendum,
            self.index,
            flags,
        )

    def _state(self, text: str) -> tuple[str, str, tuple[str, ...]]:
        if not text:
            if self.state:
                return self.state, self.state_raw, ("state_carried",)
            self.warnings.append(f"row {self.index}: no state")
            return "", "", ("state_missing",)
        code = state_code(text)
        if code is None:
            self.warnings.append(f"row {self.index}: state {text!r} not recognised")
            return text.upper(), text, ("state_unrecognised",)
        self.state, self.state_raw = code, text
        return code, text, ()


@dataclass(frozen=True)
class _RowParts:
    state: str
    state_raw: str
    agency: str
    model_raw: str
    signed_raw: str


@dataclass(frozen=True)
class _Document:
    url: str | None
    text: str | None


def _listing_row(
    parts: _RowParts,
    type_text: str,
    county: str,
    moa: _Document,
    addendum: _Document,
    index: int,
    flags: tuple[str, ...],
) -> ListingRow:
    signed, signed_raw, date_flags = _signed(parts.signed_raw)
    model = model_code(parts.model_raw)
    model_flags = ("model_unrecognised",) if model is None else ()
    return ListingRow(
        state=parts.state,
        agency=parts.agency,
        agency_key=agency_key(parts.agency),
        model=model,
        model_raw=parts.model_raw,
        agency_type=agency_type(type_text) if type_text else None,
        county=county or None,
        signed=signed,
        signed_raw=signed_raw,
        moa_url=moa.url,
        moa_text=moa.text,
        addendum_url=addendum.url,
        addendum_text=addendum.text,
        state_raw=parts.state_raw,
        row_number=index,
        flags=flags + model_flags + date_flags,
    )


def _signed(text: str) -> tuple[Date | None, str | None, tuple[str, ...]]:
    """The signed date, the raw text unless it was a clean ISO date, and date flags."""
    if not text:
        return None, None, ()
    signed, flags = parse_date(text)
    clean = signed is not None and text == signed.isoformat()
    return signed, None if clean else text, flags


def _group_heading(cells: Sequence[_Cell]) -> tuple[str, str] | None:
    """A row that only names a state (often one cell spanning the table) heads a group."""
    own = [c for c in cells if c.origin and (c.text or c.links)]
    if len(own) != 1 or own[0].links:
        return None
    code = state_code(own[0].text)
    return (code, own[0].text) if code else None


def _is_note(cells: Sequence[_Cell]) -> bool:
    """A row of one cell spanning the table (a footnote or caption), not a data row."""
    filled = [c for c in cells if not c.pad]
    own = [c for c in filled if c.origin]
    return len(filled) > 1 and len(own) == 1 and len({c.text for c in filled}) == 1


def _says_addendum(link: _Link) -> bool:
    return "addend" in f"{link.text} {link.href}".lower()


def _documents(
    cells: Sequence[_Cell], columns: dict[str, int], base: str
) -> tuple[_Document, _Document]:
    """The MOA link and the addendum link of a row: a second link in the MOA cell whose
    text says addendum, an ADDENDUM column, or an extra unheaded cell."""
    mapped = set(columns.values())
    moa_cell = cells[columns["moa"]] if columns.get("moa", len(cells)) < len(cells) else _PAD
    add_at = columns.get("addendum", len(cells))
    add_cell = cells[add_at] if add_at < len(cells) else _PAD
    extras = [c for i, c in enumerate(cells) if i not in mapped and c.origin]
    moa_links = [lk for lk in moa_cell.links if not _says_addendum(lk)]
    addenda = [*add_cell.links, *(lk for c in [moa_cell, *extras] for lk in c.links)]
    addenda = [lk for lk in addenda if lk in add_cell.links or _says_addendum(lk)]
    return _document(moa_links, moa_cell.text, base), _document(addenda, "", base)


def _document(links: Sequence[_Link], fallback: str, base: str) -> _Document:
    for link in links:
        url = resolve_link(link.href, base)
        if url:
            return _Document(url, link.text or None)
    return _Document(None, fallback or None)


# --------------------------------------------------------------------------- steering


@dataclass(frozen=True)
class SteeringCommittee:
    """One steering committee meeting listed on the page."""

    name: str
    date: Date | None
    date_raw: str
    mode: Literal["virtual", "in person"] | None
    model: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (the date as ISO text)."""
        data = dataclasses.asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        return data


_STEERING_TESTS = (
    ("date", lambda t: "DATE" in t or t == "WHEN"),
    ("mode", lambda t: any(w in t for w in ("LOCATION", "VIRTUAL", "PERSON", "FORMAT"))),
    ("mode", lambda t: t in ("MODE", "MEETING MODE", "MEETING TYPE", "VENUE")),
    ("name", lambda t: any(w in t for w in ("NAME", "AGENCY", "JURISDICTION", "COMMITTEE"))),
    ("model", lambda t: "TYPE" in t or "MODEL" in t),
)


def _steering_column(text: str) -> str | None:
    label = " ".join(re.sub(r"[^A-Z0-9 ]+", " ", clean_text(text).upper()).split())
    for name, test in _STEERING_TESTS:
        if label and test(label):
            return name
    return None


def steering_columns(texts: Sequence[str]) -> dict[str, int] | None:
    """Column positions (name, date, mode, model) when ``texts`` read as the header of a
    steering committee table, else None."""
    columns = _first_positions(texts, _steering_column)
    has_detail = "mode" in columns or "model" in columns
    if {"name", "date"} <= columns.keys() and has_detail and header_columns(texts) is None:
        return columns
    return None


def parse_steering_committees(
    data: bytes, source: str = "<bytes>"
) -> tuple[SteeringCommittee, ...]:
    """Steering committee meetings from every steering committee table on the page
    (header cells such as MOA Name / Meeting Date / Location / Type); an empty tuple
    when there is none. Raises ParseError only when the bytes are not HTML."""
    tree = load_html(data, source)
    meetings: list[SteeringCommittee] = []
    for node in tree.css("table"):
        meetings.extend(_steering_rows(_table_grid(node)))
    return tuple(meetings)


def _steering_rows(grid: Sequence[Sequence[_Cell]]) -> Iterator[SteeringCommittee]:
    columns: dict[str, int] | None = None
    for cells in grid:
        texts = [c.text for c in cells]
        found = steering_columns(texts)
        if found is not None:
            columns = found
            continue
        if columns is not None and any(texts):
            meeting = _meeting(texts, columns)
            if meeting is not None:
                yield meeting


def _meeting(texts: Sequence[str], columns: dict[str, int]) -> SteeringCommittee | None:
    def text(name: str) -> str:
        at = columns.get(name)
        return texts[at] if at is not None and at < len(texts) else ""

    if not text("name"):
        return None
    date_raw = text("date")
    when = parse_date(date_raw)[0] if date_raw else None
    model = model_code(text("model"))
    return SteeringCommittee(text("name"), when, date_raw, _mode(text("mode")), model)


def _mode(text: str) -> Literal["virtual", "in person"] | None:
    upper = text.upper()
    if "VIRTUAL" in upper or "ONLINE" in upper or "REMOTE" in upper:
        return "virtual"
    if "PERSON" in upper or "ONSITE" in upper or "ON-SITE" in upper:
        return "in person"
    return None
