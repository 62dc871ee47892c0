"""State and county FIPS codes, from packages that ship the Census tables (``us`` for
states, ``addfips`` for counties): no download, ever.

A county is what ICE's row names in its county column; when that is empty, the county an
agency's own name places it in (``Etowah County Sheriff's Office``, ``Orleans Parish
...``): a county agency's name says which county it serves. Anything else (a city police
department, a state agency) has no county.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

import addfips
import us

_COUNTY_IN_NAME = re.compile(
    r"^(?P<county>.+?\b(?:County|Parish|Borough|Census Area|Municipality))\b", re.IGNORECASE
)
_NAME_PREFIX = re.compile(r"^(?:the\s+)", re.IGNORECASE)


@cache
def _fips() -> addfips.AddFIPS:
    return addfips.AddFIPS()


def state_fips(state: str | None) -> str | None:
    """``FL`` -> ``12``; None for anything that is not a state or territory."""
    if not state:
        return None
    found = us.states.lookup(state)
    return found.fips if found is not None else None


def state_name(state: str) -> str:
    found = us.states.lookup(state)
    return found.name if found is not None else state


def county_fips(state: str | None, county: str | None, agency: str | None) -> str | None:
    """The five-digit county FIPS of a row: its county column, else the county its
    agency's name is in; None when neither names a county of that state."""
    if not state or state_fips(state) is None:
        return None
    for candidate in (county, _county_in_name(agency)):
        if candidate:
            code = _fips().get_county_fips(candidate.strip(), state=state)
            if code:
                return str(code)
    return None


def _county_in_name(agency: str | None) -> str | None:
    if not agency:
        return None
    found = _COUNTY_IN_NAME.match(_NAME_PREFIX.sub("", agency.strip()))
    return found.group("county") if found else None


@cache
def topology(name: str) -> dict[str, Any]:
    """The us-atlas TopoJSON shipped in ``ice287g/publish/geo/`` (``counties`` or
    ``states``)."""
    text = resources.files("ice287g.publish").joinpath(f"geo/{name}-10m.json").read_text()
    return dict(json.loads(text))
