"""An agency listed again under its name written otherwise: which known agency a new
name is, when that agency is no longer listed. Pure: the known state, a list's rows and
their agencies' ids in, ids out (for the engine, before the list's diff).

The relabel rules (``diffs/relabel.py``) pair a row leaving and one arriving in one
window. An agency whose agreement was withdrawn months ago has no row leaving when it
signs again, and ICE may list it then under its name written otherwise: ``Erath County
Sheriff's Department`` for ``Erath County Sheriff's Office``. By the same rule as a
relabel without papers (:func:`identity.same_agency`: the same core name, kind of body
and place), a new name that is exactly one known agency of its state that no list
lists any more is that agency: its agreement reinstated, its history one, never a new
agency joining.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from diffs import identity
from diffs.relabel import entry_label, row_label, typed_alike
from diffs.state import LISTED, Entry, ProgramState, entry_key
from parsers.records import ListingRow


def known_again(state: ProgramState, rows: Sequence[ListingRow], ids: list[str]) -> list[str]:
    """``ids`` with each new agency (an id no one knows) that is exactly one known agency
    no list lists any more, by :func:`identity.same_agency`, given that agency's id."""
    new = [at for at, agency_id in enumerate(ids) if agency_id not in state.agencies]
    if not new:
        return ids
    gone = _not_listed(state)
    if not gone:
        return ids
    result = list(ids)
    for at in new:
        row = rows[at]
        label = row_label(entry_key(ids[at], row.model), ids[at], row)
        found = {
            agency_id
            for agency_id, entry in gone.items()
            if state.agencies[agency_id].state == row.state
            and identity.same_agency(*typed_alike(label, entry_label(entry, state, papers=False)))
        }
        if len(found) == 1:
            result[at] = found.pop()
    return result


def _not_listed(state: ProgramState) -> dict[str, Entry]:
    """The known agencies no list lists, each with its latest entry (its place and
    type as last listed)."""
    listed: set[str] = set()
    latest: dict[str, Entry] = {}
    for entry in _entries(state):
        if entry.status in LISTED:
            listed.add(entry.agency_id)
        held = latest.get(entry.agency_id)
        if held is None or entry.last_seen.observed_at > held.last_seen.observed_at:
            latest[entry.agency_id] = entry
    return {k: v for k, v in latest.items() if k not in listed and k in state.agencies}


def _entries(state: ProgramState) -> Iterator[Entry]:
    yield from state.participating.entries.values()
    yield from state.pending.entries.values()
