"""Two agencies of one name in one state, told apart by their counties
(``diffs/homonyms.py``), on hand-made listings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from diffs.homonyms import homonym_id
from parsers.records import ListingRow
from parsers.xlsx_listing import parse_listing_xlsx
from tests.support import hand_made_sheets
from tests.test_engine import PART_COLS, Replay, listing, row

COLS = (*PART_COLS, "COUNTY")
WASHINGTON = "Washington Township Police Department"


def township(county: str | None, signed: str = "2025-03-01", moa: str | None = None) -> ListingRow:
    return row(WASHINGTON, "TFM", "PA", signed, county=county, moa_url=moa)


OTHERS = [row(f"Agency {n} Police Department", "TFM", "PA", county="York County") for n in "ABCD"]


def added(replay: Replay) -> list[str]:
    return sorted(e.subject for e in replay.events if e.kind == "agreement.added")


def test_one_name_signed_in_a_second_county_is_a_second_agreement() -> None:
    r = Replay()
    r.feed(listing([*OTHERS, township("Westmoreland County")], columns=COLS))
    r.feed(
        listing(
            [*OTHERS, township("Westmoreland County"), township("Fayette County")], columns=COLS
        )
    )
    second = homonym_id("pa-washington-township-police-department", "Fayette County")
    assert second == "pa-washington-township-police-department--fayette"
    assert f"{second}|TFM" in added(r)
    assert r.state.participating.entries[f"{second}|TFM"].fields["county"] == "Fayette County"
    first = r.state.participating.entries["pa-washington-township-police-department|TFM"]
    assert first.fields["county"] == "Westmoreland County"
    assert not [e for e in r.events if e.kind in ("agreement.changed", "agreement.withdrawn")]


def test_each_row_of_a_shared_name_stays_its_own_countys_agency() -> None:
    r = Replay()
    both = [township("Westmoreland County"), township("Fayette County", "2025-03-02")]
    r.feed(listing([*OTHERS, *both], columns=COLS))
    r.feed(listing([*OTHERS, *both[::-1]], columns=COLS))  # reordered
    r.feed(listing([*OTHERS, both[1]], columns=COLS))  # the first leaves
    r.feed(listing([*OTHERS, both[1], OTHERS[0]], columns=COLS))
    withdrawn = [e.subject for e in r.events if e.kind == "agreement.withdrawn"]
    # both new at once: the first county in order of the alphabet keeps the name's id
    assert withdrawn == ["pa-washington-township-police-department--westmoreland|TFM"]
    assert len(added(r)) == 6
    assert not [e for e in r.events if e.kind == "agreement.changed"]


def test_a_third_county_after_the_first_left_is_a_third_agency() -> None:
    r = Replay()
    r.feed(
        listing(
            [*OTHERS, township("Westmoreland County"), township("Fayette County")], columns=COLS
        )
    )
    r.feed(listing([*OTHERS, township("Fayette County")], columns=COLS))
    r.feed(listing([*OTHERS, township("Fayette County")], columns=COLS))
    r.feed(
        listing(
            [*OTHERS, township("Fayette County"), township("Erie County", "2025-04-01")],
            columns=COLS,
        )
    )
    assert "pa-washington-township-police-department--erie|TFM" in added(r)
    assert not [e for e in r.events if e.kind == "agreement.reinstated"]


def test_a_row_repeated_with_its_county_blank_or_written_otherwise_is_one_agreement() -> None:
    for county in (None, "WESTMORELAND", "Westmoreland Co."):
        r = Replay()
        rows = [*OTHERS, township("Westmoreland County"), township(county)]
        r.feed(listing(rows, columns=COLS))
        assert added(r).count("pa-washington-township-police-department|TFM") == 1
        assert len(added(r)) == 5, county


def test_a_county_cell_naming_no_county_or_one_moa_document_is_a_row_repeated() -> None:
    moa = "https://www.ice.gov/doclib/287gMOA/washingtonTwpPD.pdf"
    for second in (township("Westmorland County"), township("Fayette County", moa=moa)):
        r = Replay()
        rows = [*OTHERS, township("Westmoreland County", moa=moa), second]
        r.feed(listing(rows, columns=COLS))
        assert len(added(r)) == 5


def test_a_county_s_own_body_is_never_told_apart_by_its_cells() -> None:
    sheriff = "Franklin County Sheriff's Office"
    r = Replay()
    rows = [*OTHERS, row(sheriff, "TFM", "PA", county="Franklin County")]
    rows.append(row(sheriff, "TFM", "PA", county="Adams County"))
    r.feed(listing(rows, columns=COLS))
    assert len(added(r)) == 5


def test_the_parser_says_a_name_listed_in_another_county_not_that_it_repeats(
    tmp_path: Path,
) -> None:
    rows = [
        ["PA", WASHINGTON, "Municipality", county, "Task Force Model", signed]
        for county, signed in (("Westmoreland County", "2025-02-10"), ("Fayette", "2025-03-01"))
    ]
    name = "participatingAgencies-20250302120000.xlsx"
    (path,) = hand_made_sheets({name: rows}, tmp_path, name)
    warnings = parse_listing_xlsx(path.read_bytes(), name).warnings
    assert [w for w in warnings if "row 3" in w] == [
        "sheet 'Sheet': row 3 lists row 2's agency and model in another county"
        " (Fayette, not Westmoreland County)"
    ]


UNION = "Union Township Police Department"
UNION_MOA = "https://www.ice.gov/doclib/287gMOA/"


def union(county: str, model: str, signed: str, doc: str) -> ListingRow:
    return row(UNION, model, "PA", signed, county=county, moa_url=f"{UNION_MOA}{doc}")


def test_an_agencys_rows_of_two_models_naming_two_counties_are_one_agency() -> None:
    """A township's TFM and WSO rows in Berks County, its WSO row's county typed
    Cumberland for one capture: one agency (rows of two models naming two counties are no evidence
    of two governments: ICE lists an agreement once, a model once), no homonym split off
    (helper 70: a Cumberland agency added, joined, then reinstated and left)."""
    berks = [union("Berks County", m, "2025-02-19", f"Union_{m}.pdf") for m in ("TFM", "WSO")]
    typo = [berks[0], replace(berks[1], county="Cumberland County")]
    r = Replay()
    r.feed(listing([*OTHERS, *berks], columns=COLS))
    r.feed(listing([*OTHERS, *typo], columns=COLS))
    r.feed(listing([*berks, *OTHERS], columns=COLS))
    assert not [e for e in r.events if "--" in (e.subject or "")]
    later = {e.kind for e in r.events if e.end.id != "s001"}
    assert not {"agency.joined", "agency.left", "agreement.added", "agreement.withdrawn"} & later


def test_a_homonyms_county_corrected_on_its_own_moa_is_that_agreement() -> None:
    """Two Union Townships told apart; ICE corrects the Berks one's county to
    Cumberland, its MOA document and signed date kept: the same agreement, its county
    changed (before: withdrawn and added, a third agency joining)."""
    berks = union("Berks County", "TFM", "2025-02-19", "UnionA_TFM.pdf")
    mifflin = union("Mifflin County", "TFM", "2025-02-20", "UnionB_TFM.pdf")
    cumberland = union("Cumberland County", "TFM", "2025-02-19", "UnionA_TFM.pdf")
    r = Replay()
    r.feed(listing([*OTHERS, berks, mifflin], columns=COLS))
    for _ in range(3):
        r.feed(listing([*OTHERS, cumberland, mifflin], columns=COLS))
    later = [e for e in r.events if e.end.id != "s001"]
    assert [e.kind for e in later] == ["agreement.changed"]
    assert later[0].subject == "pa-union-township-police-department|TFM"
    assert later[0].after == {"county": "Cumberland County"}
