"""Parse one of ICE's 287(g) agency lists (participating or pending) from XLSX bytes
(or from the one sheet of a delimited text file: ``parsers/delimited.py``).

Pure: bytes in, :class:`~parsers.records.ParsedListing` out, or a ParseError. The list
kind is decided from the columns and their contents, never from a file name. Everything
odd the parser notices (extra sheets, skipped rows, unknown columns, ambiguous kind,
repeated rows) goes into ``warnings``, in sheet order. This module finds the list's
sheets and decides its kind; ``parsers/listing_rows.py`` reads each sheet's rows.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from typing import TypeAlias

from parsers.empty_columns import published_columns
from parsers.errors import ParseError
from parsers.hidden_rows import visible_over_hidden
from parsers.listing_header import (
    AGENCY,
    COUNTY,
    MOA,
    SIGNED,
    STATE,
    SUPPORT,
    TYPE,
    column_letter,
    names_signing,
)
from parsers.listing_rows import Outcome, read_rows
from parsers.normalize import county_key, is_null
from parsers.records import ListingRow, ListKind, ParsedListing
from parsers.row_notes import rows_said
from parsers.shared_links import unshared
from parsers.sheet_header import REQUIRED, SheetHeader, describe_sheet, find_header, is_blank
from parsers.status_words import TITLE_WORDS, ended_title, pending_title
from parsers.xlsx import Sheet, read_workbook
from parsers.xlsx.merges import fill_merged_down

_PENDING_LINK = re.compile(r"^(link\s*)?pending$", re.IGNORECASE)

_Key: TypeAlias = tuple[str, str, str | None]  # an agreement in a list: state, agency, model


@dataclass
class _Part:
    """One sheet's share of the list: its header and its rows, read once when first
    needed."""

    header: SheetHeader

    @functools.cached_property
    def outcome(self) -> Outcome:
        """Its rows read, a hidden row's stale copy left out (``parsers/hidden_rows.py``)."""
        outcome = read_rows(self.header)
        kept, notes = visible_over_hidden(outcome.numbered(), self.header.sheet.hidden_rows)
        outcome.numbers, outcome.rows = [n for n, _ in kept], [row for _, row in kept]
        outcome.warnings.extend(notes)
        return outcome

    @functools.cached_property
    def keys(self) -> frozenset[_Key]:
        """Its agreements (made once: the split is tested by model, then by state)."""
        return frozenset((row.state, row.agency_key, row.model) for row in self.outcome.rows)


def _choose_sheets(sheets: list[Sheet], source: str) -> tuple[list[_Part], list[str], list[_Part]]:
    """The list's sheets and notes on the others. The list is the first visible sheet
    with a complete agency-list header that does not say it holds something else (else
    the first such sheet at all; a hidden sheet comes last: a working or old copy).
    The other visible sheets under a header of the same columns are more of it, the
    list in parts (split by model, by state, or merely into pages), when each holds
    agreements of the list's kind, most of them on no sheet before it, and does not
    say it holds something else (:func:`_in_parts`). Otherwise they are other tables (a
    copy, ended agreements, the other list), and ignored: the visible ones under a
    complete header are returned last, one of them may be the other list."""
    headers = [find_header(sheet) for sheet in sheets]
    complete = sorted(
        (h for h in headers if h is not None and h.complete),
        key=lambda h: (h.sheet.hidden, _says_other(h)),
    )
    chosen = complete[0] if complete else None
    if chosen is None:
        partial = next((h for h in headers if h is not None), None)
        seen = (
            _describe_partial(partial)
            if partial is not None
            else "; ".join(describe_sheet(sheet) for sheet in sheets[:4]) or "no sheets"
        )
        raise ParseError(source, f"no 287(g) agency list header found (saw: {seen})")
    first = _Part(chosen)
    others = [
        _Part(header)
        for header in headers
        if header is not None and header is not chosen and _same_table(chosen, header)
    ]
    parts = _in_parts(first, others)
    notes = []
    for sheet, header in zip(sheets, headers, strict=True):
        part = next((p for p in parts if p.header.sheet is sheet), None)
        if part is None:
            notes.append(_sheet_note(sheet, header))
        elif part is not parts[0]:
            count = len(part.outcome.rows)
            notes.append(
                f"sheet {sheet.name!r}: read as more of the list on sheet "
                f"{chosen.sheet.name!r} (the same columns, {count} row{'s' * (count != 1)}, "
                "most of them on no other sheet: the list split across sheets)"
            )
    taken = {id(part.header) for part in parts}
    read = {id(part.header): part for part in others}  # their rows are read once
    spare = [
        read.get(id(header)) or _Part(header)
        for header in headers
        if header is not None
        and id(header) not in taken
        and header.complete
        and not header.sheet.hidden
    ]
    return parts, notes, spare


def _same_table(chosen: SheetHeader, header: SheetHeader) -> bool:
    """Whether a sheet could be more of the chosen sheet's list: visible like it, under
    a complete header naming the same of the list's columns that say what an agreement
    is (:data:`_IDENTIFYING`); a column more or less of what is said beside it (notes,
    an addendum, a status) makes no other list (the tables of one list on a page, one
    with an addendum linked: a whole table was dropped)."""
    visible = not header.sheet.hidden and not chosen.sheet.hidden
    mine, theirs = set(chosen.columns) & _IDENTIFYING, set(header.columns) & _IDENTIFYING
    return visible and header.complete and mine == theirs


_IDENTIFYING = frozenset({STATE, AGENCY, TYPE, COUNTY, SUPPORT, SIGNED, MOA})


def _in_parts(first: _Part, others: list[_Part]) -> list[_Part]:
    """The first sheet and, in order, each other sheet that is more of its list: a
    reader paging through the workbook reads one table on them. A sheet is not when it
    says it holds something else, holds none of the list's kind (the other list under
    the same columns), or repeats the sheets before it: most of its agreements (more
    than half) are on them (a copy, an older version, the new agreements again; a page
    may repeat a row of the one before, as a list repeats a row)."""
    parts, keys = [first], set(first.keys)
    kind = decide_kind(first.header.columns, first.outcome.rows)[0]
    for part in others:
        repeats = 2 * len(part.keys & keys) > len(part.keys)
        if not part.keys or repeats or _says_other(part.header, kind):
            continue
        if decide_kind(part.header.columns, part.outcome.rows)[0] != kind:
            continue
        parts.append(part)
        keys |= part.keys
    return parts


# A sheet's name saying it is not the list in force: an old or working copy.
_SUPERSEDED = re.compile(
    r"\b(?:old|archived?|previous|prior|former|history|historical|backup|draft|superseded)\b",
    re.IGNORECASE,
)


def _says_other(header: SheetHeader, kind: str | None = None) -> bool:
    """Whether a sheet says it holds something else than the list in force: its name
    or a title above its header says its rows ended (``Terminated``) or, in another
    list than the pending one (``kind``), are applications (``Pending``); or its name
    says it is an old or working copy (``Old``, ``Archive``, ``Draft``: a name, not a
    sentence describing the table, ``... agreements signed prior to 2019 are not shown``)."""
    name = header.sheet.name.strip()
    titles = [
        " ".join(str(v) for v in row if not is_blank(v)) for row in header.sheet.rows[: header.top]
    ]
    said = [text for text in (name, *titles) if text]
    applying = kind != "pending" and any(pending_title(text) for text in said)
    old_copy = len(name.split()) <= TITLE_WORDS and bool(_SUPERSEDED.search(name))
    return applying or old_copy or any(ended_title(t) for t in said)


def _describe_partial(header: SheetHeader) -> str:
    missing = ", ".join(name for name in REQUIRED if name not in header.positions)
    columns = " | ".join(header.columns)
    return f"sheet {header.sheet.name!r} row {header.row + 1}: {columns}; no {missing} column"


def _sheet_note(sheet: Sheet, header: SheetHeader | None) -> str:
    hidden = f", {sheet.state}" if sheet.hidden else ""
    if header is None:
        return f"ignored sheet {sheet.name!r}{hidden}: no agency list header"
    return (
        f"ignored sheet {sheet.name!r}{hidden}: another agency list header at row {header.row + 1}"
    )


# --------------------------------------------------------------------------- kind


def _is_pending_text(text: str | None) -> bool:
    return not text or bool(_PENDING_LINK.match(text)) or is_null(text)


def decide_kind(
    header_columns: tuple[str, ...], rows: list[ListingRow]
) -> tuple[ListKind, list[str]]:
    """Participating or pending, from the columns and what the rows hold.

    Participating: a SIGNED column with dates, or an MOA column with real links.
    Pending: no SIGNED column, and no MOA column or only empty / ``link pending`` cells.
    """
    has_signed, has_moa = SIGNED in header_columns, MOA in header_columns
    dates = sum(row.signed is not None for row in rows)
    links = sum(row.moa_url is not None for row in rows)
    if has_signed and dates:
        notes = []
        if dates * 10 < len(rows):
            notes.append(f"only {dates} of {len(rows)} rows have a SIGNED date")
        return "participating", notes
    if links:
        reason = "no SIGNED column" if not has_signed else "SIGNED column without dates"
        return "participating", [f"{reason}, but {links} MOA links: treated as participating"]
    if has_signed:
        return "pending", ["SIGNED column without any date and no MOA links: treated as pending"]
    texts = {row.moa_text for row in rows}
    moa_texts = sum(not _is_pending_text(text) for text in texts) if has_moa else 0
    if moa_texts:
        return "pending", [
            f"no SIGNED column; MOA cells hold {moa_texts} kinds of text but no link: "
            "treated as pending"
        ]
    return "pending", []


# --------------------------------------------------------------------------- main


def parse_listing_xlsx(data: bytes, source: str = "<bytes>") -> ParsedListing:
    """Parse a participating or pending 287(g) agency list from XLSX bytes.

    Raises ParseError when the bytes are not a readable XLSX or hold no agency list.
    """
    return parse_listing_sheets(read_workbook(data, source), source, "xlsx")


def parse_listing_sheets(sheets: list[Sheet], source: str, source_format: str) -> ParsedListing:
    """Parse the list a file's sheets hold (an XLSX workbook's, or the one sheet of a
    delimited text file); ParseError when they hold no agency list. A visible sheet
    of the other kind, when the file holds both lists, is kept as ``other``."""
    read = [fill_merged_down(sheet) for sheet in sheets]
    filled = {id(sheet): rows for sheet, rows in read}
    parts, sheet_notes, spare = _choose_sheets([sheet for sheet, _ in read], source)
    listing = _listing(parts, sheet_notes, filled, source_format)
    for part in spare:
        if decide_kind(part.header.columns, part.outcome.rows)[0] != listing.kind:
            other = _listing([part], [], filled, source_format)
            name = part.header.sheet.name
            note = f"sheet {name!r} holds the {other.kind} list: kept as the file's"
            return replace(listing, warnings=(*listing.warnings, note), other=other)
    applications = [pair for part in parts for pair in part.outcome.numbered_applications()]
    if applications:
        return _with_applications(listing, applications)
    return listing


def _with_applications(
    listing: ParsedListing, numbered: list[tuple[int, ListingRow]]
) -> ParsedListing:
    """A list of agreements whose other rows' status says they are applications: those
    rows are the file's pending list, kept as ``other`` (not agreements of the list)."""
    note = rows_said(sorted({n for n, _ in numbered}), "whose status says an application")
    note += ": not agreements; kept as the file's pending list"
    other = ParsedListing(
        kind="pending",
        rows=tuple(row for _, row in numbered),
        columns=listing.columns,
        source_format=listing.source_format,
        warnings=(note,),
        row_numbers=tuple(n for n, _ in numbered),
    )
    return replace(listing, warnings=(*listing.warnings, note), other=other)


def _listing(
    parts: list[_Part], sheet_notes: list[str], filled: dict[int, list[int]], source_format: str
) -> ParsedListing:
    """One list from its sheets (one, or the parts of a split list), with every note."""
    header = parts[0].header
    rows, link_notes = unshared([row for part in parts for row in part.outcome.rows])
    numbers = tuple(n for part in parts for n in part.outcome.numbers)
    kind, kind_notes = decide_kind(header.columns, rows)
    undated = kind == "participating" and not _signings_dated(header, rows)
    if undated:
        kind_notes.append(
            "no agreement shown signed (no dates under a column naming the signing): "
            "read as the pending list when the file is claimed as it"
        )
    elif kind == "participating" and (few := _few_signed(rows)):
        undated = True  # a pending list showing its few approved applications signed
        kind_notes.append(few)
    columns, column_notes = published_columns(header.columns, rows)
    if MOA not in columns and any(row.moa_url for row in rows):
        columns = (*columns, MOA)  # its MOAs linked from another cell: it publishes them
    warnings = list(sheet_notes)
    for part in parts:
        notes = _part_notes(part, filled[id(part.header.sheet)])
        if part is parts[-1]:
            notes.extend(column_notes)
            notes.extend(_duplicate_notes(list(zip(numbers, rows, strict=True))))
            notes.extend(link_notes)
            notes.extend(kind_notes)
        prefix = f"sheet {part.header.sheet.name!r}: "
        warnings.extend(prefix + note for note in notes)
    listing = ParsedListing(
        kind=kind,
        rows=tuple(rows),
        columns=columns,
        source_format=source_format,
        warnings=tuple(warnings),
        row_numbers=numbers,
    )
    return replace(listing, other=replace(listing, kind="pending")) if undated else listing


def _few_signed(rows: list[ListingRow]) -> str | None:
    """The note for a list fewer than half of whose rows are shown signed, none linking
    a MOA (else None): no list of agreements looks so (each agreement is signed, and its
    MOA published), but a pending list giving the dates of its few applications
    approved may."""
    dated = sum(row.signed is not None for row in rows)
    if 2 * dated >= len(rows) or any(row.moa_url for row in rows):
        return None
    return (
        f"only {dated} of {len(rows)} rows shown signed and no MOA link: read as the "
        "pending list when the file is claimed as it"
    )


def _signings_dated(header: SheetHeader, rows: list[ListingRow]) -> bool:
    """Whether the list shows its agreements signed: dates under a SIGNED column whose
    header names the signing (``Date Signed``, ``MOA Date``). Without that (a bare
    ``Date``, which an application's date is written as too; MOA links alone, which an
    application's draft could be) its kind is the claim's to decide."""
    text = header.texts.get(SIGNED)
    return text is not None and names_signing(text) and any(r.signed for r in rows)


def _part_notes(part: _Part, filled_rows: list[int]) -> list[str]:
    """What was noticed reading one sheet of the list."""
    header, outcome = part.header, part.outcome
    notes: list[str] = []
    if header.top:
        notes.append(f"header found at row {header.top + 1}; rows above it ignored")
    filled = sum(row > header.row for row in filled_rows)  # the header's own are no values
    if filled:
        plural = "s" * (filled > 1)
        notes.append(f"{filled} cell{plural} under a range merged down a column read as its value")
    notes.extend(header.notes)
    notes.extend(_unnamed_column_notes(header))
    notes.extend(outcome.notes(len(header.sheet.rows)))
    return notes


def _unnamed_column_notes(header: SheetHeader) -> list[str]:
    rows = header.sheet.rows[header.top : header.row + 1]
    named = {c for cells in rows for c, value in enumerate(cells) if not is_blank(value)}
    named |= set(header.positions.values())  # read by what it holds, whatever it is headed
    counts: dict[int, int] = {}
    for cells in header.sheet.rows[header.row + 1 :]:
        for column, value in enumerate(cells):
            if column not in named and not is_blank(value):
                counts[column] = counts.get(column, 0) + 1
    return [
        f"data in unnamed column {column_letter(column)} ({count} cell{'s' * (count > 1)}) ignored"
        for column, count in sorted(counts.items())
    ]


def _duplicate_notes(numbered: list[tuple[int, ListingRow]]) -> list[str]:
    """A repeated agreement, and whether the repeat disagrees: a different signed date,
    and which row's the history keeps (the fuller, else the later date:
    ``ListingRow.fullness``, as the list diff chooses); rows named by their numbers in
    the sheet."""
    seen: dict[tuple[str, str, str | None], tuple[int, ListingRow]] = {}
    notes = []
    for number, row in numbered:
        key = (row.state, row.agency_key, row.model)
        if key not in seen:
            seen[key] = (number, row)
            continue
        at, first = seen[key]
        if row.county and first.county and county_key(row.county) != county_key(first.county):
            # maybe two governments of one name, which the history tells by their counties
            notes.append(
                f"row {number} lists row {at}'s agency and model in another county"
                f" ({row.county}, not {first.county})"
            )
            continue
        note = f"row {number} repeats row {at} (same state, agency and model)"
        if row.signed != first.signed:
            kept = number if row.fullness > first.fullness else at
            note += (
                f" with another signed date ({row.signed or 'none'}, not {first.signed or 'none'}"
                f"); row {kept}'s is kept"
            )
        notes.append(note)
    return notes
