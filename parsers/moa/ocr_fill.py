"""OCR fill-in: pages without a text layer, and signature fields the text layer lost,
read from the page image."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from parsers.moa.dates import strict_date
from parsers.moa.fields import agency_of
from parsers.moa.records import SignatureBlock
from parsers.moa.signatures import (
    PARTY_RANK,
    TITLE_WORDS,
    Signed,
    signature_blocks,
    signing_top,
)
from parsers.moa.text import (
    COLUMN_SPLIT,
    HEAD_PAGES,
    TEXT_PAGE_CHARS,
    Document,
    Line,
    PageText,
    Word,
    check_rendered_size,
    read_page,
)
from parsers.ocr import Ocr, OcrWord

_OCR_MAX_PAGES = 24  # image pages read by OCR per document (MOAs run to 10-16 pages)


def with_ocr_pages(pdf: pdfium.PdfDocument, doc: Document, ocr: Ocr) -> Document:
    """The document with each page that lacks a text layer read by OCR instead.

    A page's own text (an e-signature overlay) is kept, and recognised words that
    overlap it are dropped, so typed overlay text is never replaced by a reading of it.
    """
    wanted = [p for p in doc.pages if len(p.text.strip()) < TEXT_PAGE_CHARS]
    wanted = wanted[:_OCR_MAX_PAGES]
    if not wanted:
        return doc
    images = [render_page(pdf, page.number - 1, ocr.dpi) for page in wanted]
    results = ocr.read([image or b"" for image in images])
    pages = list(doc.pages)
    for page, words in zip(wanted, results, strict=True):
        if words:
            own = read_page(pdf, page.number - 1, words_wanted=True)
            pages[page.number - 1] = _ocr_page(own, words, 72 / ocr.dpi)
    return Document(tuple(pages), doc.page_count, doc.title, doc.errors)


def ocr_head(pdf: pdfium.PdfDocument, doc: Document, ocr: Ocr) -> Document:
    """When the text layer names no agency (the name, or the whole Parties paragraph, is
    only an image on a page that has some text): the first pages read by OCR, their
    recognised text becoming their reading text (where the Parties clause is looked
    for first). The text layer itself is kept as it is."""
    if agency_of(doc)[0] is not None:
        return doc
    wanted = [p for p in doc.pages[:HEAD_PAGES] if not p.ocr]
    if not wanted:
        return doc
    images = [render_page(pdf, page.number - 1, ocr.dpi) or b"" for page in wanted]
    pages = list(doc.pages)
    for page, words in zip(wanted, ocr.read(images), strict=True):
        if words:
            pages[page.number - 1] = replace(page, reading=_ocr_text(words), reading_ocr=True)
    return replace(doc, pages=tuple(pages))


def render_page(
    pdf: pdfium.PdfDocument, index: int, dpi: int, crop: tuple[float, ...] = (0, 0, 0, 0)
) -> bytes | None:
    """The page (or a part: points cut from left, bottom, right, top) as a PGM image;
    None when it cannot be rendered, or is larger than paper (``check_rendered_size``)."""
    page = pdf[index]
    try:
        check_rendered_size(page, crop)
        bitmap = page.render(scale=dpi / 72, grayscale=True, crop=crop)
        out = io.BytesIO()
        bitmap.to_pil().convert("L").save(out, "PPM")
        return out.getvalue()
    except (pdfium.PdfiumError, OSError, ValueError):
        return None
    finally:
        page.close()


def _ocr_page(own: PageText, found: Sequence[OcrWord], scale: float) -> PageText:
    """A page's text-layer words plus the recognised words that do not overlap them."""
    words = [w for w in _scaled(found, scale) if not any(_overlap(w, o) for o in own.words)]
    text = "\n".join([own.text.strip(), _ocr_text(found)])
    return PageText(
        own.number, text.strip(), own.width, own.height, (*own.words, *words), True, own.text
    )


def _overlap(a: Word, b: Word) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.top < b.bottom and b.top < a.bottom


def ocr_missing_signers(
    pdf: pdfium.PdfDocument, page: PageText, signed: list[Signed], ocr: Ocr
) -> list[Signed]:
    """On a scanned signature page whose text layer lacks a signer's name or title, or
    a whole block (the scan's own recognition lost a column): the page read again by
    OCR alone, and only what was missing taken from that reading (a date only when it
    reads as a whole, clean date). Nothing the text layer gives is replaced."""
    if page.ocr or not _lacks_signer(signed) or not _is_scan(pdf, page.number - 1):
        return signed
    words = ocr.read([render_page(pdf, page.number - 1, ocr.dpi) or b""])[0]
    if not words:
        return signed
    alone = _ocr_only_page(page, words, 72 / ocr.dpi)
    filled = fill_signers(signed, signature_blocks(alone)[0])
    if {"agency", "ice"} <= {sig.party for sig, _block in filled}:
        return filled
    return fill_signers(filled, _reread_columns(pdf, alone, ocr))


def _reread_columns(pdf: pdfium.PdfDocument, page: PageText, ocr: Ocr) -> list[Signed]:
    """The signature region read again by OCR column by column, each as one block of
    text: a signer's column that the whole-page reading lost beside a signature stroke
    (the engine's page layout analysis drops it; a column alone reads as lines)."""
    top = signing_top(page.words)
    bottom, split = page.height * 0.9, page.width * COLUMN_SPLIT
    columns = ((0.0, split), (split, page.width))
    crops = [(left, page.height - bottom, page.width - right, top) for left, right in columns]
    images = [render_page(pdf, page.number - 1, ocr.dpi, crop) or b"" for crop in crops]
    scale = 72 / ocr.dpi
    words = [
        Word(
            w.text,
            x + w.left * scale,
            x + w.right * scale,
            top + w.top * scale,
            top + w.bottom * scale,
        )
        for (x, _right), found in zip(columns, ocr.read(images, True), strict=True)
        for w in found
    ]
    reread = replace(page, words=tuple(words), text=" ".join(w.text for w in words))
    return signature_blocks(reread)[0]


def _lacks_signer(signed: Sequence[Signed]) -> bool:
    parties = {sig.party for sig, _block in signed}
    gaps = any(sig.name is None or sig.title is None for sig, _block in signed)
    return gaps or not {"agency", "ice"} <= parties


def _is_scan(pdf: pdfium.PdfDocument, index: int) -> bool:
    """Whether an image covers most of the page (a scan, whose pixels may hold what its
    recognised text layer lost)."""
    page = pdf[index]
    try:
        area = page.get_width() * page.get_height()
        for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
            left, bottom, right, top = obj.get_bounds()
            if (right - left) * (top - bottom) >= 0.5 * area:
                return True
        return False
    except pdfium.PdfiumError:
        return False
    finally:
        page.close()


def _ocr_only_page(own: PageText, found: Sequence[OcrWord], scale: float) -> PageText:
    """The page as OCR alone reads it (its text layer set aside)."""
    words = tuple(_scaled(found, scale))
    return PageText(own.number, _ocr_text(found), own.width, own.height, words, True, own.text)


def _scaled(found: Sequence[OcrWord], scale: float) -> list[Word]:
    """Recognised words with their pixel boxes in points."""
    return [
        Word(w.text, w.left * scale, w.right * scale, w.top * scale, w.bottom * scale)
        for w in found
    ]


def _ocr_text(found: Sequence[OcrWord]) -> str:
    """Recognised words as text, a line of the engine's per line."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    for word in found:
        lines.setdefault(word.line, []).append(word.text)
    return "\n".join(" ".join(words) for words in lines.values())


def fill_signers(signed: list[Signed], reread: list[Signed]) -> list[Signed]:
    """``signed`` with its missing names and titles (and dates) taken from the same
    party's block in ``reread``, and the parties it lacks added from there."""
    out: list[Signed] = []
    names = {sig.name for sig, _block in signed if sig.name}
    for sig, block in signed:
        other = next((o for o, _b in reread if o.party == sig.party), None)
        out.append((_filled(sig, other, names) if other else sig, block))
    have = {sig.party for sig, _block in signed}
    out += [(_vetted(sig, names), block) for sig, block in reread if sig.party not in have]
    return sorted(out, key=lambda pair: PARTY_RANK[pair[0].party])


def _vetted(sig: SignatureBlock, names: set[str]) -> SignatureBlock:
    """A block read again by OCR, keeping a name only when no other block has it and a
    title only when it names an office (a hand-written one reads as noise)."""
    name = sig.name if sig.name not in names else None
    title = sig.title if sig.title and TITLE_WORDS.search(sig.title) else None
    return replace(sig, name=name, title=title)


def _filled(sig: SignatureBlock, other: SignatureBlock, names: set[str]) -> SignatureBlock:
    """``sig`` with what it lacks taken from ``other`` (vetted)."""
    other = _vetted(other, names)
    dated = sig.date is None and other.date is not None
    return replace(
        sig,
        name=sig.name or other.name,
        title=sig.title or other.title,
        date=other.date if dated else sig.date,
        date_raw=other.date_raw if dated else sig.date_raw,
        date_ocr=True if dated else sig.date_ocr,
    )


def ocr_missing_dates(
    pdf: pdfium.PdfDocument, page: PageText, signed: list[Signed], ocr: Ocr
) -> list[Signed]:
    """Signature blocks whose date the text layer lacks (typed under a signature
    image), with the date read by OCR from the image of the block's date field (or, when
    its label is lost too, of the line where the other column has its date), believed
    only when it reads as a whole, clean date (see :func:`strict_date`)."""
    if page.ocr:
        return signed
    lines = [block.field_line("date") for _sig, block in signed]
    known = next((line for line in lines if line is not None), None)
    missing = []
    for i, ((sig, block), own) in enumerate(zip(signed, lines, strict=True)):
        line = own or known
        if sig.date is None and line is not None:
            missing.append((i, _date_box(page, line, block.column, own is None)))
    if not missing:
        return signed
    images = [render_page(pdf, page.number - 1, ocr.dpi, box) or b"" for _i, box in missing]
    out = list(signed)
    for (i, _box), words in zip(missing, ocr.read(images, True), strict=True):
        found, raw = strict_date(" ".join(w.text for w in words))
        if found is not None:
            out[i] = (replace(out[i][0], date=found, date_raw=raw, date_ocr=True), out[i][1])
    return out


def _date_box(
    page: PageText, line: Line, column: int, whole_column: bool
) -> tuple[float, float, float, float]:
    """Crop margins (left, bottom, right, top, in points) around a date field's value:
    right of its label (or the whole column, at another column's date line), from a line
    above the label to just below it."""
    label, split = line.words[0], page.width * COLUMN_SPLIT
    height = max(label.bottom - label.top, 8.0)
    left, right = (0.0, split) if column == 0 else (split, page.width)
    if not whole_column:
        left = label.x1
    top, bottom = max(0.0, label.top - 1.5 * height), min(page.height, label.bottom + 0.6 * height)
    return (left, page.height - bottom, page.width - right, top)
