"""Rows a sheet hides. A person reading the list does not see them; the file holds them.

A hidden row that repeats an agreement a shown row lists (the same state, agency and
model) is that row's stale copy, as a column hidden beside its visible copy is (a row
copied, the copy edited, the original hidden): the shown row is the list's, the hidden
one is not read. Any other hidden row is read as listed: hiding is no removal (a sheet
saved with a filter on hides most of its rows), and a note says which rows were hidden.
Pure: numbered rows in, the rows kept and the notes out.
"""

from __future__ import annotations

from collections.abc import Collection

from parsers.records import ListingRow
from parsers.row_notes import rows_said

Numbered = tuple[int, ListingRow]  # a row and its 1-based number in the sheet


def visible_over_hidden(
    numbered: list[Numbered], hidden: Collection[int]
) -> tuple[list[Numbered], list[str]]:
    """The rows kept (a hidden stale copy left out) and the notes; ``hidden``: the
    0-based rows the sheet hides."""
    if not hidden:
        return numbered, []
    shown = {_key(row) for number, row in numbered if number - 1 not in hidden}
    kept = [(n, row) for n, row in numbered if n - 1 not in hidden or _key(row) not in shown]
    stale = sorted({n for n, _ in numbered} - {n for n, _ in kept})
    read = sorted({n for n, _ in kept if n - 1 in hidden})
    notes = []
    if stale:
        said = "hidden, repeating an agreement a shown row lists: its stale copy, not read"
        notes.append(rows_said(stale, said))
    if read:
        notes.append(rows_said(read, "hidden in the sheet: read as listed (hiding is no removal)"))
    return kept, notes


def _key(row: ListingRow) -> tuple[str, str, str | None]:
    return (row.state, row.agency_key, row.model)
