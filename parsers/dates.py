"""Dates as ICE writes them in its lists: date cells, Excel serials, numeric and written
text (``8/5/25``, ``August 5, 2025``, ``05-Aug-25``), a date among words (``Signed
6/9/2020``), a year mistyped (``5025``) or a separator lost (``05/082025``). Pure."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from parsers.normalize import clean_text, is_null

EXCEL_EPOCH = date(1899, 12, 30)
# A time of day after a date (``8/5/2025 12:00 AM``) is not part of it.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:\s*[AP]\.?M\.?)?)?"
_NUMERIC_DATE = re.compile(rf"^(\d{{1,2}})[/\-.](\d{{1,2}})[/\-.](\d{{2}}|\d{{4}}){_TIME}$", re.I)
# Year first, with one separator throughout: 2025-08-05, 2025/08/05, 2025.08.05.
_ISO_DATE = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T].*)?$")
# ISO 8601's basic form, eight digits (``20250830``): no Excel serial is that large.
_ISO_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Written dates, the month by name: August 5, 2025 / 5 August 2025 / 05-Aug-25 (Excel's
# d-mmm-yy), after any weekday (Tuesday, August 5, 2025: Excel's long date).
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.I)
_MONTH_FIRST = re.compile(r"([A-Za-z]+)\.?[\s\-/]+(\d{1,2})(?:st|nd|rd|th)?,?[\s\-/]+(\d{4}|\d{2})")
_DAY_FIRST = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-/]+([A-Za-z]+)\.?,?[\s\-/]+(\d{4}|\d{2})")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTHS = {m.lower(): i for i, m in enumerate(MONTH_NAMES, start=1)}


PLAUSIBLE_YEARS = (1990, 2100)  # a signed date outside these years is a typo, never read


def excel_serial_date(serial: float) -> date | None:
    """Date of an Excel serial number (1900 system), None when out of range."""
    if not 1 <= serial < 2958466:
        return None
    return EXCEL_EPOCH + timedelta(days=int(serial))


def _fix_year(year: int, short: bool = False) -> tuple[int, bool]:
    """Return a plausible year and whether it was repaired (5025 -> 2025, 25 -> 2025).

    Only a year written with one or two digits is a two-digit year: ``0001`` is the
    year 1, out of range, never 2001."""
    if short and year < 100:
        return 2000 + year, False
    if 1990 <= year <= 2100:
        return year, False
    if 3000 <= year <= 9999 and (year % 1000) < 100:
        return 2000 + year % 1000, True
    return year, True


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_SPLIT_RUN = re.compile(r"(\d{1,2})[/\-.](\d{1,2})(\d{4})")


def _split_run(text: str) -> tuple[int, int, int] | None:
    """Repair ``05/082025`` and ``7/72025``: one separator lost before the year."""
    match = _SPLIT_RUN.fullmatch(text)
    if match:
        return int(match[1]), int(match[2]), int(match[3])
    return None


def day_first_example(values: Iterable[object]) -> str | None:
    """A column's numeric date written day first (``25/06/2025``) when the column
    writes its numeric dates so: some can be read only day first (the first number
    above 12, the second not) and none only month first (the second number above 12).
    None for a column that writes them month first, as ICE does, or whose dates all
    read either way: a column writes its dates in one order, and a date that can be
    read one way only tells which."""
    only_day_first = None
    for value in values:
        if not isinstance(value, str):
            continue
        text = clean_text(value)
        for first, second in _numeric_orders(text):
            if second > 12 >= first:
                return None
            if first > 12 >= second and only_day_first is None:
                only_day_first = text
    return only_day_first


def _numeric_orders(text: str) -> list[tuple[int, int]]:
    """The first two numbers of each numeric date a text writes, as the parser reads
    it: the whole text (less the punctuation after it), else each date among its
    words."""
    whole = _numeric_date(_trimmed(text))
    if whole is not None:
        return [whole]
    found = (_numeric_date(match[0]) for match in _DATE_IN_TEXT.finditer(text))
    return [numbers for numbers in found if numbers is not None]


def _numeric_date(text: str) -> tuple[int, int] | None:
    numbers = _NUMERIC_DATE.match(text) or _SPLIT_RUN.fullmatch(text)
    return (int(numbers[1]), int(numbers[2])) if numbers else None


def _trimmed(text: str) -> str:
    """A date's text without the punctuation after it, which is not part of it."""
    return text.rstrip(".,;")


_NOON = time(12)
_HALF_DAY = timedelta(hours=12)
_DAY_SECONDS = 86_400
SHIFTED_SHARE = 0.1
"""The share of a column's cells carrying a time that must carry the shifted one: a
time zone moves the dates of an export, the bulk of a list,
not one among midnights (a time typed); rows typed by hand since (midnights) may be
many, and are their days (nine in ten was asked: a list exported once and extended
by hand flipped, every exported date read a day early, when its typed rows passed a
tenth)."""


def shifted_midnight(values: Iterable[object]) -> tuple[time, ...] | None:
    """The times of day, past noon, that the timed dates of a column carry, one or
    two an hour apart (a zone's standard and daylight offsets): its dates are midnights
    a time zone moved back (a date exported from UTC to the Americas reads 23:00 or
    20:00 the day before; from US Eastern time, 19:00 in winter and 20:00 in summer),
    each the next day's. More than a tenth (:data:`SHIFTED_SHARE`) of its cells
    carrying a time carry one of them, two cells at least unless every one does (a
    zone moves the dates of an export: one time among midnights is a time typed), and
    each is a zone's offset from midnight, a quarter hour after noon or later (no
    inhabited place is 12 hours west of UTC, and a date stored at noon, or at 23:59:59,
    is stored so to be its own day). None when no date carries a time, when
    the times differ otherwise (a date written down with the time it was: its day is
    the date) or when one is before noon (the same day). Date cells and serials with a
    fraction carry times, and so does a text date followed by a time of day (``6/24/2025
    23:00``, ``2025-06-24T19:00:00``)."""
    times: Counter[time] = Counter()
    carrying = 0
    for value in values:
        moment = _time_of(value)
        if moment is None:
            continue
        carrying += 1
        if moment != time(0):
            times[moment] += 1
            if len(times) > 2:
                return None
    found = tuple(sorted(times))
    if not found or not all(map(_zone_offset, found)):
        return None
    shifted = sum(times.values())
    if shifted <= SHIFTED_SHARE * carrying or (shifted == 1 < carrying):
        return None  # a time typed among midnights: one, or a few
    if len(found) == 2 and _seconds(found[1]) - _seconds(found[0]) != 3600:
        return None
    return found


def _zone_offset(moment: time) -> bool:
    """Whether ``moment`` is a midnight moved back by a zone west of UTC: after noon,
    on a quarter hour (zones are offset by whole hours, some by a half or three
    quarters)."""
    return (
        moment > _NOON and moment.minute % 15 == 0 and moment.second == 0 and not moment.microsecond
    )


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _time_of(value: object) -> time | None:
    """The time of day a cell carries: a date cell's (a day alone, midnight), a
    serial's fraction, a text's time; None for a cell carrying none (a text date)."""
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, date):
        return time(0)
    if isinstance(value, str):
        return _text_time(value)
    if isinstance(value, float) and excel_serial_date(value) is not None:
        seconds = round((value % 1) * _DAY_SECONDS) % _DAY_SECONDS
        return time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    return None


# The time of day after a whole date text: ``6/24/2025 23:00``, ``... 11:00 PM``, ``...T23:00:00``.
_TEXT_TIME = re.compile(r"[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(?:([AP])\.?M\.?)?$", re.I)


def _text_time(value: str) -> time | None:
    """The time of day a text writing a date (numeric or year first) and a time carries."""
    text = _trimmed(clean_text(value))
    found = _TEXT_TIME.search(text)
    if found is None or not (_NUMERIC_DATE.match(text) or _ISO_DATE.match(text)):
        return None
    hour, minute, second = int(found[1]), int(found[2]), int(found[3] or 0)
    if found[4]:  # 12 AM is midnight, 12 PM noon
        hour = hour % 12 + (12 if found[4].upper() == "P" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def parse_date(
    value: object, day_first: bool = False, shifted: bool = False
) -> tuple[date | None, tuple[str, ...]]:
    """Read a signed date from a cell value: a date, datetime, Excel serial or text;
    a numeric text date month first (``8/5/25``), or day first when ``day_first`` (its
    column writes them so: :func:`day_first_example`); a date with a time of day is
    its day's, or the nearest midnight's when ``shifted`` (its column's times are a
    time zone's shift of midnight: :func:`shifted_midnight`).

    Returns the date (or None) and flags: ``signed_repaired`` when a broken string or
    year was mended with clear intent, ``signed_unparsed`` when no date could be read.
    """
    if value is None or is_null(value):
        return None, ()
    if isinstance(value, datetime):
        value = (value + _HALF_DAY).date() if shifted else value.date()
    if isinstance(value, date):
        return _date_with_year_check(value.year, value.month, value.day, ())
    if isinstance(value, int | float):
        serial = _serial(float(value) + 0.5 if shifted else float(value))
        if serial[0] is None and float(value).is_integer():  # a number is a serial first
            return _compact(f"{value:.0f}", day_first) or serial  # (a typo year's too)
        return serial
    text = clean_text(value)
    found, flags = _parse_date_text(text, day_first)
    moment = _text_time(text) if shifted and found is not None else None
    if found is not None and moment is not None and moment >= _NOON:
        return found + timedelta(days=1), flags  # the midnight it was moved back from
    return found, flags


def _compact(digits: str, day_first: bool) -> tuple[date | None, tuple[str, ...]] | None:
    """The date seven or eight digits alone write, None when they write none:
    ``20250805`` (year first), else ``08052025`` (month first, as ICE writes the dates
    in its files' names; day first in a column writing its dates so), its leading zero
    lost in a number (``8052025``). A text is read so first; a number is a serial first
    (seven digits are a year past 4000, a typo's: ``5025-07-07``, ``5026-10-01``, read
    as such), these digits when it is none; no year first is also a month first within
    the plausible years (no month 19 or 20)."""
    if len(digits) not in (7, 8):
        return None
    digits = digits.zfill(8)
    first, second, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    month, day = (second, first) if day_first else (first, second)
    basic = _ISO_BASIC.match(digits)
    for found in (
        _date_with_year_check(int(basic[1]), int(basic[2]), int(basic[3]), ()) if basic else None,
        _date_with_year_check(year, month, day, ()),
    ):
        if found is not None and found[0] is not None and not found[1]:
            return found
    return None


def _serial(serial: float) -> tuple[date | None, tuple[str, ...]]:
    """An Excel serial date, mended as a date cell is (a serial is a date however its
    cell is formatted: 5025-07-07's is 2025-07-07, flagged repaired), only within the
    plausible years (2958465 is 9999-12-31, Excel's largest date, not an agreement's):
    otherwise unparsed, its text kept."""
    parsed = excel_serial_date(serial)
    if parsed is None:
        return None, ("signed_unparsed",)
    return _date_with_year_check(parsed.year, parsed.month, parsed.day, ())


def _date_with_year_check(
    year: int, month: int, day: int, flags: tuple[str, ...], short: bool = False
) -> tuple[date | None, tuple[str, ...]]:
    fixed, repaired = _fix_year(year, short)
    result = _safe_date(fixed, month, day)
    if result is None or not PLAUSIBLE_YEARS[0] <= result.year <= PLAUSIBLE_YEARS[1]:
        return None, ("signed_unparsed",)
    if repaired and "signed_repaired" not in flags:  # '05/085025': one flag, not two
        flags += ("signed_repaired",)
    return result, flags


# A date among words (``Signed 6/9/2020``, ``6/9/2020 (amended 1/2/2023)``): numeric, year
# first, or written with the month's name; and the words that name the signing.
_DATE_IN_TEXT = re.compile(
    r"(?<![\w/.\-])(?:\d{1,2}[/\-.]\d{1,2}[/\-.](?:\d{4}|\d{2})|\d{4}[/\-.]\d{1,2}[/\-.]\d{1,2}"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4})(?![\w/])"
)
# A word naming the signing and what follows it up to the next word: a date right after
# it starts where it ends. Found once in the whole text (searched again before each
# date, a text of many dates took quadratic time).
_SIGNING_WORD = re.compile(r"\b(?:signature|signing|signed|sign|executed)\b\W*", re.I)


def _parse_date_text(text: str, day_first: bool) -> tuple[date | None, tuple[str, ...]]:
    parsed = _whole_date_text(text, day_first)
    if parsed[0] is None and (found := _date_among_words(text, day_first)) is not None:
        return found
    return parsed


def _date_among_words(text: str, day_first: bool) -> tuple[date | None, tuple[str, ...]] | None:
    """The signing date of a text that holds dates among words: its one date, else the
    one right after a word naming the signing (``Amended 1/2/2023, signed 6/9/2020``),
    else the first (``6/9/2020 (amended 1/2/2023)``); flagged ``signed_in_text``. None
    when the text holds no readable date."""
    after_signing = {word.end() for word in _SIGNING_WORD.finditer(text)}
    dates = []
    for match in _DATE_IN_TEXT.finditer(text):
        found, flags = _whole_date_text(match[0], day_first)
        if found is not None:
            dates.append((match.start() in after_signing, found, flags))
    if not dates:
        return None
    _, found, flags = next((d for d in dates if d[0]), dates[0])
    return found, (*flags, "signed_in_text")


def _whole_date_text(text: str, day_first: bool) -> tuple[date | None, tuple[str, ...]]:
    """The date a whole text writes (nothing but the date, and a time after it)."""
    month, day = (2, 1) if day_first else (1, 2)
    text = _trimmed(text)
    if text.isdigit() and (found := _compact(text, day_first)):
        return found
    if re.fullmatch(r"\d+(\.\d+)?", text) and len(text) <= 7:
        return _serial(float(text))
    if m := _ISO_DATE.match(text):
        return _date_with_year_check(int(m[1]), int(m[3]), int(m[4]), ())
    if m := _NUMERIC_DATE.match(text):
        return _date_with_year_check(int(m[3]), int(m[month]), int(m[day]), (), len(m[3]) <= 2)
    if run := _split_run(text):
        return _date_with_year_check(run[2], run[month - 1], run[day - 1], ("signed_repaired",))
    return _parse_written_date(text)


def _parse_written_date(text: str) -> tuple[date | None, tuple[str, ...]]:
    text = _WEEKDAY.sub("", text, count=1)
    if (m := _MONTH_FIRST.fullmatch(text)) and (month := month_number(m[1])):
        return _date_with_year_check(int(m[3]), month, int(m[2]), (), len(m[3]) <= 2)
    if (m := _DAY_FIRST.fullmatch(text)) and (month := month_number(m[2])):
        return _date_with_year_check(int(m[3]), month, int(m[1]), (), len(m[3]) <= 2)
    return None, ("signed_unparsed",)


def month_number(word: str) -> int | None:
    """1 to 12 for a month's name or an abbreviation of three letters or more."""
    word = word.lower()
    for name, number in _MONTHS.items():
        if len(word) >= 3 and name.startswith(word):
            return number
    return None
