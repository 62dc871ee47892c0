"""Properties of MOA documents the field readers rely on, on hand-made snippets and
tiny generated PDFs (not on particular corpus files)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.moa import find_date, parse_moa, strict_date
from parsers.moa.signatures import split_titled_name
from tests.test_moa_parser import Placed, make_pdf, moa_pages


@pytest.mark.parametrize("text", ["March, 10, 2025", "March 10, 2025", "March 10 2025"])
def test_a_typed_month_name_date_reads_with_or_without_commas(text: str) -> None:
    assert find_date(text)[0] == date(2025, 3, 10)
    assert strict_date(text)[0] == date(2025, 3, 10)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Sheriff Jack Brandes", ("Sheriff", "Jack Brandes")),
        ("Chief Deputy John A. Smith", ("Chief Deputy", "John A. Smith")),
        ("Acting Director Todd M. Lyons", ("Acting Director", "Todd M. Lyons")),
        ("Sheriff", None),
        ("Sheriff's Office", None),
        ("Sheriff Test County Sheriff's Office", None),
        ("Director Enforcement and Removal Operations", None),
        ("Jack Brandes", None),
    ],
)
def test_an_office_typed_before_a_name_is_not_part_of_the_name(
    line: str, expected: tuple[str, str] | None
) -> None:
    assert split_titled_name(line) == expected


def test_a_signer_named_with_his_office_gets_the_name_alone() -> None:
    pages = [
        [(x, y, "Sheriff Jack Brandes" if text == "Jane Q. Public" else text) for x, y, text in p]
        for p in moa_pages()
    ]
    agency = parse_moa(make_pdf(pages), "x.pdf").signatures[0]
    assert (agency.party, agency.name, agency.title) == ("agency", "Jack Brandes", "Sheriff")


PARTIES_START = "This Memorandum of Agreement (MOA) constitutes an agreement between U.S."
PARTIES_ICE = "Immigration and Customs Enforcement (ICE), a component of the Department of"
PARTIES_AFTER = '(hereinafter "LEA"), pursuant to which ICE delegates to nominated personnel.'


def with_parties(lines: list[Placed]) -> list[list[Placed]]:
    """The generated MOA with its Parties paragraph replaced by ``lines``."""
    first, second = moa_pages()
    kept = [item for item in first if not 640 <= item[1] <= 690]  # the footer last
    return [
        [*kept[:-1], (72, 685, PARTIES_START), (72, 673, PARTIES_ICE), *lines, kept[-1]],
        second,
    ]


def test_a_party_typed_into_a_form_field_is_read_where_it_stands() -> None:
    """The name is drawn after the paragraph (a filled-in field): the text layer gives
    it after the clause, the page shows it inside."""
    lines = [
        (72, 661, "Homeland Security (DHS), and the"),
        (72, 649, PARTIES_AFTER),
        (240, 661, "Division of the Florida State Guard"),
    ]
    record = parse_moa(make_pdf(with_parties(lines)), "x.pdf")
    assert record.agency == "Division of the Florida State Guard"


def test_a_party_named_as_a_division_of_a_state_is_the_division_in_that_state() -> None:
    lines = [
        (72, 661, "Homeland Security (DHS), and the State of Florida, Division of the Florida"),
        (72, 649, "State Guard " + PARTIES_AFTER),
    ]
    record = parse_moa(make_pdf(with_parties(lines)), "x.pdf")
    assert (record.agency, record.state) == ("Division of the Florida State Guard", "FL")


def test_the_clause_after_a_party_is_never_taken_for_its_name() -> None:
    lines = [
        (72, 661, "Homeland Security (DHS), and the"),
        (72, 649, "pursuant to which ICE delegated to the Sheriff's Office personnel."),
    ]
    record = parse_moa(make_pdf(with_parties(lines)), "x.pdf")
    assert record.agency == "Test County Sheriff's Office"  # from the page footers


PARTY_WORDS = (
    "Homeland Security (DHS), and the Division of the Florida State Guard " + PARTIES_AFTER
).split()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=len(PARTY_WORDS) - 1), max_size=5))
def test_the_party_is_found_whatever_the_line_breaks(breaks: list[int]) -> None:
    cuts = [0, *sorted(set(breaks)), len(PARTY_WORDS)]
    lines = [
        (72.0, 661.0 - 12 * i, " ".join(PARTY_WORDS[a:b]))
        for i, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False))
    ]
    record = parse_moa(make_pdf(with_parties(lines)), "x.pdf")
    assert record.agency == "Division of the Florida State Guard"
