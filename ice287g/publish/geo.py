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


def subset(name: str, feature: str, ids: set[str]) -> dict[str, Any]:
    """The TopoJSON with only the geometries of ``feature`` whose id is in ``ids`` and
    only the arcs they use (so the renderer reads a few hundred shapes, not 3,000)."""
    topo = topology(name)
    geometries = [g for g in topo["objects"][feature]["geometries"] if g.get("id") in ids]
    used: dict[int, int] = {}
    for geometry in geometries:
        for arc in _arc_refs(geometry):
            used.setdefault(arc if arc >= 0 else ~arc, len(used))
    arcs = [topo["arcs"][old] for old in sorted(used, key=used.__getitem__)]
    objects = {feature: {"type": "GeometryCollection", "geometries": _remap(geometries, used)}}
    return {"type": "Topology", "transform": topo["transform"], "objects": objects, "arcs": arcs}


def _arc_refs(geometry: dict[str, Any]) -> list[int]:
    rings = geometry["arcs"] if geometry["type"] == "Polygon" else []
    if geometry["type"] == "MultiPolygon":
        rings = [ring for polygon in geometry["arcs"] for ring in polygon]
    return [arc for ring in rings for arc in ring]


def _remap(geometries: list[dict[str, Any]], used: dict[int, int]) -> list[dict[str, Any]]:
    def ring(refs: list[int]) -> list[int]:
        return [used[a] if a >= 0 else ~used[~a] for a in refs]

    remapped = []
    for g in geometries:
        if g["type"] == "Polygon":
            arcs: Any = [ring(r) for r in g["arcs"]]
        else:
            arcs = [[ring(r) for r in polygon] for polygon in g["arcs"]]
        remapped.append({**g, "arcs": arcs})
    return remapped
