"""Rows a sheet hides, on small hand-made sheets: a hidden stale copy of a shown row is
not read, any other hidden row is read as listed, each with a note
(``parsers/hidden_rows.py``, ``parsers/xlsx/rows.py``)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import openpyxl

from parsers.xlsx import read_workbook
from parsers.xlsx.rows import hidden_rows
from parsers.xlsx_listing import parse_listing_xlsx
from tests.test_xlsx_listing import HEADER

LEE = ["FLORIDA", "Lee County Sheriff's Office", "County", "Lee County", "TFM"]


def _sheet(rows: Sequence[Sequence[object]], hidden: Sequence[int]) -> bytes:
    """An XLSX of ``rows`` whose sheet rows ``hidden`` (1-based) are hidden."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "S"
    for values in rows:
        sheet.append(values)
    for number in hidden:
        sheet.row_dimensions[number].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_reader_gives_the_rows_a_sheet_hides() -> None:
    rows = [HEADER, [*LEE, date(2025, 1, 2), "link"], [*LEE, date(2025, 1, 3), "link"]]
    (sheet,) = read_workbook(_sheet(rows, [3]))
    assert sheet.hidden_rows == frozenset({2})


def test_only_a_rows_start_tag_hides_a_row_and_only_one_numbered_within_the_data() -> None:
    xml = (
        b'<worksheet><cols><col min="2" max="2" hidden="1"/></cols><sheetData>'
        b'<row r="1"><c r="A1"/></row><x:row r="2" spans="1:3" hidden="1"/>'
        b'<row hidden="true"/><row r="9" hidden="1"/></sheetData></worksheet>'
    )
    assert hidden_rows(xml, height=5) == frozenset({1})


def test_a_hidden_stale_copy_of_a_shown_row_is_not_read() -> None:
    """A row copied, the copy corrected, the original hidden: the shown row's date is the
    list's, whatever order the two are in (the hidden one was read as the later date)."""
    stale = [*LEE, date(2025, 1, 3), "link"]
    shown = [*LEE, date(2025, 1, 2), "link"]
    listing = parse_listing_xlsx(_sheet([HEADER, shown, stale], [3]))
    assert [row.signed for row in listing.rows] == [date(2025, 1, 2)]
    assert listing.row_numbers == (2,)
    assert (
        "sheet 'S': 1 row hidden, repeating an agreement a shown row lists: its stale "
        "copy, not read (row 3)"
    ) in listing.warnings


def test_a_hidden_row_of_its_own_agreement_is_read_as_listed_with_a_note() -> None:
    other = ["TEXAS", "Harris County Sheriff's Office", "County", "Harris County", "JEM"]
    rows = [HEADER, [*LEE, date(2025, 1, 2), "link"], [*other, date(2025, 1, 3), "link"]]
    listing = parse_listing_xlsx(_sheet(rows, [3]))
    assert [row.agency for row in listing.rows] == [LEE[1], other[1]]
    assert (
        "sheet 'S': 1 row hidden in the sheet: read as listed (hiding is no removal) (row 3)"
    ) in listing.warnings
