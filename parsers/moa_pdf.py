"""Memorandum of Agreement (MOA) PDFs: bytes in, one :class:`MoaRecord` out.

ICE links a signed MOA PDF from each row of its 287(g) lists. They come from three
templates (Jail Enforcement Model, Warrant Service Officer, Task Force Model) revised
over the years, mostly as scans: some with a text layer made by scan recognition (noisy
around signature lines, hand-written dates lost), some with none at all but a line or
two of typed e-signature text, one with labels in a font whose characters extract
shifted by a constant code-point offset (``6LJQDWXUH`` for ``Signature``).

:func:`parse_moa` reads what the text layer holds and says where it found it:

- the model from the body (heading or template wording), else the PDF title metadata,
  else the file name or URL (``model_evidence``);
- the agency from the Parties paragraph (else the page footers), mended against the
  document's own repeated spellings (``Countv`` -> ``County`` from the footers);
- the state, ERO field office, template revision (``Revised MM/DD/YYYY`` footers, by
  majority over pages) and the signature blocks (party, name, title, date) from the
  signature page, read by position so that the two columns do not mix.

Hand-written values that the text layer does not hold are left ``None`` (with the
recognised text, if any, in ``date_raw``): the parser never guesses a date.

Pure and total: no network, no database, and it never raises; anything unreadable
(encrypted, truncated, not a PDF, no text) gives a record whose ``error`` says why,
holding whatever could be read. Text and character positions come from PDFium (via
pypdfium2, which pdfplumber itself depends on): the whole parse takes a small fraction
of the time pdfminer needs only to extract the text (see bench/bench_moa.py). PDFium is
not thread-safe: call this from one thread at a time per process. Given an OCR engine
(:mod:`parsers.ocr`), pages without a text layer are read from their images.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from difflib import SequenceMatcher
from functools import cached_property
from types import MappingProxyType
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from parsers.detect import sniff
from parsers.normalize import STATES, clean_text, parse_date, state_code
from parsers.ocr import Ocr, OcrWord

# Bump when a change to this module can change a record: the store re-parses archived
# documents whose cached record has another version.
PARSER_VERSION = "3"

# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class SignatureBlock:
    """One signatory's block on the signature page.

    ``party`` is ``agency`` (the law enforcement agency), ``ice`` or ``other`` (a third
    signatory such as a state attorney general or a town manager). ``date_raw`` keeps
    the text the date was read from, or the unreadable text found in the date field;
    ``date_ocr`` says the date was read by OCR from the page image.
    """

    party: str
    name: str | None = None
    title: str | None = None
    date: date | None = None
    date_raw: str | None = None
    date_ocr: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict, date as ISO text."""
        return {
            "party": self.party,
            "name": self.name,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "date_raw": self.date_raw,
            "date_ocr": self.date_ocr,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SignatureBlock:
        """Inverse of :meth:`to_dict`."""
        return cls(
            party=str(data["party"]),
            name=data.get("name"),
            title=data.get("title"),
            date=_iso(data.get("date")),
            date_raw=data.get("date_raw"),
            date_ocr=bool(data.get("date_ocr")),
        )


@dataclass(frozen=True)
class MoaRecord:
    """What one MOA PDF says, as far as its text layer tells.

    ``model_evidence`` is where the model was read: ``body`` (the document's heading or
    template wording), ``title`` (PDF metadata) or ``filename`` (the source name or URL).
    ``template_revision`` is the ISO date of the footer's ``Revised MM/DD/YYYY`` (the
    raw footer text when it is not a clean date). ``ice_signed`` and ``agency_signed``
    are the dates of the first ICE and agency signature blocks. ``has_text_layer`` is
    true when at least half of the pages carry text. ``is_addendum`` is true when the
    document itself is an addendum to an MOA (not an MOA with an addendum appended).
    ``signature_text`` is the raw text of the signature page(s), for audit.
    ``text_shift_decoded`` says a shifted-font text run was decoded. ``ocr_pages`` are
    the pages read by OCR because they carry no text layer.
    """

    sha256: str
    source: str = "<bytes>"
    url: str | None = None
    model: str | None = None
    model_evidence: str | None = None
    agency: str | None = None
    state: str | None = None
    field_office: str | None = None
    template_revision: str | None = None
    signatures: tuple[SignatureBlock, ...] = ()
    ice_signed: date | None = None
    agency_signed: date | None = None
    pages: int = 0
    has_text_layer: bool = False
    is_addendum: bool = False
    signature_text: str = ""
    error: str | None = None
    text_shift_decoded: bool = False
    ocr_pages: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict in field order, dates as ISO text."""
        return {
            "sha256": self.sha256,
            "source": self.source,
            "url": self.url,
            "model": self.model,
            "model_evidence": self.model_evidence,
            "agency": self.agency,
            "state": self.state,
            "field_office": self.field_office,
            "template_revision": self.template_revision,
            "signatures": [s.to_dict() for s in self.signatures],
            "ice_signed": self.ice_signed.isoformat() if self.ice_signed else None,
            "agency_signed": self.agency_signed.isoformat() if self.agency_signed else None,
            "pages": self.pages,
            "has_text_layer": self.has_text_layer,
            "is_addendum": self.is_addendum,
            "signature_text": self.signature_text,
            "error": self.error,
            "text_shift_decoded": self.text_shift_decoded,
            "ocr_pages": list(self.ocr_pages),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MoaRecord:
        """Inverse of :meth:`to_dict`."""
        values = dict(data)
        values["signatures"] = tuple(
            SignatureBlock.from_dict(s) for s in values.get("signatures") or ()
        )
        values["ice_signed"] = _iso(values.get("ice_signed"))
        values["agency_signed"] = _iso(values.get("agency_signed"))
        values["ocr_pages"] = tuple(values.get("ocr_pages") or ())
        return cls(**values)


def _iso(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


# --------------------------------------------------------------------------- text layer

_BY_SIGNING = re.compile(r"By\s*sign\w*\s+th\w*\s+MOA", re.I)
_SIG_PAGE = re.compile(r"By\s*sign\w*\s+th\w*\s+MOA|Digitally\s+signed", re.I)
_OVERLAY_PAGE = re.compile(r"Director|Sheriff|\b20\d\d\b", re.I)
_OVERLAY_CHARS = 400  # a page with less text than this may be a scan with an e-signature
_MAX_PAGES = 60  # MOAs run to 10-16 pages; anything far longer is not one
_COLUMN_SPLIT = 0.47  # signature blocks left of this share of the page width are column 0
_WORD_GAP = 0.45  # a horizontal gap wider than this many character heights splits words
_WORD_BREAKS = frozenset(" \t\r\u00a0\x00\ufffe")
_Char = tuple[str, float, float, float, float]  # character, left, right, top, bottom


@dataclass(frozen=True)
class _Word:
    """A run of characters on one baseline, in points from the page's top-left."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class _Line:
    """Words sharing a baseline, left to right."""

    words: tuple[_Word, ...]

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
class _PageText:
    """One page: its plain text and, for signature-page candidates, positioned words."""

    number: int
    text: str
    width: float = 612.0
    height: float = 792.0
    words: tuple[_Word, ...] = ()
    ocr: bool = False  # words were recognised from the rendered page...
    layer_text: str = ""  # ...beside this text from its text layer


@dataclass(frozen=True)
class _Document:
    """The pages read (at most ``_MAX_PAGES``), the page count and the PDF title."""

    pages: tuple[_PageText, ...]
    page_count: int = 0
    title: str = ""
    errors: tuple[str, ...] = ()

    @cached_property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)

    @cached_property
    def vocabulary(self) -> Counter[str]:
        """How often each word occurs in the text (for mending recognition slips)."""
        return word_counts(self.text)


def _open_pdf(data: bytes) -> tuple[pdfium.PdfDocument | None, str | None]:
    """The PDFium document, or None and a short reason."""
    try:
        return pdfium.PdfDocument(data), None
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        reasons = {
            pdfium_c.FPDF_ERR_PASSWORD: "encrypted PDF (password required)",
            pdfium_c.FPDF_ERR_SECURITY: "encrypted PDF (unsupported security handler)",
        }
        return None, reasons.get(code, "damaged or truncated PDF")


def _read_document(pdf: pdfium.PdfDocument) -> _Document:
    """Every page's text; positioned words for pages that look like signature pages."""
    pages: list[_PageText] = []
    bad: list[int] = []
    count = len(pdf)
    for index in range(min(count, _MAX_PAGES)):
        try:
            pages.append(_read_page(pdf, index))
        except pdfium.PdfiumError:
            bad.append(index + 1)
            pages.append(_PageText(index + 1, ""))
    errors = [f"{len(bad)} of {count} pages unreadable ({_page_list(bad)})"] if bad else []
    if count > _MAX_PAGES:
        errors.append(f"only the first {_MAX_PAGES} of {count} pages read")
    return _Document(tuple(pages), count, _metadata_title(pdf), tuple(errors))


def _page_list(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:5])
    return shown + (", ..." if len(numbers) > 5 else "")


def _read_page(pdf: pdfium.PdfDocument, index: int, words_wanted: bool = False) -> _PageText:
    page = _load_flattened(pdf, index)
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            words: tuple[_Word, ...] = ()
            if words_wanted or _wants_words(text):
                words = tuple(_page_words(textpage, _indexed_text(textpage, text), height))
            return _PageText(index + 1, text, width, height, words)
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


def _indexed_text(textpage: pdfium.PdfTextPage, text: str) -> str:
    """The page text with exactly one character per PDFium character index (the
    extracted text drops some control characters, which shifted fonts produce)."""
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    if len(text) == count:
        return text
    return "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))


def _page_words(textpage: pdfium.PdfTextPage, text: str, height: float) -> Iterator[_Word]:
    """Words with positions (top-left origin), split on spaces and wide gaps.

    ``text`` is the page's full text, one character per PDFium character index (the
    line breaks PDFium inserts are ``\r\n``; a lone ``\n`` is a real character).
    """
    raw = textpage.raw
    box = [ctypes.c_double() for _ in range(4)]
    refs = [ctypes.byref(b) for b in box]
    get_box = pdfium_c.FPDFText_GetCharBox
    chars: list[_Char] = []
    for i, char in enumerate(text):
        if char in _WORD_BREAKS or (char == "\n" and i and text[i - 1] == "\r"):
            yield from _chars_to_words(chars)
            chars = []
            continue
        get_box(raw, i, *refs)
        left, right, bottom, top = (b.value for b in box)
        chars.append((char, left, right, height - top, height - bottom))
    yield from _chars_to_words(chars)


def _chars_to_words(chars: Sequence[_Char]) -> Iterator[_Word]:
    start = 0
    for i in range(1, len(chars) + 1):
        if i < len(chars) and not _breaks(chars[i - 1], chars[i]):
            continue
        run = chars[start:i]
        if run:
            yield _Word(
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


def _lines(words: Iterable[_Word]) -> list[_Line]:
    """Group words into lines by vertical overlap, top to bottom."""
    rows: list[list[_Word]] = []
    for word in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        middle = (word.top + word.bottom) / 2
        if rows and abs(middle - _middle(rows[-1])) <= _tolerance(rows[-1], word):
            rows[-1].append(word)
        else:
            rows.append([word])
    return [_Line(tuple(sorted(row, key=lambda w: w.x0))) for row in rows]


def _middle(row: Sequence[_Word]) -> float:
    return sum((w.top + w.bottom) / 2 for w in row) / len(row)


def _tolerance(row: Sequence[_Word], word: _Word) -> float:
    heights = [h for h in (w.bottom - w.top for w in (*row, word)) if h > 0]
    return max(2.0, 0.4 * min(heights)) if heights else 2.0


# --------------------------------------------------------------------------- shifted fonts

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


def _detect_shift(words: Sequence[_Word]) -> int:
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


def _unshift_words(words: Sequence[_Word]) -> tuple[list[_Word], bool]:
    """Decode shifted-font words where the page shows a consistent offset."""
    offset = _detect_shift(words)
    if not offset:
        return list(words), False
    out: list[_Word] = []
    decoded_any = False
    for word in words:
        decoded = _decode_word(word.text, offset)
        if decoded is None:
            out.append(word)
            continue
        decoded_any = True
        for piece in re.sub(r"([a-z])([A-Z])", r"\1 \2", decoded).split():
            out.append(_Word(piece, word.x0, word.x1, word.top, word.bottom))
    return out, decoded_any


# --------------------------------------------------------------------------- dates

_MONTH = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?P<rest>[\d \t,._]{2,16})",
    re.I,
)
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTHS = tuple(name[:3].lower() for name in _MONTH_NAMES)
_DIGITAL = re.compile(r"(?<!\d)(20\d\d)[.\-](\d\d)[.\-](\d\d)(?!\d)")
_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?![\d/])")
_DATE_YEARS = range(2000, 2036)
_SPACED_CAPS = re.compile(r"\b[A-Z](?: +[A-Z]\b){2,}")


def find_date(text: str) -> tuple[date | None, str | None]:
    """A signature date in noisy scan-recognised text, and the text it was read from.

    Reads digital-signature stamps (``2020.06.09``), written dates (``February 26,
    2025``, ``OCT 1 5 2019``) and numeric ones (``04/16/2025``, ``4 / 2/ 202 5``,
    ``02/19/25``), in that order of preference, tolerating stray spaces and ``~``/``o``
    for zero inside numbers; years 2000-2035 only. Returns (None, None) rather than guess.
    """
    for reader in (_digital_date, _written_date, _numeric_date):
        found = reader(text)
        if found[0] is not None:
            return found
    return None, None


_STRICT_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(20\d\d)(?![\d/.-])")
_STRICT_WRITTEN = re.compile(r"\b([A-Z][a-z]{2,8})\s+(\d{1,2})(?:\s*[,.]\s*|\s+)(20\d\d)\b")


def strict_date(text: str) -> tuple[date | None, str | None]:
    """A date written cleanly in full (``04/14/2025``, ``March 5, 2020``, a digital
    stamp): what a date read by OCR must look like to be believed, since recognised
    hand-writing turns into plausible-looking wrong dates (``Marth 32020``)."""
    found = _digital_date(text)
    if found[0] is not None:
        return found
    for m in _STRICT_WRITTEN.finditer(text):
        month = _month_named(m[1])
        day = _plausible(int(m[3]), month, int(m[2])) if month else None
        if day:
            return day, m[0]
    for m in _STRICT_NUMERIC.finditer(text):
        day = _plausible(int(m[4]), int(m[1]), int(m[3]))
        if day:
            return day, m[0]
    return None, None


def _month_named(word: str) -> int | None:
    """The month a typed month name gives, allowing one recognition slip (``Marth``)."""
    if word in _MONTH_NAMES:
        return _MONTH_NAMES.index(word) + 1
    close = [
        number
        for number, name in enumerate(_MONTH_NAMES, 1)
        if len(name) >= 5
        and word[0] == name[0]
        and len(word) == len(name)
        and sum(a != b for a, b in zip(word, name, strict=True)) == 1
    ]
    return close[0] if len(close) == 1 else None


def _plausible(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    if year not in _DATE_YEARS:
        return None
    parsed, _flags = parse_date(f"{year:04d}-{month:02d}-{day:02d}")
    return parsed


def _digital_date(text: str) -> tuple[date | None, str | None]:
    for m in _DIGITAL.finditer(text):
        found = _plausible(int(m[1]), int(m[2]), int(m[3]))
        if found:
            return found, m[0]
    return None, None


def _written_date(text: str) -> tuple[date | None, str | None]:
    text = _SPACED_CAPS.sub(lambda m: m[0].replace(" ", ""), re.sub(r"_+", " ", text))
    for m in _MONTH.finditer(text):
        digits = re.sub(r"\D", "", m["rest"])
        if len(digits) not in (5, 6):
            continue
        month = _MONTHS.index(m[1].lower()) + 1
        found = _plausible(int(digits[-4:]), month, int(digits[:-4]))
        if found:
            return found, clean_text(m[0].replace("_", " ")).strip(" ,.")
    return None, None


def _numeric_date(text: str) -> tuple[date | None, str | None]:
    squeezed = re.sub(r"(?<=\d)[ \t]*[~oO][ \t]*(?=\d)", "0", text.replace("_", " "))
    squeezed = re.sub(r"(?<=[\d/])[ \t]+(?=[\d/])", "", squeezed)
    for m in _NUMERIC.finditer(squeezed):
        found = _plausible(int(m[3]), int(m[1]), int(m[2]))
        if found:
            return found, m[0]
    return None, None


# --------------------------------------------------------------------------- signature blocks

_LABELS = ("date", "signature", "name", "title", "agency")
_HEADER = re.compile(
    r"^[FJ]\S{0,4}?\s*(?:the\s+)?(?P<who>[A-Z][A-Za-z.&]*(?:\s+[A-Z][A-Za-z.&]*){0,3})"
    r"\s*[:;]\s*(?P<rest>.*)$"
)
_LAW_LINE = re.compile(r"allowed\s+by\s+law|extent\s+allowed|fullest\s+extent", re.I)
_ICE_WORDS = re.compile(
    r"Immigration\s*(?:and|&)\s*Customs|Removal\s+Operations|Homeland\s+Security|\bDHS\b|\bICE\b",
    re.I,
)
_ICE_TITLES = re.compile(
    r"Acting\s+Director|Associate\s+Director|Assistant\s+Director,?\s+Enforcement", re.I
)
_TITLE_WORDS = re.compile(
    r"\b(?:Sheriff|Undersheriff|Director|Secretary|Chief|Commissioner|Manager|Attorney"
    r"|Captain|Clerk|Mayor|Superintendent|Colonel|Marshal|Warden|Administrator)\b",
    re.I,
)
_ORG_END = re.compile(r"(?:Office|Department|Operations|Security|Corrections|Agency)\W*$", re.I)
_PERSON = re.compile(
    r"(?:[A-Z][a-z]+|[A-Z]\.(?:\s?[A-Z]\.)*)(?:\s+(?:[A-Z]\.|[A-Z][a-zA-Z'\-]+)){1,3}"
    r"(?:,?\s+(?:Jr\.?|Sr\.?|II|III|IV))?"
)
_DIGITAL_NAME = re.compile(r"Digitally\s+signed\s+by\s+([A-Z][A-Z.\s]+?)(?:\s+Date\b|$)")
_PARTY_RANK: Mapping[str, int] = MappingProxyType({"agency": 0, "ice": 1, "other": 2})


@dataclass
class _Field:
    """A labelled field of a block while it is being read (mutable, local to a parse)."""

    label: str
    line: _Line
    values: list[str] = field(default_factory=list)


@dataclass
class _RawBlock:
    """One signature block's lines, sorted into labelled fields (local to a parse)."""

    header: str | None = None
    header_rest: str = ""
    fields: list[_Field] = field(default_factory=list)
    free: list[str] = field(default_factory=list)
    column: int = 0

    def field_line(self, label: str) -> _Line | None:
        return next((f.line for f in self.fields if f.label == label), None)

    def values(self, label: str) -> list[str]:
        return [v for f in self.fields if f.label == label for v in f.values]

    def has(self, *labels: str) -> bool:
        return any(f.label in labels for f in self.fields)

    @property
    def text(self) -> str:
        parts = [self.header_rest, *self.free]
        parts += [v for f in self.fields for v in f.values]
        return "\n".join(p for p in parts if p)


_Signed = tuple[SignatureBlock, _RawBlock]


def _label_of(text: str) -> tuple[str | None, str]:
    """The field label a signature-block line starts with (OCR-tolerant) and the rest."""
    words = text.split()
    if not words:
        return None, ""
    for take in (1, 2):
        letters = re.sub(r"[^a-z]", "", " ".join(words[:take]).lower())
        label = _closest_label(letters)
        if label:
            tail = re.sub(r"^.*[A-Za-z]", "", words[take - 1])
            return label, " ".join([tail, *words[take:]]).strip()
        if len(letters) > 2:
            break
    return None, text


def _closest_label(letters: str) -> str | None:
    if len(letters) < 2:
        return None
    for label in _LABELS:
        ratio = SequenceMatcher(None, letters[: len(label) + 1], label).ratio()
        if ratio >= (0.66 if label == "date" else 0.75):
            return label
    return None


def _clean_value(text: str) -> str:
    """A field value without underline runs, stray marks and OCR debris at its ends."""
    text = re.sub(r"[_~=]+|-{2,}|\s-\s|[•·€°]", " ", text)
    text = re.sub(r"'\s+s\b", "'s", clean_text(text))
    return text.strip(" -:;,.|'\"\\/") + ("." if re.search(r"\b[A-Z]\.$", text.strip()) else "")


def _readable(text: str) -> bool:
    """Whether a value reads as words rather than recognition noise."""
    chars = [c for c in text if not c.isspace()]
    if not chars or not re.search(r"[A-Za-z]{2,}", text):
        return False
    if any(not (c.isalnum() or c in ".,'&-()") for c in chars):
        return False
    return not re.search(r"[a-z][A-Z]{2}|\d[a-zA-Z]|[a-zA-Z]\d|\.\.|^\W", text)


@dataclass(frozen=True)
class _Tagged:
    """A signature-region line with its header (``LEA``, ``ICE``, ...) or field label."""

    line: _Line
    header: str | None
    label: str | None
    rest: str

    @property
    def middle(self) -> float:
        return (self.line.top + self.line.bottom) / 2


def _tag(line: _Line) -> _Tagged:
    text = line.text
    header = _HEADER.match(text)
    if header and (_header_party(header["who"]) != "other" or len(text) < 40):
        return _Tagged(line, header["who"], None, header["rest"])
    label, rest = _label_of(text)
    return _Tagged(line, None, label, rest)


def _header_party(who: str) -> str:
    key = re.sub(r"[^A-Z]", "", who.upper())
    if key in ("LEA", "THELEA"):
        return "agency"
    if key in ("ICE", "DHS", "ICEDHS", "DHSICE"):
        return "ice"
    return "other"


def _column_blocks(lines: Sequence[_Line], column: int) -> list[_RawBlock]:
    """Split one column's lines into blocks and sort their lines into fields."""
    blocks: list[_RawBlock] = []
    pending: list[_Tagged] = []
    for tagged in (_tag(line) for line in lines):
        if not blocks or _starts_block(blocks[-1], tagged):
            _flush(blocks, pending)
            blocks.append(_RawBlock(column=column))
        if tagged.header:
            blocks[-1].header, blocks[-1].header_rest = tagged.header, _clean_value(tagged.rest)
        elif tagged.label:
            _add_field(blocks[-1], tagged, pending)
        elif _clean_value(tagged.rest):
            pending.append(tagged)
    _flush(blocks, pending)
    return [b for b in blocks if b.header or b.fields or b.free]


def _starts_block(block: _RawBlock, tagged: _Tagged) -> bool:
    if tagged.header:
        return True
    return tagged.label == "date" and block.has("signature", "name", "title", "agency")


def _add_field(block: _RawBlock, tagged: _Tagged, pending: list[_Tagged]) -> None:
    """Open a labelled field; a value line just above it (on the underline) is its value."""
    new = _Field(tagged.label or "", tagged.line)
    keep = clean_text if tagged.label == "date" else _clean_value
    rest = keep(tagged.rest)
    if _clean_value(rest):
        new.values.append(rest)
    for waiting in pending:
        if not new.values and 0 <= tagged.middle - waiting.middle <= 14 and waiting is pending[-1]:
            new.values.insert(0, keep(waiting.rest))
        else:
            _continue(block, waiting)
    pending.clear()
    block.fields.append(new)


def _continue(block: _RawBlock, tagged: _Tagged) -> None:
    """A line with no label: the next line of a multi-line value, or free text."""
    value = _clean_value(tagged.rest)
    last = block.fields[-1] if block.fields else None
    multi_line = last is not None and last.label in ("agency", "title")
    if last is not None and multi_line and tagged.line.top - last.line.bottom <= 30:
        last.values.append(value)
        last.line = tagged.line
    else:
        block.free.append(value)


def _flush(blocks: list[_RawBlock], pending: list[_Tagged]) -> None:
    if blocks:
        for waiting in pending:
            _continue(blocks[-1], waiting)
    pending.clear()


def _block_date(block: _RawBlock, strict: bool = False) -> tuple[date | None, str | None]:
    read = strict_date if strict else find_date
    labelled = "\n".join(block.values("date"))
    found, raw = read(labelled)
    if found is None:
        found, raw = read("\n".join([block.header_rest, *block.free]))
    if found is None and labelled and not block.has("name", "title"):
        found, raw = read(block.text)
    return found, raw if found else (_clean_value(labelled) or None)


def _person(text: str) -> str | None:
    """The text as a person's name, when it reads as one."""
    if not _readable(text) or _TITLE_WORDS.search(text) or _ORG_END.search(text):
        return None
    if _PERSON.fullmatch(text):
        return text
    if re.fullmatch(r"[A-Z]{2,}(?:\s+[A-Z]\.?)?\s+[A-Z]{2,}", text):
        return text.title()
    return None


def _block_name(block: _RawBlock) -> str | None:
    for value in [*block.values("name"), block.header_rest, *block.free]:
        name = _person(value)
        if name:
            return name
    signed = _DIGITAL_NAME.search(block.text)
    return _person(clean_text(signed[1])) if signed else None


def _block_title(block: _RawBlock) -> str | None:
    labelled = " ".join(block.values("title"))
    if labelled:
        return labelled if _readable(labelled) else None
    if block.has("title", "name", "agency"):
        return None
    return _free_title(block.free)


def _free_title(lines: Sequence[str]) -> str | None:
    """In a block without labels, the line naming the signer's office, with its tail."""
    for i, line in enumerate(lines):
        if _TITLE_WORDS.search(line) and not _ORG_END.search(line) and _readable(line):
            tail = [t for t in lines[i + 1 : i + 3] if re.match(r"(?:and|of|&)\b", t)]
            return " ".join([line, *tail])
    return None


def _block_party(block: _RawBlock, labelled: bool) -> str | None:
    """``agency``, ``ice`` or ``other`` from the header or the block's own words."""
    if block.header:
        return _header_party(block.header)
    text = block.text
    if _ICE_WORDS.search(" ".join(block.values("agency")) or text) or _ICE_TITLES.search(text):
        return "ice"
    return "other" if labelled else None


def _blocks_to_signatures(blocks: Sequence[_RawBlock], strict: bool) -> list[_Signed]:
    """Signature blocks in party order (agency, ice, other), each in reading order, with
    the raw block each was read from. ``strict``: the words came from OCR."""
    labelled = any(b.header for b in blocks)
    blocks = [b for b in blocks if _is_signature_block(b)]
    parties = [_block_party(b, labelled) for b in blocks]
    if None in parties:
        parties = _unlabelled_parties(blocks, parties)
    signed = [
        (SignatureBlock(party, _block_name(b), _block_title(b), *_block_date(b, strict)), b)
        for b, party in zip(blocks, parties, strict=True)
        if party
    ]
    return sorted(signed, key=lambda pair: _PARTY_RANK[pair[0].party])


def _mark_ocr_dates(signed: list[_Signed], layer_text: str) -> list[_Signed]:
    """On a page read by OCR: flag the dates that its text layer does not hold."""
    layer = re.sub(r"\s+", "", layer_text)
    return [
        (replace(s, date_ocr=True), b)
        if s.date and s.date_raw and re.sub(r"\s+", "", s.date_raw) not in layer
        else (s, b)
        for s, b in signed
    ]


def _is_signature_block(block: _RawBlock) -> bool:
    """A header or a field label, or at least a name, title or date: not stray text."""
    if block.header or block.fields:
        return True
    return bool(_block_name(block) or _block_title(block) or _block_date(block)[0])


def _unlabelled_parties(
    blocks: Sequence[_RawBlock], parties: Sequence[str | None]
) -> list[str | None]:
    """The 2019-2020 templates: no headers; ICE signs on the left, the agency right."""
    has_ice = "ice" in parties
    out: list[str | None] = []
    for block, party in zip(blocks, parties, strict=True):
        if party is None:
            party = "agency" if has_ice or block.column == 1 else "ice"
            has_ice = has_ice or party == "ice"
        out.append(party)
    return out


def _signature_blocks(page: _PageText) -> tuple[list[_Signed], bool]:
    """The signature blocks on a page (with their raw blocks), and whether shifted text
    was decoded."""
    words, decoded = _unshift_words(page.words)
    lines = _lines(words)
    start = max((ln.bottom for ln in lines if _LAW_LINE.search(ln.text)), default=0.0)
    region = [w for w in words if w.top >= start - 2 and w.bottom <= page.height * 0.9]
    split = page.width * _COLUMN_SPLIT
    blocks: list[_RawBlock] = []
    for column, in_column in enumerate(
        ([w for w in region if w.x0 < split], [w for w in region if w.x0 >= split])
    ):
        blocks += _column_blocks(_lines(in_column), column)
    signed = _blocks_to_signatures(blocks, page.ocr)
    return (_mark_ocr_dates(signed, page.layer_text) if page.ocr else signed), decoded


# --------------------------------------------------------------------------- model

_MODEL_NAMES = (
    ("JEM", re.compile(r"Jail\s+Enforcement\s+Model", re.I)),
    ("TFM", re.compile(r"Task\s+Force\s+Model", re.I)),
    ("WSO", re.compile(r"Warrant\s+Service\s+Officer", re.I)),
)
_MODEL_WORDING = (
    ("WSO", re.compile(r"facilitating\s+the\s+custodial\s+transfer", re.I)),
    ("JEM", re.compile(r"arrested\s+and\s+booked\s+into", re.I)),
    ("TFM", re.compile(r"\btask\s+forces?\b", re.I)),
)
_MODEL_TOKEN = re.compile(r"(?<![A-Z])(JEM|WSO|TFM|TFO|TF)(?![A-Za-z])")
_MODEL_WORDS = re.compile(r"Jail\s+Enforcement|Task\s+Force|Warrant\s+Service", re.I)


def _only(found: Iterable[str]) -> str | None:
    models = set(found)
    return models.pop() if len(models) == 1 else None


def model_from_body(text: str) -> str | None:
    """The model an MOA's own text names (heading), else the one its wording belongs to."""
    named = _only(m for m, rx in _MODEL_NAMES if rx.search(text))
    if named:
        return named
    return _only(m for m, rx in _MODEL_WORDING if rx.search(text))


def model_from_label(text: str) -> str | None:
    """The model a PDF title or a file name gives (``287(g) MOA TF - ...``, ``287gJEM_``)."""
    tokens = {"TF": "TFM", "TFO": "TFM"}
    found = [tokens.get(t, t) for t in _MODEL_TOKEN.findall(text)]
    for words in _MODEL_WORDS.findall(text):
        found.append({"j": "JEM", "t": "TFM", "w": "WSO"}[words[0].lower()])
    return _only(found)


def _model(doc: _Document, names: Sequence[str]) -> tuple[str | None, str | None]:
    body = model_from_body(doc.text)
    if body:
        return body, "body"
    title = model_from_label(doc.title)
    if title:
        return title, "title"
    for name in names:
        found = model_from_label(name)
        if found:
            return found, "filename"
    return None, None


# --------------------------------------------------------------------------- agency, state

_PARTIES = (
    re.compile(
        r"Homeland\s+Security\s*[({]\s*\w+\s*[)}]\s*,?\s*and\s+(?:the\s*)?(?P<name>.{3,120}?)"
        r"\s*(?:[({]|,?\s*here\s*in\s*after|,?\s*pursuant|,?\s*under\s+the\s+juris)",
        re.S,
    ),
    re.compile(r"employees\s+of\s+the\s+(?P<name>.{3,100}?)\s*[({]\s*here\s*in\s*after", re.S),
    re.compile(r"LEA\s+represents\s+(?:the\s+)?(?P<name>.{3,100}?)\s+in\s+the\s+implement", re.S),
)
_AGENCY_WORDS = re.compile(
    r"Sheriff|Police|Department|Bureau|Patrol|Corrections|Office|Marshal|Constable|Jail"
    r"|Public\s+Safety|Highway|Commission|Authority|Detention",
    re.I,
)
_STATE_SUFFIX = re.compile(r"(?:,\s*|\s+)(?P<code>[A-Z]{2})\.?\s*$")
_STATE_INSIDE = re.compile(r",\s*(?P<code>[A-Z]{2})\s*,?\s+(?=[A-Z])")
_FOOTER_NOISE = re.compile(r"\bRev\w*\s*\S*\d\S*|\b\d{1,3}\b|[\s.,]+$")


def _agency(doc: _Document) -> tuple[str | None, str | None]:
    """The agency as the Parties paragraph names it, and a state code it carries."""
    footers = [_split_state(_tidy_name(f))[0] for f in _footer_candidates(doc)]
    for raw in _party_candidates(doc) + footers:
        name, state = _split_state(_tidy_name(raw))
        if _good_name(name):
            name = _closest(name, footers + _capitalised_spellings(name, doc.text))
            return _repair_words(name, doc.vocabulary), state
    return None, None


_SMALL_WORDS = frozenset({"of", "the", "and", "for", "de", "del"})


def _capitalised_spellings(name: str, text: str) -> list[str]:
    """When a recognised name is not capitalised as a name (``St Lucie County sheri's
    office``), the capitalised spellings of it elsewhere in the document, commonest
    first (``St. Lucie County Sheriff's Office`` from the appendix)."""
    words = name.split()
    if all(w[0].isupper() or w in _SMALL_WORDS for w in words):
        return []
    first = re.escape(words[0].rstrip("."))
    pattern = rf"\b{first}\.?(?:[ \t]+[A-Za-z][\w'\u2019.]*){{{len(words) - 1}}}"
    found = Counter(
        clean_text(m[0]).replace("\u2019", "'")
        for m in re.finditer(pattern, text)
        if all(w[0].isupper() or w in _SMALL_WORDS for w in m[0].split())
    )
    return [f for f, _n in found.most_common()]


def _closest(name: str, spellings: Sequence[str]) -> str:
    """The page footers' spelling of a name when they repeat it (footers are typed once
    and scanned many times, so their commonest reading beats one recognised paragraph)."""
    for spelling in spellings:
        if _good_name(spelling) and SequenceMatcher(None, name, spelling).ratio() >= 0.85:
            return spelling
    return name


def _party_candidates(doc: _Document) -> list[str]:
    head = clean_text(" ".join(p.text for p in doc.pages[:2]))
    found: list[str] = []
    for pattern in _PARTIES:
        found += [m["name"] for m in pattern.finditer(head)]
    return [f for f in found if _AGENCY_WORDS.search(f) and not re.match(r"State\s+of", f)]


def _footer_candidates(doc: _Document) -> list[str]:
    """Lines repeated as page footers (``Ellis County Sheriffs Office 7 Revised ...``)."""
    counts: Counter[str] = Counter()
    for page in doc.pages:
        lines = [ln for ln in page.text.splitlines() if ln.strip()]
        for line in {_FOOTER_NOISE.sub("", clean_text(ln)).strip() for ln in lines[-4:]}:
            if _AGENCY_WORDS.search(line) and len(line) < 80:
                counts[line] += 1
    return [line for line, n in counts.most_common() if n >= 2]


def _tidy_name(raw: str) -> str:
    name = clean_text(raw).strip(" ,.;:'\"")
    name = re.sub(r"^the\s+", "", name, flags=re.I)
    return re.sub(r"\s+,", ",", name)


def _split_state(name: str) -> tuple[str, str | None]:
    """``Lake City Police Department, FL`` -> (name, ``FL``); also ``Nash County, NC ...``."""
    for pattern in (_STATE_SUFFIX, _STATE_INSIDE):
        m = pattern.search(name)
        if m and m["code"] in STATES.values():
            rest = (name[: m.start()] + " " + name[m.end() :]).strip(" ,")
            return re.sub(r"\s+", " ", rest), m["code"]
    return name, None


def _good_name(name: str) -> bool:
    return (
        len(name.split()) >= 2
        and bool(_AGENCY_WORDS.search(name))
        and not re.search(r"[^A-Za-z0-9 .,'&()\-]", name)
        and not re.search(r"[a-z]\d|\d[a-z]", name)
    )


def word_counts(text: str) -> Counter[str]:
    """How often each word occurs in ``text`` (curly apostrophes as straight ones)."""
    return Counter(re.findall(r"[A-Za-z][A-Za-z']+", text.replace("\u2019", "'")))


def _repair_words(name: str, vocabulary: Counter[str]) -> str:
    """Mend recognition slips (``Countv``, ``Wlnkler``) from the document's own spellings."""
    words = [_repair_word(w, vocabulary) for w in name.split()]
    repaired = " ".join(words)
    return re.sub(r"\bSheriffs\b(?=\s+Office)", "Sheriff's", repaired)


def _repair_word(word: str, vocabulary: Counter[str]) -> str:
    own = vocabulary[word]
    known = _AGENCY_WORDS.fullmatch(re.sub(r"'s$", "", word))
    if own > 1 or known or word.lower() in ("county", "city", "state"):
        return word
    best, best_count = word, own
    for other, count in vocabulary.items():
        frequent = count >= max(3, 3 * own) and count > best_count and other[0] == word[0]
        if frequent and SequenceMatcher(None, word, other).ratio() >= 0.8:
            best, best_count = other, count
    return best


# Words of signers' offices, for mending titles clipped or split by a signature stroke.
_OFFICE_WORDS = frozenset(
    [
        "Acting",
        "Assistant",
        "Associate",
        "Attorney",
        "Chief",
        "Commissioner",
        "Corrections",
        "County",
        "Deputy",
        "Director",
        "Enforcement",
        "Executive",
        "General",
        "Interim",
        "Manager",
        "Operations",
        "Police",
        "Removal",
        "Safety",
        "Secretary",
        "Sheriff",
        "Superintendent",
        "Undersheriff",
    ]
)


def repair_title(title: str | None, vocabulary: Counter[str]) -> str | None:
    """A title with recognition slips mended: a clipped first word (``ecutive``), words
    run together (``xecutiveAssociate``) or split (``Swee ater``), from the office words
    and the document's own frequent spellings (``vocabulary``: :func:`word_counts`)."""
    if not title:
        return title
    known = _OFFICE_WORDS | {w for w, n in vocabulary.items() if n >= 3 and w[0].isupper()}
    words = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", title).split()
    words = _join_split_words(words, known)
    mended = [_unclip(word, known) if i == 0 else word for i, word in enumerate(words)]
    if not mended or mended[0] not in known:
        return title  # not recognisably an office: left as read
    return " ".join(mended)


def _join_split_words(words: list[str], known: frozenset[str] | set[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        if out and out[-1] not in known and word not in known:
            joined = _closest_known(out[-1] + word, known)
            if joined:
                out[-1] = joined
                continue
        out.append(word)
    return out


def _closest_known(word: str, known: frozenset[str] | set[str]) -> str | None:
    best = max(known, key=lambda k: SequenceMatcher(None, word, k).ratio(), default=None)
    if best and best[0] == word[0] and SequenceMatcher(None, word, best).ratio() >= 0.85:
        return best
    return None


def _unclip(word: str, known: frozenset[str] | set[str]) -> str:
    """A first word whose first letters a signature hid, when exactly one office word
    ends with it."""
    if word in known or len(word) < 4 or not word[0].islower():
        return word
    whole = [k for k in _OFFICE_WORDS if k.lower().endswith(word.lower()) and k != word]
    return whole[0] if len(whole) == 1 else word


_ADDRESS = re.compile(
    r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)*,\s*(?P<code>[A-Z]{2})\.?(?=\s+\d{5}|\s+Sub\b)"
)
_STATE_NAMED = re.compile(r"\b(?P<name>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?),?\s+(?:\d{5}\b|$)")
_LEA_POC = re.compile(
    r"For\s+the\s+(?!ICE)[^:\n]{2,60}:(?P<body>.{0,400}?)(?=For\s+(?:ICE|DHS)|$)", re.S
)
_NAME_TOKENS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_AGENCY_ABBREVIATIONS = ("DOC", "DPS", "SO", "PD", "SP", "HP", "DOCS")


def _state(doc: _Document, agency: str | None, names: Sequence[str]) -> str | None:
    """The agency's state: from its name, its own contact address, the file name or title,
    else the addresses the document gives (ICE's Washington, DC address excluded)."""
    for found in (
        _state_in_name(agency or ""),
        _state_in_poc(doc.text),
        *(_state_in_filename(n) for n in names),
        _state_in_label(doc.title),
        _state_in_addresses(doc.text),
    ):
        if found:
            return found
    return None


def _state_in_name(name: str) -> str | None:
    for state, code in STATES.items():
        title = state.title()
        if re.match(rf"{title}\s+(?!County)", name) or re.search(rf"\bCounty,?\s+{title}\b", name):
            return code
    return None


def _state_in_poc(text: str) -> str | None:
    for m in _LEA_POC.finditer(text):
        body = m["body"]
        codes = [a["code"] for a in _ADDRESS.finditer(body) if a["code"] in STATES.values()]
        codes += [c for c in (state_code(s["name"]) for s in _STATE_NAMED.finditer(body)) if c]
        codes += [c for c in (_state_in_name(ln) for ln in body.splitlines()) if c]
        codes = [c for c in codes if c != "DC"]
        if codes:
            return codes[0]
    return None


def _state_in_filename(name: str) -> str | None:
    """``CecilCoMD2020``, ``FL_DOC_FL``, ``WinklerCoSO_TX_TFM``, ``VADOC`` -> the code."""
    stem = re.sub(r"\.pdf$", "", name.rsplit("/", 1)[-1], flags=re.I)
    for token in _NAME_TOKENS.findall(stem):
        if token in STATES.values() and token != "DC":
            return token
        if token[:2] in STATES.values() and token[2:] in _AGENCY_ABBREVIATIONS:
            return token[:2]
    return None


def _state_in_label(title: str) -> str | None:
    m = re.search(r",\s*([A-Z]{2})\b", title)
    return m[1] if m and m[1] in STATES.values() and m[1] != "DC" else None


def _state_in_addresses(text: str) -> str | None:
    codes = [m["code"] for m in _ADDRESS.finditer(text) if m["code"] in STATES.values()]
    counts = Counter(c for c in codes if c != "DC")
    return counts.most_common(1)[0][0] if counts else None


# --------------------------------------------------------------------------- field office

# ICE Enforcement and Removal Operations field offices, by their three-letter codes.
FIELD_OFFICES: Mapping[str, str] = MappingProxyType({
    "ATL": "Atlanta", "BAL": "Baltimore", "BOS": "Boston", "BUF": "Buffalo",
    "CHI": "Chicago", "DAL": "Dallas", "DEN": "Denver", "DET": "Detroit",
    "ELP": "El Paso", "HLG": "Harlingen", "HOU": "Houston", "LOS": "Los Angeles",
    "MIA": "Miami", "NEW": "Newark", "NOL": "New Orleans", "NYC": "New York City",
    "PHI": "Philadelphia", "PHO": "Phoenix", "SEA": "Seattle", "SFR": "San Francisco",
    "SLC": "Salt Lake City", "SNA": "San Antonio", "SND": "San Diego", "SPM": "St. Paul",
    "WAS": "Washington",
})  # fmt: skip
_FIELD_OFFICE = re.compile(
    r"Field\s+Office(?P<director>\s+Director)?|(?<=\w)\s*(?-i:ER)[Oo]\b", re.I
)
_BEFORE_OFFICE = re.compile(r"(?P<city>[A-Za-z][A-Za-z .]{1,30}?),?\s*$")


def _field_office(text: str) -> str | None:
    """The ERO field office named in the points of contact (``For DHS: Miami Field Office
    Director``, ``NOL Field Office Director``), else one the text names as a field office
    (``OPLA field location at Miami Field Office``, ``Miami ERO``)."""
    squeezed = re.sub(r"_+", "", text)
    found: list[tuple[int, str]] = []
    for m in _FIELD_OFFICE.finditer(squeezed):
        before = _BEFORE_OFFICE.search(squeezed[max(0, m.start() - 32) : m.start()])
        office = _office_name(before["city"]) if before else None
        if office:
            found.append((0 if m["director"] else 1, office))
    return min(found, key=lambda f: f[0])[1] if found else None


def _office_name(before: str) -> str | None:
    """The field office whose name (or ERO code) ends the text before ``Field Office``."""
    words = before.split()
    for size in (3, 2, 1):
        tail = " ".join(words[-size:]).strip(" .,")
        if tail.upper() in FIELD_OFFICES and len(words[-1]) == 3:
            return FIELD_OFFICES[tail.upper()]
        for name in FIELD_OFFICES.values():
            if tail.lower() == name.lower() or (size == 1 and tail.lower().endswith(name.lower())):
                return name
    return None


# --------------------------------------------------------------------------- footer revision

_REVISED_RAW = re.compile(r"\bRevised\s*:?\s*\d[\d/ .\-]{4,12}\d")
_REVISED = re.compile(r"\bRe\s?v\w{0,6}\s*:?\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4}|\d{2})\b")


def _template_revision(doc: _Document) -> str | None:
    """The ``Revised MM/DD/YYYY`` footer date, by majority over pages, as ISO text; the
    footer's own text when no page gives a clean date."""
    votes: Counter[str] = Counter()
    for page in doc.pages:
        for m in _REVISED.finditer(page.text):
            found = _plausible(int(m[3]), int(m[1]), int(m[2]))
            if found:
                votes[found.isoformat()] += 1
                break
    if votes:
        return votes.most_common(1)[0][0]
    raw = _REVISED_RAW.search(doc.text)
    return clean_text(raw[0]) if raw else None


# --------------------------------------------------------------------------- OCR

_OCR_MAX_PAGES = 24  # image pages read by OCR per document (MOAs run to 10-16 pages)


def with_ocr_pages(pdf: pdfium.PdfDocument, doc: _Document, ocr: Ocr) -> _Document:
    """The document with each page that lacks a text layer read by OCR instead.

    A page's own text (an e-signature overlay) is kept, and recognised words that
    overlap it are dropped, so typed overlay text is never replaced by a reading of it.
    """
    wanted = [p for p in doc.pages if len(p.text.strip()) < _TEXT_PAGE_CHARS]
    wanted = wanted[:_OCR_MAX_PAGES]
    if not wanted:
        return doc
    images = [_render(pdf, page.number - 1, ocr.dpi) for page in wanted]
    results = ocr.read([image or b"" for image in images])
    pages = list(doc.pages)
    for page, words in zip(wanted, results, strict=True):
        if words:
            own = _read_page(pdf, page.number - 1, words_wanted=True)
            pages[page.number - 1] = _ocr_page(own, words, 72 / ocr.dpi)
    return _Document(tuple(pages), doc.page_count, doc.title, doc.errors)


def _render(
    pdf: pdfium.PdfDocument, index: int, dpi: int, crop: tuple[float, ...] = (0, 0, 0, 0)
) -> bytes | None:
    """The page (or a part: points cut from left, bottom, right, top) as a PGM image."""
    page = pdf[index]
    try:
        bitmap = page.render(scale=dpi / 72, grayscale=True, crop=crop)
        out = io.BytesIO()
        bitmap.to_pil().convert("L").save(out, "PPM")
        return out.getvalue()
    except (pdfium.PdfiumError, OSError, ValueError):
        return None
    finally:
        page.close()


def _ocr_page(own: _PageText, found: Sequence[OcrWord], scale: float) -> _PageText:
    """A page's text-layer words plus the recognised words that do not overlap them."""
    words = [w for w in _scaled(found, scale) if not any(_overlap(w, o) for o in own.words)]
    text = "\n".join([own.text.strip(), _ocr_text(found)])
    return _PageText(
        own.number, text.strip(), own.width, own.height, (*own.words, *words), True, own.text
    )


def _overlap(a: _Word, b: _Word) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.top < b.bottom and b.top < a.bottom


def ocr_missing_signers(
    pdf: pdfium.PdfDocument, page: _PageText, signed: list[_Signed], ocr: Ocr
) -> list[_Signed]:
    """On a scanned signature page whose text layer lacks a signer's name or title, or
    a whole block (the scan's own recognition lost a column): the page read again by
    OCR alone, and only what was missing taken from that reading (a date only when it
    reads as a whole, clean date). Nothing the text layer gives is replaced."""
    if page.ocr or not _lacks_signer(signed) or not _is_scan(pdf, page.number - 1):
        return signed
    words = ocr.read([_render(pdf, page.number - 1, ocr.dpi) or b""])[0]
    if not words:
        return signed
    reread, _decoded = _signature_blocks(_ocr_only_page(page, words, 72 / ocr.dpi))
    return fill_signers(signed, reread)


def _lacks_signer(signed: Sequence[_Signed]) -> bool:
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


def _ocr_only_page(own: _PageText, found: Sequence[OcrWord], scale: float) -> _PageText:
    """The page as OCR alone reads it (its text layer set aside)."""
    words = tuple(_scaled(found, scale))
    return _PageText(own.number, _ocr_text(found), own.width, own.height, words, True, own.text)


def _scaled(found: Sequence[OcrWord], scale: float) -> list[_Word]:
    """Recognised words with their pixel boxes in points."""
    return [
        _Word(w.text, w.left * scale, w.right * scale, w.top * scale, w.bottom * scale)
        for w in found
    ]


def _ocr_text(found: Sequence[OcrWord]) -> str:
    """Recognised words as text, a line of the engine's per line."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    for word in found:
        lines.setdefault(word.line, []).append(word.text)
    return "\n".join(" ".join(words) for words in lines.values())


def fill_signers(signed: list[_Signed], reread: list[_Signed]) -> list[_Signed]:
    """``signed`` with its missing names and titles (and dates) taken from the same
    party's block in ``reread``, and the parties it lacks added from there."""
    out: list[_Signed] = []
    names = {sig.name for sig, _block in signed if sig.name}
    for sig, block in signed:
        other = next((o for o, _b in reread if o.party == sig.party), None)
        out.append((_filled(sig, other, names) if other else sig, block))
    have = {sig.party for sig, _block in signed}
    out += [(_vetted(sig, names), block) for sig, block in reread if sig.party not in have]
    return sorted(out, key=lambda pair: _PARTY_RANK[pair[0].party])


def _vetted(sig: SignatureBlock, names: set[str]) -> SignatureBlock:
    """A block read again by OCR, keeping a name only when no other block has it and a
    title only when it names an office (a hand-written one reads as noise)."""
    name = sig.name if sig.name not in names else None
    title = sig.title if sig.title and _TITLE_WORDS.search(sig.title) else None
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
    pdf: pdfium.PdfDocument, page: _PageText, signed: list[_Signed], ocr: Ocr
) -> list[_Signed]:
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
    images = [_render(pdf, page.number - 1, ocr.dpi, box) or b"" for _i, box in missing]
    out = list(signed)
    for (i, _box), words in zip(missing, ocr.read(images, True), strict=True):
        found, raw = strict_date(" ".join(w.text for w in words))
        if found is not None:
            out[i] = (replace(out[i][0], date=found, date_raw=raw, date_ocr=True), out[i][1])
    return out


def _date_box(
    page: _PageText, line: _Line, column: int, whole_column: bool
) -> tuple[float, float, float, float]:
    """Crop margins (left, bottom, right, top, in points) around a date field's value:
    right of its label (or the whole column, at another column's date line), from a line
    above the label to just below it."""
    label, split = line.words[0], page.width * _COLUMN_SPLIT
    height = max(label.bottom - label.top, 8.0)
    left, right = (0.0, split) if column == 0 else (split, page.width)
    if not whole_column:
        left = label.x1
    top, bottom = max(0.0, label.top - 1.5 * height), min(page.height, label.bottom + 0.6 * height)
    return (left, page.height - bottom, page.width - right, top)


# --------------------------------------------------------------------------- the record

_ADDENDUM_SIGNING = re.compile(r"By\s*sign\w*\s+th\w*\s+addendum|ADDENDUM\s+TO\s+MODIFY", re.I)
_ADDENDUM_HEAD = re.compile(r"^\W*(?:\w+\W+){0,3}ADDENDUM\b", re.I)
_TEXT_PAGE_CHARS = 200
_LINEARIZED = re.compile(rb"/Linearized\s+[\d.]+\s*/L\s+(\d+)")


def parse_moa(
    data: bytes, source: str = "<bytes>", url: str | None = None, ocr: Ocr | None = None
) -> MoaRecord:
    """Read one MOA PDF into a :class:`MoaRecord`; never raises.

    ``source`` (a file name) and ``url`` are used only as the last evidence of the model
    and state, after the document's own text and its PDF title. With an ``ocr`` engine,
    pages without a text layer are read from their image, and a signature date hidden
    from the text layer (typed under a signature) is read from its field's image.
    Anything that stops a full reading (not a PDF, encrypted, damaged, no text) is named
    in ``error``, with whatever could still be read.
    """
    base = MoaRecord(sha256=hashlib.sha256(data).hexdigest(), source=source, url=url)
    try:
        return _parse(data, base, ocr)
    except Exception as exc:  # noqa: BLE001 - total by contract: a bad file is a record
        return _replace(base, error=f"unreadable PDF ({type(exc).__name__})")


def _replace(record: MoaRecord, **changes: Any) -> MoaRecord:
    values = {f: getattr(record, f) for f in record.__dataclass_fields__}
    values.update(changes)
    return MoaRecord(**values)


def _parse(data: bytes, base: MoaRecord, ocr: Ocr | None) -> MoaRecord:
    problem = _not_a_pdf(data)
    if problem:
        return _replace(base, error=problem)
    pdf, problem = _open_pdf(data)
    if pdf is None:
        return _replace(base, error=problem)
    try:
        doc = _read_document(pdf)
        if ocr is not None:
            doc = with_ocr_pages(pdf, doc, ocr)
        signed = _signature_page(doc)
        if not signed[1]:
            doc = _with_words_after_signing(pdf, doc)
            signed = _signature_page(doc)
        if ocr is not None and signed[0] is not None:
            pairs = ocr_missing_signers(pdf, signed[0], signed[1], ocr)
            signed = (signed[0], ocr_missing_dates(pdf, signed[0], pairs, ocr), signed[2])
    finally:
        pdf.close()
    names = [n for n in (base.source, base.url or "") if n and n != "<bytes>"]
    return _record(doc, base, names, _truncated(data), signed)


def _with_words_after_signing(pdf: pdfium.PdfDocument, doc: _Document) -> _Document:
    """The document with positioned words for each page that follows a "By signing
    this MOA" page (for when the paragraph ends one page and the blocks start the next)."""
    pages = list(doc.pages)
    for i, page in enumerate(doc.pages[:-1]):
        if _BY_SIGNING.search(page.text) and not pages[i + 1].words:
            try:
                pages[i + 1] = _read_page(pdf, i + 1, words_wanted=True)
            except pdfium.PdfiumError:
                continue
    return _Document(tuple(pages), doc.page_count, doc.title, doc.errors)


def _not_a_pdf(data: bytes) -> str | None:
    if b"%PDF-" in data[:1024]:
        return None
    kind = sniff(data)
    reasons = {
        "empty": "empty file",
        "xlsx": "not a PDF (a zip archive)",
        "html": "not a PDF (HTML)",
    }
    return reasons.get(kind, "not a PDF")


def _truncated(data: bytes) -> str | None:
    """Why the bytes look cut short: no ``%%EOF`` at the end, or shorter than the length
    a linearized PDF declares (``/Linearized 1 /L 272483``)."""
    declared = _LINEARIZED.search(data[:1024])
    if declared and int(declared[1]) > len(data):
        return f"truncated PDF ({len(data)} of {int(declared[1])} bytes)"
    if b"%%EOF" not in data[-2048:]:
        return "truncated PDF (no end-of-file marker)"
    return None


def _record(
    doc: _Document,
    base: MoaRecord,
    names: Sequence[str],
    problem: str | None,
    signed: tuple[_PageText | None, list[_Signed], bool],
) -> MoaRecord:
    model, evidence = _model(doc, names)
    agency, suffix_state = _agency(doc)
    page, pairs, decoded = signed
    signatures = tuple(replace(s, title=repair_title(s.title, doc.vocabulary)) for s, _b in pairs)
    read = [p for p in doc.pages if len(p.text.strip()) >= _TEXT_PAGE_CHARS]
    has_text = bool(doc.pages) and sum(not p.ocr for p in read) * 2 >= len(doc.pages)
    return _replace(
        base,
        model=model,
        model_evidence=evidence,
        agency=agency,
        state=suffix_state or _state(doc, agency, names),
        field_office=_field_office(doc.text),
        template_revision=_template_revision(doc),
        signatures=signatures,
        ice_signed=_first_date(signatures, "ice"),
        agency_signed=_first_date(signatures, "agency"),
        pages=doc.page_count,
        has_text_layer=has_text,
        is_addendum=_is_addendum(doc, names),
        signature_text=page.text.strip() if page else "",
        error=problem or _text_problem(doc, len(read)),
        text_shift_decoded=decoded,
        ocr_pages=tuple(p.number for p in doc.pages if p.ocr),
    )


def _first_date(signatures: Sequence[SignatureBlock], party: str) -> date | None:
    return next((s.date for s in signatures if s.party == party and s.date), None)


def _text_problem(doc: _Document, text_pages: int) -> str | None:
    if doc.errors:
        return "; ".join(doc.errors)
    if not doc.page_count:
        return "PDF has no pages"
    if text_pages * 2 < len(doc.pages):
        return f"no text layer on most pages (text on {text_pages} of {len(doc.pages)})"
    return None


def _signature_page(doc: _Document) -> tuple[_PageText | None, list[_Signed], bool]:
    """The page holding the MOA's signature blocks (not an appended addendum's), its
    blocks, and whether shifted text was decoded there."""
    candidates = list(_signature_candidates(doc))
    for page in candidates:
        signatures, decoded = _signature_blocks(page)
        if signatures:
            return page, signatures, decoded
    return (candidates[0] if candidates else None), [], False


def _signature_candidates(doc: _Document) -> Iterator[_PageText]:
    """Pages that may hold the signature blocks, best first: each page saying "By
    signing this MOA" and the page after it; failing those, digitally signed pages,
    then pages giving a date (scans whose only text is an e-signature)."""
    pages = [p for p in doc.pages if p.words and not _ADDENDUM_SIGNING.search(p.text)]
    signing = [p for p in pages if _BY_SIGNING.search(p.text)]
    for page in signing:
        yield page
        if page.number < len(doc.pages) and doc.pages[page.number].words:
            yield doc.pages[page.number]
    if not signing:
        yield from (p for p in pages if re.search(r"Digitally\s+signed", p.text))
        yield from (p for p in pages if find_date(p.text)[0])


def _is_addendum(doc: _Document, names: Sequence[str]) -> bool:
    """Whether the document is itself an addendum (its first page opens with one)."""
    first = doc.pages[0].text.strip() if doc.pages else ""
    if first:
        return bool(_ADDENDUM_HEAD.match(first))
    return any(re.search(r"addendum", n, re.I) for n in [doc.title, *names])
