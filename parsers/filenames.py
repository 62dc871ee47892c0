"""What a file's name says: when it was observed, and which list it claims to be.

ICE names its sheets ``participatingAgencies05162025am.xlsx`` (MMDDYYYY plus am / pm /
mid, with drift: 2-digit years, a stray digit, suffixes such as ``B``, `` copy``,
``_b``, ``pm2``); Wayback captures carry a 14-digit UTC timestamp. Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

# Hour (UTC) we date a half-day to: ICE posts on Eastern time; am ~ 8:00, mid ~ noon,
# pm ~ 18:00 Eastern. The exact minute is unknown; the order is what matters.
HALF_DAY_HOURS = {"am": 12, "mid": 16, "pm": 22, "": 12}

_WAYBACK = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?!\d)")
_ICE = re.compile(r"(?<!\d)(\d{6,9})\s*(am|pm|mid)?(.*?)(?:\.[a-z0-9]{2,5})?$", re.IGNORECASE)


@dataclass(frozen=True)
class NameDate:
    """A time read from a file name, and how sure we are of it."""

    observed_at: datetime
    how: str
    repaired: bool = False


LISTS_NAMED = ("participating", "pending")  # in the order a file of both is observed


def claimed_kinds(name: str) -> tuple[str, ...]:
    """The lists a file's name claims to be (checked against its contents later): one,
    none, or both (``participatingAndPendingAgencies.xlsx``: a file of both lists)."""
    lowered = name.lower()
    return tuple(kind for kind in LISTS_NAMED if kind in lowered)


def claimed_kind(name: str) -> str | None:
    """The list a file's name claims to be; the first of both when it names both."""
    kinds = claimed_kinds(name)
    return kinds[0] if kinds else None


def date_from_name(name: str) -> NameDate | None:
    """The observed time a file name states, or None when it states none."""
    base = name.rsplit("/", 1)[-1]
    if match := _WAYBACK.search(base):
        y, mo, d, h, mi, s = (int(p) for p in match.groups())
        try:
            return NameDate(datetime(y, mo, d, h, mi, s, tzinfo=UTC), "wayback timestamp")
        except ValueError:
            return None
    if match := _ICE.search(base):
        return _ice_name_date(match[1], (match[2] or "").lower(), match[3])
    return None


def _ice_name_date(digits: str, half: str, suffix: str) -> NameDate | None:
    candidates = _candidate_dates(digits)
    if len(candidates) != 1:
        return None
    day, repaired = candidates[0]
    hour = HALF_DAY_HOURS[half]
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    moment += timedelta(minutes=_suffix_rank(suffix))
    how = f"file name ({half or 'no half-day'})"
    return NameDate(moment, how, repaired)


def _candidate_dates(digits: str) -> list[tuple[date, bool]]:
    """Dates the digits can mean: MMDDYYYY, MMDDYY, or one stray digit removed."""
    if len(digits) in (6, 8):
        found = _mmdd(digits)
        return [(found, False)] if found else []
    if len(digits) == 9:
        options = {_mmdd(digits[:i] + digits[i + 1 :]) for i in range(9)}
        return [(d, True) for d in sorted(o for o in options if o)]
    return []


def _mmdd(digits: str) -> date | None:
    month, day, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    if len(digits) == 6:
        year += 2000
    if not 2000 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _suffix_rank(suffix: str) -> int:
    """Minutes to add so ``name B`` / ``name copy`` / ``pm2`` sort after ``name``."""
    cleaned = suffix.strip().lower()
    if not cleaned:
        return 0
    digits = re.findall(r"\d+", cleaned)
    if digits:
        return min(int(digits[0]), 50)
    return 1
