"""Escaping of values that come from ICE's files, for every output, in one place.

Every agency name, county, URL or note in the store was written by someone else and is
treated as hostile: a spreadsheet cell that starts with ``=`` is a formula, a name with
``[x](javascript:...)`` is a link in Markdown, an ESC byte repaints a terminal. HTML is
escaped by Jinja2's autoescaping and XML by ElementTree; both still need
:func:`for_xml` for the characters XML cannot carry at all. And a character that shows
nothing (a right-to-left override, a zero-width space: ``common/invisible.py``) may hide
or reorder what follows it, so every output shows it as its code (``\u202e``), as it
shows a control character (``\x1b``); JSON escapes both (``\u202e``, ``\u009b``), which
any JSON reader reads back as the character.
"""

from __future__ import annotations

import json
import re
import unicodedata
from urllib.parse import urlsplit

from common.invisible import INVISIBLE, code_of

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(  # C0 but tab and newline, DEL, C1
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
# what JSON writes raw but a reader must not meet raw: DEL, C1, the invisible characters
_JSON_RAW = re.compile(f"[\x7f-\x9f]|{INVISIBLE.pattern}")
_NOT_XML = re.compile("[\ufffe\uffff]")  # no XML document holds these (nor C0: shown)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()|~&:$])")  # $: math on GitHub
_WWW = re.compile(r"(www)\.", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]@[\w-]+\.[\w-]")
_BACKTICKS = re.compile("`+")
_MARKDOWN_LEADING = re.compile(r"^(\d*)([#+\-.!>=)])")
# every control character, tab and line breaks included, and the Unicode line and
# paragraph separators: what a line of Markdown or a table cell cannot carry as itself
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"[^\S\x00-\x1f\x7f-\x9f\u2028\u2029]+")  # spaces but those coded
_CODES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def for_csv_cell(value: str) -> str:
    """A text cell that no spreadsheet runs as a formula and no terminal acts on: a
    value starting with ``= + - @``, a tab or a carriage return gets a leading
    apostrophe (OWASP's advice), and so does one that starts so once a spreadsheet
    trims its spaces or folds its wide forms (`` =1+1``, ``＝1+1``); control characters
    other than tab and newline are shown as ``\\xNN``, the invisible ones as their code."""
    value = _visible(value)
    return "'" + value if _formula(value) else value


def _formula(value: str) -> bool:
    if value.startswith(FORMULA_PREFIXES):
        return True
    first = value.lstrip()[:1]
    return bool(first) and unicodedata.normalize("NFKC", first).startswith(FORMULA_PREFIXES)


def for_markdown(value: str) -> str:
    """Literal text in Markdown: one line, every character with a Markdown meaning
    backslash-escaped (no link, emphasis, HTML or heading survives), and so the colon
    of a scheme and the dot of ``www.`` (GitHub links such text as written); a value
    holding an e-mail address is a code span (GitHub links an address however it is
    escaped). A run of spaces is one space.

    Principle: what Markdown cannot carry is shown as its escape code, never deleted
    (two values differing only by it would print the same): a line break, a carriage
    return or a tab as ``\\n``, ``\\r``, ``\\t``, another control character as
    ``\\xNN``, a line or paragraph separator and an invisible character as its code
    (``\\u2028``, ``\\u202e``)."""
    one_line = _SPACES.sub(" ", value).strip(" ")
    if _EMAIL.search(one_line):
        return _code_span(_line_coded(one_line))
    escaped = _WWW.sub(r"\1\\.", _MARKDOWN_SPECIAL.sub(r"\\\1", one_line))
    # codes after the escapes: a backslash before a letter is itself in Markdown
    return _line_coded(_MARKDOWN_LEADING.sub(r"\1\\\2", escaped))


def _line_coded(value: str) -> str:
    """Every control character, tab and line break included, and every line separator
    or invisible character shown as its code (``\\n``, ``\\t``, ``\\x1b``, ``\\u2028``)."""
    return _coded(_CONTROL_OR_BREAK.sub(lambda m: _code(m.group()), value))


def _code(char: str) -> str:
    point = ord(char)
    return _CODES.get(char) or (f"\\x{point:02x}" if point <= 0xFF else code_of(char))


def _code_span(text: str) -> str:
    """``text`` as a Markdown code span: fenced by one backtick more than its longest
    run of them, set off by a space when it starts or ends with one."""
    fence = "`" * (max(map(len, _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def for_terminal(value: str) -> str:
    """Text a terminal prints as it is, on one line and in one table cell: control
    characters (ESC and the rest) shown as ``\\xNN``, newlines, carriage returns and tabs
    as ``\\n``, ``\\r``, ``\\t`` (a tab would move what follows to the next stop,
    out of its column), instead of acting; invisible characters as their code
    (``\\u202e``)."""
    return _visible(value.translate(_LINE_TRANSLATION))


_LINE_TRANSLATION = str.maketrans(_CODES)


def for_terminal_text(value: str) -> str:
    """A whole message or table for a terminal: its lines and tabs kept, every other
    control character shown as ``\\xNN`` (ESC, BEL and OSC sequences never act), every
    invisible character as its code."""
    return _visible(value)


def for_json(text: str) -> str:
    """JSON text whose strings carry no DEL, C1 control character (JSON escapes C0
    itself; C1 bytes such as CSI act on some terminals) or invisible character raw:
    each written as its JSON escape (``\\u009b``, ``\\u202e``), read back as itself."""
    return _JSON_RAW.sub(lambda m: json.dumps(m.group())[1:-1], text)


def _visible(value: str) -> str:
    """Control characters shown as ``\\xNN``, invisible ones as their code."""
    return _coded(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value))


def _coded(value: str) -> str:
    return INVISIBLE.sub(lambda m: code_of(m.group()), value)


def for_xml(value: str) -> str:
    """Text for XML and HTML: what XML 1.0 cannot carry, and what HTML reads as an
    error (C0 and C1 control characters), shown as ``\\xNN``, invisible characters as
    their code, the two non-characters XML forbids dropped; the writer escapes the
    rest."""
    return _NOT_XML.sub("", _visible(value))


def safe_url(value: str | None) -> str | None:
    """A URL to link to only when it is plain http(s); anything else (``javascript:``,
    ``data:``, relative junk) gives None and is shown as text, not linked."""
    if not value:
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if _CONTROL.search(text) or INVISIBLE.search(text) or any(c in text for c in ' "<>`'):
        return None
    return text
