"""The shortlist (``diffs/shortlist.py``): an application is compared closely only with
the agreements whose names share a mark with its own, and that never loses one the
rules find (``relabel.counterpart``)."""

from __future__ import annotations

from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from diffs import relabel, shortlist, slips
from diffs.events import SnapshotRef
from diffs.state import ACTIVE, Agency, Entry, ProgramState
from parsers.normalize import agency_key

REF = SnapshotRef(id="s1", observed_at="2025-06-01T12:00:00Z", sha256="0" * 64, kind="pending")

PLACES = ["Marion", "Polk", "Lake", "Lakeland", "Oakland", "Pembroke", "Pembroke Park"]
PLACES += ["Saint Lucie", "St. Lucie", "McCormick", "Mc Cormick", "Walker", "Coolspring"]
BODIES = ["County Sheriff's Office", "County Sheriff's Department", "Police Department"]
BODIES += ["Police", "Township Constable", "Twp Const. Office", "County Jail"]
BODIES += ["Board of County Commissioners", "Sheriff's Office"]


def _slipped(word: str, how: int, at: int) -> str:
    """``word`` with one slip of the keyboard: a letter changed, dropped, doubled, or two
    neighbours swapped (at ``at``)."""
    at = at % len(word)
    if how == 0:
        return word[:at] + ("x" if word[at] != "x" else "y") + word[at + 1 :]
    if how == 1:
        return word[:at] + word[at + 1 :]
    if how == 2:
        return word[:at] + word[at] + word[at:]
    at = min(at, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


@st.composite
def names(draw: st.DrawFn) -> str:
    """An agency's name as ICE might write it: a place and a body, perhaps with one word
    mistyped, inverted, its county set off after it or its state after it."""
    words = f"{draw(st.sampled_from(PLACES))} {draw(st.sampled_from(BODIES))}".split()
    if draw(st.booleans()):
        which = draw(st.integers(0, len(words) - 1))
        if len(words[which]) >= slips.SLIP_LETTERS:
            how, at = draw(st.integers(0, 3)), draw(st.integers(0, 20))
            words[which] = _slipped(words[which], how, at)
    name = " ".join(words)
    form = draw(st.integers(0, 5))
    if form == 1:
        name = f"{name} (Marion County)"
    elif form == 2:
        name = f"{name}, FL"
    elif form == 3 and len(words) > 2:
        name = f"{' '.join(words[1:])}, {words[0]}"
    elif form == 4:
        name = name.replace("'", "")
    return name


def _entry(name: str, county: str | None, kind: str | None, number: int) -> Entry:
    fields = {"agency": name, "county": county, "agency_type": kind}
    return Entry(f"a{number}|TFM", f"a{number}", "TFM", fields, ACTIVE, REF, REF)


def _state(*entries: Entry) -> ProgramState:
    agencies = {
        e.agency_id: Agency(
            e.agency_id, "FL", e.fields["agency"], agency_key(e.fields["agency"], "FL")
        )
        for e in entries
    }
    return ProgramState(agencies=agencies)


COUNTIES = st.sampled_from([None, "Marion", "Polk", "Lake"])
TYPES = st.sampled_from([None, "County", "Municipality"])


@given(st.tuples(names(), COUNTIES, TYPES), st.tuples(names(), COUNTIES, TYPES))
def test_an_agreement_the_rules_find_an_application_s_is_never_left_off_the_shortlist(
    mine: tuple[str, str | None, str | None], theirs: tuple[str, str | None, str | None]
) -> None:
    application, agreement = _entry(*mine, 1), _entry(*theirs, 2)
    state = _state(application, agreement)
    found = relabel.counterpart(application, [agreement], state)
    with mock.patch.object(shortlist, "may_be", lambda *_: True):
        assert relabel.counterpart(application, [agreement], state) == found


@given(st.text(alphabet="abcdefgh", min_size=slips.SLIP_LETTERS, max_size=10), st.data())
def test_two_words_one_slip_apart_share_a_variant(word: str, data: st.DataObject) -> None:
    other = _slipped(word, data.draw(st.integers(0, 3)), data.draw(st.integers(0, 20)))
    if other != word and slips._slipped(word, other):
        assert slips.variants(word) & slips.variants(other)


def test_names_of_two_places_share_no_mark_so_they_are_not_compared_closely() -> None:
    marion = shortlist.marks(
        "Marion County Sheriff's Office", "marion county sheriff office", None, "FL"
    )
    polk = shortlist.marks("Polk County Sheriff's Office", "polk county sheriff office", None, "FL")
    assert not shortlist.may_be(marion, polk)


def test_a_name_mistyped_or_inverted_shares_a_mark_with_its_agency_s() -> None:
    def marked(name: str) -> shortlist.Marks | None:
        return shortlist.marks(name, agency_key(name, "FL"), None, "FL")

    known = marked("Lakeland Police Department")
    assert shortlist.may_be(marked("Lakelnad Police Department"), known)  # a slip
    assert shortlist.may_be(marked("Police Department Lakeland"), known)  # inverted
    assert shortlist.may_be(marked("Lakeland Police"), known)  # its core


def test_a_name_with_a_word_written_short_or_its_county_set_off_has_no_marks() -> None:
    twp = "Coolspring Twp Const. Office"
    assert shortlist.marks(twp, agency_key(twp, "PA"), None, "PA") is None
    aside = "Ocala Police Department (Marion County)"
    assert shortlist.marks(aside, agency_key(aside, "FL"), "Marion", "FL") is None
