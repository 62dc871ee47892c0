"""What each cell of an agency list says, read by stated rules (``parsers/normalize.py``):
one memoised pure function per column, of the cell's value alone. The row reader
(``parsers/xlsx_listing.py``) calls one per column of every row, so a row costs one
cache lookup per column.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import TypeAlias

from parsers.agency_types import agency_type
from parsers.dates import parse_date
from parsers.listing_header import AGENCY_HEADERS
from parsers.normalize import (
    COUNTY_WORDS,
    FOOTNOTE_MARKS,
    agency_key,
    clean_text,
    end_given,
    is_null,
    model_code,
    model_codes,
    model_not_in_force,
    says_nothing_but_a_state,
    state_code,
    without_footnote_marks,
)
from parsers.sheet_header import is_blank
from parsers.status_words import (
    TITLE_WORDS,
    applying_status,
    ended_status,
    ended_value,
    names_a_body,
    of_the_list,
)
from parsers.xlsx import CellValue

# A link written in a cell's text: http(s), its scheme's slashes one or two (``https:/``,
# as a copy from a PDF viewer writes it), after a viewer extension's prefix if any
# (``chrome-extension://<id>/https:/www.ice.gov/...``, read as the hyperlink is).
_URL = re.compile(r"(?:chrome-extension://[^\s/]+/)?https?:/{1,2}[^\s<>\"']+", re.IGNORECASE)
_OLDEST_PLAUSIBLE = date(1995, 1, 1)
# What a cell gives is a pure function of its value, memoised: the lists repeat states,
# models, types, dates and link texts, and the same agencies from one version of a list
# to the next. Keys compare as dict keys do (1 == 1.0, read alike), bools are read as
# text first (True == 1), and an untyped key is the value itself, made at no cost. The
# memo is small (no memo sees 1,600 distinct values in the whole corpus), so few
# values of past sheets are kept.
_memo = functools.lru_cache(maxsize=1 << 12)
Signed: TypeAlias = tuple[date | None, str | None, tuple[str, ...]]


@_memo
def cell_text(value: CellValue) -> str:
    """Text of a cell as a person reads it (dates as ISO dates)."""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(value)


def cell_texts(cells: list[CellValue]) -> list[str]:
    """The texts of a row's cells that are not blank."""
    return [t for t in (cell_text(v) for v in cells if v.__class__ is not bool) if t]


@_memo
def state_cell(value: CellValue) -> tuple[str, str | None]:
    text = cell_text(value)
    return text, state_code(text)


@_memo
def agency_cell(value: CellValue) -> tuple[str, bool]:
    """(name, whether it reads as the agency column's header). A cell without a letter
    names no agency (a count on a subtotal row, ``4``; a dash): read as empty. A cell
    of several lines sets each line apart (:func:`lines_set_apart`)."""
    if isinstance(value, str):
        value = lines_set_apart(without_footnote_marks(value))
    text = cell_text(value)
    if not any(char.isalpha() for char in text) or is_null(text):
        return "", False
    return text, text.upper() in AGENCY_HEADERS


# A footnote mark (a symbol or a superscript digit) beginning a cell: the note it marks.
_LEADING_MARK = re.compile(f"^\\s*[{FOOTNOTE_MARKS}]")


@_memo
def note_cell(value: CellValue) -> str | None:
    """What an agency cell holds in place of an agency's name, or None for a name. An
    agreement is an agency's, so a row whose agency cell names none lists no agreement,
    whatever its other cells hold (its state cell, given or carried, a date, a model):
    a footnote (a mark, then words naming no public body: ``* The addendum was signed in
    2021``; ``Harris County Sheriff's Office*`` is a name marked), the list speaking of
    itself (:func:`status_words.of_the_list`: ``Total: 1``, ``Last updated``, ``Source:
    ICE``, ``Page 1 of 3``; a label before a colon, or naming no public body: ``Sum
    Police Department`` is one), or
    a sentence naming no public body (:func:`is_sentence`: a long name ending with a
    period, ``... Sheriff's Office.``, is a name)."""
    if not isinstance(value, str):
        return None
    text = cell_text(value)
    if _LEADING_MARK.match(value) and not names_a_body(text):
        return "a footnote"
    if of_the_list(text) and (":" in text or not names_a_body(text)):
        return "the list's own words (its total, date, source, page or notes)"
    return "a sentence" if is_sentence(text) and not names_a_body(text) else None


def is_sentence(text: str) -> bool:
    """Whether a cell holds a sentence (a note: more than a title's words, ended by a
    full stop), not a name."""
    return len(text.split()) > TITLE_WORDS and text.rstrip().endswith((".", "!", "?"))


# What ends a line, or begins the next, that sets off what follows already.
_SETS_OFF = frozenset(",;:-|(/\u2013\u2014")


def lines_set_apart(text: str) -> str:
    """A name written on several lines of its cell, each line after the first set off
    as a dash between spaces sets it off: a line break is a separator (``Ocala Police
    Department⏎Marion County`` is ``Ocala Police Department - Marion County``, its county
    set off; ``...⏎WSO``, its model restated), unless the line ends, or the next begins,
    with punctuation that sets off already; a line wrapped inside a name keeps its words
    (a name's key folds the dash)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return text
    joined = lines[0]
    for line in lines[1:]:
        set_off = joined[-1] in _SETS_OFF or line[0] in _SETS_OFF or line[0] == ")"
        joined += (" " if set_off else " - ") + line
    return joined


@_memo
def model_cell(value: CellValue) -> tuple[str, str | None]:
    text = cell_text(value)
    return text, model_code(text)


models_cell = _memo(model_codes)
model_status_cell = _memo(model_not_in_force)  # a model cell saying ended or pending


@_memo
def status_cell(value: CellValue) -> str | None:
    return ended_status(cell_text(value))


@_memo
def value_ended_cell(value: CellValue) -> str | None:
    return ended_value(cell_text(value))


@_memo
def applying_cell(value: CellValue) -> str | None:
    return applying_status(cell_text(value))


@_memo
def end_cell(value: CellValue) -> str | None:
    """A TERMINATED or WITHDRAWN cell's text when it says the row's agreement ended
    (:func:`end_given`: a date, a mark, ``Yes``, who ended it or why)."""
    return end_given(cell_text(value))


# A header asking whether the row's agreement is in force (``ACTIVE``, ``Current?``,
# ``In Force (Y/N)``, ``Active Agreement``), and the answers that say it is not.
_IN_FORCE_HEADER = re.compile(
    r"^(?:IS\s+)?(?:CURRENTLY\s+)?(?:ACTIVE|CURRENT|IN\s+FORCE|IN\s+EFFECT)"
    r"(?:\s+(?:AGREEMENT|MOA|STATUS))?\s*(?:\?|\(?\s*Y\s*/\s*N\s*\)?)?$"
)
_NOT_IN_FORCE = frozenset({"NO", "N", "FALSE", "0", "INACTIVE", "NOT ACTIVE", "NOT IN FORCE"})


def asks_in_force(value: CellValue) -> bool:
    """Whether a header cell asks if the row's agreement is in force (``ACTIVE``)."""
    return bool(_IN_FORCE_HEADER.match(" ".join(cell_text(value).upper().split())))


@_memo
def denies_in_force(value: CellValue) -> str | None:
    """An in-force column's answer when it says the agreement is not (``No``, ``N``,
    ``Inactive``, ``False``), as written; None for yes, or for no answer."""
    text = cell_text(value)
    return text if " ".join(text.upper().split()) in _NOT_IN_FORCE else None


@_memo
def type_cell(value: CellValue) -> str | None:
    return agency_type(cell_text(value))


@_memo
def link_cell(value: CellValue) -> tuple[str | None, str | None]:
    """(text, URL written in the text) of an MOA or ADDENDUM cell; a cell's hyperlink,
    if it has one, is its URL instead."""
    text = cell_text(value) or None
    if not text or ":/" not in text:
        return text, None
    match = _URL.search(text)
    return text, match[0].rstrip(".,;)") if match else None


@_memo
def county_cell(value: CellValue) -> str | None:
    """A COUNTY cell's text; None for one that names none (a null marker, alone or with
    the word ``County`` or the row's state: :func:`names_no_county`)."""
    text = cell_text(value)
    return None if names_no_county(text) else text


_COUNTY_WORD = re.compile(r"\b(?:" + "|".join(sorted(COUNTY_WORDS)) + r")\b", re.IGNORECASE)

# The words of a county agency's name that say what kind of agency it is, and no place.
_KIND_WORDS = frozenset(
    {"sheriff", "office", "department", "jail", "detention", "corrections", "correctional",
     "facility", "center", "constable", "marshal", "police", "patrol", "division", "bureau",
     "board", "commissioners", "authority", "port", "services", "law", "enforcement", "and"}
)  # fmt: skip


def placed_by_county(name: str, county: str | None, agency_type: str | None) -> str | None:
    """A county agency's name that names no place (``Sheriff's Office``, ``County
    Jail``: only words of its kind) with the county its COUNTY cell names before it
    (``Alachua County Sheriff's Office``): a list that moved the county out of the name
    into its own column names the same agency. None for any other row (a city's
    ``Police Department`` names no county's agency; a county cell must say County,
    Parish or Borough)."""
    if agency_type != "County" or not county or not _COUNTY_WORD.search(county):
        return None
    words = agency_key(name).split()
    if not words or not set(words) <= _KIND_WORDS | {"county"}:
        return None
    rest = name.split(" ", 1)[1] if words[0] == "county" and " " in name else name
    return f"{county} {rest}"


def names_no_county(text: str) -> bool:
    """Whether a county cell names no county: a null marker, alone or with nothing but
    the word saying what kind of county (``#N/A County``, ``N/A Parish``, ``County``) or
    the row's state set off (``#NA, Arkansas``), as a county cell made by joining a
    county left unknown with those words reads."""
    bare = " ".join(_COUNTY_WORD.sub("", text).split()).replace(" ,", ",")
    return is_null(bare) or says_nothing_but_a_state(bare) or bool(_NO_ONE_COUNTY.fullmatch(bare))


# A county cell naming no one county: the state's whole extent (``Statewide``, ``All
# Counties``) or several unnamed (``Multiple``, ``Various``): what an empty cell says of
# an agency of the whole state or of several counties.
_NO_ONE_COUNTY = re.compile(
    r"\W*(?:state\s*-?\s*wide|(?:the\s+)?(?:entire|whole)\s+state|all|multiple|various"
    r"|several)(?:\s+(?:counties|parishes|boroughs))?\W*",
    re.IGNORECASE,
)


def row_flags(
    state: str | None,
    model: str | None,
    date_flags: tuple[str, ...],
    carried: bool = False,
) -> tuple[str, ...]:
    if state is not None and model is not None and not carried:
        return date_flags
    flags = ["state_carried"] if carried else []
    flags += ["state_unknown"] if state is None else []
    flags += ["model_unknown"] if model is None else []
    return (*flags, *date_flags)


@_memo
def signed_cell(value: CellValue, day_first: bool = False, shifted: bool = False) -> Signed:
    """(date, raw text unless the cell was a clean date, flags) of a SIGNED cell
    (``day_first``: its column writes numeric dates day first; ``shifted``: its
    column's times of day are a time zone's shift of midnight)."""
    signed, parse_flags = parse_date(value, day_first, shifted)
    flags = list(dict.fromkeys(parse_flags))
    clean_date_cell = isinstance(value, date | datetime) and not flags
    raw = None if clean_date_cell or is_blank(value) else cell_text(value) or None
    if signed is not None and (_year_repaired(value, signed, flags) or signed < _OLDEST_PLAUSIBLE):
        flags.append("signed_doubtful")
    return signed, raw, tuple(flags)


def _year_repaired(value: CellValue, signed: date, flags: list[str]) -> bool:
    """Whether parse_date mended the year (5025 -> 2025), not just a lost separator."""
    if "signed_repaired" not in flags:
        return False
    if isinstance(value, date | datetime):
        return value.year != signed.year
    return str(signed.year) not in cell_text(value)
