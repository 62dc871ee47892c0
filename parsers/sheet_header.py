"""Where a sheet's agency list header is: the first row that heads a list, alone or with
the row below it (a header written over two rows), within the first rows of the sheet."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from parsers.dates import parse_date
from parsers.listing_header import (
    AGENCY,
    COUNTY,
    HEADER_NAMES,
    SIGNED,
    STATE,
    SUPPORT,
    TYPE,
    column_letter,
    header_text,
    joined_header,
    names_a_date,
    own_cells,
    read_header_row,
    unknown_column_note,
)
from parsers.misplaced_header import READS, header_shift, misplaced_columns
from parsers.normalize import clean_text, is_null, model_code, state_code, state_in_name
from parsers.states import named_state
from parsers.xlsx import CellValue, Sheet
from parsers.xlsx.merges import spread_across

HEADER_SCAN_ROWS = 100  # a preamble of notes can be long; a header never follows its list
REQUIRED = (STATE, AGENCY, SUPPORT)
# the share of a list's agency rows that must give their state for it to need no STATE
# column: all but a few (a row that gives none is read with its state unknown)
STATE_GIVEN_SHARE = 0.95
# A column the header does not name, read by what its cells hold (a required one, and
# the agency's type, which every row gives): the values its cell must read as, on the
# share of the rows naming an agency (of at least a few, among the first ones) that must.
BY_CONTENT: dict[str, Callable[[str], bool]] = {
    name: READS[name] for name in (STATE, SUPPORT, TYPE, COUNTY)
}
# Columns a row may leave empty (a city's or a state agency's county: ``#N/A`` on a
# quarter of the rows): read on the rows that fill them, which must be at least half.
SOME_EMPTY = frozenset({COUNTY})
BY_CONTENT_SHARE = 0.9
BY_CONTENT_CELLS = 3
BY_CONTENT_ROWS = 500  # the rows read: enough to tell, whatever the sheet's length


@dataclass
class SheetHeader:
    """Where the list's header is and what its columns mean. ``implied``: the value of a
    STATE or SUPPORT TYPE column the header lacks, when the sheet is named for one
    state or one model (a list split into one sheet per state, ``Texas``, or per model,
    ``JEM``, each without the column its name makes needless): the sheet's name.
    ``states_in_rows``: the header lacks a STATE column but its rows give their states
    (:func:`_states_in_rows`)."""

    sheet: Sheet
    row: int  # the header's last row: the list starts below it
    columns: tuple[str, ...]
    positions: dict[str, int]
    notes: list[str] = field(default_factory=list)
    top: int = -1  # the header's first row (``row`` unless it is written over two)
    unknown: dict[int, str] = field(default_factory=dict)  # cells no column knows
    texts: dict[str, str] = field(default_factory=dict)  # each named column's header text
    implied: dict[str, str] = field(init=False)
    model_columns: dict[str, int] = field(init=False)
    states_in_rows: bool = field(init=False)
    model_headings: bool = field(init=False)

    def __post_init__(self) -> None:
        if self.top < 0:
            self.top = self.row
        if self.heads_list:
            self._drop_date_stamps()
            if shift := header_shift(self.sheet, self.row, self.positions):
                self._shift(shift)
            if moves := misplaced_columns(self.sheet, self.row, self.positions):
                self._move(moves)
            for name, reads in BY_CONTENT.items():
                if name not in self.positions:
                    self._name_by_content(name, reads)
            if SIGNED not in self.positions:
                self._note_dates_not_signed()
        self.implied = _named_for(self.sheet.name, self.positions)
        for column, name in self.implied.items():
            self.notes.append(f"no {column} column: every row's is {name!r}, the sheet's name")
        self.states_in_rows = (
            STATE not in self.positions
            and STATE not in self.implied
            and AGENCY in self.positions
            and _states_in_rows(self.sheet, self.row, self.positions[AGENCY])
        )
        if self.states_in_rows:
            self.notes.append(
                f"no {STATE} column: each row's state is the one its agency's name gives "
                "('..., TX', 'TX - ...') or the state heading above it"
            )
        self.model_columns = {}
        if SUPPORT not in self.positions and SUPPORT not in self.implied:
            self.model_columns = _model_columns(self.unknown)
        if self.model_columns:
            self._note_model_columns()
        self.model_headings = (
            SUPPORT not in self.positions
            and SUPPORT not in self.implied
            and not self.model_columns
            and _first_under_a_model(self.sheet, self.row)
        )
        if self.model_headings:
            self.notes.append(
                f"no {SUPPORT} column: each row's model is the one the heading above it names"
            )

    def _drop_date_stamps(self) -> None:
        """A header cell that holds a date over a column no row fills (``As of
        8/30/2025``, ``Updated: August 30, 2025``, a date cell) is a note on the list,
        when it was made, not a column's name: a column is named for what it holds, and
        a stamp changes with every capture (it was a new column each time)."""
        for column, text in list(self.unknown.items()):
            if parse_date(text)[0] is None or not self._empty(column):
                continue
            del self.unknown[column]
            self.notes.remove(unknown_column_note(text, column))
            self.columns = tuple(c for c in self.columns if c != text)
            self.notes.append(
                f"cell {column_letter(column)}{self.row + 1} ({text!r}) read as a note on the "
                "list, not a column: a date over a column no row fills"
            )

    def _note_dates_not_signed(self) -> None:
        """Without a SIGNED column, the note naming the columns of dates the header
        does not read as the signing (``Start Date``, ``Date Added``: of another
        event, or of none it says; ``parsers/listing_header.py``): what the list
        lacks, and why its dates are not read."""
        dated = [
            f"{column_letter(column)} ({text!r})"
            for column, text in sorted(self.unknown.items())
            if names_a_date(text)
        ]
        if dated:
            self.notes.append(
                f"no {SIGNED} column: the dates of column {', '.join(dated)} are not read "
                "as the signing (their header names another event, or none)"
            )

    def _empty(self, column: int) -> bool:
        rows = range(self.row + 1, len(self.sheet.rows))
        return all(is_blank(self.sheet.value(row, column)) for row in rows)

    def _name_by_content(self, name: str, reads: Callable[[str], bool]) -> None:
        """A column of BY_CONTENT the header does not name is the one other column that
        gives nearly every agency row its value (:func:`_column_by_content`), unless
        its cell in the header row is such a value itself: that row is data, no header
        (a row whose type cell says ``State`` and whose model cell names a model)."""
        agency, named = self.positions[AGENCY], set(self.positions.values())
        column = _column_by_content(
            self.sheet, self.row, agency, named, reads, some_empty=name in SOME_EMPTY
        )
        if column is None or reads(self.unknown.get(column, "")):
            return
        text = self.unknown.pop(column, "")
        if text:
            self.notes.remove(unknown_column_note(text, column))
            self.columns = tuple(name if c == text else c for c in self.columns)
        else:  # in its place among the columns the header names
            left = len({*self.positions.values(), *self.unknown} & set(range(column)))
            self.columns = (*self.columns[:left], name, *self.columns[left:])
        self.positions = {**self.positions, name: column}
        self.texts = {**self.texts, name: text}
        headed = f"{text!r}" if text else "with no header"
        self.notes.append(
            f"column {column_letter(column)} ({headed}) read as {name!r} by its cells"
        )

    def _shift(self, shift: int) -> None:
        """Read every text of the header over the column ``shift`` from it: the row is
        one cell off its columns (:func:`header_shift`)."""
        self.positions = {name: column + shift for name, column in self.positions.items()}
        self.unknown = {column + shift: text for column, text in self.unknown.items()}
        side = "left" if shift < 0 else "right"
        self.notes.append(
            f"the header's texts sit one column off their columns (each column's values "
            f"are one column to the {side} of its text): read over the columns they name"
        )

    def _move(self, moves: dict[str, int]) -> None:
        """Read each name of ``moves`` over the column given: its text is over another
        named column's values (:func:`misplaced_columns`)."""
        named = {column: name for name, column in self.positions.items()}  # as headed
        old = {name: self.positions[name] for name in moves}
        self.positions = {**self.positions, **moves}
        holds = {column: name for name, column in self.positions.items()}  # as read
        self.columns = tuple(holds[old[name]] if name in old else name for name in self.columns)
        headed = {name: self.texts.get(named[column], "") for name, column in moves.items()}
        self.texts = {**self.texts, **headed}
        said = ", ".join(
            f"{column_letter(column)} ({name!r}) holds {holds[column]!r}"
            for name, column in sorted(old.items(), key=lambda pair: pair[1])
        )
        self.notes.append(
            f"header texts over other columns' values: column {said}; read as what "
            "each column holds"
        )

    def _note_model_columns(self) -> None:
        """The model columns' notes: known, not unknown columns."""
        columns = self.model_columns.values()
        known = {unknown_column_note(self.unknown[at], at) for at in columns}
        self.notes = [note for note in self.notes if note not in known]
        self.notes.append(
            f"no {SUPPORT} column: a column per model ({', '.join(self.model_columns)}); "
            "a row lists an agreement of each model whose cell is marked"
        )

    @property
    def complete(self) -> bool:
        return all(
            name in self.positions
            or name in self.implied
            or (name == STATE and self.states_in_rows)
            or (name == SUPPORT and (bool(self.model_columns) or self.model_headings))
            for name in REQUIRED
        )

    @property
    def heads_list(self) -> bool:
        """Whether it names an agency column and a state or model column (itself: a
        sheet's name completes a header, never makes one)."""
        return AGENCY in self.positions and (STATE in self.positions or SUPPORT in self.positions)


def _model_columns(unknown: dict[int, str]) -> dict[str, int]:
    """The columns headed by a support model (``JEM``, ``Task Force Model``), by model,
    when two or more are: a list that marks each agreement's model in a column of its
    own instead of naming it in a SUPPORT TYPE column (a model's name is never a
    column's, so such a cell is one no column knows)."""
    found: dict[str, int] = {}
    for column, text in unknown.items():
        code = model_code(text)
        if code is not None:
            found.setdefault(code, column)
    return found if len(found) >= 2 else {}


def _column_by_content(
    sheet: Sheet,
    header: int,
    agency: int,
    named: set[int],
    reads: Callable[[str], bool],
    some_empty: bool = False,
) -> int | None:
    """The one column not in ``named`` whose cell reads as a column's value on nearly
    every row naming an agency (at least BY_CONTENT_SHARE of them, and BY_CONTENT_CELLS
    rows): what a column holds says what it is when its header's words do not
    (``PROGRAM`` over ``Task Force Model``, ``Jail Enforcement Model``). A column giving
    only some rows a value (a state heading above each state's rows) gives it to none.
    None when no column does, or more than one (which is unknown). Read on the first
    BY_CONTENT_ROWS such rows, in the header's columns and the one after them, each
    distinct text once: a hostile sheet costs no more than its header. ``some_empty``:
    a column rows may leave empty (SOME_EMPTY) is read on the rows that fill it, at
    least half of them."""
    width = len(sheet.rows[header]) + 1
    columns = [column for column in range(width) if column not in named]
    below = range(header + 1, len(sheet.rows))
    rows = (row for row in below if clean_text(sheet.value(row, agency)))
    sample = list(itertools.islice(rows, BY_CONTENT_ROWS))
    said: dict[CellValue, tuple[bool, bool]] = {}  # (reads as a value, fills its cell)
    read: Counter[int] = Counter()
    filled: Counter[int] = Counter()
    for row in sample:
        for column in columns:
            value = sheet.value(row, column)
            if value not in said:
                text = clean_text(value)
                said[value] = (bool(text) and reads(text), not some_empty or not is_null(text))
            reads_as, fills = said[value]
            read[column] += reads_as
            filled[column] += fills
    found = [
        column
        for column, count in read.items()
        if count >= BY_CONTENT_SHARE * filled[column] and 2 * filled[column] >= len(sample)
    ]
    return found[0] if len(found) == 1 and len(sample) >= BY_CONTENT_CELLS else None


def _states_in_rows(sheet: Sheet, header: int, agency: int) -> bool:
    """Whether the rows under a header without a STATE column give their states: all
    but a few of the rows naming an agency (STATE_GIVEN_SHARE) are under a row holding
    a state's name alone (a heading), or name it in the agency's name, set off from it
    (``Kodiak Police Department, AK``: :func:`~parsers.normalize.state_in_name`)."""
    named = given = 0
    heading = False
    for cells in sheet.rows[header + 1 :]:
        if state_heading([text for text in map(clean_text, cells) if text]) is not None:
            heading = True
            continue
        name = clean_text(cells[agency]) if agency < len(cells) else ""
        if name and HEADER_NAMES.get(header_text(name)) != AGENCY:  # not the header again
            named += 1
            given += heading or state_in_name(name) is not None
    return named > 0 and given >= STATE_GIVEN_SHARE * named


def _first_under_a_model(sheet: Sheet, header: int) -> bool:
    """Whether the first row under a header without a model column holds a model's name
    alone (``Jail Enforcement Model``): a heading over rows of that model, as a state's
    name alone heads its state's rows (:func:`model_heading`)."""
    for cells in sheet.rows[header + 1 :]:
        texts = [text for text in map(clean_text, cells) if text]
        if texts:
            return model_heading(texts) is not None
    return False


def model_heading(texts: list[str]) -> str | None:
    """The model a row heads the rows below it with: the code of the model it names
    alone and no state (``texts``: its cells' texts), else None."""
    if len(texts) != 1 or state_code(texts[0]) is not None:
        return None
    return model_code(texts[0])


def state_heading(texts: list[str]) -> str | None:
    """The state a row heads the rows below it with: the code of the state it names
    alone (``texts``: its cells' texts, in any column), else None."""
    return state_code(texts[0]) if len(texts) == 1 else None


def _named_for(name: str, positions: dict[str, int]) -> dict[str, str]:
    """The STATE and SUPPORT TYPE values a sheet's name gives for the columns it lacks."""
    implied = {}
    if STATE not in positions and named_state(clean_text(name).upper()) is not None:
        implied[STATE] = name  # named exactly: a sheet called Main is not in Maine
    if SUPPORT not in positions and model_code(name) is not None:
        implied[SUPPORT] = name
    return implied


def read_header(sheet: Sheet, row: int) -> SheetHeader:
    cells = read_header_row(sheet.rows[row], sheet.hidden_columns)
    return SheetHeader(
        sheet, row, cells.columns, cells.positions, cells.notes, row, cells.unknown, cells.texts
    )


def find_header(sheet: Sheet) -> SheetHeader | None:
    """The first row, within the first rows of the sheet, that heads an agency list
    (alone, or with the row below it: :func:`_two_row_header`)."""
    for row in range(min(HEADER_SCAN_ROWS, len(sheet.rows))):
        if not sheet.rows[row]:
            continue
        header = read_header(sheet, row)
        two_rows = _two_row_header(sheet, header)
        if two_rows is not None:
            return two_rows
        if header.heads_list:
            return header
    return None


def _two_row_header(sheet: Sheet, top: SheetHeader) -> SheetHeader | None:
    """A header written over ``top``'s row and the next: a group's name above its
    columns' names (``MOA`` merged over ``SIGNED`` and ``LINK``, ``LAW ENFORCEMENT``
    over ``AGENCY``), each column named by its two cells' words, top then bottom.

    Read so only when the two rows together head a list and name more known columns
    than either row alone (a row that names the list's columns alone, under a title or
    a note, is the header), and the second row is no data row: under the agency column
    it is empty, or with the top cell the column's exact name (a data row always names
    its agency there)."""
    below = top.row + 1
    if below >= len(sheet.rows) or not sheet.rows[below]:
        return None
    width = max(len(sheet.rows[top.row]), len(sheet.rows[below]))
    upper = spread_across(sheet, top.row, width)
    lower = own_cells(upper, sheet.rows[below])
    cells = joined_header(upper, lower)
    read = read_header_row(cells, sheet.hidden_columns)
    note = f"header written over two rows ({top.row + 1} and {below + 1})"
    notes = [note, *read.notes]
    header = SheetHeader(
        sheet, below, read.columns, read.positions, notes, top.row, read.unknown, read.texts
    )
    alone = read_header_row(lower, sheet.hidden_columns).positions
    if not header.heads_list or len(read.positions) <= max(len(top.positions), len(alone)):
        return None
    agency = read.positions[AGENCY]
    if is_blank(sheet.value(below, agency)) or HEADER_NAMES.get(cells[agency]) == AGENCY:
        return header
    return None


def describe_sheet(sheet: Sheet) -> str:
    """The sheet's first words, for the reason a list was not found in it."""
    for row in sheet.rows[:HEADER_SCAN_ROWS]:
        texts = [clean_text(value) for value in row if clean_text(value)]
        if texts:
            shown = " | ".join(texts[:8])
            return f"sheet {sheet.name!r}: {shown[:120]}"
    return f"sheet {sheet.name!r}: (empty)"


def is_blank(value: CellValue) -> bool:
    """Empty, or only whitespace (NBSP included), as :func:`clean_text` would find it."""
    return value is None or (isinstance(value, str) and not value.strip())
