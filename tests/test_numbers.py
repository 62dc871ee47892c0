"""Numbers in agency names (``diffs/numbers.py``): one number however it is written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from num2words import num2words  # type: ignore[import-untyped]

from diffs.identity import same_words
from diffs.numbers import as_digits
from parsers.normalize import agency_key


def writings(n: int) -> set[str]:
    """``n`` as a hand may write it in a name (``num2words``, an independent speller):
    in words, cardinal and ordinal (``Twenty-One``, ``Twenty-First``), in digits
    (``21``, ``021``, ``21st``), after a number sign (``No. 21``)."""
    return {
        num2words(n).title(),
        num2words(n, to="ordinal").title(),
        str(n),
        f"0{n}",
        num2words(n, to="ordinal_num"),
        f"No. {n}",
    }


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("Office of the State Attorney Sixth Judicial Circuit", "6th Judicial Circuit", False),
        (
            "Office of the State Attorney Sixth Judicial Circuit",
            "Office of the State Attorney, 6th Judicial Circuit",
            True,
        ),
        ("Lower Burrell Fourth Ward Constable", "Lower Burrell 4th Ward Constable", True),
        ("Harris County Constable Precinct No. 04", "Harris County Constable Precinct 4", True),
        ("Harris County Constable Precinct #4", "Harris County Constable Precinct Four", True),
        ("Twenty-First Ward Constable", "21st Ward Constable", True),
        ("Galveston County Const. Pct. 4", "Galveston County Constable Precinct Four", True),
        # another number is another body
        ("Harris County Constable Precinct 1", "Harris County Constable Precinct 11", False),
        ("Harris County Constable Precinct Four", "Harris County Constable Precinct 5", False),
        ("Twenty-First Ward Constable", "Twenty Ward Constable", False),
    ],
)
def test_a_number_in_words_or_digits_is_one_number_in_a_name(
    first: str, second: str, same: bool
) -> None:
    assert same_words(first, second, "TX") is same
    assert same_words(second, first, "TX") is same


@given(st.integers(1, 99), st.integers(1, 99))
def test_every_writing_of_a_number_is_that_number_and_no_other(n: int, other: int) -> None:
    names = {f"Harris County Constable Precinct {w}" for w in writings(n)}
    read = {as_digits(agency_key(name, "TX").split()) for name in names}
    assert read == {("harris", "county", "constable", "precinct", str(n))}
    others = {as_digits(agency_key(f"Precinct {w}", "TX").split()) for w in writings(other)}
    assert (others == {("precinct", str(n))}) is (other == n)
