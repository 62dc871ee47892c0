"""A copy stripped of its hyperlinks (values only: no row carries a link, its cells
still say ``link``) says which MOAs are there before their URLs are seen
(``diffs/said_links.py``), on small hand-made lists: a MOA published while the copies
served were stripped is dated by the first saying ``link``, not by the first with the
URL (a second server or cache serving stripped copies in turn)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from diffs.events import Event
from diffs.gate import Rules
from diffs.said_links import says_link, stripped
from diffs.state import ProgramState
from parsers.records import ListingRow
from tests.test_engine import Replay, listing, row

MOA = "https://www.ice.gov/doclib/287gMOA/AlphaPD_TFM_MOA_01022025.pdf"
BETA = "https://www.ice.gov/doclib/287gMOA/BetaPD_TFM_MOA_01022025.pdf"
RULES = Rules(withdraw_after_snapshots=2, withdraw_after_days=5, max_row_loss_share=1.0)
KEY = "tx-alpha-police-department|TFM"


def _alpha(text: str, url: str | None = None) -> ListingRow:
    return row("Alpha Police Department", "TFM", moa_url=url, moa_text=text)


def _beta(linked: bool) -> ListingRow:
    return row("Beta Police Department", "TFM", moa_url=BETA if linked else None, moa_text="link")


def _feed(r: Replay, *alphas: ListingRow) -> None:
    """One list a day: Alpha's row, and Beta's, linked unless Alpha's row is a stripped
    copy's (no URL, its cell saying ``link``)."""
    for alpha in alphas:
        linked = alpha.moa_url is not None or not says_link(alpha.moa_text)
        r.feed(listing([alpha, _beta(linked)]))


def _published(r: Replay) -> list[Event]:
    return [e for e in r.events if e.kind == "moa.published" and e.subject == KEY]


def _ids(event: Event) -> tuple[str | None, str, str | None]:
    recorded = event.recorded.id if event.recorded else None
    return (event.start.id if event.start else None, event.end.id, recorded)


def test_a_moa_said_in_a_stripped_copy_is_published_when_first_said_not_when_its_url_came() -> None:
    r = Replay(RULES)
    _feed(r, _alpha("Link Pending"), _alpha("link"), _alpha("link"), _alpha("link", MOA))
    [event] = _published(r)
    # between the last list without it and the first saying it, recorded when the URL came
    assert _ids(event) == ("s001", "s002", "s004") and event.after == {"moa_url": MOA}
    assert r.state.participating.entries[KEY].said == ()


def test_a_moa_said_in_stripped_copies_served_in_turn_with_linked_ones_is_dated_by_the_first() -> (
    None
):
    r = Replay(RULES)
    # linked copies before the MOA; then stripped copies saying link, a linked copy
    # still without the link in between would end the marker (see below)
    _feed(r, _alpha("Link Pending"), _alpha("Link Pending"), _alpha("link"), _alpha("link", MOA))
    assert [_ids(e) for e in _published(r)] == [("s002", "s003", "s004")]


def test_a_cell_saying_link_without_one_in_a_linked_copy_dates_nothing() -> None:
    """ICE's own slip (three rows of the corpus for months): its list has hyperlinks, so
    the cell without one has no link; a stripped copy among those lists is no news."""
    r = Replay(RULES)
    alpha = _alpha("link")
    r.feed(listing([alpha, _beta(True)]))  # linked copy, Alpha's hyperlink missing
    r.feed(listing([alpha, _beta(False)]))  # stripped copy: says link
    r.feed(listing([alpha, _beta(True)]))  # linked again: no link for Alpha
    r.feed(listing([_alpha("link", MOA), _beta(True)]))
    assert [_ids(e) for e in _published(r)] == [("s003", "s004", None)]


def test_a_marker_ends_when_the_cell_stops_saying_link() -> None:
    r = Replay(RULES)
    _feed(r, _alpha("Link Pending"), _alpha("link"), _alpha("Link Pending"), _alpha("link", MOA))
    assert [_ids(e) for e in _published(r)] == [("s003", "s004", None)]


def test_an_agreement_first_listed_in_a_stripped_copy_has_its_moa_since_then() -> None:
    r = Replay(RULES)
    r.feed(listing([_beta(True)]))
    r.feed(listing([_alpha("link"), _beta(False)]))
    r.feed(listing([_alpha("link", MOA), _beta(True)]))
    assert [_ids(e) for e in _published(r)] == [("s001", "s002", "s003")]


def test_a_link_changed_while_the_copies_were_stripped_changed_since_the_last_showing_it() -> None:
    """The stripped copies between say ``link``, not which: the change's window opens at
    the last copy showing the old link, not at the last stripped one."""
    r = Replay(RULES)
    other = MOA.replace("01022025", "06302025")
    _feed(r, _alpha("link", MOA), _alpha("link"), _alpha("link"), _alpha("link", other))
    [event] = [e for e in r.events if e.kind == "agreement.changed"]
    assert _ids(event) == ("s001", "s004", None) and event.after == {"moa_url": other}
    assert _published(r) == []


def test_the_same_link_shown_again_after_stripped_copies_is_no_event() -> None:
    r = Replay(RULES)
    _feed(r, _alpha("link", MOA), _alpha("link"), _alpha("link", MOA), _alpha("link"))
    assert {"agreement.changed", "moa.published"}.isdisjoint(r.kinds())
    assert [m.name for m in r.state.participating.entries[KEY].said] == ["moa_url"]
    _feed(r, _alpha("link", MOA))
    assert r.state.participating.entries[KEY].said == ()


def test_a_link_marker_survives_the_state_round_trip() -> None:
    r = Replay(RULES)
    _feed(r, _alpha("Link Pending"), _alpha("link"))
    assert [m.name for m in r.state.participating.entries[KEY].said] == ["moa_url"]
    assert ProgramState.from_dict(r.state.to_dict()) == r.state


def test_a_list_is_stripped_only_when_no_row_has_a_link_and_one_says_so() -> None:
    assert stripped([_alpha("link"), _beta(False)])
    assert not stripped([_alpha("link"), _beta(True)])
    assert not stripped([_alpha("Link Pending"), replace(_beta(False), moa_text=None)])
    assert not stripped([])


CELLS = st.lists(st.sampled_from(["pending", "said", "linked"]), min_size=1, max_size=8)


@settings(max_examples=80, deadline=None)
@given(CELLS)
def test_a_moa_is_published_once_dated_by_the_stripped_lists_saying_it_before_its_link(
    cells: list[str],
) -> None:
    """Whatever the order of lists saying it pending, saying ``link`` stripped, and
    linking it: one publication at most (once linked), dated by the first of the
    stripped lists saying ``link`` just before the first linking it (else by that one),
    recorded when the link came."""
    forms = {
        "pending": _alpha("Link Pending"),
        "said": _alpha("link"),
        "linked": _alpha("link", MOA),
    }
    r = Replay(RULES)
    _feed(r, _alpha("Link Pending"), *(forms[cell] for cell in cells))
    days = ["pending", *cells]
    if "linked" not in days:
        assert _published(r) == []
        return
    first = linked = days.index("linked")
    while days[first - 1] == "said":
        first -= 1
    recorded = f"s{linked + 1:03d}" if first < linked else None
    assert [_ids(e) for e in _published(r)] == [(f"s{first:03d}", f"s{first + 1:03d}", recorded)]
