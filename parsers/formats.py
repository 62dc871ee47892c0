"""What a file is, from its first bytes: the one sniffer every intake and parser uses."""

from __future__ import annotations

SUFFIXES = {"xlsx": ".xlsx", "html": ".html", "pdf": ".pdf"}


def sniff(data: bytes) -> str:
    """``xlsx``, ``html``, ``pdf``, ``ole`` (legacy or encrypted Office), ``empty``, ``unknown``."""
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
    return "unknown"
