"""A column that holds no value in any row of a list (ten rows or more) publishes
nothing: the list does not have it, and the known values stand. Small hand-made sheets,
through the real parser and engine."""

from __future__ import annotations

from collections import Counter
from datetime import date

from diffs.gate import Rules
from parsers.empty_columns import MIN_ROWS, published_columns
from parsers.records import ListingRow
from parsers.xlsx_listing import parse_listing_xlsx
from tests.test_engine import Replay
from tests.test_xlsx_listing import HEADER, _xlsx


def _sheet(
    county: bool = True,
    types: bool = True,
    signed: bool = True,
    agencies: int = MIN_ROWS,
    moa: str = "link",
    linked: bool = True,
) -> bytes:
    rows: list[list[object]] = [HEADER]
    for n, name in enumerate(f"Town {n} Police Department" for n in range(agencies)):
        rows.append(
            [
                "TEXAS",
                name,
                "Municipality" if types else None,
                f"County {n}" if county else None,
                "Task Force Model",
                date(2025, 2, n + 1) if signed else None,
                moa,
            ]
        )
    links = {
        f"G{n + 2}": f"https://www.ice.gov/doclib/287gMOA/town{n}.pdf" for n in range(MIN_ROWS)
    }
    if not linked:
        links = {}
    return _xlsx(rows, links)


def test_a_column_empty_in_every_row_is_read_as_absent_with_a_note() -> None:
    listing = parse_listing_xlsx(_sheet(county=False))
    assert "COUNTY" not in listing.columns and "TYPE" in listing.columns
    note = (
        "sheet 'S': column 'COUNTY' holds no value in any row: read as a column the list "
        "does not have"
    )
    assert note in listing.warnings


def test_a_few_rows_all_blank_in_a_column_keep_it() -> None:
    rows = [
        ListingRow(state="TX", agency=f"A{n}", agency_key=f"a{n}", model="JEM") for n in range(3)
    ]
    columns = ("STATE", "AGENCY", "COUNTY", "SUPPORT TYPE")
    assert published_columns(columns, rows) == (columns, [])


def test_a_column_emptied_for_weeks_is_one_schema_change_not_every_value_blanked() -> None:
    r = Replay(Rules(withdraw_after_snapshots=2, withdraw_after_days=3))
    r.feed(parse_listing_xlsx(_sheet()))
    first = len(r.events)
    for _ in range(12):  # empty for longer than a blank is held
        r.feed(parse_listing_xlsx(_sheet(county=False, types=False, signed=False)))
    for _ in range(2):  # back, one agency more, still a day later
        r.feed(parse_listing_xlsx(_sheet(agencies=MIN_ROWS + 1)))
    kinds = Counter(e.kind for e in r.events[first:])
    assert kinds == {"source.schema_changed": 2, "agreement.added": 1, "agency.joined": 1}
    entries = r.state.participating.entries.values()
    assert all(e.fields["county"] and e.fields["signed"] for e in entries)


def test_a_moa_column_saying_pending_in_every_row_publishes_no_document() -> None:
    """Every MOA cell saying ``link pending``, no link anywhere: the list stopped linking
    its documents, one ``source.schema_changed``, the known links stand (before: every
    agreement's link removed, 736 ``agreement.changed`` of the 29 August list once it
    persisted). A cell saying ``link`` whose hyperlink a copy lost still says there is
    one: the column stays."""
    pending = parse_listing_xlsx(_sheet(moa="link pending", linked=False))
    assert "MOA" not in pending.columns
    stripped = parse_listing_xlsx(_sheet(linked=False))
    assert "MOA" in stripped.columns
    r = Replay(Rules(withdraw_after_snapshots=2, withdraw_after_days=3))
    r.feed(parse_listing_xlsx(_sheet()))
    first = len(r.events)
    for _ in range(12):
        r.feed(parse_listing_xlsx(_sheet(moa="link pending", linked=False)))
    assert Counter(e.kind for e in r.events[first:]) == {"source.schema_changed": 1}
    assert all(e.fields["moa_url"] for e in r.state.participating.entries.values())


def test_an_addendum_column_saying_pending_in_every_row_publishes_no_document() -> None:
    """As the MOA column: an ADDENDUM column whose every cell says its document is
    pending, no link anywhere, is a column the list does not have; one saying ``link``
    (a copy that lost its hyperlinks) still says there is one."""
    columns = ("STATE", "AGENCY", "SUPPORT TYPE", "ADDENDUM")

    def rows(text: str) -> list[ListingRow]:
        return [
            ListingRow(
                state="TX", agency=f"A{n}", agency_key=f"a{n}", model="JEM", addendum_text=text
            )
            for n in range(MIN_ROWS)
        ]

    assert "ADDENDUM" not in published_columns(columns, rows("Link Pending"))[0]
    assert "ADDENDUM" in published_columns(columns, rows("link"))[0]
