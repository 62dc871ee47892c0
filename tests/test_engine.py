"""The diff engine's rules, on hand-made listings, plus property-based invariants."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diffs.engine import Outcome, apply_snapshot
from diffs.events import SnapshotRef
from diffs.gate import Rules
from diffs.state import ProgramState
from parsers.normalize import agency_key
from parsers.records import ListingRow, ParsedListing
from store.writer import Recorded

RULES = Rules(
    withdraw_after_snapshots=2,
    withdraw_after_days=0,
    min_row_loss=3,
    max_row_loss_share=0.25,
    loss_confirm_hours=24,
)
PART_COLS = ("STATE", "AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED", "MOA")
PENDING_COLS = ("STATE", "AGENCY", "TYPE", "SUPPORT TYPE")


def row(
    name: str,
    model: str = "JEM",
    state: str = "TX",
    signed: str | None = "2025-01-02",
    **extra: object,
) -> ListingRow:
    return ListingRow(
        state=state,
        agency=name,
        agency_key=agency_key(name, state),
        model=model,
        signed=date.fromisoformat(signed) if signed else None,
        **extra,
    )  # type: ignore[arg-type]


def listing(
    rows: list[ListingRow], kind: str = "participating", columns: tuple[str, ...] = PART_COLS
) -> ParsedListing:
    return ParsedListing(kind=kind, rows=tuple(rows), columns=columns)  # type: ignore[arg-type]


class Replay:
    """Feeds listings through the engine one day apart, collecting events."""

    def __init__(self, rules: Rules = RULES) -> None:
        self.state, self.rules, self.day, self.events = ProgramState(), rules, 0, []
        self.recorded = Recorded()  # the events numbered as the store records them

    def feed(self, lst: ParsedListing, claimed: str | None = None) -> Outcome:
        self.day += 1
        sha = f"{hash((lst.kind, lst.columns, lst.rows)) & 0xFFFFFFFF:064x}"  # as a file's
        ref = SnapshotRef(
            id=f"s{self.day:03d}",
            observed_at=f"2025-03-{self.day:02d}T12:00:00Z",
            sha256=sha,
            kind=lst.kind,
        )
        outcome = apply_snapshot(self.state, ref, lst, claimed, self.rules)
        self.state = outcome.state
        self.events.extend(e for e in map(self.recorded.numbered, outcome.events) if e)
        return outcome

    def kinds(self) -> Counter[str]:
        return Counter(e.kind for e in self.events)


BASE = [
    row("Alpha County Sheriff's Office"),
    row("Beta Police Department", "TFM"),
    row("Gamma County Sheriff's Office", "WSO"),
    row("Delta Police Department", "TFM"),
]


def test_first_snapshot_adds_everything_with_open_window() -> None:
    r = Replay()
    r.feed(listing(BASE))
    assert r.kinds() == {"agreement.added": 4, "agency.joined": 4}
    assert all(e.start is None and e.effective_date == "2025-01-02" for e in r.events)


def test_withdrawal_only_when_absence_persists() -> None:
    r = Replay()
    r.feed(listing(BASE))
    r.feed(listing(BASE[:3]))
    assert "agreement.withdrawn" not in r.kinds()
    r.feed(listing(BASE[:3] + [row("Epsilon PD", "TFM")]))
    withdrawn = [e for e in r.events if e.kind == "agreement.withdrawn"]
    assert len(withdrawn) == 1
    assert withdrawn[0].start and withdrawn[0].start.id == "s001"
    assert (
        withdrawn[0].end.id == "s002"
        and withdrawn[0].recorded
        and withdrawn[0].recorded.id == "s003"
    )


def test_blip_is_not_a_withdrawal() -> None:
    r = Replay()
    r.feed(listing(BASE))
    r.feed(listing(BASE[:3]))
    r.feed(listing(BASE[::-1]))  # the row put back: the list exported again (other bytes)
    assert set(r.kinds()) == {"agreement.added", "agency.joined"}


def test_reinstated_after_withdrawal() -> None:
    r = Replay()
    r.feed(listing(BASE))
    r.feed(listing(BASE[:3]))
    zeta = row("Zeta PD", "TFM", signed="2025-02-01")  # other papers: not Delta relabelled
    r.feed(listing(BASE[:3] + [zeta]))
    r.feed(listing(BASE + [zeta]))
    assert r.kinds()["agreement.reinstated"] == 1


@pytest.mark.parametrize(
    ("signed", "joined_on"), [("2025-01-02", None), ("2025-02-15", "2025-02-15")]
)
def test_an_agency_back_on_its_old_papers_states_no_date_it_joined_again(
    signed: str, joined_on: str | None
) -> None:
    """Withdrawn, then listed again: on its old papers the signed date is when it first
    joined (a count of joins by signed month counted it twice there); signed again,
    the new date is when it joined again."""
    r = Replay()
    r.feed(listing(BASE))
    r.feed(listing(BASE[:3]))
    zeta = row("Zeta PD", "TFM", signed="2025-02-01")  # other papers: not Delta relabelled
    r.feed(listing(BASE[:3] + [zeta]))
    back = replace(BASE[3], signed=date.fromisoformat(signed))
    r.feed(listing([*BASE[:3], back, zeta]))
    delta = BASE[3].agency
    joins = [e.effective_date for e in r.events if e.kind == "agency.joined" and e.agency == delta]
    [reinstated] = [e for e in r.events if e.kind == "agreement.reinstated"]
    assert joins == ["2025-01-02", joined_on] and reinstated.effective_date == signed


def test_changed_fields_are_named_with_before_and_after() -> None:
    r = Replay()
    r.feed(listing(BASE))
    changed = [
        row(
            "Alpha County Sheriff's Office",
            signed="2025-02-03",
            moa_url="https://www.ice.gov/doclib/287gMOA/a.pdf",
        )
    ] + BASE[1:]
    r.feed(listing(changed))
    [event] = [e for e in r.events if e.kind == "agreement.changed"]
    assert event.before == {"signed": "2025-01-02"} and event.after == {"signed": "2025-02-03"}
    [published] = [e for e in r.events if e.kind == "moa.published"]
    assert published.after == {"moa_url": "https://www.ice.gov/doclib/287gMOA/a.pdf"}


def test_an_agreement_listed_twice_with_other_values_keeps_them_whatever_the_order() -> None:
    """Two rows of one agreement that differ (another county, another writing of its
    name): the more complete row wins, then the later date, then the one showing the
    known values, so the two rows in another order, or one of them gone while the
    known one stays, change nothing; the known row gone, the other's values are a
    change."""
    r = Replay()
    columns = (*PART_COLS, "COUNTY")
    alpha = row("Alpha County Sheriff's Office", county="Alpha County")
    r.feed(listing([alpha, *BASE[1:]], columns=columns))
    listed = len(r.events)
    other = replace(alpha, county="Beta County")
    r.feed(listing([alpha, other, *BASE[1:]], columns=columns))
    r.feed(listing([other, alpha, *BASE[1:]], columns=columns))
    assert r.events[listed:] == []
    r.feed(listing([other, *BASE[1:]], columns=columns))
    [changed] = r.events[listed:]
    assert changed.before == {"county": "Alpha County"}
    assert changed.after == {"county": "Beta County"}


def test_of_two_rows_of_one_agreement_the_one_showing_what_the_list_publishes_as_known_wins() -> (
    None
):
    """A list that stops publishing types says nothing of them: of two rows of one
    agreement (its name, and another writing of it with the same model and date), the
    row showing every value the list publishes as known shows the known values, the
    type it no longer publishes aside; the other row's name is a change only once the
    known row is gone."""
    r = Replay()
    city = row("City of Zephyrhills Police Department", "TFM", agency_type="Municipality")
    r.feed(listing([city, *BASE[1:]]))
    listed = len(r.events)
    untyped = tuple(c for c in PART_COLS if c != "TYPE")
    known, other = replace(city, agency_type=None), row("Zephyrhills Police Department", "TFM")
    r.feed(listing([known, other, *BASE[1:]], columns=untyped))
    r.feed(listing([other, known, *BASE[1:]], columns=untyped))
    assert [e.kind for e in r.events[listed:]] == ["source.schema_changed"]
    r.feed(listing([other, *BASE[1:]], columns=untyped))
    [changed] = [e for e in r.events[listed:] if e.kind == "agreement.changed"]
    assert (changed.before, changed.after) == (
        {"agency": "City of Zephyrhills Police Department"},
        {"agency": "Zephyrhills Police Department"},
    )


def test_of_two_rows_of_an_agreement_the_known_one_keeps_the_values_its_list_stops_publishing() -> (
    None
):
    """ICE lists St. Cloud's agreement twice, its known row with the MOA link and
    another writing with a later date and none: the linked row is the more complete. A
    list that stops publishing MOA links says nothing of them: the known link stays the
    known row's (its values, but for links, shown), so it stays the more complete, and
    nothing changes (before: the later date won, the date changed, then changed back;
    ICE's own rows, the MOA column dropped from June 2025)."""
    r = Replay()
    moa = "https://www.ice.gov/doclib/287gMOA/StCloudPDFL_TFM_MOA.pdf"
    known = row("St. Cloud Police Department", "TFM", "FL", "2025-01-14", moa_url=moa)
    other = row("ST. CLOUD POLICE DEPARTMENT", "TFM", "FL", "2025-01-15")
    others = [replace(x, state="FL") for x in BASE[1:]]
    r.feed(listing([known, other, *others]))
    listed = len(r.events)
    unlinked = tuple(c for c in PART_COLS if c != "MOA")
    bare = replace(known, moa_url=None)
    r.feed(listing([bare, other, *others], columns=unlinked))
    r.feed(listing([other, bare, *others], columns=unlinked))
    assert [e.kind for e in r.events[listed:]] == ["source.schema_changed"]


def test_of_two_rows_of_an_agreement_the_known_one_keeps_a_link_its_copy_lost() -> None:
    """A ``link`` cell whose hyperlink a copy lost still says there is one (the known
    link stands): of St. Cloud's two rows, the known row, its link lost, is still the
    more complete, read as the diff reads it, and the later date of the other row
    changes nothing (before: the name, the date and the link changed to the other
    row's; ICE's lists from June 2025 saved without their hyperlinks)."""
    r = Replay()
    moa = "https://www.ice.gov/doclib/287gMOA/StCloudPDFL_TFM_MOA.pdf"
    known = row("St. Cloud Police Department", "TFM", "FL", "2025-01-14", moa_url=moa)
    other = row("ST. CLOUD POLICE DEPARTMENT", "TFM", "FL", "2025-01-15")
    others = [replace(x, state="FL") for x in BASE[1:]]
    r.feed(listing([replace(known, moa_text="link"), other, *others]))
    listed = len(r.events)
    lost = replace(known, moa_url=None, moa_text="link")
    for _ in range(3):
        r.feed(listing([lost, other, *others]))
        r.feed(listing([other, lost, *others]))
    assert r.events[listed:] == []


def test_of_two_rows_the_one_showing_what_the_lists_show_wins_while_a_blank_is_held() -> None:
    """Fort Walton Beach's agreement listed twice (``County``, its county; ``Municipality``,
    none), its link gone from both and held as a blank: the known link is no row's, so
    each row is compared with the values as the lists show them, and the row showing the
    rest of them wins whether or not the list has its COUNTY column (before: in a list
    without COUNTY neither row showed the held link, the larger type won, and the type
    changed at every list, found by the corpus without COUNTY every other capture)."""
    rules = Rules(withdraw_after_snapshots=2, withdraw_after_days=30, max_row_loss_share=1.0)
    r = Replay(rules)
    moa = "https://www.ice.gov/doclib/287gMOA/FortWaltonBeachPDFL_TFM_MOA.pdf"
    county_cols = PART_COLS + ("COUNTY", "TYPE")
    name, others = "Fort Walton Beach Police Department", [replace(x, state="FL") for x in BASE[1:]]
    first = row(name, "TFM", "FL", agency_type="County", county="Okaloosa County", moa_url=moa)
    r.feed(listing([first, *others], columns=county_cols))
    listed = len(r.events)
    county = replace(first, moa_url=None, moa_text="Link Pending")
    city = row(name, "TFM", "FL", agency_type="Municipality", moa_text="Link Pending")
    r.feed(listing([county, city, *others], columns=county_cols))  # the link's blank held
    for day in range(6):
        if day % 2:
            rows, columns = [county, city], county_cols
        else:
            rows, columns = [replace(county, county=None), city], PART_COLS + ("TYPE",)
        r.feed(listing([*rows, *others], columns=columns))
    assert r.events[listed:] == []


def test_a_blank_cell_filled_in_while_a_list_without_its_column_came_between_is_a_change() -> None:
    """A value for a column the previous list did not have is new information, unless a
    list with the column showed the agreement without it (a list without TYPE between a
    blank TYPE cell and one filled in: the type changed, dated from the list showing it
    blank; before: read as filled in, no event)."""
    r = Replay()
    untyped = tuple(c for c in PART_COLS if c != "TYPE")
    blank = row("Alpha Police Department", "TFM")
    r.feed(listing([blank, *BASE[1:]]))
    r.feed(listing([blank, *BASE[1:]], columns=untyped))
    r.feed(listing([replace(blank, agency_type="Municipality"), *BASE[1:]]))
    [changed] = [e for e in r.events if e.kind == "agreement.changed"]
    assert changed.after == {"agency_type": "Municipality"}
    assert (changed.start and changed.start.id, changed.end.id) == ("s001", "s003")
    fresh = Replay()  # a column no list had before: filled in, no change
    fresh.feed(listing([blank, *BASE[1:]], columns=untyped))
    fresh.feed(listing([replace(blank, agency_type="Municipality"), *BASE[1:]]))
    assert "agreement.changed" not in fresh.kinds()


def test_of_two_rows_of_an_agreement_the_known_one_is_kept_whatever_case_its_copy_writes() -> None:
    """Zephyrhills's agreement listed twice (``City of Zephyrhills Police Department``,
    ``Zephyrhills Police Department``: one agency, one date), every other copy of the
    list in capitals: the row showing the known values written otherwise (another case,
    its MOA's link rewrapped) still shows them, as the diff reads a change, and stays
    the agreement's (before: a capitals copy made neither show the known name exactly,
    the larger name won, and the name changed two weeks early, found by the corpus
    written so from June 2025)."""
    r = Replay()
    others = [replace(x, state="FL") for x in BASE[1:]]
    city = row("City of Zephyrhills Police Department", "TFM", "FL", "2025-01-14")
    plain = row("Zephyrhills Police Department", "TFM", "FL", "2025-01-14")
    r.feed(listing([city, *others]))
    r.feed(listing([city, plain, *others]))  # the known row shows the known name
    listed = len(r.events)

    def upper(x: ListingRow) -> ListingRow:
        return replace(x, agency=x.agency.upper())

    for _ in range(3):
        r.feed(listing([upper(city), upper(plain), *others]))
        r.feed(listing([city, plain, *others]))
        r.feed(listing([plain, city, *others]))
    assert r.events[listed:] == []


def test_a_signed_cell_whose_text_is_no_date_keeps_the_known_date_and_a_blank_one_does_not() -> (
    None
):
    """An unreadable cell (``see note 3``: flagged ``signed_unparsed``) is no evidence
    the date changed; an emptied cell is a change once it persists (two versions here:
    ``diffs/blanks.py``)."""
    r = Replay()
    r.feed(listing(BASE))
    unread = row("Alpha County Sheriff's Office", signed=None, flags=("signed_unparsed",))
    r.feed(listing([replace(unread, signed_raw="see note 3"), *BASE[1:]]))
    assert set(r.kinds()) == {"agreement.added", "agency.joined"}
    emptied = row("Alpha County Sheriff's Office", signed=None)
    r.feed(listing([emptied, *BASE[1:]]))
    r.feed(listing([emptied, *BASE[1:], row("Kappa Police Department", "TFM")]))
    [event] = [e for e in r.events if e.kind == "agreement.changed"]
    assert (event.before, event.after) == ({"signed": "2025-01-02"}, {"signed": None})


MOAS = "https://www.ice.gov/doclib/287gMOA/"


def test_a_row_naming_two_models_keeps_each_agreements_papers() -> None:
    """An agency's two agreements listed on one row (``JEM / WSO``, read as one of each:
    flag ``models_joined``) show one signed date, one MOA, one county: one agreement's
    row. Each keeps its known values, listed so or apart again, unless the MOA's file
    name names its model (a renewal of that agreement)."""
    name = "Omega County Sheriff's Office"
    jem = row(name, "JEM", signed="2025-01-02", moa_url=MOAS + "OmegaCoTX_JEM_MOA_010225.pdf",
              county="Omga County")  # fmt: skip
    wso = row(name, "WSO", signed="2025-02-03", moa_url=MOAS + "OmegaCoTX_WSO_MOA_020325.pdf")
    r = Replay()
    r.feed(listing([*BASE, jem, wso]))
    added = len(r.events)

    def joined(shown: ListingRow) -> list[ListingRow]:
        return [replace(shown, model=m, flags=("models_joined",)) for m in ("JEM", "WSO")]

    r.feed(listing([*BASE, *joined(wso)]))
    r.feed(listing([*BASE, *joined(replace(wso, moa_url=MOAS + "OmegaCoTX.pdf"))]))
    r.feed(listing([*BASE, jem, wso]))
    assert r.events[added:] == []
    renewed = replace(wso, signed=date(2025, 3, 4), moa_url=MOAS + "OmegaCoTX_WSO_MOA_030425.pdf")
    r.feed(listing([*BASE, *joined(renewed)]))
    [changed] = r.events[added:]
    assert (changed.kind, changed.subject, changed.after["signed"]) == (
        "agreement.changed", "tx-omega-county-sheriff-office|WSO", "2025-03-04"
    )  # fmt: skip


def test_an_agreement_of_a_support_type_no_model_names_says_the_type_in_its_note() -> None:
    """Model ``?`` alone would hide what ICE wrote (a new model, or a label unread)."""
    r = Replay()
    r.feed(listing(BASE))
    new = row("Epsilon County Jail", None, model_raw="Correctional Support Model")  # type: ignore[arg-type]
    r.feed(listing([*BASE, new]))
    (added,) = [e for e in r.events if e.kind == "agreement.added" and e.model == "?"]
    assert added.note == "support type as listed: 'Correctional Support Model', no model known"
    assert all(e.note is None for e in r.events if e.kind == "agreement.added" and e.model != "?")
    pending = Replay()
    pending.feed(listing([new], "pending", PENDING_COLS))
    (applied,) = [e for e in pending.events if e.kind == "pending.added"]
    assert applied.note == added.note


def test_an_entry_of_no_model_known_whose_model_is_then_said_is_that_entry() -> None:
    """Listed first under a support type naming no model (``TBD``), then under a model:
    one application (or agreement), its model now said, not one dropped and one added;
    two of each for one agency cannot be told apart, and stay as listed."""
    tbd = row("Zeta County Sheriff's Office", None, model_raw="TBD")  # type: ignore[arg-type]
    jem = row("Zeta County Sheriff's Office", "JEM")
    pending = Replay()
    for rows in ([tbd], [jem], [jem, row("Eta Police Department", "TFM")]):
        pending.feed(listing(rows, "pending", PENDING_COLS), "pending")
    assert pending.kinds() == {"pending.added": 2}
    assert pending.state.pending.entries[_key_of(jem)].first_seen.id == "s001"
    agreements = Replay()
    for rows in ([*BASE, tbd], [*BASE, jem]):
        agreements.feed(listing(rows))
    (relabel,) = [e for e in agreements.events if e.kind == "agreement.relabelled"]
    assert (relabel.before or {}).get("model") == "?" and (relabel.after or {}).get(
        "model"
    ) == "JEM"
    assert "agreement.withdrawn" not in agreements.kinds()
    two = Replay()
    wso = row("Zeta County Sheriff's Office", "WSO")
    other = row("Zeta County Sheriff's Office", None, model_raw="TBD 2", signed="2025-02-02")  # type: ignore[arg-type]
    two.feed(listing([tbd, other], "pending", PENDING_COLS), "pending")
    two.feed(listing([jem, wso], "pending", PENDING_COLS), "pending")
    assert two.kinds()["pending.added"] == 3


def _key_of(r: ListingRow) -> str:
    from diffs.identity import make_agency_id
    from diffs.state import entry_key as key

    return key(make_agency_id(r.state, r.agency_key), r.model)


def test_a_type_cell_shortening_the_known_type_is_no_change_and_another_is() -> None:
    """``C`` for County (or for City), ``M`` for Municipality, ``SA`` for State Agency:
    a cell too short to name a level alone is no evidence against the level it
    shortens; ``M`` for a county's agreement is another level, a change."""
    r = Replay()
    county = row("Alpha County Sheriff's Office", agency_type="County")
    city = row("Beta Police Department", "TFM", agency_type="Municipality")
    r.feed(listing([county, city, *BASE[2:]]))
    added = len(r.events)
    coded = [replace(county, agency_type="C"), replace(city, agency_type="C"), *BASE[2:]]
    r.feed(listing(coded))
    r.feed(listing([county, city, *BASE[2:]]))
    assert r.events[added:] == []
    r.feed(listing([replace(county, agency_type="M"), city, *BASE[2:]]))
    [changed] = r.events[added:]
    assert (changed.kind, changed.before, changed.after) == (
        "agreement.changed", {"agency_type": "County"}, {"agency_type": "M"}
    )  # fmt: skip


TYPED = [
    row("Alpha County Sheriff's Office", agency_type="County"),
    row("Bravo County Sheriff's Office", "WSO", agency_type="County"),
    row("Charlie County Sheriff's Office", "TFM", agency_type="County"),
    row("Delta Police Department", "TFM", agency_type="Municipality"),
    row("Echo Police Department", "TFM", agency_type="Municipality"),
    row("Foxtrot Police Department", "TFM", agency_type="Municipality"),
    row("Golf Tribal Police", "TFM", agency_type="Tribal"),
    row("Hotel Tribal Police", "TFM", agency_type="Tribal"),
]


def _typed(types: dict[str, str], rows: list[ListingRow] = TYPED) -> list[ListingRow]:
    return [replace(r, agency_type=types.get(r.agency_type or "", r.agency_type)) for r in rows]


def test_a_type_every_agreement_shows_by_another_word_is_renamed_not_changed() -> None:
    """``County`` now ``Sheriff`` on every agreement listed with it (three or more), and
    no row still saying ``County``: the list's word for the kind changed, one
    ``source.schema_changed`` says so, and no agreement changed; the agreements' type
    is the new word, so one agreement's type changing later is its change."""
    r = Replay()
    r.feed(listing(TYPED))
    added = len(r.events)
    renamed = _typed({"County": "Sheriff", "Municipality": "Local"})
    r.feed(listing(renamed))
    assert r.events[added:] == []  # held: stated once a list a day later shows it too
    r.feed(listing(renamed))
    [event] = r.events[added:]
    assert (event.kind, event.before, event.after) == (
        "source.schema_changed",
        {"values": {"agency_type": ["County", "Municipality"]}},
        {"values": {"agency_type": ["Sheriff", "Local"]}},
    )
    assert "TYPE 'County' now 'Sheriff' (3 agreements)" in (event.note or "")
    assert (event.start and event.start.id, event.end.id) == ("s001", "s002")
    r.feed(listing([replace(renamed[0], agency_type="Local"), *renamed[1:]]))
    [changed] = r.events[added + 1 :]
    assert (changed.kind, changed.before, changed.after) == (
        "agreement.changed", {"agency_type": "Sheriff"}, {"agency_type": "Local"}
    )  # fmt: skip


def test_a_type_changing_for_some_of_its_agreements_or_few_is_each_ones_change() -> None:
    """Two of three ``County`` agreements now ``Sheriff`` (one still ``County``), or a
    type two agreements hold changing for both, or a type shown by a new row still:
    each agreement's change, as published."""
    some = [replace(r, agency_type="Sheriff") if r in TYPED[:2] else r for r in TYPED]
    few = _typed({"Tribal": "Nation"})
    still = [
        *_typed({"County": "Sheriff"}),
        row("India County Sheriff's Office", agency_type="County"),
    ]
    for shown, changes in ((some, 2), (few, 2), (still, 3)):
        r = Replay()
        r.feed(listing(TYPED))
        added = len(r.events)
        r.feed(listing(shown))
        kinds = Counter(e.kind for e in r.events[added:])
        assert kinds["agreement.changed"] == changes and kinds["source.schema_changed"] == 0


def test_a_type_every_application_shows_by_another_word_is_no_event() -> None:
    """An application's values are no events (only its listing is): a pending list's
    types renamed change nothing the record says."""
    r = Replay()
    r.feed(listing(TYPED, "pending", PENDING_COLS))
    added = len(r.events)
    r.feed(listing(_typed({"County": "Sheriff"}), "pending", PENDING_COLS))
    assert r.events[added:] == []


def test_moa_links_moved_with_their_file_names_to_one_other_place_are_no_change() -> None:
    """Three MOA links leaving ``www.ice.gov/doclib/287gMOA/`` for one other site and
    folder, each file keeping its name, while a fourth, wrapped in a redirect, still
    shows the old folder: the site moved its files, one ``source.schema_changed``, no
    agreement changed; a link to a file of another name there is that agreement's
    change."""
    old, new = "https://www.ice.gov/doclib/287gMOA/", "https://www.dhs.gov/ice/287g/moa/"
    wrapped = "https://gcc02.safelinks.protection.outlook.com/?url=" + old + "D.pdf"
    linked = [replace(r, moa_url=old + f"{r.agency[0]}.pdf") for r in BASE[:3]]
    before = [*linked, replace(BASE[3], moa_url=wrapped)]
    r = Replay()
    r.feed(listing(before))
    added = len(r.events)
    moved = [replace(x, moa_url=x.moa_url.replace(old, new)) for x in linked]
    for _ in range(2):  # held: stated once a list a day later shows it too
        r.feed(listing([*moved, before[3]]))
    [event] = r.events[added:]
    assert (event.kind, event.before, event.after) == (
        "source.schema_changed",
        {"values": {"moa_url": [old.rstrip("/")]}},
        {"values": {"moa_url": [new.rstrip("/")]}},
    )
    r.feed(listing([*moved[:2], replace(moved[2], moa_url=new + "G2.pdf"), before[3]]))
    [changed] = r.events[added + 1 :]
    assert changed.kind == "agreement.changed" and changed.after == {"moa_url": new + "G2.pdf"}


def _unread(r: ListingRow) -> ListingRow:
    """The row with a state cell no one can read (``UT - Beaver``): ``??``, flagged."""
    return replace(r, state="??", agency_key=agency_key(r.agency, None), flags=("state_unknown",))


def test_a_row_whose_state_cannot_be_read_is_its_known_agency_in_its_state() -> None:
    """Every STATE cell turned unreadable: each row is the known agency of its name, in
    its state; of two agencies of one name (Franklin County in AL and FL), the one with
    the row's MOA document, else its signed date. No event (before: every agency
    ``agency.renamed`` into ``??``, or relabelled there)."""
    moa = "https://www.ice.gov/doclib/287gMOA/FranklinCo{}_WSO.pdf"
    al = row(
        "Franklin County Sheriff's Office", "WSO", "AL", "2025-01-10", moa_url=moa.format("AL")
    )
    fl = row(
        "Franklin County Sheriff's Office", "WSO", "FL", "2025-01-10", moa_url=moa.format("FL")
    )
    ga = row("Franklin County Sheriff's Office", "JEM", "GA", "2025-01-20")
    tx = row("Franklin County Sheriff's Office", "JEM", "TX", "2025-01-30")
    listed = [al, fl, ga, tx, *BASE]
    r = Replay()
    r.feed(listing(listed))
    added = len(r.events)
    unread = [_unread(x) for x in listed]
    for _ in range(3):
        r.feed(listing(unread))
    assert r.events[added:] == []
    entries = r.state.participating.entries.values()
    assert {r.state.agencies[e.agency_id].state for e in entries} == {"AL", "FL", "GA", "TX"}


@pytest.mark.parametrize(
    "written",
    [
        "Ocala Police Department ({})",
        "{} - Ocala Police Department",
    ],
)
def test_a_name_with_its_own_county_set_off_after_it_is_no_rename_nor_change(
    written: str,
) -> None:
    """``Ocala Police Department`` listed as ``Ocala Police Department (Marion County)``
    or ``Marion County - Ocala Police Department``, its county cell Marion County: where
    it is adds nothing to its name (no event); an aside naming another county is no
    writing of its name (before, set off before the name: 40 ``agency.renamed`` and 40
    ``agreement.changed`` of the 29 August list's municipal agencies)."""
    ocala = row("Ocala Police Department", "TFM", state="FL", county="Marion County")
    others = [replace(r, state="FL") for r in BASE[:3]]
    renamed = ["agency.renamed", "agreement.changed"]
    for aside, kinds in (("Marion County", []), ("Marion", []), ("Lake County", renamed)):
        r = Replay()
        r.feed(listing([ocala, *others]))
        added = len(r.events)
        name = written.format(aside)
        named = replace(ocala, agency=name, agency_key=agency_key(name, "FL"))
        r.feed(listing([named, *others]))
        assert [e.kind for e in r.events[added:]] == kinds


def test_a_name_with_its_own_county_written_after_it_is_no_rename_nor_change() -> None:
    """``Ocala Police Department`` listed with its county on a second line of its cell
    (read ``Ocala Police Department Marion County``): its name written otherwise; a
    county other than its own so written is another name (a rename and a change)."""
    ocala = row("Ocala Police Department", "TFM", state="FL", county="Marion County")
    others = [replace(r, state="FL") for r in BASE[:3]]
    renamed = ["agency.renamed", "agreement.changed"]
    for county, kinds in (("Marion County", []), ("Lake County", renamed)):
        r = Replay()
        r.feed(listing([ocala, *others]))
        added = len(r.events)
        name = f"Ocala Police Department {county}"
        r.feed(listing([replace(ocala, agency=name, agency_key=agency_key(name, "FL")), *others]))
        assert [e.kind for e in r.events[added:]] == kinds


def test_a_name_ending_with_its_county_and_then_its_county_cell_is_no_rename_nor_change() -> None:
    """``Metro Police Authority of Genesee County`` listed with its county cell on a
    second line of its cell (read ``... of Genesee County Genesee County``): its name
    written otherwise, once its county is taken off either writing."""
    metro = row("Metro Police Authority of Genesee County", "TFM", "MI", county="Genesee County")
    others = [replace(r, state="MI") for r in BASE[:3]]
    r = Replay()
    r.feed(listing([metro, *others]))
    added = len(r.events)
    name = f"{metro.agency} Genesee County"
    r.feed(listing([replace(metro, agency=name, agency_key=agency_key(name, "MI")), *others]))
    assert r.events[added:] == []


LONG_NAMES = [
    ("Alpha County Sheriff's Office", "JEM"),
    ("Bravo Municipal Police Department", "TFM"),
    ("Charlie County Sheriff's Office", "WSO"),
    ("Delta Township Police Department", "TFM"),
    ("Echo County Sheriff's Office", "JEM"),
    ("Constable's Office, Precinct 1", "TFM"),
    ("Constable's Office, Precinct 2", "TFM"),
]


def test_names_cut_at_the_lists_width_are_the_names_they_begin() -> None:
    """A list whose names are cut at one width (here 18 characters: five names or more
    end there) names the known agencies whose names they begin: no rename, no agency
    added; two rows alike (one cut, one date) for two agencies are those two. A list
    that cuts nothing reads a shorter name as written: a new agency."""
    r = Replay()
    whole = [row(name, model) for name, model in LONG_NAMES]
    r.feed(listing(whole))
    added = len(r.events)
    cut = [
        replace(w, agency=w.agency[:18].strip(), agency_key=agency_key(w.agency[:18]))
        for w in whole
    ]
    r.feed(listing(cut))
    r.feed(listing(whole))
    assert r.events[added:] == []
    shorter = row("Alpha County", "TFM")  # no list cut: a name as written
    r.feed(listing([*whole, shorter]))
    assert {e.kind for e in r.events[added:]} == {"agreement.added", "agency.joined"}


def test_every_date_one_day_off_is_the_column_moved_and_a_few_are_changes() -> None:
    """A list whose known agreements' dates are nearly all one day off theirs, the same
    way (an export moving the column: a time zone applied to dates), is read a day
    back, with a note; a few dates one day off are what ICE published: changes."""
    r = Replay()
    rows = [
        row(f"Town {n} Police Department", "TFM", signed=f"2025-01-{n:02d}") for n in range(1, 26)
    ]
    r.feed(listing(rows))
    known = len(r.events)
    earlier = [replace(x, signed=x.signed - timedelta(days=1)) for x in rows if x.signed]
    moved = r.feed(listing(earlier))
    assert moved.events == () and moved.note and "read as the whole column moved" in moved.note
    r.feed(listing(rows))
    assert r.events[known:] == []
    few = [
        replace(x, signed=x.signed + timedelta(days=1)) if i < 3 and x.signed else x
        for i, x in enumerate(rows)
    ]
    r.feed(listing(few))
    assert [e.kind for e in r.events[known:]] == ["agreement.changed"] * 3


def test_a_name_written_otherwise_is_no_change_and_a_respelled_one_is() -> None:
    """The same name in capitals, or with ``SO`` for ``Sheriff's Office`` (the same
    key), a county without the word County, the counties of a regional jail in another
    order, change no agreement; the list's latest writing is kept. A respelling (another
    key) is the change it was."""
    r, columns = Replay(), (*PART_COLS, "COUNTY")
    regional = row("Beta Regional Jail", "WSO", county="Gamma, Delta and Beta Counties")
    first = [replace(BASE[0], county="Alpha County"), *BASE[1:]]
    r.feed(listing([*first, replace(regional, county="Beta, Gamma, Delta")], columns=columns))
    written = [row("ALPHA COUNTY SO", county="ALPHA"), *BASE[1:]]
    quiet = r.feed(listing([*written, regional], columns=columns))
    assert quiet.events == ()
    [entry] = [e for e in r.state.participating.entries.values() if e.model == "JEM"]
    assert (entry.fields["agency"], entry.fields["county"]) == ("ALPHA COUNTY SO", "ALPHA")
    respelled = r.feed(
        listing([row("Alfa County Sheriff's Office"), *BASE[1:], regional], columns=columns)
    )
    assert [e.kind for e in respelled.events if e.kind.startswith("agreement")] == [
        "agreement.changed"
    ]


def test_a_name_with_words_written_short_is_no_rename_nor_a_new_application() -> None:
    """``Coolspring Twp Const. Office`` is ``Coolspring Township Constable Office``: a
    word written short (its first letter, then some of its letters, with a period or
    no vowel after the first) is the word. An agreement listed so keeps its agency and
    reports nothing, and so does an application (no papers to tie it by); ``Lake`` is
    no shortening of ``Lakeland``."""
    r = Replay()
    fort = row("Fort Myers Police Department", "TFM", "FL")
    constable = row("Coolspring Township Constable Office", "TFM", "PA")
    pending = row("Galveston County Constable Office Precinct 1", "TFM", "TX")
    r.feed(listing([fort, constable, *BASE]))
    r.feed(listing([pending], "pending", PENDING_COLS))
    known = len(r.events)
    short = [
        row("Ft. Myers Police Department", "TFM", "FL"),
        row("Coolspring Twp Const. Office", "TFM", "PA"),
    ]
    r.feed(listing([*short, *BASE]))
    r.feed(
        listing(
            [row("Galveston County Const. Office Pct. 1", "TFM", "TX")], "pending", PENDING_COLS
        )
    )
    r.feed(listing([*short, *BASE]))
    r.feed(
        listing(
            [row("Galveston County Const. Office Pct. 1", "TFM", "TX")], "pending", PENDING_COLS
        )
    )
    assert r.events[known:] == []
    r.feed(listing([*short, *BASE, row("Lake Police Department", "TFM", "FL")]))
    assert {e.kind for e in r.events[known:]} == {"agreement.added", "agency.joined"}


def test_a_number_written_in_words_or_digits_is_no_rename_nor_change() -> None:
    """``Office of the State Attorney Sixth Judicial Circuit`` written ``6th``,
    ``Lower Burrell Fourth Ward Constable`` written ``4th`` and ``Precinct No. 04``
    written ``Precinct Four``: a number is one number however written, so the agency
    keeps its id and nothing is reported (before: an ``agency.renamed`` and an
    ``agreement.changed`` each). Another number is another agency."""
    r = Replay()
    named = [
        row("Office of the State Attorney Sixth Judicial Circuit", "TFM", "FL"),
        row("Lower Burrell Fourth Ward Constable", "TFM", "PA"),
        row("Harris County Constable Precinct No. 04", "TFM", "TX"),
    ]
    r.feed(listing([*named, *BASE]))
    ids = {e.agency_id for e in r.state.participating.entries.values()}
    written = [
        row("Office of the State Attorney 6th Judicial Circuit", "TFM", "FL"),
        row("Lower Burrell 4th Ward Constable", "TFM", "PA"),
        row("Harris County Constable Precinct Four", "TFM", "TX"),
    ]
    assert r.feed(listing([*written, *BASE])).events == ()
    assert {e.agency_id for e in r.state.participating.entries.values()} == ids
    other = r.feed(
        listing([*written, *BASE, row("Harris County Constable Precinct 5", "TFM", "TX")])
    )
    assert {e.kind for e in other.events} == {"agreement.added", "agency.joined"}


def test_a_name_written_with_a_space_more_or_less_or_without_accents_is_no_rename() -> None:
    """``DeSoto County Sheriff's Office`` written ``De Soto``, ``McMinn`` written ``Mc
    Minn``, ``Doña Ana`` written ``Dona Ana``: the same letters in order are the same
    name, where a word breaks and an accent being the writing's. The agency keeps its
    id and nothing is reported, with papers to tie the rows or without (before: an
    ``agency.renamed`` and an ``agreement.changed`` each). Other letters are another
    agency."""
    r = Replay()
    named = [
        row("DeSoto County Sheriff's Office", "TFM", "FL"),
        row("McMinn County Sheriff's Office", "WSO", "TN", signed=None),
        row("Doña Ana County Sheriff's Office", "JEM", "NM", signed=None),
    ]
    r.feed(listing([*named, *BASE]))
    ids = {e.agency_id for e in r.state.participating.entries.values()}
    written = [
        row("De Soto County Sheriff's Office", "TFM", "FL"),
        row("Mc Minn County Sheriff's Office", "WSO", "TN", signed=None),
        row("Dona Ana County Sheriff's Office", "JEM", "NM", signed=None),
    ]
    assert r.feed(listing([*written, *BASE])).events == ()
    assert {e.agency_id for e in r.state.participating.entries.values()} == ids
    other = r.feed(listing([*written, *BASE, row("De Sota County Sheriff's Office", "TFM", "FL")]))
    assert {e.kind for e in other.events} == {"agreement.added", "agency.joined"}


def test_a_name_with_its_words_in_another_order_is_no_rename_nor_change() -> None:
    """ICE swapping two words of a name (``Wyoming State Highway Patrol``, ``Wyoming
    Highway State Patrol``), writing it inverted (``Police Department, University of
    Florida``, its state's name now last) or after its state (``TX: ...``) keeps the
    agency and, the words being the same, reports nothing."""
    r = Replay()
    florida = row("University of Florida Police Department", "TFM", "FL")
    r.feed(listing([row("Wyoming State Highway Patrol", "TFM", "WY"), florida, *BASE]))
    swapped = r.feed(listing([row("Wyoming Highway State Patrol", "TFM", "WY"), florida, *BASE]))
    inverted = r.feed(
        listing(
            [
                row("Wyoming Highway State Patrol", "TFM", "WY"),
                *BASE[1:],
                row("Sheriff's Office, Alpha County"),
                row("Police Department, University of Florida", "TFM", "FL"),
            ]
        )
    )
    assert swapped.events == () and inverted.events == ()
    after_state = r.feed(
        listing(
            [
                row("WY - Wyoming Highway State Patrol", "TFM", "WY"),
                *BASE[1:],
                row("TX: Alpha County Sheriff's Office"),
                row("Police Department, University of Florida", "TFM", "FL"),
            ]
        )
    )
    assert after_state.events == ()


def test_models_changed_and_rename() -> None:
    r = Replay()
    r.feed(listing(BASE))
    r.feed(listing(BASE + [row("Alpha County Sheriff's Office", "WSO")]))
    [models] = [e for e in r.events if e.kind == "agency.models_changed"]
    assert models.before == {"models": ["JEM"]} and models.after == {"models": ["JEM", "WSO"]}
    renamed = [row("Gama County Sheriff's Office", "WSO")]
    r.feed(
        listing(
            [BASE[0], BASE[1], renamed[0], BASE[3], row("Alpha County Sheriff's Office", "WSO")]
        )
    )
    [rename] = [e for e in r.events if e.kind == "agency.renamed"]
    assert rename.before == {"name": "Gamma County Sheriff's Office"}
    assert "agreement.withdrawn" not in r.kinds()


def test_a_model_set_changed_by_a_withdrawal_is_dated_by_the_withdrawal() -> None:
    """An agency's set of models changes when its agreement leaves the list: the
    ``agency.models_changed`` of a withdrawal recorded once its absence persisted takes
    the withdrawal's window (the last list showing the agreement, the first lacking
    it), recorded with it, as ``agency.left`` does (before: the window of the list that
    recorded it; Jackson County, Minnesota's JEM agreement, 11 July 2025, was dated 23
    July)."""
    r = Replay()
    r.feed(listing(BASE))
    later = row("Zeta Police Department", "TFM")
    r.feed(listing([*BASE, row("Alpha County Sheriff's Office", "WSO"), later]))
    r.feed(listing([*BASE, later]))
    r.feed(listing([later, *BASE]))  # another version lacking it: the absence persisted
    [gone] = [e for e in r.events if e.kind == "agreement.withdrawn"]
    [models] = [
        e for e in r.events if e.kind == "agency.models_changed" and e.after == {"models": ["JEM"]}
    ]
    assert (gone.start, gone.end) == (models.start, models.end)
    assert (models.start.id, models.end.id, models.recorded and models.recorded.id) == (
        "s002",
        "s003",
        "s004",
    )


BUTLER = "Butler County Sheriff's Office"
SLOW = Rules(withdraw_after_snapshots=3, withdraw_after_days=0, min_row_loss=3)


def _set_events(r: Replay) -> list[tuple[str, object, object, str | None, str, str | None]]:
    return [
        (
            e.kind,
            e.before,
            e.after,
            e.start.id if e.start else None,
            e.end.id,
            e.recorded.id if e.recorded else None,
        )
        for e in r.events
        if e.kind.startswith("agency.") and e.agency and "Butler" in e.agency
    ]


def test_an_agency_switching_models_with_a_gap_leaves_then_joins() -> None:
    """Butler County, PA: its WSO agreement's row left, and a week later a TFM agreement
    was listed while the WSO one was still only missing; once the WSO one was withdrawn
    (dated back to when its row left), the agency had left, then joined again. Before:
    ``{TFM, WSO} -> {TFM}`` dated when WSO left (TFM not yet listed) and ``{WSO} -> {TFM,
    WSO}``, a set it never had."""
    r = Replay(SLOW)
    wso, tfm = row(BUTLER, "WSO", "PA"), row(BUTLER, "TFM", "PA", "2025-06-10")
    r.feed(listing([*BASE, wso]))
    r.feed(listing(BASE))
    r.feed(listing([*BASE, tfm]))
    r.feed(listing([tfm, *BASE]))  # the third version lacking WSO: withdrawn
    assert _set_events(r)[1:] == [
        ("agency.left", {"models": ["WSO"]}, None, "s001", "s002", "s004"),
        ("agency.joined", None, {"models": ["TFM"]}, "s002", "s003", "s004"),
    ]


def test_an_agency_switching_models_in_one_capture_changes_its_set_once() -> None:
    """The WSO row gone and the TFM row listed in one capture: once WSO is withdrawn,
    one ``{WSO} -> {TFM}`` in that capture's window (before: ``{WSO} -> {TFM, WSO}`` and
    ``{TFM, WSO} -> {TFM}`` in one window)."""
    r = Replay(SLOW)
    wso, tfm = row(BUTLER, "WSO", "PA"), row(BUTLER, "TFM", "PA", "2025-06-10")
    r.feed(listing([*BASE, wso]))
    r.feed(listing([*BASE, tfm]))
    r.feed(listing([tfm, *BASE]))
    r.feed(listing([BASE[1], tfm, BASE[0], *BASE[2:]]))
    assert _set_events(r)[1:] == [
        ("agency.models_changed", {"models": ["WSO"]}, {"models": ["TFM"]}, "s001", "s002", "s004")
    ]


def test_an_agreement_added_while_another_flickers_grows_the_set_when_it_returns() -> None:
    """The WSO row missing for a capture as TFM is listed, then back: the set grew by
    TFM, told once WSO's fate is known, dated by TFM's window."""
    r = Replay(SLOW)
    wso, tfm = row(BUTLER, "WSO", "PA"), row(BUTLER, "TFM", "PA", "2025-06-10")
    r.feed(listing([*BASE, wso]))
    r.feed(listing(BASE))
    r.feed(listing([*BASE, tfm]))
    r.feed(listing([*BASE, tfm, wso]))
    assert _set_events(r)[1:] == [
        (
            "agency.models_changed",
            {"models": ["WSO"]},
            {"models": ["TFM", "WSO"]},
            "s002",
            "s003",
            "s004",
        )
    ]


MEMBERS = [
    (name, model) for name in ("Butler", "Clarion", "Forest") for model in ("JEM", "TFM", "WSO")
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sets(st.sampled_from(MEMBERS), max_size=6), min_size=2, max_size=7))
def test_an_agency_s_set_events_chain_in_window_order_to_the_models_it_has(
    lists: list[set[tuple[str, str]]],
) -> None:
    """Whatever agreements come and go (and flicker), an agency's ``agency.joined``,
    ``agency.left`` and ``agency.models_changed`` read in the order of their windows
    chain (each starts from the set the one before ended with) and end at the models
    it has listed, once none of its agreements is missing."""
    r = Replay(SLOW)
    for listed in lists:
        rows = [
            row(f"{name} County Sheriff's Office", model, "PA") for name, model in sorted(listed)
        ]
        r.feed(listing([*BASE, *rows]))
    held = {h.agency_id for h in r.state.participating.membership_held}
    entries = r.state.participating.entries.values()
    for agency_id in {e.agency_id for e in entries} - held:
        if any(e.status == "missing" for e in entries if e.agency_id == agency_id):
            continue
        told = sorted(
            (e for e in r.events if e.subject == agency_id and e.kind.startswith("agency.")),
            key=lambda e: (e.end.observed_at, e.start.observed_at if e.start else ""),
        )
        models: list[str] = []
        for event in told:
            assert (event.before or {}).get("models", []) == models, (agency_id, event)
            models = (event.after or {}).get("models", [])
        listed_now = sorted(
            e.model for e in entries if e.agency_id == agency_id and e.status == "active"
        )
        assert models == listed_now, agency_id


def test_pending_approved_and_dropped() -> None:
    r = Replay()
    pend = [row("Omega PD", "TFM", signed=None), row("Sigma SO", "WSO", signed=None)]
    r.feed(listing(BASE))
    r.feed(listing(pend, "pending", ("STATE", "AGENCY", "SUPPORT TYPE")))
    r.feed(listing(BASE + [row("Omega PD", "TFM")]))
    r.feed(listing([], "pending"))  # empty: rejected by the gate
    r.feed(listing(pend[:1], "pending", ("STATE", "AGENCY", "SUPPORT TYPE")))
    r.feed(
        listing(
            [row("Kappa PD", "TFM", signed=None)], "pending", ("STATE", "AGENCY", "SUPPORT TYPE")
        )
    )
    kinds = r.kinds()
    assert kinds["pending.approved"] == 1 and kinds["pending.dropped"] == 1
    assert kinds["snapshot.rejected"] == 1


def test_swapped_list_is_rejected() -> None:
    r = Replay()
    r.feed(listing(BASE))
    out = r.feed(listing([row("X PD", signed=None)], "pending"), claimed="participating")
    assert not out.accepted and "claims to be the participating list" in (out.reason or "")


def test_large_loss_rejected_then_accepted_when_it_persists() -> None:
    many = [row(f"Agency {i} PD", "TFM") for i in range(20)]
    r = Replay(
        Rules(
            withdraw_after_snapshots=2,
            withdraw_after_days=0,
            min_row_loss=3,
            max_row_loss_share=0.25,
            loss_confirm_hours=24,
        )
    )
    r.feed(listing(many))
    first = r.feed(listing(many[:5]))
    assert not first.accepted
    second = r.feed(listing(many[:5]))
    assert second.accepted and "persisted" in (second.note or "")
    assert r.kinds()["agreement.withdrawn"] == 0
    r.feed(listing(many[:5] + [row("Newcomer PD", "TFM")]))
    assert r.kinds()["agreement.withdrawn"] == 15


OFFICES = [
    row(f"{name} County Sheriff's Office", agency_type="County", county=f"{name} County")
    for name in ("Adams", "Baker", "Clark", "Dixon", "Ellis", "Floyd")
]


def _named(r: ListingRow, name: str) -> ListingRow:
    return replace(r, agency=name, agency_key=agency_key(name, r.state))


def test_a_list_losing_many_rows_and_changing_many_agreements_is_read_once_it_persists() -> None:
    """Six sheriffs' offices each listed under another writing (``Sheriff's
    Department``, ``Sheriffs Department``, ``Sheriff Department``): their rows, read
    under the agencies they are, are no rows lost, but as many agreements changed at
    once: held, and read when the next list shows the same. (Held for the loss of their
    rows first, then for the changes, the third list was read; before that, the two
    holds took turns and no list was ever read again.)"""
    endings = ("Sheriff's Department", "Sheriffs Department", "Sheriff Department") * 2
    renamed = [
        _named(r, r.agency.replace("Sheriff's Office", end))
        for r, end in zip(OFFICES, endings, strict=True)
    ]
    r = Replay()
    r.feed(listing([*OFFICES, *BASE]))
    verdicts = [r.feed(listing([*renamed, *BASE])).accepted for _ in range(4)]
    assert verdicts == [False, True, True, True]
    assert r.kinds()["agreement.changed"] == 6


def test_a_phrase_rewritten_in_nearly_every_name_holding_it_renames_no_agency() -> None:
    """Every ``Sheriff's Office`` listed as ``Sheriff's Department`` but one written
    with a curled apostrophe, which a find and replace misses: the list's writing, one
    ``source.schema_changed``, no agency renamed, no name changed, and no row lost (the
    rows are the same agencies': before, the list was held a day for losing them); the
    names are the agencies' aliases, so a later list under the old names is no rename
    either."""
    offices = [*OFFICES, *(_named(x, x.agency.replace("County", "Parish")) for x in OFFICES)]
    curled = _named(OFFICES[0], "Grant County Sheriff\u2019s Office")
    rewritten = [_named(x, x.agency.replace("Office", "Department")) for x in offices]
    police = [BASE[1], BASE[3]]
    r = Replay()
    r.feed(listing([*offices, curled, *police]))
    added = len(r.events)
    verdicts = [r.feed(listing([*rewritten, curled, *police])).accepted for _ in range(2)]
    assert verdicts == [True, True]
    [event] = r.events[added:]
    assert (event.kind, event.before, event.after) == (
        "source.schema_changed",
        {"values": {"agency": ["sheriff's office"]}},
        {"values": {"agency": ["sheriff's department"]}},
    )
    assert "(12 names)" in (event.note or "")


def test_words_a_find_and_replace_rewrote_before_other_words_are_its_too() -> None:
    """``County`` dropped from every ``County Sheriff's Office`` (twelve names) and from
    the two ``County Sheriff's Department`` and the one ``County Sheriffs Office`` too:
    one find and replace, whatever followed its words (before: the twelve were one
    rewrite, the three others three renames and three changed names). The same words
    dropped in one name of two holding them there is that name's rename."""
    offices = [*OFFICES, *(_named(x, x.agency.replace(" County", "ton County")) for x in OFFICES)]
    others = [
        row("Hale County Sheriff's Department", agency_type="County", county="Hale County"),
        row("Iron County Sheriff's Department", agency_type="County", county="Iron County"),
        row("Jack County Sheriffs Office", agency_type="County", county="Jack County"),
    ]
    r = Replay()
    r.feed(listing([*offices, *others, *BASE[1::2]]))
    added = len(r.events)
    listed = [*offices, *others]
    dropped = [_named(x, x.agency.replace(" County Sheriff", " Sheriff")) for x in listed]
    for _ in range(2):
        r.feed(listing([*dropped, *BASE[1::2]]))
    kinds = Counter(e.kind for e in r.events[added:])
    assert kinds == {"source.schema_changed": 1}
    [event] = [e for e in r.events[added:] if e.kind == "source.schema_changed"]
    assert event.before == {
        "values": {
            "agency": [
                "county sheriff's department",
                "county sheriff's office",
                "county sheriffs office",
            ]
        }
    }


def test_words_rewritten_in_one_name_of_two_holding_them_there_stay_its_rename() -> None:
    """The words a find and replace rewrote, dropped before other words in one name of
    two holding them there: not nearly every name, so that name's own rename."""
    offices = [*OFFICES, *(_named(x, x.agency.replace(" County", "ton County")) for x in OFFICES)]
    others = [
        row("Hale County Sheriff's Department", agency_type="County", county="Hale County"),
        row("Iron County Sheriff's Department", agency_type="County", county="Iron County"),
    ]
    r = Replay()
    r.feed(listing([*offices, *others, *BASE[1::2]]))
    added = len(r.events)
    dropped = [_named(x, x.agency.replace(" County Sheriff", " Sheriff")) for x in offices]
    dropped.append(_named(others[0], "Hale Sheriff's Department"))
    for _ in range(2):
        r.feed(listing([*dropped, others[1], *BASE[1::2]]))
    renamed = [e.agency for e in r.events[added:] if e.kind == "agency.renamed"]
    assert renamed == ["Hale Sheriff's Department"]


def test_a_phrase_every_name_begins_with_dropped_renames_no_agency() -> None:
    """``City of`` dropped from the twelve names beginning with it: held at the names'
    start (the words after it are each agency's own), one ``source.schema_changed``."""
    places = ("Avon", "Bay", "Cove", "Dale", "Elm", "Fern", "Glen", "Hill", "Isle", "Jay")
    cities = [row(f"City of {p} Police Department", "TFM", agency_type="Municipality")
              for p in (*places, "Kent", "Lake")]  # fmt: skip
    r = Replay()
    r.feed(listing(cities))
    added = len(r.events)
    dropped = [_named(x, x.agency.removeprefix("City of ")) for x in cities]
    for _ in range(2):  # held: stated once a list a day later shows it too
        r.feed(listing(dropped))
    [event] = r.events[added:]
    assert event.kind == "source.schema_changed"
    assert (event.before, event.after) == (
        {"values": {"agency": ["city of …"]}}, {"values": {"agency": ["…"]}}
    )  # fmt: skip


def test_words_put_before_every_name_of_one_kind_of_agency_rename_no_agency() -> None:
    """``City of`` put before the name of every town (twelve), the sheriffs' names as
    they were: a find and replace over the names of one kind of agency, the list's
    writing (one ``source.schema_changed``), not twelve agencies renamed; put before
    three towns' names of twelve, three renames."""
    places = ("Avon", "Bay", "Cove", "Dale", "Elm", "Fern", "Glen", "Hill", "Isle", "Jay")
    towns = [row(f"{p} Police Department", "TFM", agency_type="Municipality")
             for p in (*places, "Kent", "Lake")]  # fmt: skip
    sheriffs = [replace(x, agency_type="County") for x in OFFICES]
    for renamed, kinds in ((12, {"source.schema_changed": 1}), (3, {"agency.renamed": 3})):
        r = Replay()
        r.feed(listing([*towns, *sheriffs]))
        added = len(r.events)
        cities = [_named(x, f"City of {x.agency}") for x in towns[:renamed]]
        for _ in range(2):  # a rewrite is held: stated once a list a day later shows it
            r.feed(listing([*cities, *towns[renamed:], *sheriffs]))
        found = Counter(e.kind for e in r.events[added:] if e.kind != "agreement.changed")
        assert found == kinds


def test_values_renamed_and_back_every_other_list_are_flicker_not_renames() -> None:
    """Copies of two writings served in turn (every MOA at one site, then another; every
    ``County`` a ``Sheriff``, then back): the entries take each list's values, no
    agreement changes, and no ``source.schema_changed`` (before: one a list, and older
    copies held as stale since reading them recorded one; found by the corpus with
    every other capture from June writing its links at another site)."""
    r = Replay()
    r.feed(listing(TYPED))
    added = len(r.events)
    renamed = _typed({"County": "Sheriff", "Municipality": "Local"})
    r.feed(listing(renamed))
    assert r.state.participating.renames_held != ()
    assert ProgramState.from_dict(r.state.to_dict()) == r.state
    for day in range(5):
        r.feed(listing(TYPED if day % 2 == 0 else renamed))
    assert r.events[added:] == []
    assert r.state.participating.renames_held == ()


def test_names_only_written_otherwise_are_no_rewrite_beside_agencies_renamed() -> None:
    """Ten of twenty-four sheriffs' offices renamed departments in one list (too few of
    those holding the phrase for a find and replace: each its own rename), and twelve
    other names written otherwise (``St.`` for ``Saint``: the same names by the rules):
    no phrase rewritten (before: one ``source.schema_changed`` claiming ``saint …``
    became ``st …``, whenever a copy writing so came with ten renames; found by the
    corpus with every other capture from June writing ``Saint`` for ``St.``)."""
    saints = [row(f"Saint {w} Police Department", "TFM") for w in ("Ann", "Bede", "Cyr", "Dunstan",
              "Eloi", "Fiacre", "Giles", "Hilda", "Ives", "Jude", "Kevin", "Louis")]  # fmt: skip
    counties = ("Adams", "Baker", "Clark", "Dixon", "Ellis", "Floyd", "Grant", "Hayes", "Irwin",
                "Jones", "Knox", "Lee", "Macon", "Nash", "Ohio", "Pike", "Quay", "Rusk", "Scott",
                "Tift", "Upson", "Vance", "Wayne", "Yell")  # fmt: skip
    offices = [
        row(f"{w} County Sheriff's Office", agency_type="County", county=f"{w} County")
        for w in counties
    ]
    r = Replay(replace(RULES, min_row_loss=50))  # not held as a change of many at once
    r.feed(listing([*saints, *offices, *BASE]))
    added = len(r.events)
    short = [_named(x, x.agency.replace("Saint ", "St. ")) for x in saints]
    renamed = [_named(x, x.agency.replace("Office", "Department")) for x in offices[:10]]
    r.feed(listing([*short, *renamed, *offices[10:], *BASE]))
    kinds = Counter(e.kind for e in r.events[added:])
    assert kinds == {"agency.renamed": 10, "agreement.changed": 10}


def test_a_phrase_rewritten_in_a_few_names_of_many_holding_it_is_each_ones_rename() -> None:
    """Three of six ``Sheriff's Office`` written ``Sheriff's Department``: three
    agencies renamed alike, each one's rename, as published."""
    rewritten = [_named(x, x.agency.replace("Office", "Department")) for x in OFFICES[:3]]
    r = Replay()
    r.feed(listing([*OFFICES, *BASE]))
    added = len(r.events)
    r.feed(listing([*rewritten, *OFFICES[3:], *BASE]))
    kinds = Counter(e.kind for e in r.events[added:])
    assert kinds == {"agency.renamed": 3, "agreement.changed": 3}


def test_a_schema_change_is_one_event_once_a_later_list_still_has_the_columns() -> None:
    """Held as a change of many agreements at once is (``diffs/schema.py``): dated by
    the last list with the old columns and the first with the new, recorded by the list
    a day later that still has them; the held list's note says so."""
    r = Replay()
    r.feed(listing(BASE))
    held = r.feed(listing(BASE, columns=PART_COLS + ("ADDENDUM",)))
    assert r.kinds()["source.schema_changed"] == 0
    assert held.note == "columns held until a later list has them too: +ADDENDUM"
    r.feed(listing(BASE, columns=PART_COLS + ("ADDENDUM",)))
    [event] = [e for e in r.events if e.kind == "source.schema_changed"]
    assert (event.start and event.start.id, event.end.id) == ("s001", "s002")
    assert event.recorded is not None and event.recorded.id == "s003"
    assert event.after == {"columns": [*PART_COLS, "ADDENDUM"]}


def test_columns_dropped_every_other_list_are_flicker_not_schema_changes() -> None:
    """A second server or a cache serving an older layout in turn: each list read by
    its own columns, no ``source.schema_changed`` (before: one a list, and an older
    copy's bytes held as stale since reading it recorded one)."""
    r = Replay()
    fewer = tuple(c for c in PART_COLS if c != "MOA")
    for day in range(8):
        r.feed(listing(BASE, columns=fewer if day % 2 else PART_COLS))
    assert r.kinds() == {"agreement.added": 4, "agency.joined": 4}


def test_each_column_changed_is_held_and_dated_by_itself() -> None:
    """A column added and kept is stated though another comes and goes meanwhile; two
    added a day apart are two events, each with its own window."""
    r = Replay()
    r.feed(listing(BASE))
    r.feed(listing(BASE, columns=PART_COLS + ("ADDENDUM",)))
    r.feed(listing(BASE, columns=PART_COLS + ("ADDENDUM", "COUNTY")))
    r.feed(listing(BASE, columns=PART_COLS + ("ADDENDUM", "COUNTY")))
    schema = [e for e in r.events if e.kind == "source.schema_changed"]
    assert [(e.start and e.start.id, e.end.id, e.recorded and e.recorded.id) for e in schema] == [
        ("s001", "s002", "s003"),
        ("s002", "s003", "s004"),
    ]
    assert schema[1].after == {"columns": [*PART_COLS, "ADDENDUM", "COUNTY"]}
    r = Replay()
    r.feed(listing(BASE))
    for day in range(6):  # ADDENDUM from s002 on, NOTES every other list
        extra = ("ADDENDUM", "NOTES") if day % 2 else ("ADDENDUM",)
        r.feed(listing(BASE, columns=PART_COLS + extra))
    [event] = [e for e in r.events if e.kind == "source.schema_changed"]
    assert event.after == {"columns": [*PART_COLS, "ADDENDUM"]}


def test_columns_only_moved_are_not_a_schema_change() -> None:
    r = Replay()
    r.feed(listing(BASE))
    r.feed(listing(BASE[::-1], columns=tuple(reversed(PART_COLS))))
    assert r.kinds()["source.schema_changed"] == 0
    for _ in range(2):  # a column named twice, still a day later
        r.feed(listing(BASE, columns=PART_COLS + ("AGENCY",)))
    assert r.kinds()["source.schema_changed"] == 1


NAMES = [
    f"{w} County Sheriff's Office"
    for w in ("Adams", "Baker", "Clay", "Dixie", "Echols", "Floyd", "Grady", "Hall")
]
rows_strategy = st.lists(
    st.tuples(st.sampled_from(NAMES), st.sampled_from(["JEM", "TFM", "WSO"])),
    min_size=1,
    max_size=12,
    unique=True,
).map(lambda pairs: [row(n, m) for n, m in pairs])


@settings(max_examples=60, deadline=None)
@given(st.lists(rows_strategy, min_size=1, max_size=8))
def test_replay_is_deterministic_and_ids_unique(sequence: list[list[ListingRow]]) -> None:
    runs = []
    for _ in range(2):
        r = Replay(Rules(withdraw_after_snapshots=2, withdraw_after_days=0))
        for rows in sequence:
            r.feed(listing(rows))
        runs.append([e.to_dict() for e in r.events])
    assert runs[0] == runs[1]
    ids = [e["id"] for e in runs[0]]
    assert len(ids) == len(set(ids))


@settings(max_examples=60, deadline=None)
@given(rows_strategy, st.integers(min_value=0, max_value=11))
def test_one_missing_snapshot_never_withdraws(rows: list[ListingRow], drop: int) -> None:
    r = Replay(Rules(withdraw_after_snapshots=2, withdraw_after_days=0, min_row_loss=100))
    r.feed(listing(rows))
    r.feed(listing([x for i, x in enumerate(rows) if i != drop % len(rows)] or rows))
    r.feed(listing(rows))
    assert "agreement.withdrawn" not in r.kinds()


def test_state_round_trips_through_json() -> None:
    r = Replay()
    r.feed(listing(BASE))
    r.feed(listing(BASE[:3]))
    state = r.state
    state = ProgramState.from_dict(state.to_dict())
    assert state.to_dict() == r.state.to_dict()
    from dataclasses import replace

    with_moa = replace(state, moas={"https://x/a.pdf": {"sha256": "s", "fields": {}}})
    assert ProgramState.from_dict(with_moa.to_dict()).moas == with_moa.moas


def test_a_new_column_filling_in_is_not_a_change() -> None:
    r = Replay()
    r.feed(listing(BASE))
    with_county = [row(x.agency, x.model or "JEM", county="Some County") for x in BASE]
    r.feed(listing(with_county, columns=PART_COLS + ("COUNTY",)))
    assert "agreement.changed" not in r.kinds()
    moved = [row(BASE[0].agency, "JEM", county="Other County")] + with_county[1:]
    r.feed(listing(moved, columns=PART_COLS + ("COUNTY",)))
    assert r.kinds()["agreement.changed"] == 1


def test_a_new_column_filling_in_a_row_missing_from_its_first_list_is_not_a_change() -> None:
    """A row missing from the first list with a new column (a day's flicker), back in
    the next, was never shown with the column: its value fills in, no change (it was an
    ``agreement.changed`` from no county, helper 44's simulator). Once shown with the
    column, a new value is a change; the state keeps when the column began."""
    r, columns = Replay(), PART_COLS + ("COUNTY",)
    r.feed(listing(BASE))
    with_county = [row(x.agency, x.model or "JEM", county=f"C{n}") for n, x in enumerate(BASE)]
    r.feed(listing(with_county[1:], columns=columns))
    r.feed(listing(with_county, columns=columns))
    assert "agreement.changed" not in r.kinds()
    assert set(r.state.participating.shown_since) == {"county", "agency_type", "signed", "moa_url"}
    assert ProgramState.from_dict(r.state.to_dict()) == r.state
    moved = [replace(with_county[0], county="Other County"), *with_county[1:]]
    r.feed(listing(moved, columns=columns))
    assert r.kinds()["agreement.changed"] == 1


def test_a_blank_shown_before_a_column_went_and_came_back_is_filled_by_a_change() -> None:
    """A row shown with its county blank, then lists without the column, then missing
    from the first list with it again, then back with a county: a list with the column
    showed it blank, so the county is a change (it was lost: helper 54); only a column
    never seen before fills in."""
    r, columns = Replay(), PART_COLS + ("COUNTY",)
    blank = [row(x.agency, x.model or "JEM", county=None) for x in BASE]
    r.feed(listing(blank, columns=columns))
    r.feed(listing(BASE))
    r.feed(listing(blank[1:], columns=columns))
    filled = [replace(blank[0], county="Bexar County"), *blank[1:]]
    r.feed(listing(filled, columns=columns))
    [changed] = [e for e in r.events if e.kind == "agreement.changed"]
    assert changed.after == {"county": "Bexar County"}


def test_a_column_dropped_from_the_list_changes_no_agreement() -> None:
    r = Replay()
    county_cols = PART_COLS + ("COUNTY",)
    with_county = [row(x.agency, x.model or "JEM", county="Some County") for x in BASE]
    r.feed(listing(with_county, columns=county_cols))
    r.feed(listing(BASE))  # no COUNTY column: it says nothing of the counties
    r.feed(listing(BASE))
    assert r.kinds() == {"agreement.added": 4, "agency.joined": 4, "source.schema_changed": 1}
    counties = {e.fields["county"] for e in r.state.participating.entries.values()}
    assert counties == {"Some County"}
    moved = [row(BASE[0].agency, "JEM", county="Other County")] + with_county[1:]
    r.feed(listing(moved, columns=county_cols))  # back, one county changed meanwhile
    r.feed(listing(moved, columns=county_cols))
    assert r.kinds()["agreement.changed"] == 1 and r.kinds()["source.schema_changed"] == 2
    # changed since the last list with the column, not since the last without it
    [changed] = [e for e in r.events if e.kind == "agreement.changed"]
    assert (changed.start and changed.start.id, changed.end.id) == ("s001", "s004")


def test_a_value_blanked_across_a_list_without_its_column_is_dated_from_the_last_showing_it() -> (
    None
):
    """A list without the column says nothing of the value: a blank held before it stands
    (before: it ended, started again, and never persisted), and a blank found after it
    starts at the last list with the column."""
    rules = Rules(withdraw_after_snapshots=2, withdraw_after_days=3, max_row_loss_share=1.0)
    r = Replay(rules)
    county_cols = PART_COLS + ("COUNTY",)
    with_county = [row(x.agency, x.model or "JEM", county="Some County") for x in BASE]
    blanked = [replace(with_county[0], county=None), *with_county[1:]]
    r.feed(listing(with_county, columns=county_cols))  # s001: shows the county
    for day in range(6):  # s002 on: no COUNTY column, then the county blank, in turn
        more = [row(f"Agency {n} Police Department", "TFM") for n in range(day)]  # versions
        if day % 2 == 0:
            r.feed(listing([*BASE, *more]))
        else:
            r.feed(listing([*blanked, *more], columns=county_cols))
    [changed] = [e for e in r.events if e.kind == "agreement.changed"]
    assert changed.after == {"county": None}
    assert (changed.start and changed.start.id, changed.end.id) == ("s001", "s003")


def _listing_rows() -> st.SearchStrategy[ListingRow]:
    maybe = st.none() | st.sampled_from(["Sheriff", "Police", "https://www.ice.gov/a.pdf", ""])
    return st.builds(
        ListingRow,
        state=st.sampled_from(["FL", "TX"]),
        agency=st.sampled_from(NAMES),
        agency_key=st.just("k"),
        model=st.sampled_from(["JEM", "TFM", None]),
        agency_type=maybe,
        county=maybe,
        signed=st.none() | st.dates(date(2024, 1, 1), date(2024, 1, 3)),
        moa_url=maybe,
        addendum_url=maybe,
    )


@settings(max_examples=300, deadline=None)
@given(_listing_rows(), _listing_rows(), st.sampled_from(["participating", "pending"]))
def test_the_quick_unchanged_check_agrees_with_comparing_the_fields(
    row: ListingRow, other: ListingRow, kind: str
) -> None:
    from diffs.fields import row_fields, shows_fields

    for fields in (row_fields(other, kind), row_fields(row, kind)):
        assert shows_fields(row, kind, fields) == (row_fields(row, kind) == fields)


def test_columns_held_and_fields_unshown_survive_the_state_round_trip() -> None:
    r = Replay()
    r.feed(listing(BASE, columns=PART_COLS + ("COUNTY",)))
    r.feed(listing(BASE))  # COUNTY held as dropped, its field unshown since s001
    participating = r.state.participating
    assert participating.schema_held != () and set(participating.unshown) == {"county"}
    assert ProgramState.from_dict(r.state.to_dict()) == r.state


def test_a_state_saved_before_columns_were_held_states_its_columns() -> None:
    r = Replay()
    r.feed(listing(BASE))
    saved = r.state.to_dict()
    for name in ("schema", "schema_held", "unshown"):
        del saved["participating"][name]
    restored = ProgramState.from_dict(saved)
    assert restored.participating.schema == PART_COLS and restored.participating.unshown == {}


@pytest.mark.parametrize("mn_first", [True, False])
def test_an_agency_on_rows_naming_it_otherwise_is_named_the_same_whatever_their_order(
    mn_first: bool,
) -> None:
    """Crow Wing County's sheriff on two rows of one agency (its registry id), its WSO
    row's state typed MA (which has no Crow Wing County), its TFM row's MN: its state
    is MN whichever row comes last (the last row decided: every event of the agency
    said MA, and ``--state MN`` found none of them); of two names of one agency, the
    one known stays."""
    from diffs.engine import _register
    from diffs.state import Agency

    wso = row("Crow Wing County Sheriff's Office", "WSO", "MA", county="Crow Wing County")
    tfm = row("Crow Wing County Sheriff's Office", "TFM", "MN", county="Crow Wing County")
    crow = "mn-crow-wing-county-sheriff-office"
    rows = (tfm, wso) if mn_first else (wso, tfm)
    assert _register({}, [crow, crow], rows)[crow].state == "MN"
    walker = "tx-walker-county-sheriff-department"
    known = {walker: Agency(walker, "TX", "Walker County Sheriff's Department", "")}
    both = (
        row("Walker County Sheriff\u2019s Department", "JEM"),
        row("Walker County Sheriff's Department", "WSO"),
    )
    named = _register(known, [walker, walker], both if mn_first else both[::-1])
    assert named[walker].name == "Walker County Sheriff's Department"
