"""One MOA PDF into one record: the reading order of the parts."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date

import pypdfium2 as pdfium

from parsers.formats import cut_short, sniff
from parsers.moa.dates import find_date
from parsers.moa.fields import (
    agency_of,
    field_office_of,
    model_of,
    party_named,
    state_of,
    template_revision_of,
)
from parsers.moa.ocr_fill import ocr_head, ocr_missing_dates, ocr_missing_signers, with_ocr_pages
from parsers.moa.offices import repair_title
from parsers.moa.plausible import doubt_dates, earliest_possible
from parsers.moa.records import PARTIES, MoaRecord, SignatureBlock
from parsers.moa.signatures import (
    PARTY_RANK,
    RawBlock,
    Signed,
    form_blocks,
    signature_blocks,
)
from parsers.moa.text import (
    BY_SIGNING,
    TEXT_PAGE_CHARS,
    Document,
    PageText,
    Word,
    open_pdf,
    read_document,
    read_page,
    with_reading,
)
from parsers.ocr import Ocr

_ADDENDUM_SIGNING = re.compile(r"By\s*sign\w*\s+th\w*\s+addendum|ADDENDUM\s+TO\s+MODIFY", re.I)
_ADDENDUM_HEAD = re.compile(r"^\W*(?:\w+\W+){0,3}ADDENDUM\b", re.I)
# What a malformed PDF makes PDFium, the image conversion or the readers raise.
_BAD_INPUT = (pdfium.PdfiumError, OSError, ValueError, LookupError, ArithmeticError)


def parse_moa(
    data: bytes,
    source: str = "<bytes>",
    url: str | None = None,
    ocr: Ocr | None = None,
    not_after: date | None = None,
) -> MoaRecord:
    """Read one MOA PDF into a :class:`MoaRecord`; never raises.

    ``source`` (a file name) and ``url`` are used only as the last evidence of the model
    and state, after the document's own text and its PDF title. With an ``ocr`` engine,
    pages without a text layer are read from their image, and a signature date hidden
    from the text layer (typed under a signature) is read from its field's image.
    Anything that stops a full reading (not a PDF, encrypted, damaged, no text) is named
    in ``error``, with whatever could still be read. A signature date the document itself
    makes impossible, or one later than ``not_after`` (when the caller first saw the
    file), is not believed (:mod:`parsers.moa.plausible`).
    """
    base = MoaRecord(sha256=hashlib.sha256(data).hexdigest(), source=source, url=url)
    try:
        return _parse(data, base, ocr, not_after)
    except _BAD_INPUT as exc:  # total by contract: a bad file is a record
        return replace(base, error=f"unreadable PDF ({type(exc).__name__})")


def _parse(data: bytes, base: MoaRecord, ocr: Ocr | None, not_after: date | None) -> MoaRecord:
    problem = _not_a_pdf(data)
    if problem:
        return replace(base, error=problem)
    pdf, problem = open_pdf(data)
    if pdf is None:
        return replace(base, error=problem)
    try:
        doc = read_document(pdf)
        if not party_named(doc):
            doc = with_reading(pdf, doc)
        if ocr is not None:
            doc = ocr_head(pdf, with_ocr_pages(pdf, doc, ocr), ocr)
        signed = _signature_page(doc)
        if not signed[1]:
            doc = _with_words_after_signing(pdf, doc)
            signed = _signature_page(doc)
        if not signed[1] and not any(BY_SIGNING.search(p.text) for p in doc.pages):
            doc = _with_all_words(pdf, doc)
            signed = _form_signature_page(doc) or signed
        if ocr is not None and signed[0] is not None:
            pairs = ocr_missing_signers(pdf, signed[0], signed[1], ocr)
            signed = (signed[0], ocr_missing_dates(pdf, signed[0], pairs, ocr), signed[2])
        signed, spill = _spilled(pdf, doc, signed, ocr)
    finally:
        pdf.close()
    names = [n for n in (base.source, base.url or "") if n and n != "<bytes>"]
    return _record(doc, base, names, cut_short(data), signed, not_after, spill)


def _spilled(
    pdf: pdfium.PdfDocument,
    doc: Document,
    signed: tuple[PageText | None, list[Signed], bool],
    ocr: Ocr | None,
) -> tuple[tuple[PageText | None, list[Signed], bool], PageText | None]:
    """The signature blocks with the party's the signature page has no room for: a page
    that signs the MOA and lacks ICE's or the agency's block continues on the next page
    (a block is never split from its agreement's signing by another signing), when that
    page signs or certifies nothing else (no signing paragraph of its own, no addendum,
    notary, attestation or certification) and the block says its party (``For ICE:``:
    a notary's or a clerk's block, placed where ICE's would be, is no party's). Each
    block carries its page; the page the blocks continued on (None: none)."""
    page, pairs, decoded = signed
    missing = set(PARTIES) - {sig.party for sig, _block in pairs}
    if page is None or not pairs:
        return signed, None
    paged = [(replace(sig, page=sig.page or page.number), block) for sig, block in pairs]
    if not missing or page.number >= len(doc.pages):
        return (page, paged, decoded), None
    after = doc.pages[page.number]
    if BY_SIGNING.search(after.text) or _OTHER_ACT.search(after.text):
        return (page, paged, decoded), None
    if not after.words:
        try:
            after = read_page(pdf, after.number - 1, True)
        except pdfium.PdfiumError:
            return (page, paged, decoded), None
    blocks = signature_blocks(after)[0]
    found = [
        (sig, block)
        for sig, block in blocks
        if sig.party in missing
        and block.header  # its party said (``For ICE:``), not guessed from its place
        and _a_signing(sig, block, after)
    ]
    found = found if _holds_only(after, blocks) else []
    if ocr is not None and found:
        found = ocr_missing_dates(pdf, after, found, ocr)
    if not found:
        return (page, paged, decoded), None
    paged += [(replace(sig, page=after.number), block) for sig, block in found]
    return (page, sorted(paged, key=lambda pair: PARTY_RANK[pair[0].party]), decoded), after


_LOOSE_WORDS = 12  # words outside the blocks on a page the blocks continue on
# what else a page after the signature page may sign or certify: an addendum or an
# amendment, a notary's acknowledgement, a clerk's attestation or certification
_OTHER_ACT = re.compile(
    r"addend|amendment|notar|acknowledg|attest|certif|sworn|subscribed|witness", re.I
)


def _a_signing(sig: SignatureBlock, block: RawBlock, page: PageText) -> bool:
    """Whether a block read on the page after the signature page is a signing: dated, or
    with a date field left blank (hand-written), and of a signing's size (a signature
    line, a name, a title, a date and an office: under a third of the page), not a
    paragraph some word of which reads like a field label."""
    dated = sig.date is not None or (block.has("date") and not sig.date_raw)
    return dated and sig.box is not None and sig.box[3] - sig.box[1] <= page.height / 3


def _holds_only(page: PageText, blocks: Sequence[Signed]) -> bool:
    """Whether ``page`` holds signature blocks and nothing else between its margins
    (its running header and footer aside): a page continuing a signature region, not
    the appendix after it (its paragraphs; ``APPENDIX A: POINTS OF CONTACT`` lists
    names and titles of ICE's and the agency's officers, but no date: a block taken
    from the next page is dated, or has its date field)."""
    boxes = [sig.box for sig, _block in blocks if sig.box]
    top, bottom = page.height * 0.1, page.height * 0.9
    loose = [
        w
        for w in page.words
        if top <= w.top and w.bottom <= bottom and not any(_within(w, box) for box in boxes)
    ]
    return bool(boxes) and len(loose) <= _LOOSE_WORDS


def _within(word: Word, box: tuple[float, float, float, float]) -> bool:
    left, top, right, bottom = box
    return left - 2 <= word.x0 and word.x1 <= right + 2 and top - 2 <= word.top <= bottom + 2


def _with_words_after_signing(pdf: pdfium.PdfDocument, doc: Document) -> Document:
    """The document with positioned words for each page that follows a "By signing
    this MOA" page (for when the paragraph ends one page and the blocks start the next)."""
    pages = list(doc.pages)
    for i, page in enumerate(doc.pages[:-1]):
        if BY_SIGNING.search(page.text) and not pages[i + 1].words:
            try:
                pages[i + 1] = read_page(pdf, i + 1, True, bool(pages[i + 1].reading))
            except pdfium.PdfiumError:
                continue
    return Document(tuple(pages), doc.page_count, doc.title, doc.errors)


def _with_all_words(pdf: pdfium.PdfDocument, doc: Document) -> Document:
    """The document with positioned words for every page of text (for a signing whose
    paragraph is worded otherwise, its blocks found by their form)."""
    pages = list(doc.pages)
    for i, page in enumerate(doc.pages):
        if page.text.strip() and not page.words and not page.ocr:
            try:
                pages[i] = read_page(pdf, i, True, bool(page.reading))
            except pdfium.PdfiumError:
                continue
    return Document(tuple(pages), doc.page_count, doc.title, doc.errors)


def _form_signature_page(
    doc: Document,
) -> tuple[PageText | None, list[Signed], bool] | None:
    """When no page says "By signing this MOA" (a template reworded: ``IN WITNESS
    WHEREOF``, ``By executing this Agreement``), the first page holding signature blocks
    by their form (:func:`form_blocks`: a person's name, a title and a date or a date
    field, away from prose), not an addendum's signing; None when none does."""
    for page in doc.pages:
        if page.words and not _ADDENDUM_SIGNING.search(page.text):
            signatures, decoded = form_blocks(page)
            if signatures:
                return page, signatures, decoded
    return None


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


def _record(
    doc: Document,
    base: MoaRecord,
    names: Sequence[str],
    problem: str | None,
    signed: tuple[PageText | None, list[Signed], bool],
    not_after: date | None,
    spill: PageText | None = None,
) -> MoaRecord:
    model, evidence = model_of(doc, names)
    page, pairs, decoded = signed
    agency_field = [" ".join(b.values("agency")) for s, b in pairs if s.party == "agency"]
    agency, suffix_state = agency_of(doc, agency_field)
    revision = template_revision_of(doc)
    signatures = doubt_dates(
        [replace(s, title=repair_title(s.title, doc.vocabulary)) for s, _b in pairs],
        earliest_possible(revision, doc.text),
        not_after,
    )
    read = [p for p in doc.pages if len(p.text.strip()) >= TEXT_PAGE_CHARS]
    has_text = bool(doc.pages) and sum(not p.ocr for p in read) * 2 >= len(doc.pages)
    return replace(
        base,
        model=model,
        model_evidence=evidence,
        agency=agency,
        state=suffix_state or state_of(doc, agency, names, _agency_lines(pairs)),
        field_office=field_office_of(doc.text),
        template_revision=revision,
        signatures=signatures,
        ice_signed=_first_date(signatures, "ice"),
        agency_signed=_first_date(signatures, "agency"),
        pages=doc.page_count,
        has_text_layer=has_text,
        is_addendum=_is_addendum(doc, names),
        signature_text="\n\n".join(p.text.strip() for p in (page, spill) if p),
        error=problem or _text_problem(doc, len(read)) or _no_blocks(signatures),
        text_shift_decoded=decoded,
        ocr_pages=tuple(p.number for p in doc.pages if p.ocr or p.reading_ocr),
        signature_page=page.number if page else None,
        doubtful=tuple(s.doubt for s in signatures if s.doubt),
    )


def _agency_lines(pairs: Sequence[Signed]) -> list[str]:
    """The lines of the agency's signature blocks other than the signer's name."""
    return [
        line
        for sig, block in pairs
        if sig.party == "agency"
        for line in block.text.splitlines()
        if not sig.name or sig.name not in line
    ]


def _first_date(signatures: Sequence[SignatureBlock], party: str) -> date | None:
    return next((s.date for s in signatures if s.party == party and s.date), None)


def _text_problem(doc: Document, text_pages: int) -> str | None:
    if doc.errors:
        return "; ".join(doc.errors)
    if not doc.page_count:
        return "PDF has no pages"
    if text_pages * 2 < len(doc.pages):
        return f"no text layer on most pages (text on {text_pages} of {len(doc.pages)})"
    return None


def _no_blocks(signatures: Sequence[SignatureBlock]) -> str | None:
    """A document read whole that gives no signature block says so: its signers and
    dates are unknown because its blocks were not found (a template reworded: ``By
    executing this Agreement``; a page drawn sideways), not because it has none. Blocks
    that hold no signer, title or date (an appendix's ``For ICE:`` contact lines read
    where the blocks could not be) are no block read."""
    if any(s.name or s.title or s.date or s.date_raw for s in signatures):
        return None
    return "no signature block found (no signer or date read)"


def _signature_page(doc: Document) -> tuple[PageText | None, list[Signed], bool]:
    """The page holding the MOA's signature blocks (not an appended addendum's), its
    blocks, and whether shifted text was decoded there."""
    candidates = list(_signature_candidates(doc))
    for page in candidates:
        signatures, decoded = signature_blocks(page)
        if signatures:
            return page, signatures, decoded
    return (candidates[0] if candidates else None), [], False


def _signature_candidates(doc: Document) -> Iterator[PageText]:
    """Pages that may hold the signature blocks, best first: each page saying "By
    signing this MOA" and the page after it; failing those, digitally signed pages,
    then scans whose own text is a signature's overlay giving a date (an e-signature).
    A page of typed text or of recognised prose is no signature page for giving a date
    (a ``Revised 02/15/2025`` footer, a cited order's date, a letter's ``Date:``)."""
    pages = [p for p in doc.pages if p.words and not _ADDENDUM_SIGNING.search(p.text)]
    signing = [p for p in pages if BY_SIGNING.search(p.text)]
    for page in signing:
        yield page
        if page.number < len(doc.pages) and doc.pages[page.number].words:
            yield doc.pages[page.number]
    if not signing:
        yield from (p for p in pages if re.search(r"Digitally\s+signed", p.text))
        yield from (p for p in pages if _signature_overlay(p))


def _signature_overlay(page: PageText) -> bool:
    """Whether the page's own text layer (not what OCR recognised on it) is no more than
    a signature's overlay on a scan: too little text to be a text layer
    (``TEXT_PAGE_CHARS``), and a date in it (an e-signature's stamp)."""
    own = page.layer_text if page.ocr else page.text
    return len(own.strip()) < TEXT_PAGE_CHARS and find_date(own)[0] is not None


def _is_addendum(doc: Document, names: Sequence[str]) -> bool:
    """Whether the document is itself an addendum (its first page opens with one)."""
    first = doc.pages[0].text.strip() if doc.pages else ""
    if first:
        return bool(_ADDENDUM_HEAD.match(first))
    return any(re.search(r"addendum", n, re.I) for n in [doc.title, *names])
