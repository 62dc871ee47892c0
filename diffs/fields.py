"""A row's compared fields, and how two versions of them compare.

What the diff compares of a listed row (``row_fields``), what a list that lacks a
column says of that column's values (nothing: ``known``), which links are still the
same document, which known values a row keeps when it no longer says them readably (a
link lost from a stripped copy, a date unread: ``carry_known``), which names are the
same name written otherwise (``same_name``), and which fields differ
(``changed_fields``). Pure functions of plain values.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from diffs.counties import same_county
from diffs.identity import same_name_in_place
from diffs.links import LINK_FIELDS, canonical_link, same_document
from parsers.agency_types import AGENCY_TYPES, abbreviates_type
from parsers.model_label import model_from_label
from parsers.records import ListingRow
from parsers.urls import says_pending

FIELDS = ("agency", "agency_type", "county", "signed", "moa_url", "addendum_url")
PENDING_FIELDS = ("agency", "agency_type", "county")
FIELD_COLUMNS = {
    "county": {"COUNTY"},
    "agency_type": {"TYPE"},
    "signed": {"SIGNED"},
    "moa_url": {"MOA"},
    "addendum_url": {"ADDENDUM"},
}
"""The columns (``parsers/listing_header.py``'s names, whatever the list's format) that
publish each field a list may lack."""


def row_fields(row: ListingRow, kind: str) -> dict[str, Any]:
    """The compared fields of a row (dates as ISO strings): FIELDS of an agreement,
    PENDING_FIELDS of a pending application."""
    if kind != "participating":
        return {"agency": row.agency, "agency_type": row.agency_type, "county": row.county}
    return {
        "agency": row.agency,
        "agency_type": row.agency_type,
        "county": row.county,
        "signed": row.signed.isoformat() if row.signed else None,
        "moa_url": row.moa_url,
        "addendum_url": row.addendum_url,
    }


def unpublished(columns: tuple[str, ...]) -> tuple[str, ...]:
    """The fields a list with these columns does not publish: it says nothing of them."""
    have = set(columns)
    return tuple(name for name, named in FIELD_COLUMNS.items() if not named & have)


def read_against(
    row: ListingRow, kind: str, fields: dict[str, Any], unsaid: tuple[str, ...]
) -> dict[str, Any]:
    """``row``'s fields as the diff reads them against the known ``fields``: the known
    values it no longer says readably carried (:func:`carry_known`: a ``link`` whose
    hyperlink a copy lost), and those of what its list does not publish (``unsaid``:
    :func:`known`)."""
    return known(fields, carry_known(fields, row_fields(row, kind), row), unsaid)


def shows_known(
    row: ListingRow, kind: str, fields: dict[str, Any], unsaid: tuple[str, ...]
) -> bool:
    """Whether ``row`` shows ``fields`` as the diff reads it (:func:`read_against`):
    each value the known one, or the known one written otherwise (a name in another
    case or words, :func:`same_name`; a link to the same document, :func:`same_link`),
    as the diff would record no change of it."""
    read = read_against(row, kind, fields, unsaid)
    return read == fields or all(
        read.get(name) == fields.get(name)
        or same_link(name, fields, read)
        or same_name(name, fields, read, row.state)
        for name in read.keys() | fields.keys()
    )


def with_known(row: ListingRow, fields: dict[str, Any]) -> ListingRow:
    """``row``, which shows the known ``fields`` (:func:`shows_known`), as read: with
    the known values it says only as known (a lost link, an unpublished column), so it
    is as full as the agreement it shows."""
    read: dict[str, Any] = {name: fields[name] for name in _READ_AS_KNOWN if name in fields}
    if read.get("signed"):
        read["signed"] = date.fromisoformat(read["signed"])
    return replace(row, **read)


_READ_AS_KNOWN = ("county", "signed", "moa_url", "addendum_url")
"""The fields a row may show only as known (carried, or unpublished)."""


def shows_fields(row: ListingRow, kind: str, fields: dict[str, Any]) -> bool:
    """Whether ``row_fields(row, kind) == fields``, without building the dict (every
    listed row of every capture is checked; entries' fields have exactly the keys
    ``row_fields`` gives)."""
    same = (
        fields.get("agency") == row.agency
        and fields.get("agency_type") == row.agency_type
        and fields.get("county") == row.county
    )
    if kind != "participating":
        return same and len(fields) == len(PENDING_FIELDS)
    return (
        same
        and len(fields) == len(FIELDS)
        and fields.get("signed") == (row.signed.isoformat() if row.signed else None)
        and fields.get("moa_url") == row.moa_url
        and fields.get("addendum_url") == row.addendum_url
    )


def published_link(name: str, old: dict[str, Any], new: dict[str, Any]) -> bool:
    """A link appearing where there was none is ``moa.published``, not a change."""
    return name in ("moa_url", "addendum_url") and not old.get(name) and bool(new.get(name))


def same_link(name: str, old: dict[str, Any], new: dict[str, Any]) -> bool:
    """A link rewritten to the same document (a SafeLinks wrapper added or removed, the
    scheme or host case changed) is not a change (``diffs/links.py``)."""
    return name in LINK_FIELDS and same_document(old.get(name), new.get(name))


def same_name(name: str, old: dict[str, Any], new: dict[str, Any], state: str | None) -> bool:
    """An agency or county name written otherwise (another case, punctuation, an
    abbreviation spelled out: ``Gulfport PD`` and ``Gulfport Police Department``; its
    words in another order, the counties of a jail authority listed in another order)
    is the same name, not a change: names are known by their keys, as agencies are; so
    is an agency's name with its own county set off after it (``Ocala Police Department
    (Marion County)``: :func:`diffs.identity.same_name_in_place`)."""
    before, after = old.get(name), new.get(name)
    if before is None or after is None:
        return False
    if name == "agency":
        return same_name_in_place(before, after, state, (old.get("county"), new.get("county")))
    return name == "county" and same_county(before, after, state)


def _flat(values: dict[str, Any]) -> bool:
    return all(v is None or isinstance(v, str | int | float | bool) for v in values.values())


def known(old: dict[str, Any], new: dict[str, Any], unpublished: tuple[str, ...]) -> dict[str, Any]:
    """``new`` with the known value of each field the list does not publish."""
    kept = [name for name in unpublished if name in new and new[name] != old.get(name)]
    return {**new, **{name: old.get(name) for name in kept}} if kept else new


def carry_known(old: dict[str, Any], new: dict[str, Any], row: ListingRow) -> dict[str, Any]:
    """Keep a known value the row no longer says readably: a MOA or addendum link when
    the sheet still says ``link`` but lost the hyperlink (a stripped copy; only an
    explicit ``link pending`` removes a link), a signed date when the cell holds text
    that is no date (``signed_unparsed``: an unreadable cell is no evidence of a change)
    or a date the list cannot hold (``signed_typo``: signed after the list's time), a
    type when the cell only shortens it (``C`` for County: ``type_shortened``); every
    value of a row naming several models, unless its MOA is this agreement's
    (``_one_of_joined``)."""
    moa_lost = "moa_url" in new and new["moa_url"] is None and old.get("moa_url")
    addendum_lost = "addendum_url" in new and new["addendum_url"] is None
    signed_unread = "signed" in new and (
        (new["signed"] is None and "signed_unparsed" in row.flags)
        or (new["signed"] != old.get("signed") and "signed_typo" in row.flags)
    )
    shortened = "agency_type" in new and type_shortened(old.get("agency_type"), new["agency_type"])
    if not moa_lost and not addendum_lost and not signed_unread and not shortened:
        if "models_joined" in row.flags:
            return _one_of_joined(old, new, row)
        return new  # nothing lost: the usual row (checked inline: it runs for every row)
    result = dict(new)
    if shortened:
        result["agency_type"] = old["agency_type"]
    texts = {"moa_url": row.moa_text, "addendum_url": row.addendum_text}
    for name, text in texts.items():
        lost = name in result and result[name] is None and bool(old.get(name))
        says_link = not says_pending(text) and bool(text or name == "addendum_url")
        if lost and says_link:
            result[name] = old[name]
    if signed_unread:
        result["signed"] = old.get("signed")
    return _one_of_joined(old, result, row) if "models_joined" in row.flags else result


def type_shortened(known: str | None, said: str | None) -> bool:
    """Whether the row's type cell only shortens the known type (``C`` for County,
    ``M`` for Municipality: :func:`parsers.agency_types.abbreviates_type`), which says
    nothing against it: the known type stands."""
    if said is None or said == known or known not in AGENCY_TYPES or said in AGENCY_TYPES:
        return False
    return abbreviates_type(said, known)


def _one_of_joined(old: dict[str, Any], new: dict[str, Any], row: ListingRow) -> dict[str, Any]:
    """A row naming several models (``JEM / WSO``, read as one agreement of each: flag
    ``models_joined``) is one of those agreements' rows, its signed date, MOA, county as
    that one's row said them: its values are an agreement's when its MOA's file name
    names the agreement's model (``..._WSO_MOA_...``); else each agreement's known values
    stand (the row's may be the other's)."""
    document = canonical_link(row.moa_url) or ""
    if model_from_label(document.rsplit("/", 1)[-1]) == row.model:
        return new
    return {**new, **{name: old[name] for name in new if name in old}}


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Names of the fields whose values differ, sorted. Flat rows are compared value by
    value; nested values (MOA records: signatories, ...) go through DeepDiff."""
    if _flat(before) and _flat(after):
        return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    from deepdiff import DeepDiff  # imported here: only MOA records need it (slow import)

    diff = DeepDiff(before, after, threshold_to_diff_deeper=0)
    names: set[str] = set()
    for section in (
        "values_changed",
        "type_changes",
        "dictionary_item_added",
        "dictionary_item_removed",
    ):
        for path in diff.get(section, []):
            names.add(str(path).split("['", 1)[1].split("']", 1)[0])
    return sorted(names)
