"""Lists published as delimited text (CSV): read as the one sheet of an XLSX would be."""

from __future__ import annotations

import contextlib
import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ice287g.intake import Origin, observe
from parsers.delimited import read_delimited
from parsers.detect import parse_listing
from parsers.errors import ParseError
from parsers.formats import sniff
from parsers.xlsx import ReadLimits
from snapshots.archive import Archive

HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]
MOA_URL = "https://www.ice.gov/doclib/287gMOA/287gJEM_HarrisCoTX.pdf"
ROWS = [
    ["TEXAS", "Harris County Sheriff's Office", "County", "Harris County",
     "Jail Enforcement Model", "03/01/2025", MOA_URL],
    ["FL", "Cape Coral Police Department, City of", "Municipality", "Lee County",
     "Task Force Model", "2025-04-02", ""],
]  # fmt: skip


def _csv(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for values in rows:
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_list_written_as_csv_reads_as_the_same_list_written_as_xlsx() -> None:
    as_xlsx = parse_listing(_xlsx([HEADER, *ROWS]), "list.xlsx")
    as_csv = parse_listing(_csv([HEADER, *ROWS]), "list.csv")
    assert as_csv.source_format == "csv" and as_xlsx.source_format == "xlsx"
    assert (as_csv.kind, as_csv.columns, as_csv.rows) == (
        as_xlsx.kind,
        as_xlsx.columns,
        as_xlsx.rows,
    )
    first = as_csv.rows[0]
    assert (first.state, first.model, first.signed, first.moa_url) == (
        "TX", "JEM", date(2025, 3, 1), MOA_URL
    )  # fmt: skip


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_the_delimiter_and_the_encoding_are_read_from_the_file(
    delimiter: str, encoding: str
) -> None:
    """A comma inside a quoted cell is no delimiter, and a curly apostrophe survives
    each encoding (Windows-1252 when the bytes are not UTF-8; UTF-16 when a byte-order
    mark says so, as Excel's "Unicode Text" writes)."""
    rows = [HEADER, *ROWS, ["GA", "Cobb County Sheriff\u2019s Office", "County", "Cobb", "WSO"]]
    listing = parse_listing(_csv(rows, delimiter, encoding), "list.csv")
    assert [row.agency for row in listing.rows] == [
        "Harris County Sheriff's Office", "Cape Coral Police Department, City of",
        "Cobb County Sheriff's Office",
    ]  # fmt: skip


def test_a_title_line_above_the_header_is_a_row_above_it() -> None:
    data = b"287(g) Participating Agencies\r\n" + _csv([HEADER, *ROWS])
    listing = parse_listing(data, "list.csv")
    assert len(listing.rows) == 2
    assert listing.warnings == ("sheet 'CSV': header found at row 2; rows above it ignored",)


def test_delimited_text_is_sniffed_as_csv_and_other_text_or_bytes_is_not() -> None:
    assert sniff(_csv([HEADER])) == "csv"
    assert sniff("\ufeffSTATE;AGENCY\n".encode()) == "csv"
    assert sniff(b"just some words\n") == "unknown"
    assert sniff(b"STATE,AGENCY\x00\x01\n") == "unknown"  # control characters: not text
    assert sniff(b"287(g) Participating Agencies\nSTATE,AGENCY\n") == "csv"
    assert sniff(b"<html><body>a, b</body></html>") == "html"
    assert sniff(_csv([HEADER], "\t", "utf-16")) == "csv"  # a byte-order mark, then text
    assert sniff(b"\xfe\xff" + "STATE\tAGENCY\n".encode("utf-16-be")) == "csv"
    assert sniff("STATE\tAGENCY\n".encode("utf-16-le")) == "unknown"  # no mark: no guess


def test_a_file_of_more_cells_than_the_budget_is_refused() -> None:
    data = _csv([HEADER, *ROWS])
    with pytest.raises(ParseError, match="more than 10 cells"):
        read_delimited(data, "big.csv", ReadLimits(max_cells=10))


def test_a_file_of_more_lines_than_a_sheet_has_rows_is_refused_blank_ones_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A blank line holds no cell, yet is a row to read: 4,000,000 of them (4 MB)
    took 18 s and 500 MB. No sheet has more rows than an Excel one (1,048,576, here
    made 4 to try it)."""
    from parsers import delimited

    monkeypatch.setattr(delimited, "MAX_ROWS", 4)
    assert len(read_delimited(b"a,b\n\n\nc,d\n", "four.csv").rows) == 4
    for text in (b"a,b\n\n\n\nc,d\n", b"a,b\n" + b"\n" * 9):
        with pytest.raises(ParseError, match="more than 4 lines .a sheet's rows.: refusing"):
            read_delimited(text, "five.csv")


def test_a_nul_byte_inside_the_text_is_a_parse_error_naming_the_file() -> None:
    data = _csv([HEADER]) + b"TX,Harris\x00 County\r\n"
    with pytest.raises(ParseError, match="bad.csv: not delimited text"):
        read_delimited(data, "bad.csv")


def test_a_csv_that_holds_no_list_is_refused_with_its_first_words() -> None:
    with pytest.raises(ParseError, match="no 287\\(g\\) agency list header found"):
        parse_listing(b"name,phone\nAlice,555\n", "contacts.csv")


CELL = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


@given(st.lists(st.lists(CELL, min_size=2, max_size=5), min_size=1, max_size=8))
def test_a_grid_written_with_the_csv_module_reads_back_cell_for_cell(
    grid: list[list[str]],
) -> None:
    """Blank cells are no value; trailing blank cells and rows are dropped (as in XLSX)."""
    grid = [[cell.replace(",", "") for cell in row] for row in grid]  # one delimiter
    sheet = read_delimited(_csv(grid), "grid.csv")
    expected = [[cell if cell.strip() else None for cell in row] for row in grid]
    for row in expected:
        while row and row[-1] is None:
            row.pop()
    while expected and not expected[-1]:
        expected.pop()
    assert sheet.rows == expected


@given(st.binary(max_size=400))
def test_any_bytes_give_a_sheet_or_a_parse_error(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        read_delimited(data, "any.csv")


def test_a_csv_list_is_archived_under_a_csv_name(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    origin = Origin(source="import", observed_at="2026-05-18T12:00:00Z")
    obs = observe(archive, _csv([HEADER, *ROWS]), origin)
    path = archive.find(obs.sha256)
    assert obs.suffix == ".csv" and path is not None and path.suffix == ".csv"
