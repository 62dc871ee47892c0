"""Which canonical column each header cell of an agency list names.

A header cell is looked up exactly first: its text, cleaned (case, spaces, underscores and
edge ``:*.#`` ignored), among each column's aliases. Only a cell that misses is read by its
words (runs of letters and digits, so STATEMENT is never STATE), by the first rule of
:data:`WORD_RULES` it meets:

==  ============  ============================================  ==============================
#   column        the words hold                                and
==  ============  ============================================  ==============================
1   (none)        ADDEND*                                       a SIGN or DATE word: the
                                                                addendum's date names no column
2   ADDENDUM      ADDEND*
3   STATUS        STATUS, STANDING
4   ENDED         TERMINATED, TERMINATION, WITHDRAWN,
                  WITHDRAWAL, RESCINDED, RESCISSION
5   SIGNED        SIGN, SIGNED, SIGNING, SIGNATURE, EXECUTED
6   SIGNED        DATE, DATED                                   nothing but MOA words and date
                                                                formats (``Date Added`` is not)
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

(Plurals count as their word.) Filler words (OF, THE, ON, ..., numbers, the G of
``287(g)``) go with any rule. No rule reads a cell that is not a label: one of more than
:data:`MAX_HEADER_WORDS` words (a sentence), one holding a word of :data:`VETO_WORDS` (an
attribute the list does not carry, such as a website or a phone number, or the noun of an
agency's name, such as SHERIFF), one naming a state, or one that reads as a support model
(``Task Force Model``): a data row is never taken for a header.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from parsers.normalize import clean_text, model_code
from parsers.states import STATES
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
    ADDENDUM: ("ADDENDUM", "ADDENDUM LINK", "ADDENDA", "ADDENDUMS", "MOA ADDENDUM"),
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
VETO_WORDS = _words_of(
    # attributes an agency list does not carry
    "ADDRESS CONTACT EMAIL MAIL PHONE TELEPHONE FAX WEBSITE WEB ID NUMBER FIPS POPULATION "
    "COUNT FIELD ERO AOR "
    # nouns of agencies' names: such a cell is an agency, not a column
    "SHERIFF SHERIFFS POLICE MARSHAL MARSHALS CONSTABLE CORRECTIONS CORRECTIONAL JAIL PATROL "
    "TROOPERS COMMISSIONERS"
)
_STATE_NAMES = tuple(f" {' '.join(_WORD.findall(name))} " for name in STATES)

_SIGN = frozenset({"SIGN", "SIGNED", "SIGNING", "SIGNATURE", "SIGNATURES", "EXECUTED"})
_DATE = frozenset({"DATE", "DATES", "DATED"})
_MOA = frozenset({"MOA", "MOAS", "MEMORANDUM", "MEMORANDA", "AGREEMENT", "AGREEMENTS"})
_KINDS = frozenset({"TYPE", "TYPES", "CATEGORY", "CATEGORIES", "KIND"})
_AGENCY = frozenset({"AGENCY", "AGENCIES", "LEA", "LEAS", "DEPARTMENT", "OFFICE"})
_DATE_FORMATS = frozenset({"MM", "DD", "YY", "YYYY", "M", "D"})


@dataclass(frozen=True)
class WordRule:
    """A header names ``column`` (None: no column) when its words hold one of
    ``keywords`` (``ADDEND*``: a prefix), one of ``partners`` if any, none of ``unless``,
    and, when ``only_with`` is given, no word beyond those, ``only_with`` and filler."""

    column: str | None
    keywords: frozenset[str]
    partners: frozenset[str] = frozenset()
    unless: frozenset[str] = frozenset()
    only_with: frozenset[str] | None = None

    def matches(self, words: tuple[str, ...]) -> bool:
        if not any(_is_one_of(word, self.keywords) for word in words):
            return False
        if self.partners and not any(_is_one_of(word, self.partners) for word in words):
            return False
        if any(_is_one_of(word, self.unless) for word in words):
            return False
        if self.only_with is None:
            return True
        allowed = self.keywords | self.partners | self.only_with
        return all(_is_one_of(word, allowed) or _is_filler(word) for word in words)


def _rule(column: str | None, keywords: str, **sets: frozenset[str]) -> WordRule:
    return WordRule(column, _words_of(keywords), **sets)


WORD_RULES: tuple[WordRule, ...] = (
    _rule(None, "ADDEND*", partners=_SIGN | _DATE),
    _rule(ADDENDUM, "ADDEND*"),
    _rule(STATUS, "STATUS STANDING"),
    _rule(ENDED, "TERMINATED TERMINATION WITHDRAWN WITHDRAWAL RESCINDED RESCISSION"),
    _rule(SIGNED, " ".join(_SIGN)),
    _rule(SIGNED, " ".join(_DATE), only_with=_MOA | _DATE_FORMATS),
    _rule(SUPPORT, "MODEL MODELS SUPPORT"),
    _rule(SUPPORT, " ".join(_KINDS), partners=_MOA | {"PROGRAM"}),
    _rule(TYPE, " ".join(_KINDS)),
    _rule(TYPE, "JURISDICTION", partners=_AGENCY),
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
    """A header cell's text as it is looked up: upper case, spaces and ``_`` folded."""
    text = clean_text(value).upper().replace("_", " ").strip(" :*.#")
    return " ".join(text.split())


def header_words(text: str) -> tuple[str, ...]:
    """The words of a :func:`header_text`: its runs of letters and digits."""
    return tuple(_WORD.findall(text))


def name_by_words(text: str) -> str | None:
    """The column a header text names by its words (see the module's rule table)."""
    words = header_words(text)
    if not words or len(words) > MAX_HEADER_WORDS or not _is_label(text, words):
        return None
    return next((rule.column for rule in WORD_RULES if rule.matches(words)), None)


def _is_label(text: str, words: tuple[str, ...]) -> bool:
    """False for a cell that reads as a value of the list rather than a column's name."""
    if not VETO_WORDS.isdisjoint(words):
        return False
    spaced = f" {' '.join(words)} "
    return not any(name in spaced for name in _STATE_NAMES) and model_code(text) is None


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
    where each canonical column is, and notes on cells unknown, read by words or repeated."""

    columns: tuple[str, ...]
    positions: dict[str, int]
    notes: list[str]


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


def read_header_row(cells: Sequence[CellValue]) -> HeaderRow:
    """Read a row as a header. When two cells name one column, an exact name beats one
    read by its words, else the first is used; the other is noted as ignored."""
    names: list[str] = []
    used: dict[str, tuple[int, str, bool]] = {}  # column -> (index, text, read by words)
    notes: list[str] = []
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
            notes.append(f"unknown column {text!r} (column {letter})")
            names.append(text)
            continue
        if by_words:
            notes.append(f"column {letter} {text!r} read as {name!r} by its words")
        current, first = (index, text, by_words), used.get(name)
        if first is None:
            used[name] = current
        else:  # an exact name beats one read by words; else the first cell is kept
            kept, ignored = (current, first) if first[2] and not by_words else (first, current)
            used[name] = kept
            notes.append(_duplicate_note(name, ignored, kept))
        names.append(name)
    return HeaderRow(tuple(names), {name: at[0] for name, at in used.items()}, notes)


def _duplicate_note(name: str, ignored: tuple[int, str, bool], kept: tuple[int, str, bool]) -> str:
    return (
        f"duplicate column {name!r} (column {column_letter(ignored[0])}, {ignored[1]!r}) "
        f"ignored; column {column_letter(kept[0])} ({kept[1]!r}) used"
    )
