"""How much a PDF's compressed streams inflate to, bounded before PDFium reads them.

PDFium inflates a page's content streams whole to read its text, with no limit: a
3 MB file whose one content stream inflates to 3 GB took 53 s and 4.3 GB of memory.
A MOA's streams inflate to 0.3 to 1.4 MB in all (the 21 corpus MOAs; their scanned
pages are JPEG, which is not inflated), so a file whose Flate streams inflate past
:data:`MAX_INFLATED` is refused before PDFium opens it. Each stream is inflated here
piece by piece, its output counted and dropped, and the count stops at the limit:
the check costs at most the inflation of :data:`MAX_INFLATED` bytes, never their
memory. A stream that is not Flate (or is damaged) counts what it gave before its
error.
"""

from __future__ import annotations

import re
import zlib

MAX_INFLATED = 256 * 1024 * 1024
"""The most bytes a MOA's Flate streams may inflate to, in all (about 180 times the
most a corpus MOA's do: room for pages of pixels compressed losslessly)."""

_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_INPUT_PIECE = 1 << 16
_OUTPUT_PIECE = 1 << 20


def check_inflation(data: bytes, limit: int | None = None) -> None:
    """ValueError when the streams of ``data`` inflate to more than ``limit`` bytes
    (default :data:`MAX_INFLATED`)."""
    limit = MAX_INFLATED if limit is None else limit
    total = 0
    view = memoryview(data)
    for found in _STREAM.finditer(data):
        total += _inflated(view, found.end(), limit - total)
        if total > limit:
            raise ValueError(
                f"its compressed streams inflate to more than {limit // (1 << 20)} MB "
                "(a MOA's to a few): refusing"
            )


def _inflated(view: memoryview, start: int, budget: int) -> int:
    """The bytes the stream at ``start`` inflates to, counting stopped past ``budget``."""
    inflater, at, count = zlib.decompressobj(), start, 0
    try:
        while not inflater.eof and at < len(view) and count <= budget:
            pending: bytes | memoryview = view[at : at + _INPUT_PIECE]
            at += _INPUT_PIECE
            while pending and count <= budget and not inflater.eof:
                count += len(inflater.decompress(pending, _OUTPUT_PIECE))
                pending = inflater.unconsumed_tail
    except zlib.error:
        pass  # not Flate, or damaged: what it gave counts
    return count
