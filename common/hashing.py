"""The one canonical JSON form, and the stable ids hashed from it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
)  # one encoder, built once (json.dumps builds one per call when given options)


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and fixed separators: the one form we hash and export."""
    return _CANONICAL.encode(value)


def bounded(text: str, limit: int) -> str:
    """``text`` when it has at most ``limit`` characters, else its first characters and
    ``~`` and 16 hex digits of its sha256, ``limit`` in all: an id or a key made from
    what a file says fits the column that holds it (a database refuses a longer one),
    and distinct texts stay distinct."""
    if len(text) <= limit:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{text[: limit - 17]}~{digest}"


def short_hash(value: Any, length: int = 16) -> str:
    """A stable id: the first ``length`` hex digits of sha256(canonical_json(value))."""
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()[:length]
