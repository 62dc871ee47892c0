"""One agreement under another label, on hand-made listings: an agency renamed with
only its signed date to tell (its MOA link pending), a model relabelled on the document
of an agreement whose agency had that model before, and the agency's set of models
after a relabel (``diffs/identity.py``, ``diffs/relabel.py``, ``diffs/membership.py``)."""

from __future__ import annotations

from collections import Counter

import pytest

from diffs.gate import Rules
from parsers.records import ListingRow
from tests.test_engine import BASE, Replay, listing, row

# every absence withdraws at once, whatever the share of the list lost
AT_ONCE = Rules(withdraw_after_snapshots=1, withdraw_after_days=0, max_row_loss_share=1.0)
TOWN = {"agency_type": "Municipality", "county": "Greer County"}
DOCS = "https://www.ice.gov/doclib/287gMOA/"


def town(name: str, signed: str = "2025-02-10", **extra: object) -> ListingRow:
    return row(name, "WSO", "OK", signed, **{**TOWN, **extra})


def _renamed(before: list[ListingRow], after: list[ListingRow]) -> Replay:
    r = Replay(AT_ONCE)
    r.feed(listing(BASE + before))
    r.feed(listing(BASE + after))
    r.feed(listing(BASE + after + [row("Filler Police Department", "TFM")]))
    return r


def _later(r: Replay) -> Counter[str]:
    """The kinds of the events after the first list's."""
    return Counter(e.kind for e in r.events if e.end.id != "s001")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Bellmont Police Department", "Bellmont Department of Public Safety"),
        ("Bellmont Department of Public Safety", "Bellmont Police Department"),
        ("Bellmont Police Department", "Bellmont Police Department Patrol Division"),
    ],
)
def test_an_agency_renamed_with_its_link_pending_is_one_agreement_renamed(
    old: str, new: str
) -> None:
    """The same state, model and signed date in one window is one agreement: a row
    leaving and one arriving, alone of their date, in one place, whose names differ by
    words saying what kind of body it is, are one agency renamed, as with a MOA link
    (before: withdrawn, added, left and joined: four false events, the rename lost)."""
    r = _renamed([town(old)], [town(new)])
    renamed_only = {"agency.renamed": 1, "agreement.changed": 1}
    assert _later(r) == {**renamed_only, "agreement.added": 1, "agency.joined": 1}  # the filler
    [renamed] = [e for e in r.events if e.kind == "agency.renamed"]
    assert (renamed.before, renamed.after) == ({"name": old}, {"name": new})
    assert [e.after["agency"] for e in r.events if e.kind == "agreement.added"][-1] == (
        "Filler Police Department"
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # names sharing nothing but their county
        ([town("Bellmont Police Department")], [town("Oakdale Police Department")]),
        # a word of its own that names no kind of body: another place
        ([town("Bellmont Police Department")], [town("Bellmont Heights Police Department")]),
        # two counties
        (
            [town("Bellmont Police Department")],
            [town("Bellmont Department of Public Safety", county="Harmon County")],
        ),
        # two agreements of that date leaving and two arriving: which is whose is unknown
        (
            [town("Bellmont Police Department"), town("Cedar Police Department")],
            [
                town("Bellmont Department of Public Safety"),
                town("Cedar Department of Public Safety"),
            ],
        ),
        # two bodies sharing no word but of bodies
        (
            [town("Department of Corrections", agency_type="State Agency", county=None)],
            [
                town(
                    "Division of Corrections and Public Safety",
                    agency_type="State Agency",
                    county=None,
                )
            ],
        ),
        # another body of the place: custody, a court's officer (helper 70)
        ([town("Garland Police Department")], [town("Garland Department of Corrections")]),
        ([town("Garland Police Department")], [town("Garland City Marshal's Office")]),
        # a merger, or a place extending the name, is no rename
        ([town("Bellmont Police Department")], [town("Bellmont-Cedar Regional Police Department")]),
        (
            [town("Bellmont Police Department")],
            [town("Bellmont Heights Regional Police Department")],
        ),
        # another signed date
        (
            [town("Bellmont Police Department")],
            [town("Bellmont Department of Public Safety", "2025-02-11")],
        ),
    ],
)
def test_a_row_leaving_as_another_arrives_on_its_date_alone_is_no_rename_when_aught_says_two(
    before: list[ListingRow], after: list[ListingRow]
) -> None:
    r = _renamed(before, after)
    assert "agency.renamed" not in r.kinds() and "agreement.relabelled" not in r.kinds()
    assert _later(r)["agreement.withdrawn"] == len(before)


def test_two_documents_are_two_agreements_whatever_the_names() -> None:
    old = town("Bellmont Police Department", moa_url=f"{DOCS}Bellmont_A.pdf")
    new = town("Bellmont Department of Public Safety", moa_url=f"{DOCS}Bellmont_B.pdf")
    r = _renamed([old], [new])
    assert "agency.renamed" not in r.kinds() and _later(r)["agreement.withdrawn"] == 1


IRONTON = "Ironton Police Department"


def _ironton(model: str, signed: str, doc: str) -> ListingRow:
    county = {"agency_type": "Municipality", "county": "Catahoula Parish"}
    return row(IRONTON, model, "LA", signed, moa_url=f"{DOCS}{doc}", **county)


def test_a_model_relabelled_to_one_its_agency_had_is_that_agreement_not_the_old_one_back() -> None:
    """An agency's WSO agreement withdrawn; later its JEM row relabelled WSO on the JEM
    agreement's own document: one agreement relabelled (a document is one agreement's),
    not the old WSO agreement reinstated and the JEM one withdrawn."""
    jem, wso = _ironton("JEM", "2025-02-06", "A.pdf"), _ironton("WSO", "2025-02-13", "B.pdf")
    jem_as_wso = _ironton("WSO", "2025-02-06", "A.pdf")
    r = Replay(AT_ONCE)
    r.feed(listing(BASE + [jem, wso]))
    r.feed(listing(BASE + [jem]))
    r.feed(listing(BASE + [jem_as_wso]))
    last = [e for e in r.events if e.end.id == "s003"]
    assert [e.kind for e in last] == ["agreement.relabelled", "agency.models_changed"]
    assert last[0].before and last[0].before["model"] == "JEM"
    assert (last[1].before, last[1].after) == ({"models": ["JEM"]}, {"models": ["WSO"]})
    entry = r.state.participating.entries["la-ironton-police-department|WSO"]
    assert entry.first_seen.id == "s001" and entry.fields["moa_url"].endswith("A.pdf")
    assert "la-ironton-police-department|JEM" not in r.state.participating.entries


def test_an_agreement_on_the_old_document_back_is_still_reinstated() -> None:
    jem, wso = _ironton("JEM", "2025-02-06", "A.pdf"), _ironton("WSO", "2025-02-13", "B.pdf")
    r = Replay(AT_ONCE)
    r.feed(listing(BASE + [jem, wso]))
    r.feed(listing(BASE + [jem]))
    r.feed(listing(BASE + [jem, wso, row("Filler Police Department", "TFM")]))
    ironton = [e.kind for e in r.events if e.end.id == "s003" and "ironton" in e.subject]
    assert ironton == ["agreement.reinstated", "agency.models_changed"]


def test_an_agencys_only_agreement_relabelled_changes_its_set_of_models() -> None:
    """An agency's set of models is its agreements' after every rule, relabels
    included: its one JEM agreement relabelled WSO (same MOA, same date) is told as
    ``{JEM}`` to ``{WSO}``, as a withdrawal and an addition would be (before: the
    relabel alone, the set the agency joined with never told changed)."""
    doc = {"moa_url": f"{DOCS}RedRiver_A.pdf", "county": "Red River Parish"}
    sheriff = "Red River Parish Sheriff's Office"
    r = Replay(AT_ONCE)
    r.feed(listing(BASE + [row(sheriff, "JEM", "LA", "2025-02-06", **doc)]))
    r.feed(listing(BASE + [row(sheriff, "WSO", "LA", "2025-02-06", **doc)]))
    last = [e for e in r.events if e.end.id == "s002"]
    assert [e.kind for e in last] == ["agreement.relabelled", "agency.models_changed"]
    assert (last[1].before, last[1].after) == ({"models": ["JEM"]}, {"models": ["WSO"]})
    assert last[1].start and last[1].start.id == "s001"
