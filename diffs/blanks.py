"""Values a row still listed no longer shows, held until their absence persists.

A row that vanishes is withdrawn only once its absence persists; a value that vanishes
from a row still listed (a link become ``Link Pending``, a county or a type left empty,
a signed date blanked) is held the same way (``gate.persisted``): the entry keeps the
known value, and the blank becomes an ``agreement.changed`` only once it has lasted
``withdraw_after_days`` over ``withdraw_after_snapshots`` distinct versions of the list,
dated by the last snapshot showing the value and the first not. A value back before
then is flicker: no event (ICE replaced 88 links with ``Link Pending`` on 18 August 2025
and restored them nine days later). Pure functions of plain values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from diffs.events import SnapshotRef, earliest
from diffs.gate import Rules, persisted
from diffs.state import Blank, Entry


def hold(
    old: Entry,
    fields: dict[str, Any],
    ref: SnapshotRef,
    start: SnapshotRef | None,
    rules: Rules,
    unsaid: tuple[str, ...] = (),
    unshown: Mapping[str, SnapshotRef] = MappingProxyType({}),
) -> tuple[dict[str, Any], tuple[Blank, ...], list[Blank]]:
    """``fields`` with each value ``old`` knows and the row no longer shows kept while
    its blank is held; the blanks still held; and those confirmed at ``ref`` (their
    fields stay empty). ``start`` is the last snapshot showing the values (a new blank's
    start); a blank whose value is back, or replaced by another, ends. A list without
    a column for a blank's field (``unsaid``) says nothing of it: the blank stands as it
    was (a list without the column between two without the value ends nothing), and
    a blank starts at the last list with the column if earlier, not after the lists
    without it (``unshown``: ``ListState.unshown``)."""
    held = {blank.name: blank for blank in old.blanks}
    kept: dict[str, Any] = {}
    blanks: list[Blank] = []
    confirmed: list[Blank] = []
    for name, value in fields.items():
        if name in unsaid:
            blanks += [held[name]] if name in held else []
            continue
        known = old.fields.get(name)
        if value is not None or not known:
            continue
        blank = held.get(name) or Blank(name, earliest([start, unshown.get(name, start)]), ref)
        if ref.sha256 not in blank.versions:
            blank = replace(blank, versions=(*blank.versions, ref.sha256))
        if persisted(blank.since, blank.versions, ref, rules):
            confirmed.append(blank)
        else:
            kept[name] = known
            blanks.append(blank)
    return ({**fields, **kept} if kept else fields), tuple(blanks), confirmed
