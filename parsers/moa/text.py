"""The text layer: pages, words with their boxes, lines; shifted-font decoding."""

from __future__ import annotations

import ctypes
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from types import MappingProxyType
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from parsers.moa.inflation import check_inflation
from parsers.normalize import clean_text

BY_SIGNING = re.compile(r"By\s*sign\w*\s+th\w*\s+MOA", re.I)
_SIG_PAGE = re.compile(r"By\s*sign\w*\s+th\w*\s+MOA|Digitally\s+signed", re.I)
_OVERLAY_PAGE = re.compile(r"Director|Sheriff|\b20\d\d\b", re.I)
_OVERLAY_CHARS = 400  # a page with less text than this may be a scan with an e-signature
_MAX_PAGES = 60  # MOAs run to 10-16 pages; anything far longer is not one
# The largest area of a page rendered to an image (square points): a tabloid sheet's,
# 11 by 17 inches, larger than any paper a MOA is printed on. A page can declare any
# size (200 inches square, and more with a user unit): rendered at 300 dpi, a page
# 111 inches square took PDFium 3.2 GB.
MAX_RENDERED_AREA = (11 * 72) * (17 * 72)
# The characters read of a page: a MOA page holds at most about 4,200 (the corpus's
# densest); a 20 KB PDF drew 2,000,000 on one page, 13 s and 430 MB to read.
MAX_PAGE_CHARS = 20_000
HEAD_PAGES = 2  # the Parties clause and the letterhead are on the first pages
COLUMN_SPLIT = 0.47  # signature blocks left of this share of the page width are column 0
_WORD_GAP = 0.45  # a horizontal gap wider than this many character heights splits words
_WORD_BREAKS = frozenset(" \t\r\u00a0\x00\ufffe")
_Char = tuple[str, float, float, float, float]  # character, left, right, top, bottom


@dataclass(frozen=True)
class Word:
    """A run of characters on one baseline, in points from the page's top-left."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class Line:
    """Words sharing a baseline, left to right."""

    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)


@dataclass(frozen=True)
class PageText:
    """One page: its plain text and, for signature-page candidates, positioned words."""

    number: int
    text: str
    width: float = 612.0
    height: float = 792.0
    words: tuple[Word, ...] = ()
    ocr: bool = False  # words were recognised from the rendered page...
    layer_text: str = ""  # ...beside this text from its text layer
    reading: str = ""  # the first pages: the text in position order (see with_reading)
    reading_ocr: bool = False  # ...recognised from the page's image (see ocr_fill.ocr_head)
    chars: int = 0  # the characters on the page (at most MAX_PAGE_CHARS are read)


@dataclass(frozen=True)
class Document:
    """The pages read (at most ``_MAX_PAGES``), the page count and the PDF title."""

    pages: tuple[PageText, ...]
    page_count: int = 0
    title: str = ""
    errors: tuple[str, ...] = ()

    @cached_property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)

    @cached_property
    def head(self) -> str:
        """The first pages' text in reading order (lines by position where known)."""
        return "\n".join(p.reading or p.text for p in self.pages[:HEAD_PAGES])

    @cached_property
    def vocabulary(self) -> Counter[str]:
        """How often each word occurs in the text (for mending recognition slips)."""
        return word_counts(self.text)


def open_pdf(data: bytes) -> tuple[pdfium.PdfDocument | None, str | None]:
    """The PDFium document, or None and a short reason."""
    try:
        check_inflation(data)
    except ValueError as exc:
        return None, str(exc)
    try:
        return pdfium.PdfDocument(data), None
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        reasons = {
            pdfium_c.FPDF_ERR_PASSWORD: "encrypted PDF (password required)",
            pdfium_c.FPDF_ERR_SECURITY: "encrypted PDF (unsupported security handler)",
        }
        return None, reasons.get(code, "damaged or truncated PDF")


def read_document(pdf: pdfium.PdfDocument) -> Document:
    """Every page's text; positioned words for pages that look like signature pages."""
    pages: list[PageText] = []
    bad: list[int] = []
    count = len(pdf)
    for index in range(min(count, _MAX_PAGES)):
        try:
            pages.append(read_page(pdf, index))
        except pdfium.PdfiumError:
            bad.append(index + 1)
            pages.append(PageText(index + 1, ""))
    errors = [f"{len(bad)} of {count} pages unreadable ({_page_list(bad)})"] if bad else []
    if long := [p.number for p in pages if p.chars > MAX_PAGE_CHARS]:
        errors.append(
            f"only the first {MAX_PAGE_CHARS:,} characters read of pages {_page_list(long)}"
        )
    if count > _MAX_PAGES:
        errors.append(f"only the first {_MAX_PAGES} of {count} pages read")
    return Document(tuple(pages), count, _metadata_title(pdf), tuple(errors))


def with_reading(pdf: pdfium.PdfDocument, doc: Document) -> Document:
    """The document with its first pages' text also in position order (a name typed
    into a form field is drawn after the paragraph around it, so the text layer gives
    it out of place)."""
    pages = list(doc.pages)
    for page in doc.pages[:HEAD_PAGES]:
        if not page.ocr and not page.reading:
            try:
                pages[page.number - 1] = read_page(pdf, page.number - 1, bool(page.words), True)
            except pdfium.PdfiumError:
                continue
    return replace(doc, pages=tuple(pages))


def _page_list(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:5])
    return shown + (", ..." if len(numbers) > 5 else "")


def check_rendered_size(page: pdfium.PdfPage, crop: tuple[float, ...] = (0, 0, 0, 0)) -> None:
    """ValueError when a page's region to be rendered (``crop``: points cut from left,
    bottom, right, top) is larger than ``MAX_RENDERED_AREA``: it is not rendered."""
    width, height = page.get_size()
    width, height = width - crop[0] - crop[2], height - crop[1] - crop[3]
    if width * height > MAX_RENDERED_AREA:
        raise ValueError(
            f"a page region of {width / 72:.0f} by {height / 72:.0f} inches: larger than "
            "any paper a MOA is printed on, not rendered"
        )


def read_page(
    pdf: pdfium.PdfDocument, index: int, words_wanted: bool = False, reading: bool = False
) -> PageText:
    """One page's text; its positioned words when wanted (or when it may be a signature
    page); with ``reading``, also its text in position order."""
    page = _load_flattened(pdf, index)
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            chars = textpage.count_chars()
            read = min(chars, MAX_PAGE_CHARS)
            text = textpage.get_text_range(0, read)
            words: tuple[Word, ...] = ()
            wanted = words_wanted or _wants_words(text)
            if wanted or reading:
                frame = _upright_frame(page, textpage, read) if read >= TEXT_PAGE_CHARS else None
                frame = frame or (0, width, height)  # a scan's overlay: placed as shown
                _turned, width, height = frame
                indexed = _indexed_text(textpage, text, read)
                words = tuple(_page_words(textpage, indexed, frame))
            ordered = reading_order(words) if reading else ""
            shown = words if wanted else ()
            return PageText(index + 1, text, width, height, shown, reading=ordered, chars=chars)
        finally:
            textpage.close()
    finally:
        page.close()


def _wants_words(text: str) -> bool:
    """Whether a page may hold signature blocks, so its words' positions are needed."""
    if _SIG_PAGE.search(text):
        return True
    return 0 < len(text.strip()) < _OVERLAY_CHARS and bool(_OVERLAY_PAGE.search(text))


def _load_flattened(pdf: pdfium.PdfDocument, index: int) -> pdfium.PdfPage:
    """The page, with form fields and signature widgets merged into its content.

    A digital signature's visible text (``Digitally signed by ... Date: 2020.06.09``)
    lives in a widget annotation that text extraction does not see until flattened.
    """
    page = pdf[index]
    raw = page.raw
    widgets = any(
        pdfium_c.FPDFAnnot_GetSubtype(annot) == pdfium_c.FPDF_ANNOT_WIDGET
        for annot in _annotations(raw)
    )
    if not widgets:
        return page
    if pdfium_c.FPDFPage_Flatten(raw, pdfium_c.FLAT_NORMALDISPLAY) != pdfium_c.FLATTEN_SUCCESS:
        return page
    page.close()
    return pdf[index]


def _annotations(raw_page: Any) -> Iterator[Any]:
    for i in range(pdfium_c.FPDFPage_GetAnnotCount(raw_page)):
        annot = pdfium_c.FPDFPage_GetAnnot(raw_page, i)
        if annot:
            try:
                yield annot
            finally:
                pdfium_c.FPDFPage_CloseAnnot(annot)


def _metadata_title(pdf: pdfium.PdfDocument) -> str:
    try:
        return clean_text(pdf.get_metadata_value("Title"))
    except (pdfium.PdfiumError, UnicodeDecodeError, ValueError):
        return ""


def _indexed_text(textpage: pdfium.PdfTextPage, text: str, count: int) -> str:
    """The text of the page's first ``count`` characters, exactly one character per
    PDFium character index (the extracted text drops some control characters, which
    shifted fonts produce)."""
    raw = textpage.raw
    if len(text) == count:
        return text
    return "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))


Frame = tuple[int, float, float]  # quarter turns of the text, the frame's width, height


def _upright_frame(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, count: int) -> Frame:
    """The frame in which the page's text stands upright: the quarter turns of most of
    its characters (text drawn sideways on a landscape sheet) and the width and height
    of the page turned so. Character boxes are given in the page's own space, whatever
    ``/Rotate`` it is shown with (a signature page set landscape by ``/Rotate 90`` kept
    its columns upright in its own space, and was split at the shown width)."""
    width, height = page.get_size()
    if page.get_rotation() % 180:
        width, height = height, width
    step = max(1, count // 200)
    turns = Counter(_turns(textpage, i) for i in range(0, count, step)).most_common(1)[0][0]
    return (turns, height, width) if turns % 2 else (turns, width, height)


def _turns(textpage: pdfium.PdfTextPage, index: int) -> int:
    """The quarter turns of a character's baseline, counted as PDFium counts them."""
    return round(math.degrees(pdfium_c.FPDFText_GetCharAngle(textpage.raw, index)) / 90) % 4


def _upright_box(box: Sequence[float], frame: Frame) -> tuple[float, float, float, float]:
    """A character's box (left, right, bottom, top in the page's space, from its
    bottom-left) as left, right, top, bottom in the upright frame, from its top-left."""
    left, right, bottom, top = box
    turns, width, height = frame
    if turns == 1:  # read downwards
        return width - top, width - bottom, height - right, height - left
    if turns == 2:
        return width - right, width - left, bottom, top
    if turns == 3:  # read upwards
        return bottom, top, left, right
    return left, right, height - top, height - bottom


def _page_words(textpage: pdfium.PdfTextPage, text: str, frame: Frame) -> Iterator[Word]:
    """Words with positions (top-left origin of the upright frame), split on spaces and
    wide gaps. On a page whose text is turned, characters at another angle (a footer
    drawn across the sideways page) are no part of its lines.

    ``text`` is the page's full text, one character per PDFium character index (the
    line breaks PDFium inserts are ``\r\n``; a lone ``\n`` is a real character).
    """
    raw = textpage.raw
    box = [ctypes.c_double() for _ in range(4)]
    refs = [ctypes.byref(b) for b in box]
    get_box = pdfium_c.FPDFText_GetCharBox
    chars: list[_Char] = []
    for i, char in enumerate(text):
        if (
            char in _WORD_BREAKS
            or (char == "\n" and i and text[i - 1] == "\r")
            or (frame[0] and _turns(textpage, i) != frame[0])
        ):
            yield from _chars_to_words(chars)
            chars = []
            continue
        get_box(raw, i, *refs)
        chars.append((char, *_upright_box([b.value for b in box], frame)))
    yield from _chars_to_words(chars)


def _chars_to_words(chars: Sequence[_Char]) -> Iterator[Word]:
    start = 0
    for i in range(1, len(chars) + 1):
        if i < len(chars) and not _breaks(chars[i - 1], chars[i]):
            continue
        run = chars[start:i]
        if run:
            yield Word(
                text="".join(c[0] for c in run),
                x0=min(c[1] for c in run),
                x1=max(c[2] for c in run),
                top=min(c[3] for c in run),
                bottom=max(c[4] for c in run),
            )
        start = i


def _breaks(a: _Char, b: _Char) -> bool:
    """Whether two consecutive characters belong to different words."""
    size = max(a[4] - a[3], b[4] - b[3], 1.0)
    if abs((a[3] + a[4]) / 2 - (b[3] + b[4]) / 2) > size * 0.6:
        return True
    return b[1] - a[2] > size * _WORD_GAP or b[2] < a[1] - size


def to_lines(words: Iterable[Word]) -> list[Line]:
    """Group words into lines by vertical overlap, top to bottom: a word joins the line
    above when its middle is within the tolerance of the line's mean middle."""
    rows: list[_Row] = []
    for word in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        middle = (word.top + word.bottom) / 2
        if not rows or abs(middle - rows[-1].middle()) > rows[-1].tolerance(word):
            rows.append(_Row())
        rows[-1].add(word, middle)
    return [Line(tuple(sorted(row.words, key=lambda w: w.x0))) for row in rows]


class _Row:
    """A line being grouped, with its words' middles summed and their least height kept
    as they join (recounting them for each word took a time quadratic in a line's words:
    minutes for one line of 30,000 characters)."""

    def __init__(self) -> None:
        self.words: list[Word] = []
        self.total = 0.0
        self.least = math.inf  # the least height above zero of its words

    def add(self, word: Word, middle: float) -> None:
        self.words.append(word)
        self.total += middle
        if word.bottom - word.top > 0:
            self.least = min(self.least, word.bottom - word.top)

    def middle(self) -> float:
        return self.total / len(self.words)

    def tolerance(self, word: Word) -> float:
        height = word.bottom - word.top
        least = min(self.least, height) if height > 0 else self.least
        return 2.0 if least == math.inf else max(2.0, 0.4 * least)


def reading_order(words: Iterable[Word]) -> str:
    """The words as text, line by line from the top, each line left to right."""
    return "\n".join(line.text for line in to_lines(words))


def word_counts(text: str) -> Counter[str]:
    """How often each word occurs in ``text`` (curly apostrophes as straight ones)."""
    return Counter(re.findall(r"[A-Za-z][A-Za-z']+", text.replace("\u2019", "'")))


TEXT_PAGE_CHARS = 200  # a page with less text than this has no text layer


_SHIFT_VOCAB = frozenset(
    ("signature", "name", "title", "date", "agency", "for", "the", "lea", "ice")
    + ("sheriff", "county", "office", "director")
)
_SHIFTED_NAME = re.compile(r"[A-Z]?[a-z]+(?:[ '.,:&-]+[A-Za-z][a-z]*)*[ :']*")


def _steps(text: str) -> tuple[int, ...]:
    """Differences between neighbouring code points: the same under any constant shift."""
    return tuple(ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False))


def _shift_forms() -> Mapping[tuple[int, ...], tuple[str, ...]]:
    forms: dict[tuple[int, ...], tuple[str, ...]] = {}
    for word in sorted(w for w in _SHIFT_VOCAB if len(w) >= 4):
        for form in (word, word.capitalize(), word.upper()):
            forms[_steps(form)] = (*forms.get(_steps(form), ()), form)
    return MappingProxyType(forms)


_SHIFT_FORMS = _shift_forms()
_SHIFT_LENGTHS = tuple(sorted({len(k) + 1 for k in _SHIFT_FORMS}))


def _shift(text: str, offset: int) -> str:
    return "".join(chr(ord(c) + offset) if 0 <= ord(c) + offset < 0x110000 else c for c in text)


def _vocab_hits(text: str) -> int:
    pieces = re.split(r"[^a-z]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", text).lower())
    return sum(1 for p in pieces if p in _SHIFT_VOCAB)


def _detect_shift(words: Sequence[Word]) -> int:
    """The code-point offset that turns this page's label words into English, or 0.

    A font without a usable ToUnicode map extracts as its glyph codes: ``6LJQDWXUH`` is
    ``Signature`` shifted by -29. A word votes for an offset when its first letters have
    the spacing of a signature-block word (``Signature``, ``Title``, ``Agency``, ...); the
    offset is accepted when at least three words agree on it.
    """
    votes: Counter[int] = Counter()
    for word in words:
        for length in _SHIFT_LENGTHS:
            head = word.text[:length]
            for form in _SHIFT_FORMS.get(_steps(head), ()) if len(head) == length else ():
                votes[ord(form[0]) - ord(head[0])] += 1
    votes.pop(0, None)
    offset, count = votes.most_common(1)[0] if votes else (0, 0)
    return offset if count >= 3 else 0


def _decode_word(text: str, offset: int) -> str | None:
    """The decoded text when ``text`` reads as shifted by ``offset``, else None."""
    if any(c.islower() for c in text):
        return None
    decoded = _shift(text, offset).replace("\x00", "")
    if set(decoded) <= {"_"} and len(decoded) >= 2:
        return decoded
    if _vocab_hits(decoded):
        return decoded
    if _SHIFTED_NAME.fullmatch(decoded) and re.search(r"[^A-Z]", text):
        return decoded
    return None


def unshift_words(words: Sequence[Word]) -> tuple[list[Word], bool]:
    """Decode shifted-font words where the page shows a consistent offset."""
    offset = _detect_shift(words)
    if not offset:
        return list(words), False
    out: list[Word] = []
    decoded_any = False
    for word in words:
        decoded = _decode_word(word.text, offset)
        if decoded is None:
            out.append(word)
            continue
        decoded_any = True
        for piece in re.sub(r"([a-z])([A-Z])", r"\1 \2", decoded).split():
            out.append(Word(piece, word.x0, word.x1, word.top, word.bottom))
    return out, decoded_any
