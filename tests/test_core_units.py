"""Archive, config, file-name dating and the list cells' normalisers: small pure units."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from common.errors import ConfigError
from ice287g.config import load_config
from parsers.agency_types import abbreviates_type, agency_type
from parsers.filenames import claimed_kind, claimed_kinds, date_from_name
from parsers.listing_cells import agency_cell, county_cell
from parsers.mojibake import mended
from parsers.normalize import (
    agency_key,
    clean_text,
    county_key,
    model_code,
    state_code,
    state_in_name,
)
from parsers.states import STATES
from parsers.status_words import applying_status, ended_title, pending_title
from snapshots.archive import Archive, Observation


def _obs(sha: str, when: str = "2025-01-01T00:00:00Z", name: str = "a.xlsx") -> Observation:
    return Observation(sha256=sha, observed_at=when, source="import", original_name=name)


def test_archive_stores_once_and_records_once(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    sha, path = archive.put(b"hello", ".xlsx")
    assert archive.put(b"hello", ".xlsx") == (sha, path)
    assert path.name == f"{sha}.xlsx" and archive.read(sha) == b"hello"
    assert archive.record(_obs(sha)) is True
    assert Archive(tmp_path).record(_obs(sha)) is False
    assert Archive(tmp_path).record(_obs(sha, "2025-01-02T00:00:00Z")) is True
    assert len(Archive(tmp_path).observations()) == 2


def test_archive_survives_a_torn_manifest_line(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    sha, _ = archive.put(b"x")
    archive.record(_obs(sha))
    with archive.manifest_path.open("a") as handle:
        handle.write('{"sha256": "tor')
    fresh = Archive(tmp_path)
    assert fresh.record(_obs(sha, "2025-02-02T00:00:00Z"))
    assert [o.observed_at for o in Archive(tmp_path).observations()] == [
        "2025-01-01T00:00:00Z",
        "2025-02-02T00:00:00Z",
    ]


def test_a_manifest_line_that_is_no_observation_is_skipped_and_said(tmp_path: Path) -> None:
    """Anywhere in the manifest (a torn write, then another appended after it; a hand's
    edit), a line that is no observation (not an object, a time or hash that is none,
    not UTF-8) is skipped and named with its number, never an internal error; an
    editor's byte-order mark is no part of a line, and a field a later version writes
    is read past."""
    archive = Archive(tmp_path)
    sha, _ = archive.put(b"x")
    archive.record(_obs(sha))
    good = archive.manifest_path.read_bytes()
    with_time = good.replace(b"2025-01-01T00:00:00Z", b"2025-01-02T00:00:00Z")
    later = with_time.replace(b"{", b'{"added_later": 1, ', 1)
    bad_time = good.replace(b"2025-01-01T00:00:00Z", b"garbage")
    lines = [b"\xef\xbb\xbf" + good, b"[1, 2]\n", bad_time, b"\xff\xfe{}\n", later]
    archive.manifest_path.write_bytes(b"".join(lines))
    fresh = Archive(tmp_path)
    assert [o.observed_at for o in fresh.observations()] == [
        "2025-01-01T00:00:00Z",
        "2025-01-02T00:00:00Z",
    ]
    assert [number for number, _ in fresh.damaged] == [2, 3, 4]
    assert "garbage" in fresh.damaged[1][1]


def test_a_full_disk_while_an_object_is_written_names_the_object(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write's error names no file: the object being written is named (the CLI's one
    line then says ``PATH: No space left on device``), and nothing half-written stays."""
    import errno

    from snapshots import archive as module

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(module.os, "fsync", full)
    target = tmp_path / "objects" / "ab" / "abc.xlsx"
    with pytest.raises(OSError) as failed:
        module.atomic_write(target, b"PK")
    assert failed.value.filename == str(target) and failed.value.errno == errno.ENOSPC
    assert list(target.parent.iterdir()) == []


def test_archive_paths_never_use_the_original_name(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    sha, path = archive.put(b"data", "/../../etc/passwd")
    assert path.is_relative_to(tmp_path) and path.name == f"{sha}.bin"


@pytest.mark.parametrize(
    ("name", "expected", "kind"),
    [
        ("participatingAgencies-20250221214937.xlsx", "2025-02-21 21:49:37+00:00", "participating"),
        ("participatingAgencies05162025am.xlsx", "2025-05-16 12:00:00+00:00", "participating"),
        ("pendingAgencies05162025pm.xlsx", "2025-05-16 22:00:00+00:00", "pending"),
        ("participatingAgencies05162025mid.xlsx", "2025-05-16 16:00:00+00:00", "participating"),
        ("participatingAgencies06112025pm copy.xlsx", "2025-06-11 22:01:00+00:00", "participating"),
        ("participatingAgencies090022025pm.xlsx", "2025-09-02 22:00:00+00:00", "participating"),
        ("287gParticipatingAgencies091526pm.xlsx", "2026-09-15 22:00:00+00:00", "participating"),
        ("pendingAgencies.xlsx", None, "pending"),
    ],
)
def test_dates_from_file_names(name: str, expected: str | None, kind: str) -> None:
    found = date_from_name(name)
    assert (str(found.observed_at) if found else None) == expected
    assert claimed_kind(name) == kind


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("participatingAgencies05162025am.xlsx", ("participating",)),
        ("pendingAgencies.xlsx", ("pending",)),
        ("287gParticipatingAndPendingAgencies05162025am.xlsx", ("participating", "pending")),
        ("Pending and Participating Agencies.xlsx", ("participating", "pending")),
        ("287gAgencies05162025am.xlsx", ()),
    ],
)
def test_a_file_name_claims_one_list_none_or_both(name: str, kinds: tuple[str, ...]) -> None:
    assert claimed_kinds(name) == kinds
    assert claimed_kind(name) == (kinds[0] if kinds else None)


def test_config_precedence_and_validation(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        '[database]\nurl = "sqlite:///x.db"\n[diff]\nwithdraw_after_snapshots = 3\n'
    )
    config = load_config(None, {}, env={}, cwd=tmp_path)
    assert config.db == f"sqlite:///{tmp_path / 'x.db'}"
    assert config.diff.withdraw_after_snapshots == 3
    env = {"ICE287G_DIFF__WITHDRAW_AFTER_SNAPSHOTS": "4", "ICE287G_DB": "sqlite:///y.db"}
    config = load_config(None, {"db": "sqlite:///z.db"}, env=env, cwd=tmp_path)
    assert config.diff.withdraw_after_snapshots == 4
    assert config.db.endswith("z.db")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[diff]\nwithdraw_after_snapshots = 0\n", "diff.withdraw_after_snapshots must be >= 1"),
        ("[diff]\nnope = 1\n", "unknown setting diff.nope"),
        ("[bogus]\n", "unknown section(s) in config: bogus"),
        ("[fetch]\nmax_retries = 'many'\n", "fetch.max_retries must be a whole number"),
        ("not toml = = =", "is not valid TOML"),
        ('[moa]\nocr = "maybe"\n', "moa.ocr must be auto, off or required, got 'maybe'"),
        ("[moa]\nocr_dpi = 2000\n", "moa.ocr_dpi must be between 72 and 600, got 2000"),
    ],
)
def test_config_errors_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "config.toml").write_text(text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(None, {}, env={}, cwd=tmp_path)


# -- state cells ------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["Texas (TX)", "TX (Texas)", "texas ( tx )", "Texas [TX]"])
def test_a_state_written_with_its_code_in_parentheses_is_that_state(cell: str) -> None:
    assert state_code(cell) == "TX"


@pytest.mark.parametrize("cell", ["TX - Texas", "TX \u2013 Texas", "Texas-TX", "TX \u2014 Texas"])
def test_a_state_and_its_code_joined_by_a_dash_are_that_state(cell: str) -> None:
    assert state_code(cell) == "TX"


@pytest.mark.parametrize("cell", ["Texas/TX", "TX / Texas", "Texas, TX", "Tex. (TX)"])
def test_a_state_and_its_code_joined_by_a_slash_or_comma_are_that_state(cell: str) -> None:
    assert state_code(cell) == "TX"


@pytest.mark.parametrize(
    "cell",
    ["Texas (OK)", "TX - Oklahoma", "Kansas/AR", "AR - Kansas", "Texas, Oklahoma", "Texas (1)",
     "Wash., D.C."],
)  # fmt: skip
def test_two_parts_naming_different_states_are_not_a_state(cell: str) -> None:
    assert state_code(cell) is None


@pytest.mark.parametrize(
    ("cell", "code"),
    [("Washington (DC)", "DC"), ("Washington-DC", "DC"), ("Washington, D.C.", "DC"),
     ("Washington State", "WA"), ("New York State", "NY"), ("Washington", "WA")],
)  # fmt: skip
def test_a_name_written_with_marks_or_the_word_state_is_read_whole(cell: str, code: str) -> None:
    assert state_code(cell) == code


@pytest.mark.parametrize(
    ("cell", "code"),
    [("Tex.", "TX"), ("Calif.", "CA"), ("Fla.", "FL"), ("W. Va.", "WV"), ("N.C.", "NC"),
     ("N. Mex.", "NM"), ("Wash.", "WA"), ("Mass.", "MA"), ("Kans.", "KS"), ("Calif", "CA")],
)  # fmt: skip
def test_an_ap_or_gpo_abbreviation_names_its_state(cell: str, code: str) -> None:
    assert state_code(cell) == code


@pytest.mark.parametrize(
    ("cell", "code"),
    [("Washington", "WA"), ("WASHINGTON ", "WA"), ("Washington (WA)", "WA"),
     ("Washington, D.C.", "DC"), ("Washington D.C.", "DC"), ("Washington, DC", "DC"),
     ("D.C.", "DC"), ("D. C.", "DC"), ("District of Columbia", "DC"),
     ("DC - Washington, D.C.", "DC")],
)  # fmt: skip
def test_washington_alone_is_the_state_and_washington_dc_is_the_district(
    cell: str, code: str
) -> None:
    assert state_code(cell) == code


@pytest.mark.parametrize(
    ("cell", "code"),
    [("Puerto Rico", "PR"), ("Commonwealth of Puerto Rico", "PR"), ("P.R.", "PR"),
     ("Guam", "GU"), ("Territory of Guam", "GU"), ("U.S. Virgin Islands", "VI"),
     ("US Virgin Islands", "VI"), ("United States Virgin Islands", "VI"), ("VI", "VI"),
     ("Northern Mariana Islands", "MP"), ("Commonwealth of the Northern Mariana Islands", "MP"),
     ("American Samoa", "AS"), ("AS", "AS")],
)  # fmt: skip
def test_a_territory_is_read_by_its_names_as_its_usps_code(cell: str, code: str) -> None:
    assert state_code(cell) == code


def test_a_formal_style_before_a_state_name_is_not_part_of_it() -> None:
    assert [state_code(c) for c in ("State of Texas", "Commonwealth of Virginia")] == ["TX", "VA"]


def test_a_state_name_a_letter_off_is_still_that_state() -> None:
    assert [state_code(c) for c in ("Texsa", "WEST VIRIGINIA", "UTAHJ")] == ["TX", "WV", "UT"]


def test_a_state_name_a_letter_off_after_a_formal_style_is_still_that_state() -> None:
    """``State of West Viriginia`` (ICE's own typo, styled): West Virginia (before: no
    state, and its agencies moved to ``??``)."""
    assert state_code("State of West Viriginia") == "WV"


@pytest.mark.parametrize("cell", [4, 31.0, "12", "-", "--", "#"])
def test_an_agency_cell_without_a_letter_names_no_agency(cell: object) -> None:
    """A count on a subtotal row (``WEST VIRGINIA Total | 4``) or a dash: no agency (before:
    an agency named ``4`` was added, its state read from the total's label)."""
    assert agency_cell(cell) == ("", False)  # type: ignore[arg-type]


@pytest.mark.parametrize("cell", ["", None, "NOWHERE", "N/A", "State", "Texas County"])
def test_a_cell_naming_no_state_is_none(cell: str | None) -> None:
    assert state_code(cell) is None


_NAMES = sorted(STATES.items())
_CODES = sorted(set(STATES.values()))


@st.composite
def _written(draw: st.DrawFn, text: str) -> str:
    """``text`` in a random case, its spaces one to three wide, padded either side."""
    cased = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in text)
    gap = st.sampled_from([" ", "  ", "   "])
    words = cased.split(" ")
    inner = "".join(w + (draw(gap) if i < len(words) - 1 else "") for i, w in enumerate(words))
    return draw(st.sampled_from(["", " "])) + inner + draw(st.sampled_from(["", "  "]))


_FORMS = ("{0}", "{1}", "{0} ({1})", "{1} - {0}", "{1} \u2013 {0}", "{0}/{1}", "{1}, {0}")


@given(st.sampled_from(_NAMES), st.sampled_from(_FORMS), st.data())
def test_every_state_is_read_from_its_name_its_code_and_both(
    state: tuple[str, str], form: str, data: st.DataObject
) -> None:
    name, code = state
    assert state_code(data.draw(_written(form.format(name, code)))) == code


@given(st.sampled_from(_NAMES), st.sampled_from(_CODES), st.sampled_from(_FORMS[2:]), st.data())
def test_a_state_written_with_another_states_code_is_not_a_state(
    state: tuple[str, str], other: str, form: str, data: st.DataObject
) -> None:
    name, code = state
    assume(other != code)
    assert state_code(data.draw(_written(form.format(name, other)))) is None


@pytest.mark.parametrize(
    ("name", "state", "key"),
    [("Arnaudville Police Department, LA", "LA", "arnaudville police department"),
     ("Alpha County Sheriff's Office (Texas)", "TX", "alpha county sheriff office"),
     ("New Mexico State Police - New Mexico", "NM", "new mexico state police"),
     ("Alpha Police Department, TX", "FL", "alpha police department tx"),
     ("University of Texas Police Department", "TX", "university texas police department"),
     ("Texas", "TX", "texas"),
     ("TX - Alpha County Sheriff's Office", "TX", "alpha county sheriff office"),
     ("Texas: Alpha Police Department", "TX", "alpha police department"),
     ("Texas Department of Public Safety", "TX", "texas department public safety"),
     ("FL - Alpha Police Department", "TX", "fl alpha police department"),
     ("Prince William-Manassas Regional Jail", "VA", "prince william manassas regional jail"),
     ("Florida Department of Law Enforcement (FDLE)", "FL", "florida department law enforcement"),
     ("Alpha County Sheriff's Office (A.C.S.O.)", "TX", "alpha county sheriff office"),
     ("Alpha County Sheriff's Office [Alpha County]", "TX", "alpha county sheriff office"),
     ("Alpha Police Department (Beta County)", "TX", "alpha police department beta county"),
     ("Alpha County Constable (Precinct 4)", "TX", "alpha county constable precinct 4"),
     ("Alpha Police Department (SO)", "TX", "alpha police department sheriff office"),
     ("Alpha County Sheriff's Office (Alpha)", "TX", "alpha county sheriff office alpha"),
     ("Alpha Police Department (APD), TX", "TX", "alpha police department"),
     ("Alpha P.D.", "TX", "alpha police department"),  # initials with periods: one word
     ("Alpha Police Department (JEM)", "TX", "alpha police department"),  # the row's model
     ("Alpha Dept., Patrol Division - Task Force Model", "TX", "alpha department patrol division"),
     ("Alpha County - Jail", "TX", "alpha county jail"),  # names no model: part of the name
     ("Saint Alpha County S.O.", "TX", "st alpha county sheriff office"),
     ("TX - Alpha Police Department (APD)", "TX", "alpha police department"),
     ("Alpha County Constable (Precinct 4), TX", "TX", "alpha county constable precinct 4"),
     ("Alpha Police Department (#N/A)", "TX", "alpha police department"),  # says nothing
     ("Alpha Police Department (None)", "TX", "alpha police department"),
     ("Alpha Police Department ()", "TX", "alpha police department")],
)  # fmt: skip
def test_a_name_ending_or_beginning_with_the_agencys_own_state_has_the_key_of_the_name_without_it(
    name: str, state: str, key: str
) -> None:
    """Likewise a closing aside that restates the name: its initials, or its own county
    (every word of it in the name, and said to be a county). Any other aside stays:
    another county, a precinct, capitals that are not its initials, a bare place."""
    assert agency_key(name, state) == key


@pytest.mark.parametrize(
    ("name", "key"),
    [("Alpha County Sheriff's Office (Pending)", "alpha county sheriff office"),
     ("Alpha County Sheriff's Office - NEW", "alpha county sheriff office"),
     ("*NEW* Alpha County Sheriff's Office", "alpha county sheriff office"),
     ("NEW: Alpha County Sheriff's Office", "alpha county sheriff office"),
     ("Alpha County Sheriff's Office (updated 8/28/2025)", "alpha county sheriff office"),
     ("Alpha County Sheriff's Office (Signed Aug. 28, 2025)", "alpha county sheriff office"),
     ("Alpha County Sheriff's Office (JEM) (New)", "alpha county sheriff office"),
     ("Alpha Police Department, TX (Pending)", "alpha police department"),
     ("New Alpha Police Department", "new alpha police department"),  # no mark: its name
     ("New Hanover County Sheriff's Office", "new hanover county sheriff office"),
     ("Alpha Police Department (New Castle)", "alpha police department new castle"),
     ("Pending County Sheriff's Office", "pending county sheriff office"),
     ("Alpha County Constable (Precinct 4)", "alpha county constable precinct 4")],
)  # fmt: skip
def test_a_mark_saying_where_the_row_stands_is_no_part_of_the_agencys_name(
    name: str, key: str
) -> None:
    """ICE may mark a row new, pending or updated beside its agency's name, as it may
    restate its model there: the name is the agency's without the mark, so the mark
    coming or going renames nothing and adds no agency."""
    assert agency_key(name, "TX") == key


@pytest.mark.parametrize(
    ("text", "applying"),
    [("Pending", True), ("PENDING", True), ("Pending approval", True),
     ("Application submitted", True), ("Under Review", True), ("Awaiting signature", True),
     ("Applied", True), ("Pending renewal", False), ("Active", False), ("Signed", False),
     ("Not pending", False), ("Application withdrawn", False), ("Approved", False),
     ("Renewal under review", False), ("Under review for renewal", False),
     ("Addendum under review", False), ("Pending MOA upload", False),
     ("Awaiting training", False), ("Pending (awaiting training)", False),
     ("Amendment pending", False), ("Pending MOA", True)],
)  # fmt: skip
def test_a_status_says_an_application_only_when_no_agreement_is_made_yet(
    text: str, applying: bool
) -> None:
    """What an agreement in force has under way (its renewal, an addendum, its MOA's
    upload, its officers' training) is no application: such a row is in force."""
    assert (applying_status(text) is not None) is applying


@pytest.mark.parametrize(
    ("name", "given"),
    [("Arnaudville Police Department, LA", ("LA", "LA")),
     ("Alpha County Sheriff's Office (Texas)", ("Texas", "TX")),
     ("Alpha Police Department - AK", ("AK", "AK")),
     ("Alpha Sheriff [GA]", ("GA", "GA")),
     ("Alpha County Sheriff's Office, Tex.", ("Tex.", "TX")),
     ("TX - Alpha County Sheriff's Office", ("TX", "TX")),
     ("Texas: Alpha County Sheriff's Office", ("Texas", "TX")),
     ("Texas Department of Public Safety", None),  # its state is part of its name
     ("Port Authority of New York and New Jersey", None),
     ("Alpha County Constable (Precinct 4)", None),
     ("Alpha County Sheriff's Office - Precinct 4", None),
     ("Florida Department of Law Enforcement (FDLE)", None),
     ("Sheriff's Office, Washington County", None),
     ("Alpha County Sheriff's Office, WEST VIRIGINIA", ("WEST VIRIGINIA", "WV")),  # long
     ("Alpha Police, Main", None)],  # a short word named exactly: Main is not Maine
)  # fmt: skip
def test_a_state_set_off_from_a_name_after_or_before_it_is_the_state_the_name_gives(
    name: str, given: tuple[str, str] | None
) -> None:
    assert state_in_name(name) == given


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [("Harris County", "HARRIS", True), ("Harris County", "Harris Co.", True),
     ("St. Charles County", "St Charles", True), ("Orleans Parish", "Orleans", True),
     ("St. Mary's County", "St. Mary's", True), ("Prince George's", "PRINCE GEORGE'S CO.", True),
     ("Albermarle County", "Albemarle County", False),
     ("Rappahannock, Shenandoah", "Rappahannock", False)],
)  # fmt: skip
def test_a_county_is_known_by_its_name_whatever_its_case_punctuation_or_the_word_county(
    first: str, second: str, same: bool
) -> None:
    assert (county_key(first) == county_key(second)) is same


# -- model cells ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "code"),
    [("Task-Force Model", "TFM"), ("Task  Force", "TFM"), ("Task_Force", "TFM"),
     ("Warrant-Service Officer", "WSO"), ("Jail-Enforcement Model", "JEM"),
     ("Jail.Enforcement.Model", "JEM")],
)  # fmt: skip
def test_punctuation_between_a_models_words_does_not_matter(cell: str, code: str) -> None:
    assert model_code(cell) == code


@pytest.mark.parametrize(
    ("cell", "code"),
    [("287(g) Task Force Model (TFM)", "TFM"), ("TFM - Task Force Model", "TFM"),
     ("Jail Enforcement Model (JEM)", "JEM"), ("W.S.O.", "WSO"), ("J.E.M.", "JEM")],
)  # fmt: skip
def test_a_model_written_with_its_code_or_initials_is_that_model(cell: str, code: str) -> None:
    assert model_code(cell) == code


@pytest.mark.parametrize(
    ("cell", "code"),
    [("Taskforce Model", "TFM"), ("TASKFORCE", "TFM"), ("Task Force", "TFM"),
     ("W S O", "WSO"), ("T F M", "TFM"), ("Jail Enforcement", "JEM")],
)  # fmt: skip
def test_spacing_inside_a_models_words_does_not_matter(cell: str, code: str) -> None:
    assert model_code(cell) == code


@pytest.mark.parametrize(
    "cell", ["JEM/TFM", "Jail Enforcement and Task Force", "WSO-TFM", "Mystery Model", ""]
)
def test_a_cell_naming_two_models_or_none_is_not_a_model(cell: str) -> None:
    assert model_code(cell) is None


# -- agency type cells --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "kind"),
    [("County Sheriff", "County"), ("County Jail", "County"), ("County-Sheriff's Office", "County"),
     ("Municipal Police", "Municipality"), ("City Police Department", "Municipality"),
     ("State Police", "State Agency"), ("Tribal Police", "Tribal"), ("Federal Agency", "Federal")],
)  # fmt: skip
def test_a_level_of_government_then_an_agency_kind_is_that_level(cell: str, kind: str) -> None:
    assert agency_type(cell) == kind


@pytest.mark.parametrize(
    ("cell", "kind"),
    [("City", "Municipality"), ("Town", "Municipality"), ("Village", "Municipality"),
     ("Borough", "Municipality"), ("Muncipality", "Municipality"), ("State", "State Agency"),
     ("State-Agency", "State Agency"), ("Tribal", "Tribal"), ("Federal", "Federal"),
     ("City/Town", "Municipality"), ("Town, Village", "Municipality"),
     ("Township", "Municipality"), ("Parish", "County"), ("Parish Sheriff", "County")],
)  # fmt: skip
def test_a_type_naming_a_level_or_a_place_is_that_level(cell: str, kind: str) -> None:
    assert agency_type(cell) == kind


@pytest.mark.parametrize(
    "cell", ["Special District", "Regional Jail", "Sheriff", "County/Municipality"]
)
def test_a_type_naming_no_single_level_is_kept_as_written(cell: str) -> None:
    assert agency_type(cell) == cell


@pytest.mark.parametrize(
    ("cell", "kind"),
    [("MUNI", "Municipality"), ("Muni.", "Municipality"), ("Mun", "Municipality"),
     ("FED", "Federal"), ("Trib", "Tribal"), ("COUN", "County"), ("Stat", "State Agency"),
     ("Muni Police", "Municipality")],
)  # fmt: skip
def test_a_level_word_shortened_is_that_level(cell: str, kind: str) -> None:
    """A list that shortens its types (``MUNI``) relabels them: its agreements' types
    did not change."""
    assert agency_type(cell) == kind


@pytest.mark.parametrize("cell", ["CO", "ST", "Tribe", "Co/Mun"])
def test_two_letters_or_letters_beginning_no_one_level_word_are_kept_as_written(
    cell: str,
) -> None:
    assert agency_type(cell) == cell


def test_an_empty_type_cell_is_none() -> None:
    assert [agency_type(c) for c in ("", None, "#N/A")] == [None, None, None]


@pytest.mark.parametrize(
    ("text", "ended", "pending"),
    [("Terminated Agreements", True, False),
     ("WITHDRAWN / TERMINATED AGREEMENTS (no longer participating)", True, False),
     ("Expired MOAs", True, False),
     ("Not terminated", False, False),
     ("Agreements that have ended are removed from the list at the end of each month",
      False, False),
     ("Closed Circuit Division", False, False),
     ("Terminated county agreements", False, False),
     ("Active and terminated agreements", False, False),
     ("Pending Applications", False, True),
     ("Pending Agencies", False, True),
     ("Pending", False, True),
     ("MOA links pending", False, False),
     ("Pending MOA", False, False),
     ("Application Services Division", False, False)],
)  # fmt: skip
def test_a_section_title_says_its_rows_ended_or_are_applications_and_names_no_agency(
    text: str, ended: bool, pending: bool
) -> None:
    assert (ended_title(text) is not None, pending_title(text) is not None) == (ended, pending)


@pytest.mark.parametrize(
    ("text", "county"),
    [("#NA, Arkansas", None), ("#N/A, Alaska", None), ("TX - N/A", None), ("N/A (Texas)", None),
     ("#NA", None), ("Harris County, Texas", "Harris County, Texas"),
     ("Harris County", "Harris County"), ("Texas", "Texas"),
     ("#N/A County", None), ("N/A Parish", None), ("County", None), ("#NA County, Arkansas", None),
     ("Orleans Parish", "Orleans Parish"),
     ("Page and Warren Counties", "Page and Warren Counties")],
)  # fmt: skip
def test_a_county_cell_saying_nothing_but_its_state_or_the_word_county_names_no_county(
    text: str, county: str | None
) -> None:
    """A county cell made by joining a county left unknown (``#NA``) with the state or
    the word ``County`` says no county: it is the null marker, not a county named
    ``#NA, Arkansas`` or ``#N/A County``."""
    assert county_cell(text) == county


@pytest.mark.parametrize(
    ("text", "county"),
    [("Statewide", None), ("State-wide", None), ("All Counties", None), ("All", None),
     ("Multiple Counties", None), ("Various", None), ("Entire State", None),
     ("Allen County", "Allen County"), ("Statewide Patrol", "Statewide Patrol")],
)  # fmt: skip
def test_a_county_cell_naming_no_one_county_says_what_an_empty_one_says(
    text: str, county: str | None
) -> None:
    """``Statewide`` or ``Multiple`` for a state agency's or a regional jail's county is
    no county named: read as a county, ICE writing it where it left the cell empty was a
    change of every state agency's county."""
    assert county_cell(text) == county


@pytest.mark.parametrize(
    ("marked", "name"),
    [("12. Cherokee County Sheriff's Office", "Cherokee County Sheriff's Office"),
     ("3) Gulfport Police Department", "Gulfport Police Department"),
     ("#4. Gulfport Police Department", "Gulfport Police Department"),
     ("Colbert County Sheriff's Office1", "Colbert County Sheriff's Office"),
     ("Colbert County Sheriff's Office2 *", "Colbert County Sheriff's Office"),
     ("COLBERT COUNTY SHERIFF'S OFFICE1", "COLBERT COUNTY SHERIFF'S OFFICE"),
     # a footnote's reference in brackets (each was an agency added, the real one
     # withdrawn later: helper 45)
     ("Ocala Police Department[1]", "Ocala Police Department"),
     ("Ocala Police Department [a]", "Ocala Police Department"),
     ("Ocala Police Department [iv]", "Ocala Police Department"),
     ("Ocala Police Department [*]", "Ocala Police Department")],
)  # fmt: skip
def test_a_rows_number_before_a_name_or_a_footnotes_glued_to_it_is_no_part_of_its_key(
    marked: str, name: str
) -> None:
    """Numbered rows and footnote numbers flattened onto a name are the list's marks,
    not the agency's name (each was an ``agency.renamed`` of every row so marked)."""
    assert agency_key(marked, "AL") == agency_key(name, "AL")


@pytest.mark.parametrize(
    "name",
    ["1st Judicial District Attorney", "Galveston County Constable's Office Pct.4",
     "Office of Constable Monroeville 6th Ward", "Bradley County Constable District 7",
     "287(g) Task Force", "Harris County Constable Precinct4", "Texas DPS Region12",
     "Harris County Constable [Precinct 4]", "Harris County Constable Precinct [4]",
     "Justice Court [12]"],
)  # fmt: skip
def test_numbers_a_name_holds_stay_in_its_key(name: str) -> None:
    assert any(char.isdigit() for char in agency_key(name, "TX"))


@pytest.mark.parametrize(
    ("written", "read"),
    [("Harris County Sher\u00adiff's Office", "Harris County Sheriff's Office"),
     ("Harris\u200bCounty Sheriff's Office", "Harris County Sheriff's Office"),
     ("\u200eHarris County Sheriff's Office\u200f", "Harris County Sheriff's Office"),
     ("\ufeffHarris County Sheriff's Off\u200dice", "Harris County Sheriff's Office"),
     ("Harris\u00a0County\u2060 Sheriff's Office", "Harris County Sheriff's Office"),
     ("Harris County\u3164 Sheriff's Office", "Harris County Sheriff's Office"),
     ("Harris Cou\u034fnty Sheriff's Office\ufe0f", "Harris County Sheriff's Office"),
     ("\U000e0041Harris County Sheriff's Office\u115f", "Harris County Sheriff's Office")],
)  # fmt: skip
def test_an_invisible_format_character_in_a_cell_is_no_part_of_what_it_says(
    written: str, read: str
) -> None:
    """A soft hyphen, a zero-width joiner, a direction mark or a byte-order mark (Unicode's
    format characters), a filler, a grapheme joiner, a variation selector or a tag (its
    other default-ignorable characters) is invisible: a name carrying one is the name
    without it, under the same key; a zero-width space is the space between two words."""
    assert clean_text(written) == read
    assert agency_key(written, "TX") == agency_key(read, "TX")


def test_every_character_that_shows_nothing_is_invisible_by_the_interpreters_tables() -> None:
    """``common.invisible`` holds every format character (category Cf) the interpreter
    knows, and Unicode's other default-ignorable characters; no letter, mark of a
    letter, digit, space or punctuation."""
    import sys
    import unicodedata

    from common.invisible import INVISIBLE

    points = map(chr, range(sys.maxunicode + 1))
    formats = [c for c in points if unicodedata.category(c) == "Cf"]
    assert formats and all(INVISIBLE.fullmatch(c) for c in formats)
    others = "\u034f\u115f\u1160\u17b4\u180b\u3164\ufe00\ufe0f\uffa0\U000e0100\U000e01ef"
    assert all(INVISIBLE.fullmatch(c) for c in others)
    shown = "aZ\u00e9\u0301\u05d0\u0661 \u00a0.,'-\u2800\u3000\ufffd"
    assert not any(INVISIBLE.fullmatch(c) for c in shown)


def test_a_zip_or_pdf_cut_short_is_told_by_its_own_end() -> None:
    """Readers look for a zip's central directory end and a PDF's ``%%EOF`` at the end
    of the file: without them it was cut short (a comment may follow a zip's end
    record); other bytes say nothing."""
    import io
    import zipfile

    from parsers.formats import cut_short

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("xl/workbook.xml", "<workbook/>" * 500)
        book.comment = b"c" * 60_000
    whole = buffer.getvalue()
    assert cut_short(whole) is None
    assert (
        cut_short(whole[: len(whole) - 60_030]) == "truncated zip (no end of its central directory)"
    )
    pdf = b"%PDF-1.7\n" + b"x" * 5000 + b"\n%%EOF\n"
    assert (
        cut_short(pdf) is None and cut_short(pdf[:3000]) == "truncated PDF (no end-of-file marker)"
    )
    linear = b"%PDF-1.7\n<</Linearized 1 /L 9000>>" + pdf[9:]
    assert cut_short(linear) == f"truncated PDF ({len(linear)} of 9000 bytes)"
    assert cut_short(b"STATE,AGENCY\nTX,Alpha\n") is None and cut_short(b"") is None


# Names as ICE writes them, some with accents or a curly apostrophe (Doña Ana, Española).
_NAME_WORDS = st.builds(
    lambda first, rest, end: first + rest + end,
    st.sampled_from(list("ABCDEFGHÁÉÑÓ")),
    st.text(st.sampled_from(list("abcdefghijklmnopáéíóúñüçèôâ")), min_size=1, max_size=9),
    st.sampled_from(["", "\u2019s", "'s", "."]),
)


@given(st.lists(_NAME_WORDS, min_size=1, max_size=5).map(" ".join))
def test_a_name_mis_encoded_reads_as_itself_and_a_name_with_accents_is_left_alone(
    name: str,
) -> None:
    assert mended(name) == name
    garbled = name.encode("utf-8").decode("cp1252", errors="replace")
    assume("\ufffd" not in garbled)  # bytes Windows-1252 leaves undefined
    assert mended(garbled) == name


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Sheriff&#39;s Office", "Sheriff's Office"),
        ("Sheriff&#x2019;s Office", "Sheriff\u2019s Office"),
        ("Police &amp; Fire", "Police & Fire"),
        ("Smith & Wesson; Police", "Smith & Wesson; Police"),  # no reference: as written
        ("Do\u00c3\u00b1a Ana County", "Do\u00f1a Ana County"),
    ],
)
def test_html_character_references_and_mojibake_are_read_as_the_text(text: str, read: str) -> None:
    assert mended(text) == read


@pytest.mark.parametrize(
    ("text", "level", "shortens"),
    [
        ("C", "County", True),
        ("C", "Municipality", True),  # City: C tells a county and a city not apart
        ("M.", "Municipality", True),
        ("SA", "State Agency", True),
        ("M", "County", False),
        ("S", "County", False),
        ("1", "County", False),
    ],
)
def test_a_type_cell_shortens_the_levels_whose_words_it_begins(
    text: str, level: str, shortens: bool
) -> None:
    assert abbreviates_type(text, level) is shortens


def test_a_cell_longer_than_any_list_writes_is_not_mended() -> None:
    """Mending costs time in the text's length: a hostile file's long cells are left as
    they are (no name is a thousand characters long)."""
    long = "Sheriff\u00e2\u20ac\u2122s Office " * 200
    assert mended(long) == long
    assert mended("Sheriff\u00e2\u20ac\u2122s Office") == "Sheriff\u2019s Office"


@pytest.mark.parametrize(
    "noted",
    ["Houston County Sheriff's Office - see addendum",
     "Houston County Sheriff's Office (see note)",
     "Houston County Sheriff's Office *see below",
     "Houston County Sheriff's Office - MOA amended 8/1/2025",
     "Houston County Sheriff's Office (Agreement renewed)"],
)  # fmt: skip
def test_a_note_on_the_row_after_a_name_is_no_part_of_its_key(noted: str) -> None:
    """An aside sending the reader elsewhere (``see note``) or saying what became of the
    row's MOA (``MOA amended 8/1/2025``) is a note on the row, not the agency's name
    (each was an ``agreement.changed`` and an ``agency.renamed``, 30 rows of the 29
    August list so noted)."""
    assert agency_key(noted, "AL") == agency_key("Houston County Sheriff's Office", "AL")


@pytest.mark.parametrize(
    "name", ["Seeley Lake Police Department", "Lake Seeing Eye Police", "A - Seeley Office"]
)
def test_a_name_holding_see_in_a_word_keeps_it(name: str) -> None:
    assert "see" in agency_key(name, "MT")


@given(st.text(max_size=60), st.text(max_size=60), st.integers(min_value=20, max_value=40))
def test_a_bounded_text_fits_its_limit_keeps_its_head_and_tells_texts_apart(
    one: str, other: str, limit: int
) -> None:
    from common.hashing import bounded

    made = bounded(one, limit)
    assert len(made) <= limit and bounded(made, limit) == made
    assert made == one if len(one) <= limit else made.startswith(one[: limit - 17])
    if one != other and min(len(one), len(other)) > limit:
        assert made != bounded(other, limit)


def test_the_bounds_on_what_a_file_says_fit_the_store_columns_that_hold_it() -> None:
    """An agency id (and an agreement's key, its id and model), an event's subject and
    a link are made from what ICE's files say; each is bounded to fit its column."""
    from diffs.events import SUBJECT_CHARS
    from diffs.identity import AGENCY_ID_CHARS
    from parsers.urls import MAX_URL_CHARS
    from store import models

    def length(model: type, column: str) -> int:
        return int(model.__table__.c[column].type.length)  # type: ignore[attr-defined]

    for model in (models.AgencyModel,):
        assert length(model, "id") >= AGENCY_ID_CHARS
    for model in (models.ListVersion, models.EventModel, models.AgreementModel):
        assert length(model, "agency_id") >= AGENCY_ID_CHARS
    key = AGENCY_ID_CHARS + len("|") + length(models.AgreementModel, "model")
    assert length(models.AgreementModel, "key") >= key
    assert length(models.PendingModel, "key") >= key
    assert length(models.EventModel, "subject") >= SUBJECT_CHARS >= key
    assert length(models.MoaLink, "url") >= MAX_URL_CHARS
    assert length(models.FetchState, "url") >= MAX_URL_CHARS


@pytest.mark.parametrize(
    "mark", list("\u2019\u2018\u201b\u02bc\u02bb`\u00b4\u2032\u2035\u02b9\uff07")
)
def test_any_character_written_for_an_apostrophe_is_one(mark: str) -> None:
    """A Spanish or European keyboard, a font or autocorrect writes the apostrophe as an
    accent or a prime: the name is the same (``Sheriff´s``, the acute accent, became
    ``Sheriff ́s`` under NFKC: 133 agreements withdrawn and added again)."""
    from parsers.normalize import agency_key, clean_text

    name = f"Cherokee County Sheriff{mark}s Office"
    assert clean_text(name) == "Cherokee County Sheriff's Office"
    assert agency_key(name, "AL") == agency_key("Cherokee County Sheriff's Office", "AL")


def test_an_accent_is_no_letter_and_another_script_keeps_its_letters_in_a_key() -> None:
    """A key folds what a copy or a keyboard may change and keeps what tells names
    apart: ``Doña Ana`` (a New Mexico county) and ``Dona Ana`` are one name (the ``ñ``
    cut the key into ``do a ana``), ``Straße`` is ``Strasse``, and two names written in
    another script are two keys (their letters were dropped: both keyed ``''``, one
    agency)."""
    from parsers.normalize import agency_key, county_key

    assert agency_key("Doña Ana County Sheriff's Office", "NM") == agency_key(
        "DONA ANA COUNTY SHERIFFS OFFICE", "NM"
    )
    assert agency_key("Doña Ana County Sheriff's Office", "NM") == "dona ana county sheriff office"
    assert county_key("Doña Ana") == county_key("Dona Ana County") == "dona ana"
    assert agency_key("Straße Police Department") == agency_key("STRASSE Police Department")
    first, second = agency_key("Полиция Города"), agency_key("Полиция Села")
    assert first and second and first != second
    assert agency_key("Alpha_Police Department") == "alpha police department"


@pytest.mark.parametrize(
    ("marked", "plain"),
    [
        ("Søren Police Department", "Soren Police Department"),
        ("Łukasz Township Police", "LUKASZ TOWNSHIP POLICE"),
        ("Kırklar Police Department", "Kirklar Police Department"),
        ("Ærø County Sheriff's Office", "AERO COUNTY SHERIFFS OFFICE"),
        ("Œuvre Police Department", "Oeuvre Police Department"),
        ("Đorđe Police Department", "Dorde Police Department"),
    ],
)
def test_a_letters_stroke_or_ligature_is_no_letter_in_a_key(marked: str, plain: str) -> None:
    """Letters Unicode keeps as letters of their own (a stroke, a ligature, a dotless
    ``ı``), which no accent folding reaches, written as a keyboard without them writes
    them: one name (``Søren`` was keyed ``søren``, another agency than ``Soren``)."""
    from parsers.normalize import agency_key

    assert agency_key(marked, "MN") == agency_key(plain, "MN")
