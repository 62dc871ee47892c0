"""State and county FIPS codes, from packages that ship the Census tables (``us`` for
states, ``addfips`` for counties): no download, ever. Pure lookups, for the rules (is a
county in a state?) and the published tables alike.

A county is what ICE's row names in its county column; when that is empty, the county an
agency's own name places it in (``Etowah County Sheriff's Office``, ``Orleans Parish
...``): a county agency's name says which county it serves. Anything else (a city police
department, a state agency) has no county.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    import addfips

_COUNTY_IN_NAME = re.compile(
    r"^(?P<county>.+?\b(?:County|Parish|Borough|Census Area|Municipality))\b", re.IGNORECASE
)
_NAME_PREFIX = re.compile(r"^(?:the\s+)", re.IGNORECASE)


@cache
def _fips() -> addfips.AddFIPS:
    import addfips  # imported here: only county lookups need its tables

    return addfips.AddFIPS()


@cache
def _state(state: str) -> Any:
    import us  # imported here: most commands never look a state up

    return us.states.lookup(state)


def state_fips(state: str | None) -> str | None:
    """``FL`` -> ``12``; None for anything that is not a state or territory."""
    found = _state(state) if state else None
    return found.fips if found is not None else None


def state_name(state: str) -> str:
    found = _state(state)
    return found.name if found is not None else state


@lru_cache(maxsize=8192)
def county_fips(state: str | None, county: str | None, agency: str | None) -> str | None:
    """The five-digit county FIPS of a row: its county column, else the county its
    agency's name is in; None when neither names a county of that state. Remembered:
    the rules ask it of the same names for each application newly listed."""
    if not state or state_fips(state) is None:
        return None
    for candidate in (county, county_in_name(agency)):
        for written in _written(candidate.strip()) if candidate else ():
            code = _fips().get_county_fips(written, state=state)
            if code:
                return str(code)
    return None


COUNTY_WORDS = 6  # the most words of a county's name (``St. John the Baptist Parish``: 5)


def _written(county: str) -> list[str]:
    """A county's name as written, then with a space fewer between two of its words
    (``De Soto County``: ``DeSoto County``, the Census's name; ``La Salle``: ``LaSalle``):
    where a word breaks is the writing's, not the name's."""
    spaced = county.split(" ")
    if len(spaced) > COUNTY_WORDS:
        return [county]  # no county's name is that long: no variant is one
    joined = [
        " ".join([*spaced[:at], spaced[at] + spaced[at + 1], *spaced[at + 2 :]])
        for at in range(len(spaced) - 1)
    ]
    return [county, *joined]


def county_in_name(agency: str | None) -> str | None:
    """The county an agency's name places it in (``Etowah County`` of ``Etowah County
    Sheriff's Office``); None for a name naming none."""
    if not agency:
        return None
    found = _COUNTY_IN_NAME.match(_NAME_PREFIX.sub("", agency.strip()))
    return found.group("county") if found else None


@lru_cache(maxsize=4096)
def latest_date(state: str | None, instant: str) -> date | None:
    """The latest calendar date anywhere in ``state`` at ``instant`` (UTC, ISO 8601):
    the date in its easternmost time zone (Texas's Central, not Mountain; Guam's ten
    hours ahead of UTC), as the ``us`` package lists its zones; None for a state it does
    not know. A signing dated later had not happened there yet."""
    found = _state(state) if state else None
    zones = getattr(found, "time_zones", None) or ()
    moment = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    known = [zone for zone in map(_zone, zones) if zone is not None]
    return max((moment.astimezone(zone).date() for zone in known), default=None)


@cache
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # a zone the system's tables lack
        return None
