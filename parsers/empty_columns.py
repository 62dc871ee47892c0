"""Columns a list publishes: a column that holds no value in any row publishes nothing.

A list whose COUNTY column is there but empty in every row has stopped publishing
counties; it has not erased every agency's county. So a column of the fields the diff
compares (county, type, signed date, MOA, addendum) that is empty in every row of a list
is read as a column the list does not have, with a note: the list then says nothing of
those values (its schema changed, and the known values stand), where reading each empty
cell as a value blanked would record, once the emptiness persisted, every agreement
changed to nothing (956 ``agreement.changed`` for the 29 August list without its
types).
A MOA (or ADDENDUM) column whose every cell says its document is pending (``link
pending``, no link anywhere) publishes no document either: the list stopped linking
them, which is no agreement's change (736 ``agreement.changed`` to no MOA before, once
it persisted); a cell saying ``link`` whose hyperlink a copy lost still says there is
one.
A few rows can all leave a column blank by chance (a pending list of three
applications, none with its county yet): only a list of MIN_ROWS rows or more tells a
column that publishes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from parsers.listing_header import ADDENDUM, COUNTY, MOA, SIGNED, TYPE
from parsers.records import ListingRow
from parsers.urls import says_pending

MIN_ROWS = 10

_VALUES: dict[str, Callable[[ListingRow], object]] = {
    COUNTY: lambda row: row.county,
    TYPE: lambda row: row.agency_type,
    SIGNED: lambda row: row.signed or row.signed_raw,
    MOA: lambda row: _linked(row.moa_url, row.moa_text),
    ADDENDUM: lambda row: _linked(row.addendum_url, row.addendum_text),
}


def _linked(url: str | None, text: str | None) -> bool:
    """Whether a link cell publishes a document: its link, or text that says there is
    one (``link``, its hyperlink lost), not that it is pending."""
    return bool(url or (text and not says_pending(text)))


def published_columns(
    columns: tuple[str, ...], rows: Sequence[ListingRow]
) -> tuple[tuple[str, ...], list[str]]:
    """``columns`` without those of the compared fields that no row fills, in a list of
    MIN_ROWS rows or more, and a note for each."""
    if len(rows) < MIN_ROWS:
        return columns, []
    empty = [
        name
        for name, value in _VALUES.items()
        if name in columns and not any(value(row) for row in rows)
    ]
    if not empty:
        return columns, []
    notes = [
        f"column {name!r} holds no value in any row: read as a column the list does not have"
        for name in empty
    ]
    return tuple(name for name in columns if name not in empty), notes
