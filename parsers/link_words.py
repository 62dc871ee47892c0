"""The words of a list's link, read for what they say it holds (``parsers/list_links.py``
decides with them which link is a whole list): what narrows a list, known to the rule
(one support model, a state, ``by state``, a summary, statistics, a count; one part: a
range of initial letters, a numbered part, an area, the agencies new or changed), a
remark on a link, a state's code in a file name, and the words beyond a list's name
that say more than which file it is (its *qualifiers*). Pure text in, sets of names
out."""

from __future__ import annotations

import re

from parsers.states import STATE_CODES, STATES


def part_names(text: str) -> frozenset[str]:
    """What narrower than a whole list ``text`` names (camel case and separators split):
    a model, a state, ``by state``, a summary, statistics, a count; all three models
    named together name no one of them."""
    words = f" {' '.join(_WORD.findall(CAMEL.sub(' ', text).upper()))} "
    found = {
        name for name, forms in _PART_NAMES.items() if any(f" {form} " in words for form in forms)
    }
    return frozenset(found - MODELS if found >= MODELS else found)


def without_remarks(text: str) -> str:
    """``text`` without its remarks: in parentheses, of three words or more, and a
    phrase saying what it includes (notes on a link: ``(approved applications removed
    weekly)``, ``, including those in Washington, D.C.``; ``(TX)`` stays)."""
    return _INCLUDING.sub(" ", _REMARK.sub(" ", text))


_REMARK = re.compile(r"\((?:[^()]*?\w+\W+){2,}\w+[^()]*\)")
_INCLUDING = re.compile(r"[,;]?\s+(?:including|includes|incl\.)\s[^()]*$", re.I)


def state_codes(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """The states' codes a file name spells, sure and unsure: a pair of capitals
    standing apart from other letters (``participatingAgenciesTX02282025am.xlsx``). A
    code no English word spells is sure; one spelling a word (``IN``, ``OR``, ``ME``,
    ``OK``, ...) is sure only set off by a separator or digits in a name written in
    small letters (``participatingAgencies_IN.xlsx``, ``-OR-``), and unsure joined to a
    word by case alone (``participatingAgenciesIN.xlsx``: agencies in?) or in a name of
    capitals (``PARTICIPATING_AGENCIES_IN_FORCE.xlsx``), where capitals set nothing
    apart."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    capitals = not any(char.islower() for char in stem)
    sure: set[str] = set()
    unsure: set[str] = set()
    for match in _CODE.finditer(stem):
        code = match[1]
        if code not in STATE_CODES:
            continue
        joined = match.start() > 0 and stem[match.start() - 1].islower()
        (unsure if code in _WORD_CODES and (joined or capitals) else sure).add(code)
    return frozenset(sure), frozenset(unsure)


def subsets(words: str, bare: str) -> frozenset[str]:
    """Which one part of a list ``words`` say it is: a range of initial letters
    (``Agencies A\u2013M``, ``_N-Z_``; ``A\u2013Z`` is all of them), one of numbered
    parts (``Part 1 of 2``, ``Part2``), an area (``New Orleans AOR``, ``area of
    responsibility``, ``field office``, ``region``): said anywhere, remarks included;
    and the agencies new or changed (``Newly participating``, ``changes this week``,
    ``additions since``, ``Added``): said in ``bare`` (the words, their remarks aside:
    ``(new agencies added weekly)`` is a note on the list). Not what says all of the
    list or how it is marked: ``1 of 1``, ``50 of 50 states``, ``all regions``, ``(all
    AORs)``, ``region-wide``, ``changes highlighted``, ``since January 2025``, and
    ``Section 287(g)`` (the law's number, no part's)."""
    found = set()
    if any(a < b and (a, b) != ("A", "Z") for a, b in _LETTER_RANGE.findall(words)):
        found.add("LETTERS")
    split = CAMEL.sub(" ", words)
    if _NUMBERED_PART.search(split) or any(a != b for a, b in _OF_ALL.findall(split)):
        found.add("PART")  # ``1 of 1``, ``50 of 50 states``: all of it
    if _AREA.search(split) and not _EVERY_AREA.search(split):
        found.add("AREA")
    if _CHANGES.search(CAMEL.sub(" ", bare)) and not _MARKED.search(CAMEL.sub(" ", bare)):
        found.add("CHANGES")
    return frozenset(found)


_LETTER_RANGE = re.compile(
    r"(?<![A-Za-z0-9])([A-Z])\s*(?:[-\u2013\u2014]|\bto\b|\bthrough\b|\bthru\b)\s*([A-Z])"
    r"(?![A-Za-z0-9])"
)
# a part's number (``Section 287(g)`` is the law's, no part: not a word of it)
_NUMBERED_PART = re.compile(r"\b(?:part|pt|vol(?:ume)?|batch)\W*(?:\d+|one|two|three|four)\b", re.I)
_OF_ALL = re.compile(r"\b(\d+)\W*of\W*(\d+)\b")  # one of several numbered: N of M
_AREA = re.compile(
    r"\bAORs?(?![a-z])|\barea\W+of\W+responsibility|\bfield\W+offices?(?![a-z])|\bregions?(?![a-z])",
    re.I,
)
_EVERY_AREA = re.compile(
    r"\b(?:all|every|each)\W+(?:\w+\W+)?(?:AORs?|field|regions?)\b|region\W?wide", re.I
)
# the agencies new or changed (not ``since 2017``: where the list starts)
_CHANGES = re.compile(r"\b(?:newly|added|additions?|changes?|changed)(?![a-z])", re.I)
_MARKED = re.compile(
    r"\b(?:changes?|additions?)\W+(?:are\W+)?(?:highlighted|marked|shown|in\W+(?:red|bold|yellow))",
    re.I,
)
SUBSETS = frozenset({"LETTERS", "PART", "AREA", "CHANGES"})


def qualifiers(words: str) -> frozenset[str]:
    """The words of ``words`` beyond a list's name and what only describes its file
    (see :attr:`ListLink.qualifiers`), lower case: what the rule names (a model, a
    state, a summary) and single letters aside."""
    text = f" {' '.join(_WORD.findall(CAMEL.sub(' ', _NEW_WINDOW.sub(' ', words)).upper()))} "
    for form in _KNOWN_FORMS:
        text = text.replace(f" {form} ", " ")
    return frozenset(
        word for word in text.lower().split() if len(word) > 1 and word not in _NEUTRAL_WORDS
    )


_NEW_WINDOW = re.compile(r"\bopens?\W+in\W+(?:an?\W+)?new\W+(?:window|tab)\b", re.I)
# What names the list: its agencies or applications, the program, the whole of it
_LIST_NAME_WORDS = (
    "participating participate participates participation participant participants pending"
    " agencies agency applications application applicants applicant requests request"
    " agreements agreement partners partner members member memoranda memorandum memorandums"
    " moa moas program programs list lists listing listings roster table data dataset law"
    " enforcement state states local signed active current currently all complete full"
    " entire whole nationwide national model models officer officers ice ero dhs us"
    " the of an and or for in to with our this these its on at from is are here"
)
# What says only which file it is: how to get it, its format, size, date, version, count
_FILE_WORDS = (
    "view see download downloads downloaded downloading open opens get save click access"
    " read link links available file files document documents xlsx xls xlsm csv excel"
    " spreadsheet spreadsheets workbook workbooks format kb mb gb bytes byte size media"
    " microsoft ms january february march april may june july august september october"
    " november december jan feb mar apr jun jul aug sep sept oct nov dec am pm as dated"
    " date updated revised revision rev version ver latest newest edition posted published"
    " last week weeks month months day days today daily weekly monthly year fy st nd rd th"
    " effective rows records entries items lines number approx approximately about over"
    " previous prior older old archived archive archives former earlier superseded"
    " outdated obsolete"
)
_NEUTRAL_WORDS = frozenset(f"{_LIST_NAME_WORDS} {_FILE_WORDS}".split())


def set_off_codes(words: str) -> frozenset[str]:
    """The state codes link words set off: in parentheses or brackets (``(TX)``) or
    after a dash at their end (``Participating Agencies - TX``)."""
    return STATE_CODES.intersection(a or b for a, b in _SET_OFF_CODE.findall(words))


_CODE = re.compile(r"(?:(?<=[a-z])|(?<![A-Za-z]))([A-Z]{2})(?![A-Za-z])")
_WORD_CODES = frozenset({"AS", "HI", "ID", "IN", "ME", "OH", "OK", "OR"})  # English words
_SET_OFF_CODE = re.compile(r"[(\[]\s*([A-Z]{2})\s*[)\]]|[-\u2013\u2014]\s*([A-Z]{2})\s*$")
_WORD = re.compile(r"[A-Za-z]+")
CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|[_\-.]")
MODELS = frozenset({"JEM", "TFM", "WSO"})
_PART_NAMES: dict[str, tuple[str, ...]] = {
    "JEM": ("JEM", "JAIL ENFORCEMENT"),
    "TFM": ("TFM", "TASK FORCE"),
    "WSO": ("WSO", "WARRANT SERVICE"),
    "BY STATE": ("BY STATE", "BY STATES", "PER STATE", "STATE BY STATE"),
    "SUMMARY": ("SUMMARY", "SUMMARIES", "OVERVIEW"),
    "STATISTICS": ("STATISTICS", "STATS"),
    "COUNT": ("COUNT", "COUNTS", "TOTALS"),
    **{code: (name,) for name, code in STATES.items()},
}
# every form the rule names, the longest first (``NEW YORK`` before ``NEW``)
_KNOWN_FORMS = sorted(
    (f for forms in _PART_NAMES.values() for f in forms), key=lambda f: (-len(f.split()), f)
)
