"""What a file is, from its first bytes: the one sniffer every intake and parser uses."""

from __future__ import annotations

import re

SUFFIXES = {"xlsx": ".xlsx", "html": ".html", "pdf": ".pdf", "csv": ".csv"}
TEXT_DELIMITERS = (b",", b"\t", b";")
_CONTROL = bytes(sorted(set(range(32)) - set(b"\t\n\r\f"))) + b"\x7f"


def sniff(data: bytes) -> str:
    """``xlsx``, ``html``, ``pdf``, ``ole`` (legacy or encrypted Office), ``csv`` (text,
    UTF-16 too when a byte-order mark says so, whose first 2 KB hold a comma, tab or
    semicolon), ``empty``, ``unknown``."""
    head = data[:2048].lstrip()
    if not head:
        return "empty"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    lowered = head.lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered:
        return "html"
    if b"<table" in lowered or b"<body" in lowered or b"<div" in lowered:
        return "html"
    if _is_delimited_text(head) or _is_delimited_text(utf16_text(data[:4096]).encode()):
        return "csv"
    return "unknown"


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def utf16_text(data: bytes) -> str:
    """The text of UTF-16 bytes that say so by their byte-order mark (as Excel's
    "Unicode Text" writes), else empty; a character cut at the end is dropped."""
    if not data.startswith(UTF16_BOMS):
        return ""
    return data.decode("utf-16", errors="ignore")


def _is_delimited_text(head: bytes) -> bool:
    """Text (:func:`is_text`) holding a delimiter."""
    return is_text(head) and any(delimiter in head for delimiter in TEXT_DELIMITERS)


_CONTROL_CHARS = dict.fromkeys(_CONTROL)  # the same, as str.translate deletes them


def is_text(data: bytes | str) -> bool:
    """Whether ``data`` (bytes, or text decoded) holds no control characters but tab,
    line breaks and form feed."""
    if isinstance(data, str):
        return len(data.translate(_CONTROL_CHARS)) == len(data)
    return len(data.translate(None, _CONTROL)) == len(data)


_LINEARIZED = re.compile(rb"/Linearized\s+[\d.]+\s*/L\s+(\d+)")
_ZIP_END = b"PK\x05\x06"
ZIP_END_REACH = 22 + 0xFFFF  # the end record and the longest comment it may carry


def cut_short(data: bytes) -> str | None:
    """Why a PDF or a zip (an XLSX) looks cut short, or None: a file of either holds
    its end where its readers look first. A PDF ends with ``%%EOF`` (within its last
    2 KB, as readers allow) and is no shorter than the length a linearized one declares
    (``/Linearized 1 /L 272483``); a zip ends with its central directory's end record
    (within its last 64 KB, its comment after it)."""
    kind = sniff(data)
    if kind == "pdf":
        declared = _LINEARIZED.search(data[:1024])
        if declared and int(declared[1]) > len(data):
            return f"truncated PDF ({len(data)} of {int(declared[1])} bytes)"
        if b"%%EOF" not in data[-2048:]:
            return "truncated PDF (no end-of-file marker)"
    if kind == "xlsx" and _ZIP_END not in data[-ZIP_END_REACH:]:
        return "truncated zip (no end of its central directory)"
    return None
