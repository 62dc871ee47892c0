"""Real lists republished with their cells written otherwise (by a person, another
export, another tool): the same values, so no event. The forms of whole lists (columns,
headings, sheets) are in ``test_republished_corpus.py``, whose helpers these use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.worksheet import Worksheet

from diffs.state import ProgramState
from tests.test_republished_corpus import (
    PENDING,
    SOURCE,
    Edit,
    _column_cells,
    _fed_twice,
    _feed,
    _put,
    _republished,
    _rewrite,
    _taken,
)

NAME = "LAW ENFORCEMENT AGENCY"
SPELLED = {"JEM": "Jail Enforcement Model", "TFM": "Task Force Model"}
SPELLED["WSO"] = "Warrant Service Officer"


def _signed(write: Callable[[datetime], object]) -> Edit:
    """Each signed date (a date cell) rewritten by ``write``: as text, as a number."""

    def edit(sheet: Worksheet, columns: dict[str, int]) -> None:
        for cell in _column_cells(sheet, columns["SIGNED"]):
            if isinstance(cell.value, date):
                cell.value = write(cell.value)

    return edit


def _rows_sorted(sheet: Worksheet, columns: dict[str, int]) -> None:
    """The rows sorted by the agency's name (rewritten whole: openpyxl moves no
    hyperlink with a cell's value)."""
    header, *rows = _taken(sheet)
    rows.sort(key=lambda cells: str(cells[columns[NAME] - 1][0] or ""))
    for at, cells in enumerate([header, *rows], start=1):
        _put(sheet, at, cells)


def _blank_first_column(sheet: Worksheet, columns: dict[str, int]) -> None:
    """Every cell moved one column right, the first left blank (links moved too)."""
    for at, cells in enumerate(_taken(sheet), start=1):
        _put(sheet, at, cells, first=2)


def _link_texts(text: str) -> Edit:
    def edit(sheet: Worksheet, columns: dict[str, int]) -> None:
        for cell in _column_cells(sheet, columns["MOA"]):
            if cell.hyperlink:
                cell.value = text

    return edit


CELLS: dict[str, Edit] = {
    "names in title case as str.title writes it": _rewrite(NAME, str.title),
    "names in lower case": _rewrite(NAME, str.lower),
    "names with non-breaking spaces": _rewrite(NAME, lambda n: n.replace(" ", "\u00a0")),
    "names with two spaces between words": _rewrite(NAME, lambda n: n.replace(" ", "  ")),
    "names with curly apostrophes": _rewrite(NAME, lambda n: n.replace("'", "\u2019")),
    "names in quotation marks": _rewrite(NAME, lambda n: f'"{n.strip()}"'),
    "names with & for and": _rewrite(NAME, lambda n: n.replace(" and ", " & ")),
    "types in capitals": _rewrite("TYPE", str.upper),
    "states in lower case": _rewrite("STATE", str.lower),
    "models spelled out": _rewrite("SUPPORT TYPE", lambda m: SPELLED.get(m.strip(), m)),
    "models after 287(g)": _rewrite("SUPPORT TYPE", lambda m: f"287(g) {m.strip()}"),
    "signed dates as ISO text": _signed(lambda d: d.strftime("%Y-%m-%d")),
    "signed dates as month/day/year text": _signed(lambda d: f"{d.month}/{d.day}/{d.year}"),
    "signed dates as words": _signed(lambda d: d.strftime("%B %d, %Y")),
    "signed dates as text with midnight": _signed(lambda d: d.strftime("%m/%d/%Y 12:00:00 AM")),
    "signed dates as unformatted serial numbers": _signed(to_excel),
    "rows sorted by name": _rows_sorted,
    "a blank first column": _blank_first_column,
    "MOA links reading View": _link_texts("View"),
    "counties in lower case": _rewrite("COUNTY", str.lower),
}


@pytest.fixture(scope="module")
def listed() -> tuple[bytes, ProgramState]:
    """The participating list of 28 August 2025 and the state it leaves."""
    data = SOURCE.read_bytes()
    return data, _feed(ProgramState(), data, 1).state


@pytest.mark.parametrize("form", sorted(CELLS))
def test_a_real_list_with_its_cells_written_otherwise_makes_no_event(
    form: str, listed: tuple[bytes, ProgramState]
) -> None:
    data, state = listed
    assert _fed_twice(state, _republished(data, CELLS[form]), 2).events == ()


PENDING_CELLS: dict[str, Edit] = {
    "names in title case as str.title writes it": _rewrite(NAME, str.title),
    "names with curly apostrophes": _rewrite(NAME, lambda n: n.replace("'", "\u2019")),
    "states as codes": _rewrite(
        "STATE", lambda s: {"ALABAMA": "AL", "TEXAS": "TX", "FLORIDA": "FL"}.get(s.strip(), s)
    ),
    "models as codes": _rewrite(
        "SUPPORT TYPE", lambda m: {v: k for k, v in SPELLED.items()}.get(m.strip(), m)
    ),
    "counties without the word County": _rewrite(
        "COUNTY", lambda c: c.strip().removesuffix(" County")
    ),
    "no county said blank": _rewrite("COUNTY", lambda c: "" if c.strip() == "#NA" else c),
}


@pytest.mark.parametrize("form", sorted(PENDING_CELLS))
def test_a_real_pending_list_with_its_cells_written_otherwise_makes_no_event(form: str) -> None:
    data = PENDING.read_bytes()
    state = _feed(ProgramState(), data, 1).state
    assert _fed_twice(state, _republished(data, PENDING_CELLS[form]), 2).events == ()
