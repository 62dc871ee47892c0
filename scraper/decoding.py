"""A body's Content-Encoding undone with its size bounded while it decodes: any number
of gzip or deflate layers (``gzip, gzip``), last applied first, a compression bomb
costing at most the limit in memory; a stream stopped before its end is cut short
(``scraper/fetch.py`` reads every body through it)."""

from __future__ import annotations

import zlib

ENCODINGS = ("gzip", "x-gzip", "deflate", "identity")
ACCEPT_ENCODING = "gzip, deflate"


class StreamCut(Exception):
    """A compressed body whose stream stops before its end."""


class BodyTooLarge(Exception):
    """A layer of Content-Encoding decoded to more than the size limit."""


class _Layer:
    """One gzip or deflate layer, whose output is bounded while it is produced."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        gzip = encoding in ("gzip", "x-gzip")
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)
        self._raw_deflate_tried = gzip
        self.total = 0
        self.fed = 0  # bytes given to it (none: an empty body, no stream to end)

    def feed(self, data: bytes, limit: int) -> bytes:
        self.fed += len(data)
        try:
            out = self._bounded(data, limit)
        except zlib.error:
            if self._raw_deflate_tried or self.total:
                raise
            self._raw_deflate_tried = True  # deflate sent without its zlib header
            self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._bounded(data, limit)
        self.total += len(out)
        if self.total > limit:
            raise BodyTooLarge(f"{self.encoding} layer decodes to more")
        return out

    def _bounded(self, data: bytes, limit: int) -> bytes:
        room = limit - self.total + 1  # one byte past the limit is enough to know
        out = bytearray(self._inflate.decompress(data, room))
        while self._inflate.unconsumed_tail and len(out) < room:
            out += self._inflate.decompress(self._inflate.unconsumed_tail, room - len(out))
        if self._inflate.unconsumed_tail:
            raise BodyTooLarge(f"{self.encoding} layer decodes to more")
        return bytes(out)

    def finish(self, limit: int) -> bytes:
        if self.fed and not self._inflate.eof:  # its stream stopped before its end
            raise StreamCut(f"the {self.encoding} stream ends early")
        out = self._inflate.flush()
        self.total += len(out)
        if self.total > limit:
            raise BodyTooLarge(f"{self.encoding} layer decodes to more")
        return out


class BoundedDecoder:
    """Undoes a Content-Encoding of any number of gzip/deflate layers (``gzip, gzip``),
    last applied first, never holding more than ``limit`` decoded bytes per layer."""

    def __init__(self, header: str, limit: int) -> None:
        names = [n.strip().lower() for n in header.split(",") if n.strip()]
        self.unsupported = next((n for n in names if n not in ENCODINGS), None)
        coded = [n for n in names if n != "identity"]
        self.layers = [_Layer(n) for n in reversed(coded)]
        self.limit = limit
        self.total = 0

    def feed(self, chunk: bytes) -> bytes:
        for layer in self.layers:
            chunk = layer.feed(chunk, self.limit)
        return self._count(chunk)

    def finish(self) -> bytes:
        out = b""
        for index, layer in enumerate(self.layers):
            tail = layer.finish(self.limit)
            for later in self.layers[index + 1 :]:
                tail = later.feed(tail, self.limit)
            out += tail
        return self._count(out)

    def _count(self, data: bytes) -> bytes:
        self.total += len(data)
        if self.total > self.limit:
            raise BodyTooLarge(f"{self.total} bytes decoded")
        return data
