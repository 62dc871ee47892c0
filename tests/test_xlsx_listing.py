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
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from parsers.errors import ParseError
from parsers.listing_header import HEADER_NAMES, KEYWORDS, header_name
from parsers.listing_rows import built_row
from parsers.normalize import agency_key, model_codes
from parsers.records import ListingRow, ParsedListing
from parsers.sheet_header import HEADER_SCAN_ROWS
from parsers.states import STATE_CODES
from parsers.xlsx_listing import decide_kind, parse_listing_xlsx
from tests.support import make_cases

CASES = Path(__file__).resolve().parent / "cases" / "xlsx"
CASE_FILES = sorted(CASES.glob("*.xlsx"))
NBSP = "\u00a0"


# --------------------------------------------------------------------------- cases folder


def test_every_case_has_an_expectation() -> None:
    assert len(CASE_FILES) >= 20
    assert {p.stem for p in CASE_FILES} == {p.stem for p in CASES.glob("*.json")}


def numbered_dicts(listing: ParsedListing) -> list[dict[str, Any]]:
    """The rows as the case files write them: each row's fields and its row number."""
    return [{**row.to_dict(), "row_number": number} for number, row in listing.numbered()]


def without_number(row: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name != "row_number"}


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
    assert numbered_dicts(listing) == expected["rows"]
    assert [ListingRow.from_dict(without_number(row)) for row in expected["rows"]] == list(
        listing.rows
    )
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
        numbers = list(listing.row_numbers)
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
    rows = dict(by_name["participatingAgencies07082025pm.xlsx"].numbered())
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
        # a footnote mark is no part of a header (``SIGNED¹`` was ``SIGNED1``: unknown,
        # every signed date lost; helper 45)
        ("SIGNED\u00b9", "SIGNED"),
        ("Date Signed\u00b2", "SIGNED"),
        ("MOA\u2020", "MOA"),
        ("Law Enforcement Agency \u00b3", "AGENCY"),
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
        ["IOWA", None, None, None, "JEM", None, None],
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
    first, second, third, fifth = listing.rows  # the fourth, with no agency, is none
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
    assert (fifth.signed, fifth.signed_raw) == (date(2023, 3, 15), "45000")
    assert listing.row_numbers[listing.rows.index(fifth)] == 7
    assert listing.warnings == (
        "sheet 'S': skipped 1 blank row inside the list (row 5)",
        "sheet 'S': 1 row of support type 'Mystery Model', which names no model known, "
        "read without a model (row 4)",
        "sheet 'S': row 6 skipped: no agency (IOWA | JEM)",
    )
    assert listing.kind == "participating"
    assert listing.newest_signed == date(2025, 5, 8)


def test_a_row_naming_only_a_state_heads_the_rows_below_it_without_one() -> None:
    """A state written alone on its row (in any column) is a heading, not an agreement
    with no agency; the rows below it that leave the state blank are in that state, and
    a row with its own state keeps it."""
    rows: list[Sequence[object]] = [
        ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED"],
        ["TEXAS", None, None, None],
        [None, "Harris County Sheriff's Office", "JEM", date(2020, 6, 9)],
        ["Texas", "Lubbock Police Department", "TFM", date(2021, 1, 2)],
        [None, "Florida", None, None],  # in another column: still the state alone
        [None, "Collier County Sheriff's Office", "TFM", date(2022, 3, 4)],
        ["Iowa", "Story County Sheriff's Office", "WSO", date(2023, 3, 15)],
    ]
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert [(r.state, r.agency, r.flags) for r in listing.rows] == [
        ("TX", "Harris County Sheriff's Office", ("state_carried",)),
        ("TX", "Lubbock Police Department", ()),
        ("FL", "Collier County Sheriff's Office", ("state_carried",)),
        ("IA", "Story County Sheriff's Office", ()),
    ]
    assert listing.rows[0].agency_key == "harris county sheriff office"
    assert listing.warnings == (
        "sheet 'S': row 2 skipped: a heading (TEXAS); rows below without a state are in TX",
        "sheet 'S': row 5 skipped: a heading (Florida); rows below without a state are in FL",
    )


def test_a_total_or_a_note_under_the_list_is_no_agreement() -> None:
    """A row naming no state, model, signed date or link states no agreement, whatever
    its agency cell holds (a total, a note); a row with a state not known but a model
    is still read, flagged."""
    rows: list[Sequence[object]] = [
        ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED"],
        ["Texas", "Harris County Sheriff's Office", "JEM", date(2020, 6, 9)],
        ["Nowhere", "Lubbock Police Department", "TFM", date(2021, 1, 2)],
        ["Total", "2 agreements", None, None],
        [None, "TOTAL", 2, None],
    ]
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert [(r.state, r.agency) for r in listing.rows] == [
        ("TX", "Harris County Sheriff's Office"),
        ("??", "Lubbock Police Department"),
    ]
    assert listing.warnings == (
        "sheet 'S': row 4 skipped: no state, model, signed date or link, so no agreement"
        " (Total | 2 agreements)",
        "sheet 'S': row 5 skipped: no state, model, signed date or link, so no agreement"
        " (TOTAL | 2)",
    )


def test_a_link_a_pdf_viewer_wrapped_reads_the_same_as_text_as_as_a_hyperlink() -> None:
    """``chrome-extension://<id>/https:/www.ice.gov/...`` (copied from a browser's PDF
    viewer, its scheme's slash lost) is the MOA's link written as text in a CSV as it
    is as an XLSX cell's hyperlink (the CSV read none: a blank held, then a change to
    no MOA; helper 45); one fetchable ice.gov URL either way."""
    from parsers.detect import parse_listing
    from parsers.urls import repair_url

    wrapped = (
        "chrome-extension://efaidnbmnnnibpcajpcglclefindmkaj/"
        "https:/www.ice.gov/doclib/287gMOA/UnivFLPDFL_TFM_MOA_041525.pdf"
    )
    header = ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED", "MOA"]
    cells = ["Florida", "University of Florida Police Department", "TFM", "04/15/2025"]
    as_text = ",".join(header) + "\n" + ",".join([*cells, wrapped]) + "\n"
    from_csv = parse_listing(as_text.encode(), "participatingAgencies.csv")
    from_xlsx = parse_listing_xlsx(_xlsx([header, [*cells, "MOA"]], links={"E2": wrapped}))
    assert from_csv.rows[0].moa_url == from_xlsx.rows[0].moa_url == wrapped
    assert repair_url(wrapped) == (
        "https://www.ice.gov/doclib/287gMOA/UnivFLPDFL_TFM_MOA_041525.pdf"
    )


def test_a_table_of_withdrawn_agreements_beside_the_list_ends_none_of_its_rows() -> None:
    """A small table set beside the list after a blank column, titled ``Withdrawn
    agreements`` (a set of rows, the plural its head noun: no column of each row's
    ending) and listing other agencies, is no mark on the list's rows beside it (they
    were skipped as ended, and withdrawn later: helper 45). A header asking each row
    (``(Y/N)``, ``?``) is each row's answer, and a cell saying who ended the agreement
    or why ends it (helper 54: the first rule read these as no ending)."""
    rows: list[Sequence[object]] = [
        ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED", None, "Withdrawn agreements"],
        ["Texas", "Harris County Sheriff's Office", "JEM", date(2020, 6, 9), None,
         "Old Town Police Department (OH)"],
        ["Texas", "Galveston County Sheriff's Office", "JEM", date(2021, 1, 2), None,
         "Nowhere County Sheriff's Office (IA)"],
        ["Texas", "Midland Police Department", "TFM", date(2021, 1, 2)],
    ]  # fmt: skip
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert len(listing.rows) == 3 and "ENDED" not in listing.columns
    for header in ("Withdrawn Agreements (Y/N)", "TERMINATED", "Terminated MOAs?"):
        ended = [
            ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED", header],
            ["Texas", "Harris County Sheriff's Office", "JEM", date(2020, 6, 9), None],
            ["Texas", "Lubbock Police Department", "TFM", date(2021, 1, 2), "Y"],
            [
                "Texas",
                "Midland Police Department",
                "TFM",
                date(2021, 1, 2),
                "Yes - Sheriff's Office",
            ],
            [
                "Texas",
                "Odessa Police Department",
                "TFM",
                date(2021, 1, 2),
                "County Commission vote",
            ],
        ]
        listing = parse_listing_xlsx(_xlsx(ended), "x.xlsx")
        assert [r.agency for r in listing.rows] == ["Harris County Sheriff's Office"], header


def test_the_rows_under_a_title_saying_they_ended_are_no_agreements_in_force() -> None:
    """A short title saying the rows below it ended (``Terminated Agreements``) begins a
    section of ended agreements, whatever follows it (a header again, state headings);
    any other title ends it. A sentence saying so is a note, and ``Not terminated`` is
    no section."""
    rows: list[Sequence[object]] = [
        ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED"],
        ["Texas", "Harris County Sheriff's Office", "JEM", date(2020, 6, 9)],
        [None, "Withdrawn agreements are removed from the list at the end of each month"],
        ["Texas", "Lubbock Police Department", "TFM", date(2021, 1, 2)],
        [None, "Not terminated"],
        ["Texas", "Midland Police Department", "TFM", date(2021, 1, 2)],
        ["TERMINATED / WITHDRAWN AGREEMENTS (no longer participating)"],
        ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED"],
        ["FLORIDA"],
        [None, "Collier County Sheriff's Office", "TFM", date(2022, 3, 4)],
        ["Iowa", "Story County Sheriff's Office", "WSO", date(2023, 3, 15)],
        ["Active agreements signed since"],
        ["Iowa", "Polk County Sheriff's Office", "WSO", date(2023, 3, 15)],
    ]
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert [r.agency for r in listing.rows] == [
        "Harris County Sheriff's Office",
        "Lubbock Police Department",
        "Midland Police Department",
        "Polk County Sheriff's Office",
    ]
    assert (
        "sheet 'S': row 7 skipped: a title (TERMINATED / WITHDRAWN AGREEMENTS (no longer "
        "participating)): the agreements below it ended" in listing.warnings
    )
    assert (
        "sheet 'S': row 11 skipped: under the title 'TERMINATED / WITHDRAWN AGREEMENTS (no "
        "longer participating)', an agreement that ended" in listing.warnings
    )


def test_applications_under_a_list_of_agreements_are_not_agreements() -> None:
    """Under rows of agreements (signed, or with their MOA), a title saying the rows
    below it are applications begins their section; in a list of applications it is
    only a title, even under empty SIGNED and MOA columns, and ``MOA links pending`` is
    no such title."""
    rows: list[Sequence[object]] = [
        ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED"],
        ["Texas", "Harris County Sheriff's Office", "JEM", date(2020, 6, 9)],
        [None, "MOA links pending"],
        ["Texas", "Lubbock Police Department", "TFM", date(2021, 1, 2)],
        ["Pending Applications"],
        ["Iowa", "Story County Sheriff's Office", "WSO"],
    ]
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert [r.agency for r in listing.rows] == [
        "Harris County Sheriff's Office",
        "Lubbock Police Department",
    ]
    assert listing.warnings[-1] == (
        "sheet 'S': row 6 skipped: under the title 'Pending Applications', an application, "
        "not an agreement"
    )
    pending = [[cell for cell in row if not isinstance(cell, date)] for row in rows]
    pending[0] = ["STATE", "AGENCY", "SUPPORT TYPE"]
    assert len(parse_listing_xlsx(_xlsx(pending), "x.xlsx").rows) == 3
    pending[0] = ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED", "MOA"]
    assert len(parse_listing_xlsx(_xlsx(pending), "x.xlsx").rows) == 3


def test_another_tables_header_under_the_list_says_what_its_rows_are() -> None:
    """A table stacked under the list, with its own header and no title: a header
    naming a model but no signed date, MOA or addendum (the pending list's) heads
    applications; one naming when agreements ended heads ended ones; the list's own
    header again (a page's) heads more of the list."""
    agreements: list[Sequence[object]] = [
        HEADER,
        ["Texas", "Harris County Sheriff's Office", "County", "Harris", "JEM", date(2020, 6, 9)],
        HEADER,  # the list's header again, as a printout's next page repeats it
        ["Texas", "Lubbock Police Department", "City", "Lubbock", "TFM", date(2021, 1, 2)],
        [],
    ]
    pending = [["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE"],
               ["Iowa", "Story County Sheriff's Office", "County", "Story", "WSO"]]  # fmt: skip
    listing = parse_listing_xlsx(_xlsx(agreements + pending), "x.xlsx")
    assert [r.agency for r in listing.rows] == [
        "Harris County Sheriff's Office",
        "Lubbock Police Department",
    ]
    assert any("another table's header" in w and "applications" in w for w in listing.warnings)
    ended = [[*HEADER, "DATE TERMINATED"],
             ["Ohio", "Butler County Sheriff's Office", "County", "Butler", "JEM",
              date(2019, 3, 1), None, date(2025, 5, 1)]]  # fmt: skip
    listing = parse_listing_xlsx(_xlsx(agreements + ended), "x.xlsx")
    assert [r.agency for r in listing.rows][-1] == "Lubbock Police Department"
    alone = parse_listing_xlsx(_xlsx(pending + pending[1:]), "x.xlsx")
    assert len(alone.rows) == 2  # a pending list's own header repeated heads its rows


def test_a_row_that_leaves_its_agency_blank_continues_the_agency_above() -> None:
    """A report that writes each agency once over its rows: a row that leaves its agency
    (and state, type, county) blank but states an agreement is the row above's agency's,
    in its state; not across a blank row, a heading or another state, and not a row
    stating no agreement."""
    rows: list[Sequence[object]] = [
        ["STATE", "AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED"],
        ["Texas", "Harris County Sheriff's Office", "County", "Harris County", "JEM",
         date(2020, 6, 9)],
        [None, None, None, None, "TFM", date(2021, 1, 2)],
        [None, None, "County", None, "WSO", None],
        [None, None, None, None, None, None, "a note"],
        ["Florida", None, None, None, "TFM", date(2022, 3, 4)],
        [],
        [None, None, None, None, "JEM", date(2023, 3, 15)],
    ]  # fmt: skip
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert [(r.state, r.agency, r.model, r.agency_type, r.county) for r in listing.rows][:3] == [
        ("TX", "Harris County Sheriff's Office", "JEM", "County", "Harris County"),
        ("TX", "Harris County Sheriff's Office", "TFM", "County", "Harris County"),
        ("TX", "Harris County Sheriff's Office", "WSO", "County", "Harris County"),
    ]
    assert listing.rows[1].flags == ("agency_carried",)
    assert all(r.agency != "Harris County Sheriff's Office" for r in listing.rows[3:])
    assert (
        "sheet 'S': 2 rows without an agency read as the agency of the row above (rows 3, 4)"
        in listing.warnings
    )


def test_a_row_naming_an_agency_and_no_agreement_above_rows_continuing_it_is_their_heading() -> (
    None
):
    """An outline: each agency on a row of its own (no model, date or link), its
    agreements on the rows below it; the agency's row is no agreement. A row naming an
    agency and nothing else, with no row continuing it, is still read (flagged)."""
    rows: list[Sequence[object]] = [
        ["STATE", "AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED"],
        ["Texas", "Harris County Sheriff's Office", "County", "Harris County"],
        [None, None, None, None, "JEM", date(2020, 6, 9)],
        [None, None, None, None, "TFM", date(2021, 1, 2)],
        ["Florida", "Collier County Sheriff's Office", "County", "Collier County"],
    ]  # fmt: skip
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert [(r.agency, r.model, r.county) for r in listing.rows] == [
        ("Harris County Sheriff's Office", "JEM", "Harris County"),
        ("Harris County Sheriff's Office", "TFM", "Harris County"),
        ("Collier County Sheriff's Office", None, "Collier County"),
    ]
    assert (
        "sheet 'S': 1 row naming an agency and no agreement, above rows continuing it, read "
        "as its heading, not an agreement (row 2)" in listing.warnings
    )


def test_a_row_a_later_capture_repeats_is_read_once_the_same_as_when_read_alone() -> None:
    """Reading a row is a pure function of its cells, its links and how its list
    writes dates, remembered: the next capture's copy of a row (moved down, its link
    the same) is the row already read, and a sheet read after others reads as it
    does alone."""
    harris = ["TX", "Harris County SO", "County", "Harris", "JEM", date(2020, 6, 9), "MOA"]
    collier = ["FL", "Collier County SO", "County", "Collier", "TFM", date(2025, 2, 1), "MOA"]
    link = "https://www.ice.gov/doclib/harris.pdf"
    first = parse_listing_xlsx(_xlsx([HEADER, harris, collier], {"G2": link}), "a.xlsx")
    later = _xlsx([HEADER, collier, harris], {"G3": link})
    second = parse_listing_xlsx(later, "b.xlsx")
    assert (second.rows[0], second.rows[1]) == (first.rows[1], first.rows[0])
    assert second.rows[0] is first.rows[1] and second.rows[1] is first.rows[0]
    assert second.rows[1].moa_url == link
    relinked = parse_listing_xlsx(_xlsx([HEADER, harris], {"G2": link + "?v=2"}), "c.xlsx")
    assert relinked.rows[0].moa_url == link + "?v=2"  # another link: another row
    built_row.cache_clear()
    assert parse_listing_xlsx(later, "b.xlsx") == second


SWAP_ROWS: list[list[object]] = [
    ["TX", "Harris County Sheriff's Office", "County", "Harris County", "JEM", date(2020, 6, 9)],
    ["FL", "Apopka Police Department", "Municipality", "Orange County", "TFM", date(2025, 2, 1)],
    [
        "GA",
        "Georgia Department of Corrections",
        "State Agency",
        "Baldwin County",
        "JEM",
        date(2021, 3, 4),
    ],
]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("TYPE", "COUNTY"),
        ("STATE", "LAW ENFORCEMENT AGENCY"),
        ("SUPPORT TYPE", "SIGNED"),
        ("LAW ENFORCEMENT AGENCY", "COUNTY"),  # the names under COUNTY: agencies' words
    ],
)
def test_two_columns_whose_headers_were_swapped_are_read_as_what_they_hold(
    first: str, second: str
) -> None:
    """A header row edited by hand may leave two texts over each other's columns: a
    named column whose cells read as another named column's kind and not as its own,
    that other column's cells not reading as its kind, are read as what they hold."""
    header = HEADER[:6]
    swapped = [second if h == first else first if h == second else h for h in header]
    rows = [swapped, *SWAP_ROWS]
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    right = parse_listing_xlsx(_xlsx([header, *SWAP_ROWS]), "x.xlsx")
    assert listing.rows == right.rows
    assert any("header texts over other columns' values" in w for w in listing.warnings)


@pytest.mark.parametrize(
    "header",
    [
        ["STATE", "LAW ENFORCEMENT AGENCY", "COUNTY", "SUPPORT TYPE", "TYPE", "SIGNED"],
        [None, *HEADER[:6]],
        HEADER[1:6] + [None],
    ],
    ids=["three texts rotated", "one cell inserted", "one cell deleted"],
)
def test_a_header_whose_texts_are_rotated_or_one_cell_off_is_read_as_its_columns_hold(
    header: list[object],
) -> None:
    """Three texts each over the next one's values, or the whole header row one cell off
    its columns (a cell inserted or deleted in that row alone): every column is read
    as what it holds, with a warning and no column said to be ignored."""
    listing = parse_listing_xlsx(_xlsx([header, *SWAP_ROWS]), "x.xlsx")
    right = parse_listing_xlsx(_xlsx([HEADER[:6], *SWAP_ROWS]), "x.xlsx")
    assert listing.rows == right.rows
    assert any("column" in w and ("off" in w or "over other" in w) for w in listing.warnings)
    assert not any("ignored" in w for w in listing.warnings)


def test_types_and_counties_swapped_are_read_as_they_are_when_most_types_are_county() -> None:
    """The TYPE and COUNTY columns' values swapped under their headers on a list of
    sheriffs (the type ``County`` on most rows): ``County`` alone is an agency's type,
    not a county's name, so the COUNTY column holds no county and is read as the TYPE
    column (before: ``County`` read as a county's name, neither column was swapped, and
    every agreement's type and county changed: 1,860 events on the 29 August list)."""
    sheriffs = [
        [
            "TX",
            f"{name} County Sheriff's Office",
            f"{name} County",
            "County",
            "JEM",
            date(2020, 6, 9),
        ]
        for name in ("Harris", "Collin", "Lubbock", "Midland", "Webb")
    ]
    police = [
        "FL",
        "Apopka Police Department",
        "Orange County",
        "Municipality",
        "TFM",
        date(2025, 2, 1),
    ]
    listing = parse_listing_xlsx(_xlsx([HEADER[:6], *sheriffs, police]), "x.xlsx")
    assert [r.agency_type for r in listing.rows] == ["County"] * 5 + ["Municipality"]
    assert [r.county for r in listing.rows][-2:] == ["Webb County", "Orange County"]
    assert any("header texts over other columns' values" in w for w in listing.warnings)


def test_a_column_holding_its_own_kind_is_never_swapped() -> None:
    """The counties under TYPE but the types under COUNTY too (a column copied): neither
    column lacks what the other holds, so both are read as their headers say."""
    header = HEADER[:6]
    rows = [header, *([r[0], r[1], r[2], r[2], r[4], r[5]] for r in SWAP_ROWS)]
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert [r.county for r in listing.rows] == [None, "Municipality", "State Agency"]
    assert [r.agency_type for r in listing.rows] == ["County", "Municipality", "State Agency"]
    assert not any("swapped" in w for w in listing.warnings)


def test_an_application_of_no_model_is_read_whatever_the_layout_of_its_states() -> None:
    """A pending row says no signed date nor link by nature, and a blank model is a value
    missing: the same row is read with its state written on it or above it."""
    rows: list[Sequence[object]] = [
        ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SUPPORT TYPE"],
        ["Texas", "Anderson County Sheriff's Office", "County", "Warrant Service Officer"],
        [None, "Andrews County Sheriff's Office", "County", None],
        [None, "Angelina County Sheriff's Office", "County", "Warrant Service Officer"],
        ["Georgia", "Appling County Sheriff's Office", "County", "Warrant Service Officer"],
        [None, "Baker County Sheriff's Office", "County", None],
        [None, "Bacon County Sheriff's Office", "County", "Warrant Service Officer"],
    ]
    listing = parse_listing_xlsx(_xlsx(rows), "pendingAgencies.xlsx")
    assert [(r.state, r.agency.split()[0], r.model) for r in listing.rows] == [
        ("TX", "Anderson", "WSO"),
        ("TX", "Andrews", None),
        ("TX", "Angelina", "WSO"),
        ("GA", "Appling", "WSO"),
        ("GA", "Baker", None),
        ("GA", "Bacon", "WSO"),
    ]


def test_a_moa_cell_saying_its_link_was_removed_keeps_its_agreement() -> None:
    """Words that end a row where they qualify it (a STATUS, a title: ``Removed``) are
    the link's in a MOA cell (``Link removed for update``: a value missing, held as
    any), and ``No Longer Suspended`` over rows is no section of ended ones."""
    rows: list[Sequence[object]] = [
        ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED", "MOA"],
        [
            "Texas",
            "Harris County Sheriff's Office",
            "JEM",
            date(2020, 6, 9),
            "Link removed for update",
        ],
        ["Texas", "Lubbock Police Department", "TFM", date(2021, 1, 2), "Duplicate link deleted"],
        ["No Longer Suspended"],
        ["Texas", "Midland Police Department", "TFM", date(2021, 1, 2), "link"],
    ]
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert [r.agency for r in listing.rows] == [
        "Harris County Sheriff's Office",
        "Lubbock Police Department",
        "Midland Police Department",
    ]


def test_a_date_stamp_a_legend_or_a_sentence_under_the_list_is_no_agreement() -> None:
    """A row of no state, no link and no public body named is a note whatever date or
    models it shows (``Last updated`` beside a date, ``Legend`` beside the models); so
    is a sentence (a note naming a state, nothing of an agreement); a row of no state
    that names a body is still read, flagged."""
    rows: list[Sequence[object]] = [
        ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED"],
        ["Texas", "Harris County Sheriff's Office", "JEM", date(2020, 6, 9)],
        [None, "Florida Fish and Wildlife Conservation Commission", "TFM", date(2021, 1, 2)],
        [None, "Last updated", None, date(2025, 8, 29)],
        [None, "Legend", "JEM", "Jail Enforcement Model"],
        ["TEXAS", "Texas Department of Public Safety agreements are listed under TX DPS."],
    ]
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert [r.agency for r in listing.rows] == [
        "Harris County Sheriff's Office",
        "Florida Fish and Wildlife Conservation Commission",
    ]
    assert [w.split(" skipped: ")[1][:40] for w in listing.warnings if "skipped" in w] == [
        "no state, no link and no agency named, a",
        "no state, no link and no agency named, a",
        "no model, signed date or link, so no agr",
    ]


def test_a_footnote_mark_ending_an_agency_name_is_not_part_of_it() -> None:
    """``*``, a dagger or a superscript digit after a name points to a note: the name is
    read without it (a superscript digit would otherwise become a digit of the name, a
    new agency); a digit written as one stays."""
    rows: list[Sequence[object]] = [
        ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED"],
        ["Texas", "Harris County Sheriff's Office*", "JEM", date(2020, 6, 9)],
        ["Texas", "Lubbock Police Department\u00b9", "TFM", date(2021, 1, 2)],
        ["Texas", "Brazos County Sheriff's Office \u2020", "TFM", date(2021, 1, 2)],
        ["Texas", "Harris County Constable Precinct 1", "WSO", date(2022, 3, 4)],
    ]
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert [r.agency for r in listing.rows] == [
        "Harris County Sheriff's Office",
        "Lubbock Police Department",
        "Brazos County Sheriff's Office",
        "Harris County Constable Precinct 1",
    ]


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


def test_a_header_under_a_long_preamble_is_found_and_one_beyond_the_scanned_rows_is_not() -> None:
    rows: list[Sequence[object]] = [[f"note {n}"] for n in range(25)]
    rows += [HEADER, ["TEXAS", "Harris County Sheriff's Office", "County", None, "JEM", None, None]]
    assert [r.agency for r in parse_listing_xlsx(_xlsx(rows), "late.xlsx").rows] == [
        "Harris County Sheriff's Office"
    ]
    rows = [[f"note {n}"] for n in range(HEADER_SCAN_ROWS)]
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


# --------------------------------------------------------------------------- new shapes


REWORDED = {
    "Law Enforcement Agency (LEA)": "AGENCY",
    "Name of Agency": "AGENCY",
    "State/Territory": "STATE",
    "Date of Signature": "SIGNED",
    "MOA Signed Date": "SIGNED",
    "Signed On": "SIGNED",
    "287(g) Model Type": "SUPPORT TYPE",
    "Support Type (Model)": "SUPPORT TYPE",
    "County / Parish": "COUNTY",
    "Link to MOA": "MOA",
    "MOA Addendum Link": "ADDENDUM",
    "Agency Type (County/Municipal)": "TYPE",
    "Date (mm/dd/yyyy)": "SIGNED",
    "Execution Date": "SIGNED",  # an agreement executed is signed (Date Executed too)
    "Type of Agency": "TYPE",
    "Name": "AGENCY",
    "link": "MOA",
    # an MOA "becomes effective upon signature of both parties": its effective date is
    # the date it was signed
    "Effective Date": "SIGNED",
    "MOA Effective Date": "SIGNED",
}
NOT_HEADERS = (
    "Statement",  # words, not substrings: STATEMENT is not STATE
    "Notes",
    "Comments",
    "Region",
    "Date Added",  # a date of another event is not the signed date
    "Application Date",
    "MOA Expiration Date",
    "Expiration Date",
    "Renewal Date",
    "Last Updated",
    "Start Date",  # the start of what (the term, the training, the listing) is not said
    "Date Joined",
    "Addendum Signed Date",  # the addendum's date: neither the addendum nor the MOA's date
    "Signatory",
    "St (2-letter)",  # ST is a state only alone
    "Jurisdiction",  # by itself; the AGENCY column of a list naming no other one
    "Agency Website",  # an attribute the list does not carry
    "ICE Field Office",
    "Harris County Sheriff's Office",  # values of a list are never headers
    "Alabama Law Enforcement Agency",
    "Task Force Model",
    "This sheet lists every agency with a signed agreement, by state and by model",
)


@pytest.mark.parametrize(("text", "name"), REWORDED.items())
def test_a_header_written_in_other_words_is_recognised_by_its_words(text: str, name: str) -> None:
    assert header_name(text) == name


@pytest.mark.parametrize("text", NOT_HEADERS)
def test_a_header_whose_words_name_no_column_stays_unknown(text: str) -> None:
    assert header_name(text) is None


@pytest.mark.parametrize(
    ("text", "name", "why"),
    [
        ("MOA Addendum Link", "ADDENDUM", "ADDEND* before MOA and LINK"),
        ("MOA Signed Date", "SIGNED", "a SIGN word before MOA"),
        ("Date of Agreement", "SIGNED", "a date of the MOA before MOA"),
        ("287(g) Model Type", "SUPPORT TYPE", "MODEL before TYPE"),
        ("Agreement Type", "SUPPORT TYPE", "an agreement's type is its model, before MOA"),
        ("Agency Type (County/Municipal)", "TYPE", "TYPE before AGENCY and COUNTY"),
        ("Agency Jurisdiction", "TYPE", "JURISDICTION with an agency word"),
        ("State Agency", "AGENCY", "AGENCY before STATE"),
        ("Name of County", "COUNTY", "COUNTY before NAME"),
        ("State Name of the Agency", "AGENCY", "AGENCY before STATE and NAME"),
        ("Signed MOA", "MOA", "the head noun MOA: a document, not a date"),
        ("MOA Signed", "SIGNED", "the head noun SIGNED: a date"),
        ("Executed Agreement", "MOA", "the head noun AGREEMENT"),
        ("Link to Signed MOA", "MOA", "a format's head is past its preposition"),
        ("MOA (Signed)", "MOA", "words in parentheses are no head"),
        ("Signed MOA (PDF)", "MOA", "a format is no head"),
        ("Date of Signed MOA", "SIGNED", "a DATE word: the MOA's date"),
        ("Amended MOA", "MOA", "an amended MOA is the MOA"),
        ("MOA Amendment", "ADDENDUM", "an amendment is an addendum"),
        ("Signed Addendum", "ADDENDUM", "the head noun ADDENDUM"),
        ("Addendum to MOA", "ADDENDUM", "the head noun before the preposition"),
        ("Amendment Date", None, "the amendment's date names no column"),
        ("Status of Agreement", "STATUS", "STATUS before the head noun"),
        ("Addendum Status", "STATUS", "STATUS before ADDEND*"),
        ("MOA Expiration", None, "the end of the MOA's term is not the MOA"),
        ("MOA Extension Signed", None, "an extension's signing is not the MOA's"),
        ("Signed Renewal", None, "a renewal is another document than the MOA"),
        ("Date of MOA Modification", None, "a modification's date is not the MOA's"),
        ("Renewed MOA", "MOA", "a renewed MOA is the MOA"),
        ("Extension Status", "STATUS", "STATUS before the other documents"),
        ("Agency / Jurisdiction", "AGENCY", "alternatives name what the first names"),
        ("State or Territory", "STATE", "alternatives joined by OR"),
        ("MOA/Addendum", "MOA", "the first alternative, not the head noun"),
        ("Agency Name (Jurisdiction)", "AGENCY", "JURISDICTION is TYPE only as head noun"),
        ("Agency Type (County/Municipal)", "TYPE", "no alternatives inside parentheses"),
        ("Effective Date of Agreement", "SIGNED", "the MOA takes effect on its signing"),
        ("Addendum Effective Date", None, "an addendum's date, before EFFECTIVE"),
        ("Renewal Effective Date", None, "another document's date, before EFFECTIVE"),
        ("Effective Date of Withdrawal", "ENDED", "the ending's date, before EFFECTIVE"),
        ("Effective", None, "EFFECTIVE names a date only with a DATE or MOA word"),
    ],
)
def test_the_word_rules_apply_in_their_order(text: str, name: str, why: str) -> None:
    assert header_name(text) == name, why


_NOTE_WORDS = st.sampled_from(["AS", "OF", "2025", "SEE", "NOTE", "BELOW", "CURRENT", "1"])
_DECORATED = st.tuples(
    st.sampled_from(sorted(HEADER_NAMES)),
    st.sampled_from(["{}", "{}:", "*{}", "{} #", "_{}_", " {}  "]),
    st.sampled_from(["", " ({})", " [{}]", " - {}", ": {}"]),
    st.lists(_NOTE_WORDS, min_size=1, max_size=3).map(" ".join),
    st.booleans(),
)


@given(_DECORATED)
def test_an_alias_with_decorations_and_a_trailing_note_names_the_alias_column(
    drawn: tuple[str, str, str, str, bool],
) -> None:
    alias, wrap, note_form, note, lower = drawn
    if len(alias) <= 2:  # ST: a state only alone
        note_form = ""
    text = wrap.format(alias) + note_form.format(note)
    assert header_name(text.lower() if lower else text) == HEADER_NAMES[alias]


@given(st.lists(st.from_regex(r"[A-Za-z]{1,9}", fullmatch=True), min_size=1, max_size=6))
def test_a_header_of_words_none_of_which_is_a_keyword_stays_unknown(words: list[str]) -> None:
    assume(not any(w.upper() in KEYWORDS or w.upper().startswith("ADDEND") for w in words))
    assert header_name(" ".join(words)) is None


def _workbook(*sheets: tuple[str, Sequence[Sequence[object]], str], merge: str = "") -> bytes:
    """A workbook of (title, rows, state) sheets; ``merge`` merges a range of the first."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows, state in sheets:
        sheet = workbook.create_sheet(title)
        sheet.sheet_state = state
        for values in rows:
            sheet.append(values)
    if merge:
        workbook.worksheets[0].merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_sheets_named_for_a_state_or_a_model_stand_for_the_column_they_lack() -> None:
    """A list split into one sheet per state (or per model), each named for it and
    without the column its name makes needless, is read whole; a sheet's name
    completes a header only when it names a state exactly (``Main`` is not Maine)."""
    header = ["AGENCY", "SUPPORT TYPE", "SIGNED"]
    by_state = _workbook(
        ("Texas", [header, ["Harris County Sheriff's Office", "JEM", date(2020, 6, 9)]], "visible"),
        ("FL", [header, ["Collier County Sheriff's Office", "TFM", date(2022, 3, 4)]], "visible"),
    )
    listing = parse_listing_xlsx(by_state, "x.xlsx")
    assert [(r.state, r.agency) for r in listing.rows] == [
        ("TX", "Harris County Sheriff's Office"),
        ("FL", "Collier County Sheriff's Office"),
    ]
    assert listing.columns == ("AGENCY", "SUPPORT TYPE", "SIGNED")
    assert "sheet 'Texas': no STATE column: every row's is 'Texas', the sheet's name" in (
        listing.warnings
    )
    header = ["STATE", "AGENCY", "SIGNED"]
    by_model = _workbook(
        ("JEM", [header, ["TX", "Harris County Sheriff's Office", date(2020, 6, 9)]], "visible"),
        ("Task Force Model", [header, ["TX", "Harris County Sheriff's Office",
                                        date(2021, 1, 2)]], "visible"),
    )  # fmt: skip
    assert [r.model for r in parse_listing_xlsx(by_model, "x.xlsx").rows] == ["JEM", "TFM"]
    main = _workbook(("Main", [["AGENCY", "SUPPORT TYPE"], ["Harris SO", "JEM"]], "visible"))
    with pytest.raises(ParseError, match="no STATE column"):
        parse_listing_xlsx(main, "x.xlsx")


def test_rows_that_give_their_states_stand_for_the_state_column_the_list_lacks() -> None:
    """No STATE column, but (all but a few of) the rows give their state: set off in the
    agency's name (after it or before it), or by a heading above them. A name keeps its
    words and its key is the name's without the state; a row that gives none is read
    with its state unknown; a list whose rows mostly give none has no header."""
    header = ["AGENCY", "SUPPORT TYPE", "SIGNED"]
    rows: list[Sequence[object]] = [
        header,
        ["Harris County Sheriff's Office, TX", "JEM", date(2020, 6, 9)],
        ["FL - Collier County Sheriff's Office", "TFM", date(2022, 3, 4)],
        ["Story County Sheriff's Office (Iowa)", "WSO", date(2025, 4, 1)],
        ["Texas Department of Public Safety", "TFM", date(2025, 2, 1)],  # names none
        ["Oklahoma", None, None],
        ["Tulsa County Sheriff's Office", "JEM", date(2019, 1, 2)],
    ] + [[f"Town {n} Police Department, GA", "TFM", date(2025, 5, n + 1)] for n in range(20)]
    listing = parse_listing_xlsx(_workbook(("Sheet1", rows, "visible")), "x.xlsx")
    read = [(r.state, r.agency, r.agency_key, r.flags) for r in listing.rows[:5]]
    assert read == [
        ("TX", "Harris County Sheriff's Office, TX", "harris county sheriff office", ()),
        ("FL", "FL - Collier County Sheriff's Office", "collier county sheriff office", ()),
        ("IA", "Story County Sheriff's Office (Iowa)", "story county sheriff office", ()),
        ("??", "Texas Department of Public Safety", "texas department public safety",
         ("state_unknown",)),
        ("OK", "Tulsa County Sheriff's Office", "tulsa county sheriff office",
         ("state_carried",)),
    ]  # fmt: skip
    assert listing.columns == ("AGENCY", "SUPPORT TYPE", "SIGNED")
    assert any("no STATE column: each row's state is the one" in w for w in listing.warnings)
    mostly_none = [header, *rows[1:5], *[[f"Town {n} PD", "TFM"] for n in range(20)]]
    with pytest.raises(ParseError, match="no STATE column"):
        parse_listing_xlsx(_workbook(("Sheet1", mostly_none, "visible")), "x.xlsx")
    with_column = [["STATE", *header], ["FL", "Harris County Sheriff's Office, TX", "JEM"]]
    read_with = parse_listing_xlsx(_workbook(("Sheet1", with_column, "visible")), "x.xlsx")
    assert read_with.rows[0].state == "FL"  # the STATE column, where there is one


def test_rows_whose_status_says_an_application_are_the_files_pending_list() -> None:
    """In a list of agreements, a row whose STATUS says it is an application
    (``Pending``, ``Under review``) is no agreement: such rows are kept as the file's
    pending list. ``Pending renewal`` is an agreement in force. A list whose rows are all
    applications is a pending list of them all."""
    header = ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED", "STATUS"]
    rows: list[Sequence[object]] = [
        header,
        ["TX", "Harris County Sheriff's Office", "JEM", date(2020, 6, 9), "Active"],
        ["FL", "Collier County Sheriff's Office", "TFM", None, "Pending"],
        ["TX", "Lubbock Police Department", "TFM", date(2021, 1, 2), "Pending renewal"],
        ["IA", "Story County Sheriff's Office", "WSO", None, "Under review"],
    ]
    listing = parse_listing_xlsx(_workbook(("Sheet1", rows, "visible")), "x.xlsx")
    assert listing.kind == "participating"
    assert [r.agency for r in listing.rows] == [
        "Harris County Sheriff's Office",
        "Lubbock Police Department",
    ]
    assert listing.other is not None and listing.other.kind == "pending"
    assert [r.state for r in listing.as_claimed("pending").rows] == ["FL", "IA"]
    assert (
        "2 rows whose status says an application (rows 3, 5): not agreements; kept as the "
        "file's pending list"
    ) in listing.warnings
    applications = [header] + [[*row[:3], None, "Pending"] for row in rows[1:]]
    pending = parse_listing_xlsx(_workbook(("Sheet1", applications, "visible")), "x.xlsx")
    assert (pending.kind, len(pending.rows), pending.other) == ("pending", 4, None)


def test_a_workbook_of_both_lists_keeps_the_other_for_a_claim_of_it() -> None:
    """The participating list on one sheet, the pending list on another: the first is
    the file's list, the other is kept, and a claim of the other list takes it; a copy
    of the same list on a second sheet is no other list."""
    agreements = ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED"]
    applications = ["STATE", "AGENCY", "SUPPORT TYPE"]
    both = _workbook(
        ("Participating", [agreements, ["TX", "Harris SO", "JEM", date(2020, 6, 9)]], "visible"),
        ("Pending", [applications, ["FL", "Collier SO", "TFM"], ["IA", "Story SO", "WSO"]],
         "visible"),
    )  # fmt: skip
    listing = parse_listing_xlsx(both, "x.xlsx")
    assert listing.kind == "participating" and listing.other is not None
    assert (listing.other.kind, len(listing.other.rows)) == ("pending", 2)
    assert listing.as_claimed("pending") is listing.other
    assert listing.as_claimed(None) is listing is listing.as_claimed("participating")
    assert "sheet 'Pending' holds the pending list: kept as the file's" in listing.warnings
    copy = _workbook(
        ("A", [agreements, ["TX", "Harris SO", "JEM", date(2020, 6, 9)]], "visible"),
        ("B", [agreements, ["TX", "Harris SO", "JEM", date(2020, 6, 9)]], "visible"),
    )
    assert parse_listing_xlsx(copy, "x.xlsx").other is None


def test_a_column_per_model_lists_an_agreement_of_each_model_marked() -> None:
    """No SUPPORT TYPE column but a column headed by each model: a row lists one
    agreement of each model its cells mark (``X``, ``Yes``, a date, ``TRUE``), none for
    ``No``, ``0``, ``FALSE`` or blank; one model column alone is no such layout."""
    header = ["STATE", "AGENCY", "SIGNED", "JEM", "Task Force Model", "WSO"]
    rows: list[Sequence[object]] = [
        header,
        ["TX", "Harris County Sheriff's Office", date(2020, 6, 9), "X", "x", None],
        ["TX", "Lubbock Police Department", date(2021, 1, 2), "No", True, 0],
        ["FL", "Collier County Sheriff's Office", date(2022, 3, 4), None, None, date(2022, 3, 4)],
    ]
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert [(r.agency.split()[0], r.model) for r in listing.rows] == [
        ("Harris", "JEM"), ("Harris", "TFM"), ("Lubbock", "TFM"), ("Collier", "WSO"),
    ]  # fmt: skip
    assert not any("unknown column" in w for w in listing.warnings)
    alone = [["STATE", "AGENCY", "SIGNED", "JEM"], ["TX", "Harris SO", date(2020, 6, 9), "X"]]
    with pytest.raises(ParseError, match="no SUPPORT TYPE column"):
        parse_listing_xlsx(_xlsx(alone), "x.xlsx")


ROW = [
    "TEXAS",
    "Harris County Sheriff's Office",
    "County",
    "Harris County",
    "Jail Enforcement Model",
]


def test_a_sheet_headed_in_other_words_is_read_with_a_note_for_each_reworded_column() -> None:
    header = list(REWORDED)[:12]
    order = [2, 0, 11, 8, 6, 3, 9, 10]  # STATE AGENCY TYPE COUNTY SUPPORT SIGNED MOA ADDENDUM
    row = [*ROW, date(2025, 8, 5), "link", "addendum"]
    listing = parse_listing_xlsx(
        _xlsx([[header[i] for i in order], row], {"G2": "https://m.test/"})
    )
    assert listing.kind == "participating"
    assert listing.columns == (
        "STATE", "AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "ADDENDUM"
    )  # fmt: skip
    (read,) = listing.rows
    assert (read.state, read.agency_type, read.county, read.model) == (
        "TX",
        "County",
        "Harris County",
        "JEM",
    )
    assert (read.signed, read.moa_url, read.addendum_text) == (
        date(2025, 8, 5),
        "https://m.test/",
        "addendum",
    )
    assert listing.warnings[1] == (
        "sheet 'S': column B 'LAW ENFORCEMENT AGENCY (LEA)' read as 'AGENCY' by its words"
    )
    assert len(listing.warnings) == 8


BY_CONTENT_ROWS: list[list[object]] = [
    ["TEXAS", "Harris County Sheriff's Office", "Jail Enforcement Model", date(2025, 1, 2)],
    ["FLORIDA", "Hialeah Police Department", "Task Force Model", date(2025, 2, 3)],
    ["Ohio", "Butler County Sheriff's Office", "Warrant Service Officer", date(2025, 3, 4)],
    ["FL", "Miami Police Department", "JEM/TFM", date(2025, 2, 3)],
]


def _by_content(header: list[object], rows: list[list[object]] = BY_CONTENT_ROWS) -> ParsedListing:
    return parse_listing_xlsx(_xlsx([header, *rows]))


@pytest.mark.parametrize(
    ("header", "said"),
    [
        (["STATE", "AGENCY", "PROGRAM", "SIGNED"], "column C ('PROGRAM') read as 'SUPPORT TYPE'"),
        (["STATE", "AGENCY", None, "SIGNED"], "column C (with no header) read as 'SUPPORT TYPE'"),
        (["LOCATION", "AGENCY", "MODEL", "SIGNED"], "column A ('LOCATION') read as 'STATE'"),
    ],
)
def test_a_column_the_header_names_in_no_known_words_is_the_one_its_cells_say(
    header: list[object], said: str
) -> None:
    """The header names the agency column and a state or model column: the other
    required column is the one whose cells nearly all read as its values."""
    listing = _by_content(header)
    named = _by_content(["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED"])
    assert listing.rows == named.rows
    assert listing.columns == named.columns == ("STATE", "AGENCY", "SUPPORT TYPE", "SIGNED")
    assert f"sheet 'S': {said} by its cells" in listing.warnings
    assert not any("unknown column" in warning for warning in listing.warnings)


def test_a_column_of_agency_types_under_a_header_no_rule_names_is_the_type_column() -> None:
    """``LEVEL`` over ``County``, ``Municipality``, ``State Agency``: what every row
    gives is the agency's type, whatever the header calls it (read as a column no rule
    knows, the types were a column dropped and a schema change)."""
    kinds = ["County", "Municipality", "County", "City"]
    rows = [[*row[:2], kind, *row[2:]] for row, kind in zip(BY_CONTENT_ROWS, kinds, strict=True)]
    listing = _by_content(["STATE", "AGENCY", "LEVEL", "SUPPORT TYPE", "SIGNED"], rows)
    named = _by_content(["STATE", "AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED"], rows)
    assert listing.rows == named.rows and listing.columns == named.columns
    assert "sheet 'S': column C ('LEVEL') read as 'TYPE' by its cells" in listing.warnings
    others = ["County", "x", "y", "z"]
    mixed = [[*row[:2], kind, *row[3:]] for row, kind in zip(rows, others, strict=True)]
    unread = _by_content(["STATE", "AGENCY", "LEVEL", "SUPPORT TYPE", "SIGNED"], mixed)
    assert "TYPE" not in unread.columns


def test_a_column_of_counties_some_empty_under_a_header_no_rule_names_is_the_county() -> None:
    """``JURISDICTION`` over ``Harris County``, ``#N/A`` (a city's), ``Butler County``:
    read on the rows that fill it, nearly all name a county, so it is the COUNTY column
    (before: a column no rule knows, the counties a column dropped and a schema change).
    A column filled on fewer than half the rows, or naming other things, is not."""
    counties = ["Harris County", "#N/A", "Butler County", None]
    rows = [[*r[:2], c, *r[2:]] for r, c in zip(BY_CONTENT_ROWS, counties, strict=True)]
    listing = _by_content(["STATE", "AGENCY", "JURISDICTION", "SUPPORT TYPE", "SIGNED"], rows)
    named = _by_content(["STATE", "AGENCY", "COUNTY", "SUPPORT TYPE", "SIGNED"], rows)
    assert listing.rows == named.rows and listing.columns == named.columns
    assert "sheet 'S': column C ('JURISDICTION') read as 'COUNTY' by its cells" in listing.warnings
    for few in (["Harris County", None, None, None], ["Harris County", "Region 4", "x", None]):
        mixed = [[*r[:2], c, *r[2:]] for r, c in zip(BY_CONTENT_ROWS, few, strict=True)]
        unread = _by_content(["STATE", "AGENCY", "JURISDICTION", "SUPPORT TYPE", "SIGNED"], mixed)
        assert "COUNTY" not in unread.columns


@pytest.mark.parametrize(
    ("header", "rows"),
    [
        # two columns of models: which is the list's is unknown
        (
            ["STATE", "AGENCY", "PROGRAM", "ASKED FOR", "SIGNED"],
            [[*row[:3], "Task Force Model", row[3]] for row in BY_CONTENT_ROWS],
        ),
        # a column of other words besides models: not a column of models
        (
            ["STATE", "AGENCY", "PROGRAM", "SIGNED"],
            [
                [*row[:2], text, row[3]]
                for row, text in zip(BY_CONTENT_ROWS, ["JEM", "A", "B", "C"], strict=True)
            ],
        ),
        # too few cells to say
        (["STATE", "AGENCY", "PROGRAM", "SIGNED"], BY_CONTENT_ROWS[:2]),
    ],
)
def test_no_column_is_read_by_its_cells_when_they_do_not_say_which_one(
    header: list[object], rows: list[list[object]]
) -> None:
    with pytest.raises(ParseError, match="no SUPPORT TYPE column"):
        _by_content(header, rows)


def test_what_a_column_holds_completes_a_header_but_never_makes_one() -> None:
    """A row naming the agency column alone heads no list, whatever the cells under it;
    nor does a data row whose type cell says ``State`` (read as a STATE label) and whose
    own model cell names a model: a row holding a column's value is data."""
    with pytest.raises(ParseError, match="no 287\\(g\\) agency list header found"):
        _by_content(["LOCATION", "AGENCY", "PROGRAM", "SIGNED"])
    rows = [[*row[:2], "County", *row[2:]] for row in BY_CONTENT_ROWS * 2]
    rows[1] = ["FLORIDA", "Office of the State Attorney", "State", "Task Force Model", None]
    with pytest.raises(ParseError, match="no 287\\(g\\) agency list header found"):
        _by_content(["LOCATION", "AGENCY", "TYPE", "PROGRAM", "SIGNED"], rows)


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ ()-", min_size=1, max_size=20))
def test_a_column_of_models_under_any_header_no_rule_reads_is_the_support_type(
    text: str,
) -> None:
    assume(text.strip() and header_name(text) is None)
    assume(not model_codes(text))  # a header cell naming a model is data (the test above)
    listing = _by_content(["STATE", "AGENCY", text, "SIGNED"])
    assert [(row.state, row.model) for row in listing.rows] == [
        ("TX", "JEM"), ("FL", "TFM"), ("OH", "WSO"), ("FL", "JEM"), ("FL", "TFM")
    ]  # fmt: skip


LINKED_NAMES = [
    ["TEXAS", "Harris County Sheriff's Office", "JEM", date(2025, 1, 2), None],
    ["FLORIDA", "Hialeah Police Department", "TFM", date(2025, 2, 3), None],
    ["OHIO", "Butler County Sheriff's Office", "WSO", date(2025, 3, 4), None],
]
DOCS = {f"B{n}": f"https://www.ice.gov/doclib/287gMOA/moa{n}.pdf" for n in (2, 3, 4)}


def test_moas_linked_from_the_agency_names_are_the_rows_moas_with_a_note() -> None:
    """A list whose MOA column links nothing, its agencies' names linking their MOAs."""
    header = ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED", "MOA"]
    listing = parse_listing_xlsx(_xlsx([header, *LINKED_NAMES], DOCS))
    assert [row.moa_url for row in listing.rows] == list(DOCS.values())
    assert listing.warnings[0] == (
        "sheet 'S': no MOA column linking documents: the documents linked from column B "
        "('AGENCY') are the rows' MOAs"
    )
    without = parse_listing_xlsx(_xlsx([header[:4], *[r[:4] for r in LINKED_NAMES]], DOCS))
    assert [row.moa_url for row in without.rows] == list(DOCS.values())
    # a list linking its MOAs from its names publishes them: a MOA replaced so is a change
    # of the agreement (the field was read as one the list does not have: no event)
    assert "MOA" in without.columns


@pytest.mark.parametrize(
    "links",
    [
        {cell: "https://www.harris.test/" for cell in DOCS},  # web pages, not documents
        {**DOCS, **{f"E{n}": f"https://www.ice.gov/doclib/a{n}.pdf" for n in (2, 3, 4)}},  # in it
        {**DOCS, **{f"C{n}": "https://www.ice.gov/doclib/b.pdf" for n in (2, 3, 4)}},  # two
    ],
)
def test_links_elsewhere_are_no_moas_unless_one_column_links_documents_and_the_moas_none(
    links: dict[str, str],
) -> None:
    header = ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED", "MOA"]
    rows = [[*row[:4], "link"] for row in LINKED_NAMES]
    listing = parse_listing_xlsx(_xlsx([header, *rows], links))
    moas = [row.moa_url for row in listing.rows]
    assert moas == ([links[f"E{n}"] for n in (2, 3, 4)] if "E2" in links else [None] * 3)
    assert not any("no MOA column linking" in warning for warning in listing.warnings)


def test_a_pending_list_with_a_date_of_another_event_stays_pending() -> None:
    header = ["State", "Name of Agency", "Support Type (Model)", "Date Received"]
    listing = parse_listing_xlsx(_xlsx([header, [*ROW[:2], "Task Force", date(2025, 3, 1)]]))
    assert listing.kind == "pending"
    assert "sheet 'S': unknown column 'DATE RECEIVED' (column D)" in listing.warnings
    assert listing.rows[0].model == "TFM"


def test_a_list_that_shows_no_agreement_signed_is_the_claims_to_decide() -> None:
    """Agreements are shown signed by dates under a column naming the signing. A bare
    ``Date`` (an application's date is written so too) or MOA links alone (an
    application's draft) read as agreements, and as the pending list when the file is
    claimed as it; ``Date Signed`` with dates settles it."""
    header = ["State", "Agency", "Support Type", "Date"]
    listing = parse_listing_xlsx(_xlsx([header, [*ROW[:2], "Task Force", date(2025, 3, 1)]]))
    assert listing.kind == "participating" and listing.as_claimed("pending").kind == "pending"
    assert listing.as_claimed("pending").rows == listing.rows
    links = parse_listing_xlsx(
        _xlsx([["State", "Agency", "Support Type", "MOA"], [*ROW[:2], "Task Force", "link"]],
              links={"D2": "https://www.ice.gov/doclib/287gMOA/draft.pdf"})
    )  # fmt: skip
    assert links.kind == "participating" and links.as_claimed("pending").kind == "pending"
    signed = ["State", "Agency", "Support Type", "Date Signed"]
    settled = parse_listing_xlsx(_xlsx([signed, [*ROW[:2], "Task Force", date(2025, 3, 1)]]))
    assert settled.other is None and settled.as_claimed("pending").kind == "participating"


def test_a_hidden_stale_copy_of_a_column_gives_way_to_the_visible_one() -> None:
    """A column hidden in the sheet under a name a visible column also has is an old copy
    kept out of sight: the visible column is the list's, whatever their order."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "S"
    sheet.append(["SIGNED", "STATE", "LAW ENFORCEMENT AGENCY", "SUPPORT TYPE", "SIGNED", "Notes"])
    sheet.append([date(2019, 1, 1), "TEXAS", "Harris SO", "JEM", date(2025, 3, 1), "n"])
    sheet.column_dimensions["A"].hidden = True
    sheet.column_dimensions["F"].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    listing = parse_listing_xlsx(buffer.getvalue())
    assert listing.rows[0].signed == date(2025, 3, 1)
    assert (
        "sheet 'S': duplicate column 'SIGNED' (column A, hidden, 'SIGNED') ignored; column E "
        "('SIGNED') used" in listing.warnings
    )


def test_an_exact_header_beats_one_read_by_its_words_and_the_note_names_the_cell_used() -> None:
    header = ["STATE", "Name", "AGENCY", "AGENCY", "SUPPORT TYPE"]
    listing = parse_listing_xlsx(_xlsx([header, ["TEXAS", "no", "Harris SO", "no", "JEM"]]))
    assert listing.rows[0].agency == "Harris SO"
    assert listing.columns == ("STATE", "AGENCY", "AGENCY", "AGENCY", "SUPPORT TYPE")
    assert listing.warnings[:3] == (
        "sheet 'S': column B 'NAME' read as 'AGENCY' by its words",
        "sheet 'S': duplicate column 'AGENCY' (column B, 'NAME') ignored; column C ('AGENCY') used",
        "sheet 'S': duplicate column 'AGENCY' (column D, 'AGENCY') ignored; column C ('AGENCY') "
        "used",
    )


def test_a_header_written_over_two_rows_is_read_and_the_data_row_under_it_is_a_row() -> None:
    """The data row under it, whose cells hold AGENCY and MODEL words, is read as a row."""
    top = ["STATE", "LAW ENFORCEMENT", "TYPE", "COUNTY", "SUPPORT", "DATE", "MOA"]
    bottom = ["", "AGENCY", "", "", "TYPE", "SIGNED", ""]
    row = ["ALABAMA", "Alabama Law Enforcement Agency", "State", "", "Task Force Model"]
    listing = parse_listing_xlsx(_xlsx([top, bottom, row, ROW]))
    assert listing.columns == tuple(HEADER_NAMES[name] for name in HEADER)
    assert [(n, r.agency) for n, r in listing.numbered()] == [
        (3, "Alabama Law Enforcement Agency"), (4, "Harris County Sheriff's Office")
    ]  # fmt: skip
    assert listing.warnings[0] == "sheet 'S': header written over two rows (1 and 2)"


def test_a_group_name_merged_across_its_columns_names_each_of_them() -> None:
    top = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "MOA"]
    bottom = ["", "", "", "", "", "DATE SIGNED", "LINK"]
    data = [[*ROW, date(2025, 8, 5), "link"]]
    listing = parse_listing_xlsx(_workbook(("S", [top, bottom, *data], "visible"), merge="F1:G1"))
    assert listing.columns[-2:] == ("SIGNED", "MOA")
    assert listing.rows[0].signed == date(2025, 8, 5) and listing.row_numbers[0] == 3


@pytest.mark.parametrize(
    "second",
    [
        ["TEXAS", "Harris County Sheriff's Office", "County", "Harris", "JEM"],  # a data row
        ["TEXAS", "Harris County Sheriff's Office", "County", "Harris", "JEM", "Link"],
        ["TEXAS", "", "County", "Harris", "JEM"],  # a row without its agency
        ["", "", "", "", "", "NOTES"],  # a new name, but no more known columns
    ],
)
def test_the_row_under_a_header_joins_it_only_when_it_names_more_known_columns_and_no_agency(
    second: list[object],
) -> None:
    """A row that names an agency is a data row, whatever the joined words would read;
    a row that adds no known column adds nothing to the header."""
    top = ["STATE", "LAW ENFORCEMENT AGENCY", None, "COUNTY", "SUPPORT TYPE"]
    listing = parse_listing_xlsx(_xlsx([top, second, ROW[:5]]))
    assert listing.columns[:2] == ("STATE", "AGENCY") and "TYPE" not in listing.columns
    assert not any("two rows" in warning for warning in listing.warnings)
    assert listing.row_numbers[-1] == 3


def test_a_repeated_header_row_written_in_other_words_is_skipped() -> None:
    header = ["State/Territory", "Name of Agency", "Support Type (Model)"]
    listing = parse_listing_xlsx(_xlsx([header, ROW[:2] + ["JEM"], header, ROW[:2] + ["TFM"]]))
    assert [row.model for row in listing.rows] == ["JEM", "TFM"]
    assert "sheet 'S': row 3 skipped: repeated header row" in listing.warnings


def test_a_visible_list_is_read_before_a_hidden_sheet_holding_another() -> None:
    old = [HEADER, ["UTAH", "Old SO", "County", None, "TFM", date(2020, 1, 2), "link"]]
    new = [HEADER, [*ROW, date(2025, 8, 5), "link"]]
    listing = parse_listing_xlsx(_workbook(("Old", old, "hidden"), ("Current", new, "visible")))
    assert [row.agency for row in listing.rows] == ["Harris County Sheriff's Office"]
    assert listing.warnings[0] == "ignored sheet 'Old', hidden: another agency list header at row 1"
    only_hidden = parse_listing_xlsx(
        _workbook(("Old", old, "hidden"), ("Notes", [["x"]], "visible"))
    )
    assert [row.agency for row in only_hidden.rows] == ["Old SO"]


def _agreement(state: str, agency: str, model: str) -> list[object]:
    return [state, agency, "County", None, model, date(2025, 5, 1), "link"]


def test_a_list_split_by_state_across_visible_sheets_is_read_whole() -> None:
    texas = [HEADER, _agreement("TEXAS", "Harris County SO", "JEM"),
             _agreement("TEXAS", "Harris County SO", "TFM")]  # fmt: skip
    florida = [HEADER, _agreement("FLORIDA", "Lee County SO", "WSO")]
    listing = parse_listing_xlsx(_workbook(("TX", texas, "visible"), ("FL", florida, "visible")))
    assert [(row.state, row.model) for row in listing.rows] == [
        ("TX", "JEM"), ("TX", "TFM"), ("FL", "WSO")
    ]  # fmt: skip


CURRENT = [HEADER, _agreement("TEXAS", "Harris County SO", "JEM"),
           _agreement("FLORIDA", "Lee County SO", "TFM")]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        # ended agreements, as the sheet's name says
        ("Terminated", [HEADER, _agreement("UTAH", "Old County SO", "TFM"),
                        _agreement("OHIO", "Gone PD", "WSO")]),
        # a copy or an older version: most of its agreements are the list's
        ("Sheet2", [*CURRENT, _agreement("OHIO", "Gone PD", "WSO")]),
    ],
)  # fmt: skip
def test_a_visible_sheet_of_other_agreements_or_a_copy_is_not_more_of_the_list(
    name: str, rows: list[list[object]]
) -> None:
    listing = parse_listing_xlsx(_workbook(("Sheet1", CURRENT, "visible"), (name, rows, "visible")))
    assert [row.agency for row in listing.rows] == ["Harris County SO", "Lee County SO"]
    assert f"ignored sheet {name!r}: another agency list header at row 1" in listing.warnings


PAGE_ONE = [HEADER, _agreement("FLORIDA", "Lee County SO", "WSO"),
            _agreement("TEXAS", "Harris County SO", "JEM")]  # fmt: skip


def _in_two_pages(first_row_of_two: list[object]) -> ParsedListing:
    two = [HEADER, first_row_of_two, _agreement("UTAH", "Utah County SO", "WSO")]
    return parse_listing_xlsx(
        _workbook(("Sheet1", PAGE_ONE, "visible"), ("Sheet2", two, "visible"))
    )


def test_a_list_split_into_pages_of_mixed_states_and_models_is_read_whole() -> None:
    """A list in pages (the same columns, each sheet a run of the list, whatever states
    and models it holds) is one list: read as it was, its last sheet is not lost."""
    listing = _in_two_pages(_agreement("TEXAS", "Harris County SO", "TFM"))
    assert [(row.state, row.model) for row in listing.rows] == [
        ("FL", "WSO"), ("TX", "JEM"), ("TX", "TFM"), ("UT", "WSO")
    ]  # fmt: skip
    assert listing.warnings[0].startswith("sheet 'Sheet2': read as more of the list on sheet")


def test_a_page_repeating_the_last_row_of_the_page_before_is_still_a_page() -> None:
    listing = _in_two_pages(_agreement("TEXAS", "Harris County SO", "JEM"))
    assert [row.agency for row in listing.rows] == [
        "Lee County SO", "Harris County SO", "Harris County SO", "Utah County SO"
    ]  # fmt: skip
    assert any("repeats row" in warning for warning in listing.warnings)


@pytest.mark.parametrize(
    ("name", "title"),
    [("Old list", None), ("Archive", None), ("Draft", None), ("Pending", None),
     ("Sheet2", "Terminated Agreements"), ("Sheet2", "Pending applications")],
)  # fmt: skip
def test_a_sheet_that_says_it_holds_something_else_is_not_more_of_the_list(
    name: str, title: str | None
) -> None:
    """A sheet under the same columns whose name or title says its rows ended, are
    applications, or are an old or working copy is another table, not a page."""
    current = [HEADER, _agreement("TEXAS", "Harris County SO", "JEM")]
    other = [*([[title]] if title else []), HEADER, _agreement("UTAH", "Old County SO", "TFM")]
    listing = parse_listing_xlsx(
        _workbook(("Active", current, "visible"), (name, other, "visible"))
    )
    assert [row.agency for row in listing.rows] == ["Harris County SO"]


def test_a_pending_list_in_pages_named_pending_is_read_whole() -> None:
    header = ["STATE", "LAW ENFORCEMENT AGENCY", "SUPPORT TYPE"]
    one = [["Pending applications"], header, ["TEXAS", "Harris County SO", "JEM"]]
    two = [["Pending applications"], header, ["UTAH", "Provo PD", "TFM"]]
    listing = parse_listing_xlsx(
        _workbook(("Pending (1)", one, "visible"), ("Pending (2)", two, "visible"))
    )
    assert listing.kind == "pending"
    assert [row.agency for row in listing.rows] == ["Harris County SO", "Provo PD"]


def test_a_sheet_of_applications_under_the_same_columns_is_the_other_list() -> None:
    """Pages of one list hold one kind of rows: a sheet of the same columns whose rows
    state no signing nor MOA is the pending list, kept as the file's other list."""
    current = [HEADER, _agreement("TEXAS", "Harris County SO", "JEM")]
    applying = [HEADER, ["UTAH", "Provo PD", "Municipal", None, "TFM", None, None]]
    listing = parse_listing_xlsx(_workbook(("A", current, "visible"), ("B", applying, "visible")))
    assert [row.agency for row in listing.rows] == ["Harris County SO"]
    assert listing.other is not None and listing.other.kind == "pending"
    assert [row.agency for row in listing.other.rows] == ["Provo PD"]


def test_the_list_is_the_first_sheet_that_does_not_say_it_holds_something_else() -> None:
    ended = [HEADER, _agreement("UTAH", "Old County SO", "TFM")]
    current = [HEADER, _agreement("TEXAS", "Harris County SO", "JEM")]
    listing = parse_listing_xlsx(
        _workbook(("Terminated", ended, "visible"), ("Current", current, "visible"))
    )
    assert [row.agency for row in listing.rows] == ["Harris County SO"]


def test_a_title_merged_across_the_header_is_a_row_above_it() -> None:
    title = [["287(g) Participating Agencies"], HEADER, [*ROW, date(2025, 8, 5), "link"]]
    listing = parse_listing_xlsx(_workbook(("S", title, "visible"), merge="A1:G1"))
    assert len(listing.rows) == 1 and listing.row_numbers == (3,)
    assert listing.warnings == ("sheet 'S': header found at row 2; rows above it ignored",)


@pytest.mark.parametrize(
    "text",
    [
        "August 5, 2025",
        "8/5/25",
        "2025-08-05",
        "2025/08/05",
        "08/05/2025 12:00 AM",
        "5-Aug-2025",
        "05-Aug-25",
        "Tuesday, August 5, 2025",
        "8/5/2025.",
    ],
)
def test_a_signed_date_written_as_text_is_read_and_its_text_kept(text: str) -> None:
    listing = parse_listing_xlsx(_xlsx([HEADER, [*ROW, text, "link"]]))
    (row,) = listing.rows
    assert (row.signed, row.signed_raw, row.flags) == (date(2025, 8, 5), text, ())


@pytest.mark.parametrize(
    "text",
    [
        "Signed 8/5/2025",
        "Signed: August 5, 2025",
        "8/5/2025 (amended 1/2/2026)",
        "Amended 1/2/2026, signed 8/5/2025",
        "MOA executed 2025-08-05 by the sheriff",
    ],
)
def test_a_signed_date_among_words_is_read_flagged_and_its_text_kept(text: str) -> None:
    """Its one date, else the one right after a word naming the signing, else the
    first: a note beside the date is not the date's loss."""
    listing = parse_listing_xlsx(_xlsx([HEADER, [*ROW, text, "link"]]))
    (row,) = listing.rows
    assert (row.signed, row.signed_raw, row.flags) == (date(2025, 8, 5), text, ("signed_in_text",))


@pytest.mark.parametrize("text", ["FY2025", "August 2025", "v2.1.2025 draft", "see note 3"])
def test_a_signed_cell_without_a_whole_date_among_its_words_is_unparsed(text: str) -> None:
    (row,) = parse_listing_xlsx(_xlsx([HEADER, [*ROW, text, "link"]])).rows
    assert (row.signed, row.signed_raw, row.flags) == (None, text, ("signed_unparsed",))


def test_new_and_empty_columns_between_known_ones_leave_the_rows_alone() -> None:
    header = ["STATE", "Region", "LAW ENFORCEMENT AGENCY", None, "Notes", "SUPPORT TYPE"]
    rows: list[Sequence[object]] = [
        header,
        ["Texas  ", "South", "Harris SO", None, "n", "Jail Enforcement Model (JEM)"],
        [" texas", None, "Dallas PD", None, None, "Task Force"],
    ]
    listing = parse_listing_xlsx(_xlsx(rows))
    assert [(row.state, row.state_raw, row.model) for row in listing.rows] == [
        ("TX", "Texas", "JEM"),
        ("TX", "texas", "TFM"),
    ]
    assert listing.warnings == (
        "sheet 'S': unknown column 'REGION' (column B)",
        "sheet 'S': unknown column 'NOTES' (column E)",
    )


# --------------------------------------------------------------------------- HYPERLINK formulas


_CASES = make_cases()
_LIST_HEADER = [*HEADER, "ADDENDUM"]
_MOA_URLS = st.from_regex(
    r"https://www\.ice\.gov/doclib/287gMOA/[A-Za-z0-9 %&=?._~\"'-]{1,30}", fullmatch=True
)


def _listing_rows(count: int) -> list[Sequence[object]]:
    return [
        _LIST_HEADER,
        *(
            ["TEXAS", f"Agency {n} Sheriff's Office", "County", f"County {n}", "TFM"]
            + [date(2025, 6, n + 1), "link", "link"]
            for n in range(count)
        ),
    ]


def _as_formula(url: str) -> tuple[str, str]:
    return 'HYPERLINK("' + url.replace('"', '""') + '","link")', "link"


@settings(max_examples=25, deadline=None)
@given(st.lists(_MOA_URLS, min_size=1, max_size=4, unique=True))  # each agency's own
def test_a_list_whose_link_cells_are_hyperlink_formulas_reads_as_with_relationship_links(
    urls: list[str],
) -> None:
    rows = _listing_rows(len(urls))
    refs = {f"{column}{n + 2}": url for n, url in enumerate(urls) for column in "GH"}
    by_relationship = parse_listing_xlsx(_xlsx(rows, refs))
    formulas = {ref: _as_formula(url) for ref, url in refs.items()}
    by_formula = parse_listing_xlsx(_CASES.with_formulas(_xlsx(rows), formulas))
    assert by_formula == by_relationship
    assert [row.moa_url for row in by_formula.rows] == urls
    assert by_formula.kind == "participating" and by_formula.warnings == by_relationship.warnings


def test_a_link_cell_whose_hyperlink_formula_cannot_be_read_is_a_warning_and_no_url() -> None:
    rows = [*_listing_rows(2), [None, None, None, None, None, None, "link"]]
    formulas = {
        "G2": ('HYPERLINK("https://www.ice.gov/doclib/287gMOA/"&D2)', "link"),
        "H3": ("HYPERLINK(A1)", "link"),
        "G4": ("HYPERLINK(A1)", "link"),  # a row that is skipped says so, nothing more
        "C2": ("HYPERLINK(A1)", "County"),  # no link column: nothing to say
    }
    listing = parse_listing_xlsx(_CASES.with_formulas(_xlsx(rows), formulas))
    assert [(row.moa_url, row.addendum_url, row.moa_text) for row in listing.rows] == [
        (None, None, "link"),
        (None, None, "link"),
    ]
    assert listing.warnings == (
        "sheet 'S': row 2: the link of MOA cell G2 could not be read "
        "(a HYPERLINK formula whose URL is not a literal)",
        "sheet 'S': row 3: the link of ADDENDUM cell H3 could not be read "
        "(a HYPERLINK formula whose URL is not a literal)",
        "sheet 'S': row 4 skipped: no agency or state (link)",
    )


@pytest.mark.parametrize(
    ("text", "models"),
    [
        ("JEM/TFM", ("JEM", "TFM")),
        ("Jail Enforcement Model & Task Force Model", ("JEM", "TFM")),
        ("JEM, TFM", ("JEM", "TFM")),
        ("TFM (JEM pending)", ("TFM",)),  # a model its words say is pending or ended
        ("TFM; JEM terminated", ("TFM",)),
        ("Task Force Model / WSO requested", ("TFM",)),
    ],
)
def test_a_row_lists_one_agreement_of_each_model_it_names_in_force(
    text: str, models: tuple[str, ...]
) -> None:
    row = ["TEXAS", "Harris County Sheriff's Office", "County", "Harris County", text,
           date(2025, 3, 1), "link"]  # fmt: skip
    listing = parse_listing_xlsx(_xlsx([HEADER, row]))
    flags = ("models_joined",) if len(models) > 1 else ()  # one agreement's papers
    assert [(r.model, n, r.signed, r.flags) for n, r in listing.numbered()] == [
        (model, 2, date(2025, 3, 1), flags) for model in models
    ]
    named = f"sheet 'S': row 2 names 2 models ({text}): read as one agreement of each"
    assert listing.warnings == ((named,) if len(models) == 2 else ())


def test_a_model_cell_saying_its_agreement_ended_or_is_pending_lists_no_agreement() -> None:
    """``JEM (terminated)`` lists none (a warning says why); ``TFM - pending`` is an
    application, kept apart as a status saying so would be."""
    rows: list[Sequence[object]] = [
        HEADER,
        ["TEXAS", "Harris County Sheriff's Office", "County", None, "JEM", date(2025, 3, 1)],
        ["TEXAS", "Dallas County Sheriff's Office", "County", None, "JEM (terminated)",
         date(2025, 3, 1)],
        ["TEXAS", "Lubbock Police Department", "Municipality", None, "TFM - pending"],
    ]  # fmt: skip
    listing = parse_listing_xlsx(_xlsx(rows))
    assert [r.agency for r in listing.rows] == ["Harris County Sheriff's Office"]
    assert "sheet 'S': row 3 skipped: its model cell says it ended" in listing.warnings
    assert [r.agency for r in listing.as_claimed("pending").rows] == ["Lubbock Police Department"]


def test_a_row_whose_name_date_or_moa_cell_says_its_agreement_ended_lists_none() -> None:
    """Words of ending in place of a value (set off after the agency's name, in the
    SIGNED cell, as the MOA cell's text) say the row lists no agreement in force: read
    as listed, the name would be renamed and the ending's date taken for the signing."""
    d, m = date(2025, 3, 1), "Municipality"
    rows = [
        HEADER,
        ["TEXAS", "Harris County Sheriff's Office - TERMINATED", "County", None, "JEM", d],
        ["TEXAS", "Dallas Police Department (Withdrawn 8/1/2025)", m, None, "TFM", d],
        ["TEXAS", "Lubbock Police Department", m, None, "TFM", "Terminated 08/01/2025"],
        ["TEXAS", "Bexar County Sheriff's Office", "County", None, "WSO", d, "Rescinded"],
        ["TEXAS", "Closed Circuit Police Department", m, None, "TFM", d],
        ["TEXAS", "Waco Police Department (not terminated)", m, None, "TFM", d],
        ["TEXAS", "Tyler Police Department (New)", m, None, "TFM", d],
        ["TEXAS", "*TERMINATED* Hays County Sheriff's Office", "County", None, "JEM", d],
        ["TEXAS", "Hunt County Sheriff's Office", "Terminated", None, "JEM", d],
        ["TEXAS", "Polk County Sheriff's Office", "County", "Expired", "JEM", d],
        ["TEXAS", "Rusk County Sheriff's Office", "County", None, "Terminated", d],
        ["TEXAS", "Wise County Sheriff's Office", "County", None, "TFM; JEM terminated", d],
    ]  # fmt: skip
    listing = parse_listing_xlsx(_xlsx(rows))
    assert [r.agency for r in listing.rows] == [
        "Closed Circuit Police Department",
        "Waco Police Department (not terminated)",
        "Tyler Police Department (New)",
        "Wise County Sheriff's Office",
    ]
    assert [w for w in listing.warnings if "says" in w] == [
        "sheet 'S': row 2 skipped: its agency's name says 'TERMINATED'",
        "sheet 'S': row 3 skipped: its agency's name says 'Withdrawn 8/1/2025'",
        "sheet 'S': row 4 skipped: its SIGNED cell says 'Terminated 08/01/2025'",
        "sheet 'S': row 5 skipped: its MOA cell says 'Rescinded'",
        "sheet 'S': row 9 skipped: its agency's name says 'TERMINATED'",
        "sheet 'S': row 10 skipped: its TYPE cell says 'Terminated'",
        "sheet 'S': row 11 skipped: its COUNTY cell says 'Expired'",
        "sheet 'S': row 12 skipped: its SUPPORT TYPE cell says 'Terminated'",
    ]


def test_an_aside_giving_an_agencys_former_name_is_no_part_of_its_name() -> None:
    now = agency_key("Fort Myers Police Department", "FL")
    for written in ("(formerly Ft. Myers PD)", "(f/k/a Ft Myers Police)", "- previously X"):
        assert agency_key(f"Fort Myers Police Department {written}", "FL") == now
    assert agency_key("Fort Myers Police Department (Former Sheriff Unit)", "FL") != now


def test_a_row_naming_no_model_stays_one_row_flagged_model_unknown() -> None:
    row = ["TEXAS", "Harris County Sheriff's Office", "County", "Harris County", "Other"]
    (only,) = parse_listing_xlsx(_xlsx([HEADER, row])).rows
    assert only.model is None and "model_unknown" in only.flags


def test_a_support_type_naming_no_model_known_is_said_with_its_rows_a_blank_one_not() -> None:
    rows = [
        HEADER,
        ["TEXAS", "Harris County Sheriff's Office", "County", None, "Correctional Support Model"],
        ["TEXAS", "Dallas County Sheriff's Office", "County", None, "Jail Enforcement Model"],
        ["TEXAS", "Bexar County Sheriff's Office", "County", None, "Correctional Support Model"],
        ["TEXAS", "Travis County Sheriff's Office", "County", None, None],
        ["TEXAS", "Collin County Sheriff's Office", "County", None, "N/A"],
    ]  # fmt: skip
    listing = parse_listing_xlsx(_xlsx(rows))
    said = [w for w in listing.warnings if "no model known" in w]
    assert said == [
        "sheet 'S': 2 rows of support type 'Correctional Support Model', which names no "
        "model known, read without a model (rows 2, 4)"
    ]


@pytest.mark.parametrize(
    ("status", "kept"),
    [
        ("Active", True), (None, True), ("Not terminated", True), ("Pending renewal", True),
        ("Expires 12/31/2027", True), ("Pending termination", True),
        ("Terminated", False), ("Withdrawn 3/1/2026", False), ("INACTIVE", False),
        ("Expired", False), ("Rescinded", False), ("Cancelled", False),
        # in other words of ending, or of being in force no more
        ("Removed", False), ("Suspended", False), ("Deactivated", False), ("Deleted", False),
        ("Opted out", False), ("No Longer Participating", False), ("Not active", False),
        ("Non-participating", False), ("Previously listed", False), ("Participating", True),
        ("Current", True), ("Terminated - unknown date", False),
        # in force first, whatever it adds; an ending negated
        ("Active (previously listed as Town of Jupiter PD)", True),
        ("Reinstated (previously suspended)", True), ("Restored (was deactivated)", True),
        ("Active - not a current TFM participant until training", True),
        ("Active; opted out of TFM", True), ("Un-suspended", True), ("Not removed", True),
    ],
)  # fmt: skip
def test_a_row_whose_status_says_the_agreement_ended_lists_no_agreement(
    status: str | None, kept: bool
) -> None:
    header = [*HEADER, "Agreement Status"]
    row = [*ROW, date(2025, 3, 1), "link", status]
    other = [*ROW[:1], "Lubbock Police Department", *ROW[2:], date(2025, 3, 2), "link", "Active"]
    listing = parse_listing_xlsx(_xlsx([header, row, other]))
    assert listing.columns[-1] == "STATUS"
    agencies = [r.agency for r in listing.rows]
    assert ("Harris County Sheriff's Office" in agencies) is kept
    assert "Lubbock Police Department" in agencies
    skipped = f"sheet 'S': row 2 skipped: its status says {status!r}"
    assert (skipped in listing.warnings) is not kept


@pytest.mark.parametrize(
    ("column", "value", "kept"),
    [
        ("Date Terminated", date(2025, 6, 1), False), ("Termination Date", "6/1/2025", False),
        ("Withdrawn", "Yes", False), ("Withdrawn", "X", False), ("Withdrawn", "No", True),
        ("Date Withdrawn", None, True), ("Terminated", "N/A", True),
    ],
)  # fmt: skip
def test_a_row_that_gives_the_date_its_agreement_ended_lists_no_agreement(
    column: str, value: object, kept: bool
) -> None:
    header = [*HEADER, column]
    row = [*ROW, date(2025, 3, 1), "link", value]
    listing = parse_listing_xlsx(_xlsx([header, row]))
    assert listing.columns[-1] == "ENDED"
    assert bool(listing.rows) is kept
    if not kept:
        assert listing.warnings[0].startswith(f"sheet 'S': row 2 skipped: its {column} column says")


_AGENCIES = ("Harris County Sheriff's Office", "Lubbock Police Department", "Cobb County Jail")
_STATUSES_IN_FORCE = ("Active", "Signed", "", "Pending renewal")
_STATUSES_APPLYING = ("Pending", "PENDING", "Under review", "Application submitted")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_AGENCIES),
            st.sampled_from(["TX", "FL", "GA"]),
            st.sampled_from(["JEM", "TFM", "WSO"]),
            st.booleans(),  # an application (else an agreement)
            st.integers(0, 3),  # which status text
        ),
        min_size=1,
        max_size=12,
        unique_by=lambda drawn: drawn[:3],
    )
)
def test_one_list_of_agreements_and_applications_reads_each_by_its_status(
    drawn: list[tuple[str, str, str, bool, int]],
) -> None:
    """Rows of both kinds in any order, told apart by a STATUS column: the agreements
    are the list (its pending list, the applications), or, with no agreement among
    them, the applications are a pending list of them all."""
    rows: list[Sequence[object]] = [["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED", "STATUS"]]
    for agency, state, model, applying, status in drawn:
        if applying:
            rows.append([state, agency, model, None, _STATUSES_APPLYING[status]])
        else:
            rows.append([state, agency, model, date(2025, 3, 1), _STATUSES_IN_FORCE[status]])
    listing = parse_listing_xlsx(_xlsx(rows))
    keys = {(state, agency, model): applying for agency, state, model, applying, _ in drawn}
    agreements = sorted(k for k, applying in keys.items() if not applying)
    applications = sorted(k for k, applying in keys.items() if applying)
    read = sorted((r.state, r.agency, r.model) for r in listing.rows)
    if agreements:
        assert listing.kind == "participating" and read == agreements
        claimed = listing.as_claimed("pending")
        expected = applications if applications else agreements  # no other: the gate judges
        assert sorted((r.state, r.agency, r.model) for r in claimed.rows) == expected
    else:
        assert (listing.kind, read, listing.other) == ("pending", applications, None)


@pytest.mark.parametrize(
    ("name", "model"),
    [("Lee County SO (JEM)", "JEM"), ("Lee County SO - Task Force Model", "TFM"),
     ("Lee County SO (WSO) (New)", "WSO"), ("Lee County SO (JEM/TFM)", None),
     ("Lee County SO (JEM pending)", None), ("Lee County - Jail", None)],
)  # fmt: skip
def test_a_row_whose_model_cell_is_blank_reads_the_one_model_its_name_restates(
    name: str, model: str | None
) -> None:
    """The model moved from its column to the name (``(JEM)``) is still the row's: its
    cell says nothing, its name says which (flag ``model_in_name``)."""
    row = ["FLORIDA", name, "County", "Lee County", None, date(2025, 3, 1), "link"]
    (read,) = parse_listing_xlsx(_xlsx([HEADER, row])).rows
    assert read.model == model
    assert ("model_in_name" in read.flags) is (model is not None)
    if model is not None:  # the restated model is no part of the name
        assert read.agency_key == "lee county sheriff office"


@pytest.mark.parametrize(
    "stamp", ["As of 8/30/2025", "Updated: August 30, 2025", date(2025, 8, 30)]
)
def test_a_date_in_the_header_row_over_an_empty_column_is_a_note_not_a_column(
    stamp: object,
) -> None:
    """``As of 8/30/2025`` beside the header's names, nothing under it, is when the list
    was made: a stamp changing with every capture, not a column (it was a new column,
    ``source.schema_changed``, at each). Over values, or naming no date, it is one."""
    row = ["TEXAS", "Harris County SO", "County", None, "JEM", date(2025, 3, 1), "link"]
    listing = parse_listing_xlsx(_xlsx([[*HEADER, None, stamp], row]))
    assert listing.columns == ("STATE", "AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA")
    assert any("read as a note on the list, not a column" in w for w in listing.warnings)
    filled = parse_listing_xlsx(_xlsx([[*HEADER, None, stamp], [*row, None, "x"]]))
    notes = parse_listing_xlsx(_xlsx([[*HEADER, None, "NOTES"], row]))
    assert len(filled.columns) == len(notes.columns) == 8


def test_a_list_under_model_headings_gives_each_row_the_model_above_it() -> None:
    """No model column, each model's rows under a row naming it alone (as a state's
    heading heads its rows): each row is of the model above it, the heading no row.
    Without a heading first, the list has no model column and no header."""
    header = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SIGNED"]
    harris = ["TX", "Harris County Sheriff's Office", "County", "Harris County", date(2020, 6, 9)]
    apopka = ["FL", "Apopka Police Department", "Municipality", "Orange County", date(2025, 2, 1)]
    rows = [header, ["Jail Enforcement Model"], harris, [None, "Task Force Model"], apopka, harris]
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert [(r.agency, r.model) for r in listing.rows] == [
        ("Harris County Sheriff's Office", "JEM"),
        ("Apopka Police Department", "TFM"),
        ("Harris County Sheriff's Office", "TFM"),
    ]
    assert any("the heading above it names" in w for w in listing.warnings)
    with pytest.raises(ParseError, match="no 287\\(g\\) agency list header"):
        parse_listing_xlsx(_xlsx([header, harris, ["Task Force Model"], apopka]), "x.xlsx")


def test_a_county_agencys_name_naming_no_place_is_its_county_cells() -> None:
    """A list that moved the county out of the name into its COUNTY column
    (``Sheriff's Office``, ``Alachua County``) names the county's agency, flagged; a
    city's ``Police Department`` (TYPE Municipality) and a name naming a place stay
    as written."""
    header = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED"]
    rows = [
        header,
        ["FL", "Sheriff's Office", "County", "Alachua County", "TFM", date(2025, 2, 26)],
        ["LA", "County Jail", "County", "Orleans Parish", "WSO", date(2025, 3, 1)],
        ["FL", "Police Department", "Municipality", "Orange County", "TFM", date(2025, 2, 1)],
        ["FL", "Lee County Port Authority Police", "County", "Lee County", "TFM", date(2025, 2, 1)],
    ]
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert [(r.agency, "place_from_county" in r.flags) for r in listing.rows] == [
        ("Alachua County Sheriff's Office", True),
        ("Orleans Parish Jail", True),
        ("Police Department", False),
        ("Lee County Port Authority Police", False),
    ]
    assert listing.rows[0].agency_key == agency_key("Alachua County Sheriff's Office", "FL")


def test_a_subtotal_row_under_a_states_rows_lists_no_agreement() -> None:
    """A count of each state's rows under them (``WEST VIRGINIA Total | 2``; the total's
    label reads as a state a few letters off): no agency's name, so no agreement, and
    the row is skipped with a warning (before: an agency named ``2`` was added)."""
    d = date(2025, 3, 1)
    rows = [
        HEADER,
        ["WEST VIRGINIA", "Berkeley County Sheriff's Office", "County", None, "TFM", d],
        ["WEST VIRGINIA", "Morgan County Sheriff's Office", "County", None, "TFM", d],
        ["WEST VIRGINIA Total", 2],
        ["WISCONSIN", "Waukesha County Sheriff's Office", "County", None, "JEM", d],
        ["WISCONSIN Total", 1],
    ]  # fmt: skip
    listing = parse_listing_xlsx(_xlsx(rows))
    assert [r.agency for r in listing.rows] == [
        "Berkeley County Sheriff's Office",
        "Morgan County Sheriff's Office",
        "Waukesha County Sheriff's Office",
    ]
    assert sum("skipped" in w for w in listing.warnings) == 2


@pytest.mark.parametrize(
    ("asked", "yes", "no"),
    [("ACTIVE", "Yes", "No"), ("Current?", "Y", "N"), ("In Force (Y/N)", "Y", "N"),
     ("Active Agreement", True, False), ("ACTIVE", "Active", "Inactive")],
)  # fmt: skip
def test_a_column_asking_if_the_agreement_is_in_force_answered_no_lists_none(
    asked: str, yes: object, no: object
) -> None:
    """A column asking whether each row's agreement is in force (``ACTIVE``, ``Current?``,
    ``In Force (Y/N)``), answered no: the row lists no agreement in force, as a STATUS
    of ``Terminated`` says, skipped with a warning naming the column (before: listed as
    in force, the agreement never withdrawn). Answered yes, or with anything else (a
    date), the row is read as listed."""
    d = date(2025, 3, 1)
    rows = [
        [*HEADER, asked],
        ["TEXAS", "Harris County Sheriff's Office", "County", None, "JEM", d, None, yes],
        ["TEXAS", "Dallas Police Department", "Municipality", None, "TFM", d, None, no],
        ["TEXAS", "Bexar County Sheriff's Office", "County", None, "WSO", d, None, d],
    ]
    listing = parse_listing_xlsx(_xlsx(rows))
    assert [r.agency for r in listing.rows] == [
        "Harris County Sheriff's Office",
        "Bexar County Sheriff's Office",
    ]
    assert any(f"row 3 skipped: its {asked} column says" in w for w in listing.warnings)


@pytest.mark.parametrize("mark", ["\u2014", "\u2013", "\u2212", "?", ".", "- -", "*"])
def test_a_cell_with_no_letter_or_digit_says_nothing(mark: str) -> None:
    """A value is written in letters or digits: a TYPE, COUNTY or SIGNED cell holding
    only a dash of any length, a question mark or a dot is empty, as ``-`` and ``N/A``
    are (before: an em dash for the county of 44 agencies of the 29 August list, or
    for 40 types, was each one's ``agreement.changed`` once the change persisted)."""
    rows: list[Sequence[object]] = [
        HEADER,
        ["TEXAS", "Harris County Sheriff's Office", mark, mark, "JEM", mark, None],
        ["TEXAS", "Dallas Police Department", "Municipality", "Dallas County", "TFM", None, None],
    ]
    first, second = parse_listing_xlsx(_xlsx(rows)).rows
    assert (first.agency_type, first.county, first.signed) == (None, None, None)
    assert (second.agency_type, second.county) == ("Municipality", "Dallas County")


def test_a_state_written_once_on_the_first_of_its_rows_is_the_rows_below_too() -> None:
    """A list writing each state once, on the first of its rows, its STATE cells below
    blank (as a state merged down them would say): those rows are in it (before: each
    read with its state unknown, ``??``, its agency matched by name or moved there)."""
    d = date(2025, 3, 1)
    rows: list[Sequence[object]] = [
        HEADER,
        ["TEXAS", "Harris County Sheriff's Office", "County", None, "JEM", d, None],
        [None, "Dallas Police Department", "Municipality", None, "TFM", d, None],
        [None, "Bexar County Sheriff's Office", "County", None, "WSO", d, None],
        ["UTAH", "Beaver County Sheriff's Office", "County", None, "WSO", d, None],
        [None, "Iron County Sheriff's Office", "County", None, "WSO", d, None],
        ["Nowhere", "Unreadable Police Department", "Municipality", None, "TFM", d, None],
        [None, "Under It Police Department", "Municipality", None, "TFM", d, None],
    ]
    listing = parse_listing_xlsx(_xlsx(rows))
    assert [r.state for r in listing.rows] == ["TX", "TX", "TX", "UT", "UT", "??", "??"]


def test_a_state_missing_from_a_row_of_a_list_writing_every_rows_is_unknown() -> None:
    """A list writing every row's state, one left blank: that row's state is missing,
    not the one above it (the rows around it repeat their states)."""
    d = date(2025, 3, 1)
    rows: list[Sequence[object]] = [
        HEADER,
        ["TEXAS", "Harris County Sheriff's Office", "County", None, "JEM", d, None],
        ["TEXAS", "Dallas Police Department", "Municipality", None, "TFM", d, None],
        [None, "Bexar County Sheriff's Office", "County", None, "WSO", d, None],
        ["UTAH", "Beaver County Sheriff's Office", "County", None, "WSO", d, None],
        ["UTAH", "Iron County Sheriff's Office", "County", None, "WSO", d, None],
    ]
    listing = parse_listing_xlsx(_xlsx(rows))
    assert [r.state for r in listing.rows] == ["TX", "TX", "??", "UT", "UT"]


def test_a_row_with_its_state_and_agency_swapped_is_read_as_meant() -> None:
    """A row whose STATE cell names an agency and whose agency cell names a state has
    the two swapped (five rows of the 29 August list so written: an agency named
    ``FLORIDA`` added in an unknown state, the five agreements missing). A state cell
    naming no state beside an agency's name stays a state unknown."""
    d = date(2025, 3, 1)
    rows: list[Sequence[object]] = [
        HEADER,
        ["TEXAS", "Harris County Sheriff's Office", "County", None, "JEM", d, None],
        ["Dallas Police Department", "TEXAS", "Municipality", None, "TFM", d, None],
        ["Nowhere", "Bexar County Sheriff's Office", "County", None, "WSO", d, None],
    ]
    listing = parse_listing_xlsx(_xlsx(rows))
    read = [(r.state, r.agency) for r in listing.rows]
    assert read == [
        ("TX", "Harris County Sheriff's Office"),
        ("TX", "Dallas Police Department"),
        ("??", "Bexar County Sheriff's Office"),
    ]
    assert any("row 3: its STATE cell names an agency" in w for w in listing.warnings)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(STATE_CODES - {"DC"})), st.integers(1, 4)),
        min_size=2,
        max_size=6,
        unique_by=lambda group: group[0],
    ).filter(lambda groups: any(size > 1 for _, size in groups))
)
def test_any_list_writing_each_state_on_its_first_row_reads_every_rows_state(
    groups: list[tuple[str, int]],
) -> None:
    """Whatever the states and how many rows each has: each state written on the first
    of its rows only is every one of its rows' state."""
    rows: list[Sequence[object]] = [HEADER]
    expected = []
    for state, size in groups:
        for n in range(size):
            name = f"{state} Town {n} Police Department"
            rows.append([state if n == 0 else None, name, "Municipality", None, "TFM", None, None])
            expected.append(state)
    assert [r.state for r in parse_listing_xlsx(_xlsx(rows)).rows] == expected


def test_a_line_break_in_an_agency_cell_sets_apart_what_follows_it() -> None:
    """A name's cell of two lines (its county, its model, a note on the second) reads
    as the name with the second line set off after it, as a dash between spaces sets
    it off: the rules for asides then read it (the model restated, no part of the
    name's key; the county, its own). A line already ending with punctuation that sets
    off, or a line wrapped inside a name, keeps the key it had on one line."""
    d = date(2025, 3, 1)
    rows: list[Sequence[object]] = [
        HEADER,
        ["FLORIDA", "Ocala Police Department\nMarion County", "Municipality", None, "TFM", d, None],
        ["ALABAMA", "Colbert County Sheriff's Office\r\nWSO", "County", None, None, d, None],
        ["FLORIDA", "Dept. of Financial Services,\nCrime Unit", "State", None, "TFM", d, None],
        ["TEXAS", "Harris County Sheriff's\nOffice", "County", None, "JEM", d, None],
    ]
    listing = parse_listing_xlsx(_xlsx(rows))
    assert [(r.agency, r.model) for r in listing.rows] == [
        ("Ocala Police Department - Marion County", "TFM"),
        ("Colbert County Sheriff's Office - WSO", "WSO"),
        ("Dept. of Financial Services, Crime Unit", "TFM"),
        ("Harris County Sheriff's - Office", "JEM"),
    ]
    keys = [r.agency_key for r in listing.rows]
    assert keys[1:] == [
        agency_key("Colbert County Sheriff's Office", "AL"),
        agency_key("Dept. of Financial Services, Crime Unit", "FL"),
        agency_key("Harris County Sheriff's Office", "TX"),
    ]


def test_every_agency_name_of_the_corpus_names_a_public_body(corpus: Path) -> None:
    """The note rule's premise (a row of no state and no link naming no public body is a
    note): each real agency name names one, in full or short (``Tampa PD``, ``Texas
    National Guard``, ``MT Dept of Justice``)."""
    from parsers.detect import parse_listing
    from parsers.status_words import names_a_body

    names: set[str] = set()
    for path in sorted((corpus / "ice-sheets").glob("*/*.xlsx")):
        parsed = parse_listing(path.read_bytes(), path.name)
        for listing in (parsed, getattr(parsed, "other", None)):
            names.update(row.agency for row in getattr(listing, "rows", ()))
    assert len(names) > 800
    assert sorted(n for n in names if not names_a_body(n)) == []


# --------------------------------------------------------------------------- note rows

_NOTE_TEXTS = [
    "* The addendum was signed in 2021.", "\u00b9 Signed under the 2019 template", "Total: 1",
    "TOTAL 12", "Grand Total: 3", "Subtotal 4", "Last updated", "Last Updated: 05/15/2024",
    "Updated 05/15/2024", "As of 05/15/2024", "Source: ICE", "Page 1 of 3", "Legend",
    "Note: the Harris County Sheriff's Office MOA is under review.",
]  # fmt: skip


@pytest.mark.parametrize("text", _NOTE_TEXTS)
@pytest.mark.parametrize("way", ["sheet named for its state", "own state", "state heading"])
@pytest.mark.parametrize(("model", "signed"), [(None, None), ("JEM", date(2024, 5, 15))])
def test_a_row_whose_agency_cell_names_no_agency_is_no_agreement_whatever_its_state(
    text: str, way: str, model: str | None, signed: date | None
) -> None:
    """An agreement is an agency's: a row whose agency cell holds a footnote, the list
    speaking of itself (its total, its date, its source, its page, its notes) names
    none, and is a note whether the row gives its state, a heading above
    gives it or the sheet's name does, and whatever date or model it shows (in a sheet
    named ``Texas``, ``Total: 1`` was a Texas agreement)."""
    first: list[object] = ["Dallas County Sheriff's Office", "JEM", date(2020, 1, 1), "MOA"]
    header: list[object] = ["AGENCY", "SUPPORT TYPE", "SIGNED", "MOA"]
    note: list[object] = [text, model, signed, None]
    rows: list[Sequence[object]] = [header, first, note]
    title = "Texas" if way == "sheet named for its state" else "S"
    if way == "own state":
        rows = [["STATE", *header], ["TX", *first], ["TX", *note]]
    elif way == "state heading":
        rows = [["STATE", *header], ["Texas"], [None, *first], [None, *note]]
    listing = parse_listing_xlsx(_xlsx(rows, title=title), "x.xlsx")
    assert [(r.state, r.agency) for r in listing.rows] == [("TX", first[0])]
    assert any(f"row {len(rows)} skipped: " in warning for warning in listing.warnings)


@pytest.mark.parametrize(
    "agency",
    ["Page County Sheriff's Office", "Key West Police Department", "Source County Sheriff",
     "*Harris County Sheriff's Office", "Total County Jail"],
)  # fmt: skip
def test_an_agency_whose_name_begins_with_a_word_of_a_note_is_an_agency(agency: str) -> None:
    """A word a note begins with, followed by more of a name (``Page County``, ``Key
    West``), and a footnote mark before a name of a public body, still name an agency."""
    rows: list[Sequence[object]] = [
        ["AGENCY", "SUPPORT TYPE", "SIGNED"],
        [agency, "JEM", date(2020, 1, 1)],
    ]
    listing = parse_listing_xlsx(_xlsx(rows, title="Virginia"), "x.xlsx")
    assert [(r.state, r.agency) for r in listing.rows] == [("VA", agency)]


@pytest.mark.parametrize("agency", ["*Lakeland P.D.", "*FDLE", "\u2020 Florida Lottery"])
def test_a_marked_name_on_a_row_linking_its_moa_is_an_agreement(agency: str) -> None:
    """A footnote links no MOA of its own: a row whose name a mark begins, linking a MOA,
    states an agreement, however its name is written (``*Lakeland P.D.`` was dropped as
    a footnote, then withdrawn: helper 69)."""
    rows: list[Sequence[object]] = [
        ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED", "MOA"],
        ["FL", agency, "JEM", date(2020, 1, 1), "https://www.ice.gov/doclib/287gMOA/x.pdf"],
    ]
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert len(listing.rows) == 1


def test_a_title_naming_the_list_in_force_and_the_pending_one_heads_no_applications() -> None:
    """``Participating and Pending Agencies`` names both lists: no list of applications
    alone, so the agreements under it stay agreements (they were read as applications:
    lost), as ``Active and terminated agreements`` heads no ended ones."""
    rows: list[Sequence[object]] = [
        ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED"],
        ["Texas", "Harris County Sheriff's Office", "JEM", date(2020, 6, 9)],
        ["Participating and Pending Agencies"],
        ["Texas", "Lubbock Police Department", "TFM", date(2021, 1, 2)],
    ]
    listing = parse_listing_xlsx(_xlsx(rows), "x.xlsx")
    assert [r.agency for r in listing.rows] == [
        "Harris County Sheriff's Office",
        "Lubbock Police Department",
    ]
