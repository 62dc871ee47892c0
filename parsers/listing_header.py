"""Which canonical column each header cell of an agency list names.

A header cell is looked up exactly first: its text, cleaned (case, spaces, underscores and
edge ``:*.#`` ignored), among each column's aliases. Only a cell that misses is read by its
words (runs of letters and digits, so STATEMENT is never STATE), by the first rule of
:data:`WORD_RULES` it meets:

==  ============  ============================================  ==============================
#   column        the words hold                                and
==  ============  ============================================  ==============================
1   STATUS        STATUS, STANDING
1a  (none)        AGREEMENTS, MOAS, AGENCIES, LEAS last         an ending word: a table's
                  (``Withdrawn Agreements``)                    title, not a row's ending
2   ENDED         TERMINATED, TERMINATION, WITHDRAWN,
                  WITHDRAWAL, RESCINDED, RESCISSION
2a  (none)        OFFICIAL, SIGNATORY, SIGNER, SIGNEE last,     no DATE word: a person, who
                  or BY ending it (``Signed By``)               signed, not when
2b  (none)        NAME, TITLE last                              a SIGN or 2a word, no DATE or
                                                                AGENCY word: a person's
3   ADDENDUM      ADDEND*, AMENDMENT last (``Signed Addendum``, no DATE word
                  ``MOA Amendment``)
4   (none)        ADDEND*, AMENDMENT                            a SIGN or DATE word: the
                                                                addendum's date names no column
5   ADDENDUM      ADDEND*, AMENDMENT
5a  MOA           MOA, MEMORANDUM, AGREEMENT last               no DATE word
                  (``Signed MOA``, ``Executed Agreement``)
5b  SIGNED        SIGN, SIGNED, SIGNING, SIGNATURE, EXECUTED
6   SIGNED        DATE, DATED                                   nothing but MOA words and date
                                                                formats (``Date Added`` is not)
6a  SIGNED        EFFECTIVE                                     a DATE or MOA word, nothing
                                                                else but date formats
7   SUPPORT TYPE  MODEL, SUPPORT
8   SUPPORT TYPE  TYPE, CATEGORY, KIND                          an MOA or PROGRAM word
9   TYPE          TYPE, CATEGORY, KIND
10  TYPE          JURISDICTION                                  an AGENCY word
11  MOA           MOA, MEMORANDUM, AGREEMENT                    no DATE word
12  MOA           LINK, URL                                     nothing else but PDF
13  AGENCY        AGENCY, LEA, DEPARTMENT, OFFICE
14  COUNTY        COUNTY, PARISH, BOROUGH
15  STATE         STATE, TERRITORY
16  STATE         ST                                            nothing else
17  AGENCY        NAME                                          nothing else
==  ============  ============================================  ==============================

(Plurals count as their word. *Last*: the header's head noun, its last word before any
preposition, filler, formats such as PDF and words in parentheses aside: ``Signed MOA``
is a document, ``MOA Signed`` and ``Date of Signed MOA`` are dates.) Filler words (OF,
THE, ON, ..., numbers, the G of ``287(g)``) go with any rule. No rule reads a cell that is
not a label: one of more than :data:`MAX_HEADER_WORDS` words (a sentence), one holding a
word of :data:`VETO_WORDS` (an attribute the list does not carry, such as a website or a
phone number, or the noun of an agency's name, such as SHERIFF), one naming a state, or
one that reads as a support model (``Task Force Model``): a data row is never taken for
a header.

Dates: a column is SIGNED only when its header names the signing (a SIGN word), the MOA
itself (``MOA Date``, ``Date of Agreement``: an MOA is dated by its signing), or the MOA
taking effect (``Effective Date``, ``MOA Effective Date``): ICE's MOA says it "becomes
effective upon signature of both parties", so its effective date is the date its last
party signed, the record's ``signed`` (read so by its words, with a warning; when a
list has both, the column naming the signing is used: :attr:`_Named.rank`). A date of
any other event is never SIGNED: the list's own (``Date Added``, ``Last Updated``), the
term's end or renewal (``Expiration Date``, ``Renewal Date``), another document's
(``Addendum Date``), an application's, and a start that names no event (``Start
Date``, ``Date Joined``: of the term, the training, the listing?). A signing date misread
is a false change or a false agreement; one not read costs only the date, and the list
says it has no SIGNED column (:mod:`parsers.sheet_header`).

The agency: an agency list's rows are agreements, each with one party, whose name the
AGENCY column gives. A header that names no agency column (no cell read as AGENCY) but
one cell naming the party by another word, alone or with NAME, PARTICIPATING or PARTNER
(``Jurisdiction``, ``Jurisdiction Name``, ``Entity``, ``Participating Entity``,
``Organization``: :data:`PARTY_WORDS`), reads that cell as AGENCY, with a warning; two
such cells name no agency column (which one names the party is not said). Beside an
agency column such a cell is no name: it stays a column no rule knows (its cells may
say what it is: counties, :mod:`parsers.sheet_header`), and ``Jurisdiction Type`` is the
agency's TYPE.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import NamedTuple

from parsers.normalize import clean_text, model_code, without_footnote_marks
from parsers.states import STATES
from parsers.status_words import AGENCY_NOUNS
from parsers.xlsx import CellValue

STATE, AGENCY, TYPE, COUNTY = "STATE", "AGENCY", "TYPE", "COUNTY"
SUPPORT, SIGNED, MOA, ADDENDUM = "SUPPORT TYPE", "SIGNED", "MOA", "ADDENDUM"
STATUS, ENDED = "STATUS", "ENDED"
CANONICAL_COLUMNS = (STATE, AGENCY, TYPE, COUNTY, SUPPORT, SIGNED, MOA, ADDENDUM, STATUS, ENDED)

_ALIASES: dict[str, tuple[str, ...]] = {
    STATE: ("STATE", "STATE NAME", "ST"),
    AGENCY: (
        "LAW ENFORCEMENT AGENCY",
        "LAW ENFORCEMENT AGENCY NAME",
        "AGENCY",
        "AGENCY NAME",
        "LEA",
        "PARTICIPATING AGENCY",
    ),
    TYPE: ("TYPE", "AGENCY TYPE", "LEA TYPE", "JURISDICTION TYPE"),
    COUNTY: ("COUNTY", "COUNTY NAME", "PARISH", "COUNTY/PARISH", "COUNTY OR PARISH"),
    SUPPORT: (
        "SUPPORT TYPE",
        "SUPPORT",
        "MODEL",
        "SUPPORT MODEL",
        "287(G) MODEL",
        "TYPE OF SUPPORT",
    ),
    SIGNED: (
        "SIGNED",
        "DATE SIGNED",
        "SIGNED DATE",
        "SIGNATURE DATE",
        "MOA SIGNED",
        "DATE MOA SIGNED",
    ),
    MOA: ("MOA", "MOA LINK", "MEMORANDUM OF AGREEMENT"),
    ADDENDUM: (
        "ADDENDUM",
        "ADDENDUM LINK",
        "ADDENDA",
        "ADDENDUMS",
        "MOA ADDENDUM",
        "AMENDMENT",
        "MOA AMENDMENT",
    ),
    STATUS: ("STATUS", "AGREEMENT STATUS", "MOA STATUS", "CURRENT STATUS", "APPLICATION STATUS"),
    ENDED: ("TERMINATED", "DATE TERMINATED", "TERMINATION DATE", "WITHDRAWN", "DATE WITHDRAWN"),
}
HEADER_NAMES: dict[str, str] = {
    alias: name for name, aliases in _ALIASES.items() for alias in aliases
}
AGENCY_HEADERS = frozenset(_ALIASES[AGENCY])

MAX_HEADER_WORDS = 8
_WORD = re.compile(r"[A-Z0-9]+")


def _words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FILLER = _words_of("A AN AND AS AT BY FOR G IN OF ON OR THE TO WITH")
_PREPOSITIONS = _words_of("AS AT BY FOR IN OF ON TO WITH")
_FORMATS = _words_of("PDF LINK LINKS URL DOCUMENT COPY")
_PARENTHESES = re.compile(r"\([^()]*\)")
_ALTERNATIVES = re.compile(r"\s*/\s*|\s+OR\s+")
# how to reach an agency (a contact, a point of contact, a phone, an email, an address):
# a directory's columns, never an agreement's
CONTACT_WORDS = _words_of(
    "CONTACT CONTACTS POC POCS PHONE PHONES TELEPHONE TELEPHONES EMAIL EMAILS MAIL FAX FAXES "
    "ADDRESS ADDRESSES"
)
VETO_WORDS = (
    CONTACT_WORDS  # attributes an agency list does not carry
    | _words_of("WEBSITE WEB ID NUMBER FIPS POPULATION COUNT FIELD ERO AOR")
    | {noun.upper() for noun in AGENCY_NOUNS}  # such a cell is an agency, not a column
)
_STATE_NAMES = tuple(f" {' '.join(_WORD.findall(name))} " for name in STATES)

_SIGN = frozenset({"SIGN", "SIGNED", "SIGNING", "SIGNATURE", "SIGNATURES", "EXECUTED", "EXECUTION"})
_DATE = frozenset({"DATE", "DATES", "DATED"})
_MOA = frozenset({"MOA", "MOAS", "MEMORANDUM", "MEMORANDA", "AGREEMENT", "AGREEMENTS"})
_KINDS = frozenset({"TYPE", "TYPES", "CATEGORY", "CATEGORIES", "KIND"})
_AGENCY = frozenset({"AGENCY", "AGENCIES", "LEA", "LEAS", "DEPARTMENT", "OFFICE"})
_DATE_FORMATS = frozenset({"MM", "DD", "YY", "YYYY", "M", "D"})
_EFFECT = frozenset({"EFFECTIVE"})
# the party of an agreement named by another word than an agency's (see the docstring)
PARTY_WORDS = frozenset(
    {"JURISDICTION", "JURISDICTIONS", "ENTITY", "ENTITIES", "ORGANIZATION", "ORGANIZATIONS"}
    | {"ORGANISATION", "ORGANISATIONS"}
)
_PARTY_WITH = frozenset({"NAME", "NAMES", "PARTICIPATING", "PARTNER"})
# another document than the MOA and its addenda (an extension, a renewal), or the end of
# the agreement's term: a column of that, or of its date, is neither the MOA nor SIGNED
_OTHER_TERM = "EXTENSION* RENEWAL* MODIFICATION* EXPIR*"


@dataclass(frozen=True)
class WordRule:
    """A header names ``column`` (None: no column) when its words hold one of
    ``keywords`` (``ADDEND*``: a prefix), one of ``partners`` if any, none of ``unless``,
    and, when ``only_with`` is given, no word beyond those, ``only_with`` and filler;
    with ``last``, a keyword is the last word that is not filler (the head noun)."""

    column: str | None
    keywords: frozenset[str]
    partners: frozenset[str] = frozenset()
    unless: frozenset[str] = frozenset()
    only_with: frozenset[str] | None = None
    last: bool = False

    def matches(self, words: tuple[str, ...], head: str = "") -> bool:
        """Whether a header of these words, with this head noun, names the column."""
        if not any(_is_one_of(word, self.keywords) for word in words):
            return False
        if self.last and not _is_one_of(head, self.keywords):
            return False
        if self.partners and not any(_is_one_of(word, self.partners) for word in words):
            return False
        if any(_is_one_of(word, self.unless) for word in words):
            return False
        if self.only_with is None:
            return True
        allowed = self.keywords | self.partners | self.only_with
        return all(_is_one_of(word, allowed) or _is_filler(word) for word in words)


def _head(words: tuple[str, ...]) -> str:
    """The head noun (of a text without its parenthesised words): the last word before a
    preposition that is neither filler nor a format (``Signed MOA PDF of 2025``: MOA;
    ``Addendum to MOA``: ADDENDUM), looked for past the preposition when the words
    before it are only a format (``Link to Signed MOA``: MOA); BY when it ends the
    header (``Signed By``: its cells are the agent, as a head noun's would be)."""
    if words[-1:] == ("BY",):
        return "BY"  # ``Signed By``: the cell names who, as a head noun would
    phrase = list(itertools.takewhile(lambda word: word not in _PREPOSITIONS, words))
    kept = [word for word in phrase if not _is_filler(word) and word not in _FORMATS]
    if kept or len(phrase) == len(words):
        return kept[-1] if kept else ""
    return _head(words[len(phrase) + 1 :])


def _rule(
    column: str | None, keywords: str, last: bool = False, **sets: frozenset[str]
) -> WordRule:
    return WordRule(column, _words_of(keywords), last=last, **sets)


_ENDINGS = "TERMINATED TERMINATION WITHDRAWN WITHDRAWAL RESCINDED RESCISSION"
# A person, who signed (the head noun, or BY ending the header: its cells are the
# signer), not when: a column of people's names is no date's, nor a document's.
_PERSONS = _words_of("OFFICIAL OFFICIALS SIGNATORY SIGNATORIES SIGNER SIGNERS SIGNEE BY")

# rows in the plural as the head noun: a set of rows (a table's title, ``Withdrawn
# agreements`` over a table beside the list), not a property of each row, unless the
# header asks each row a question (``_ASKS``)
_TABLE_TITLE = _rule(None, "AGREEMENTS MOAS AGENCIES LEAS", last=True, partners=_words_of(_ENDINGS))

WORD_RULES: tuple[WordRule, ...] = (
    _rule(STATUS, "STATUS STANDING"),
    _TABLE_TITLE,
    _rule(ENDED, _ENDINGS),
    _rule(None, " ".join(_PERSONS), last=True, unless=_DATE),
    _rule(
        None,
        "NAME NAMES TITLE TITLES",
        last=True,
        partners=_SIGN | _PERSONS,
        unless=_DATE | _AGENCY,
    ),
    _rule(ADDENDUM, "ADDEND* AMENDMENT AMENDMENTS", last=True, unless=_DATE),
    _rule(None, "ADDEND* AMENDMENT AMENDMENTS", partners=_SIGN | _DATE),
    _rule(ADDENDUM, "ADDEND* AMENDMENT AMENDMENTS"),
    _rule(None, _OTHER_TERM),
    _rule(MOA, " ".join(_MOA), last=True, unless=_DATE),
    _rule(SIGNED, " ".join(_SIGN)),
    _rule(SIGNED, " ".join(_DATE), only_with=_MOA | _DATE_FORMATS),
    # the MOA becomes effective upon its parties' signatures: its effective date is that
    _rule(SIGNED, "EFFECTIVE", partners=_DATE | _MOA, only_with=_DATE_FORMATS),
    _rule(SUPPORT, "MODEL MODELS SUPPORT"),
    _rule(SUPPORT, " ".join(_KINDS), partners=_MOA | {"PROGRAM"}),
    _rule(TYPE, " ".join(_KINDS)),
    _rule(TYPE, "JURISDICTION", last=True, partners=_AGENCY),
    _rule(MOA, " ".join(_MOA), unless=_DATE),
    _rule(MOA, "LINK LINKS URL", only_with=frozenset({"PDF"})),
    _rule(AGENCY, " ".join(_AGENCY)),
    _rule(COUNTY, "COUNTY COUNTIES PARISH PARISHES BOROUGH BOROUGHS"),
    _rule(STATE, "STATE STATES TERRITORY TERRITORIES"),
    _rule(STATE, "ST", only_with=frozenset()),
    _rule(AGENCY, "NAME NAMES", only_with=frozenset()),
)
KEYWORDS = frozenset(word for rule in WORD_RULES for word in rule.keywords)


def _is_one_of(word: str, words: frozenset[str]) -> bool:
    return word in words or any(w[-1] == "*" and word.startswith(w[:-1]) for w in words)


def _is_filler(word: str) -> bool:
    return word in _FILLER or word.isdigit()


def header_text(value: object) -> str:
    """A header cell's text as it is looked up: upper case, spaces and ``_`` folded,
    footnote marks ending it taken off (``SIGNED¹``, ``Date Signed†``: a mark points to
    a note, and a superscript digit flattened was another word, ``SIGNED1``)."""
    if isinstance(value, str):
        value = without_footnote_marks(value)
    text = clean_text(value).upper().replace("_", " ").strip(" :*.#")
    return " ".join(text.split())


def header_words(text: str) -> tuple[str, ...]:
    """The words of a :func:`header_text`: its runs of letters and digits."""
    return tuple(_WORD.findall(text))


@functools.lru_cache(maxsize=4096)
def name_by_words(text: str) -> str | None:
    """The column a header text names by its words (see the module's rule table). A
    header of alternatives (``Agency / Jurisdiction``, ``State or Territory``: outside
    parentheses) names what its first names, when that names a column. Remembered: a
    sheet's header candidates are looked up in every file, and lists repeat them."""
    words = header_words(text)
    if not words or len(words) > MAX_HEADER_WORDS or not _is_label(text, words):
        return None
    first, *others = _ALTERNATIVES.split(_PARENTHESES.sub(" ", text))
    if others and (named := name_by_words(first.strip())) is not None:
        return named
    head = _head(header_words(_PARENTHESES.sub(" ", text)))
    asks = _ASKS.search(text)  # a question to each row: no table's title
    rules = [rule for rule in WORD_RULES if not (asks and rule is _TABLE_TITLE)]
    return next((rule.column for rule in rules if rule.matches(words, head)), None)


# A header asking each row a question (``Withdrawn Agreements (Y/N)``, ``Terminated
# MOAs?``): a column of each row's answer, whatever its head noun says.
_ASKS = re.compile(r"\?|\bY(?:ES)?\s*/\s*N(?:O)?\b")


def _is_label(text: str, words: tuple[str, ...]) -> bool:
    """False for a cell that reads as a value of the list rather than a column's name.
    A header naming a signing's date (a SIGN word and a DATE word) names it whoever
    signed (``Date Signed by ERO``, ``... by Sheriff``: the veto of a field office or an
    agency's noun read every date as none, the list as the pending one)."""
    dated_signing = not _SIGN.isdisjoint(words) and not _DATE.isdisjoint(words)
    if not VETO_WORDS.isdisjoint(words) and not dated_signing:
        return False
    spaced = f" {' '.join(words)} "
    return not any(name in spaced for name in _STATE_NAMES) and model_code(text) is None


def names_signing(text: str) -> bool:
    """Whether a SIGNED column's header names the signing, the MOA or its taking effect
    (``Date Signed``, ``MOA Date``, ``Effective Date``: no application has one), not
    only a date (``Date``), which may be of another event."""
    return any(_is_one_of(word, _SIGN | _MOA | _EFFECT) for word in header_words(text))


def names_a_date(text: str) -> bool:
    """Whether a header's words say its column holds dates (``Start Date``)."""
    return any(word in _DATE for word in header_words(text))


def _names_the_signing(name: str, text: str) -> bool:
    """Whether a header read as ``name`` names the signing itself: any column but
    SIGNED, and SIGNED by a SIGN word (``Date Signed``, not ``Effective Date``)."""
    return name != SIGNED or any(word in _SIGN for word in header_words(text))


def header_name(value: object) -> str | None:
    """Canonical column of a header cell (``'LAW ENFORCEMENT AGENCY '`` -> AGENCY), by its
    exact text, else by its words; None for a column the list does not know."""
    text = header_text(value)
    return HEADER_NAMES.get(text) or name_by_words(text)


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class HeaderRow:
    """What the cells of one row name: every named cell's column (its text when unknown),
    where each canonical column is, the cells no column knows (by column), and notes on
    cells unknown, read by words or repeated."""

    columns: tuple[str, ...]
    positions: dict[str, int]
    notes: list[str]
    unknown: dict[int, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # each named column's header text


def unknown_column_note(text: str, column: int) -> str:
    return f"unknown column {text!r} (column {column_letter(column)})"


def joined_header(top: Sequence[CellValue], lower: Sequence[CellValue]) -> list[str]:
    """A header written over two rows as one row of texts: each column's words, the top
    cell's then the lower row's own cell's (``lower``: :func:`own_cells`)."""
    return [
        " ".join(filter(None, (header_text(upper), header_text(below))))
        for upper, below in itertools.zip_longest(top, lower)
    ]


def own_cells(top: Sequence[CellValue], bottom: Sequence[CellValue]) -> list[CellValue]:
    """The cells of the lower of two header rows that are its own: a cell repeating the
    one above it (a name merged down both rows, read in each) is the upper's, None."""
    return [
        None if column < len(top) and header_text(value) == header_text(top[column]) else value
        for column, value in enumerate(bottom)
    ]


def read_header_row(
    cells: Sequence[CellValue], hidden: AbstractSet[int] = frozenset()
) -> HeaderRow:
    """Read a row as a header. When two cells name one column, a visible column beats a
    hidden one (a stale copy kept out of sight: ``hidden`` are the sheet's hidden
    columns), then an exact name beats one read by its words, then a SIGNED header
    naming the signing beats one naming a date it stands for (``Effective Date``),
    else the first is used; the other is noted as ignored. Without an AGENCY cell, the
    one cell naming the agreement's party in other words is the AGENCY column
    (:func:`_party_column`)."""
    names: list[str] = []
    used: dict[str, _Named] = {}
    notes: list[str] = []
    unknown: dict[int, str] = {}
    for index, value in enumerate(cells):
        text = header_text(value)
        if not text:
            continue
        name = HEADER_NAMES.get(text)
        by_words = name is None
        if name is None:
            name = name_by_words(text)
        letter = column_letter(index)
        if name is None:
            notes.append(unknown_column_note(text, index))
            names.append(text)
            unknown[index] = text
            continue
        if by_words:
            notes.append(f"column {letter} {text!r} read as {name!r} by its words")
        current = _Named(index, text, by_words, index in hidden, name)
        first = used.get(name)
        if first is None:
            used[name] = current
        else:
            kept, ignored = (current, first) if current.rank < first.rank else (first, current)
            used[name] = kept
            notes.append(_duplicate_note(name, ignored, kept))
        names.append(name)
    if AGENCY not in used and (party := _party_column(unknown)) is not None:
        text = unknown.pop(party)
        used[AGENCY] = _Named(party, text, True, party in hidden, AGENCY)
        notes.remove(unknown_column_note(text, party))
        notes.append(
            f"column {column_letter(party)} {text!r} read as {AGENCY!r}: no column names the "
            "agency, and this one names each agreement's party"
        )
        names = [AGENCY if name == text else name for name in names]
    positions = {name: at.column for name, at in used.items()}
    texts = {name: at.text for name, at in used.items()}
    return HeaderRow(tuple(names), positions, notes, unknown, texts)


def names_party(text: str) -> bool:
    """Whether a header text no rule reads names an agreement's party in other words
    than an agency's: a word of :data:`PARTY_WORDS`, alone or with NAME, PARTICIPATING,
    PARTNER and filler (``Jurisdiction``, ``Name of Entity``, ``Participating
    Organization``; not ``Jurisdiction Type`` or ``Entity Address``)."""
    words = header_words(_PARENTHESES.sub(" ", text))
    return (
        bool(words)
        and not PARTY_WORDS.isdisjoint(words)
        and all(w in PARTY_WORDS or w in _PARTY_WITH or _is_filler(w) for w in words)
    )


def _party_column(unknown: dict[int, str]) -> int | None:
    """The one column, among those no rule knows, headed by a name of the agreement's
    party (:func:`names_party`); None when none is, or more than one (which one names
    the party, the list does not say), or when another such column's header names an
    agency's kind (``Sheriff / Police Department``, ``Participating Law Enforcement``:
    that one may hold the names, the party column the places)."""
    found = [column for column, text in unknown.items() if names_party(text)]
    others = (text for column, text in unknown.items() if column not in found)
    if any(_AGENCY_KIND.intersection(header_words(text)) for text in others):
        return None
    return found[0] if len(found) == 1 else None


# words of a header naming an agency's kind, or the party in other words than PARTY_WORDS
_AGENCY_KIND = frozenset(
    {noun.upper() for noun in AGENCY_NOUNS}
    | {"LAW", "ENFORCEMENT", "PARTICIPANT", "PARTICIPANTS", "PARTNER", "PARTNERS"}
    | {"SIGNATORY", "SIGNATORIES", "DEPARTMENT", "DEPARTMENTS", "OFFICE", "OFFICES"}
)


class _Named(NamedTuple):
    """A header cell that names a canonical column."""

    column: int
    text: str
    by_words: bool
    hidden: bool
    name: str = ""

    @property
    def rank(self) -> tuple[bool, bool, bool]:
        """Lower is preferred: visible, then named exactly, then naming the signing
        itself (a SIGNED column: ``Date Signed`` before ``Effective Date``)."""
        return (self.hidden, self.by_words, not _names_the_signing(self.name, self.text))

    @property
    def where(self) -> str:
        return f"column {column_letter(self.column)}" + (", hidden" if self.hidden else "")


def _duplicate_note(name: str, ignored: _Named, kept: _Named) -> str:
    return (
        f"duplicate column {name!r} ({ignored.where}, {ignored.text!r}) ignored; "
        f"{kept.where} ({kept.text!r}) used"
    )
