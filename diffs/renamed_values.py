"""Values renamed across a list: ICE calling every agency of one type by another word
(``County`` now ``Sheriff``, ``Municipality`` now ``Local``), or moving every MOA of one
folder to another place (``https://www.ice.gov/doclib/287gMOA/`` now
``https://www.dhs.gov/ice/doclib/287gMOA/``, each file's name kept). Pure: the list's
known entries and its rows by key in, the renames and the event out.

Principle: a TYPE cell sorts an agency into one of a few kinds, and a link's folder is
where the site keeps its files; the words and the places are the list's, not the
agreement's. When, in one window, every agreement listed with one type (at least
RENAMED_AT_LEAST of them) shows one other type, and no row of the list still shows the
first, the list's word changed: no agreement changed. When the links of at least
RENAMED_AT_LEAST agreements leave one folder, each for the same file (by its name) in
one other place, and no link leaves that folder for another place, the site moved its
files (links kept elsewhere, wrapped in a redirect, may still show the old folder: a
file moved is not a document changed). The agreements so shown take their rows' values
before the list is diffed (a later change of one is that one's change), and one
``source.schema_changed`` says what was renamed, and for how many. Asked only of a
list whose diff changed such a field for at least RENAMED_AT_LEAST agreements
(:func:`may_have_renamed`): the list is then diffed again, the values renamed first.
A type changing for some of its agreements only, or to several others, is each
agreement's change, as published; so is one link moved to another site and folder at
once, which may be another document (``diffs/links.py``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from diffs.events import Event, SnapshotRef
from diffs.fields import type_shortened
from diffs.links import DOCUMENT_SUFFIXES, canonical_link, same_document
from diffs.state import LISTED, Entry, ListState
from parsers.records import ListingRow

RENAMED_AT_LEAST = 3
"""Agreements a value must be shown for to be read as renamed: one or two agreements'
type (or link) changing is as likely their correction as the list's word changing."""

Rows = Mapping[str, tuple[str, ListingRow]]


@dataclass(frozen=True)
class Field:
    """A field whose values a list may rename: what part of a value is the list's
    (``part``: the type itself, a link's folder; with the rest that must stay, or None
    for a value without such a part), and when two values are no change at all."""

    name: str
    column: str
    part: Callable[[str], tuple[str, str] | None]
    same: Callable[[str, str], bool]
    every: bool  # every agreement listed with the part must show the new one


def _type_part(value: str) -> tuple[str, str]:
    return value, ""


def _same_type(before: str, after: str) -> bool:
    return after == before or type_shortened(before, after)


def _folder(value: str) -> tuple[str, str] | None:
    """A link's place (site and folder) and its document file's name (None for a link
    to no document file: a page names no file to keep)."""
    link = canonical_link(value) or ""
    place, _, name = link.rpartition("/")
    return (
        (place, name.lower())
        if "://" in place and name.lower().endswith(DOCUMENT_SUFFIXES)
        else None
    )


FIELDS = (
    Field("agency_type", "TYPE", _type_part, _same_type, every=True),
    Field("moa_url", "MOA folder", _folder, same_document, every=False),
    Field("addendum_url", "ADDENDUM folder", _folder, same_document, every=False),
)
"""The participating list's: an application's values are no events (only its listing
is), so the pending list's renamed types change nothing the record says."""


def may_have_renamed(events: Iterable[Event]) -> bool:
    """Whether a list's diff changed one of the fields a list may rename for at least
    RENAMED_AT_LEAST agreements (else it renamed nothing: the usual list, asked no more)."""
    names = {f.name for f in FIELDS}
    changed = Counter(
        name for e in events if e.kind == "agreement.changed" for name in (e.after or {})
    )
    return any(changed[name] >= RENAMED_AT_LEAST for name in names)


@dataclass
class Renames:
    """What one list renamed: per field, each old part's new part and how many
    agreements showed it, and the entries that take their rows' values."""

    parts: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)
    keys: dict[str, list[str]] = field(default_factory=dict)


def renames(entries: Mapping[str, Entry], rows: Rows) -> Renames:
    found = Renames()
    for known in FIELDS:
        parts, keys = _renamed(known, entries, rows)
        if parts:
            found.parts[known.name], found.keys[known.name] = parts, keys
    return found


def _renamed(
    known: Field, entries: Mapping[str, Entry], rows: Rows
) -> tuple[dict[str, tuple[str, int]], list[str]]:
    """The field's parts renamed (old -> (new, agreements)) and the entries' keys."""
    held: Counter[str] = Counter()
    shown: defaultdict[str, Counter[str]] = defaultdict(Counter)
    moved: defaultdict[str, list[str]] = defaultdict(list)
    for key, (_, row) in rows.items():
        entry = entries.get(key)
        before = (
            entry.fields.get(known.name) if entry is not None and entry.status in LISTED else None
        )
        old = known.part(before) if before else None
        if not before or old is None:
            continue
        held[old[0]] += 1
        after = getattr(row, known.name)
        new = known.part(after) if after and not known.same(before, after) else None
        if new is not None and new[1] == old[1]:
            shown[old[0]][new[0]] += 1
            moved[old[0]].append(key)
    still = {
        p[0] for _, row in rows.values() if (v := getattr(row, known.name)) and (p := known.part(v))
    }
    parts: dict[str, tuple[str, int]] = {}
    for old_part, news in sorted(shown.items()):
        [(new_part, count)] = news.most_common(1)
        whole = count == held[old_part] and old_part not in still
        if len(news) == 1 and count >= RENAMED_AT_LEAST and (whole or not known.every):
            parts[old_part] = (new_part, count)
    return parts, sorted(k for p in parts for k in moved[p])


def rows_taken(listed: ListState, keys: Mapping[str, Iterable[str]], rows: Rows) -> ListState:
    """The list's entries of ``keys`` (by field), each taking its row's value of that
    field: a value the list renamed (or a name it rewrote), no agreement's change."""
    entries = dict(listed.entries)
    for name, taking in keys.items():
        for key in taking:
            entry, value = entries[key], getattr(rows[key][1], name)
            entries[key] = replace(entry, fields={**entry.fields, name: value})
    return replace(listed, entries=entries)


def values_event(
    kind: str,
    values: tuple[dict[str, Any], dict[str, Any]],
    note: str,
    start: SnapshotRef | None,
    ref: SnapshotRef,
) -> Event:
    """``source.schema_changed`` for values a list renamed (or names it rewrote):
    ``values``, before and after by field, each a list in one order."""
    before, after = values
    return Event(
        kind="source.schema_changed",
        subject=f"{kind}-list",
        end=ref,
        start=start,
        before={"values": before},
        after={"values": after},
        note=note,
    )


def renamed_event(kind: str, found: Renames, start: SnapshotRef | None, ref: SnapshotRef) -> Event:
    """``source.schema_changed``: the values renamed, before and after in one order per
    field, and the note saying for how many."""
    columns = {f.name: f.column for f in FIELDS}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    said = []
    for name, parts in found.parts.items():
        olds = sorted(parts)
        before[name], after[name] = olds, [parts[o][0] for o in olds]
        said += [
            f"{columns[name]} {o!r} now {parts[o][0]!r} ({parts[o][1]} agreements)" for o in olds
        ]
    note = "values renamed across the list, no agreement changed: " + "; ".join(said)
    return values_event(kind, (before, after), note, start, ref)
