"""No date from a guess: signature dates the document itself makes impossible are not
believed (parsers.moa.plausible), on hand-made blocks and tiny generated PDFs."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.moa import SignatureBlock, parse_moa
from parsers.moa.plausible import LEA_AFTER_ICE_DAYS, doubt_dates, earliest_possible
from tests.test_moa_parser import Placed, make_pdf, moa_pages

REVISED = (date(2025, 1, 9), "the template's revision")


def ice(day: date, raw: str = "raw") -> SignatureBlock:
    return SignatureBlock("ice", "Todd M. Lyons", "Acting Director", day, raw, True)


def lea(day: date, raw: str = "raw") -> SignatureBlock:
    return SignatureBlock("agency", "Jane Q. Public", "Sheriff", day, raw)


def test_a_date_before_the_template_was_revised_is_left_empty_and_kept_raw() -> None:
    (sig,) = doubt_dates([ice(date(2025, 1, 8), "1/8/2025")], REVISED, None)
    assert sig.date is None and sig.date_raw == "1/8/2025" and not sig.date_ocr
    assert sig.doubt == (
        "ice date 2025-01-08 read from '1/8/2025' is before the template's revision (2025-01-09)"
    )


def test_a_date_on_or_after_the_revision_and_before_capture_is_believed() -> None:
    sigs = [lea(date(2025, 1, 9)), ice(date(2025, 4, 8))]
    assert doubt_dates(sigs, REVISED, date(2025, 4, 8)) == tuple(sigs)


def test_a_date_after_the_document_was_observed_is_left_empty() -> None:
    (sig,) = doubt_dates([ice(date(2025, 8, 4))], REVISED, date(2025, 5, 1))
    assert sig.date is None and "after the document was observed (2025-05-01)" in (sig.doubt or "")


def test_an_agency_date_long_after_ice_countersigned_is_left_empty() -> None:
    late = date(2025, 3, 1).toordinal() + LEA_AFTER_ICE_DAYS + 1
    sigs = doubt_dates([lea(date.fromordinal(late)), ice(date(2025, 3, 1))], None, None)
    assert sigs[0].date is None and "after ICE's signature (2025-03-01)" in (sigs[0].doubt or "")
    assert sigs[1].date == date(2025, 3, 1)
    close = [lea(date(2025, 3, 20)), ice(date(2025, 3, 1))]
    assert doubt_dates(close, None, None) == tuple(close)


def test_the_latest_cited_bound_is_the_one_that_counts() -> None:
    text = "as required by Executive Order 13166, and Executive Order 14159 of January 20"
    assert earliest_possible(None, text) == (date(2025, 1, 20), "Executive Order 14159")
    assert earliest_possible("2025-02-15", text) == (date(2025, 2, 15), "the template's revision")
    assert earliest_possible("Revised 02/1512025", "no order") is None


@given(
    st.dates(date(2000, 1, 1), date(2035, 12, 31)),
    st.dates(date(2000, 1, 1), date(2035, 12, 31)),
)
def test_a_believed_date_never_contradicts_the_bounds(signed: date, revised: date) -> None:
    (sig,) = doubt_dates([ice(signed)], (revised, "the template's revision"), date(2030, 1, 1))
    if sig.date is not None:
        assert revised <= sig.date <= date(2030, 1, 1)
    else:
        assert sig.date_raw == "raw" and sig.doubt


def with_dates(pages: list[list[Placed]], revised: str, lea_day: str, ice_day: str) -> bytes:
    swap = {"03/26/2025": lea_day, "April 2, 2025": ice_day}
    out = []
    for page in pages:
        out.append([
            (x, y, swap.get(text, text.replace("Revised 02/15/2025", f"Revised {revised}")))
            for x, y, text in page
        ])  # fmt: skip
    return make_pdf(out)


def test_ocr_noise_that_reads_as_a_valid_but_impossible_date_is_not_recorded() -> None:
    """A 2025 WSO template revised 2025-01-09; the ICE date '4/8/2025' read as 1/8/2025."""
    data = with_dates(moa_pages(), "01/09/2025", "03/26/2025", "1/8/2025")
    record = parse_moa(data, "x.pdf")
    assert record.template_revision == "2025-01-09"
    assert record.ice_signed is None and record.agency_signed == date(2025, 3, 26)
    ice_block = next(s for s in record.signatures if s.party == "ice")
    assert (ice_block.date, ice_block.date_raw) == (None, "1/8/2025")
    assert record.doubtful == (ice_block.doubt,)
    assert record.to_dict()["doubtful"] == [ice_block.doubt]


@pytest.mark.parametrize(
    ("not_after", "believed"), [(None, True), (date(2025, 4, 2), True), (date(2025, 4, 1), False)]
)
def test_a_caller_that_knows_the_capture_time_bounds_the_dates(
    not_after: date | None, believed: bool
) -> None:
    record = parse_moa(make_pdf(moa_pages()), "x.pdf", None, None, not_after)
    assert (record.ice_signed == date(2025, 4, 2)) is believed
    assert bool(record.doubtful) is not believed


def test_a_document_naming_ice_cannot_be_signed_before_ice_existed() -> None:
    """ICE began on 1 March 2003: a date of 2002 in an agreement with U.S. Immigration
    and Customs Enforcement is a year mistyped (``2002`` for ``2020``), never believed;
    and an agency date is no longer doubted against an ICE date so doubted (before: the
    impossible ICE date kept, the true agency date thrown out as 30 days after it)."""
    text = "between U.S. Immigration and Customs Enforcement (ICE) and the Sheriff"
    earliest = earliest_possible(None, text)
    assert earliest == (date(2003, 3, 1), "ICE's creation")
    sigs = doubt_dates(
        [lea(date(2020, 3, 1)), ice(date(2002, 3, 12), "March 12, 2002")], earliest, None
    )
    assert sigs[1].date is None and "before ICE's creation (2003-03-01)" in (sigs[1].doubt or "")
    assert sigs[0].date == date(2020, 3, 1)
    assert earliest_possible(None, "Immigration and Naturalization Service") is None


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("Washington Parish Sheriff's Office", None),
        ("Kansas City Police Department", None),
        ("Missouri City Police Department", None),
        ("Wyoming Police Department", None),
        ("Texas Department of Public Safety", "TX"),
        ("Ohio State Highway Patrol", "OH"),
        ("Florida Fish and Wildlife Conservation Commission", "FL"),
        ("Hamilton County, Tennessee", "TN"),
    ],
)
def test_a_name_names_a_state_only_as_a_state_s_own_agency(name: str, state: str | None) -> None:
    """A place named after a state is no state (``Washington Parish`` is in LA: every
    such MOA was read as WA's, though its footer, block and address said LA)."""
    from parsers.moa.fields import _state_in_name

    assert _state_in_name(name) == state
