"""A row whose cells sit one column off its header (a cell deleted or inserted by hand,
the cells after it shifted) is read put back, on small hand-made sheets
(``parsers/row_alignment.py``)."""

from __future__ import annotations

from datetime import date

from parsers.xlsx_listing import parse_listing_xlsx
from tests.test_xlsx_listing import HEADER, _xlsx

URL = "https://www.ice.gov/doclib/287gMOA/x.pdf"
GOOD = ["TEXAS", "Harris County Sheriff's Office", "County", "Harris County", "JEM",
        date(2025, 3, 1), "link"]  # fmt: skip


def test_a_row_that_lost_its_type_cell_is_read_put_back_with_its_link_and_a_note() -> None:
    lost = ["TEXAS", "Lee County Sheriff's Office", "Lee County", "TFM", date(2025, 4, 2), "link"]
    listing = parse_listing_xlsx(_xlsx([HEADER, GOOD, lost], links={"F3": URL, "G2": URL}))
    row = listing.rows[1]
    assert (row.model, row.signed, row.county, row.agency_type, row.moa_url) == (
        "TFM", date(2025, 4, 2), "Lee County", None, URL
    )  # fmt: skip
    assert (
        "sheet 'S': row 3: its cells from column C on sit one column to the left of their "
        "header (a cell lost): read put back"
    ) in listing.warnings


def test_a_row_with_a_cell_inserted_after_its_agency_is_read_put_back() -> None:
    added = ["TEXAS", "Lee County Sheriff's Office", "x", "County", "Lee County", "WSO",
             date(2025, 4, 2), URL]  # fmt: skip
    listing = parse_listing_xlsx(_xlsx([HEADER, GOOD, added]))
    row = listing.rows[1]
    assert (row.agency_type, row.county, row.model, row.signed, row.moa_url) == (
        "County", "Lee County", "WSO", date(2025, 4, 2), URL
    )  # fmt: skip
    assert any("to the right of their header (a cell added)" in w for w in listing.warnings)


def test_a_row_missing_only_its_model_or_only_its_date_is_read_as_it_is() -> None:
    no_model = ["TEXAS", "Lee County Sheriff's Office", "County", "Lee County", None,
                date(2025, 4, 2), "link"]  # fmt: skip
    no_date = ["TEXAS", "Bee County Sheriff's Office", "County", "Bee County", "TFM", None, "link"]
    listing = parse_listing_xlsx(_xlsx([HEADER, GOOD, no_model, no_date]))
    assert [(r.model, r.signed) for r in listing.rows[1:]] == [
        (None, date(2025, 4, 2)), ("TFM", None)
    ]  # fmt: skip
    assert not any("put back" in warning for warning in listing.warnings)


def test_a_row_that_lost_its_county_cell_keeps_its_type() -> None:
    """Put back from the column where its type still reads as a type, not before it."""
    lost = ["TEXAS", "Lee County Sheriff's Office", "County", "TFM", date(2025, 4, 2), URL]
    listing = parse_listing_xlsx(_xlsx([HEADER, GOOD, lost]))
    row = listing.rows[1]
    assert (row.agency_type, row.county, row.model, row.signed, row.moa_url) == (
        "County", None, "TFM", date(2025, 4, 2), URL
    )  # fmt: skip
    assert any("from column D on sit one column to the left" in w for w in listing.warnings)


def test_a_pending_list_without_signings_is_never_put_back() -> None:
    header = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE"]
    rows = [header, ["TEXAS", "Lee County SO", "County", "Lee County", "TFM"],
            ["TEXAS", "Bee County SO", "Bee County", "TFM"]]  # fmt: skip
    listing = parse_listing_xlsx(_xlsx(rows))
    assert listing.kind == "pending"
    assert [r.model for r in listing.rows] == ["TFM", None]
