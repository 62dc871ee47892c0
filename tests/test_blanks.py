"""A value a row still listed no longer shows is held until its absence persists, as a
row's (``diffs/blanks.py``), on small hand-made lists. ICE replaced 88 links with ``Link
Pending`` on 18 August 2025 and restored them nine days later: flicker, not 88 changes
and 88 publications."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from diffs.events import Event
from diffs.gate import Rules
from diffs.state import ProgramState
from parsers.records import ListingRow
from tests.test_engine import BASE, Replay, listing, row, rows_strategy

MOA = "https://www.ice.gov/doclib/287gMOA/AlphaPD_TFM_MOA_01022025.pdf"
OTHER = "https://www.ice.gov/doclib/287gMOA/AlphaPD_TFM_MOA_06302025.pdf"
# an absence (of a row, or of a value) is confirmed over 2 versions and 5 days
RULES = Rules(withdraw_after_snapshots=2, withdraw_after_days=5, max_row_loss_share=1.0)


def _alpha(moa: str | None, county: str | None = "Alpha County") -> ListingRow:
    text = "link" if moa else "Link Pending"
    return row("Alpha Police Department", "TFM", moa_url=moa, moa_text=text, county=county)


def _days(r: Replay, alphas: list[ListingRow]) -> None:
    """One list a day, each another version (one more agreement listed each day of the
    replay)."""
    for alpha in alphas:
        others = [row(f"Agency {n} Police Department", "JEM") for n in range(r.day)]
        r.feed(listing([*BASE, alpha, *others]))


def _about_alpha(r: Replay) -> list[Event]:
    return [e for e in r.events if e.agency == "Alpha Police Department"]


def test_a_link_pending_for_days_then_back_is_no_event() -> None:
    r = Replay(RULES)
    _days(r, [_alpha(MOA), _alpha(None), _alpha(None), _alpha(None), _alpha(MOA)])
    assert [e.kind for e in _about_alpha(r)] == ["agreement.added", "agency.joined"]
    assert r.state.participating.entries["tx-alpha-police-department|TFM"].blanks == ()


def test_a_link_still_pending_once_the_absence_persists_is_one_change_dated_when_it_went() -> None:
    r = Replay(RULES)
    _days(r, [_alpha(MOA), _alpha(MOA), *[_alpha(None)] * 6])
    changed = [e for e in _about_alpha(r) if e.kind == "agreement.changed"]
    assert len(changed) == 1
    event = changed[0]
    assert event.before == {"moa_url": MOA} and event.after == {"moa_url": None}
    # between the last list showing the link and the first without it, recorded later
    assert (event.start and event.start.id, event.end.id) == ("s002", "s003")
    assert event.recorded is not None and event.recorded.id == "s008"
    # the link back afterwards is a publication
    _days(r, [_alpha(MOA)])
    assert [e.kind for e in _about_alpha(r)][-1] == "moa.published"


def test_a_value_blanked_then_back_as_another_is_one_change_from_the_last_list_showing_it() -> None:
    r = Replay(RULES)
    _days(r, [_alpha(MOA), _alpha(None), _alpha(None), _alpha(OTHER)])
    changed = [e for e in _about_alpha(r) if e.kind == "agreement.changed"]
    assert [(e.before, e.after) for e in changed] == [({"moa_url": MOA}, {"moa_url": OTHER})]
    assert changed[0].start is not None and changed[0].start.id == "s001"
    assert "moa.published" not in {e.kind for e in _about_alpha(r)}


def test_a_county_left_empty_for_a_day_is_flicker_too() -> None:
    r = Replay(RULES)
    _days(r, [_alpha(MOA), _alpha(MOA, county=None), _alpha(MOA)])
    assert [e.kind for e in _about_alpha(r)] == ["agreement.added", "agency.joined"]


def test_a_held_blank_survives_the_state_round_trip() -> None:
    r = Replay(RULES)
    _days(r, [_alpha(MOA), _alpha(None)])
    entry = r.state.participating.entries["tx-alpha-police-department|TFM"]
    assert [b.name for b in entry.blanks] == ["moa_url"] and entry.fields["moa_url"] == MOA
    assert ProgramState.from_dict(r.state.to_dict()) == r.state


FIELDS = st.sampled_from(["moa_url", "addendum_url", "county", "agency_type", "signed"])


@settings(max_examples=60, deadline=None)
@given(rows_strategy, st.integers(min_value=0, max_value=11), FIELDS)
def test_one_snapshot_without_a_value_never_changes_an_agreement(
    rows: list[ListingRow], which: int, name: str
) -> None:
    filled = [
        replace(
            x,
            moa_url=MOA,
            moa_text="link",
            addendum_url=OTHER,
            addendum_text="link",
            county="Alpha County",
            agency_type="County",
        )
        for x in rows
    ]
    at = which % len(filled)
    pending = {f"{name[:-4]}_text": "Link Pending"} if name.endswith("_url") else {}
    blanked = replace(filled[at], **{name: None, **pending})
    r = Replay(Rules(withdraw_after_snapshots=2, withdraw_after_days=0, min_row_loss=100))
    r.feed(listing(filled))
    r.feed(listing([*filled[:at], blanked, *filled[at + 1 :]]))
    r.feed(listing(filled))
    assert {"agreement.changed", "moa.published"}.isdisjoint(r.kinds())


LINKED = st.lists(
    st.tuples(st.sampled_from(["Alpha", "Beta", "Gamma"]), st.booleans(), st.booleans()),
    min_size=1,
    max_size=3,
    unique_by=lambda t: t[0],
)


@settings(max_examples=80, deadline=None)
@given(st.lists(LINKED, min_size=1, max_size=10))
def test_held_blanks_replay_the_same_round_trip_and_date_every_change_in_order(
    days: list[list[tuple[str, bool, bool]]],
) -> None:
    """Lists whose links and counties come and go, in any order: the same events twice,
    the state through JSON unchanged, and no change dated after it was recorded."""

    def listed(day: list[tuple[str, bool, bool]]) -> list[ListingRow]:
        return [
            row(f"{name} Police Department", "TFM", moa_url=MOA if linked else None,
                moa_text="link" if linked else "Link Pending",
                county="Alpha County" if county else None)
            for name, linked, county in day
        ]  # fmt: skip

    runs = []
    for _ in range(2):
        r = Replay(RULES)
        for day in days:
            r.feed(listing(listed(day)))
            assert ProgramState.from_dict(r.state.to_dict()) == r.state
        runs.append([e.to_dict() for e in r.events])
        for event in r.events:
            recorded = event.recorded or event.end
            assert event.start is None or event.start.observed_at <= event.end.observed_at
            assert event.end.observed_at <= recorded.observed_at
    assert runs[0] == runs[1]
