"""Times as ice287g stores and exports them: ISO 8601 in UTC, second precision, ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a trailing Z, second precision."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    """Parse an ISO 8601 time (naive means UTC) into an aware UTC datetime."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


EARLIEST_OBSERVATION = datetime(2000, 1, 1, tzinfo=UTC)
"""No list of the 287(g) program was published before this: an earlier observed time
(``0001-01-01``) is a mistake, not a date."""


def implausible_observation(moment: datetime, now: datetime) -> str | None:
    """Why an observed time cannot be true (before 2000, or after ``now``), or None."""
    if moment < EARLIEST_OBSERVATION:
        day = moment.date().isoformat()
        return f"{day} is before {EARLIEST_OBSERVATION.year}, when no list existed"
    if moment > now:
        return f"{utc_iso(moment)} is in the future"
    return None
