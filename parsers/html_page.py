"""An HTML page as ICE (or the Wayback Machine) serves it: bytes decoded, refused when
they are no HTML, parsed, recognised as an error or block page, and its links resolved.

Shared by the landing page parser and the older page's participating table. Pure: bytes
in, a parsed tree out; anything that is not HTML raises
:class:`~parsers.errors.ParseError` and nothing else.
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

from parsers.errors import ParseError
from parsers.normalize import clean_text
from parsers.urls import MAX_URL_CHARS

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
    except RuntimeError as exc:  # what selectolax raises when lexbor fails
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
    fragments, ``mailto:``/``javascript:``, anything that is not http(s), and a link
    longer than ``urls.MAX_URL_CHARS``.
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
    url = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))
    return url if len(url) <= MAX_URL_CHARS else None


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
