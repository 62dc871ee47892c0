"""Properties of MOA documents the field readers rely on, on hand-made snippets and
tiny generated PDFs (not on particular corpus files)."""

from __future__ import annotations

from datetime import date

import pytest

from parsers.moa import find_date, parse_moa, strict_date
from parsers.moa.signatures import split_titled_name
from tests.test_moa_parser import make_pdf, moa_pages


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
