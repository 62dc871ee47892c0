"""A row whose cells sit one column off its header, as a sheet edited by hand gets them:
a cell deleted with the cells after it shifted left (its TYPE lost, its COUNTY under
TYPE, its model under COUNTY, its date under SUPPORT TYPE), or one inserted, shifting
them right.

Read by principle, not by file: a row that reads neither a model nor a signing date,
in a list that has a column for each, but reads both with its cells put back one
column from some column after its agency and up to its model's, is so misaligned, when
one such column fits best (the cell then under TYPE reads as an agency's type, else is
blank). Anything else is read as it is: a row missing its model alone, or its date
alone, says so in its own cells. Pure: cells in, cells out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from parsers.agency_types import AGENCY_TYPES
from parsers.listing_cells import model_cell, signed_cell, type_cell
from parsers.xlsx import CellValue

# Where CANONICAL_COLUMNS holds each column a realignment reads.
STATE, AGENCY, TYPE, COUNTY, SUPPORT, SIGNED = range(6)


@dataclass(frozen=True)
class Realigned:
    """A row's cells put back under their columns: from sheet column ``at`` on, moved
    by ``shift`` (+1: a cell was lost and they move right; -1: one was added)."""

    cells: list[CellValue]
    at: int
    shift: int

    def source(self, column: int) -> int:
        """The sheet column a cell now under ``column`` was read from."""
        return column - self.shift if column >= self.at else column


def realigned(
    cells: Sequence[CellValue],
    picked: tuple[CellValue, ...],
    positions: Sequence[int],
    values: Callable[[list[CellValue]], tuple[CellValue, ...]],
) -> Realigned | None:
    """The row's cells put back, when it is misaligned (see the module's rule); None
    when it is not, or when two ways of putting it back fit as well. ``picked``: its
    cells under the canonical columns as they are; ``positions``: the sheet column of
    each canonical column (-1 when the list has none); ``values``: the reader's cells
    under the canonical columns."""
    if min(positions[SUPPORT], positions[SIGNED]) < 0 or _reads_either(picked):
        return None
    after = max(positions[STATE], positions[AGENCY])
    starts = sorted({p for p in positions[TYPE : SUPPORT + 1] if after < p})
    fitting: dict[tuple[CellValue, ...], tuple[int, Realigned]] = {}
    for at in starts:
        for shift in (1, -1):
            moved = (
                [*cells[:at], None, *cells[at:]] if shift > 0 else [*cells[:at], *cells[at + 1 :]]
            )
            picked = values(moved)
            if _reads(picked):  # two ways that read the same cells are one reading
                fitting.setdefault(picked, (_type_fit(picked[TYPE]), Realigned(moved, at, shift)))
    best = max((score for score, _ in fitting.values()), default=None)
    chosen = [candidate for score, candidate in fitting.values() if score == best]
    return chosen[0] if len(chosen) == 1 else None


def _reads_either(picked: tuple[CellValue, ...]) -> bool:
    return model_cell(picked[SUPPORT])[1] is not None or signed_cell(picked[SIGNED])[0] is not None


def _reads(picked: tuple[CellValue, ...]) -> bool:
    """Whether cells under the canonical columns read a model and a signing date."""
    return model_cell(picked[SUPPORT])[1] is not None and signed_cell(picked[SIGNED])[0] is not None


def _type_fit(value: CellValue) -> int:
    """How well a cell fits under TYPE: an agency's type best, then a blank."""
    return 2 if type_cell(value) in AGENCY_TYPES else int(value is None)
