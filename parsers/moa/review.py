"""What a person must read on a MOA, and images of it to read from. Pure.

:func:`unread_fields` names the signature fields a record leaves empty (a signer's name,
title or date; a whole block when a party's block was not found), with the page they
are on; :func:`crop_png` renders the part of that page around the block as a PNG, so a
reviewer can read the value without opening the PDF.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium

from parsers.moa.inflation import check_inflation
from parsers.moa.records import PARTIES
from parsers.moa.text import check_rendered_size

ATTRIBUTES = ("name", "title", "date")
_MARGIN = (36.0, 54.0, 36.0)  # points added left of, above and right of a block
_BELOW = 110.0  # points shown below a block (a name and title under the signature line)
_REVIEW_DPI = 150


@dataclass(frozen=True)
class Unread:
    """One empty signature field: ``<party>.<attribute>``, its page and the block's box
    (left, top, right, bottom in points from the top-left; None: the block was not found)."""

    field: str
    page: int
    box: tuple[float, float, float, float] | None

    @property
    def party(self) -> str:
        return self.field.partition(".")[0]


def unread_fields(record: Mapping[str, Any]) -> list[Unread]:
    """The signature fields the record leaves empty (a reviewed value counts as read)."""
    signing = record.get("signature_page") or record.get("pages") or 1
    blocks: Sequence[Mapping[str, Any]] = record.get("signatures") or []
    parties = [*PARTIES, *(b["party"] for b in blocks if b.get("party") not in PARTIES)]
    found: list[Unread] = []
    for party in dict.fromkeys(parties):
        block = next((b for b in blocks if b.get("party") == party), {})
        box = tuple(block["box"]) if block.get("box") else None
        page = block.get("page") or signing  # a block on the page after the signing's
        for attribute in ATTRIBUTES:
            if not block.get(attribute):
                found.append(Unread(f"{party}.{attribute}", int(page), _box4(box)))
    return found


def _box4(box: tuple[Any, ...] | None) -> tuple[float, float, float, float] | None:
    if box is None or len(box) != 4:
        return None
    left, top, right, bottom = (float(v) for v in box)
    return left, top, right, bottom


def _region(
    box: tuple[float, float, float, float] | None, width: float, height: float
) -> tuple[float, float, float, float]:
    """The block's box widened to its half of the page and stretched below it (a block
    found from its date line alone still shows the signer's name and title under it)."""
    if box is None:
        return 0.0, 0.0, width, height
    left, top, right, bottom = box
    half = (0.0, width / 2) if (left + right) / 2 < width / 2 else (width / 2, width)
    return (
        max(0.0, min(left - _MARGIN[0], half[0])),
        max(0.0, top - _MARGIN[1]),
        min(width, max(right + _MARGIN[2], half[1])),
        min(height, bottom + _BELOW),
    )


def crop_png(
    data: bytes, page: int, box: tuple[float, float, float, float] | None, dpi: int = _REVIEW_DPI
) -> bytes:
    """The page (1-based) as a PNG: the region around ``box`` with a margin, or the
    whole page when the block's place is unknown. Raises
    ``pdfium.PdfiumError`` or ``ValueError`` for a PDF that cannot be rendered, or a
    region larger than paper (``text.check_rendered_size``)."""
    check_inflation(data)
    pdf = pdfium.PdfDocument(data)
    try:
        if not 1 <= page <= len(pdf):
            raise ValueError(f"no page {page} (the PDF has {len(pdf)})")
        pdf_page = pdf[page - 1]
        try:
            width, height = pdf_page.get_size()
            left, top, right, bottom = _region(box, width, height)
            crop = (left, height - bottom, width - right, top)
            check_rendered_size(pdf_page, crop)
            bitmap = pdf_page.render(scale=dpi / 72, crop=crop)
            out = io.BytesIO()
            bitmap.to_pil().save(out, "PNG")
            return out.getvalue()
        finally:
            pdf_page.close()
    finally:
        pdf.close()
