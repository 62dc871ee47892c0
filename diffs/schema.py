"""A list's columns changed, each held until a later list still has it so.

A list's schema is which columns it has (a multiset: a column named twice counts twice;
their order in the sheet is layout). A column dropped for a capture and back (a second
server or a cache serving another layout in turn) is flicker, as a row or a value gone
for a day is: each column the lists have another number of times than the schema as
last stated says is held, as a change of many agreements at once is, until a list
``loss_confirm_hours`` after the first with it so still has it so (a column added one
day and kept is stated though another column comes and goes meanwhile); then one
``source.schema_changed`` says so, dated by the last list with the column as stated
and the first with it changed, recorded then (columns changed in one window, one
event). A list with the column as stated again ends its hold. Meanwhile each list is
read by its own columns (a field it has no column for keeps its known value), so
nothing else waits.

Values a list renames across itself (a type's word, the links' site and folder,
``diffs/renamed_values.py``; a phrase of its names, ``diffs/rewritten_names.py``) are
its writing too, held the same way (:func:`hold_renames`): its entries take the new
values at once (no agreement changed), and the ``source.schema_changed`` saying so
waits for a list ``loss_confirm_hours`` later that still shows them; a list renaming
them back meanwhile ends the hold (copies of two writings served in turn: no event).
Pure functions of plain values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from diffs.events import Event, SnapshotRef
from diffs.fields import FIELD_COLUMNS, unpublished
from diffs.gate import Rules, confirmed_since
from diffs.state import ColumnHeld, ListState, RenameHeld


@dataclass(frozen=True)
class Schema:
    """A list's schema after one more list: as stated, what is held, the events."""

    stated: tuple[str, ...]
    held: tuple[ColumnHeld, ...] = ()
    events: tuple[Event, ...] = ()

    @property
    def note(self) -> str | None:
        """What the list's snapshot note says of columns held: ``+ADDENDUM -TYPE``."""
        if not self.held:
            return None
        signs = ("+" if h.count > self.stated.count(h.name) else "-" for h in self.held)
        said = " ".join(sign + h.name for sign, h in zip(signs, self.held, strict=True))
        return f"columns held until a later list has them too: {said}"


def read_schema(
    previous: ListState, columns: tuple[str, ...], ref: SnapshotRef, kind: str, rules: Rules
) -> Schema:
    """The schema once a list with ``columns`` is accepted at ``ref``: the first list
    states its columns; each column it has otherwise than stated is held until a list
    ``loss_confirm_hours`` after the first with it so (:func:`_held`), then stated, the
    columns changed in one window in one event."""
    stated = previous.schema or previous.columns
    if not stated:
        return Schema(columns)
    kept, confirmed = _held(previous, stated, columns, ref, rules)
    windows: dict[tuple[SnapshotRef, SnapshotRef | None], list[ColumnHeld]] = {}
    for column in sorted(confirmed, key=lambda c: c.since.observed_at):
        windows.setdefault((column.since, column.start), []).append(column)
    events = []
    for changed in windows.values():
        counts = Counter(stated)
        counts.update({c.name: c.count - stated.count(c.name) for c in changed})
        after = _ordered(+counts, columns, stated)
        events.append(_event(kind, stated, after, changed[0], ref))
        stated = after
    if not events and Counter(columns) == Counter(stated):
        stated = columns  # the same columns, maybe moved: as last listed
    return Schema(stated, tuple(kept), tuple(events))


def _held(
    previous: ListState,
    stated: tuple[str, ...],
    columns: tuple[str, ...],
    ref: SnapshotRef,
    rules: Rules,
) -> tuple[list[ColumnHeld], list[ColumnHeld]]:
    """The columns ``columns`` has otherwise than ``stated``: still held, and held long
    enough. A column as stated again ends its hold; one held for another number starts
    again, from the same last list with it as stated."""
    now, said = Counter(columns), Counter(stated)
    held = {h.name: h for h in previous.schema_held}
    kept: list[ColumnHeld] = []
    confirmed: list[ColumnHeld] = []
    for name in sorted(set(now) | set(said)):
        if now[name] == said[name]:
            continue
        column = held.get(name)
        if column is None or column.count != now[name]:
            start = column.start if column is not None else previous.last
            column = ColumnHeld(name, now[name], start, ref)
        (confirmed if confirmed_since(column.since, ref, rules) else kept).append(column)
    return kept, confirmed


def _ordered(
    counts: Counter[str], columns: Iterable[str], stated: Iterable[str]
) -> tuple[str, ...]:
    """The columns ``counts`` says, in the list's order, then those it lacks in the
    order stated (a column dropped, not yet stated so)."""
    left, found = Counter(counts), []
    for name in (*columns, *stated):
        if left[name] > 0:
            found.append(name)
            left[name] -= 1
    return tuple(found)


def _event(
    kind: str, before: tuple[str, ...], after: tuple[str, ...], held: ColumnHeld, ref: SnapshotRef
) -> Event:
    return Event(
        kind="source.schema_changed",
        subject=f"{kind}-list",
        end=held.since,
        start=held.start,
        before={"columns": list(before)},
        after={"columns": list(after)},
        recorded=None if held.since == ref else ref,
    )


def unshown(previous: ListState, columns: tuple[str, ...]) -> dict[str, SnapshotRef]:
    """For each field a list with ``columns`` has no column for, the last list that had
    one (fields no list had yet are left out): a change of such a field once its column
    is back happened after that list, not after the lists without it, which said
    nothing of it (``ListDiff._shown_last``)."""
    before, found = set(unpublished(previous.columns)), {}
    for name in unpublished(columns):
        if name in previous.unshown:
            found[name] = previous.unshown[name]
        elif name not in before and previous.last is not None and previous.columns:
            found[name] = previous.last
    return found


def shown_since(
    previous: ListState, columns: tuple[str, ...], ref: SnapshotRef
) -> dict[str, SnapshotRef]:
    """For each field a list with ``columns`` (observed as ``ref``) has a column for,
    the first list of those having one since: ``ref`` when the list before had none
    (an entry last shown before it was never shown with the column:
    ``ListDiff._filled_in``). Not for a column back after lists without it
    (``ListState.unshown``): a list before those may have shown a row with it blank."""
    before = set(unpublished(previous.columns)) if previous.last is not None else set()
    found, unsaid = {}, unpublished(columns)
    for name in (name for name in FIELD_COLUMNS if name not in unsaid):
        if name in previous.unshown:
            continue  # a column back: lists had it before, which may have shown a row
        if name in before or previous.last is None:
            found[name] = ref
        elif name in previous.shown_since:
            found[name] = previous.shown_since[name]
    return found


def hold_renames(
    previous: ListState, found: list[Event], ref: SnapshotRef, rules: Rules
) -> tuple[list[Event], tuple[RenameHeld, ...]]:
    """The rename events a list at ``ref`` states now, and those still held: each found
    is held (a rename back of one held ends both: flicker); each held that no list has
    renamed back is stated once ``loss_confirm_hours`` have passed since its first
    list, dated by the last list before it and it, recorded now."""
    held = list(previous.renames_held)
    for event in found:
        before, after = (event.before or {})["values"], (event.after or {})["values"]
        back = next((h for h in held if _pairs(h.before, h.after) == _pairs(after, before)), None)
        if back is not None:
            held.remove(back)
        else:
            held.append(RenameHeld(event.subject, before, after, event.note, event.start, ref))
    stated: list[RenameHeld] = []
    kept: list[RenameHeld] = []
    for rename in held:
        (stated if confirmed_since(rename.since, ref, rules) else kept).append(rename)
    return [_renamed_event(rename, ref) for rename in stated], tuple(kept)


def _pairs(before: dict[str, Any], after: dict[str, Any]) -> frozenset[tuple[str, str, str]]:
    """A rename's values as (field, old, new), in any order."""
    return frozenset(
        (name, old, new)
        for name, olds in before.items()
        for old, new in zip(olds, after.get(name, ()), strict=False)
    )


def _renamed_event(rename: RenameHeld, ref: SnapshotRef) -> Event:
    return Event(
        kind="source.schema_changed",
        subject=rename.subject,
        end=rename.since,
        start=rename.start,
        before={"values": rename.before},
        after={"values": rename.after},
        note=rename.note,
        recorded=None if rename.since == ref else ref,
    )
