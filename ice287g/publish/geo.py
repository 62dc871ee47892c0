"""The map's shapes: the us-atlas TopoJSON shipped beside this module, no download,
ever (the FIPS codes the shapes are keyed by come from ``common/geo.py``)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


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
