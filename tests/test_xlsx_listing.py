"""parse_listing_xlsx: the cases folder, the real corpus, and the rules one by one."""

from __future__ import annotations

import hashlib
import io
import json
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from parsers.errors import ParseError
from parsers.normalize import STATE_CODES
from parsers.records import ListingRow, ParsedListing
from parsers.xlsx_listing import decide_kind, header_name, parse_listing_xlsx

CASES = Path(__file__).resolve().parent / "cases" / "xlsx"
CASE_FILES = sorted(CASES.glob("*.xlsx"))
NBSP = "\u00a0"


# --------------------------------------------------------------------------- cases folder


def test_every_case_has_an_expectation() -> None:
    assert len(CASE_FILES) >= 20
    assert {p.stem for p in CASE_FILES} == {p.stem for p in CASES.glob("*.json")}


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda path: path.stem)
def test_case(path: Path) -> None:
    expected: dict[str, Any] = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    data = path.read_bytes()
    if "error" in expected:
        with pytest.raises(ParseError) as caught:
            parse_listing_xlsx(data, path.name)
        assert expected["error"] in caught.value.reason
        assert caught.value.source == path.name
        return
    listing = parse_listing_xlsx(data, path.name)
    assert listing.kind == expected["kind"]
    assert list(listing.columns) == expected["columns"]
    assert list(listing.warnings) == expected["warnings"]
    assert len(listing.rows) == expected["row_count"]
    assert [row.to_dict() for row in listing.rows] == expected["rows"]
    assert [ListingRow.from_dict(row) for row in expected["rows"]] == list(listing.rows)
    assert parse_listing_xlsx(data, path.name) == listing  # pure and deterministic


# --------------------------------------------------------------------------- corpus


@pytest.fixture(scope="module")
def parsed_corpus(corpus: Path) -> dict[Path, ParsedListing]:
    """Every corpus file parsed once (byte duplicates share one parse)."""
    by_hash: dict[str, ParsedListing] = {}
    parsed = {}
    for path in sorted((corpus / "ice-sheets").glob("*/*.xlsx")):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest not in by_hash:
            by_hash[digest] = parse_listing_xlsx(data, path.name)
        parsed[path] = by_hash[digest]
    return parsed


@pytest.mark.slow
def test_every_corpus_file_parses_as_the_kind_of_its_folder(
    parsed_corpus: dict[Path, ParsedListing],
) -> None:
    assert len(parsed_corpus) == 315
    wrong = {
        p.name: listing.kind
        for p, listing in parsed_corpus.items()
        if listing.kind != p.parent.name
    }
    assert wrong == {}
    for path, listing in parsed_corpus.items():
        assert listing.rows, path
        assert {row.state for row in listing.rows} <= STATE_CODES, path
        assert all(row.agency and row.agency_key and row.model for row in listing.rows), path
        numbers = [row.row_number for row in listing.rows]
        assert numbers == sorted(numbers) and numbers[0] >= 2, path
        if listing.kind == "pending":
            assert all(row.signed is None and row.moa_url is None for row in listing.rows)


@pytest.mark.slow
def test_april_4_2025_matches_ice_statement(parsed_corpus: dict[Path, ParsedListing]) -> None:
    """ICE: as of April 4, 2025, 444 MOAs in 38 states (86 JEM, 180 WSO, 178 TFM) and 66
    pending applications."""
    by_name = {path.name: listing for path, listing in parsed_corpus.items()}
    participating = by_name["participatingAgencies-20250404231038.xlsx"]
    pending = by_name["pendingAgencies-20250404231038.xlsx"]
    assert participating.kind == "participating" and pending.kind == "pending"
    assert len(participating.rows) == 444
    assert Counter(row.model for row in participating.rows) == {"JEM": 86, "WSO": 180, "TFM": 178}
    assert len({row.state for row in participating.rows}) == 38
    assert len(pending.rows) == 66


@pytest.mark.slow
def test_corpus_date_quirks(parsed_corpus: dict[Path, ParsedListing]) -> None:
    by_name = {path.name: listing for path, listing in parsed_corpus.items()}
    rows = {row.row_number: row for row in by_name["participatingAgencies07082025pm.xlsx"].rows}
    assert (rows[617].signed, rows[617].signed_raw) == (date(2025, 7, 7), "5025-07-07")
    assert rows[617].flags == ("signed_repaired", "signed_doubtful")
    assert (rows[730].signed, rows[730].signed_raw, rows[730].flags) == (
        date(2025, 7, 7),
        "7/72025",
        ("signed_repaired",),
    )
    assert (rows[760].signed, rows[760].signed_raw) == (date(2025, 5, 8), "05/082025")
    safelinks = [r for r in rows.values() if r.moa_url and "safelinks" in r.moa_url]
    assert safelinks and all("&data=" in r.moa_url for r in safelinks if r.moa_url)


# --------------------------------------------------------------------------- rules


def _xlsx(
    rows: Sequence[Sequence[object]], links: dict[str, str] | None = None, title: str = "S"
) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for values in rows:
        sheet.append(values)
    for ref, url in (links or {}).items():
        value = sheet[ref].value
        sheet[ref].hyperlink = url
        sheet[ref].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("LAW ENFORCEMENT AGENCY ", "AGENCY"),
        ("law  enforcement\u00a0agency", "AGENCY"),
        ("Agency Name", "AGENCY"),
        ("Support Type", "SUPPORT TYPE"),
        ("MODEL", "SUPPORT TYPE"),
        ("Date Signed:", "SIGNED"),
        ("Signed Date", "SIGNED"),
        ("moa", "MOA"),
        ("ADDENDUM", "ADDENDUM"),
        ("County ", "COUNTY"),
        ("Notes", None),
        (None, None),
    ],
)
def test_header_names(text: object, name: str | None) -> None:
    assert header_name(text) == name


def _row(**values: Any) -> ListingRow:
    base: dict[str, Any] = {"state": "TX", "agency": "A", "agency_key": "a", "model": "JEM"}
    return ListingRow(**(base | values))


@pytest.mark.parametrize(
    ("columns", "rows", "kind", "warned"),
    [
        (("SIGNED", "MOA"), [_row(signed=date(2025, 1, 1))], "participating", False),
        (("SIGNED",), [_row(signed=date(2025, 1, 1))] + [_row()] * 20, "participating", True),
        (("MOA",), [_row(moa_url="https://x.test/a.pdf")], "participating", True),
        (("SIGNED", "MOA"), [_row(moa_text="link pending")], "pending", True),
        (
            ("MOA",),
            [_row(moa_text="link pending"), _row(moa_text="Link Pending")],
            "pending",
            False,
        ),
        (("MOA",), [_row(moa_text="link")], "pending", True),
        ((), [_row()], "pending", False),
        (("SIGNED",), [], "pending", True),
    ],
)
def test_decide_kind(
    columns: tuple[str, ...], rows: list[ListingRow], kind: str, warned: bool
) -> None:
    decided, notes = decide_kind(columns, rows)
    assert decided == kind
    assert bool(notes) == warned


def test_row_rules_on_a_small_sheet() -> None:
    rows: list[Sequence[object]] = [
        HEADER,
        [
            "TEXAS ",
            "Harris  County Sheriff\u2019s Office",
            "County ",
            "#N/A",
            "Jail Enforcement Model",
            datetime(2020, 6, 9),
            "link",
        ],
        [
            "Utah",
            "Utah County SO",
            "Muncipality",
            NBSP,
            "Warrant Service Office",
            "05/082025",
            f"link{NBSP}|{NBSP}addendum",
        ],
        [
            "NOWHERE",
            "Nowhere PD",
            "State",
            None,
            "Mystery Model",
            "1/2/1991",
            "https://www.ice.gov/doclib/x.pdf.",
        ],
        [NBSP, None, "", NBSP],
        ["IOWA", None, None, None, None, None, None],
        [
            "Iowa",
            "Story County Sheriff's Office",
            "County",
            "Story County",
            "TFM",
            45000,
            "link pending",
        ],
    ]
    listing = parse_listing_xlsx(
        _xlsx(rows, links={"G2": "https://x.test/m.pdf?a=1&b=2"}), "x.xlsx"
    )
    first, second, third, fourth, fifth = listing.rows
    assert (first.state, first.state_raw, first.agency, first.agency_key) == (
        "TX",
        "TEXAS",
        "Harris County Sheriff's Office",
        "harris county sheriff office",
    )
    assert (first.county, first.agency_type, first.model, first.signed) == (
        None,
        "County",
        "JEM",
        date(2020, 6, 9),
    )
    assert (first.signed_raw, first.moa_url, first.moa_text, first.flags) == (
        None,
        "https://x.test/m.pdf?a=1&b=2",
        "link",
        (),
    )
    assert (second.agency_type, second.model, second.county) == ("Municipality", "WSO", None)
    assert (second.signed, second.signed_raw, second.flags) == (
        date(2025, 5, 8),
        "05/082025",
        ("signed_repaired",),
    )
    assert (second.moa_text, second.moa_url) == ("link | addendum", None)
    assert (third.state, third.model, third.model_raw, third.agency_type) == (
        "??",
        None,
        "Mystery Model",
        "State Agency",
    )
    assert third.flags == ("state_unknown", "model_unknown", "signed_doubtful")
    assert third.moa_url == "https://www.ice.gov/doclib/x.pdf"
    assert (fourth.state, fourth.agency, fourth.flags) == (
        "IA",
        "",
        ("agency_missing", "model_unknown"),
    )
    assert (fifth.signed, fifth.signed_raw, fifth.row_number) == (date(2023, 3, 15), "45000", 7)
    assert listing.warnings == ("sheet 'S': skipped 1 blank row inside the list (row 5)",)
    assert listing.kind == "participating"
    assert listing.newest_signed == date(2025, 5, 8)


def test_missing_columns_never_borrow_cells_beyond_the_header() -> None:
    """No ADDENDUM/COUNTY column: whatever sits right of the header stays out of the row."""
    header = ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED", "MOA"]
    rows: list[Sequence[object]] = [
        header,
        ["OHIO", "Butler SO", "TFM", date(2025, 1, 2), "link", "stray"],
    ]
    listing = parse_listing_xlsx(
        _xlsx(rows, links={"F2": "https://stray.test/", "E2": "https://m.test/"})
    )
    (row,) = listing.rows
    assert (row.addendum_text, row.addendum_url, row.county, row.agency_type) == (
        None,
        None,
        None,
        None,
    )
    assert (row.moa_url, row.moa_text) == ("https://m.test/", "link")
    assert listing.warnings == ("sheet 'S': data in unnamed column F (1 cell) ignored",)


def test_header_beyond_the_scanned_rows_is_not_found() -> None:
    rows: list[Sequence[object]] = [[f"note {n}"] for n in range(25)]
    rows += [HEADER, ["TEXAS", "Harris County Sheriff's Office", "County", None, "JEM", None, None]]
    with pytest.raises(
        ParseError, match=r"no 287\(g\) agency list header found \(saw: sheet 'S': note 0\)"
    ):
        parse_listing_xlsx(_xlsx(rows), "late.xlsx")


def test_header_only_sheet_is_an_empty_pending_list_with_a_note() -> None:
    listing = parse_listing_xlsx(_xlsx([HEADER]), "empty.xlsx")
    assert (listing.kind, listing.rows) == ("pending", ())
    assert listing.warnings == (
        "sheet 'S': SIGNED column without any date and no MOA links: treated as pending",
    )


def test_not_an_xlsx_is_a_parse_error_naming_the_source() -> None:
    with pytest.raises(ParseError) as caught:
        parse_listing_xlsx(b"<html><body>404</body></html>", "participatingAgencies.xlsx")
    assert str(caught.value) == "participatingAgencies.xlsx: an HTML page, not an XLSX"
