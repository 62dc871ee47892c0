"""States and territories: their USPS codes, and how a list's state cell names one.

A state cell is read by principle, never by file. Its punctuation is folded
(:func:`fold_punctuation`: ``D.C.`` -> ``DC``, ``Tex.`` -> ``TEX``, ``Texas/TX`` ->
``TEXAS TX``), and:

1. a cell without brackets, dashes, slashes or commas names a state when, folded, it is
   a state's or territory's USPS code or name (spaces ignored), an AP or GPO style
   abbreviation (``Tex.``, ``Calif.``, ``W. Va.``: :data:`ABBREVIATIONS`) or another
   name in official use (``Washington DC``: :data:`OTHER_NAMES`), after any formal style
   (``State of``, ``Commonwealth of``, ``Territory of``); else when it is a state's name
   within a few letters (``Texsa``, ``WEST VIRIGINIA``);
2. a cell with brackets, dashes, slashes or commas that, folded, is a name as a whole
   names it (``Washington, D.C.``, ``Washington (DC)``, ``Washington-DC``); any other
   is cut there into parts (brackets, dashes and slashes first, then commas), and names
   a state when every part names the same one by these rules: ``Texas (TX)``, ``TX -
   Texas``, ``Texas/TX``, ``Texas, TX``. Parts naming two states, or a part naming none,
   are no state: a cell is never guessed (``Kansas/AR`` and ``AR - Kansas`` are None).

``Washington`` alone (or ``Washington State``) is the state WA; ``Washington, D.C.`` is
DC. A state's name followed by the word ``State`` is that state (``New York State``).
"""

from __future__ import annotations

import difflib
import functools
import re

STATES: dict[str, str] = {
    "ALABAMA": "AL",
    "ALASKA": "AK",
    "ARIZONA": "AZ",
    "ARKANSAS": "AR",
    "CALIFORNIA": "CA",
    "COLORADO": "CO",
    "CONNECTICUT": "CT",
    "DELAWARE": "DE",
    "DISTRICT OF COLUMBIA": "DC",
    "FLORIDA": "FL",
    "GEORGIA": "GA",
    "HAWAII": "HI",
    "IDAHO": "ID",
    "ILLINOIS": "IL",
    "INDIANA": "IN",
    "IOWA": "IA",
    "KANSAS": "KS",
    "KENTUCKY": "KY",
    "LOUISIANA": "LA",
    "MAINE": "ME",
    "MARYLAND": "MD",
    "MASSACHUSETTS": "MA",
    "MICHIGAN": "MI",
    "MINNESOTA": "MN",
    "MISSISSIPPI": "MS",
    "MISSOURI": "MO",
    "MONTANA": "MT",
    "NEBRASKA": "NE",
    "NEVADA": "NV",
    "NEW HAMPSHIRE": "NH",
    "NEW JERSEY": "NJ",
    "NEW MEXICO": "NM",
    "NEW YORK": "NY",
    "NORTH CAROLINA": "NC",
    "NORTH DAKOTA": "ND",
    "OHIO": "OH",
    "OKLAHOMA": "OK",
    "OREGON": "OR",
    "PENNSYLVANIA": "PA",
    "RHODE ISLAND": "RI",
    "SOUTH CAROLINA": "SC",
    "SOUTH DAKOTA": "SD",
    "TENNESSEE": "TN",
    "TEXAS": "TX",
    "UTAH": "UT",
    "VERMONT": "VT",
    "VIRGINIA": "VA",
    "WASHINGTON": "WA",
    "WEST VIRGINIA": "WV",
    "WISCONSIN": "WI",
    "WYOMING": "WY",
    "PUERTO RICO": "PR",
    "GUAM": "GU",
    "U.S. VIRGIN ISLANDS": "VI",
    "VIRGIN ISLANDS": "VI",
    "NORTHERN MARIANA ISLANDS": "MP",
    "AMERICAN SAMOA": "AS",
}
STATE_CODES = frozenset(STATES.values())

# The AP and GPO style manuals' abbreviations that are not a USPS code, folded (dots and
# spaces dropped: ``N. Mex.`` is NMEX). A published standard list, not cells seen.
ABBREVIATIONS: dict[str, str] = {
    "ALA": "AL", "ARIZ": "AZ", "ARK": "AR", "CALIF": "CA", "COLO": "CO", "CONN": "CT",
    "DEL": "DE", "FLA": "FL", "ILL": "IL", "IND": "IN", "KAN": "KS", "KANS": "KS",
    "MASS": "MA", "MICH": "MI", "MINN": "MN", "MISS": "MS", "MONT": "MT", "NEB": "NE",
    "NEBR": "NE", "NEV": "NV", "NMEX": "NM", "NDAK": "ND", "OKLA": "OK", "ORE": "OR",
    "OREG": "OR", "SDAK": "SD", "TENN": "TN", "TEX": "TX", "WASH": "WA", "WVA": "WV",
    "WIS": "WI", "WYO": "WY",
}  # fmt: skip
# Other names in official use, folded.
OTHER_NAMES: dict[str, str] = {
    "WASHINGTON DC": "DC",
    "UNITED STATES VIRGIN ISLANDS": "VI",
    "VIRGIN ISLANDS US": "VI",  # ISO 3166's "Virgin Islands, U.S."
    "USVI": "VI",
    "CNMI": "MP",
}

_INITIALISM = re.compile(r"\b[A-Z]\.(?:\s?[A-Z]\.)+")  # U.S., D.C., W.S.O., N. C.
_MARKS = re.compile(r"[^A-Z0-9]+")
_STYLE = re.compile(r"^(?:THE )?(?:STATE|COMMONWEALTH|TERRITORY) OF (?:THE )?")
# Where a cell is cut into parts: brackets, dashes (any kind), slashes; then commas.
_SPLITS = (re.compile(r"[()\[\]/\\|\-\u2010-\u2015\u2212]"), re.compile(r","))


def fold_punctuation(text: str) -> str:
    """Upper-case words with punctuation folded: an initialism's dots dropped (``D.C.`` ->
    ``DC``), apostrophes dropped (``SHERIFF'S`` -> ``SHERIFFS``), any other run of marks
    one space (``TASK-FORCE`` -> ``TASK FORCE``)."""
    text = text.upper().replace("'", "")
    text = _INITIALISM.sub(lambda m: m[0].replace(".", "").replace(" ", ""), text)
    return _MARKS.sub(" ", text).strip()


_AS_WRITTEN = {code: code for code in STATE_CODES} | STATES
_FOLDED = {fold_punctuation(name): code for name, code in STATES.items()}
_NAMED = _FOLDED | OTHER_NAMES | _AS_WRITTEN
_SQUEEZED = {name.replace(" ", ""): code for name, code in _NAMED.items()} | ABBREVIATIONS


def read_state(text: str) -> str | None:
    """USPS code of the state a cell's upper-case text names (module docstring), or None."""
    code = _AS_WRITTEN.get(text)  # the common case: a clean code or name
    return code if code else _read(text, 0)


def named_state(text: str) -> str | None:
    """USPS code of the state an upper-case text names exactly (rule 1 without its last
    resort: no near miss, so ``MAIN`` is no state), or None."""
    return _AS_WRITTEN.get(text) or _named(fold_punctuation(text))


def _read(text: str, level: int) -> str | None:
    """Rule 2 where ``text`` has parts (from the cut ``level`` on), else rule 1."""
    for depth in range(level, len(_SPLITS)):
        parts = [part for part in _SPLITS[depth].split(text) if fold_punctuation(part)]
        if len(parts) < 2:
            continue
        if code := _NAMED.get(fold_punctuation(text)):
            return code  # a name with its marks: Washington, D.C.; Washington (DC)
        codes = {_read(part, depth + 1) for part in parts}
        return codes.pop() if len(codes) == 1 else None
    folded = fold_punctuation(text)
    return _named(folded) or _near(_STYLE.sub("", folded))  # State of West Viriginia


def _named(folded: str) -> str | None:
    """Rule 1: a code, name, abbreviation or other name, after any formal style."""
    code = _NAMED.get(folded) or _SQUEEZED.get(folded.replace(" ", ""))
    if code is None and (styled := _STYLE.sub("", folded)) != folded:
        return _named(styled)
    if code is None and folded.endswith(" STATE"):
        return _FOLDED.get(folded.removesuffix(" STATE"))  # New York State
    return code


@functools.lru_cache(maxsize=4096)
def _near(folded: str) -> str | None:
    """Rule 1's last resort: a state's name within a few letters (remembered: a list's
    rows repeat their cells, and the comparison with every name is slow)."""
    close = difflib.get_close_matches(folded, _FOLDED.keys(), n=1, cutoff=0.8)
    return _FOLDED[close[0]] if close else None
