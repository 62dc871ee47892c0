"""A header whose texts are not over their columns: texts swapped or rotated among
them, or the whole row one cell off its columns.

A header row edited by hand can leave two of its texts over each other's columns
(``TYPE`` over the counties and ``COUNTY`` over the types, ``STATE`` over the agencies,
``LAW ENFORCEMENT AGENCY`` over the counties and ``COUNTY`` over the agencies),
or every text one column off (a cell inserted or deleted in the header row alone).
What a column holds says what it is when its header's words say otherwise, as it does
when its header says nothing (``sheet_header.BY_CONTENT``). Pure.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Mapping

from parsers.agency_types import AGENCY_TYPES, agency_type
from parsers.dates import parse_date
from parsers.listing_header import AGENCY, COUNTY, SIGNED, STATE, SUPPORT, TYPE
from parsers.normalize import (
    COUNTY_WORDS,
    clean_text,
    is_null,
    model_codes,
    state_code,
)
from parsers.xlsx import CellValue, Sheet


def _kind(reads: Callable[[CellValue], bool]) -> Callable[[CellValue], bool]:
    """A kind's reader: never a link (an MOA's address can name a model or a state),
    each value read once."""

    def read(value: CellValue) -> bool:
        return not (isinstance(value, str) and "://" in value) and reads(value)

    return functools.lru_cache(maxsize=1 << 12)(read)


# A name saying what kind of agency it names (``... Sheriff's Office``, ``... Police``,
# ``... Highway Patrol``, ``... Constable``), and a county cell's name (``Harris
# County``, ``Orleans Parish``): an agency's column and a county's told apart.
_AGENCY_WORDS = re.compile(
    r"\b(?:sheriffs?|police|departments?|dept|office|ofc|jails?|corrections?|correctional"
    r"|detention|constables?|patrol|marshals?|commission|authority|board|division|bureau"
    r"|attorney|guard|agency|services|so|pd|dps|doc|enforcement|troopers?|rangers?"
    r"|investigations?|safety|facility|prison|penitentiary|courts?|justice)\b",
    re.IGNORECASE,
)
_COUNTY_NAME = re.compile(
    r"\b(?:" + "|".join(sorted(COUNTY_WORDS - {"and"})) + r"|census area)$", re.IGNORECASE
)


def _names_a_county(text: str) -> bool:
    """A county's name: a name, then ``County`` (``Parish``, ...); ``County`` alone is
    an agency's type, not a county (a TYPE column's cells under COUNTY's header)."""
    return bool(_COUNTY_NAME.search(text)) and len(text.split()) > 1


# What a value of each kind a column can be known by reads as, by the parsers' own
# readings (``sheet_header.BY_CONTENT`` reads a column the header lacks by two of them).
READS: dict[str, Callable[[object], bool]] = {
    STATE: lambda value: state_code(value) is not None,
    SUPPORT: lambda value: bool(model_codes(value)),
    TYPE: lambda value: agency_type(value) in AGENCY_TYPES,
    SIGNED: lambda value: parse_date(value)[0] is not None,
    AGENCY: lambda value: bool(_AGENCY_WORDS.search(clean_text(value).replace("'", ""))),
    COUNTY: lambda value: _names_a_county(clean_text(value)),
}
# The kinds a misplaced header's columns are known by: every cell of such a column reads
# as its kind.
KINDS: dict[str, Callable[[CellValue], bool]] = {
    kind: _kind(reads) for kind, reads in READS.items()
}
SAMPLE_ROWS = 50  # the first rows under the header read: enough to tell, cheap to read
HOLDS = 0.9  # the share of a column's filled cells that read as a kind when it holds it
LACKS = 0.5  # the share under which a column does not hold a kind
MIN_CELLS = 3  # the fewest filled cells a column swapped holds
SHIFT_KINDS = 3  # the fewest columns of a known kind that tell a header one cell off


def misplaced_columns(sheet: Sheet, header: int, positions: Mapping[str, int]) -> dict[str, int]:
    """The named columns (``positions``: name to column) whose texts are over another
    named column's values, each with the column that holds them: a column of a known
    kind that holds none of it (of its filled cells, among the first SAMPLE_ROWS rows
    naming an agency), while exactly one other named column, filled as well, holds it
    (HOLDS of its cells) and not its own kind, takes that column; the one name its kind
    displaced, if one, takes the column it left (``TYPE`` and ``COUNTY`` swapped;
    ``TYPE``, ``COUNTY`` and ``SUPPORT TYPE`` each over the next one's values). Empty
    when nothing is misplaced, or when which name goes where is not one answer."""
    rows = _agency_rows(sheet, header, positions)
    filled = {name: _filled(sheet, rows, column) for name, column in positions.items()}
    moves: dict[str, int] = {}
    for kind in KINDS:
        own = filled.get(kind)
        if own is None or not _lacks(own, kind):
            continue
        holders = [
            name
            for name, values in filled.items()
            if name != kind
            and len(own) >= max(MIN_CELLS, LACKS * len(values))
            and _holds(values, kind)
            and (name not in KINDS or _lacks(values, name))
        ]
        if len(holders) == 1:
            moves[kind] = positions[holders[0]]
    taken = set(moves.values())
    left = {positions[name] for name in moves} - taken
    displaced = [
        name for name, column in positions.items() if column in taken and name not in moves
    ]
    if len(taken) != len(moves) or len(displaced) != len(left) or len(left) > 1:
        return {}
    return {**moves, **dict(zip(displaced, left, strict=True))}


def header_shift(sheet: Sheet, header: int, positions: Mapping[str, int]) -> int:
    """How many columns (-1 or 1; 0 for none) the header's texts sit off their columns:
    each of the header's columns whose kind can be read (at least SHIFT_KINDS of them)
    holds no values of its kind, while the column that far from it holds them, as a row
    one cell off its header would read (``parsers/row_alignment.py``)."""
    named = [name for name in KINDS if name in positions]
    if len(named) < SHIFT_KINDS:
        return 0
    rows = _agency_rows(sheet, header, positions)
    for shift in (-1, 1):
        if all(
            positions[name] + shift >= 0
            and _lacks(_filled(sheet, rows, positions[name]), name)
            and _holds(_filled(sheet, rows, positions[name] + shift), name)
            for name in named
        ):
            return shift
    return 0


def _filled(sheet: Sheet, rows: list[int], column: int) -> list[CellValue]:
    """The column's values on ``rows``, a null marker (``#N/A``) being none."""
    return [v for r in rows if not is_null(v := sheet.value(r, column))]


def _agency_rows(sheet: Sheet, header: int, positions: Mapping[str, int]) -> list[int]:
    """The first SAMPLE_ROWS rows under ``header`` that name an agency (in the column so
    headed, whatever it holds) and do not repeat the header: a state's heading, a title
    or a blank row is no row of the list's columns."""
    agency = positions[AGENCY]
    heading = clean_text(sheet.value(header, agency))
    rows = (
        row
        for row in range(header + 1, len(sheet.rows))
        if (text := clean_text(sheet.value(row, agency))) and text != heading
    )
    return list(itertools.islice(rows, SAMPLE_ROWS))


def _holds(values: list[CellValue], kind: str) -> bool:
    """Whether at least HOLDS of ``values`` read as ``kind`` (stopping at the misses
    that make it impossible)."""
    reads, allowed, misses = KINDS[kind], len(values) * (1 - HOLDS), 0
    for value in values:
        misses += not reads(value)
        if misses > allowed:
            return False
    return bool(values)


def _lacks(values: list[CellValue], kind: str) -> bool:
    """Whether fewer than LACKS of ``values`` read as ``kind``."""
    reads, limit, hits = KINDS[kind], len(values) * LACKS, 0
    for value in values:
        hits += reads(value)
        if hits >= limit:
            return False
    return True
