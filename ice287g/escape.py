"""Escaping of values that come from ICE's files, for every output, in one place.

Every agency name, county, URL or note in the store was written by someone else and is
treated as hostile: a spreadsheet cell that starts with ``=`` is a formula, a name with
``[x](javascript:...)`` is a link in Markdown, an ESC byte repaints a terminal. HTML is
escaped by Jinja2's autoescaping and XML by ElementTree; both still need
:func:`for_xml` to drop the characters XML cannot carry at all.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(  # C0 but tab and newline, DEL, C1
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
_C1 = re.compile("[\x7f-\x9f]")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()|~&])")
_MARKDOWN_LEADING = re.compile(r"^(\d*)([#+\-.!>=)])")
_WHITESPACE = re.compile(r"\s+")


def for_csv_cell(value: str) -> str:
    """A text cell that no spreadsheet runs as a formula and no terminal acts on: a
    value starting with ``= + - @``, a tab or a carriage return gets a leading
    apostrophe (OWASP's advice); control characters other than tab and newline are
    shown as ``\\xNN``."""
    value = _visible(value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def for_markdown(value: str) -> str:
    """Literal text in Markdown: one line, every character with a Markdown meaning
    backslash-escaped (no link, emphasis, HTML or heading survives)."""
    one_line = _WHITESPACE.sub(" ", _CONTROL.sub("", value)).strip()
    return _MARKDOWN_LEADING.sub(r"\1\\\2", _MARKDOWN_SPECIAL.sub(r"\\\1", one_line))


def for_terminal(value: str) -> str:
    """Text a terminal prints as it is: control characters (ESC and the rest) shown as
    ``\\xNN`` and newlines as ``\\n`` instead of acting."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value.replace("\n", "\\n"))


def for_terminal_text(value: str) -> str:
    """A whole message or table for a terminal: its lines and tabs kept, every other
    control character shown as ``\\xNN`` (ESC, BEL and OSC sequences never act)."""
    return _visible(value)


def for_json(text: str) -> str:
    """JSON text whose strings carry no C1 control character raw (JSON escapes C0
    itself; C1 bytes such as CSI act on some terminals), written as ``\\u00NN``."""
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _visible(value: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def for_xml(value: str) -> str:
    """Text XML 1.0 can carry (its forbidden control characters dropped); the XML
    writer escapes the rest."""
    return _XML_INVALID.sub("", value)


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
    if _CONTROL.search(text) or any(c in text for c in ' "<>`'):
        return None
    return text
