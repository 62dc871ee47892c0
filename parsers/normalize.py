"""Normalisation shared by every list parser: text, states, models, types, dates.

All functions are pure and total: they never raise on odd input, they return None (or
a flag) where the intent is not clear.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

from common.invisible import without_invisible
from parsers.mojibake import mended
from parsers.name_marks import without_marks
from parsers.states import STATES, fold_punctuation, named_state, read_state
from parsers.status_words import ENDED, says_ended

_MODEL_LETTERS = (
    ("JEM", ("JAIL", "JEM")),
    ("TFM", ("TASKFORCE", "TFM", "TFO")),
    ("WSO", ("WARRANT", "WSO")),
)

_APOSTROPHES = str.maketrans(
    dict.fromkeys("\u2019\u2018\u201b\u02bc\u02bb\u02bd`\u00b4\u2032\u2035\u02b9\u02ca\u02cb", "'")
)
"""Every character a keyboard, a font or autocorrect writes for an apostrophe (curly,
modifier, grave and acute accents, primes), read before NFKC (which turns the acute
accent into a space and a combining accent: ``Sheriff´s`` was another name)."""
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"'})
_NULLS = {"", "#NA", "#N/A", "N/A", "NA", "NONE", "NULL", "-", "--"}


def clean_text(value: object) -> str:
    """Collapse whitespace (including NBSP), straighten quotes, NFKC-normalise, drop the
    characters that show nothing (:func:`common.invisible.without_invisible`: format
    characters, fillers, variation selectors), read mis-encoded text as what it encodes
    (:func:`parsers.mojibake.mended`)."""
    if value is None:
        return ""
    text = mended(str(value))
    if not text.isascii():
        text = text.translate(_APOSTROPHES)
        text = without_invisible(unicodedata.normalize("NFKC", text)).translate(_QUOTES)
    elif "`" in text:  # the one ASCII character the tables map (NFKC is a no-op on ASCII)
        text = text.replace("`", "'")
    # str.split() splits on exactly the characters r"\s" matches (str.isspace), so this is
    # re.sub(r"\s+", " ", text).strip(), several times faster on the hot path of every parser.
    return " ".join(text.split())


# Latin letters whose mark Unicode does not decompose (a stroke, a ligature, a dotless
# i), as a keyboard without them writes them.
_UNMARKED = str.maketrans(
    {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H",
     "ı": "i", "ŧ": "t", "Ŧ": "T", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
     "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH"}
)  # fmt: skip


def without_accents(text: str) -> str:
    """``text`` with each accented letter as its letter (``Doña``: ``Dona``, ``Cañon``:
    ``Canon``): a copy, a form or a keyboard may drop an accent, the name is the same.
    So with a letter's stroke or ligature, which Unicode keeps as a letter of its own
    (``Søren``: ``Soren``, ``Łukasz``: ``Lukasz``, ``Æ``: ``AE``)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNMARKED))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# The symbols that point to a note (an asterisk, daggers, a section sign); a footnote
# mark is one of them or a superscript digit.
FOOTNOTE_SYMBOLS = "*\u2020\u2021\u00a7"
# a footnote mark, as a character class's body: a symbol or a superscript digit
FOOTNOTE_MARKS = f"{FOOTNOTE_SYMBOLS}\u00b9\u00b2\u00b3\u2070\u2074-\u2079"
_MARK = f"[\\s{FOOTNOTE_MARKS}]"
# Matched only from the start of a run of marks: tried from each mark of a long run, the
# run was read to its end every time (quadratic on a hostile cell of marks).
_FOOTNOTE_MARKS = re.compile(f"(?<!{_MARK}){_MARK}+$")


def without_footnote_marks(text: str) -> str:
    """``text`` without the footnote marks ending it (``Alpha Police Department*``,
    ``... Office\u00b9``): a mark points to a note; it is not part of a name. Taken off
    before :func:`clean_text`, which would turn a superscript digit into a digit."""
    return _FOOTNOTE_MARKS.sub("", text)


def is_null(value: object) -> bool:
    """True for empty cells, spreadsheet null markers such as ``#NA``, and cells with
    no letter or digit (a dash of any length, ``—``, ``?``, ``.``): a value is written
    in letters or digits, so a cell without any says nothing."""
    text = clean_text(value).upper()
    return text in _NULLS or not (text[:1].isalnum() or any(map(str.isalnum, text)))


def state_code(value: object) -> str | None:
    """USPS code of the state or territory a cell names: its code, name, AP abbreviation,
    ``Name (CODE)`` and the like, tolerating case, punctuation and small typos; None when
    unclear or when it names two states (the rules: :mod:`parsers.states`)."""
    text = clean_text(value).upper()
    return read_state(text) if text else None


def model_code(value: object) -> str | None:
    """JEM / TFM / WSO from a support-type label, read on its letters (punctuation and
    spacing folded: ``Task-Force Model``, ``Taskforce``, ``W.S.O.``, ``W S O``),
    tolerating misspellings; None when the label names no model or two (``JEM/TFM``)."""
    text = fold_punctuation(clean_text(value))
    if not text:
        return None
    found = _models_in(text)
    if len(found) == 1:
        return found[0]
    if "ENFORC" in text and "JAIL" not in text and "TASK" not in text:
        return "JEM" if "MODEL" in text else None
    return None


def model_codes(value: object) -> tuple[str, ...]:
    """Every model a support-type label names, read on its letters as :func:`model_code`
    reads one, in the order JEM, TFM, WSO (``JEM/TFM``, ``Task Force and Warrant
    Service``: two), but for one its words say is pending or ended (``TFM (JEM
    pending)``: TFM), which is no agreement."""
    parts = _MODEL_PARTS.split(clean_text(value))
    kept = " ".join(p for p in parts if model_not_in_force(p) is None)
    return _models_in(fold_punctuation(kept))


def model_not_in_force(text: str) -> str | None:
    """What a support-type label naming one model says of it besides its model, when
    that is that it is not in force: ``ended`` (``JEM (terminated)``) or ``pending``
    (``TFM - pending``); else None."""
    if says_ended(text):
        return "ended"
    return "pending" if _NOT_IN_FORCE.search(text) else None


# The parts of a label naming several models, and words saying one is not in force.
_MODEL_PARTS = re.compile(r"[/,;&+()\[\]]|\band\b", re.IGNORECASE)
_NOT_IN_FORCE = re.compile(r"\b(?:pending|applied|application|requested|proposed)\b", re.I)


def _models_in(folded: str) -> tuple[str, ...]:
    letters = folded.replace(" ", "")
    return tuple(code for code, words in _MODEL_LETTERS if any(w in letters for w in words))


_NO = frozenset({"NO", "N", "FALSE", "0", "NONE", "NOT"})


def end_given(text: str) -> str | None:
    """A TERMINATED or WITHDRAWN cell's text when it says the agreement ended (a date, a
    mark, ``Yes``), else None (empty, a null marker, ``No``)."""
    return None if is_null(text) or text.upper() in _NO else text


LOST = "\ufffd"  # the replacement character: a character a decoder could not read
# Every character but letters and digits (of any script: a name in Cyrillic is letters,
# not punctuation, and two such names are two keys) and spaces.
_KEY_DROP = re.compile(r"[^\w ]+|_+")
# Initials written with periods (``P.D.``, ``S.O.``, ``U.S.``): one word, as without them.
_INITIALISM = re.compile(r"(?<![a-z0-9.])(?:[a-z]\.){2,}(?![a-z0-9])")
_KEY_WORDS = {
    "sherriff": "sheriff",
    "sheriffs": "sheriff",
    "sherriffs": "sheriff",
    "co": "county",
    "cnty": "county",
    "dept": "department",
    "dept.": "department",
    "pd": "police department",
    "so": "sheriff office",
    "ofc": "office",
    "&": "and",
    "bocc": "board county commissioners",
    "dps": "department public safety",
    "saint": "st",  # St. Lucie and Saint Lucie
    "the": "",
    "of": "",
}


def agency_key(name: object, state: str | None = None) -> str:
    """The identity key of an agency name: case, punctuation, apostrophes and common
    abbreviations folded, so ``Harris County Sheriff's Office`` and
    ``HARRIS CO. SHERIFFS OFFICE`` share one key. With the agency's ``state`` (a USPS
    code), a name ending with that state (``Arnaudville Police Department, LA``,
    ``... (Texas)``) or beginning with it before a dash or a colon (``TX - Harris County
    Sheriff's Office``, not ``Texas Department of Public Safety``) has the key of the
    name without it: an agency is known by its state and its name, so the state
    repeated in the name adds nothing. Nor does a closing parenthesis that restates the
    name (:func:`_without_restatement`: ``(FDLE)``, ``(Cherokee County)``), also when
    the state is set off after it or before the name (``Lubbock Police Department
    (LPD), TX``). Nor do the marks a list puts on its rows (``parsers/name_marks.py``:
    a row's number before the name, ``12. ...``; a footnote's number glued to its last
    word, ``... Office1``)."""
    text = without_marks(_without_model(name if isinstance(name, str) else clean_text(name)))
    if not state:
        return _agency_key(_without_restatement(text))
    text = _without_leading_state(without_trailing_state(text, state), state)
    return _without_state(_agency_key(_without_restatement(text)), state)


# A name's closing parenthesis (or bracket): ``... Office (CCSO)``, ``... [Cherokee County]``.
# Every text is hostile: each position is tried one way only (the name's first word
# character found once, the name ending on a non-space, possessive runs), so a long name
# costs linear time, not the quadratic time two lazy runs around ``\w`` took.
_CLOSING_ASIDE = re.compile(r"^([^\w\n]*+\w(?:.*?\S)??)\s*+[(\[]([^()\[\]]*+)[)\]]\W*+$")
# Capitals, each but the first after an optional dot and at most two spaces or an
# ampersand (``F.D.L.E.``, ``A & M``), each gap read one way only: ``\s?&?\s?`` read a
# single space two ways, so a long non-acronym took exponential time.
_ACRONYM = re.compile(r"[A-Z](?:\.?(?:\s?&\s?|\s{0,2})[A-Z])+\.?")


@functools.lru_cache(maxsize=8192)
def _without_restatement(name: str) -> str:
    """The name without a closing aside that only restates it: its initials in capitals
    (``Florida Department of Law Enforcement (FDLE)``), or its own county (``Cherokee
    County Sheriff's Office (Cherokee County)``: every word of the county's key is in the
    name), or says nothing: a spreadsheet's null marker (``(#N/A)``, ``(None)``, a
    county cell left blank written after the name). Any other aside may tell agencies
    apart (``Constable (Precinct 4)``) and stays."""
    match = _CLOSING_ASIDE.match(name)
    if match is None:
        return name
    base, aside = match[1], match[2].strip()
    if _is_acronym(aside, base) or is_null(aside):
        return base
    place = county_key(aside).split()
    named = set(_agency_key(base).split())
    has_county_word = bool(COUNTY_WORDS & set(_agency_key(aside).split()) - {"and"})
    return base if has_county_word and place and named.issuperset(place) else name


def _is_acronym(aside: str, base: str) -> bool:
    """Whether ``aside`` is capitals whose letters are, in order, initials of ``base``'s
    words, the first word's first (words may be skipped: ``of``, ``and``)."""
    if _ACRONYM.fullmatch(aside) is None:
        return False
    letters = [char for char in aside if char.isalpha()]
    initials = iter(word[0].upper() for word in re.findall(r"[A-Za-z][\w']*", base))
    if next(initials, None) != letters[0]:
        return False
    return all(letter in initials for letter in letters[1:])


# A state written before a name and set off from it: ``TX - ...``, ``Texas: ...``.
_LEADING_STATE = re.compile(r"^\s*([A-Za-z][A-Za-z. ]*?)\s*(?:[-\u2013\u2014:|])\s+(\S.*)$")


# A state written after a name and set off from it: ``..., TX``, ``... (Texas)``, ``... - TX``.
_TRAILING_STATE = re.compile(
    r"^(\S.*?)\s*(?:,|\s[-\u2013\u2014|]|[(\[])\s*([A-Za-z][A-Za-z. ]*?)\s*[)\]]?\s*$"
)


def says_nothing_but_a_state(text: str) -> bool:
    """Whether a cell says nothing but its row's state: a null marker with a state set
    off after or before it (``#NA, Arkansas``, ``TX - N/A``), as a county cell made by
    joining a county left unknown with the state reads."""
    found = state_in_name(text)
    if found is None:
        return False
    rest = _without_leading_state(without_trailing_state(text, found[1]), found[1])
    return rest != text and is_null(rest)


@functools.lru_cache(maxsize=8192)
def state_in_name(name: str) -> tuple[str, str] | None:
    """The state a name carries, set off from it, as written and as its USPS code: after
    the name (``Arnaudville Police Department, LA``, ``... (Texas)``, ``... - TX``) or
    before it (``TX - Harris County Sheriff's Office``, ``Texas: ...``). A short word is
    read exactly (``Main`` is no Maine), a long one as a state cell is, a letter off
    (``WEST VIRIGINIA``). None when no state is set off (``Texas Department of Public
    Safety``: a name that begins with its state names it as part of itself)."""
    name = _without_model(name)  # ``..., TX (JEM)``: the row's model restated last
    for match in (_TRAILING_STATE.match(name), _LEADING_STATE.match(name)):
        if match is None:
            continue
        written = clean_text(match[2] if match.re is _TRAILING_STATE else match[1])
        code = _set_off_state(written)
        if code is not None:
            return written, code
    return None


LONG_STATE_WORD = 6  # letters from which a set-off state may be a letter off


def _set_off_state(written: str) -> str | None:
    """The state a text set off from a name writes: a short word exactly, a long one as
    a state cell is read."""
    exact = named_state(clean_text(written).upper().rstrip("."))
    if exact is not None or len(written.strip()) < LONG_STATE_WORD:
        return exact
    return state_code(written)


# The last aside set off after a name: ``... (JEM)``, ``... - Task Force Model``. A
# model's words are few: an aside is at most ASIDE_CHARS long, which also keeps a long
# hostile name, with a separator every few characters, from costing quadratic time.
ASIDE_CHARS = 80
_TRAILING_ASIDE = re.compile(
    r"^(\S.*)\s*(?:\s[-\u2013\u2014|:*]\s*|,\s*|[(\[]\s*)"
    rf"([^()\[\]]{{1,{ASIDE_CHARS}}}?)\s*[)\]]?\s*$"
)
_MODEL_WORDS = frozenset({
    "287", "g", "jem", "tfm", "wso", "jail", "enforcement", "model", "models", "task",
    "force", "warrant", "service", "officer", "officers", "program",
})  # fmt: skip
_MODEL_NAMING = frozenset({"jem", "tfm", "wso", "model", "models", "force", "officer", "officers"})


# Words that say where a row stands, not what its agency is called: ``... (Pending)``,
# ``... - NEW``, ``NEW: ...``, ``... (updated 8/28/2025)``; with them, a date's words.
_STATUS_NAMING = frozenset({
    "pending", "application", "applied", "applying", "new", "added", "renewed", "renewal",
    "updated", "amended", "revised", "approved", "signed",
})  # fmt: skip
_STATUS_WORDS = _STATUS_NAMING | {
    "as", "of", "on", "newly", "recently", "moa", "agreement", "addendum",
}  # fmt: skip
_LEADING_STATUS = re.compile(r"^\W*+([A-Za-z]++)\b(\W*+)(?=\w)")
_STATUS_DELIMITERS = frozenset("*:-|)]\u2013\u2014")


@functools.lru_cache(maxsize=8192)
def _without_model(name: str) -> str:
    """The name without what a row says of itself set off with it: a 287(g) model after
    it (``Harris County Sheriff's Office (JEM)``, ``... - Task Force Model``: the row's
    model restated; a ``... - Jail`` names no model), or where the row stands, after
    or before it (``... (Pending)``, ``... - NEW``, ``*NEW* ...``, ``... (updated
    8/28/2025)``): no part of the agency's name."""
    for base, aside in _asides(name):  # ``... (JEM) (New)``: each aside, the last first
        if not _said_of_itself(aside):
            break
        name = base
    lead = _LEADING_STATUS.match(name)
    if lead and lead[1].lower() in _STATUS_NAMING and _STATUS_DELIMITERS & set(lead[2]):
        return name[lead.end() :]
    return name


@functools.lru_cache(maxsize=8192)
def model_in_name(name: str) -> str | None:
    """The one model a name restates set off after it (``Harris County Sheriff's Office
    (JEM)``, ``... - Task Force Model (New)``), else None: what a row whose model cell
    says nothing states of its model."""
    for _, aside in _asides(name):
        if _names_model(aside):
            codes = model_codes(aside)
            return codes[0] if len(codes) == 1 else None
        if not _says_status(aside):
            return None
    return None


_LEADING_ASIDE = re.compile(
    rf"^\s*(\w[^|:]{{0,{ASIDE_CHARS}}}?)\s*(?:\s[-\u2013\u2014|]|:)\s+(\S.*)$"
)


def first_aside(name: str) -> tuple[str, str] | None:
    """The name after an aside set off before it, and that aside (``Marion County -
    Ocala Police Department``: ``Ocala Police Department``, ``Marion County``); None for
    a name without (a hyphen inside a word, ``Miami-Dade``, sets nothing off)."""
    match = _LEADING_ASIDE.match(name)
    return (match[2], match[1]) if match else None


def last_aside(name: str) -> tuple[str, str] | None:
    """The name before its last aside set off after it, and that aside (``Ocala Police
    Department (Marion County)``: ``Ocala Police Department``, ``Marion County``); None
    for a name without."""
    return next(_asides(name), None)


def _asides(name: str) -> Iterator[tuple[str, str]]:
    """The asides set off after a name, the last first, each with the name before it
    (``Harris County SO (JEM) (New)``: ``New``, then ``JEM``); three at most."""
    for _ in range(3):
        match = _CLOSING_ASIDE.match(name) or _TRAILING_ASIDE.match(name)
        if match is None:
            return
        name = match[1].rstrip()
        yield name, match[2]


# Words an aside saying a row's agreement ended may hold besides the ending's own
# (``- TERMINATED``, ``(Terminated 8/1/2025)``, ``- MOA expired``, ``(withdrawn as of
# June 2025)``): what ended, and a date's words.
_ENDING_ASIDE_WORDS = frozenset({
    "moa", "agreement", "application", "287", "g", "as", "of", "on", "effective", "since",
})  # fmt: skip


def says_only_ended(text: str) -> bool:
    """Whether a text says only that something ended, where a value or a name's aside
    goes (``TERMINATED``, ``Terminated 08/01/2025``, ``MOA expired``, ``Withdrawn as of
    June 2025``): words of ending, with at most what ended and a date, not negated."""
    words = re.findall(r"[a-z]+", text.lower())
    ending = all(ENDED.fullmatch(w) or w in _ENDING_ASIDE_WORDS or w[:3] in _MONTHS for w in words)
    return ending and says_ended(text)


@functools.lru_cache(maxsize=8192)
def ended_in_name(name: str) -> str | None:
    """What a name says, set off after it or before it, of the row's agreement (or
    application) having ended, as written (``Colbert County Sheriff's Office -
    TERMINATED``, ``... (Withdrawn 8/1/2025)``, ``... - MOA expired``, ``TERMINATED -
    ...``, ``*Terminated* ...``), else None (:func:`says_only_ended`; ``(not
    terminated)`` is no ending); the other asides a row says of itself (its model,
    ``New``, a former name) may stand after it."""
    for _, aside in _asides(name):
        if says_only_ended(aside):
            return aside.strip()
        if not _said_of_itself(aside):
            break
    lead = _LEADING_STATUS.match(name)
    if lead and _STATUS_DELIMITERS & set(lead[2]) and says_only_ended(lead[1]):
        return lead[1]
    return None


def _said_of_itself(aside: str) -> bool:
    """Whether an aside says what a row is or was, not what its agency is called: its
    model, where it stands, or the agency's former name (``formerly Ft. Myers PD``)."""
    return (
        _names_model(aside)
        or _says_status(aside)
        or bool(_FORMER.match(aside))
        or bool(_REFERENCE.match(aside))
    )


# An aside sending the reader elsewhere (``(see note)``, ``- see addendum``, ``*see
# below``): a note on the row, nothing of its agency's name.
_REFERENCE = re.compile(r"\W*see\b", re.IGNORECASE)


# An aside giving an agency's former name: ``(formerly ...)``, ``(f/k/a ...)``.
_FORMER = re.compile(
    r"\s*(?:formerly|previously|f[./]?\s?k[./]?\s?a\.?|former(?:ly)?\s+(?:known|named|called))\b",
    re.IGNORECASE,
)


def _names_model(aside: str) -> bool:
    words = set(re.findall(r"[a-z0-9]+", aside.lower()))
    return words <= _MODEL_WORDS and bool(words & _MODEL_NAMING) and bool(model_codes(aside))


def _says_status(aside: str) -> bool:
    """Whether an aside only says where the row stands (``Pending``, ``New``, ``updated
    8/28/2025``): status words, with at most a date's numbers and months."""
    words = re.findall(r"[a-z]+", aside.lower())
    dated = all(w in _STATUS_WORDS or w[:3] in _MONTHS for w in words)
    return dated and bool(_STATUS_NAMING.intersection(words))


_MONTHS = frozenset(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
)


@functools.lru_cache(maxsize=8192)
def without_trailing_state(name: str, state: str) -> str:
    """The name (of an agency or a county) without its own state set off after it
    (``..., TX``, ``... (Texas)``), so an aside before the state is the name's closing
    one (``... (LPD), TX``)."""
    match = _TRAILING_STATE.match(name)
    return match[1] if match and _set_off_state(match[2]) == state else name


@functools.lru_cache(maxsize=8192)
def _without_leading_state(name: str, state: str) -> str:
    match = _LEADING_STATE.match(name)
    return match[2] if match and state_code(match[1]) == state else name


@functools.lru_cache(maxsize=8192)
def _without_state(key: str, state: str) -> str:
    for suffix in _STATE_SUFFIXES.get(state, ()):
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


@functools.lru_cache(maxsize=8192)
def _agency_key(name: str) -> str:
    """Memoised: a pure function of the text, called for every row of every list. A
    character lost in decoding (U+FFFD, the replacement character) joins its
    neighbours, as an apostrophe does: most often it was one (``Sheriff\ufffds``). An
    accent is no letter (:func:`without_accents`: ``Doña Ana`` is ``Dona Ana``, whose
    ``ñ`` was cut into two words) and case is folded as Unicode folds it (``Straße``
    is ``Strasse``); letters of other scripts are kept as letters."""
    text = clean_text(name)
    text = text.lower() if text.isascii() else without_accents(text).casefold()
    text = text.replace(LOST, "'").replace("'s ", " ").replace("'", "")
    text = text.replace("&", " and ")
    text = _INITIALISM.sub(lambda m: m[0].replace(".", ""), text)  # P.D. is PD
    text = _KEY_DROP.sub(" ", text)
    words = [_KEY_WORDS.get(w, w) for w in text.split()]
    return " ".join(w for w in " ".join(words).split() if w)


# The words that say what kind of county a name is, not which county it is, and the
# word that joins the counties of a cell naming several.
COUNTY_WORDS = frozenset({"county", "counties", "parish", "parishes", "borough", "boroughs", "and"})


_POSSESSIVE = re.compile(r"'s\b", re.IGNORECASE)


def county_key(name: object) -> str:
    """The identity key of a county name: folded as an agency name is, without the
    word ``County`` (or ``Parish``, ``Borough``, their plurals, and the ``and`` between
    counties), so ``Harris``, ``Harris County`` and ``HARRIS CO.`` share one key, and
    ``St. Mary's County`` and ``St. Mary's`` (a possessive is folded wherever it ends)."""
    text = _POSSESSIVE.sub("", clean_text(name).replace(LOST, "'"))
    return " ".join(w for w in _agency_key(text).split() if w not in COUNTY_WORDS)


def _state_name_keys() -> dict[str, tuple[str, ...]]:
    """Each state's names as keys (``texas``; ``district columbia``)."""
    keys: dict[str, list[str]] = {}
    for name, code in STATES.items():
        keys.setdefault(code, []).append(_agency_key(name))
    return {code: tuple(names) for code, names in keys.items()}


_STATE_NAME_KEYS = _state_name_keys()
# How a name's key can end with each state: its code, its name.
_STATE_SUFFIXES = {
    code: (f" {code.lower()}", *(f" {key}" for key in keys))
    for code, keys in _STATE_NAME_KEYS.items()
}


def without_state_name(key: str, state: str | None) -> str:
    """A name's key without its state's name before it (``alaska department
    corrections`` in AK: ``department corrections``); the key when it does not begin so."""
    for name in _STATE_NAME_KEYS.get(state or "", ()):
        if key.startswith(name + " "):
            return key[len(name) + 1 :]
    return key
