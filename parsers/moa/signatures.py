"""Signature blocks: the signature page read by position into parties, names, titles
and dates (signers' titles mended from office words: ``parsers/moa/offices.py``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from difflib import SequenceMatcher
from types import MappingProxyType

from parsers.moa.dates import find_date, strict_date
from parsers.moa.offices import OFFICE_WORDS, PLACE_WORDS
from parsers.moa.records import SignatureBlock
from parsers.moa.text import COLUMN_SPLIT, Line, PageText, Word, to_lines, unshift_words
from parsers.normalize import clean_text

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
TITLE_WORDS = re.compile(
    r"\b(?:Sheriff|Undersheriff|Director|Secretary|Chief|Commissioner|Manager|Attorney"
    r"|Captain|Clerk|Mayor|Superintendent|Colonel|Marshal|Warden|Administrator)\b",
    re.I,
)
_TITLED_NAME = re.compile(
    r"(?P<title>(?:(?:Acting|Chief|Deputy|Interim|Sheriff|Undersheriff|Director|Colonel"
    r"|Captain|Commissioner|Marshal|Superintendent|Warden|Mayor)\.?\s+)+)(?P<name>[A-Z].*)$"
)
_ORG_END = re.compile(r"(?:Office|Department|Operations|Security|Corrections|Agency)\W*$", re.I)
_PERSON = re.compile(
    r"(?:[A-Z][a-z]+|[A-Z]\.(?:\s?[A-Z]\.)*)(?:\s+(?:[A-Z]\.|[A-Z][a-zA-Z'\-]+)){1,3}"
    r"(?:,?\s+(?:Jr\.?|Sr\.?|II|III|IV))?"
)
# What opens or says a notary's acknowledgement: a notary certifies a signing, signs none.
_NOTARIAL = re.compile(
    r"Notary\s+Public|\bsworn\b|\bsubscribed\b|acknowledg\w*\s+before|commission\s+expires"
    r"|\bnotari[sz]\w*",
    re.I,
)
_DIGITAL_NAME = re.compile(r"Digitally\s+signed\s+by\s+([A-Z][A-Z.\s]+?)(?:\s+Date\b|$)")
PARTY_RANK: Mapping[str, int] = MappingProxyType({"agency": 0, "ice": 1, "other": 2})


@dataclass
class Field:
    """A labelled field of a block while it is being read (mutable, local to a parse)."""

    label: str
    line: Line
    values: list[str] = field(default_factory=list)


@dataclass
class RawBlock:
    """One signature block's lines, sorted into labelled fields (local to a parse)."""

    header: str | None = None
    header_rest: str = ""
    fields: list[Field] = field(default_factory=list)
    free: list[str] = field(default_factory=list)
    free_tops: list[float] = field(default_factory=list)  # where each free line stands
    column: int = 0
    lines: list[Line] = field(default_factory=list)
    notary: bool = False  # a notary's acknowledgement (see :func:`_starts_block`)

    def field_line(self, label: str) -> Line | None:
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


Signed = tuple[SignatureBlock, RawBlock]


def _label_of(text: str) -> tuple[str | None, str]:
    """The field label a signature-block line starts with (OCR-tolerant) and the rest.
    A word read as a label only by its likeness (``Narne:``, ``Dale:`` for ``Date:``)
    is one when marked as a label, with a separator in it or after it, or alone on its
    line; else it is the word it is (``Dale Evans``, ``Nate Smith``, ``Dae Kim``: a
    name above its title)."""
    words = text.split()
    if not words:
        return None, ""
    for take in (1, 2)[: len(words)]:
        letters = re.sub(r"[^a-z]", "", " ".join(words[:take]).lower())
        label = _closest_label(letters)
        tail = re.sub(r"^.*[A-Za-z]", "", words[take - 1])
        if label and (label == letters or tail or _unworded(words[take:])):
            return label, " ".join([tail, *words[take:]]).strip()
        if len(letters) > 2:
            break
    return None, text


def _unworded(rest: Sequence[str]) -> bool:
    """Whether what follows a label's likeness is no word: nothing, or a separator, an
    underline or a number first."""
    return not rest or not rest[0][:1].isalpha()


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
    # a period that ends an initial or a suffix (``A.``, ``Jr.``) is the name's own
    kept = re.search(r"\b(?:[A-Z]|[JS][Rr]|[js]r)\.$", text.strip())
    return text.strip(" -:;,.|'\"\\/") + ("." if kept else "")


def _readable(text: str) -> bool:
    """Whether a value reads as words rather than recognition noise."""
    chars = [c for c in text if not c.isspace()]
    if not chars or not re.search(r"[A-Za-z]{2,}", text):
        return False
    if any(not (c.isalnum() or c in ".,'&-()") for c in chars):
        return False
    return not re.search(r"[a-z][A-Z]{2}|\d[a-zA-Z]|[a-zA-Z]\d|\.\.|^\W", text)


@dataclass(frozen=True)
class Tagged:
    """A signature-region line with its header (``LEA``, ``ICE``, ...) or field label."""

    line: Line
    header: str | None
    label: str | None
    rest: str

    @property
    def middle(self) -> float:
        return (self.line.top + self.line.bottom) / 2


def _tag(line: Line) -> Tagged:
    text = line.text
    header = _HEADER.match(text)
    if header and (_header_party(header["who"]) != "other" or len(text) < 40):
        return Tagged(line, header["who"], None, header["rest"])
    label, rest = _label_of(text)
    return Tagged(line, None, label, rest)


def _header_party(who: str) -> str:
    key = re.sub(r"[^A-Z]", "", who.upper())
    if key in ("LEA", "THELEA"):
        return "agency"
    if key in ("ICE", "DHS", "ICEDHS", "DHSICE"):
        return "ice"
    return "other"


def _column_blocks(lines: Sequence[Line], column: int) -> list[RawBlock]:
    """Split one column's lines into blocks and sort their lines into fields."""
    blocks: list[RawBlock] = []
    pending: list[Tagged] = []
    for tagged in (_tag(line) for line in lines):
        if not blocks or _starts_block(blocks[-1], tagged):
            _flush(blocks, pending)
            blocks.append(RawBlock(column=column))
        blocks[-1].lines.append(tagged.line)
        blocks[-1].notary = blocks[-1].notary or bool(_NOTARIAL.search(tagged.line.text))
        if tagged.header:
            blocks[-1].header, blocks[-1].header_rest = tagged.header, _clean_value(tagged.rest)
        elif tagged.label:
            _add_field(blocks[-1], tagged, pending)
        elif _clean_value(tagged.rest):
            pending.append(tagged)
    _flush(blocks, pending)
    return [b for b in blocks if b.header or b.fields or b.free]


def _starts_block(block: RawBlock, tagged: Tagged) -> bool:
    """A header starts a block; so does a date field after a block's other fields (the
    date heads each block), and a field the block already has: a block holds one signer
    (a notary's ``Name:`` and ``Title:`` under the agency's block are the notary's). A
    notary's acknowledgement (``Sworn to and subscribed before me``, ``Notary Public``)
    starts a block of its own, which holds what follows it, its date written after its
    fields included: the notary's, not the next signer's."""
    if tagged.header:
        return True
    if block.notary:
        return False
    if _NOTARIAL.search(tagged.line.text):
        return True
    if tagged.label == "date" and block.has("signature", "name", "title", "agency"):
        return True
    return tagged.label in ("name", "title") and block.has(tagged.label)


def _add_field(block: RawBlock, tagged: Tagged, pending: list[Tagged]) -> None:
    """Open a labelled field; a value line just above it (on the underline) is its value."""
    new = Field(tagged.label or "", tagged.line)
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


def _continue(block: RawBlock, tagged: Tagged) -> None:
    """A line with no label: the next line of a multi-line value, or free text."""
    value = _clean_value(tagged.rest)
    last = block.fields[-1] if block.fields else None
    multi_line = last is not None and last.label in ("agency", "title")
    if last is not None and multi_line and tagged.line.top - last.line.bottom <= 30:
        if last.values and last.line.text.rstrip().endswith(","):  # ``Constable,`` / ``...``
            last.values[-1] += ","
        last.values.append(value)
        last.line = tagged.line
    else:
        block.free.append(value)
        block.free_tops.append(tagged.line.top)


def _flush(blocks: list[RawBlock], pending: list[Tagged]) -> None:
    if blocks:
        for waiting in pending:
            _continue(blocks[-1], waiting)
    pending.clear()


def _block_date(block: RawBlock, strict: bool = False) -> tuple[date | None, str | None]:
    """The block's date: its ``Date:`` field's, else one its own lines give (a digital
    signature's stamp beside a blank field), never one written below the block's end,
    its last field (a clerk's ``Received ... on June 20, 2025`` typed under it)."""
    read = strict_date if strict else find_date
    labelled = "\n".join(block.values("date"))
    found, raw = read(labelled)
    if found is None:
        found, raw = read("\n".join([block.header_rest, *_free_within(block)]))
    if found is None and labelled and not block.has("name", "title"):
        found, raw = read(block.text)
    return found, raw if found else (_clean_value(labelled) or None)


def _free_within(block: RawBlock) -> list[str]:
    """The block's free lines that stand above its last field's end (all of them in a
    block without fields): a block ends with its last field."""
    if not block.fields:
        return block.free
    end = max(f.line.bottom for f in block.fields)
    return [text for text, top in zip(block.free, block.free_tops, strict=True) if top <= end]


def _person(text: str) -> str | None:
    """The text as a person's name, when it reads as one (an office written before the
    name, ``Sheriff Jack Brandes``, is not part of it)."""
    titled = split_titled_name(text)
    if titled:
        return titled[1]
    if not _readable(text) or TITLE_WORDS.search(text) or _ORG_END.search(text):
        return None
    if _PERSON.fullmatch(text) and _voiced(text):
        return text
    if re.fullmatch(r"[A-Z]{2,}(?:\s+[A-Z]\.?)?\s+[A-Z]{2,}", text):
        return text.title()
    return None


def _voiced(name: str) -> bool:
    """Whether each word of three letters or more has a vowel, as names' words do (a
    signature stroke read as letters does not: ``Jlm Rrsd``)."""
    words = [w for w in re.findall(r"[A-Za-z]{3,}", name) if w.upper() not in ("III", "JR", "SR")]
    return _readable(name) and all(re.search(r"[AEIOUYaeiouy]", w) for w in words)


def split_titled_name(text: str) -> tuple[str, str] | None:
    """``Sheriff Jack Brandes`` or ``Jack Brandes, Sheriff`` -> (``Sheriff``, ``Jack
    Brandes``): a line that is a person's name with office words before it or after a
    comma, as signers often type it under the signature."""
    if not _readable(text):
        return None
    m = _TITLED_NAME.match(text)
    if m:
        title, name = m["title"].strip(), m["name"]
    else:
        name, _comma, title = text.partition(", ")
        first = title.split()[0] if title else ""
        if first not in OFFICE_WORDS or not TITLE_WORDS.search(title) or _ORG_END.search(title):
            return None
    if TITLE_WORDS.search(name) or _ORG_END.search(name) or not _PERSON.fullmatch(name):
        return None
    return title, name


def _block_name(block: RawBlock) -> str | None:
    for value in [*block.values("name"), block.header_rest, *block.free]:
        name = _person(value)
        if name:
            return name
    signed = _DIGITAL_NAME.search(block.text)
    return _person(clean_text(signed[1])) if signed else name_above_title(block.lines)


_NAME_TOKEN = re.compile(r"[A-Z][A-Za-z'\-]*\.?|[A-Z]\.|(?:Jr|Sr)\.?|II|III|IV|de|del|la|van|von")


def name_above_title(lines: Sequence[Line]) -> str | None:
    """The signer's name by position: in a block's lines, the line just above its title
    line (the first naming an office), whatever noise a signature stroke leaves around
    the name (``~ Jack A. Brandes |``): the longest run of name-like words in it."""
    at = next((i for i, ln in enumerate(lines) if _is_title_line(ln.text)), None)
    if not at:
        return None
    title = lines[at]
    for line in reversed(lines[:at]):
        if title.top - line.bottom > 3 * max(title.bottom - title.top, 8.0):
            return None
        label, rest = _label_of(line.text)
        if label not in (None, "name") or not _clean_value(rest):
            continue
        return _name_run(_clean_value(rest))
    return None


def _is_title_line(text: str) -> bool:
    label, rest = _label_of(text)
    if label == "title":
        return True
    return label is None and bool(TITLE_WORDS.search(rest)) and not _ORG_END.search(rest)


def _name_run(text: str) -> str | None:
    """The longest run of name-like words of ``text``, when it reads as a person's name
    (two to five words, two of them more than an initial, no office word)."""
    best: list[str] = []
    run: list[str] = []
    for word in [*text.split(), ""]:
        if _NAME_TOKEN.fullmatch(word.rstrip(",")):
            run.append(word.rstrip(","))
            continue
        best, run = max(best, run, key=len), []
    full = [w for w in best if len(w.rstrip(".")) >= 2]
    name = " ".join(best)
    if not 2 <= len(best) <= 5 or len(full) < 2 or TITLE_WORDS.search(name):
        return None
    if not _voiced(name):
        return None
    if _ORG_END.search(name) or not best[0][0].isupper() or PLACE_WORDS & set(best):
        return None
    return name.title() if name.isupper() else name


def _block_title(block: RawBlock) -> str | None:
    labelled = " ".join(block.values("title"))
    if labelled:
        return labelled if _readable(labelled) else None
    if block.has("title", "name", "agency"):
        return None
    return _free_title(block.free)


def _free_title(lines: Sequence[str]) -> str | None:
    """In a block without labels, the line naming the signer's office, with the lines it
    wraps onto."""
    for i, line in enumerate(lines):
        titled = split_titled_name(line)
        if titled:
            return titled[0]
        if TITLE_WORDS.search(line) and not _ORG_END.search(line) and _readable(line):
            title = [line]
            for after in lines[i + 1 : i + 3]:
                if not _continues(title[-1], after):
                    break
                title.append(after)
            return " ".join(title)
    return None


_JOINING = r"(?:and|of|for|the|to|in|on|at|&)"


def _continues(line: str, after: str) -> bool:
    """Whether ``after`` is more of the title ``line`` wraps onto: the line is unfinished
    (it ends with a joining word: ``Deputy Director and``), or ``after`` opens with one or
    in lower case, words and not a stroke's letters (``and Removal Operations``, ``the
    Duties of the Director``), as no name, title or office of a block's own line does."""
    if not _readable(after):
        return False
    return bool(
        re.search(rf"\b{_JOINING}$", line, re.I)
        or re.match(rf"{_JOINING}\b", after)
        or (after[:1].islower() and len(after.split()) >= 2)
    )


def _block_party(block: RawBlock, labelled: bool) -> str | None:
    """``agency``, ``ice`` or ``other`` from the header or the block's own words."""
    if block.header:
        return _header_party(block.header)
    text = block.text
    if _ICE_WORDS.search(" ".join(block.values("agency")) or text) or _ICE_TITLES.search(text):
        return "ice"
    return "other" if labelled else None


def _blocks_to_signatures(blocks: Sequence[RawBlock], strict: bool) -> list[Signed]:
    """Signature blocks in party order (agency, ice, other), each in reading order, with
    the raw block each was read from. ``strict``: the words came from OCR."""
    labelled = any(b.header for b in blocks)
    blocks = [b for b in blocks if _is_signature_block(b) and not b.notary]
    parties = [_block_party(b, labelled) for b in blocks]
    if None in parties:
        parties = _unlabelled_parties(blocks, parties)
    signed = [
        (
            SignatureBlock(
                party, _block_name(b), _block_title(b), *_block_date(b, strict), box=_box(b)
            ),
            b,
        )
        for b, party in zip(blocks, parties, strict=True)
        if party
    ]
    return sorted(signed, key=lambda pair: PARTY_RANK[pair[0].party])


def _box(block: RawBlock) -> tuple[float, float, float, float] | None:
    """Where the block's lines lie (left, top, right, bottom), to a tenth of a point."""
    words = [w for line in block.lines for w in line.words]
    if not words:
        return None
    left, top = min(w.x0 for w in words), min(w.top for w in words)
    right, bottom = max(w.x1 for w in words), max(w.bottom for w in words)
    return round(left, 1), round(top, 1), round(right, 1), round(bottom, 1)


def _mark_ocr_dates(signed: list[Signed], layer_text: str) -> list[Signed]:
    """On a page read by OCR: flag the dates that its text layer does not hold."""
    layer = re.sub(r"\s+", "", layer_text)
    return [
        (replace(s, date_ocr=True), b)
        if s.date and s.date_raw and re.sub(r"\s+", "", s.date_raw) not in layer
        else (s, b)
        for s, b in signed
    ]


def _is_signature_block(block: RawBlock) -> bool:
    """A header or a field label, or at least a name, title or date: not stray text."""
    if block.header or block.fields:
        return True
    return bool(_block_name(block) or _block_title(block) or _block_date(block)[0])


def _unlabelled_parties(
    blocks: Sequence[RawBlock], parties: Sequence[str | None]
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


def signing_top(words: Sequence[Word]) -> float:
    """Where the signature region starts: below the "fullest extent allowed by law"
    line that ends the signing paragraph (the page's top when there is none)."""
    lines = to_lines(words)
    return max((ln.bottom for ln in lines if _LAW_LINE.search(ln.text)), default=0.0)


def signature_blocks(page: PageText) -> tuple[list[Signed], bool]:
    """The signature blocks on a page (with their raw blocks), and whether shifted text
    was decoded."""
    words, decoded = unshift_words(page.words)
    start = signing_top(words)
    region = [w for w in words if w.top >= start - 2 and w.bottom <= page.height * 0.9]
    return _region_signatures(region, page), decoded


def _region_signatures(region: Sequence[Word], page: PageText) -> list[Signed]:
    """The signature blocks of a region of a page, read column by column."""
    split = page.width * COLUMN_SPLIT
    blocks: list[RawBlock] = []
    for column, in_column in enumerate(
        ([w for w in region if w.x0 < split], [w for w in region if w.x0 >= split])
    ):
        blocks += _column_blocks(to_lines(in_column), column)
    signed = _blocks_to_signatures(blocks, page.ocr)
    return _mark_ocr_dates(signed, page.layer_text) if page.ocr else signed


def form_blocks(page: PageText) -> tuple[list[Signed], bool]:
    """The signature blocks of a page found by what they are, whatever words introduce
    them (``IN WITNESS WHEREOF``, ``By executing this Agreement``): the first stretch of
    the page between lines of running prose holding a signer's block (a person's name,
    a title, and a date or a date field, within a third of the page), read as the
    signature region. None when no stretch holds one: a letter's ``Date:`` stands above
    its prose, away from its signer; a list of contacts names officers but dates none."""
    words, decoded = unshift_words(page.words)
    stretches: list[list[Word]] = [[]]
    for line in to_lines(w for w in words if w.bottom <= page.height * 0.9):
        if _prose(line.text):
            stretches.append([])
        else:
            stretches[-1] += line.words
    for region in stretches:
        signed = _region_signatures(region, page) if region else []
        if any(_a_signer(sig, block, page) for sig, block in signed):
            return signed, decoded
    return [], decoded


def _prose(text: str) -> bool:
    """Whether a line is running prose (eight words or more, half of them in lower
    case), as no line of a signature block is."""
    words = text.split()
    return len(words) >= 8 and 2 * sum(w[:1].islower() for w in words) >= len(words)


def _a_signer(sig: SignatureBlock, block: RawBlock, page: PageText) -> bool:
    """Whether a block is a signer's: a person's name, a title, a date or a date field,
    of a signing's size (under a third of the page)."""
    dated = sig.date is not None or block.has("date")
    sized = sig.box is not None and sig.box[3] - sig.box[1] <= page.height / 3
    return bool(sig.name and sig.title and dated and sized)
