"""Where a row's state is when its STATE cell does not say it plainly: written once, on
the first of the rows of its state (the cells below it blank), or swapped with the
agency's name. Pure functions of a sheet's cells."""

from __future__ import annotations

from parsers.listing_cells import agency_cell, cell_text, cell_texts, state_cell
from parsers.listing_header import AGENCY
from parsers.misplaced_header import READS
from parsers.states import named_state
from parsers.xlsx import CellValue, Sheet


def swapped_cells(
    values: tuple[CellValue, ...], state: str | None, agency: str
) -> tuple[tuple[str, str], str] | None:
    """A row whose STATE cell names no state but an agency, and whose agency cell names a
    state exactly, has the two values swapped (a slip of data entry): the state and the
    agency as they are meant; None for any other row (an agency is never named for a
    state alone)."""
    if state is not None or not agency or (code := named_state(agency.upper())) is None:
        return None
    other, _ = agency_cell(values[0])
    return ((agency, code), other) if other and READS[AGENCY](other) else None


def states_grouped(sheet: Sheet, header: int, state: int, agency: int) -> bool:
    """Whether the sheet writes each state once, on the first of its rows, leaving the
    STATE cell of the rows below it blank (as a state merged down them, or a heading
    above them, would say): some agencies' rows (an agency and more) have no state, and
    fewer than half the states written repeat the one above them (a list writing every
    row's state repeats it on nearly every row; a blank there is a state missing)."""
    if state < 0 or agency < 0:
        return False
    rows = sheet.rows[header + 1 :]
    texts = [cell_text(cells[state]) if state < len(cells) else "" for cells in rows]
    blanks = sum(
        1
        for cells, text in zip(rows, texts, strict=True)
        if not text
        and agency < len(cells)
        and cell_text(cells[agency])
        and len(cell_texts(cells)) > 1
    )
    if not blanks:  # the usual list: every agency's row states its state
        return False
    written = [code for text in texts if text and (code := state_cell(text)[1])]
    repeats = sum(a == b for a, b in zip(written, written[1:], strict=False))
    return 2 * repeats < len(written)
