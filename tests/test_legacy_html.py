"""The older 287(g) page's inline participating table (parsers.legacy_html).

Case pages live in tests/cases/html (written by make_pages.py from ICE's May 2024 page:
135 rows, 60 JEM agreements in 16 states and 75 WSO agreements in 11 states).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.errors import ParseError
from parsers.html_page import absolute_url, decode_html, original_url, resolve_link
from parsers.legacy_html import DEFAULT_BASE_URL, NO_TABLE, column_name, parse_legacy_page
from parsers.records import ListingRow, ParsedListing

CASES = Path(__file__).parent / "cases" / "html"
HEADER = (
    "<tr><th>STATE</th><th>LAW ENFORCEMENT AGENCY</th><th>SUPPORT TYPE</th><th>SIGNED</th>"
    "<th>MOA</th></tr>"
)


def load_cases(section: str) -> list[tuple[str, dict[str, Any]]]:
    """(name, expectation) for every case page with a ``section`` expectation."""
    cases = []
    for path in sorted(CASES.glob("*.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        if section in expected:
            cases.append((path.stem, expected))
    return cases


def case_bytes(name: str) -> bytes:
    return (CASES / f"{name}.html").read_bytes()


def parse_case(name: str, expected: dict[str, Any]) -> ParsedListing:
    return parse_legacy_page(case_bytes(name), name, expected.get("base_url", DEFAULT_BASE_URL))


def page(rows: str, header: str = HEADER, extra: str = "") -> bytes:
    return f"<html><body>{extra}<table>{header}{rows}</table></body></html>".encode()


LEGACY = load_cases("legacy")
VARIANTS = [(n, e) for n, e in LEGACY if n.startswith("may2024_")]


# --------------------------------------------------------------------------- case pages


def test_case_folder_is_complete() -> None:
    assert len(VARIANTS) >= 9
    assert {"no_table", "access_denied", "empty", "zip_bytes", "binary_noise"} <= {
        n for n, _ in LEGACY
    }


@pytest.mark.parametrize(("name", "expected"), LEGACY, ids=[n for n, _ in LEGACY])
def test_case_page(name: str, expected: dict[str, Any]) -> None:
    want = expected["legacy"]
    if "error" in want:
        with pytest.raises(ParseError) as caught:
            parse_case(name, expected)
        assert want["error"] in caught.value.reason
        assert caught.value.source == name
        return
    listing = parse_case(name, expected)
    assert listing.kind == "participating"
    assert listing.source_format == "html"
    summary = want["summary"]
    assert len(listing.rows) == summary["rows"]
    assert list(listing.columns) == summary["columns"]
    if summary["rows"]:
        check_summary(listing, summary)
    check_spot_rows(listing, want.get("rows", []))


def check_summary(listing: ParsedListing, summary: dict[str, Any]) -> None:
    rows = listing.rows
    assert dict(Counter(r.model for r in rows)) == summary["models"]
    states = {m: len({r.state for r in rows if r.model == m}) for m in summary["models"]}
    assert states == summary["model_states"]
    assert sum(1 for r in rows if r.addendum_url) == summary["addenda"]
    assert list(listing.row_numbers) == list(range(1, len(rows) + 1))
    assert listing.warnings == ()
    for row in rows:
        assert row.moa_url and row.moa_url.startswith("https://www.ice.gov/doclib/287gMOA/")
        assert row.signed is not None and row.state and row.agency_key
        assert "'" not in row.agency_key and "\u2019" not in row.agency


def check_spot_rows(listing: ParsedListing, spots: list[dict[str, Any]]) -> None:
    by_number = dict(listing.numbered())
    for want in spots:
        got = {**by_number[want["row_number"]].to_dict(), "row_number": want["row_number"]}
        assert {k: got[k] for k in want} == want


def identity(listing: ParsedListing) -> list[tuple[Any, ...]]:
    fields = ("state", "agency_key", "model", "signed", "moa_url", "addendum_url")
    return [(*(getattr(r, f) for f in fields), n) for n, r in listing.numbered()]


def test_every_markup_gives_the_same_list() -> None:
    plain = identity(parse_case("may2024_plain", dict(VARIANTS)["may2024_plain"]))
    assert len(plain) == 135
    for name, expected in VARIANTS:
        assert identity(parse_case(name, expected)) == plain, name


@pytest.mark.parametrize(("name", "expected"), VARIANTS, ids=[n for n, _ in VARIANTS])
def test_may_2024_counts(name: str, expected: dict[str, Any]) -> None:
    """ICE's page: 60 JEM agreements in 16 states, 75 WSO agreements in 11 states."""
    rows = parse_case(name, expected).rows
    assert len(rows) == 135
    assert len([r for r in rows if r.model == "JEM"]) == 60
    assert len([r for r in rows if r.model == "WSO"]) == 75
    assert len({r.state for r in rows if r.model == "JEM"}) == 16
    assert len({r.state for r in rows if r.model == "WSO"}) == 11
    assert all(urlsplit(r.moa_url or "").scheme == "https" for r in rows)


def test_dates_keep_their_raw_text_unless_iso() -> None:
    listing = parse_case("may2024_date_formats", dict(VARIANTS)["may2024_date_formats"])
    raws = {r.signed_raw for r in listing.rows}
    assert {"06/09/2020", "June 9, 2020", "6/9/20", "Jun. 9, 2020"} <= raws
    assert None in raws
    assert all(not r.flags for r in listing.rows)


def test_rows_round_trip_through_dicts() -> None:
    listing = parse_case("may2024_curly", dict(VARIANTS)["may2024_curly"])
    for row in listing.rows:
        assert ListingRow.from_dict(json.loads(json.dumps(row.to_dict()))) == row


def test_case_pages_are_what_the_generator_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """make_pages.py is committed beside its output; the output must be current."""
    spec = importlib.util.spec_from_file_location("make_pages", CASES / "make_pages.py")
    assert spec and spec.loader
    make_pages = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_pages", make_pages)
    monkeypatch.setattr(sys, "path", list(sys.path))
    spec.loader.exec_module(make_pages)
    if not (make_pages.SEED_2024.is_file() and make_pages.SEED_2025.is_file()):
        pytest.skip("the seed texts are not beside the project")
    seeds = [p.read_text(encoding="utf-8") for p in (make_pages.SEED_2024, make_pages.SEED_2025)]
    cases = make_pages.build_cases(*seeds)
    assert len(cases) == len(list(CASES.glob("*.html")))
    for name, (data, expectation) in cases.items():
        assert case_bytes(name) == data, name
        expected_text = (CASES / f"{name}.json").read_text(encoding="utf-8")
        assert make_pages.expectation_text(expectation) == expected_text, name


# --------------------------------------------------------------------------- markup details


def test_header_may_sit_below_a_caption_row_and_repeat() -> None:
    rows = (
        "<tr><td>TEXAS</td><td>A County Sheriff's Office</td><td>Jail Enforcement Model</td>"
        "<td>2020-06-08</td><td><a href='/doclib/287gMOA/a.pdf'>link</a></td></tr>" + HEADER
    )
    listing = parse_legacy_page(page(rows, "<tr><td colspan=5>Participating</td></tr>" + HEADER))
    assert [r.agency for r in listing.rows] == ["A County Sheriff's Office"]


def test_blank_state_cells_carry_the_state_down() -> None:
    rows = (
        "<tr><td>TEXAS</td><td>A</td><td>JEM</td><td>2020-06-08</td><td></td></tr>"
        "<tr><td> </td><td>B</td><td>WSO</td><td>2020-06-08</td><td>pending</td></tr>"
    )
    a, b = parse_legacy_page(page(rows)).rows
    assert (b.state, b.state_raw, b.flags) == ("TX", "TEXAS", ("state_carried",))
    assert (b.moa_url, b.moa_text) == (None, "pending")
    assert a.moa_text is None


def test_rowspan_fills_its_slots_and_colspan_is_one_cell() -> None:
    """A rowspan is the cell's value in each row it covers (as a range merged down a
    column is in a sheet); a colspan is one cell merged across columns, a title's or a
    note's, not a value of each column (as a range merged across a sheet's columns)."""
    rows = (
        "<tr><td rowspan=3>Florida</td><td>A</td><td rowspan=2>Warrant Service Officer</td>"
        "<td>2019-10-15</td><td><a href='a.pdf'>link</a></td></tr>"
        "<tr><td>B</td><td>10/15/2019</td><td><a href='b.pdf'>link</a></td></tr>"
        "<tr><td>C</td><td>Jail Enforcement Model</td><td colspan=2>2020-01-01</td></tr>"
    )
    rows_out = parse_legacy_page(page(rows)).rows
    assert [(r.state, r.agency, r.model) for r in rows_out] == [
        ("FL", "A", "WSO"),
        ("FL", "B", "WSO"),
        ("FL", "C", "JEM"),
    ]
    assert rows_out[1].moa_url == "https://www.ice.gov/identify-and-arrest/b.pdf"
    assert rows_out[2].signed == date(2020, 1, 1) and rows_out[2].moa_text is None


def test_a_table_of_more_cells_than_a_sheet_may_hold_is_no_list_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A grid is bounded by the cell budget every format has (40,000 rows of one cell
    spanning 50 columns, 1.2 MB of HTML, took 17 s and 290 MB): a table past it is
    no list's, and a page holding only such a table holds no participating table.
    The slots a cell spans hold one copy of it, not one each."""
    import functools

    from selectolax.lexbor import LexborHTMLParser

    from parsers import html_table, legacy_html

    rows = "<tr><td>TEXAS</td><td>A</td><td>JEM</td><td colspan=3>2020-06-08</td></tr>"
    table = LexborHTMLParser(page(rows)).css_first("table")
    assert table is not None
    header, row = html_table.table_grid(table, max_cells=11)
    assert [cell.origin for cell in row] == [True, True, True, True, False, False]
    assert row[4] is row[5] and row[4].text == "2020-06-08"
    with pytest.raises(html_table.TableTooLarge, match="more than 10 cells"):
        html_table.table_grid(table, max_cells=10)
    small = functools.partial(html_table.table_grid, max_cells=10)
    monkeypatch.setattr(legacy_html, "table_grid", small)
    with pytest.raises(ParseError, match=re.escape(NO_TABLE)):
        parse_legacy_page(page(rows))


def test_unknown_values_are_flagged_not_dropped() -> None:
    rows = (
        "<tr><td>Atlantis</td><td>A</td><td>Something Else</td><td>soon</td>"
        '<td><a href="/doclib/a.pdf">MOA</a></td></tr>'
        "<tr><td>TX</td><td></td><td>JEM</td><td></td><td></td></tr>"
    )
    listing = parse_legacy_page(page(rows))
    (row,) = listing.rows
    assert row.state == "??" and row.model is None and row.signed is None  # as in a sheet
    assert row.flags == ("state_unknown", "model_unknown", "signed_unparsed")
    assert (row.state_raw, row.model_raw, row.signed_raw) == ("Atlantis", "Something Else", "soon")
    assert "row 3 skipped: no agency (TX | JEM)" in listing.warnings[1]


def test_a_row_naming_no_state_model_date_or_link_is_no_agreement() -> None:
    """A total or a note under the table (its state cell no state, nothing else an
    agreement has) is skipped, as in a spreadsheet."""
    rows = (
        "<tr><td>TX</td><td>Harris County Sheriff's Office</td><td>JEM</td>"
        "<td>2020-01-01</td><td></td></tr>"
        "<tr><td>Total</td><td>1 agreement</td><td></td><td></td><td></td></tr>"
    )
    listing = parse_legacy_page(page(rows))
    assert [row.agency for row in listing.rows] == ["Harris County Sheriff's Office"]
    assert listing.warnings[-1] == (
        "sheet 'table 1': row 3 skipped: no state, model, signed date or link, so no"
        " agreement (Total | 1 agreement)"
    )


def test_a_superscript_footnote_reference_is_not_part_of_a_cell() -> None:
    """``Office<sup>1</sup>``, ``PD<sup>*</sup>``, ``JEM<sup>(a)</sup>``: a reference to a
    note, dropped; an ordinal's ``<sup>st</sup>`` is part of the value, joined to it."""
    rows = (
        "<tr><td>TX</td><td>Harris County Sheriff's Office<sup>1</sup></td>"
        "<td>JEM<sup>(a)</sup></td><td>2020-01-02</td><td></td></tr>"
        "<tr><td>TX</td><td>Lubbock PD<sup>*</sup></td><td>TFM</td>"
        "<td>June 1<sup>st</sup> 2020</td><td></td></tr>"
    )
    first, second = parse_legacy_page(page(rows)).rows
    assert (first.agency, first.model) == ("Harris County Sheriff's Office", "JEM")
    assert (second.agency, second.signed) == ("Lubbock PD", date(2020, 6, 1))


def test_extra_spreadsheet_columns_are_mapped_by_name() -> None:
    header = (
        "<tr><th>State</th><th>Law Enforcement Agency</th><th>Type</th><th>County</th>"
        "<th>Support Type</th><th>Signed</th><th>MOA</th><th>Addendum</th><th>Notes</th></tr>"
    )
    rows = (
        "<tr><td>GA</td><td>Hall County Sheriff’s Office </td><td>county</td><td>Hall</td>"
        "<td>Task Force Model</td><td>2025-02-20</td><td><a href='m.pdf'>MOA</a></td>"
        "<td><a href='add.pdf'>2025 addendum</a></td><td><a href='x.pdf'>x</a></td></tr>"
    )
    listing = parse_legacy_page(page(rows, header), base_url="https://www.ice.gov/doclib/")
    (row,) = listing.rows
    assert listing.columns == (  # a schema is one whatever the list's format
        "STATE",
        "AGENCY",
        "TYPE",
        "COUNTY",
        "SUPPORT TYPE",
        "SIGNED",
        "MOA",
        "ADDENDUM",
        "NOTES",  # a column no rule knows is the list's, as in a sheet
    )
    assert (row.agency, row.agency_type, row.county, row.model) == (
        "Hall County Sheriff's Office",
        "County",
        "Hall",
        "TFM",
    )
    assert row.addendum_url == "https://www.ice.gov/doclib/add.pdf"
    assert row.addendum_text == "2025 addendum"


def test_addendum_link_inside_the_moa_cell_in_either_order() -> None:
    rows = (
        "<tr><td>TX</td><td>A</td><td>JEM</td><td>2020-06-08</td><td>"
        "<a href='/doclib/287gMOA/A_Addendum.pdf'>Addendum</a> "
        "<a href='/doclib/287gMOA/A.pdf'>link</a>"
        "</td></tr>"
    )
    (row,) = parse_legacy_page(page(rows)).rows
    assert row.moa_url == "https://www.ice.gov/doclib/287gMOA/A.pdf"
    assert row.addendum_url == "https://www.ice.gov/doclib/287gMOA/A_Addendum.pdf"


def test_nested_tables_and_several_tables() -> None:
    row = "<tr><td>TX</td><td>{}</td><td>JEM</td><td>2020-06-08</td><td></td></tr>"
    inner = f"<table>{HEADER}{row.format('A')}</table>"
    html = f"<table><tr><td>{inner}</td></tr></table><table>{HEADER}{row.format('B')}</table>"
    listing = parse_legacy_page(html.encode())
    assert [r.agency for r in listing.rows] == ["A", "B"]
    assert listing.row_numbers == (1, 1)  # each table's rows, as each sheet's
    assert "read as more of the list on sheet 'table 1'" in listing.warnings[0]


def test_full_width_note_rows_are_skipped() -> None:
    rows = (
        "<tr><td>TX</td><td>A</td><td>JEM</td><td>2020-06-08</td><td></td></tr>"
        "<tr><td colspan=5>* The addendum was signed in 2021.</td></tr>"
    )
    listing = parse_legacy_page(page(rows))
    assert [r.agency for r in listing.rows] == ["A"]
    assert listing.warnings == (
        "sheet 'table 1': row 3 skipped: no agency and no recognisable state"
        " (* The addendum was signed in 2021.)",
    )


def test_group_heading_rows_without_state_cells() -> None:
    rows = (
        "<tr><th colspan=5>North Carolina</th></tr>"
        "<tr><td>Nash County Sheriff's Office</td><td>Warrant Service Officer</td>"
        "<td>2020-01-29</td><td><a href='n.pdf'>link</a></td></tr>"
    )
    (row,) = parse_legacy_page(page(rows)).rows
    assert (row.state, row.state_raw, row.agency, row.signed) == (
        "NC",
        "North Carolina",
        "Nash County Sheriff's Office",
        date(2020, 1, 29),
    )


# --------------------------------------------------------------------------- the list's rules

LIST = (
    "<tr><td>TX</td><td>Harris County Sheriff's Office</td><td>JEM</td><td>2020-01-10</td>"
    "<td><a href='/doclib/287gMOA/harris.pdf'>MOA</a></td></tr>"
    "<tr><td>TX</td><td>Lubbock County Sheriff's Office</td><td>WSO</td><td>2020-02-11</td>"
    "<td><a href='/doclib/287gMOA/lubbock.pdf'>MOA</a></td></tr>"
    "<tr><td>FL</td><td>Baker County Sheriff's Office</td><td>WSO</td><td>2020-04-13</td>"
    "<td><a href='/doclib/287gMOA/baker.pdf'>MOA</a></td></tr>"
    "<tr><td>FL</td><td>Ocala Police Department</td><td>WSO</td><td>2020-05-14</td>"
    "<td><a href='/doclib/287gMOA/ocala.pdf'>MOA</a></td></tr>"
)
OTHER = (
    "<tr><td>GA</td><td>Cobb County Sheriff's Office</td><td>JEM</td><td>2024-06-15</td>"
    "<td></td></tr>"
)


def agreements(data: bytes) -> list[tuple[str, str, str | None]]:
    return [(r.state, r.agency, r.model) for r in parse_legacy_page(data).rows]


LISTED = [
    ("TX", "Harris County Sheriff's Office", "JEM"),
    ("TX", "Lubbock County Sheriff's Office", "WSO"),
    ("FL", "Baker County Sheriff's Office", "WSO"),
    ("FL", "Ocala Police Department", "WSO"),
]


@pytest.mark.parametrize(
    "body",
    [
        f"<h2>Participating</h2><table>{HEADER}{LIST}</table>"
        f"<h3>Pending Agencies</h3><table>{HEADER}{OTHER}</table>",
        f"<table>{HEADER}{LIST}</table><h2>Terminated Agreements</h2>"
        f"<table>{HEADER}{OTHER}</table>",
        f"<table>{HEADER}{LIST}</table><table><caption>Pending Applications</caption>"
        f"{HEADER}{OTHER}</table>",
        f"<table>{HEADER}{LIST}<tr><td colspan=5>Terminated Agreements</td></tr>{OTHER}</table>",
        f"<table>{HEADER}{LIST}<tr><td colspan=5>Pending Applications</td></tr>{OTHER}</table>",
    ],
    ids=["h3_pending", "h2_terminated", "caption_pending", "title_terminated", "title_pending"],
)
def test_a_table_or_section_titled_pending_or_terminated_lists_no_agreement(body: str) -> None:
    """A table headed (caption, or the heading before it) or a section titled (a row of
    the table) pending or terminated is not the list in force, as a sheet so named."""
    assert agreements(f"<html><body>{body}</body></html>".encode()) == LISTED


def test_a_list_split_across_tables_is_read_whole_whatever_each_adds_or_says_of_itself() -> None:
    """The list in two tables, one linking an addendum beside a MOA (read as an ADDENDUM
    column of that table alone), or one captioned by a sentence that says ``prior``:
    one list (a table was dropped as another list, or as an old copy; a backfill then
    refused every later page bringing its rows back as stale: helper 53)."""
    first, second = LIST.split("<tr><td>FL</td>", 1)
    added = first.replace(
        "<a href='/doclib/287gMOA/harris.pdf'>MOA</a>",
        "<a href='/doclib/287gMOA/harris.pdf'>MOA</a> | "
        "<a href='/doclib/287gMOA/harris_add.pdf'>Addendum</a>",
    )
    rest = "<tr><td>FL</td>" + second
    split = f"<table>{HEADER}{added}</table><table>{HEADER}{rest}</table>"
    assert agreements(f"<html><body>{split}</body></html>".encode()) == LISTED
    sentence = (
        "<caption>The following agencies have entered into 287(g) agreements with ICE; "
        "agreements signed prior to 2019 are not shown</caption>"
    )
    captioned = f"<table>{HEADER}{first}</table><table>{sentence}{HEADER}{rest}</table>"
    assert agreements(f"<html><body>{captioned}</body></html>".encode()) == LISTED


@pytest.mark.parametrize(
    "note",
    [
        "<tr><td></td><td>Total agreements: 2</td><td></td><td></td><td></td></tr>",
        "<tr><td></td><td>Last updated</td><td></td><td>05/15/2024</td><td></td></tr>",
        "<tfoot><tr><td></td><td colspan=4>Source: ICE ERO</td></tr></tfoot>",
    ],
    ids=["total", "last_updated", "tfoot_note"],
)
def test_a_note_total_or_last_updated_row_under_a_state_is_no_agreement(note: str) -> None:
    """The state above carries down to a row leaving it blank; a row naming no model,
    date or link, or no public body, is still no agreement."""
    listing = parse_legacy_page(page(LIST + note))
    assert [(r.state, r.agency, r.model) for r in listing.rows] == LISTED
    assert "row 6 skipped" in listing.warnings[-1]


ENDED = "<tr><td>TX</td><td>Cobb County Sheriff's Office</td><td>{}</td><td>2020-01-10</td>"


@pytest.mark.parametrize(
    ("header", "row"),
    [
        (
            HEADER[:-5] + "<th>STATUS</th></tr>",
            ENDED.format("JEM") + "<td></td><td>Terminated</td>",
        ),
        (
            HEADER[:-5] + "<th>DATE TERMINATED</th></tr>",
            ENDED.format("JEM") + "<td></td><td>08/01/2024</td>",
        ),
        (HEADER, ENDED.format("JEM (terminated)") + "<td></td>"),
        (HEADER, ENDED.format("JEM").replace("Office", "Office - TERMINATED") + "<td></td>"),
    ],
    ids=["status", "date_terminated", "model_cell", "agency_name"],
)
def test_a_row_saying_its_agreement_ended_lists_none(header: str, row: str) -> None:
    listing = parse_legacy_page(page(LIST + row + "</tr>", header))
    assert [(r.state, r.agency, r.model) for r in listing.rows] == LISTED
    assert "row 6 skipped" in listing.warnings[0]


def test_a_row_naming_two_models_lists_one_agreement_of_each() -> None:
    row = LIST.replace("<td>JEM</td>", "<td>JEM / WSO</td>")
    listing = parse_legacy_page(page(row))
    assert [(r.agency, r.model) for r in listing.rows] == [
        ("Harris County Sheriff's Office", "JEM"),
        ("Harris County Sheriff's Office", "WSO"),
        ("Lubbock County Sheriff's Office", "WSO"),
        ("Baker County Sheriff's Office", "WSO"),
        ("Ocala Police Department", "WSO"),
    ]
    assert listing.rows[1].moa_url == "https://www.ice.gov/doclib/287gMOA/harris.pdf"
    assert "models_joined" in listing.rows[1].flags


def test_a_row_leaving_its_agency_blank_continues_the_agency_above() -> None:
    more = "<tr><td></td><td></td><td>WSO</td><td>2021-02-03</td><td></td></tr>"
    first = LIST[: LIST.index("<tr>", 1)]
    listing = parse_legacy_page(page(first + more + LIST[len(first) :]))
    assert [(r.state, r.agency, r.model, r.signed) for r in listing.rows[:2]] == [
        ("TX", "Harris County Sheriff's Office", "JEM", date(2020, 1, 10)),
        ("TX", "Harris County Sheriff's Office", "WSO", date(2021, 2, 3)),
    ]
    assert len(listing.rows) == 5


def test_a_header_over_two_rows_keeps_every_signed_date_and_link() -> None:
    """``MOA`` spanning ``Date Signed | Link``, the other names spanning both rows."""
    header = (
        "<tr><th rowspan=2>STATE</th><th rowspan=2>LAW ENFORCEMENT AGENCY</th>"
        "<th rowspan=2>SUPPORT TYPE</th><th colspan=2>MOA</th></tr>"
        "<tr><th>Date Signed</th><th>Link</th></tr>"
    )
    rows = parse_legacy_page(page(LIST, header)).rows
    assert [(r.agency, r.signed, r.moa_url) for r in rows[::2]] == [
        (
            "Harris County Sheriff's Office",
            date(2020, 1, 10),
            "https://www.ice.gov/doclib/287gMOA/harris.pdf",
        ),
        (
            "Baker County Sheriff's Office",
            date(2020, 4, 13),
            "https://www.ice.gov/doclib/287gMOA/baker.pdf",
        ),
    ]


# --------------------------------------------------------------------------- what heads a table

BARE = "<tr><th>AGENCY</th><th>SUPPORT TYPE</th><th>SIGNED</th><th>MOA</th></tr>"
NO_MODEL = "<tr><th>STATE</th><th>AGENCY</th><th>SIGNED</th><th>MOA</th></tr>"
AGENCY_ONLY = "<tr><th>AGENCY</th><th>SIGNED</th><th>MOA</th></tr>"


def bare(agency: str, model: str = "JEM", state: str = "") -> str:
    """An agreement's row of a table without its STATE (or, with ``state``, its model)
    column."""
    first = f"<td>{state}</td><td>{agency}</td>" if state else f"<td>{agency}</td>"
    said = "" if state or not model else f"<td>{model}</td>"
    link = "<a href='/doclib/287gMOA/x.pdf'>MOA</a>"
    return f"<tr>{first}{said}<td>2020-01-10</td><td>{link}</td></tr>"


def body(html: str) -> bytes:
    return f"<html><body>{html}</body></html>".encode()


@pytest.mark.parametrize(
    ("html", "listed"),
    [
        (
            f"<h2>Participating Agencies</h2><h3>Texas</h3><table>{BARE}{bare('Harris')}</table>"
            f"<h3>Florida</h3><table>{BARE}{bare('Baker', 'WSO')}</table>",
            [("TX", "Harris", "JEM"), ("FL", "Baker", "WSO")],
        ),
        (
            f"<table><caption>Texas</caption>{BARE}{bare('Harris')}</table>"
            f"<table><tr><th colspan=4>Florida</th></tr>{BARE}{bare('Baker', 'WSO')}</table>",
            [("TX", "Harris", "JEM"), ("FL", "Baker", "WSO")],
        ),
        (  # a lower heading keeps the state; one of its level or higher ends it
            f"<h3>Texas</h3><h4>Counties</h4><table>{BARE}{bare('Harris')}</table>"
            f"<h2>Other programs</h2><table>{BARE}{bare('Somewhere')}</table>",
            [("TX", "Harris", "JEM")],
        ),
        (  # the state and the model, each by a heading
            f"<h2>Texas</h2><h3>Jail Enforcement Model</h3><table>{AGENCY_ONLY}"
            f"{bare('Harris', '')}</table><h3>Warrant Service Officer</h3>"
            f"<table>{AGENCY_ONLY}{bare('Lubbock', '')}</table>",
            [("TX", "Harris", "JEM"), ("TX", "Lubbock", "WSO")],
        ),
    ],
    ids=["h3_per_state", "caption_or_title_row", "heading_scope", "state_then_model"],
)
def test_a_heading_naming_one_state_gives_its_tables_rows_their_state(
    html: str, listed: list[tuple[str, str, str]]
) -> None:
    """A table of one state's agencies, without a STATE column, under a heading (or a
    caption, or a title row) naming the state: its rows are in it, until the next
    heading of that level or higher (as a sheet named for one state)."""
    listing = parse_legacy_page(body(html))
    assert [(r.state, r.agency, r.model) for r in listing.rows] == listed
    assert "no STATE column: every row's is" in listing.warnings[0]


def test_a_state_heading_gives_no_state_to_a_note_row_of_its_table() -> None:
    notes = (
        "<tr><td colspan=4>* The addendum was signed in 2021.</td></tr>"
        "<tr><td>Total: 1</td><td></td><td></td><td></td></tr>"
    )
    listing = parse_legacy_page(body(f"<h3>Texas</h3><table>{BARE}{bare('Harris')}{notes}</table>"))
    assert [(r.state, r.agency) for r in listing.rows] == [("TX", "Harris")]
    assert listing.row_numbers == (1,)


TABS = (
    "<ul class='nav nav-tabs'><li><a href='#jem'>Jail Enforcement Model</a></li>"
    "<li><a href='#wso'>Warrant Service Officer</a></li></ul>"
)
BUTTONS = (
    "<div role=tablist><button role=tab aria-controls=jem>Jail Enforcement Model</button>"
    "<button role=tab aria-controls=wso>Warrant Service Officer</button></div>"
)


@pytest.mark.parametrize("tabs", [TABS, BUTTONS], ids=["tab_links", "tab_buttons"])
def test_a_tabs_label_heads_its_panel(tabs: str) -> None:
    """Each model's table in a tab panel, without a model column: the tab's label heads
    its panel as a heading does; a heading in one panel heads nothing in the next."""
    html = (
        f"{tabs}<div id=jem><h3>Texas</h3><table>{AGENCY_ONLY}{bare('Harris', '')}</table></div>"
        f"<div id=wso><table>{NO_MODEL}{bare('Baker', state='FL')}</table>"
        f"<table>{AGENCY_ONLY}{bare('Nowhere', '')}</table></div>"
    )
    listing = parse_legacy_page(body(html))
    assert [(r.state, r.agency, r.model) for r in listing.rows] == [
        ("TX", "Harris", "JEM"),
        ("FL", "Baker", "WSO"),
    ]


def test_a_tab_naming_another_list_heads_every_table_of_its_panel() -> None:
    """A ``Pending Agencies`` tab over per-state tables: none is the list in force,
    whatever state heads each (a heading saying its rows are applications names its
    section's tables)."""
    pending = "<tr><td>Cobb</td><td>JEM</td><td>2024-06-15</td><td></td></tr>"
    html = (
        "<ul role=tablist><li><a href='#in'>Participating Agencies</a></li>"
        "<li><a href='#pending'>Pending Agencies</a></li></ul>"
        f"<div id=in><h3>Texas</h3><table>{BARE}{bare('Harris')}</table></div>"
        f"<div id=pending><h3>Georgia</h3><table>{BARE}{pending}</table></div>"
    )
    assert agreements(body(html)) == [("TX", "Harris", "JEM")]


CONTACTS = (
    "<h2>Points of contact</h2><table><tr><th>STATE</th><th>AGENCY</th><th>SUPPORT TYPE</th>"
    "<th>SIGNING OFFICIAL</th><th>PHONE</th><th>EMAIL</th></tr>"
    "<tr><td>TX</td><td>Harris County Sheriff's Office</td><td>JEM</td><td>Sheriff Ed Gonzalez"
    "</td><td>555-1234</td><td><a href='mailto:a@b.gov'>a@b.gov</a></td></tr></table>"
)


def test_a_directory_of_agencies_is_no_list() -> None:
    """A table of whom to call at each agency (a contact, phone or email column) showing
    no agreement signed (no date, no MOA link) is no list: neither the page's list nor
    its other list, though its header reads as one (``Signing Official``: SIGNED)."""
    listing = parse_legacy_page(body(f"<table>{HEADER}{LIST}</table>{CONTACTS}"))
    assert [(r.state, r.agency, r.model) for r in listing.rows] == LISTED
    assert listing.other is None
    assert listing.warnings == ()
    with pytest.raises(ParseError, match="no 287\\(g\\) participating table"):
        parse_legacy_page(body(CONTACTS))


def test_a_list_giving_contacts_is_still_the_list() -> None:
    header = HEADER[:-5] + "<th>PHONE</th></tr>"
    rows = LIST.replace("</td></tr>", "</td><td>555-1234</td></tr>")
    assert agreements(page(rows, header)) == LISTED


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("STATE", "state"),
        ("Law Enforcement<br>Agency", "agency"),
        ("SUPPORT  TYPE", "model"),
        ("Date Signed", "signed"),
        ("MOA Link", "moa"),
        ("Addendum(s)", "addendum"),
        ("Agency Type", "agency_type"),
        ("State or Territory", "state"),  # read by its words, as a spreadsheet's header
        ("MOA Signed Date", "signed"),
        ("Statement", None),
        ("Remarks", None),
        ("", None),
    ],
)
def test_column_names(text: str, name: str | None) -> None:
    assert column_name(text) == name


# --------------------------------------------------------------------------- bytes and links


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty document"),
        (b"PK\x03\x04rest", "zip archive"),
        (b"%PDF-1.5", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2"),
        (b"just some words", "no markup"),
        (bytes(range(256)) * 4, "binary"),
        (b"<html><body><p>No table here</p></body></html>", NO_TABLE),
        (page("", "<tr><th>STATE</th><th>AGENCY</th></tr>"), NO_TABLE),
    ],
)
def test_bad_input_raises_parse_error(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_legacy_page(data, "input.html")
    assert reason in caught.value.reason


def test_decoding_follows_bom_meta_and_falls_back_to_cp1252() -> None:
    assert "Sheriff\u2019s" in decode_html(b"<p>Sheriff\x92s</p>")
    latin = b'<meta charset="iso-8859-1"><p>Pe\xf1a</p>'
    assert "Pe\u00f1a" in decode_html(latin)
    assert "Pe\u00f1a" in decode_html("\ufeff<p>Pe\u00f1a</p>".encode("utf-16"))
    assert "Pe\u00f1a" in decode_html('<meta charset="bogus"><p>Pe\u00f1a</p>'.encode())


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/doclib/287gMOA/a.pdf", "https://www.ice.gov/doclib/287gMOA/a.pdf"),
        ("../doclib/a.pdf", "https://www.ice.gov/doclib/a.pdf"),
        ("a.pdf", "https://www.ice.gov/identify-and-arrest/a.pdf"),
        ("HTTPS://WWW.ICE.GOV/Doclib/A.pdf#page=2", "https://www.ice.gov/Doclib/A.pdf"),
        (" /a b.xlsx\n", "https://www.ice.gov/a%20b.xlsx"),
        ("/a%20b.xlsx", "https://www.ice.gov/a%20b.xlsx"),
        ("/100%.pdf", "https://www.ice.gov/100%25.pdf"),
        ("/pe\u00f1a.pdf", "https://www.ice.gov/pe%C3%B1a.pdf"),
        ("/x.xlsx?v=1 2", "https://www.ice.gov/x.xlsx?v=1%202"),
        ("//www.ice.gov/x.pdf", "https://www.ice.gov/x.pdf"),
        ("mailto:ERO287g@ice.dhs.gov", None),
        ("javascript:void(0)", None),
        ("#main", None),
        ("", None),
        ("http://[::1", None),
        ("ftp://example.com/a.pdf", None),
    ],
)
def test_absolute_url(href: str, expected: str | None) -> None:
    assert absolute_url(href, DEFAULT_BASE_URL) == expected


def test_wayback_links_are_unwrapped() -> None:
    capture = (
        "https://web.archive.org/web/20240515101010/https://www.ice.gov/identify-and-arrest/287g"
    )
    ice = "https://www.ice.gov/doclib/287gMOA/a%20b.pdf"
    assert original_url("https://web.archive.org/web/2024id_/http:/www.ice.gov/a.pdf") == (
        "http://www.ice.gov/a.pdf"
    )
    assert original_url("https://example.org/web/1/x") == "https://example.org/web/1/x"
    assert (
        resolve_link("/web/20240515101010/https://www.ice.gov/doclib/287gMOA/a b.pdf", capture)
        == ice
    )
    assert resolve_link("/doclib/287gMOA/a b.pdf", capture) == ice
    assert resolve_link("https://web.archive.org/web/1/www.ice.gov/x.pdf", DEFAULT_BASE_URL) == (
        "http://www.ice.gov/x.pdf"
    )


# --------------------------------------------------------------------------- hypothesis

WORDS = (
    "STATE",
    "LAW ENFORCEMENT AGENCY",
    "SUPPORT TYPE",
    "SIGNED",
    "MOA",
    "ADDENDUM",
    "TEXAS",
    "Florida",
    "Harris County Sheriff\u2019s Office",
    "Jail Enforcement Model",
    "Warrant Service Officer",
    "2020-06-09",
    "6/9/20",
    "June 9, 2020",
    "link",
    "addendum",
    "MOA Name",
    "Meeting Date",
    "Location",
    "Virtual",
    "444 Memorandums of Agreement (MOAs) in 38 states",
    "86 Jail Enforcement Model",
    "66 pending",
    "As of April 4, 2025",
    "Access Denied",
    "&nbsp;",
    "&#0;",
    "&#xD800;",
    "<",
)
TAGS = (
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "a",
    "div",
    "span",
    "p",
    "strong",
    "title",
    "script",
)
HREFS = (
    "/doclib/287gMOA/x.pdf",
    "https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies05182026am.xlsx",
    "pendingAgencies 12.15.07 AM.xlsx",
    "%zz%2",
    "http://[::1",
    "javascript:alert(1)",
    "/web/20240101000000/https://www.ice.gov/a b.pdf",
    "https://web.archive.org/web/1/web.archive.org/web/2/x.xlsx",
    "//",
    "\ud7ff",
)
SPANS = ("0", "1", "2", "-1", "999999999", "abc", " 2 ", "")

_text = st.one_of(st.sampled_from(WORDS), st.text(max_size=20))
_attribute = st.one_of(
    st.tuples(st.just("href"), st.one_of(st.sampled_from(HREFS), st.text(max_size=30))),
    st.tuples(st.sampled_from(("rowspan", "colspan")), st.sampled_from(SPANS)),
)


def _render(tag: str, attrs: list[tuple[str, str]], inner: list[str], close: bool) -> str:
    rendered = "".join(f' {k}="{v}"' for k, v in attrs)
    return f"<{tag}{rendered}>{''.join(inner)}" + (f"</{tag}>" if close else "")


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    tags = st.sampled_from(TAGS)
    return st.builds(
        _render,
        tags,
        st.lists(_attribute, max_size=3),
        st.lists(children, max_size=6),
        st.booleans(),
    )


html_fragments = st.recursive(_text, _element, max_leaves=50)
html_bytes = st.one_of(
    html_fragments.map(
        lambda doc: f"<html><body>{doc}</body></html>".encode("utf-8", "surrogatepass")
    ),
    html_fragments.map(lambda doc: doc.encode("utf-16", "surrogatepass")),
    st.binary(max_size=400),
    st.binary(max_size=200).map(lambda junk: b"<table><tr><td>" + junk),
)
edits = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=100_000),
        st.integers(min_value=0, max_value=5_000),
        st.one_of(
            st.binary(max_size=20),
            st.sampled_from((b"</table>", b"<tr>", b"<td rowspan=0>", b"\x00")),
        ),
    ),
    min_size=1,
    max_size=6,
)


def mutate(data: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    """Apply (position, length, insertion) edits: truncations, deletions, junk."""
    for position, length, insertion in cuts:
        at = position % (len(data) + 1)
        data = data[:at] + insertion + data[at + length :]
    return data


def parses_or_parse_error(data: bytes) -> None:
    try:
        listing = parse_legacy_page(data, "fuzz")
    except ParseError as exc:
        assert exc.source == "fuzz" and exc.reason
        return
    assert isinstance(listing, ParsedListing) and listing.kind == "participating"
    assert len(listing.row_numbers) == len(listing.rows) and all(n > 0 for n in listing.row_numbers)
    for row in listing.rows:
        assert isinstance(row, ListingRow)
        assert row.moa_url is None or row.moa_url.startswith(("http://", "https://"))


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(html_bytes)
def test_random_html_raises_only_parse_error(data: bytes) -> None:
    parses_or_parse_error(data)


@FUZZ
@given(st.binary(max_size=2_000))
def test_random_bytes_raise_only_parse_error(data: bytes) -> None:
    parses_or_parse_error(data)


@FUZZ
@given(st.sampled_from([n for n, _ in VARIANTS]), edits)
def test_mutated_pages_raise_only_parse_error(
    name: str, cuts: list[tuple[int, int, bytes]]
) -> None:
    parses_or_parse_error(mutate(case_bytes(name), cuts))


@pytest.mark.parametrize(
    "rows",
    [
        "<tr><td colspan=3>Florida</td></tr>" + bare("Collier County Sheriff's Office", ""),
        bare("Collier County Sheriff's Office, FL", ""),
    ],
    ids=["state_row", "state_set_off"],
)
def test_a_table_whose_rows_say_their_own_states_takes_none_from_a_heading(rows: str) -> None:
    """A heading's state is a default for rows that say none: under ``<h2>Texas</h2>``,
    a table grouping its rows under ``Florida``, or naming ``..., FL``, was read as
    Texas's (helper 69); its rows say their states, which no STATE column reads: no
    table found, loudly, as before the heading rule."""
    html = f"<h2>Texas</h2><h3>Jail Enforcement Model</h3><table>{AGENCY_ONLY}{rows}</table>"
    with pytest.raises(ParseError, match=re.escape(NO_TABLE)):
        parse_legacy_page(body(html))
