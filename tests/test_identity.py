"""Truth of the record: link wrappers, flicker, relabels and stable agency ids, on small
hand-made lists (the cases are ICE's own, from the corpus)."""

from __future__ import annotations

from diffs.gate import Rules
from diffs.links import canonical_link, same_document
from tests.test_engine import BASE, Replay, listing, row

MOA = "https://www.ice.gov/doclib/287gMOA/AlachuaCoSheriffsOfficeFL_TFM_MOA_02262025.pdf"
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


def test_a_safelinks_only_change_is_no_event_and_the_stored_value_is_ices() -> None:
    r = Replay()
    r.feed(listing([row("Alachua County Sheriff's Office", "TFM", "FL", moa_url=MOA)]))
    r.feed(listing([row("Alachua County Sheriff's Office", "TFM", "FL", moa_url=SAFE)]))
    assert set(r.kinds()) == {"agreement.added"}
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
