"""A link that many agencies' rows give as their MOA is no agreement's document (a page
or a placeholder in the links' place): read as the link lost, so the agreements keep
their known documents. Small hand-made sheets, through the real parser and engine."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from diffs.gate import Rules
from parsers.records import ListingRow
from parsers.shared_links import unshared
from parsers.xlsx_listing import parse_listing_xlsx
from tests.test_engine import Replay
from tests.test_xlsx_listing import HEADER, _xlsx

PAGE = "https://www.ice.gov/identify-and-arrest/287g"
AGENCIES = ["Harris County Sheriff's Office", "Lubbock Police Department", "Waco Police Department"]


def _moa(agency: str) -> str:
    return f"https://www.ice.gov/doclib/287gMOA/{agency.split()[0]}TX_JEM_MOA.pdf"


def _sheet(links: list[str], agencies: list[str] = AGENCIES) -> bytes:
    rows = [HEADER]
    rows += [
        ["TEXAS", name, "County", "", "Jail Enforcement Model", date(2025, 2, 3), "link"]
        for name in agencies
    ]
    return _xlsx(rows, {f"G{i + 2}": url for i, url in enumerate(links)})


def _row(agency: str, moa: str | None) -> ListingRow:
    return ListingRow(
        state="TX", agency=agency, agency_key=agency.lower(), model="JEM", moa_url=moa
    )


def test_one_address_linked_by_three_agencies_rows_is_read_as_no_link_with_a_note() -> None:
    listing = parse_listing_xlsx(_sheet([PAGE] * 3))
    assert [row.moa_url for row in listing.rows] == [None, None, None]
    assert all("link_shared" in row.flags for row in listing.rows)
    note = (
        f"sheet 'S': 3 agencies' rows link one address as their MOA or addendum ({PAGE}): "
        "no agreement's own document, read as no link"
    )
    assert note in listing.warnings


def test_a_link_two_agencies_share_or_one_agency_repeats_is_kept() -> None:
    """Two agencies: one may be the document's agency and the other a slip; one agency's
    rows (two models, one MOA) are its own document."""
    slip = [_row("A", "https://m.test/a.pdf"), _row("B", "https://m.test/a.pdf")]
    assert unshared(slip) == (slip, [])
    own = [_row("A", "https://m.test/a.pdf")] * 3
    assert unshared(own) == (own, [])


def test_every_link_replaced_by_one_page_and_restored_records_nothing() -> None:
    r = Replay(Rules(withdraw_after_snapshots=2, withdraw_after_days=3))
    r.feed(parse_listing_xlsx(_sheet([_moa(a) for a in AGENCIES])))
    first = len(r.events)
    for _ in range(12):  # the placeholder for longer than a withdrawal takes
        r.feed(parse_listing_xlsx(_sheet([PAGE] * 3)))
    r.feed(parse_listing_xlsx(_sheet([_moa(a) for a in AGENCIES])))
    assert r.events[first:] == []
    entries = r.state.participating.entries.values()
    assert sorted(e.fields["moa_url"] for e in entries) == sorted(_moa(a) for a in AGENCIES)


def test_an_agreement_added_under_a_placeholder_gets_its_moa_when_the_links_return() -> None:
    r = Replay(Rules(withdraw_after_snapshots=2, withdraw_after_days=3))
    r.feed(parse_listing_xlsx(_sheet([_moa(a) for a in AGENCIES])))
    first = len(r.events)
    newcomer = [*AGENCIES, "Tyler Police Department"]
    r.feed(parse_listing_xlsx(_sheet([PAGE] * 4, newcomer)))
    r.feed(parse_listing_xlsx(_sheet([_moa(a) for a in newcomer], newcomer)))
    kinds = [(e.kind, e.agency) for e in r.events[first:]]
    assert kinds == [
        ("agreement.added", "Tyler Police Department"),
        ("agency.joined", "Tyler Police Department"),
        ("moa.published", "Tyler Police Department"),
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("ABCDE"), st.sampled_from([None, "u1", "u2", "u3"])),
        max_size=12,
    )
)
def test_links_are_only_ever_dropped_and_none_left_shared_by_three_agencies(
    specs: list[tuple[str, str | None]],
) -> None:
    rows = [_row(agency, url) for agency, url in specs]
    kept, _ = unshared(rows)
    assert [r.agency for r in kept] == [r.agency for r in rows]
    assert all(k.moa_url in (r.moa_url, None) for k, r in zip(kept, rows, strict=True))
    owners: dict[str, set[str]] = {}
    for row in kept:
        if row.moa_url:
            owners.setdefault(row.moa_url, set()).add(row.agency)
    assert all(len(agencies) < 3 for agencies in owners.values())
