"""Truth of the record across the two lists: a pending application and the agreement it
became, when ICE lists the agreement under another label of the agency (a typo fixed, the
words in another order, the name set off with its state), on small hand-made lists (the
cases are ICE's own, from the corpus). Names merely alike are two agencies."""

from __future__ import annotations

from dataclasses import replace
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diffs.identity import alias_key
from diffs.slips import SLIP_LETTERS, one_slip
from parsers.normalize import agency_key
from parsers.records import ListingRow
from tests.test_engine import BASE, Replay, listing, row

APPLICATION_COLS = ("STATE", "AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE")
TOWN = {"agency_type": "Municipality"}
COUNTY = {"agency_type": "County"}
SHERIFF = {**COUNTY, "signed": None}


def _application_then_agreement(
    applied: str,
    agreed: str,
    state: str = "TX",
    leave_first: bool = False,
    agreed_in: str | None = None,
    kind: dict[str, str] = TOWN,
) -> Replay:
    """``applied`` listed as a TFM application in ``state``, then a TFM agreement under
    ``agreed`` (in ``agreed_in``, else the same state); the application leaves the
    pending list (before the agreement arrives when ``leave_first``) and its absence is
    confirmed. ``kind``: the agency type both rows state."""
    r = Replay()
    kappa = row("Kappa Police Department", "TFM", "TX", signed=None, **TOWN)
    lam = row("Lambda Police Department", "TFM", "TX", signed=None, **TOWN)
    r.feed(listing(BASE))
    r.feed(listing([row(applied, "TFM", state, None, **kind), kappa], "pending", APPLICATION_COLS))
    if leave_first:
        r.feed(listing([kappa], "pending", APPLICATION_COLS))
    r.feed(listing([*BASE, row(agreed, "TFM", agreed_in or state, **kind)]))
    r.feed(listing([kappa], "pending", APPLICATION_COLS))
    r.feed(listing([kappa, lam], "pending", APPLICATION_COLS))
    return r


def _relisted(before: ListingRow, after: ListingRow) -> Replay:
    """An application listed, then listed as ``after`` in the next version (one window)."""
    r = Replay()
    kappa = row("Kappa Police Department", "TFM", "TX", None, **TOWN)
    r.feed(listing(BASE))
    r.feed(listing([before, kappa], "pending", APPLICATION_COLS))
    r.feed(listing([after, kappa], "pending", APPLICATION_COLS))
    return r


@pytest.mark.parametrize("leave_first", [False, True])
@pytest.mark.parametrize(
    ("applied", "agreed", "state"),
    [
        # one word mistyped, in the same place (ICE, May 2025)
        ("New Port Richey Polce Department", "New Port Richey Police Department", "FL"),
        ("Coolspring Township Constables Office", "Coolspring Township Constbales Office", "PA"),
        # the words in another order, the state set off after the name (July 2025)
        ("Unity Township Constable, PA", "Constable Unity Township", "PA"),
        # the same agency, the kind of body said otherwise (May 2025)
        (
            "Lower Burrell Fourth Ward Constable's Office",
            "Lower Burrell Fourth Ward Constable",
            "PA",
        ),
        # and a word of it written short (``Pct``: Precinct)
        (
            "Galveston County Constable's Office Pct.4",
            "Galveston County Constable Precinct 4",
            "TX",
        ),
        # mistyped, and the agreement's kind of body said otherwise too
        ("Christian County Sherrif's Office", "Christian County Sheriff's Department", "MO"),
        # a number written in words, then in digits, a word written short beside it
        ("Harris County Constable Precinct Four", "Harris County Constable Pct. 4", "TX"),
        ("Monroeville Sixth Ward Constable", "Monroeville 6th Ward Constable's Office", "PA"),
        # a space more or less, an accent dropped
        ("Mc Minn County Sheriff's Office", "McMinn County Sheriff's Office", "TN"),
        ("Doña Ana County Sheriff's Office", "Dona Ana County Sheriff's Office", "NM"),
    ],
)
def test_an_application_whose_agreement_is_listed_under_another_label_is_approved(
    applied: str, agreed: str, state: str, leave_first: bool
) -> None:
    r = _application_then_agreement(applied, agreed, state, leave_first)
    kinds = r.kinds()
    assert kinds["pending.approved"] == 1 and "pending.dropped" not in kinds
    approved = next(e for e in r.events if e.kind == "pending.approved")
    # the application's event, naming the agreement's label where its agency's id is
    # another (an agreement's name no agency had is the application's agency when its
    # words say so: one id, one label)
    application = next(e for e in r.events if e.kind == "pending.added" and e.agency == applied)
    assert approved.subject == application.subject and approved.before == {"list": "pending"}
    assert approved.after in (
        {"list": "participating", "agency": agreed},
        {"list": "participating"},
    )


def test_an_application_first_listed_in_another_writing_keeps_one_id_whatever_the_registry() -> (
    None
):
    """``Mc Cormick County Sheriff's Office`` listed first, then ``McCormick ...``, a
    writing the id registry already gives an id (a capture of another history minted
    it): one application, not a second one added, and its agreement approves it. Where
    a word breaks is the writing's, in a name's core too (before: the second writing a
    new application, ``pending.added`` beside the first)."""
    r = Replay()
    reserved = alias_key("SC", agency_key("McCormick County Sheriff's Office", "SC"))
    r.state = replace(r.state, aliases={reserved: "sc-mccormick-county-sheriff-office"})
    kappa = row("Kappa Police Department", "TFM", "SC", signed=None, **TOWN)
    r.feed(listing(BASE))
    spaced = row("Mc Cormick County Sheriff's Office", "WSO", "SC", None, **COUNTY)
    joined = replace(spaced, agency="McCormick County Sheriff's Office")
    joined = replace(joined, agency_key=agency_key(joined.agency, "SC"))
    r.feed(listing([spaced, kappa], "pending", APPLICATION_COLS))
    r.feed(listing([joined, kappa], "pending", APPLICATION_COLS))
    r.feed(listing([*BASE, row(joined.agency, "WSO", "SC", **COUNTY)]))
    r.feed(listing([kappa], "pending", APPLICATION_COLS))
    kinds = r.kinds()
    assert kinds["pending.added"] == 2 and kinds["pending.approved"] == 1
    assert "pending.dropped" not in kinds


def test_names_stating_one_county_are_in_it_whatever_their_county_cells_mistype() -> None:
    """An application and an agreement whose names begin with one county are in that
    county, whatever their county cells say (each mistyped otherwise): the name states
    the place again. ``Lafayette County Sheriff's Dept.`` (its cell ``Lafaytte
    County``) approved as ``Lafayette County Sheriff's Office`` (``Layafette County``),
    ICE's own cells of August 2025 (before: dropped, the agreement added apart)."""
    r = Replay()
    kappa = row("Kappa Police Department", "TFM", "AR", signed=None, **TOWN)
    applied = row("Lafayette County Sheriff's Dept.", "TFM", "AR", **SHERIFF)
    agreed = row("Lafayette County Sheriff's Office", "TFM", "AR", **COUNTY)
    r.feed(listing(BASE))
    r.feed(
        listing([replace(applied, county="Lafaytte County"), kappa], "pending", APPLICATION_COLS)
    )
    r.feed(listing([*BASE, replace(agreed, county="Layafette County")]))
    r.feed(listing([kappa], "pending", APPLICATION_COLS))
    r.feed(
        listing(
            [kappa, replace(kappa, agency="Lambda Police Department")], "pending", APPLICATION_COLS
        )
    )
    kinds = r.kinds()
    assert kinds["pending.approved"] == 1 and "pending.dropped" not in kinds


@pytest.mark.parametrize(
    ("applied", "agreed"),
    [
        ("Lakeland Police Department", "Oakland Police Department"),  # two letters
        ("Dorchester County Sheriff's Office", "Chester County Sheriff's Office"),
        (
            "University of North Florida Police Department",
            "University of Florida Police Department",
        ),
        ("Alton Police Department", "Alto Police Department"),  # too short to be a slip
        # a word written short, another precinct
        ("Galveston County Constable's Office Pct.4", "Galveston County Constable Precinct 1"),
    ],
)
def test_names_merely_alike_are_two_agencies_the_application_is_dropped(
    applied: str, agreed: str
) -> None:
    kinds = _application_then_agreement(applied, agreed).kinds()
    assert kinds["pending.dropped"] == 1 and "pending.approved" not in kinds
    assert kinds["agreement.added"] == len(BASE) + 1


@pytest.mark.parametrize(
    ("left", "arrived", "renamed"),
    [
        ("Lakeland Police Department", "Oakland Police Department", False),
        ("University of North Florida Police", "University of Florida Police", False),
        ("Haines City Polce Department", "Haines City Police Department", True),
    ],
)
def test_within_one_list_names_merely_alike_in_one_window_are_two_applicants(
    left: str, arrived: str, renamed: bool
) -> None:
    r = _relisted(row(left, "TFM", "FL", None, **TOWN), row(arrived, "TFM", "FL", None, **TOWN))
    kinds = r.kinds()
    assert ("agency.renamed" in kinds) is renamed
    assert kinds["pending.added"] == (2 if renamed else 3)


@pytest.mark.parametrize(
    ("applied", "in_force"),
    [
        # a slip of the keyboard (ICE relisted Christian County's TFM application as
        # "Sherrif's" for one capture in July 2025, its agreement in force since July 8)
        ("Christian County Sherrif's Office", "Christian County Sheriff's Office"),
        ("New Port Richey Polce Department", "New Port Richey Police Department"),
        # the words in another order
        ("Constable Unity Township", "Unity Township Constable"),
        # mistyped, and the agreement's name written otherwise too (its kind of body)
        ("Christian County Sherrif's Office", "Christian County Sheriff's Dept."),
    ],
)
def test_an_application_listed_for_an_agreement_in_force_under_another_label_is_a_signal(
    applied: str, in_force: str
) -> None:
    """An application listed after its agreement is in force, under another label of
    its agency, is the signal an application of the agreement's own key is (the
    snapshot's note), not an applicant added and then dropped; and the agreement,
    listed before the application, approves it not."""
    r = Replay()
    r.feed(listing([*BASE, row(in_force, "TFM", "PA", county="Christian County", **COUNTY)]))
    kappa = row("Kappa Police Department", "TFM", signed=None, **TOWN)
    app = row(applied, "TFM", "PA", None, county="Christian County", **COUNTY)
    before = len(r.events)
    out = r.feed(listing([app, kappa], "pending", APPLICATION_COLS))
    assert out.note == (
        f"listed as pending but already participating: {applied} (TFM), in force as {in_force}"
    )
    r.feed(listing([kappa], "pending", APPLICATION_COLS))
    lam = row("Lambda Police Department", "TFM", signed=None, **TOWN)
    r.feed(listing([kappa, lam], "pending", APPLICATION_COLS))
    assert [e.agency for e in r.events[before:]] == [kappa.agency, lam.agency]


def test_an_application_named_merely_like_an_agreement_in_force_is_an_applicant() -> None:
    r = Replay()
    r.feed(listing([*BASE, row("Oakland Police Department", "TFM", **TOWN)]))
    out = r.feed(
        listing([row("Lakeland Police Department", "TFM", signed=None, **TOWN)], "pending")
    )
    assert out.note is None and r.kinds()["pending.added"] == 1


@pytest.mark.parametrize(
    ("agreed", "note"),
    [
        # two agreements whose names hold the application's (ICE, 29 April 2025)
        (
            ["Pembroke Park Police Department", "Pembroke Pines Police Department"],
            "agreements listed since under names alike: Pembroke Park Police Department; "
            "Pembroke Pines Police Department",
        ),
        (["Lambda Police Department"], None),  # nothing alike: a plain drop
    ],
)
def test_an_application_dropped_names_the_agreements_listed_since_under_names_alike(
    agreed: list[str], note: str | None
) -> None:
    """Names merely alike are two agencies, so the application is dropped; the event's
    note names the agreements of its state and model listed since under names alike
    (one's core inside the other's), for the reader to weigh."""
    r = Replay()
    kappa = row("Kappa Police Department", "TFM", "FL", signed=None, **TOWN)
    applied = row("Pembroke Police Department", "TFM", "FL", None, **TOWN)
    r.feed(listing(BASE))
    r.feed(listing([applied, kappa], "pending", APPLICATION_COLS))
    r.feed(listing([*BASE, *(row(name, "TFM", "FL", **TOWN) for name in agreed)]))
    r.feed(listing([kappa], "pending", APPLICATION_COLS))
    mu = row("Mu Police Department", "TFM", "FL", None, **TOWN)
    r.feed(listing([kappa, mu], "pending", APPLICATION_COLS))
    dropped = [e for e in r.events if e.kind == "pending.dropped"]
    assert [(e.agency, e.note) for e in dropped] == [(applied.agency, note)]


@pytest.mark.parametrize("republished", [True, False])
def test_an_application_still_listed_when_its_agreement_is_withdrawn_is_pending_again(
    republished: bool,
) -> None:
    """An application listed while its agreement is in force (the signal), still listed
    once the agreement's withdrawal is recorded, is pending again: a ``pending.added``
    dated by the withdrawal's window, whether the pending list is the same bytes again or
    a new version."""
    r = Replay()
    town = row("Southside Place Police Department", "TFM", **TOWN)
    app = row(town.agency, "TFM", signed=None, **TOWN)
    kappa = row("Kappa Police Department", "TFM", signed=None, **TOWN)
    r.feed(listing([*BASE, town]))
    r.feed(listing([app, kappa], "pending", APPLICATION_COLS))
    for day in range(8):
        r.feed(listing([*BASE, *([row("Epsilon Police Department", "TFM")] if day % 2 else [])]))
        others = [kappa] if republished else [kappa, row(f"Town {day} Police", "TFM", signed=None)]
        r.feed(listing([app, *others], "pending", APPLICATION_COLS))
    withdrawn = next(e for e in r.events if e.kind == "agreement.withdrawn")
    again = [e for e in r.events if e.kind == "pending.added" and e.agency == app.agency]
    assert [(e.start, e.end) for e in again] == [(withdrawn.start, withdrawn.end)]
    assert again[0].recorded is not None and again[0].recorded.kind == "pending"


def test_two_applications_alike_are_each_approved_when_they_leave_not_when_it_arrives() -> None:
    """Which of two applications an agreement approves is unknown when both are its
    agency's under other labels: neither is approved when it arrives; each is when it
    leaves the list, the agreement being its one (ICE listing one application twice)."""
    r = Replay()
    cols = APPLICATION_COLS
    first = row("Unity Township Constable", "TFM", "PA", None, **TOWN)
    second = row("Township Constable Unity", "TFM", "PA", None, **TOWN)
    kappa = row("Kappa Police Department", "TFM", "PA", None, **TOWN)
    lam = row("Lambda Police Department", "TFM", "PA", None, **TOWN)
    r.feed(listing(BASE))
    r.feed(listing([first, second, kappa], "pending", cols))
    r.feed(listing([*BASE, row("Constable Unity Township", "TFM", "PA", **TOWN)]))
    assert "pending.approved" not in r.kinds()
    r.feed(listing([kappa], "pending", cols))
    r.feed(listing([kappa, lam], "pending", cols))
    kinds = r.kinds()
    assert kinds["pending.approved"] == 2 and "pending.dropped" not in kinds
    assert all(
        e.after == {"list": "participating", "agency": "Constable Unity Township"}
        for e in r.events
        if e.kind == "pending.approved"
    )


def test_a_parish_is_a_county_so_an_application_relisted_under_it_is_renamed() -> None:
    """Louisiana's counties are parishes: ``Lafourche County Sheriff's Office`` relisted
    as ``Lafourche Parish Sheriff's Office`` is one applicant renamed, not an
    application dropped and another added (ICE, May 2025)."""
    name, parish = "Lafourche {} Sheriff's Office", "Lafourche Parish"
    old = row(name.format("County"), "WSO", "LA", county="Lafourche County", **SHERIFF)
    new = row(name.format("Parish"), "WSO", "LA", county=parish, **SHERIFF)
    r = _relisted(old, new)
    kinds = r.kinds()
    assert kinds["agency.renamed"] == 1 and kinds["pending.added"] == 2
    assert "pending.dropped" not in kinds


def test_an_application_relisted_with_its_own_county_after_its_name_is_one_applicant() -> None:
    """``Marshall County Sheriff's Office`` relisted as ``Marshall County Sheriff's
    Office - Marshall County`` (its county on a second line of its cell): its name
    written otherwise, no application dropped and another added (its core is Marshall,
    once: the county written after the name taken off before the county's words)."""
    name = "Marshall County Sheriff's Office"
    old = row(name, "JEM", "AL", county="Marshall County", **SHERIFF)
    new = row(f"{name} - Marshall County", "JEM", "AL", county="Marshall County", **SHERIFF)
    r = _relisted(old, new)
    added = {"agreement.added": len(BASE), "agency.joined": len(BASE)}
    assert r.kinds() == {**added, "pending.added": 2}


@pytest.mark.parametrize(
    ("a", "b", "slip"),
    [
        ("new port richey polce department", "new port richey police department", True),
        ("coolspring constables office", "coolspring constbales office", True),  # swapped
        ("state attorney sixth judical circuit", "state attorney sixth judicial circuit", True),
        ("christian county sherrif office", "christian county sheriff office", True),  # doubled
        ("lakeland police department", "oakland police department", False),
        ("alto police department", "alton police department", False),  # short
        ("north florida police", "florida police", False),  # a word dropped
        ("polce depatment", "police department", False),  # two words
        ("same police department", "same police department", False),  # no slip at all
    ],
)
def test_a_slip_is_one_letter_added_dropped_changed_or_swapped_in_one_long_word(
    a: str, b: str, slip: bool
) -> None:
    assert one_slip(a, b) is slip and one_slip(b, a) is slip


WORDS = st.text(alphabet="abcdefghij", min_size=SLIP_LETTERS + 1, max_size=12)


@given(st.lists(WORDS, min_size=1, max_size=4), st.data())
def test_any_one_letter_dropped_from_a_long_word_is_a_slip(
    words: list[str], data: st.DataObject
) -> None:
    which = data.draw(st.integers(0, len(words) - 1))
    word = words[which]
    at = data.draw(st.integers(0, len(word) - 1))
    slipped = [*words[:which], word[:at] + word[at + 1 :], *words[which + 1 :]]
    assert one_slip(" ".join(words), " ".join(slipped))
    assert not one_slip(" ".join(words), " ".join(words))


@given(st.lists(WORDS, min_size=2, max_size=4, unique=True), st.randoms())
def test_an_application_in_other_words_for_an_agreement_in_force_is_never_an_applicant(
    words: list[str], rnd: Random
) -> None:
    """Whatever the name, the same words in another order as an agreement in force of
    the same state and model: the application is the signal, not a ``pending.added``."""
    shuffled = list(words)
    rnd.shuffle(shuffled)
    r = Replay()
    r.feed(listing([*BASE, row(" ".join(words).title(), "TFM", "PA", **TOWN)]))
    before = len(r.events)
    app = row(" ".join(shuffled).title(), "TFM", "PA", None, **TOWN)
    out = r.feed(listing([app], "pending", APPLICATION_COLS))
    assert r.events[before:] == [] and out.note is not None


@pytest.mark.parametrize(
    ("name", "wrong", "right", "corrected"),
    [
        # Florida has no Abbeville County; South Carolina has (ICE listed Kershaw
        # County's application in FL, then in SC, April 2025)
        ("Abbeville County Sheriff's Office", "FL", "SC", True),
        # both states have a Pike County: two agencies
        ("Pike County Sheriff's Office", "AL", "GA", False),
        # a city's police names no county: nothing tells which state is right
        ("Alton Police Department", "TX", "IL", False),
    ],
)
def test_an_application_relisted_in_the_state_of_its_county_is_one_applicant(
    name: str, wrong: str, right: str, corrected: bool
) -> None:
    after = row(name, "TFM", right, **SHERIFF)
    r = _relisted(row(name, "TFM", wrong, **SHERIFF), after)
    if not corrected:  # nothing says which state is right: read once a later list shows it
        assert r.kinds()["pending.added"] == 2
        kappa = row("Kappa Police Department", "TFM", "TX", None, **TOWN)
        r.feed(listing([kappa, after], "pending", APPLICATION_COLS))
    kinds = r.kinds()
    assert ("agency.renamed" in kinds) is corrected
    assert kinds["pending.added"] == (2 if corrected else 3)
    if corrected:
        renamed = next(e for e in r.events if e.kind == "agency.renamed")
        assert (renamed.before["state"], renamed.after["state"]) == (wrong, right)


def test_an_application_listed_in_a_state_without_its_county_is_approved_in_the_right_one() -> None:
    """New Mexico has no Loving County; Texas has: the application listed in NM is the
    TX agreement's (ICE listed McKenzie County's application in TX, its agreement in ND,
    March 2025)."""
    county = {"agency_type": "County"}
    r = _application_then_agreement(
        "Loving County Sheriff's Office",
        "Loving County Sheriff's Office",
        "NM",
        agreed_in="TX",
        kind=county,
    )
    kinds = r.kinds()
    assert kinds["pending.approved"] == 1 and "pending.dropped" not in kinds


@pytest.mark.parametrize(
    "agreed",
    [
        "Monroe County - Monroe Police Department",
        "Monroe Police Department (Monroe County)",
        "Monroe Police Department Monroe County",  # on a second line of its cell
    ],
)
def test_an_application_approved_under_its_name_with_its_county_set_off_is_approved(
    agreed: str,
) -> None:
    """``Monroe Police Department`` applying, ``Monroe County - Monroe Police Department``
    joining, both in Monroe County: its own county set off is its name written otherwise
    (before: ``pending.dropped`` and a new agency); another county set off is not."""
    monroe = {**TOWN, "county": "Monroe County"}
    kinds = _application_then_agreement("Monroe Police Department", agreed, "GA", kind=monroe)
    assert kinds.kinds()["pending.approved"] == 1 and "pending.dropped" not in kinds.kinds()
    other = agreed.replace("Monroe County", "Walton County")
    kinds = _application_then_agreement("Monroe Police Department", other, "GA", kind=monroe)
    assert "pending.approved" not in kinds.kinds()


UNTYPED_COLS = tuple(c for c in APPLICATION_COLS if c != "TYPE")


@pytest.mark.parametrize("agreement_type", ["State Agency", None])
def test_an_application_on_a_list_publishing_no_type_is_approved_under_another_label(
    agreement_type: str | None,
) -> None:
    """A pending list without a TYPE column says nothing of its applications' types:
    an application is not of another type than its agreement for want of one. Its
    agreement listed under its name with a slip fixed approves it (ICE's ``Sixth Judical
    Circuit``, August 2025), as it would with the type stated; so it does when neither
    list publishes types."""
    r = Replay()
    kappa = row("Kappa Police Department", "TFM", signed=None)
    lam = row("Lambda Police Department", "TFM", signed=None)
    applied = row("Office of the State Attorney Sixth Judical Circuit", "TFM", "FL", None)
    agreed = row("Office of the State Attorney Sixth Judicial Circuit", "TFM", "FL")
    r.feed(listing(BASE))
    r.feed(listing([applied, kappa], "pending", UNTYPED_COLS))
    r.feed(listing([*BASE, replace(agreed, agency_type=agreement_type)]))
    r.feed(listing([kappa], "pending", UNTYPED_COLS))
    r.feed(listing([kappa, lam], "pending", UNTYPED_COLS))
    kinds = r.kinds()
    assert kinds["pending.approved"] == 1 and "pending.dropped" not in kinds


def test_an_application_on_a_list_publishing_no_type_for_an_agreement_in_force_is_a_signal() -> (
    None
):
    r = Replay()
    in_force = row("Christian County Sheriff's Office", "TFM", "MO", **COUNTY)
    r.feed(listing([*BASE, replace(in_force, county="Christian County")]))
    app = row("Christian County Sherrif's Office", "TFM", "MO", None, county="Christian County")
    out = r.feed(listing([app], "pending", UNTYPED_COLS))
    assert out.note == (
        "listed as pending but already participating: Christian County Sherrif's Office "
        "(TFM), in force as Christian County Sheriff's Office"
    )


@pytest.mark.parametrize(("applied", "agreed"), [("TFM", None), (None, "WSO")])
def test_an_application_and_an_agreement_of_a_model_unknown_are_one(
    applied: str | None, agreed: str | None
) -> None:
    """A model unknown (a support type naming no model: ``287(g)``) is no other model:
    an agency's one application leaving as its one agreement arrives, one of them of a
    model unknown, is approved (before: dropped, the agreement added beside it). An
    agency applying for two models, one agreement of a model unknown approves neither:
    which is unknown."""
    r = Replay()
    kappa = row("Kappa Police Department", "TFM", signed=None, **TOWN)
    lam = row("Lambda Police Department", "TFM", signed=None, **TOWN)
    app = replace(row("Omega Police Department", applied, "TX", None, **TOWN), model_raw="287(g)")
    agreement = replace(row("Omega Police Department", agreed, "TX", **TOWN), model_raw="287(g)")
    r.feed(listing(BASE))
    r.feed(listing([app, kappa], "pending", APPLICATION_COLS))
    r.feed(listing([*BASE, agreement]))
    r.feed(listing([kappa], "pending", APPLICATION_COLS))
    r.feed(listing([kappa, lam], "pending", APPLICATION_COLS))
    kinds = r.kinds()
    assert kinds["pending.approved"] == 1 and "pending.dropped" not in kinds
    r = Replay()
    both = [replace(app, model=m) for m in ("TFM", "WSO")] if applied else [app]
    if applied:
        r.feed(listing(BASE))
        r.feed(listing([*both, kappa], "pending", APPLICATION_COLS))
        r.feed(listing([*BASE, agreement]))
        r.feed(listing([kappa], "pending", APPLICATION_COLS))
        r.feed(listing([kappa, lam], "pending", APPLICATION_COLS))
        assert "pending.approved" not in r.kinds()
