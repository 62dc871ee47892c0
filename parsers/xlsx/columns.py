"""Which columns of a sheet are hidden: its ``<cols>`` element.

Calamine reads values, not how a sheet shows them. A worksheet describes its columns in
``<cols>`` elements before the cell data: each ``<col min=".." max=".." hidden="1">``
covers a run of columns (1-based). Found and parsed on its own, as the hyperlinks are
(:func:`~parsers.xlsx.links.element_document`); the cell data is not parsed again.
"""

from __future__ import annotations

from parsers.xlsx.container import Package
from parsers.xlsx.links import element_document
from parsers.xlsx.parts import SheetEntry, parse_xml
from parsers.xlsx.values import MAX_COLUMNS

_TRUE = ("1", "true")


def hidden_columns(package: Package, entry: SheetEntry, xml: bytes, width: int) -> frozenset[int]:
    """The 0-based columns within the data's ``width`` that the sheet hides."""
    region = element_document(package, entry.path, xml, b"cols", many=True)
    if region is None:
        return frozenset()
    _root, *elements = parse_xml(package, region, entry.path, {"col"})
    runs: list[tuple[int, int]] = []  # 0-based, end excluded
    for element in elements:
        if element.attributes.get("hidden", "").strip().lower() not in _TRUE:
            continue
        first = _number(element.attributes.get("min"))
        last = _number(element.attributes.get("max"), first)
        if first is not None and last is not None:
            runs.append((first - 1, min(last, width)))
    return frozenset(_union(runs))


def _union(runs: list[tuple[int, int]]) -> set[int]:
    """The columns of overlapping runs, each counted once (a sheet may repeat a run of
    every column many times: merged first, the work is the number of runs and columns)."""
    columns: set[int] = set()
    reached = 0
    for start, end in sorted(runs):
        start = max(start, reached)
        if start < end:
            columns.update(range(start, end))
            reached = end
    return columns


def _number(text: str | None, default: int | None = None) -> int | None:
    """A ``min``/``max`` column number (1-based), ``default`` when absent, None when it is
    no column number."""
    if text is None:
        return default
    text = text.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_COLUMNS:
        return None
    return int(text)
