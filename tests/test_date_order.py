"""A SIGNED column writes its numeric dates in one order: month first, as ICE writes
them, unless a date that can be read one way only says the column writes them day first
(``25/06/2025``). Small hand-made sheets."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.dates import day_first_example, parse_date, shifted_midnight
from parsers.xlsx_listing import parse_listing_xlsx
from tests.test_xlsx_listing import HEADER, ROW, _xlsx


def _signed(*texts: object) -> list[date | None]:
    rows = [HEADER, *([*ROW[:5], text, "link"] for text in texts)]
    return [row.signed for row in parse_listing_xlsx(_xlsx(rows)).rows]


def test_a_column_of_dates_written_day_first_is_read_day_first_with_a_note() -> None:
    rows = [HEADER, *([*ROW[:5], text, "link"] for text in ("25/06/2025", "05/06/2025"))]
    listing = parse_listing_xlsx(_xlsx(rows))
    assert [row.signed for row in listing.rows] == [date(2025, 6, 25), date(2025, 6, 5)]
    note = "sheet 'S': column F ('SIGNED') writes its dates day first ('25/06/2025'): read so"
    assert note in listing.warnings


def test_a_column_whose_dates_all_read_either_way_is_month_first_as_ice_writes_them() -> None:
    assert _signed("05/06/2025", "12/01/2025") == [date(2025, 5, 6), date(2025, 12, 1)]


def test_a_column_with_dates_only_month_first_and_only_day_first_stays_month_first() -> None:
    """Two orders in one column: the column says neither; a date that cannot be read
    month first stays unread, as before."""
    assert _signed("25/06/2025", "06/25/2025", "05/06/2025") == [
        None,
        date(2025, 6, 25),
        date(2025, 5, 6),
    ]


def test_date_cells_and_written_dates_do_not_say_the_order() -> None:
    assert day_first_example(["June 25, 2025", 45833, "2025-06-25", None]) is None
    assert _signed("25/06/2025", "June 5, 2025", "2025-06-05") == [
        date(2025, 6, 25),
        date(2025, 6, 5),
        date(2025, 6, 5),
    ]


def test_a_lost_separator_is_read_in_the_columns_order() -> None:
    assert _signed("25/06/2025", "05/062025") == [date(2025, 6, 25), date(2025, 6, 5)]


def test_a_date_with_punctuation_after_it_or_among_words_says_the_order_too() -> None:
    """The order is read from every numeric date the parser reads: a whole date less the
    punctuation after it, or a date among words."""
    assert day_first_example(["25/06/2025."]) == "25/06/2025."
    assert day_first_example(["Signed 25/06/2025", "05/06/2025"]) == "Signed 25/06/2025"
    assert day_first_example(["Signed 25/06/2025 (amended 06/25/2025)"]) is None
    assert _signed("25/06/2025.", "05/06/2025") == [date(2025, 6, 25), date(2025, 6, 5)]
    assert _signed("signed 25/06/2025", "05/06/2025") == [date(2025, 6, 25), date(2025, 6, 5)]


def test_the_order_is_the_columns_alone() -> None:
    """Another column's numeric dates day first leave SIGNED alone."""
    header = [*HEADER, "UPDATED"]
    rows = [header, [*ROW[:5], "05/06/2025", "link", "25/06/2025"]]
    (row,) = parse_listing_xlsx(_xlsx(rows)).rows
    assert row.signed == date(2025, 5, 6)


def test_a_date_parsed_day_first_swaps_day_and_month_only() -> None:
    assert parse_date("05/06/25", day_first=True) == (date(2025, 6, 5), ())
    assert parse_date("05/06/25") == (date(2025, 5, 6), ())
    assert parse_date("Signed 05/06/2025", day_first=True) == (
        date(2025, 6, 5),
        ("signed_in_text",),
    )
    assert parse_date("June 5, 2025", day_first=True) == (date(2025, 6, 5), ())


def test_a_time_typed_among_midnights_or_a_date_stored_at_noon_is_its_own_day() -> None:
    """A zone moves every date of an export: one date typed with its time (17:30) among
    midnights is its day (it was read as the next: a false change of its agreement,
    and a new agreement dated a day late, after its capture, helper 45); so are dates
    all stored at noon, or at 23:59:59 (no zone's offset), which are stored so to be
    their own days."""
    midnights = [datetime(2025, 3, day) for day in range(1, 10)]
    assert _signed(*midnights, _at(date(2025, 3, 17), 17, 30))[-1] == date(2025, 3, 17)
    assert _signed(*midnights, _at(date(2025, 3, 17), 20))[-1] == date(2025, 3, 17)
    assert _signed(_at(date(2025, 3, 17), 12), _at(date(2025, 3, 4), 12)) == [
        date(2025, 3, 17),
        date(2025, 3, 4),
    ]
    at_end = [datetime(2025, 3, 17, 23, 59, 59), datetime(2025, 3, 4, 23, 59, 59)]
    assert _signed(*at_end) == [date(2025, 3, 17), date(2025, 3, 4)]
    india = [_at(date(2025, 3, day), 19, 30) for day in (17, 18)]
    assert shifted_midnight(india) == (time(19, 30),)  # a half-hour zone's
    # an export's shifted dates beside rows typed by hand since, however many (a tenth
    # of them was enough to read the export's dates a day early: helper 54)
    exported = [_at(date(2025, 2, day), 19) for day in range(1, 21)]
    typed = [datetime(2025, 3, day) for day in range(1, 11)]
    assert _signed(*exported, *typed)[:2] == [date(2025, 2, 2), date(2025, 2, 3)]
    assert _signed(*exported, *typed)[-1] == date(2025, 3, 10)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.dates(min_value=date(2000, 1, 1), max_value=date(2025, 1, 1)), min_size=1, max_size=6
    ),
    st.integers(min_value=13, max_value=28),
)
def test_a_column_written_day_first_gives_back_its_dates(dates: list[date], day: int) -> None:
    """Whatever the dates, a column writing them all day first, one of them on a day
    after the 12th, gives them back."""
    dates = [*dates, date(2024, 3, day)]
    texts = [f"{d.day:02d}/{d.month:02d}/{d.year}" for d in dates]
    assert _signed(*texts) == dates


# -- dates moved back by a time zone -------------------------------------------------------


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def test_dates_that_all_carry_one_time_past_noon_are_the_next_days_midnights_with_a_note() -> None:
    """Midnight dates exported from UTC to the Americas read 20:00 or 23:00 the day before."""
    cells = [_at(date(2025, 6, 24), 20), _at(date(2025, 6, 4), 20)]
    rows = [HEADER, *([*ROW[:5], cell, "link"] for cell in cells)]
    listing = parse_listing_xlsx(_xlsx(rows))
    assert [row.signed for row in listing.rows] == [date(2025, 6, 25), date(2025, 6, 5)]
    note = (
        "sheet 'S': column F ('SIGNED') gives its dates the time 20:00:00, a time zone's "
        "shift of midnight: read as the next day"
    )
    assert note in listing.warnings


def test_dates_with_times_that_differ_or_fall_before_noon_are_their_days() -> None:
    assert _signed(_at(date(2025, 6, 24), 14, 5), _at(date(2025, 6, 3), 16, 40)) == [
        date(2025, 6, 24),
        date(2025, 6, 3),
    ]
    assert _signed(_at(date(2025, 6, 24), 4), _at(date(2025, 6, 3), 4)) == [
        date(2025, 6, 24),
        date(2025, 6, 3),
    ]


def test_midnights_beside_shifted_dates_stay_and_serials_with_a_fraction_shift_too() -> None:
    shifted = [_at(date(2025, 6, day), 23) for day in range(1, 10)]
    assert _signed(datetime(2025, 6, 24), *shifted) == [
        date(2025, 6, 24),
        *(date(2025, 6, day + 1) for day in range(1, 10)),
    ]
    assert shifted_midnight([45832 + 23 / 24, "June 5, 2025"]) == (time(23),)
    assert parse_date(45832 + 23 / 24, shifted=True) == (date(2025, 6, 25), ())
    assert parse_date(45832 + 23 / 24) == (date(2025, 6, 24), ())


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.dates(min_value=date(2000, 1, 2), max_value=date(2025, 1, 1)), min_size=1, max_size=6
    ),
    st.integers(min_value=1, max_value=11),
)
def test_any_column_of_midnights_moved_back_by_one_zone_gives_its_dates_back(
    days: list[date], hours_back: int
) -> None:
    cells = [datetime(d.year, d.month, d.day) - timedelta(hours=hours_back) for d in days]
    assert _signed(*cells) == days


def test_midnights_moved_back_by_a_zone_with_daylight_time_give_their_dates_back() -> None:
    """Exported to US Eastern time, a list's midnights read 20:00 the day before in
    summer and 19:00 in winter: two times an hour apart, one zone's, are its offsets
    (the first list read so put every date a day early for good); two times further
    apart are times of day."""
    summer, winter = _at(date(2025, 5, 7), 20), _at(date(2025, 1, 13), 19)
    assert _signed(summer, winter) == [date(2025, 5, 8), date(2025, 1, 14)]
    assert shifted_midnight([summer, winter]) == (time(19), time(20))
    assert _signed(_at(date(2025, 5, 7), 21), winter) == [date(2025, 5, 7), date(2025, 1, 13)]


@pytest.mark.parametrize("written", ["%m/%d/%Y %H:%M", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y %I:%M %p"])
def test_text_dates_that_all_carry_one_time_past_noon_are_the_next_days_midnights(
    written: str,
) -> None:
    """The same shift, exported as text (``06/24/2025 19:00``): the time is read from
    the text, and the rule is the date cells'."""
    cells = [
        _at(date(2025, 6, 24), 19).strftime(written),
        _at(date(2025, 6, 4), 19).strftime(written),
    ]
    assert _signed(*cells) == [date(2025, 6, 25), date(2025, 6, 5)]
    assert shifted_midnight(cells) == (time(19),)


def test_text_dates_with_times_that_differ_or_at_midnight_are_their_days() -> None:
    assert _signed("06/24/2025 19:00", "06/03/2025 20:30") == [date(2025, 6, 24), date(2025, 6, 3)]
    assert _signed("06/24/2025 12:00 AM", "06/03/2025 12:00 AM") == [
        date(2025, 6, 24),
        date(2025, 6, 3),
    ]
    assert shifted_midnight(["Signed 06/24/2025 at 19:00"]) is None  # not a whole date


def test_a_serial_is_the_date_it_numbers_with_the_repairs_a_date_cell_has() -> None:
    """A SIGNED cell holding a date's serial number, formatted as a number (``General``),
    is that date, mended as a date cell is: ICE's ``5025-07-07`` of July 2025 is
    2025-07-07 as a date cell and as its serial 1141572 (before: a date cell repaired,
    the serial unread, the date then read as a change once ICE fixed the cell)."""
    typo = (datetime(5025, 7, 7) - datetime(1899, 12, 30)).days
    assert (
        parse_date(typo)
        == parse_date(datetime(5025, 7, 7))
        == (
            date(2025, 7, 7),
            ("signed_repaired",),
        )
    )
    assert parse_date(45845) == (date(2025, 7, 7), ())
    assert parse_date(2958466) == (None, ("signed_unparsed",))  # past Excel's last date
    assert parse_date((datetime(3500, 1, 1) - datetime(1899, 12, 30)).days)[0] is None
