"""A list's columns changed, held until a later list still has them.

A list's schema is which columns it has (a multiset: a column named twice counts twice;
their order in the sheet is layout). A column dropped for a capture and back (a second
server or a cache serving another layout in turn) is flicker, as a row or a value gone
for a day is: other columns are held, as a change of many agreements at once is, until
a list ``loss_confirm_hours`` later still has them; then one ``source.schema_changed``
says so, dated by the last list with the columns as last stated and the first with the
new ones, recorded then. Lists with the stated columns between end the hold. Meanwhile
each list is read by its own columns (a field it has no column for keeps its known
value), so nothing else waits. Pure functions of plain values.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from diffs.events import Event, SnapshotRef
from diffs.fields import unpublished
from diffs.gate import Rules, hours_between
from diffs.state import ListState, SchemaHeld


@dataclass(frozen=True)
class Schema:
    """A list's schema after one more list: as stated, what is held, the events."""

    stated: tuple[str, ...]
    held: SchemaHeld | None
    events: tuple[Event, ...] = ()

    @property
    def note(self) -> str | None:
        """What the list's snapshot note says of columns held."""
        if self.held is None:
            return None
        change = _change(self.stated, self.held.columns)
        return f"columns held until a later list has them too: {change}"


def _change(stated: tuple[str, ...], columns: tuple[str, ...]) -> str:
    """The columns added and dropped, as a note says them."""
    added, dropped = Counter(columns) - Counter(stated), Counter(stated) - Counter(columns)
    said = [f"+{name}" for name in sorted(added.elements())]
    said += [f"-{name}" for name in sorted(dropped.elements())]
    return " ".join(said)


def read_schema(
    previous: ListState, columns: tuple[str, ...], ref: SnapshotRef, kind: str, rules: Rules
) -> Schema:
    """The schema once a list with ``columns`` is accepted at ``ref``: the first list
    states its columns; the stated columns again end what was held (flicker); other
    columns are held (others again start a new hold, from the same last list with the
    stated columns) until a list ``loss_confirm_hours`` after the first with them still
    has them, then stated in one event."""
    stated, held = previous.schema or previous.columns, previous.schema_held
    if not stated:
        return Schema(columns, None)
    if Counter(stated) == Counter(columns):
        return Schema(columns, None)  # the same columns, maybe moved: as last listed
    if held is None or Counter(held.columns) != Counter(columns):
        start = held.start if held is not None else previous.last
        held = SchemaHeld(columns, start, ref)
    if hours_between(held.since.observed_at, ref.observed_at) < rules.loss_confirm_hours:
        return Schema(stated, held)
    event = Event(
        kind="source.schema_changed",
        subject=f"{kind}-list",
        end=held.since,
        start=held.start,
        before={"columns": list(stated)},
        after={"columns": list(columns)},
        recorded=None if held.since == ref else ref,
    )
    return Schema(columns, None, (event,))


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
