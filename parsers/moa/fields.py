"""Document fields: model, agency, state, ERO field office, template revision."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from types import MappingProxyType

from parsers.moa.dates import plausible_date
from parsers.moa.offices import mend_office_words
from parsers.moa.text import Document
from parsers.model_label import model_from_label
from parsers.normalize import clean_text, state_code
from parsers.states import STATES

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


def _only(found: Iterable[str]) -> str | None:
    models = set(found)
    return models.pop() if len(models) == 1 else None


def model_from_body(text: str) -> str | None:
    """The model an MOA's own text names (heading), else the one its wording belongs to."""
    named = _only(m for m, rx in _MODEL_NAMES if rx.search(text))
    if named:
        return named
    return _only(m for m, rx in _MODEL_WORDING if rx.search(text))


def model_of(doc: Document, names: Sequence[str]) -> tuple[str | None, str | None]:
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


# Where the LEA's name ends: its parenthetical, "hereinafter", the clause that follows,
# or an apposition describing it (", a political subdivision of ...").
_PARTY_END = (
    r"\s*(?:[({]|,?\s*here\s*in\s*after|,?\s*pursuant|,?\s*under\s+the\s+juris"
    r"|,\s*an?\s+[a-z])"
)
_PARTIES = (
    re.compile(
        r"Homeland\s+Security\s*[({]\s*\w+\s*[)}]\s*,?\s*and\s+(?:the\s*)?(?P<name>.{3,120}?)"
        + _PARTY_END,
        re.S,
    ),
    re.compile(r"employees\s+of\s+the\s+(?P<name>.{3,100}?)\s*[({]\s*here\s*in\s*after", re.S),
    re.compile(r"LEA\s+represents\s+(?:the\s+)?(?P<name>.{3,100}?)\s+in\s+the\s+implement", re.S),
    re.compile(
        r"between\s+.{0,200}?[({]\s*(?:ICE|DHS)\s*[)}]\s*,?\s*and\s+(?:the\s*)?"
        r"(?P<name>.{3,120}?)" + _PARTY_END,
        re.S,
    ),
)
_AGENCY_WORDS = re.compile(
    r"Sheriff|Police|Department|Bureau|Patrol|Corrections|Office|Marshal|Constable|Jail"
    r"|Public\s+Safety|Highway|Commission|Authority|Detention|Division|Guard|Agency",
    re.I,
)
# Words of the clause around a party's name, never of the name itself.
_CLAUSE_WORDS = re.compile(
    r"\b(?:(?i:pursuant|hereinafter|delegat\w*|whereby|which|agree\w*|between)|LEA)\b"
)  # "LEA" in capitals only: Lea County, New Mexico, is a place
_STATE_OF = re.compile(r"^State\s+of\s+(?P<state>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s*,\s*(?=\S)")
_STATE_SUFFIX = re.compile(r"(?:,\s*|\s+)(?P<code>[A-Z]{2})\.?\s*$")
_STATE_INSIDE = re.compile(r",\s*(?P<code>[A-Z]{2})\s*,?\s+(?=[A-Z])")
_FOOTER_REVISION = re.compile(r"\bRev\w*\s*\S*\d\S*")
_PAGE_NUMBER = re.compile(r"\b\d{1,3}\b")


def agency_of(doc: Document, signed: Sequence[str] = ()) -> tuple[str | None, str | None]:
    """The agency as the Parties paragraph names it (else the page footers, else the
    ``Agency:`` line of its signature block, ``signed``), and a state code it carries.

    The paragraph is read in position order first where that was read (see
    :func:`party_named`), then as the text layer gives it; a name is the party's own
    words up to the clause that follows it, whatever the line breaks (``State of
    Florida, Division of ...``: the division, in Florida)."""
    footers = [
        _split_state(_tidy_name(part))[0]
        for footer in _footer_candidates(doc)
        for part in _FOOTER_PARTS.split(footer)
    ]
    for raw in _party_candidates(doc) + footers + list(signed):
        name, state = _party_name(raw)
        if _good_name(name):
            name = _closest(name, footers + _capitalised_spellings(name, doc.text))
            return _repair_words(name, doc.vocabulary), state
    return None, None


# what sets a footer's parts apart (``Test County Sheriff's Office - Texas``): a dash or
# a bar between spaces, never a hyphen inside a name (``Winston-Salem``)
_FOOTER_PARTS = re.compile(r"\s+[-\u2013\u2014|]\s+")


def party_named(doc: Document) -> bool:
    """Whether the Parties paragraph, as read so far, names the agency (when the text
    layer's order does not, the first pages are read again in position order: a name
    typed into a form field is drawn after the paragraph, out of its place)."""
    return any(_good_name(_party_name(raw)[0]) for raw in _party_candidates(doc))


def _party_name(raw: str) -> tuple[str, str | None]:
    """A party's name and the state it carries. A body acting on behalf of another
    (``the City of Pasadena, Texas, on behalf of the Pasadena Police Department``):
    the party is the one acted for, the agency; its state may be the other's."""
    tidy = _tidy_name(raw)
    parts = _ON_BEHALF.split(tidy, maxsplit=1)
    if len(parts) == 2 and _good_name(_split_state(parts[1])[0]):
        name, state = _split_state(parts[1])
        return _without_state_of(name, state or _split_state(parts[0])[1])
    joint = _joint_party(tidy)
    if joint:
        return joint
    name, state = _split_state(tidy)
    return _without_state_of(name, state)


_ON_BEHALF = re.compile(r",?\s+(?:acting\s+)?(?:for\s+and\s+)?on\s+behalf\s+of\s+(?:the\s+)?", re.I)
_AND = re.compile(r",?\s+(?:and|&)\s+(?:the\s+)?")
_PLACE = r"(?:County|City|Town|Village|Borough|Township|Parish)"
# A government's own name: a county, a city, a town (``Bexar County``, ``City of
# Pasadena``), or its governing body (``Board of County Commissioners``).
_GOVERNMENT = re.compile(
    rf"(?:{_PLACE}|State|Commonwealth|Municipality)\s+of\s+[A-Z].*|[A-Z][\w.'-]*"
    rf"(?:\s+[A-Z][\w.'-]*)*\s+{_PLACE}|.*\b(?:Board\s+of|Commissioners\W*\s+Court"
    r"|Council|Government)\b.*"
)


def _joint_party(name: str) -> tuple[str, str | None] | None:
    """The law enforcement agency among parties named together with ``and`` (``Bexar
    County and Bexar County Sheriff's Office``: a county and its sheriff both party),
    and the state one of them carries: the agencies the names are, each a whole name
    (an agency's or a government's), the first law enforcement agency the 287(g)
    partner. None when the ``and`` joins the words of one name (``Department of Public
    Safety and Corrections``, ``Fish and Wildlife Conservation Commission``: a piece is
    no name of its own) or names no agency."""
    pieces = [_split_state(piece) for piece in _AND.split(name)]
    if len(pieces) < 2:
        return None
    government = [bool(_GOVERNMENT.fullmatch(piece)) for piece, _state in pieces]
    agencies = [
        (piece, state)
        for (piece, state), governs in zip(pieces, government, strict=True)
        if not governs and _good_name(piece)
    ]
    if not agencies or len(agencies) + sum(government) < len(pieces):
        return None
    agency, state = agencies[0]
    return _without_state_of(agency, state or next((s for _p, s in pieces if s), None))


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


def _without_state_of(name: str, state: str | None) -> tuple[str, str | None]:
    """``State of Florida, Division of X`` -> (``Division of X``, ``FL``)."""
    m = _STATE_OF.match(name)
    if not m or not state_code(m["state"]):
        return name, state
    return name[m.end() :], state or state_code(m["state"])


def _party_candidates(doc: Document) -> list[str]:
    found: list[str] = []
    for head in dict.fromkeys((doc.head, "\n".join(p.text for p in doc.pages[:2]))):
        for pattern in _PARTIES:
            found += [m["name"] for m in pattern.finditer(_clean_head(head))]
    return [
        f
        for f in found
        if _AGENCY_WORDS.search(f)
        and not re.match(r"State\s+of\s+\w+\s*$", f)
        and not _CLAUSE_WORDS.search(f)
    ]


@lru_cache(maxsize=8)
def _clean_head(text: str) -> str:
    """The first pages' text cleaned, hyphenated line ends joined (read twice a parse)."""
    return clean_text(_unbreak(text))


def _unbreak(text: str) -> str:
    """Words hyphenated at a line end joined again (``Depart-`` ``ment``)."""
    return re.sub(r"(?<=[a-z])-[ \t]*\r?\n[ \t]*(?=[a-z])", "", text)


def _footer_candidates(doc: Document) -> list[str]:
    """The page footers naming an agency (``Ellis County Sheriffs Office 7 Revised
    ...``), without their revision and page numbers, commonest first."""
    return [line for line in _footer_lines(doc) if _AGENCY_WORDS.search(line) and len(line) < 80]


def _footer_lines(doc: Document) -> list[str]:
    """Lines repeated as page footers, without their revision and page numbers,
    commonest first. A page number changes from page to page: a number a footer
    repeats on every page is the agency's own (``Pct.1``, ``Precinct 4``), and is
    kept."""
    footers = [
        {_FOOTER_REVISION.sub("", clean_text(ln)) for ln in _last_lines(page.text)}
        for page in doc.pages
    ]
    forms: dict[str, list[list[str]]] = {}
    for line in (ln for lines in footers for ln in lines):
        forms.setdefault(_PAGE_NUMBER.sub("#", line), []).append(_PAGE_NUMBER.findall(line))
    counts: Counter[str] = Counter()
    for form, numbers in forms.items():
        line = _trim(_with_numbers(form, numbers))
        if line:
            counts[line] += len(numbers)
    return [line for line, n in counts.most_common() if n >= 2]


def _with_numbers(form: str, numbers: Sequence[Sequence[str]]) -> str:
    """A footer's form with each of its numbers written where every page has the same
    (the agency's), and left out where the pages differ (the page's number)."""
    kept = [column[0] if len(set(column)) == 1 else "" for column in zip(*numbers, strict=True)]
    parts = form.split("#")
    line = "".join(part + number for part, number in zip(parts, [*kept, ""], strict=True))
    return re.sub(r"\s+", " ", line)


def _last_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip()][-4:]


def _trim(line: str) -> str:
    return re.sub(r"[\s.,]+$", "", line).strip()


def _tidy_name(raw: str) -> str:
    name = clean_text(raw).replace("\u2019", "'").strip(" ,.;:'\"")
    name = re.sub(r"^the\s+", "", name, flags=re.I)
    name = re.sub(r"(?<=\w)'\s+s\b", "'s", name)  # a gap read inside ``Sheriff's``
    return re.sub(r"\s+,", ",", name)


def _split_state(name: str) -> tuple[str, str | None]:
    """``Lake City Police Department, FL`` -> (name, ``FL``); also ``Nash County, NC ...``
    and ``..., Florida``."""
    for pattern in (_STATE_SUFFIX, _STATE_INSIDE):
        m = pattern.search(name)
        if m and m["code"] in STATES.values():
            rest = (name[: m.start()] + " " + name[m.end() :]).strip(" ,")
            return re.sub(r"\s+", " ", rest), m["code"]
    m = re.search(r",\s*(?P<state>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s*$", name)
    code = state_code(m["state"]) if m and _STATE_WORD.fullmatch(m["state"]) else None
    return (name[: m.start()], code) if m and code else (name, None)


def _good_name(name: str) -> bool:
    return (
        len(name.split()) >= 2
        and bool(_AGENCY_WORDS.search(name))
        and not re.search(r"[^A-Za-z0-9 .,'&()\-]", name)
        and not re.search(r"[a-z]\d|\d[a-z]", name)
    )


def _repair_words(name: str, vocabulary: Counter[str]) -> str:
    """Mend recognition slips from the document's own spellings (``Countv``, ``Wlnkler``)
    and from the office vocabulary (``Sherifrs``: :mod:`parsers.moa.offices`)."""
    words = [_repair_word(w, vocabulary) for w in name.split()]
    repaired = mend_office_words(" ".join(words))
    return re.sub(r"\bSheriffs\b(?=\s+Office)", "Sheriff's", repaired)


def _repair_word(written: str, vocabulary: Counter[str]) -> str:
    """One word mended, its trailing period kept (``St.``, ``Jr.``: the vocabulary
    counts words without it, so ``St.`` was mended to ``St``)."""
    word = written.rstrip(".")
    return _repaired(word, vocabulary) + written[len(word) :] if word else written


def _repaired(word: str, vocabulary: Counter[str]) -> str:
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


_ADDRESS = re.compile(
    r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)*,\s*(?P<code>[A-Z]{2})\.?(?=\s+\d{5}|\s+Sub\b)"
)
_STATE_NAMED = re.compile(r"\b(?P<name>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?),?\s+(?:\d{5}\b|$)")
_LEA_POC = re.compile(
    r"For\s+the\s+(?!ICE)[^:\n]{2,60}:(?P<body>.{0,400}?)(?=For\s+(?:ICE|DHS)|$)", re.S
)
_NAME_TOKENS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_AGENCY_ABBREVIATIONS = ("DOC", "DPS", "SO", "PD", "SP", "HP", "DOCS")


def state_of(
    doc: Document, agency: str | None, names: Sequence[str], signed: Sequence[str] = ()
) -> str | None:
    """The agency's state: from its name, its own contact address, its signature block
    (``signed``: the lines of the agency's block other than the signer's name), the
    letterhead, the page footers (``Test County Sheriff's Office, Texas``: the agency's
    own document's, typed on each page), the file name or title, else the addresses the
    document gives (ICE's Washington, DC address excluded)."""
    for found in (
        _state_in_name(agency or ""),
        _state_in_poc(doc.text),
        _state_in_lines(signed),
        _state_in_lines(_letterhead(doc)),
        _state_in_lines(_footer_lines(doc)),
        *(_state_in_filename(n) for n in names),
        _state_in_label(doc.title),
        _state_in_addresses(doc.text),
    ):
        if found:
            return found
    return None


_STATE_WORD = re.compile(
    r"\b(?P<name>"
    + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(STATES, key=len, reverse=True))
    + r")\b(?!\s+County)",
    re.I,
)
# what sets a state's name off as a place: the line's start, a comma, ``State of``, or
# a separator between a footer's parts (``Test County Sheriff's Office | Texas``)
_STATE_BEFORE = re.compile(r"(?:^|,|\bState\s+of|\bthe|\s[-\u2013\u2014|])\s*$", re.I)
_STATE_OFFICE = re.compile(
    r"\s+(?:State\s+)?(?:Department|Division|Bureau|Highway|Patrol|Police|Office|Guard"
    r"|Attorney|Commission)\b",
    re.I,
)
_STATE_END = re.compile(r"\s*(?:,(?!\s*D\.?C\b)|\d{5}\b|$)")
_HEADING = re.compile(r"MEMORANDUM|AGREEMENT|PARTIES", re.I)


def _state_in_lines(lines: Sequence[str]) -> str | None:
    """The state a line names as a place (``State of Florida``, ``..., Florida``,
    ``Florida Department of ...``, ``Tallahassee, FL 32399``), first line first."""
    for line in lines:
        line = clean_text(line)
        for m in _STATE_WORD.finditer(line):
            before, after = line[: m.start()], line[m.end() :]
            placed = _STATE_OFFICE.match(after) or _STATE_END.match(after)
            if _STATE_BEFORE.search(before) and placed and state_code(m["name"]) != "DC":
                return state_code(m["name"])
        codes = [a["code"] for a in _ADDRESS.finditer(line) if a["code"] in STATES.values()]
        codes += re.findall(r",\s*([A-Z]{2})\.?\s*$", line)
        codes = [c for c in codes if c in STATES.values() and c != "DC"]
        if codes:
            return codes[0]
    return None


def _letterhead(doc: Document) -> list[str]:
    """The first page's lines above its heading (``MEMORANDUM OF AGREEMENT``)."""
    first = doc.pages[0].reading or doc.pages[0].text if doc.pages else ""
    lines = [ln for ln in first.splitlines() if ln.strip()]
    top = next((i for i, ln in enumerate(lines) if _HEADING.search(ln)), 0)
    return lines[: min(top, 8)]


def _state_in_name(name: str) -> str | None:
    """The state a name names: a state's own agency (its name, then a state office's
    words: ``Texas Department of Public Safety``, ``Florida Highway Patrol``, ``Ohio
    State Highway Patrol``), or a county's with its state after it. Not a place named
    after a state (``Washington Parish``, LA; ``Kansas City``, MO; ``Missouri City``,
    TX; ``Wyoming Police Department``, MI)."""
    for state, code in STATES.items():
        title = state.title()
        if re.match(rf"{title}{_STATE_AGENCY}", name) or re.search(
            rf"\bCounty,?\s+{title}\b", name
        ):
            return code
    return None


_STATE_AGENCY = (
    r"\s+(?:State\s+\w+|Department|Division|Bureau|Highway|Patrol|National\s+Guard"
    r"|Attorney|Commission|Fish|Wildlife|Game|Capitol|Marine)\b"
)


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


def field_office_of(text: str) -> str | None:
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


_REVISED_RAW = re.compile(r"\bRevised\s*:?\s*\d[\d/ .\-]{4,12}\d")
_REVISED = re.compile(r"\bRe\s?v\w{0,6}\s*:?\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4}|\d{2})\b")


def template_revision_of(doc: Document) -> str | None:
    """The ``Revised MM/DD/YYYY`` footer date, by majority over pages, as ISO text; the
    footer's own text when no page gives a clean date."""
    votes: Counter[str] = Counter()
    for page in doc.pages:
        for m in _REVISED.finditer(page.text):
            found = plausible_date(int(m[3]), int(m[1]), int(m[2]))
            if found:
                votes[found.isoformat()] += 1
                break
    if votes:
        return votes.most_common(1)[0][0]
    raw = _REVISED_RAW.search(doc.text)
    return clean_text(raw[0]) if raw else None
