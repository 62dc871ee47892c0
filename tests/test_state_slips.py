"""A row's state typed wrong: a slip read in its agency's known state, or a move held
until it persists (``diffs/carried.py``: ``states_slipped``, ``states_held``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from diffs.gate import Rules
from parsers.normalize import agency_key
from parsers.records import ListingRow, ParsedListing
from tests.test_gate import PART_COLS, PEND_COLS, Feed

RULES = Rules(withdraw_after_snapshots=2, withdraw_after_days=10, min_row_loss=3)
MOA = "https://www.ice.gov/doclib/287gMOA/{}.pdf"


def agreement(
    state: str, name: str, county: str | None, signed: str, moa: str | None, model: str = "TFM"
) -> ListingRow:
    return ListingRow(
        state=state,
        agency=name,
        agency_key=agency_key(name),
        agency_type="County" if county else "Municipality",
        county=county,
        model=model,
        signed=date.fromisoformat(signed),
        moa_url=MOA.format(moa) if moa else None,
    )


def jeff_davis(state: str) -> ListingRow:
    """A county both GA and TX have: its county says nothing of which state is right."""
    return agreement(state, "Jeff Davis County Sheriff's Office", "Jeff Davis", "2025-02-10", "jd")


def franklin(state: str) -> ListingRow:
    """A city's police: it names no county."""
    return agreement(state, "Franklin Police Department", None, "2025-02-12", "franklintn")


OTHERS = [
    agreement("TX", f"Town {i} Police Department", None, f"2025-01-0{i + 1}", f"t{i}")
    for i in range(5)
]
KENTUCKY = agreement("KY", "Franklin Police Department", None, "2025-01-20", "franklinky", "JEM")


def part(rows: list[ListingRow]) -> ParsedListing:
    return ParsedListing(kind="participating", rows=tuple(rows), columns=PART_COLS)


def pend(rows: list[ListingRow]) -> ParsedListing:
    rows = [replace(r, signed=None, moa_url=None) for r in rows]
    return ParsedListing(kind="pending", rows=tuple(rows), columns=PEND_COLS)


def moved(feed: Feed, since: int = 0) -> list[str]:
    """The events of ``feed`` (from ``since``) that move or relabel an agency."""
    kinds = ("agency.renamed", "agreement.relabelled", "pending.added", "pending.dropped")
    return [e.kind for e in feed.events[since:] if e.kind in kinds]


def test_a_state_typed_wrong_for_one_capture_is_no_agency_moved_and_back() -> None:
    """Jeff Davis County's sheriff (a county GA and TX both have) and Franklin's police
    (TN's, a KY agency of that name known) listed in another state for one capture:
    neither renamed nor relabelled there and back, and the next list, the bytes of the
    one before the typo, is read, not held as an older list arriving late (before: two
    renames, two relabels, and the true list rejected as stale)."""
    feed = Feed(RULES)
    first = part([jeff_davis("GA"), franklin("TN"), KENTUCKY, *OTHERS])
    feed(first, "2025-03-03T12:00:00Z")
    typo = feed(part([jeff_davis("TX"), franklin("KY"), KENTUCKY, *OTHERS]), "2025-03-04T12:00:00Z")
    assert typo.accepted and typo.note and "state held until a later list shows it" in typo.note
    assert feed(first, "2025-03-05T12:00:00Z").accepted
    assert moved(feed) == []
    assert feed.state.agencies["ga-jeff-davis-county-sheriff-office"].state == "GA"


def test_a_move_that_persists_in_a_list_of_other_content_is_dated_by_the_first_showing_it() -> None:
    """ICE corrects a state: the move is read once a list a day later, of other
    content, still shows it, dated by the first list showing it and recorded then."""
    feed = Feed(RULES)
    feed(part([jeff_davis("GA"), *OTHERS]), "2025-03-03T12:00:00Z")
    assert feed(part([jeff_davis("TX"), *OTHERS]), "2025-03-04T12:00:00Z").accepted
    out = feed(part([*OTHERS, jeff_davis("TX")]), "2025-03-05T12:00:00Z")
    [renamed] = [e for e in out.events if e.kind == "agency.renamed"]
    assert (renamed.before or {}).get("state") == "GA"
    assert (renamed.after or {}).get("state") == "TX"
    assert renamed.start and renamed.start.observed_at == "2025-03-03T12:00:00Z"
    assert renamed.end.observed_at == "2025-03-04T12:00:00Z"
    assert renamed.recorded_at == "2025-03-05T12:00:00Z"


def test_the_same_bytes_served_again_confirm_no_move() -> None:
    """The typed-wrong file still up a day later is the same evidence again: the move
    stays held (the same bytes are one list: nothing of them is read again), and the
    list put right after it records nothing."""
    feed = Feed(RULES)
    feed(part([franklin("TN"), KENTUCKY, *OTHERS]), "2025-03-03T12:00:00Z")
    typo = part([franklin("KY"), KENTUCKY, *OTHERS])
    feed(typo, "2025-03-04T12:00:00Z")
    assert feed(typo, "2025-03-05T12:00:00Z").accepted
    assert feed(part([*OTHERS, KENTUCKY, franklin("TN")]), "2025-03-06T12:00:00Z").accepted
    assert moved(feed) == []


def test_a_move_held_through_the_same_bytes_is_dated_by_the_first_list_showing_it() -> None:
    feed = Feed(RULES)
    feed(part([jeff_davis("GA"), *OTHERS]), "2025-03-03T12:00:00Z")
    moving = part([jeff_davis("TX"), *OTHERS])
    feed(moving, "2025-03-04T12:00:00Z")
    feed(moving, "2025-03-05T12:00:00Z")
    out = feed(part([*OTHERS, jeff_davis("TX")]), "2025-03-06T12:00:00Z")
    [renamed] = [e for e in out.events if e.kind == "agency.renamed"]
    assert renamed.end.observed_at == "2025-03-04T12:00:00Z"
    assert renamed.recorded_at == "2025-03-06T12:00:00Z"


def test_a_state_department_listed_in_another_state_is_that_state_s() -> None:
    """A name that is a state's government names its state: `Georgia Department of
    Corrections` listed in AL is Georgia's, however long ICE lists it so."""
    gdc = agreement("GA", "Georgia Department of Corrections", None, "2025-02-11", "gdc", "JEM")
    feed = Feed(RULES)
    feed(part([gdc, *OTHERS]), "2025-03-03T12:00:00Z")
    feed(part([replace(gdc, state="AL"), *OTHERS]), "2025-03-04T12:00:00Z")
    feed(part([*OTHERS, replace(gdc, state="AL")]), "2025-03-06T12:00:00Z")
    assert moved(feed) == []
    assert set(feed.state.agencies) >= {"ga-georgia-department-corrections"}
    assert "al-georgia-department-corrections" not in feed.state.agencies


def test_a_state_corrected_into_the_one_its_county_is_in_is_read_at_once() -> None:
    """The evidence settles it (SC has Kershaw County, FL none): no hold."""
    kershaw = agreement("FL", "Kershaw County Sheriff's Office", "Kershaw", "2025-02-03", "k")
    feed = Feed(RULES)
    feed(part([kershaw, *OTHERS]), "2025-03-03T12:00:00Z")
    out = feed(part([replace(kershaw, state="SC"), *OTHERS]), "2025-03-04T12:00:00Z")
    assert [e.kind for e in out.events if e.kind == "agency.renamed"] == ["agency.renamed"]


def test_an_application_s_state_typed_wrong_for_one_capture_is_no_application_added() -> None:
    """The pending list takes the same rule: Franklin's application listed in AL for
    a capture is neither added there nor dropped in TN, and the list back is read."""
    feed = Feed(RULES)
    apps = [franklin("TN"), *OTHERS[:3]]
    feed(part(OTHERS[3:]), "2025-03-03T12:00:00Z")
    feed(pend(apps), "2025-03-03T12:00:30Z")
    before = len(feed.events)
    assert feed(pend([franklin("AL"), *OTHERS[:3]]), "2025-03-04T12:00:30Z").accepted
    assert feed(pend(apps), "2025-03-05T12:00:30Z").accepted
    assert moved(feed, before) == []
