"""Two columns whose headers were swapped: each holds what the other's header names.

A header row edited by hand can leave two of its texts over each other's columns
(``TYPE`` over the counties and ``COUNTY`` over the types, ``STATE`` over the agencies).
What a column holds says what it is when its header's words say otherwise, as it does
when its header says nothing (``sheet_header.BY_CONTENT``): a named column whose cells
read as another named column's kind, and not as its own, while that other column's
cells do not read as its kind, are the two headers swapped. Pure.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping

from parsers.dates import parse_date
from parsers.listing_header import AGENCY, SIGNED, STATE, SUPPORT, TYPE
from parsers.normalize import AGENCY_TYPES, agency_type, clean_text, model_codes, state_code
from parsers.xlsx import CellValue, Sheet


def _kind(reads: Callable[[CellValue], bool]) -> Callable[[CellValue], bool]:
    """A kind's reader: never a link (an MOA's address can name a model or a state),
    each value read once."""

    def read(value: CellValue) -> bool:
        return not (isinstance(value, str) and "://" in value) and reads(value)

    return functools.lru_cache(maxsize=1 << 12)(read)


# The kinds of value a column can be known by: what every cell of such a column reads as.
KINDS: dict[str, Callable[[CellValue], bool]] = {
    STATE: _kind(lambda value: state_code(value) is not None),
    SUPPORT: _kind(lambda value: bool(model_codes(value))),
    TYPE: _kind(lambda value: agency_type(value) in AGENCY_TYPES),
    SIGNED: _kind(lambda value: parse_date(value)[0] is not None),
}
SAMPLE_ROWS = 50  # the first rows under the header read: enough to tell, cheap to read
HOLDS = 0.9  # the share of a column's filled cells that read as a kind when it holds it
LACKS = 0.5  # the share under which a column does not hold a kind
MIN_CELLS = 3  # the fewest filled cells a column swapped holds


def swapped_columns(
    sheet: Sheet, header: int, positions: Mapping[str, int]
) -> list[tuple[str, str]]:
    """The pairs of named columns (``positions``: name to column) whose headers are
    swapped: the column named X holds Y's kind (HOLDS of its filled cells among the
    first SAMPLE_ROWS rows naming an agency) and not its own, and the column named Y,
    filled as well (at least MIN_CELLS cells and LACKS as many as X's), does not hold
    Y's kind but holds X's (when X's kind can be read at all: an agency's or a county's
    name cannot). Each column is in one pair at most."""
    rows = _agency_rows(sheet, header, positions)
    filled = {
        name: [v for r in rows if clean_text(v := sheet.value(r, column))]
        for name, column in positions.items()
    }
    pairs: list[tuple[str, str]] = []
    taken: set[str] = set()
    for x, y in itertools.permutations(positions, 2):
        if y not in KINDS or {x, y} & taken:
            continue
        here, there = filled[x], filled[y]
        if len(there) < max(MIN_CELLS, LACKS * len(here)):
            continue  # a column lacking values is no column swapped (a model cell left
            # blank in every row whose name restates it is no model column swapped)
        if not (_holds(here, y) and _lacks(there, y)):
            continue  # the usual case, decided on the first cells read
        if x not in KINDS or (_holds(there, x) and _lacks(here, x)):
            pairs.append((x, y))
            taken |= {x, y}
    return pairs


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
