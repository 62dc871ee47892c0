"""Truth of the record: link wrappers, flicker, relabels and stable agency ids, on small
hand-made lists (the cases are ICE's own, from the corpus)."""

from __future__ import annotations

import csv
import itertools
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from diffs.abbreviations import written_short
from diffs.counties import same_county, state_corrected
from diffs.events import SnapshotRef
from diffs.gate import Rules
from diffs.identity import (
    REGISTRY_FILE,
    Label,
    alias_key,
    initial_aliases,
    load_aliases,
    load_registry,
    municipal_variant,
    resolve,
    same_place,
    same_words,
)
from diffs.links import canonical_link, same_document
from diffs.moa_rules import apply_moa
from diffs.new_names import by_words
from diffs.numbers import as_digits
from diffs.slips import slip_mended
from diffs.state import Agency, ProgramState
from ice287g.render import describe, group_counts
from parsers.normalize import agency_key
from parsers.records import ListingRow
from snapshots.archive import IdRegistry
from tests.test_engine import BASE, PART_COLS, Replay, listing, row

MOA = "https://www.ice.gov/doclib/287gMOA/AlachuaCoSheriffsOfficeFL_TFM_MOA_02262025.pdf"
# every absence withdraws (or drops) at once, whatever the share of the list lost
AT_ONCE = Rules(withdraw_after_snapshots=1, withdraw_after_days=0, max_row_loss_share=1.0)
PENDING_COLS = ("STATE", "AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE")
TWO_RENAMED_ONE_REPLACED = ["agency.renamed", "agency.renamed", "pending.added", "pending.dropped"]
SAFE = (
    "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib"
    "%2F287gMOA%2FAlachuaCoSheriffsOfficeFL_TFM_MOA_02262025.pdf&data=05%7C02%7Cx&reserved=0"
)


def test_a_safelinks_wrapper_leads_to_the_same_document() -> None:
    assert canonical_link(SAFE) == canonical_link(MOA)
    assert same_document(
        "HTTP://WWW.ICE.GOV/doclib/287gMOA/a%20b.pdf", "https://www.ice.gov/doclib/287gMOA/a b.pdf"
    )
    assert not same_document(MOA, MOA.replace("02262025", "02.26.2025"))


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (MOA, MOA + "?utm_source=newsletter&utm_medium=email", True),
        (MOA, MOA + "?v=2", True),  # a document file is named by its path
        (MOA, "http://ice.gov/doclib/287gMOA/AlachuaCoSheriffsOfficeFL_TFM_MOA_02262025.pdf", True),
        ("https://www.ice.gov/node/5?id=3", "https://www.ice.gov/node/5?id=3&fbclid=x1", True),
        ("https://www.ice.gov/node/5?id=3", "https://www.ice.gov/node/5?id=4", False),
        ("https://x.test/get?file=a.pdf", "https://x.test/get?file=b.pdf", False),
        (MOA.replace("_MOA_", "%2520MOA_"), MOA.replace("_MOA_", " MOA_"), True),  # twice
        (MOA, MOA + "/", True),
        # a document file moved to another folder of the same site: a site reorganised
        (MOA, MOA.replace("/doclib/287gMOA/", "/sites/default/files/documents/"), True),
        # moved, renamed in case and separators, or served as a page of its name
        (
            MOA,
            "https://www.ice.gov/files/287g/alachuacosheriffsofficefl-tfm-moa-02262025.pdf",
            True,
        ),
        (MOA, "https://www.ice.gov/287g/moa/AlachuaCoSheriffsOfficeFL_TFM_MOA_02262025", True),
        (
            MOA,
            "https://www.ice.gov/files/287g/AlachuaCoSheriffsOfficeFL_TFM_MOA_03012025.pdf",
            False,
        ),
        ("https://www.ice.gov/a/b-c", "https://www.ice.gov/d/bc", False),  # pages, no document
        # a space typed into the file's name (Montgomery County TX's JEM MOA, August 2025)
        (MOA, MOA.replace("FL_TFM", "FL_ TFM"), True),
        # the same path on another site: a site moved (its paths kept)
        (MOA, MOA.replace("www.ice.gov/doclib", "www.dhs.gov/doclib"), True),
        # another site and another folder at once: another document
        (MOA, MOA.replace("www.ice.gov/doclib/287gMOA", "www.dhs.gov/files"), False),
        ("https://www.ice.gov/doclib/a.html", "https://www.dhs.gov/doclib/a.html", False),
        ("https://www.ice.gov/media/1/download", "https://www.ice.gov/media/2/download", False),
    ],
)
def test_a_query_that_selects_no_document_is_no_part_of_the_link(
    a: str, b: str, same: bool
) -> None:
    assert same_document(a, b) is same


def test_a_safelinks_only_change_is_no_event_and_the_stored_value_is_ices() -> None:
    r = Replay()
    r.feed(listing([row("Alachua County Sheriff's Office", "TFM", "FL", moa_url=MOA)]))
    r.feed(listing([row("Alachua County Sheriff's Office", "TFM", "FL", moa_url=SAFE)]))
    assert set(r.kinds()) == {"agreement.added", "agency.joined"}
    [entry] = r.state.participating.entries.values()
    assert entry.fields["moa_url"] == SAFE


def test_another_document_is_still_a_change() -> None:
    r = Replay()
    r.feed(listing([row("Alachua County Sheriff's Office", "TFM", "FL", moa_url=MOA)]))
    other = MOA.replace("02262025", "03012025")
    r.feed(listing([row("Alachua County Sheriff's Office", "TFM", "FL", moa_url=other)]))
    assert r.kinds()["agreement.changed"] == 1


def test_a_row_absent_for_less_than_ten_days_is_flicker_not_withdrawal() -> None:
    r = Replay(Rules())  # the defaults: 2 versions and 10 days; one list a day
    r.feed(listing(BASE))
    for extra in range(5):  # five distinct versions without Delta
        r.feed(listing(BASE[:3] + [row(f"Filler {extra} PD", "TFM")]))
    r.feed(listing(BASE))
    assert "agreement.withdrawn" not in r.kinds() and "agreement.reinstated" not in r.kinds()


def test_a_row_absent_for_ten_days_and_two_versions_is_withdrawn_once() -> None:
    r = Replay(Rules())
    r.feed(listing(BASE))
    for _ in range(10):
        r.feed(listing(BASE[:3]))  # the same version again: days pass, one version
    assert "agreement.withdrawn" not in r.kinds()
    r.feed(listing(BASE[:3] + [row("Newcomer PD", "TFM")]))
    [withdrawn] = [e for e in r.events if e.kind == "agreement.withdrawn"]
    assert withdrawn.start and withdrawn.start.id == "s001" and withdrawn.end.id == "s002"


# -- relabels (ICE's own cases from the corpus) -------------------------------------------


def _two_lists(before: list[ListingRow], after: list[ListingRow]) -> Replay:
    r = Replay()
    r.feed(listing(BASE + before))
    r.feed(listing(BASE + after))
    return r


def test_melbourne_dropping_city_of_is_a_rename() -> None:
    old = row("City of Melbourne Police Department", "TFM", "FL", "2025-04-14")
    new = row("Melbourne Police Department", "TFM", "FL", "2025-04-14")
    r = _two_lists([old], [new])
    [renamed] = [e for e in r.events if e.kind == "agency.renamed"]
    assert renamed.before == {"name": "City of Melbourne Police Department"}
    assert renamed.after == {"name": "Melbourne Police Department"}
    assert r.kinds()["agreement.added"] == 5 and "agreement.withdrawn" not in r.kinds()


def test_melbourne_known_from_the_pending_list_is_still_a_rename() -> None:
    r = Replay()
    pending = row("Melbourne Police Department", "TFM", "FL", None)
    r.feed(listing([pending], "pending", ("STATE", "AGENCY", "SUPPORT TYPE")))
    r.feed(listing(BASE + [row("City of Melbourne Police Department", "TFM", "FL", "2025-04-14")]))
    r.feed(listing(BASE + [row("Melbourne Police Department", "TFM", "FL", "2025-04-14")]))
    r.feed(listing(BASE + [row("Melbourne Police Department", "TFM", "FL", "2025-04-14")] * 2))
    assert r.kinds()["agency.renamed"] == 1
    assert "agreement.withdrawn" not in r.kinds()


def test_alachua_typo_fixed_is_a_rename() -> None:
    old = row("Alachua Police Departent", "TFM", "FL", "2025-07-02")
    new = row("Alachua Police Department", "TFM", "FL", "2025-07-02")
    r = _two_lists([old], [new])
    assert r.kinds()["agency.renamed"] == 1 and "agreement.withdrawn" not in r.kinds()


def test_arkansas_state_police_gaining_department_is_a_rename() -> None:
    old = row("Arkansas State Police", "TFM", "AR", "2025-07-07")
    new = row("Arkansas State Police Department", "TFM", "AR", "2025-07-07")
    r = _two_lists([old], [new])
    [renamed] = [e for e in r.events if e.kind == "agency.renamed"]
    assert renamed.agency_id == "ar-arkansas-state-police"


def test_arkansas_listed_twice_under_two_names_is_one_agreement() -> None:
    moa = "https://www.ice.gov/doclib/about/offices/ero/287g/ArkansasStatePoliceTFM-07302025.pdf"
    dept = row("Arkansas State Police Department", "TFM", "AR", "2025-07-07", moa_url=moa)
    plain = row("Arkansas State Police", "TFM", "AR", "2025-07-07", moa_url=SAFE_AR)
    r = _two_lists([dept], [dept, plain])
    r.feed(listing(BASE + [dept]))
    assert r.kinds()["agreement.added"] == 5
    assert not {"agreement.withdrawn", "agency.renamed"} & set(r.kinds())


SAFE_AR = (
    "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F"
    "about%2Foffices%2Fero%2F287g%2FArkansasStatePoliceTFM-07302025.pdf&data=05%7C02&reserved=0"
)


def test_crow_wing_moved_from_ma_to_mn_is_one_agreement_relabelled() -> None:
    tfm = row("Crow Wing County Sheriff's Office", "TFM", "MN", "2025-02-25")
    wso_ma = row("Crow Wing County Sheriff's Office", "WSO", "MA", "2025-02-27")
    wso_mn = row("Crow Wing County Sheriff's Office", "WSO", "MN", "2025-02-27")
    r = _two_lists([tfm, wso_ma], [tfm, wso_mn])
    [moved] = [e for e in r.events if e.kind == "agreement.relabelled"]
    assert moved.before and moved.before["state"] == "MA"
    assert moved.after and moved.after["agency_id"] == "mn-crow-wing-county-sheriff-office"
    assert "agreement.withdrawn" not in r.kinds() and r.kinds()["agreement.added"] == 6
    wso = r.state.participating.entries["mn-crow-wing-county-sheriff-office|WSO"]
    assert wso.first_seen.id == "s001"


EPSILON_MOA = "https://www.ice.gov/doclib/about/offices/ero/287g/EpsilonWSO-01022025.pdf"


def _epsilon(
    model: str | None, signed: str = "2025-01-02", moa: str | None = EPSILON_MOA
) -> ListingRow:
    return row("Epsilon County Sheriff's Office", model, "TX", signed, moa_url=moa)


def _relisted(before: ListingRow, after: list[ListingRow], times: int = 12) -> Replay:
    """``before`` listed, then ``after`` in its place, in several versions of the list
    (a filler row changing) long enough for a withdrawal to be confirmed."""
    r = Replay(Rules(withdraw_after_snapshots=2, withdraw_after_days=3))
    r.feed(listing(BASE + [before]))
    for day in range(times):
        r.feed(listing(BASE + after + [row(f"Filler {day % 2} PD", "TFM")]))
    return r


def test_a_model_relabelled_on_the_same_moa_is_one_agreement_relabelled() -> None:
    """A WSO row made TFM, its MOA document unchanged: one agreement whose model the list
    relabelled, not a WSO agreement withdrawn and a TFM one signed; the agency's set of
    models, its agreements', changed with it (``{WSO}`` to ``{TFM}``, in the relabel's
    window: before, no ``agency.models_changed``, the agency joined with WSO and later
    told as leaving with TFM)."""
    r = _relisted(_epsilon("WSO"), [_epsilon("TFM")])
    epsilon = [e for e in r.events if e.agency_id == "tx-epsilon-county-sheriff-office"]
    moved, models = epsilon[-2:]
    assert [e.kind for e in epsilon] == [
        "agreement.added",
        "agency.joined",
        "agreement.relabelled",
        "agency.models_changed",
    ]
    assert models.before == {"models": ["WSO"]} and models.after == {"models": ["TFM"]}
    assert (models.start, models.end) == (moved.start, moved.end)
    assert moved.before and moved.before["model"] == "WSO"
    assert moved.after and moved.after["model"] == "TFM" and moved.model == "TFM"
    assert moved.start and moved.start.id == "s001" and moved.end.id == "s002"
    tfm = r.state.participating.entries["tx-epsilon-county-sheriff-office|TFM"]
    assert tfm.first_seen.id == "s001" and tfm.model == "TFM"
    assert "tx-epsilon-county-sheriff-office|WSO" not in r.state.participating.entries
    assert describe(moved.to_dict()) == (
        "TX · Epsilon County Sheriff's Office (WSO) → TX · Epsilon County Sheriff's Office (TFM)"
    )


def test_a_model_relabelled_with_its_date_corrected_is_a_relabel_and_a_change() -> None:
    r = _relisted(_epsilon("WSO"), [_epsilon("TFM", "2025-01-03")])
    kinds = [e.kind for e in r.events if e.agency_id == "tx-epsilon-county-sheriff-office"]
    assert kinds[2:] == ["agreement.relabelled", "agreement.changed", "agency.models_changed"]


def test_a_model_cell_left_blank_is_its_agreement_by_its_papers_not_a_model_changed() -> None:
    r = _relisted(_epsilon("WSO"), [_epsilon(None)])
    kinds = [e.kind for e in r.events if e.agency_id == "tx-epsilon-county-sheriff-office"]
    assert kinds == ["agreement.added", "agency.joined"]
    wso = r.state.participating.entries["tx-epsilon-county-sheriff-office|WSO"]
    assert wso.status == "active" and wso.first_seen.id == "s001"
    no_moa = _relisted(_epsilon("WSO", moa=None), [_epsilon(None, moa=None)])
    assert "agreement.withdrawn" not in no_moa.kinds()  # the same signed date says it too


def test_a_model_cell_left_blank_that_two_agreements_papers_fit_is_no_ones() -> None:
    """Two agreements of one day gone, one row without a model left: which one is
    unknown, so neither is carried."""
    before = [_epsilon("WSO", moa=None), _epsilon("JEM", moa=None)]
    r = Replay(Rules(withdraw_after_snapshots=2, withdraw_after_days=3))
    r.feed(listing(BASE + before))
    r.feed(listing(BASE + [_epsilon(None, moa=None)]))
    assert "tx-epsilon-county-sheriff-office|?" in r.state.participating.entries


def test_the_model_column_emptied_leaves_every_agreement_its_model() -> None:
    """Every model cell emptied: a row is the agreement whose document it links, of its
    agency's agreements of one day; rows alike (one day, links pending), as many as the
    agreements they fit, are those; one carried leaves the others fewer to choose from."""
    moa = "https://www.ice.gov/doclib/287gMOA/Epsilon{}.pdf"
    linked = [_epsilon(m, moa=moa.format(m)) for m in ("JEM", "TFM", "WSO")]
    pending = [row("Zeta County Sheriff's Office", m, "TX", "2024-08-28") for m in ("JEM", "WSO")]
    before = [*linked, *pending, row("Eta PD", "TFM", "TX", "2024-03-03")]
    r = Replay(Rules(withdraw_after_snapshots=2, withdraw_after_days=3))
    r.feed(listing(BASE + before))
    listed = len(r.events)
    for day in range(8):
        blank = [replace(x, model=None) for x in before]
        r.feed(listing(BASE + blank + [row(f"Filler {day} PD", "TFM")]))
    assert [e for e in r.events[listed:] if "Filler" not in (e.agency or "")] == []
    assert not any(key.endswith("|?") for key in r.state.participating.entries)


PEND_COLS = ("STATE", "AGENCY", "TYPE", "SUPPORT TYPE")


def test_a_pending_row_whose_model_cell_is_blank_is_its_agencys_one_application_missing() -> None:
    """An application has no papers: the agency's one application no other row shows is
    the row's; with two missing, which one is unknown."""
    apps = [row(f"Applicant {i} PD", "TFM", signed=None) for i in range(4)]
    one = row("Zeta County Sheriff's Office", "JEM", signed=None)
    two = row("Zeta County Sheriff's Office", "WSO", signed=None)
    blank = replace(one, model=None)
    r = Replay(Rules(withdraw_after_snapshots=2, withdraw_after_days=3))
    r.feed(listing(apps + [one, two], "pending", PEND_COLS))
    for day in range(8):
        r.feed(
            listing(
                apps + [blank, two, row(f"Filler {day % 2} PD", "TFM", signed=None)],
                "pending",
                PEND_COLS,
            )
        )
    zeta = [e.kind for e in r.events if e.agency_id == "tx-zeta-county-sheriff-office"]
    assert zeta == ["pending.added", "pending.added"]  # its two applications, nothing after
    entries = r.state.pending.entries
    assert entries["tx-zeta-county-sheriff-office|JEM"].status == "active"
    r2 = Replay(Rules(withdraw_after_snapshots=2, withdraw_after_days=3))
    r2.feed(listing(apps + [one, two], "pending", PEND_COLS))
    r2.feed(listing(apps + [blank], "pending", PEND_COLS))
    assert "tx-zeta-county-sheriff-office|?" in r2.state.pending.entries


def test_an_agencys_pending_rows_without_models_are_its_applications_the_list_lacks() -> None:
    """The SUPPORT TYPE column emptied on the pending list: an agency's two rows are its
    two applications; an application listed for an agreement already in force (a
    signal, not an event) is still one the row may be. Nothing is added or dropped."""
    zeta = [row("Zeta County Sheriff's Office", m, signed=None) for m in ("JEM", "WSO")]
    eta = row("Eta County Sheriff's Office", "TFM", signed=None)
    apps = [row(f"Applicant {i} PD", "TFM", signed=None) for i in range(4)]
    r = Replay(Rules(withdraw_after_snapshots=2, withdraw_after_days=3))
    r.feed(listing(BASE + [replace(eta, signed=date(2025, 1, 2))]))  # Eta's in force
    r.feed(listing([*apps, *zeta, eta], "pending", PEND_COLS))
    before = len(r.events)
    for day in range(8):
        blank = [replace(app, model=None) for app in [*apps, *zeta, eta]]
        filler = row(f"Filler {day} PD", "TFM", signed=None)  # each list another version
        r.feed(listing([*blank, filler], "pending", PEND_COLS))
    changed = [e for e in r.events[before:] if "Filler" not in (e.agency or "")]
    assert changed == []
    assert not any(key.endswith("|?") for key in r.state.pending.entries)


@pytest.mark.parametrize(
    "after",
    [
        # a new MOA: the agency signed another agreement in place of the first
        [_epsilon("TFM", "2025-02-20", EPSILON_MOA.replace("WSO-01", "TFM-02"))],
        # no MOA to compare: the same date alone does not make one agreement
        [_epsilon("TFM", moa=None)],
        # a link another row shares is no agreement's own document
        [_epsilon("TFM"), row("Zeta Police Department", "TFM", "TX", moa_url=EPSILON_MOA)],
    ],
    ids=["another MOA", "no MOA", "a shared link"],
)
def test_a_model_arriving_without_the_leaving_ones_own_moa_is_an_addition(
    after: list[ListingRow],
) -> None:
    r = _relisted(_epsilon("WSO"), after)
    kinds = Counter(e.kind for e in r.events if e.agency_id == "tx-epsilon-county-sheriff-office")
    assert "agreement.relabelled" not in kinds
    assert kinds["agreement.added"] == 2 and kinds["agreement.withdrawn"] == 1


def test_a_state_corrected_for_a_whole_agency_is_a_rename_with_both_states() -> None:
    old = row("Lake Placid Police Department", "TFM", "NY", "2025-02-26")
    new = row("Lake Placid Police Department", "TFM", "FL", "2025-02-26")
    r = _two_lists([old], [new])
    assert not [e for e in r.events if e.kind == "agency.renamed"]  # held: it may be a slip
    r.feed(listing([new, *BASE]))  # still so a list later: ICE corrected the state
    [renamed] = [e for e in r.events if e.kind == "agency.renamed"]
    assert renamed.before == {"name": "Lake Placid Police Department", "state": "NY"}


def test_an_agency_listed_in_a_state_without_its_county_has_not_moved() -> None:
    """A row cannot be in a state its county is not in: ``Angelina County Sheriff's
    Office`` listed in OK (no Angelina County there) is TX's, not a move; of the two
    ``Anderson County`` agencies (TX and SC both have one), the one whose agreement of
    that model the list lacks. Listed right again, nothing happened."""
    angelina = row("Angelina County Sheriff's Office", "WSO", "TX", "2020-06-09")
    anderson = row("Anderson County Sheriff's Office", "JEM", "TX", "2021-01-02")
    anderson_sc = row("Anderson County Sheriff's Office", "JEM", "SC", "2022-03-04")
    slipped = [replace(angelina, state="OK"), replace(anderson, state="OK"), anderson_sc]
    r = Replay()
    r.feed(listing(BASE + [angelina, anderson, anderson_sc]))
    events = len(r.events)
    outcome = r.feed(listing(BASE + slipped))
    r.feed(listing(BASE + [angelina, anderson, anderson_sc]))
    assert r.events[events:] == [] and outcome.accepted
    assert {a.state for a in r.state.agencies.values() if "Anderson" in a.name} == {"TX", "SC"}
    assert r.state.agencies["tx-angelina-county-sheriff-office"].state == "TX"


def test_a_state_corrected_into_the_one_with_the_county_is_still_a_move() -> None:
    """The other way: an agency listed in a state without its county (Kershaw County in
    FL), then in the one that has it (SC), was listed wrong and is corrected: renamed,
    with both states."""
    wrong = row("Kershaw County Sheriff's Office", "WSO", "FL", "2025-02-26")
    r = _two_lists([wrong], [replace(wrong, state="SC")])
    [renamed] = [e for e in r.events if e.kind == "agency.renamed"]
    assert renamed.before and renamed.before["state"] == "FL"
    assert renamed.after and renamed.after["state"] == "SC"


def test_one_city_name_in_two_states_each_in_its_own_county_is_two_agencies() -> None:
    """``Florence Police Department`` of Lauderdale County, AL, leaving as the one of
    Florence County, SC, arrives (a list with a COUNTY column): Alabama has no Florence
    County, but the Alabama row names its own county, which Alabama has; a correction of
    the state moves a row, not its county. Two agencies: one added, one missing (it
    was renamed into SC, every paper changed); and an application of SC's is no
    agreement of AL's (it was read as already participating: no ``pending.added``)."""
    columns = (*PART_COLS, "COUNTY")
    al = row("Florence Police Department", "WSO", "AL", "2024-04-02", county="Lauderdale County")
    sc = row("Florence Police Department", "WSO", "SC", "2025-05-06", county="Florence County")
    r = Replay()
    r.feed(listing([*BASE, al], columns=columns))
    r.feed(listing([*BASE, sc], columns=columns))
    assert "agency.renamed" not in r.kinds() and r.kinds()["agreement.added"] == 6
    assert {a.state for a in r.state.agencies.values() if "Florence" in a.name} == {"AL", "SC"}
    r = Replay()
    r.feed(listing([*BASE, al], columns=columns))
    applying = replace(sc, signed=None)
    r.feed(listing([applying], kind="pending", columns=PENDING_COLS))
    assert r.kinds()["pending.added"] == 1
    assert not state_corrected(
        Label("", "", "SC", "florence police department", "", county="Florence County"),
        Label("", "", "AL", "florence police department", "", county="Lauderdale County"),
    )
    # one county written otherwise, or named by one row alone, is still one move (a
    # false withdrawal and addition otherwise: helper 54)
    corrected = Label("", "", "MD", "centreville police department", "", county="Queen Anne's")
    for written in ("Queen Annes", None, "Queen Anne's County"):
        listed = Label("", "", "DE", "centreville police department", "", county=written)
        assert state_corrected(corrected, listed), written


def test_different_agencies_with_the_same_papers_are_not_relabels() -> None:
    lake = row("Lake County Sheriff's Office", "TFM", "FL", "2025-02-26")
    lee = row("Lee County Sheriff's Office", "TFM", "FL", "2025-02-26")
    r = _two_lists([lake], [lee])
    assert "agency.renamed" not in r.kinds() and r.kinds()["agreement.added"] == 6


def _agency_ids(r: Replay) -> set[str]:
    return set(r.state.agencies)


def test_a_county_sheriff_leaving_as_a_city_police_of_its_name_arrives_is_not_relabelled() -> None:
    """``Lake County Sheriff's Office`` and ``Lake City Police Department`` have one core,
    ``Lake``, and ICE signs many agreements on one day: a county's body and a city's
    are two governments, whatever papers they share."""
    lake = row("Lake County Sheriff's Office", "WSO", "FL", "2025-02-26")
    city = row("Lake City Police Department", "WSO", "FL", "2025-02-26")
    r = Replay(AT_ONCE)
    r.feed(listing(BASE + [lake]))
    r.feed(listing(BASE + [city]))
    kinds = r.kinds()
    assert "agency.renamed" not in kinds and "agreement.relabelled" not in kinds
    assert kinds["agreement.withdrawn"] == 1 and kinds["agreement.added"] == 6


def test_a_county_sheriff_and_its_board_signing_one_day_are_one_countys_agreement() -> None:
    """ICE has moved an agreement from a county's board of commissioners to its sheriff
    (Gulf, Pasco, Escambia in 2025): one county's bodies, the same papers."""
    board = row("Gulf County BOCC", "TFM", "FL", "2025-02-26")
    sheriff = row("Gulf County Sheriff's Office", "TFM", "FL", "2025-02-26")
    r = _two_lists([board], [sheriff])
    assert "agreement.withdrawn" not in r.kinds() and r.kinds()["agreement.added"] == 5


@pytest.mark.parametrize(
    ("first", "second"),
    [("Manheim Borough Police Department", "Manheim Township Police Department"),
     ("Village of Milford Police Department", "Milford Township Police Department"),
     ("Ephrata Boro Police Department", "Ephrata Twp Police Department")],
)  # fmt: skip
def test_a_borough_and_a_township_of_one_name_are_two_agencies(first: str, second: str) -> None:
    """Pennsylvania's Manheim Borough and Manheim Township lie in one county: the kind
    of municipality a name says tells two places apart, as a town's and a city's do;
    one leaving as the other arrives is a withdrawal and an addition, and both listed
    are two agreements."""
    place = {"county": "Lancaster County", "agency_type": "Municipality"}
    old = row(first, "TFM", "PA", "2025-04-15", **place)
    new = row(second, "TFM", "PA", "2025-08-20", **place)
    r = Replay(AT_ONCE)
    r.feed(listing(BASE + [old]))
    r.feed(listing(BASE + [new]))
    assert "agency.renamed" not in r.kinds() and r.kinds()["agreement.withdrawn"] == 1
    both = Replay(AT_ONCE)
    both.feed(listing(BASE + [old]))
    both.feed(listing(BASE + [old, new]))
    assert both.kinds()["agreement.added"] == 6 and "agreement.changed" not in both.kinds()


def test_a_town_listed_beside_the_city_agency_of_its_name_is_another_agency() -> None:
    """``Brookfield Police Department`` (Wisconsin's city, its name saying no kind) and
    ``Town of Brookfield Police Department`` listed together for one model: not one
    agency's model added, but another agency's agreement."""
    city = row("Brookfield Police Department", "TFM", "WI", "2025-04-15")
    town = row("Town of Brookfield Police Department", "TFM", "WI", "2025-08-20")
    r = Replay(AT_ONCE)
    r.feed(listing(BASE + [city]))
    r.feed(listing(BASE + [city, town]))
    assert r.kinds()["agreement.added"] == 6 and "agreement.changed" not in r.kinds()
    assert {"wi-brookfield-police-department", "wi-town-brookfield-police-department"} <= (
        _agency_ids(r)
    )


def test_a_new_agreement_signed_the_day_a_listed_one_of_another_body_was_is_added() -> None:
    """``Lake Helen Police Department`` arriving, its MOA link pending, beside ``Lake
    County Sheriff's Office`` signed the same day: one core inside the other, but
    another kind of body, so no row repeating that agreement."""
    sheriff = row("Lake County Sheriff's Office", "WSO", "FL", "2025-02-26", moa_url=MOA)
    helen = row("Lake Helen Police Department", "WSO", "FL", "2025-02-26")
    r = Replay(AT_ONCE)
    r.feed(listing(BASE + [sheriff]))
    r.feed(listing(BASE + [sheriff, helen]))
    [added] = [e for e in r.events[-2:] if e.kind == "agreement.added"]
    assert added.agency == "Lake Helen Police Department"


def test_two_documents_signed_the_same_day_are_two_agreements() -> None:
    """Pike County, Alabama, leaving as Pike County, Georgia, arrives, signed the same
    day (both states have a Pike County): their MOAs are two documents, so no papers
    in common, and no state corrected."""
    doc = "https://www.ice.gov/doclib/287gMOA/PikeCountySheriff{}_WSO_MOA.pdf"
    al = row("Pike County Sheriff's Office", "WSO", "AL", "2025-05-12", moa_url=doc.format("AL"))
    ga = row("Pike County Sheriff's Office", "WSO", "GA", "2025-05-12", moa_url=doc.format("GA"))
    r = Replay(AT_ONCE)
    r.feed(listing(BASE + [al]))
    r.feed(listing(BASE + [ga]))
    assert "agency.renamed" not in r.kinds() and r.kinds()["agreement.withdrawn"] == 1


def test_two_states_agreements_of_one_day_alike_only_as_written_are_not_one() -> None:
    """``Macon Sheriff's Office`` is as like ``Yuma County Sheriff's Office`` as written
    as it is like its own former name; their cores (``Macon``, ``Yuma``) are not alike."""
    before = [
        row("Yuma County Sheriff's Office", "WSO", "AZ", "2025-02-26"),
        row("Macon County Sheriff's Office", "WSO", "TN", "2025-02-26"),
    ]
    after = [
        row("Yuma Sheriff's Office", "WSO", "AZ", "2025-02-26"),
        row("Macon Sheriff's Office", "WSO", "TN", "2025-02-26"),
    ]
    r = _two_lists(before, after)
    assert sorted(e.after["name"] for e in r.events if e.kind == "agency.renamed" and e.after) == [
        "Macon Sheriff's Office",
        "Yuma Sheriff's Office",
    ]
    assert "agreement.relabelled" not in r.kinds() and r.kinds()["agreement.added"] == 6


def test_a_close_name_without_papers_in_common_is_not_a_relabel() -> None:
    madison = row("Madison County Sheriff's Office", "TFM", "AL", None)
    marion = row("Marion County Sheriff's Office", "TFM", "AL", None)
    r = _two_lists([madison], [marion])
    assert "agency.renamed" not in r.kinds()


PLACES = ["Adams", "Baker", "Clay", "Dixie", "Echols", "Floyd", "Grady", "Hall", "Irwin"]
VARIANTS = [
    ("City of {} Police Department", "{} Police Department"),
    ("{} State Police", "{} State Police Department"),
    ("{} County Sheriff's Office", "{} County Sheriff's Department"),
    ("{} County Sherif's Office", "{} County Sheriff's Office"),
    ("{} County Sheriff's Office", "{} Sheriff's Office"),
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(PLACES),
            st.sampled_from(["JEM", "TFM", "WSO"]),
            st.integers(0, len(VARIANTS) - 1),
            st.dates(date(2025, 1, 1), date(2025, 1, 5)),
            st.booleans(),
            st.sampled_from(["FL", "TN", "AZ"]),
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda t: t[0],
    )
)
def test_a_list_relabelled_gives_only_rename_events(
    specs: list[tuple[str, str, int, date, bool, str]],
) -> None:
    """Agreements signed the same day in several states, relabelled each in its state:
    renames, never one state's agreement taken for another's (``Macon Sheriff's Office``
    in TN is not ``Yuma County Sheriff's Office`` in AZ)."""
    before = [row(VARIANTS[v][0].format(p), m, st, d.isoformat()) for p, m, v, d, _, st in specs]
    after = [
        row(VARIANTS[v][1 if flip else 0].format(p), m, st, d.isoformat())
        for p, m, v, d, flip, st in specs
    ]
    r = Replay(Rules(withdraw_after_snapshots=1, withdraw_after_days=0, min_row_loss=100))
    r.feed(listing(before))
    first = len(r.events)
    r.feed(listing(after))
    kinds = {e.kind for e in r.events[first:]}
    assert kinds <= {"agency.renamed", "agreement.changed"}
    assert r.kinds()["agency.renamed"] == sum(flip for *_, flip, _ in specs)


# -- stable ids -----------------------------------------------------------------------------


def test_the_shipped_registry_gives_every_name_of_an_agency_one_id() -> None:
    registry = load_registry()
    assert registry["NY|lake placid police department"] == "fl-lake-placid-police-department"
    assert registry["MA|crow wing county sheriff office"] == "mn-crow-wing-county-sheriff-office"
    melbourne = {registry[f"FL|{k}melbourne police department"] for k in ("", "city ")}
    assert melbourne == {"fl-melbourne-police-department"}
    arkansas = {registry[f"AR|arkansas state police{k}"] for k in ("", " department")}
    assert arkansas == {"ar-arkansas-state-police-department"}
    assert all(i.split("-", 1)[0].isalpha() and i == i.lower() for i in registry.values())


def test_a_registered_name_in_a_wrong_state_gets_the_agency_id() -> None:
    r = Replay()
    r.state = ProgramState(aliases=load_registry())
    r.feed(listing([row("Lake Placid Police Department", "TFM", "NY", "2025-02-26")]))
    assert {e.agency_id for e in r.events} == {"fl-lake-placid-police-department"}


def test_a_reviewed_alias_points_at_the_registry_id(tmp_path: Path) -> None:
    toml = tmp_path / "aliases.toml"
    toml.write_text(
        '[[alias]]\nstate = "FL"\nname = "Melbourne PD"\nsame_as = "City of Melbourne Police'
        ' Department"\n'
    )
    aliases = load_aliases(toml, load_registry())
    assert aliases["FL|melbourne police department"] == "fl-melbourne-police-department"


def test_the_shipped_registry_gives_one_agency_one_id() -> None:
    """No two ids of one state for names the rules call one agency: the same words in
    another order, with the state set off or apostrophes as punctuation (``Sewall's
    Point``, ``Sewalls Point``), or but the kind of municipality (``City of St. Cloud``).
    A name known to the registry is not looked up by those rules, so a split there
    would list one agency twice (ICE listed St. Cloud's agreement under both names for
    two months; its duplicate's removal read as a withdrawal)."""
    with REGISTRY_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_state: dict[str, list[dict[str, str]]] = {}
    for entry in rows:
        by_state.setdefault(entry["state"], []).append(entry)
    split = [
        (a["example_name"], b["example_name"])
        for state, named in by_state.items()
        for a, b in itertools.combinations(named, 2)
        if a["agency_id"] != b["agency_id"]
        and (
            same_words(a["example_name"], b["example_name"], state)
            or municipal_variant(a["name_key"], b["name_key"])
        )
    ]
    # one name in two states, one of which lacks the county it names: a state corrected
    labels = [Label("", r["agency_id"], r["state"], r["name_key"], "") for r in rows]
    split += [
        (f"{a.state} {a.name_key}", f"{b.state} {b.name_key}")
        for a, b in itertools.combinations(labels, 2)
        if a.agency_id != b.agency_id
        and a.name_key == b.name_key
        and (state_corrected(a, b) or state_corrected(b, a))
    ]
    assert split == []


def test_the_archive_keeps_the_ids_it_minted_append_only(tmp_path: Path) -> None:
    ids = IdRegistry(tmp_path)
    ids.append({"TX|new agency": "tx-new-agency"})
    ids.append({"TX|new agency": "tx-other", "TX|newer": "tx-newer"})
    with ids.path.open("a") as handle:
        handle.write('{"name": "TX|torn"')  # a killed write
    assert ids.load() == {"TX|new agency": "tx-new-agency", "TX|newer": "tx-newer"}
    ids.append({"TX|after": "tx-after"})
    assert ids.load()["TX|after"] == "tx-after"


def test_a_name_ending_with_its_own_state_is_the_agency_of_the_name_without_it() -> None:
    r = Replay()
    pending_cols = ("STATE", "AGENCY", "SUPPORT TYPE")
    r.feed(listing(BASE))
    omega = row("Omega Borough Constable, TX", "TFM", signed=None)
    r.feed(listing([omega], "pending", pending_cols))
    r.feed(listing(BASE + [row("Omega Borough Constable", "TFM")]))  # approved
    r.feed(listing([row("Kappa PD", "TFM", signed=None)], "pending", pending_cols))
    r.feed(listing([row("Kappa PD", "TFM", signed=None)], "pending", pending_cols))
    kinds = r.kinds()
    assert kinds["pending.approved"] == 1 and "pending.dropped" not in kinds
    assert "agency.renamed" not in kinds
    assert {e.agency_id for e in r.events if e.kind.startswith("pending.")} >= {
        "tx-omega-borough-constable"
    }


def test_a_new_name_with_a_known_agencys_words_in_another_order_is_that_agency() -> None:
    r = Replay()
    pending_cols = ("STATE", "AGENCY", "SUPPORT TYPE")
    r.feed(listing(BASE))
    r.feed(listing([row("Unity Township Constable", "TFM", signed=None)], "pending", pending_cols))
    r.feed(listing(BASE + [row("Constable Unity Township", "TFM")]))
    r.feed(listing([row("Kappa PD", "TFM", signed=None)], "pending", pending_cols))
    r.feed(listing([row("Kappa PD", "TFM", signed=None)], "pending", pending_cols))
    kinds = r.kinds()
    assert kinds["pending.approved"] == 1 and "pending.dropped" not in kinds
    assert len(r.state.agencies) == len(BASE) + 2  # Unity once, and Kappa


@pytest.mark.parametrize(
    ("written", "registered"),
    [
        ("Mc Cormick County Sheriff's Office", "McCormick County Sheriff's Office"),
        ("Sheriff's Office, McCormick County", "McCormick County Sheriff's Office"),
        ("Greene Twp. Constable Office", "Greene Township Constable Office"),
    ],
)
def test_a_new_name_first_listed_in_another_writing_of_a_registered_name_takes_its_id(
    written: str, registered: str
) -> None:
    """The id registry gives ``McCormick County Sheriff's Office`` an id; a history that
    lists it first as ``Mc Cormick ...`` (or its words in another order, or written
    short), no agency of it listed yet, gives that writing the registry's id: the
    registry's name written otherwise is that agency, so its later writing is it too
    (before: a second id, an application added twice)."""
    reserved = alias_key("SC", agency_key(registered, "SC"))
    first = row(written, "WSO", "SC", signed=None)
    assert by_words([first.agency_key], [first], {}, {reserved: "sc-registered"}) == [
        "sc-registered"
    ]
    other = row("Abbeville County Sheriff's Office", "WSO", "SC", signed=None)
    assert by_words(["minted"], [other], {}, {reserved: "sc-registered"}) == ["minted"]


def test_a_new_name_without_a_known_names_apostrophe_is_that_agency() -> None:
    """``Greene Township Constables Office`` new, ``Greene Township Constable's Office``
    known: an apostrophe is the writing's (its key drops a possessive, not a plural)."""
    known = row("Greene Township Constable's Office", "TFM", "PA", signed=None)
    agency = Agency("pa-greene", "PA", known.agency, known.agency_key)
    new = row("Greene Township Constables Office", "TFM", "PA", signed=None)
    assert by_words(["minted"], [new], {"pa-greene": agency}, {}) == ["pa-greene"]


def test_a_new_name_written_otherwise_than_a_name_a_known_agency_is_known_by_is_that_agency() -> (
    None
):
    """Walker County's agency keyed by its JEM row's name (``Walker County Sheriff's
    Department``) is known by its WSO row's too (``Walker County Sheriff's Office``, an
    alias): that row written ``Sheriff's Office, Walker County`` is the agency's (before:
    a new agency, and the WSO agreement relabelled to it and back at each such copy;
    found by the corpus with every other capture from June writing names inverted)."""
    known = row("Walker County Sheriff's Department", "JEM", "TX", signed=None)
    agency = Agency("tx-walker", "TX", known.agency, known.agency_key)
    also = alias_key("TX", agency_key("Walker County Sheriff's Office", "TX"))
    inverted = row("Sheriff's Office, Walker County", "WSO", "TX", signed=None)
    assert by_words(["minted"], [inverted], {"tx-walker": agency}, {also: "tx-walker"}) == [
        "tx-walker"
    ]


def test_a_new_name_inverted_with_its_own_words_after_the_comma_is_the_registered_agency() -> None:
    """``Police Department, Arkansas State`` first listed (its key takes ``Arkansas
    State`` for its state set off, ``police department``): by its words as written it is
    the registered ``Arkansas State Police Department`` (before: a new agency, and the
    application of ``Arkansas State Police`` dropped; found by the corpus with every
    other capture from June writing names inverted)."""
    registered = alias_key("AR", agency_key("Arkansas State Police Department", "AR"))
    inverted = row("Police Department, Arkansas State", "TFM", "AR", signed=None)
    assert inverted.agency_key == "police department"  # the key as ever: ids are stable
    assert by_words(["minted"], [inverted], {}, {registered: "ar-asp"}) == ["ar-asp"]


def test_a_new_name_adding_the_kind_of_its_municipality_is_that_agency() -> None:
    """``City of Omega Police Department`` applying while ``Omega Police Department`` is
    listed (no papers to compare on the pending list) is Omega's application, approved
    when Omega's agreement shows; a county's agency is not the city's."""
    r = Replay()
    pending_cols = ("STATE", "AGENCY", "SUPPORT TYPE")
    r.feed(listing(BASE + [row("Omega County Sheriff's Office", "JEM")]))
    r.feed(listing([row("Omega Police Department", "TFM", signed=None)], "pending", pending_cols))
    r.feed(
        listing(
            [row("City of Omega Police Department", "TFM", signed=None)], "pending", pending_cols
        )
    )
    assert "tx-city-omega-police-department" not in r.state.agencies
    r.feed(listing(BASE + [row("Omega County Sheriff's Office", "JEM"), row("Omega PD", "TFM")]))
    kinds = r.kinds()
    assert kinds["pending.approved"] == 1 and "pending.dropped" not in kinds
    assert "tx-omega-police-department" in r.state.agencies


def test_a_towns_and_a_citys_agencies_of_one_name_are_two_agencies() -> None:
    """Where a town and a city share a name (Wisconsin's towns and cities of Menasha),
    ``Town of X Police Department`` is not ``City of X Police Department``."""
    r = Replay()
    r.feed(listing(BASE + [row("City of Menasha Police Department", "TFM", "WI")]))
    town = row("Town of Menasha Police Department", "TFM", "WI", signed="2025-02-03")
    r.feed(listing(BASE + [row("City of Menasha Police Department", "TFM", "WI"), town]))
    assert {"wi-city-menasha-police-department", "wi-town-menasha-police-department"} <= set(
        r.state.agencies
    )


def test_a_pending_list_relabelled_is_renames_not_applications_dropped_and_added() -> None:
    """No papers to compare: the same core name, type of agency and county, leaving and
    arriving at once, is one application relabelled (ICE writing every ``Sheriff's
    Office`` as ``Sheriff's Department``); another type of agency is another agency."""
    r, cols = Replay(AT_ONCE), PENDING_COLS

    def pending(name: str, kind: str, county: str | None) -> ListingRow:
        return row(name, "JEM", signed=None, agency_type=kind, county=county)

    before = [
        pending("Marion County Sheriff's Office", "County", "Marion County"),
        pending("Fordyce Police Department", "Municipality", None),
        pending("Lamar County Sheriff's Office", "County", "Lamar County"),
    ]
    after = [
        pending("Marion County Sheriff's Department", "County", "MARION"),
        pending("Fordyce Police", "Municipality", None),
        pending("Lamar Police Department", "Municipality", "Lamar County"),
    ]
    r.feed(listing(BASE))
    r.feed(listing(before, "pending", cols))
    relabelled = r.feed(listing(after, "pending", cols))
    assert sorted(e.kind for e in relabelled.events) == TWO_RENAMED_ONE_REPLACED


def test_a_pending_agency_whose_name_gains_its_own_county_is_neither_renamed_nor_dropped() -> None:
    """Within one county the county's name tells no agency apart: ``Dunnellon Police
    Department (Marion County)`` in Marion County is Dunnellon Police Department, its
    name written otherwise (no event: where it is adds nothing to what it is called).
    In another county, or as another type of agency, it is another agency."""
    r, cols = Replay(AT_ONCE), PENDING_COLS

    def pending(name: str, county: str, kind: str = "Municipality") -> ListingRow:
        return row(name, "JEM", signed=None, agency_type=kind, county=county)

    r.feed(listing(BASE))
    r.feed(
        listing(
            [
                pending("Dunnellon Police Department", "Marion County"),
                pending("Gretna Police Department", "Jefferson Parish"),
                pending("Keller Police Department", "Tarrant County"),
            ],
            "pending",
            cols,
        )
    )
    relabelled = r.feed(
        listing(
            [
                pending("Dunnellon Police Department (Marion County)", "Marion County"),
                pending("Gretna Police Department (Jefferson Parish)", "Jefferson Parish"),
                pending("Keller Police Department (Denton County)", "Denton County"),
            ],
            "pending",
            cols,
        )
    )
    assert sorted(e.kind for e in relabelled.events) == ["pending.added", "pending.dropped"]


def test_one_row_of_an_agency_written_otherwise_does_not_split_the_agency() -> None:
    """Waukesha County's JEM row alone written ``Sheriff's Department`` (August 2025):
    the agency keeps its id and both agreements; the row's name is a field that changed.
    A county's board of commissioners under the same county is another body."""
    r = Replay(AT_ONCE)

    def sheriff(name: str, model: str) -> ListingRow:
        return row(name, model, "WI", agency_type="County", county="Waukesha County")

    board = row(
        "Gulf County Board of County Commissioners", "JEM", "FL", "2025-02-02",
        agency_type="County", county="Gulf County",
    )  # fmt: skip
    r.feed(listing([*BASE, sheriff("Waukesha County Sheriff's Office", "JEM"),
                    sheriff("Waukesha County Sheriff's Office", "WSO"), board]))  # fmt: skip
    gulf = replace(  # no papers in common: only the names can tell
        board, agency="Gulf County Sheriff's Office", signed=date(2025, 2, 20),
        agency_key=agency_key("Gulf County Sheriff's Office", "FL"),
    )  # fmt: skip
    relabelled = sheriff("Waukesha County Sheriff's Department", "JEM")
    outcome = r.feed(
        listing([*BASE, relabelled, sheriff("Waukesha County Sheriff's Office", "WSO"), gulf])
    )
    waukesha = [e for e in outcome.events if e.state == "WI"]
    assert [(e.kind, e.agency_id) for e in waukesha] == [
        ("agreement.changed", "wi-waukesha-county-sheriff-office")
    ]
    assert "wi-waukesha-county-sheriff-department" not in r.state.agencies
    assert {e.agency_id for e in outcome.events if e.state == "FL"} >= {
        "fl-gulf-county-sheriff-office"
    }


def test_an_agency_adding_a_model_under_its_name_written_otherwise_is_not_a_second_agency() -> None:
    """Walker County (TX): its JEM row ``Sheriff's Department`` with the county cell blank,
    its new WSO row ``Sheriff's Office`` in Walker County. One agency adding a model:
    ``agency.models_changed``, not ``agency.joined``. Its board of commissioners, or a
    name that two listed agencies could both be, is another agency."""
    r = Replay(AT_ONCE)

    def walker(name: str, model: str, county: str | None = "Walker County") -> ListingRow:
        return row(name, model, "TX", "2025-01-02", agency_type="County", county=county)

    jem = walker("Walker County Sheriff's Department", "JEM", county=None)
    r.feed(listing([*BASE, jem]))
    wso = walker("Walker County Sheriff's Office", "WSO")
    board = walker("Walker County Board of Commissioners", "TFM")
    outcome = r.feed(listing([*BASE, jem, wso, board]))
    walkers = [(e.kind, e.agency_id, e.model) for e in outcome.events if e.state == "TX"]
    assert walkers == [
        ("agreement.added", "tx-walker-county-board-commissioners", "TFM"),
        ("agreement.added", "tx-walker-county-sheriff-department", "WSO"),
        ("agency.models_changed", "tx-walker-county-sheriff-department", None),
        ("agency.joined", "tx-walker-county-board-commissioners", None),
    ]
    twice = Replay(AT_ONCE)  # two agencies listed that the new name could both be
    twice.feed(listing([*BASE, jem, walker("Walker County Sheriff", "TFM")]))
    joined = twice.feed(listing([*BASE, jem, walker("Walker County Sheriff", "TFM"), wso]))
    assert "agency.joined" in {e.kind for e in joined.events}


def test_one_row_of_an_agency_listed_with_its_name_mistyped_stays_the_agencys() -> None:
    """Pinellas County Sheriff's Office's TFM row listed as ``Pinellas County Sherif's
    Office`` (one slip), its WSO row as before: one agency, the row's name changed
    (before: the TFM agreement relabelled to a new agency of the mistyped name, as a
    new row of it, an agency joining, would be). Another name one slip off in another
    county is another agency's."""
    r = Replay(AT_ONCE)

    def pinellas(name: str, model: str, county: str = "Pinellas County") -> ListingRow:
        return row(name, model, "FL", "2025-01-02", agency_type="County", county=county)

    wso = pinellas("Pinellas County Sheriff's Office", "WSO")
    tfm = pinellas("Pinellas County Sheriff's Office", "TFM")
    r.feed(listing([*BASE, wso, tfm]))
    outcome = r.feed(listing([*BASE, wso, pinellas("Pinellas County Sherif's Office", "TFM")]))
    kinds = [(e.kind, e.agency_id) for e in outcome.events]
    assert kinds == [("agreement.changed", "fl-pinellas-county-sheriff-office")]
    elsewhere = Replay(AT_ONCE)
    elsewhere.feed(listing([*BASE, wso, tfm]))
    moved = pinellas("Pinellas County Sherif's Office", "TFM", county="Pasco County")
    outcome = elsewhere.feed(listing([*BASE, wso, moved]))
    assert "fl-pinellas-county-sherif-office" in elsewhere.state.agencies


def test_a_county_cell_left_blank_is_the_county_the_name_begins_with() -> None:
    """A blank county cell is the county the name begins with; where the name names
    none, the blank says nothing of the place (``#N/A`` in ICE's pending sheets), so
    it is no other place than a stated one."""

    def label(name: str, county: str | None) -> Label:
        key = agency_key(name, "TX")
        return Label(key, key, "TX", key, "JEM", agency_type="County", county=county)

    blank = label("Walker County Sheriff's Department", None)
    assert same_place(blank, label("Walker County Sheriff's Office", "Walker County"))
    assert same_place(blank, label("Walker County Sheriff's Office", None))
    assert not same_place(blank, label("Walker County Sheriff's Office", "Harris County"))
    nameless = label("Huntsville Police Department", None)  # a name naming no county
    assert same_place(nameless, label("Huntsville Police Department", "Walker County"))
    assert same_place(nameless, label("Huntsville Police Department", None))


def test_a_type_or_county_cell_left_blank_says_nothing_against_a_pending_relabel() -> None:
    """No papers to compare (applications): the same core name and kind of body, a
    blank TYPE or a county cell ``#N/A`` beside a stated one, leaving and arriving at
    once, is one application relabelled, not one dropped and one added; two stated
    types are two agencies still."""
    r, cols = Replay(AT_ONCE), PENDING_COLS

    def pending(name: str, kind: str | None, county: str | None) -> ListingRow:
        return row(name, "WSO", "FL", signed=None, agency_type=kind, county=county)

    before = [
        pending("Lake County Sheriff's Office", "County", "Lake County"),
        pending("Dunnellon Police Department", "Municipality", "Marion County"),
        pending("Gulf County Sheriff's Office", "County", "Gulf County"),
    ]
    after = [
        pending("Lake County Sheriff's Department", None, "Lake County"),
        pending("Dunnellon Police", "Municipality", None),
        pending("Gulf County Sheriff's Department", "State", "Gulf County"),
    ]
    r.feed(listing(BASE, "participating"))
    r.feed(listing(before, "pending", cols))
    r.feed(listing(after, "pending", cols))
    renamed = {e.after["name"] for e in r.events if e.kind == "agency.renamed" and e.after}
    assert renamed == {"Lake County Sheriff's Department", "Dunnellon Police"}
    dropped = [e.agency for e in r.events if e.kind == "pending.dropped"]
    assert dropped == ["Gulf County Sheriff's Office"]


def test_a_county_cell_naming_no_county_of_its_state_is_the_county_the_name_begins_with() -> None:
    """A cell mistyped (``Lafaytte County``, no county of Arkansas) says nothing against
    the county the name begins with: two cells mistyped otherwise are one place when
    both names state it; a cell naming another county of the state still stands."""

    def label(name: str, county: str | None) -> Label:
        key = agency_key(name, "AR")
        return Label(key, key, "AR", key, "TFM", agency_type="County", county=county)

    applied = label("Lafayette County Sheriff's Dept.", "Lafaytte County")
    assert same_place(applied, label("Lafayette County Sheriff's Office", "Layafette County"))
    assert same_place(applied, label("Lafayette County Sheriff's Office", "Lafayette County"))
    assert not same_place(applied, label("Lafayette County Sheriff's Office", "Miller County"))
    nameless = label("Texarkana Police Department", "Millr County")  # no county in its name
    assert not same_place(nameless, label("Texarkana Police Department", "Miller County"))


def test_counties_in_another_order_are_the_same_place() -> None:
    def label(county: str) -> Label:
        return Label("k", "a", "VA", "rsw regional jail", "JEM", None, None, county, "County")

    assert same_place(
        label("Rappahannock, Shenandoah, Warren"),
        label("Warren, Shenandoah and Rappahannock Counties"),
    )
    assert not same_place(label("Rappahannock, Shenandoah"), label("Rappahannock, Warren"))


def test_words_shared_by_two_known_agencies_name_neither() -> None:
    r = Replay()
    r.feed(listing(BASE + [row("East Alpha Township PD", "TFM"), row("Alpha East Township PD")]))
    r.feed(listing(BASE + [row("Township Alpha East PD", "WSO")]))
    assert "tx-township-alpha-east-police-department" in r.state.agencies


def test_an_id_minted_for_a_name_with_its_own_state_keeps_its_agency() -> None:
    aliases = initial_aliases({"PA|zeta borough constable office pa": "pa-zeta-old-id"})
    zeta = row("Zeta Borough Constable's Office, PA", "TFM", "PA")
    assert zeta.agency_key == agency_key(zeta.agency, "PA") == "zeta borough constable office"
    assert resolve(zeta, aliases) == "pa-zeta-old-id"


# -- membership -----------------------------------------------------------------------------


def test_an_agency_joins_with_its_first_agreement_and_leaves_with_its_last() -> None:
    r = Replay()
    r.feed(listing(BASE))
    alpha_wso = row("Alpha County Sheriff's Office", "WSO", signed="2025-02-03")
    r.feed(listing(BASE + [alpha_wso]))  # a second agreement: no join
    r.feed(listing(BASE[1:] + [alpha_wso]))  # one of two gone: no departure
    r.feed(listing(BASE[1:]))
    r.feed(listing(BASE[1:] + [row("Zulu PD", "TFM", signed="2025-03-01")]))
    joined = [e for e in r.events if e.kind == "agency.joined"]
    left = [e for e in r.events if e.kind == "agency.left"]
    assert len(joined) == 5 and joined[-1].agency == "Zulu PD"
    assert joined[-1].effective_date == "2025-03-01"
    [gone] = left
    assert gone.agency_id == "tx-alpha-county-sheriff-office" and gone.before == {"models": ["WSO"]}


def test_events_counted_by_signed_month_and_kind() -> None:
    events = [
        {"kind": "agreement.added", "effective_date": "2025-02-26", "window_end": "2025-03-06"},
        {"kind": "agreement.added", "effective_date": "2025-02-14", "window_end": "2025-03-17"},
        {"kind": "agreement.added", "effective_date": None, "window_end": "2025-03-17"},
        {"kind": "agency.joined", "effective_date": "2025-02-26", "window_end": "2025-03-06"},
    ]
    assert group_counts(events, "signed-month") == [
        {"signed-month": "2025-02", "kind": "agency.joined", "events": 1},
        {"signed-month": "2025-02", "kind": "agreement.added", "events": 2},
        {"signed-month": "unknown", "kind": "agreement.added", "events": 1},
    ]
    assert [r["month"] for r in group_counts(events, "month")] == ["2025-03"] * 2


def test_a_moa_moved_to_another_folder_is_compared_with_the_bytes_it_held_before() -> None:
    """The first bytes at a moved document's new link are compared with those of its old
    link: the same bytes are no event, other bytes are ``moa.replaced``."""
    moved = MOA.replace("/doclib/287gMOA/", "/sites/default/files/documents/")
    state, _ = apply_moa(ProgramState(), _moa_ref("m1", "a" * 64), MOA, {"model": "TFM"})
    assert apply_moa(state, _moa_ref("m2", "a" * 64), moved, {"model": "TFM"})[1] == []
    [event] = apply_moa(state, _moa_ref("m3", "b" * 64), moved, {"model": "TFM"})[1]
    assert (event.kind, event.subject) == ("moa.replaced", moved)
    assert (event.before["sha256"], event.after["sha256"]) == ("a" * 64, "b" * 64)


def _moa_ref(snapshot: str, sha: str) -> SnapshotRef:
    return SnapshotRef(snapshot, "2025-03-01T12:00:00Z", sha, "moa")


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("Greene Township Constable's Office", "Greene Township Constables Office", True),
        ("St. Mary\u2019s County Sheriff's Office", "St. Marys County Sheriffs Office", True),
        ("Richland Police Department", "Richlands Police Department", False),  # two towns
    ],
)
def test_a_name_written_without_its_apostrophes_is_the_same_name(
    first: str, second: str, same: bool
) -> None:
    assert same_words(first, second, "PA") is same


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("DeSoto County Sheriff's Office", "De Soto County Sheriff's Office", True),
        ("LaSalle Parish Sheriff's Office", "La Salle Parish Sheriff's Office", True),
        ("Doña Ana County Sheriff's Office", "Dona Ana County Sheriff's Office", True),
        ("Cañon City Police Department", "CANON CITY POLICE DEPT.", True),
        ("DeSoto County Sheriff's Office", "DeSota County Sheriff's Office", False),
        ("Port Orange Police Department", "Port Orange Beach Police Department", False),
    ],
)
def test_a_name_with_a_space_more_or_less_or_without_accents_is_the_same_name(
    first: str, second: str, same: bool
) -> None:
    assert same_words(first, second, "FL") is same
    assert same_words(second, first, "FL") is same


@given(
    st.lists(st.from_regex(r"[A-Z][a-z]{2,8}", fullmatch=True), min_size=1, max_size=4),
    st.data(),
)
def test_any_word_of_a_name_broken_in_two_plain_words_is_the_same_name(
    words: list[str], data: st.DataObject
) -> None:
    which = data.draw(st.integers(0, len(words) - 1))
    at = data.draw(st.integers(1, len(words[which]) - 1))
    word = words[which]
    pieces = (word[:at], word[at:].title())
    # pieces the key reads as themselves (not ``Co``: County, ``The``, ``Ten``: 10)
    assume(all(as_digits(agency_key(p).split()) == (p.lower(),) for p in pieces))
    broken = [*words[:which], *pieces, *words[which + 1 :]]
    name = " ".join([*words, "Police Department"])
    assert same_words(name, " ".join([*broken, "Police Department"]), "FL")


def test_a_county_written_with_a_space_more_or_without_accents_is_the_same_county() -> None:
    assert same_county("Doña Ana County", "DONA ANA", "NM")
    assert same_county("DeSoto County", "De Soto", "FL")
    assert same_county("LaSalle Parish", "La Salle Parish", "LA")
    assert not same_county("DeSoto County", "De Soto Sheriff", "FL")
    assert not same_county("Harris", "Harrison", "TX")


def test_a_county_written_with_its_agencys_own_state_is_the_same_county() -> None:
    assert same_county("Harris County, TX", "HARRIS", "TX")
    assert same_county("Harris County (Texas)", "Harris County", "TX")
    assert not same_county("Warren, Page", "Warren", "VA")  # a county list, not a state


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("Coolspring Twp Const. Office", "Coolspring Township Constable Office", True),
        (
            "Galveston County Const. Office Pct.1",
            "Galveston County Constable Office Precinct 1",
            True,
        ),
        ("Ft. Myers Police Department", "Fort Myers Police Department", True),
        ("Mt Dora Police Department", "Mount Dora Police Department", True),
        ("Lake Police Department", "Lakeland Police Department", False),  # a word, not short
        ("N Port Police Department", "North Port Police Department", False),  # one letter
        ("Twp Police Department", "Town Police Department", False),  # not its letters
        ("Alpha Twp Police", "Alpha Township Police Department", False),  # a word more
        ("Bullitt Cty Detention Center", "Bullitt County Detention Center", True),
        ("Jersey Cty Police Department", "Jersey City Police Department", True),
        ("Lynn Police Department", "Lunn Police Department", False),  # a y inside: a word
        # one letter left out is a slip, not a short form (a respelling is a change)
        ("Alachua Police Departent.", "Alachua Police Department.", False),
    ],
)
def test_a_word_written_short_is_the_word_it_shortens(first: str, second: str, same: bool) -> None:
    assert written_short(first, second, "FL") is same
    assert written_short(second, first, "FL") is same


@pytest.mark.parametrize(
    ("first", "second", "state", "same"),
    [
        ("Department of Corrections", "Alaska Department of Corrections", "AK", True),
        ("Office of the Attorney General", "Texas Office of the Attorney General", "TX", True),
        (
            "Criminal Investigation Division, Department of Financial Services",
            "Florida Department of Financial Services, Criminal Investigation Division",
            "FL",
            True,
        ),
        ("Department of Corrections", "Alaska Department of Corrections", "VA", False),
        ("Department of Corrections", "Virginia Department of Public Safety", "VA", False),
    ],
)
def test_a_name_with_its_states_name_before_it_is_the_name(
    first: str, second: str, state: str, same: bool
) -> None:
    """An agency is known by its state and its name: its state's name said first adds
    nothing (ICE so relabelled four state agencies on 17 March 2025)."""
    assert same_words(first, second, state) is same


_WORDS = st.sampled_from(
    ["Township", "Constable", "Precinct", "Mount", "Fort", "County", "Police", "Department",
     "Sheriff", "Office", "Harbor", "Village", "Borough", "North", "West"]
)  # fmt: skip


@given(st.lists(_WORDS, min_size=2, max_size=6, unique=True), st.data())
def test_a_name_with_any_word_shortened_is_the_name_either_way(
    words: list[str], data: st.DataObject
) -> None:
    """Shortening a word (its first letter and two or more of its other letters in
    order, two at least left out, with a period) leaves the name the same name, compared
    either way round (one letter left out is a slip: ``Departent.``)."""
    long_words = [i for i, word in enumerate(words) if len(word) >= 5]
    assume(bool(long_words))
    at = data.draw(st.sampled_from(long_words))
    word = words[at]
    # three letters at least: two may be a key's own abbreviation (``Co.`` is County)
    others = range(1, len(word) - 1)
    kept = data.draw(
        st.lists(st.sampled_from(others), min_size=2, max_size=len(word) - 3, unique=True)
    )
    short = word[0] + "".join(word[i] for i in sorted(kept)) + "."
    name = " ".join(words)
    shortened = " ".join([*words[:at], short, *words[at + 1 :]])
    assert same_words(name, shortened, "PA") and same_words(shortened, name, "PA")


_WORDS = st.sampled_from(["Ocala", "Bay", "Harbor", "North", "Fort", "Green", "Lake", "Hill"])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(_WORDS, min_size=1, max_size=3),
    st.sampled_from(["Police Department", "Marshal's Office", "Constable"]),
    st.lists(_WORDS, min_size=1, max_size=2),
    st.sampled_from(["{county} - {name}", "{county}: {name}", "{name} ({county})"]),
)
def test_any_name_with_its_own_county_set_off_is_that_name(
    place: list[str], body: str, county_words: list[str], written: str
) -> None:
    """Whatever the name and its county: the county set off before or after it is the
    name written otherwise; another county set off is not."""
    from diffs.identity import same_name_in_place

    name, county = f"{' '.join(place)} {body}", f"{' '.join(county_words)} County"
    shown = written.format(county=county, name=name)
    assert same_name_in_place(name, shown, "FL", (county, county))
    if not set(place) & set(county_words):  # a county the name holds restates it
        assert not same_name_in_place(name, shown, "FL", ("Zeta County", "Zeta County"))


@pytest.mark.parametrize(
    ("name", "other", "mended"),
    [
        # mistyped, and the other name written otherwise too: the slip mended only
        (
            "christian county sherrif office",
            "christian county sheriff department",
            "christian county sheriff office",
        ),
        (
            "new port richey polce dept",
            "new port richey police department",
            "new port richey police dept",
        ),
        ("lakeland police department", "oakland police department", None),  # two letters
        ("lafayette county sheriff office", "miller county sheriff office", None),
        ("alton police department", "alto police department", None),  # a word too short
        ("marion county sheriff office", "marion county sheriff office", None),  # the same
    ],
)
def test_a_slip_is_mended_to_the_other_names_word_when_exactly_one_word_is_one(
    name: str, other: str, mended: str | None
) -> None:
    assert slip_mended(name, other) == mended


# -- a signed date alone does not make two places one --------------------------------------

BAKER_MOA = "https://www.ice.gov/doclib/287gMOA/BakerCoSO_TFM_MOA_02.26.25.pdf"


@pytest.mark.parametrize(
    ("leaving", "arriving"),
    [
        # two counties' sheriffs, one linked, the other's link pending
        (
            ("Baker County Sheriff's Office", "Baker County", BAKER_MOA),
            ("Lake County Sheriff's Office", "Lake County", None),
        ),
        (
            ("Marion County Sheriff's Office", "Marion County", None),
            ("Martin County Sheriff's Office", "Martin County", None),
        ),
        # two cities of one county, a word of its own each
        (
            ("Pembroke Park Police Department", "Broward County", None),
            ("Pembroke Pines Police Department", "Broward County", None),
        ),
        (
            ("Melbourne Police Department", "Brevard County", None),
            ("Melbourne Beach Police Department", "Brevard County", None),
        ),
        # two cities of one county written alike, their county cells #N/A
        (("Sunrise Police Department", None, None), ("Surfside Police Department", None, None)),
        (
            ("Margate Police Department", None, BAKER_MOA),
            ("Marathon Police Department", None, None),
        ),
        # two cities of one name's beginning, in two counties
        (
            ("Palm Bay Police Department", "Brevard County", None),
            ("Palm Beach Police Department", "Palm Beach County", None),
        ),
    ],
)
def test_an_agency_leaving_as_another_place_signed_that_day_arrives_is_two_agreements(
    leaving: tuple[str, str, str | None], arriving: tuple[str, str, str | None]
) -> None:
    """ICE signs dozens of agreements a day: an agreement leaving (withdrawn, or a row
    missing for a day) as another place's, signed the same day, arrives is a withdrawal
    and an addition, never one agreement renamed (before: ``Baker County Sheriff's
    Office`` renamed ``Lake County Sheriff's Office``, its county changed, Lake County
    never joining)."""
    (old_name, old_county, old_moa), (new_name, new_county, new_moa) = leaving, arriving
    old = row(old_name, "TFM", "FL", "2025-02-26", county=old_county, moa_url=old_moa)
    new = row(new_name, "TFM", "FL", "2025-02-26", county=new_county, moa_url=new_moa)
    r = Replay(AT_ONCE)
    r.feed(listing(BASE + [old]))
    r.feed(listing(BASE + [new]))
    assert "agency.renamed" not in r.kinds() and "agreement.relabelled" not in r.kinds()
    assert r.kinds()["agreement.withdrawn"] == 1
    assert [e.after["agency"] for e in r.events if e.kind == "agreement.added"][-1] == new_name


def test_a_place_listed_beside_a_name_its_name_holds_signed_that_day_is_its_own_agreement() -> None:
    """``Melbourne Beach Police Department`` arriving, its link pending, beside
    ``Melbourne Police Department`` signed the same day is a new agreement, not that one
    listed twice (before: no event, and Melbourne Beach's application approved as
    Melbourne's)."""
    melbourne = row(
        "Melbourne Police Department", "TFM", "FL", "2025-04-14", county="Brevard County"
    )
    beach = row(
        "Melbourne Beach Police Department", "TFM", "FL", "2025-04-14", county="Brevard County"
    )
    r = _two_lists([melbourne], [melbourne, beach])
    added = [e.agency_id for e in r.events if e.kind == "agreement.added"]
    assert added[-1] == "fl-melbourne-beach-police-department"


def test_one_row_of_a_state_agency_written_without_its_state_s_name_stays_its_agency() -> None:
    """``Highway Patrol`` listed in FL is ``Florida Highway Patrol`` (an agency is known by
    its state and its name): one of its two rows so written is no agreement moved to a
    new agency (before: an ``agreement.relabelled`` to ``fl-highway-patrol``)."""
    tfm = row("Florida Highway Patrol", "TFM", "FL", "2025-02-20")
    wso = row("Florida Highway Patrol", "WSO", "FL", "2025-03-20")
    short = row("Highway Patrol", "WSO", "FL", "2025-03-20")
    r = _two_lists([tfm, wso], [tfm, short])
    assert "agreement.relabelled" not in r.kinds() and "agreement.added" not in {
        e.kind
        for e in r.events
        if e.agency_id != "fl-florida-highway-patrol" and "highway" in e.subject
    }
    assert {e.agency_id for e in r.state.participating.entries.values() if "highway" in e.key} == {
        "fl-florida-highway-patrol"
    }


def test_an_agency_signing_again_under_its_name_written_otherwise_is_reinstated() -> None:
    """Erath County Sheriff's Office withdrawn, listed months later as Erath County
    Sheriff's Department (the same core, kind of body and place): its agreement
    reinstated, one history (before: a new agency added and joined, the old one's
    history ending at its withdrawal). A name of another place stays another agency."""
    office = row("Erath County Sheriff's Office", "JEM", "TX", "2025-01-02", county="Erath County")
    department = replace(
        office,
        agency="Erath County Sheriff's Department",
        agency_key=agency_key("Erath County Sheriff's Department", "TX"),
        signed=date(2025, 2, 20),
    )
    other = row("Hood County Sheriff's Department", "JEM", "TX", "2025-02-20", county="Hood County")
    r = Replay(AT_ONCE)
    r.feed(listing(BASE + [office]))
    r.feed(listing(BASE))
    r.feed(listing(BASE + [department, other]))
    erath = [e.kind for e in r.events if e.agency_id == "tx-erath-county-sheriff-office"]
    assert erath[-2:] == ["agreement.reinstated", "agency.joined"]
    assert not any(e.agency_id == "tx-erath-county-sheriff-department" for e in r.events)
    assert "tx-hood-county-sheriff-department" in {e.agency_id for e in r.events}
