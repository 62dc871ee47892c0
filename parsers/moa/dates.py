"""Signature dates in scan-recognised text: tolerant and strict readers."""

from __future__ import annotations

import re
from datetime import date

from parsers.dates import MONTH_NAMES, parse_date
from parsers.normalize import clean_text

_MONTH = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?P<rest>[\d \t,._]{2,16})",
    re.I,
)
_MONTHS = tuple(name[:3].lower() for name in MONTH_NAMES)
_DIGITAL = re.compile(r"(?<!\d)(20\d\d)([./\-])(\d\d)\2(\d\d)(?!\d)")
# The day first, written: ``5 January 2026``, ``5th day of January, 2026``, ``1st of May,
# 2025``, ``1-May-2025``, ``01-MAY-25``.
_DAY_FIRST = re.compile(
    r"(?<![\d/.\-])(\d{1,2})(?:st|nd|rd|th)?(?:\s+day)?(?:\s+of)?[ \t\-]+"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:[ \t]*,)?[ \t\-]+"
    r"(\d{4}|\d{2})(?![\d/])",
    re.I,
)
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.I)
_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?![\d/])")
_DATE_YEARS = range(2000, 2036)
_SPACED_CAPS = re.compile(r"\b[A-Z](?: +[A-Z]\b){2,}")


def find_date(text: str) -> tuple[date | None, str | None]:
    """A signature date in noisy scan-recognised text, and the text it was read from.

    Reads digital-signature stamps (``2020.06.09``), written dates (``February 26,
    2025``, ``OCT 1 5 2019``) and numeric ones (``04/16/2025``, ``4 / 2/ 202 5``,
    ``02/19/25``), in that order of preference (a written date with its day first, ``5th
    day of January, 2026``, ``4 July 2026``, ``1-May-2025``, after the written ones;
    ordinals read as their numbers: ``August 9th, 2026``; a stamp may be ``2025/05/01``),
    tolerating stray spaces and ``~``/``o``
    for zero inside numbers; years 2000-2035 only. Returns (None, None) rather than guess.
    """
    for reader in (_digital_date, _written_date, _day_first_date, _numeric_date):
        found = reader(text)
        if found[0] is not None:
            return found
    return None, None


_STRICT_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(20\d\d)(?![\d/.-])")
# A typed month name, day and year; a comma after the month too (``March, 10, 2025``).
_STRICT_WRITTEN = re.compile(r"\b([A-Z][a-z]{2,8}),?\s+(\d{1,2})(?:\s*[,.]\s*|\s+)(20\d\d)\b")


def strict_date(text: str) -> tuple[date | None, str | None]:
    """A date written cleanly in full (``04/14/2025``, ``March 5, 2020``, a digital
    stamp): what a date read by OCR must look like to be believed, since recognised
    hand-writing turns into plausible-looking wrong dates (``Marth 32020``)."""
    found = _digital_date(text)
    if found[0] is not None:
        return found
    for m in _STRICT_WRITTEN.finditer(text):
        month = _month_named(m[1])
        day = plausible_date(int(m[3]), month, int(m[2])) if month else None
        if day:
            return day, m[0]
    for m in _STRICT_NUMERIC.finditer(text):
        day = plausible_date(int(m[4]), int(m[1]), int(m[3]))
        if day:
            return day, m[0]
    return None, None


def _month_named(word: str) -> int | None:
    """The month a typed month name gives, allowing one recognition slip (``Marth``)."""
    if word in MONTH_NAMES:
        return MONTH_NAMES.index(word) + 1
    close = [
        number
        for number, name in enumerate(MONTH_NAMES, 1)
        if len(name) >= 5
        and word[0] == name[0]
        and len(word) == len(name)
        and sum(a != b for a, b in zip(word, name, strict=True)) == 1
    ]
    return close[0] if len(close) == 1 else None


def plausible_date(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    if year not in _DATE_YEARS:
        return None
    parsed, _flags = parse_date(f"{year:04d}-{month:02d}-{day:02d}")
    return parsed


def _digital_date(text: str) -> tuple[date | None, str | None]:
    for m in _DIGITAL.finditer(text):
        found = plausible_date(int(m[1]), int(m[3]), int(m[4]))
        if found:
            return found, m[0]
    return None, None


def _written_date(text: str) -> tuple[date | None, str | None]:
    text = _SPACED_CAPS.sub(lambda m: m[0].replace(" ", ""), re.sub(r"_+", " ", text))
    text = _ORDINAL.sub("", text)
    for m in _MONTH.finditer(text):
        digits = re.sub(r"\D", "", m["rest"])
        if len(digits) not in (5, 6):
            continue
        month = _MONTHS.index(m[1].lower()) + 1
        found = plausible_date(int(digits[-4:]), month, int(digits[:-4]))
        if found:
            return found, clean_text(m[0].replace("_", " ")).strip(" ,.")
    return None, None


def _day_first_date(text: str) -> tuple[date | None, str | None]:
    for m in _DAY_FIRST.finditer(re.sub(r"_+", " ", text)):
        month = _MONTHS.index(m[2][:3].lower()) + 1
        found = plausible_date(int(m[3]), month, int(m[1]))
        if found:
            return found, clean_text(m[0]).strip(" ,.")
    return None, None


def _numeric_date(text: str) -> tuple[date | None, str | None]:
    squeezed = re.sub(r"(?<=\d)[ \t]*[~oO][ \t]*(?=\d)", "0", text.replace("_", " "))
    squeezed = re.sub(r"(?<=[\d/])[ \t]+(?=[\d/])", "", squeezed)
    for m in _NUMERIC.finditer(squeezed):
        found = plausible_date(int(m[3]), int(m[1]), int(m[2]))
        if found:
            return found, m[0]
    return None, None
