"""Parse one of ICE's 287(g) agency lists (participating or pending) from XLSX bytes
(or from the one sheet of a delimited text file: ``parsers/delimited.py``).

Pure: bytes in, :class:`~parsers.records.ParsedListing` out, or a ParseError. The list
kind is decided from the columns and their contents, never from a file name. Everything
odd the parser notices (extra sheets, skipped rows, unknown columns, ambiguous kind,
repeated rows) goes into ``warnings``, in sheet order.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import TypeAlias

from parsers.errors import ParseError
from parsers.listing_cells import (
    agency_cell,
    cell_text,
    cell_texts,
    county_cell,
    end_cell,
    link_cell,
    model_cell,
    models_cell,
    row_flags,
    signed_cell,
    state_cell,
    status_cell,
    type_cell,
)
from parsers.listing_header import (
    ADDENDUM,
    CANONICAL_COLUMNS,
    MOA,
    SIGNED,
    STATE,
    column_letter,
    header_name,
)
from parsers.normalize import agency_key, ended_title, is_null, pending_title, state_code
from parsers.records import ListingRow, ListKind, ParsedListing
from parsers.sheet_header import REQUIRED, SheetHeader, describe_sheet, find_header, is_blank
from parsers.xlsx import CellValue, Sheet, read_workbook
from parsers.xlsx.merges import fill_merged_down

_PENDING_LINK = re.compile(r"^(link\s*)?pending$", re.IGNORECASE)
_LISTED_ROWS = 10

_Key: TypeAlias = tuple[str, str, str | None]  # an agreement in a list: state, agency, model


@dataclass
class _Part:
    """One sheet's share of the list: its header and its rows read."""

    header: SheetHeader
    outcome: _Outcome

    @functools.cached_property
    def keys(self) -> frozenset[_Key]:
        """Its agreements (made once: the split is tested by model, then by state)."""
        return frozenset((row.state, row.agency_key, row.model) for row in self.outcome.rows)


def _choose_sheets(sheets: list[Sheet], source: str) -> tuple[list[_Part], list[str]]:
    """The list's sheets and notes on the others. The list is the first visible sheet
    with a complete agency-list header (else the first hidden one: a hidden sheet is a
    working or old copy). Other visible sheets under a header of the same columns are
    more of it when the sheets split the list by model or by state: each holds one
    model (or one state), no two the same, and no agreement is on two. Otherwise they
    are other tables (a copy, ended agreements, the other list), and ignored."""
    headers = [find_header(sheet) for sheet in sheets]
    complete = sorted((h for h in headers if h is not None and h.complete), key=_is_hidden)
    chosen = complete[0] if complete else None
    if chosen is None:
        partial = next((h for h in headers if h is not None), None)
        seen = (
            _describe_partial(partial)
            if partial is not None
            else "; ".join(describe_sheet(sheet) for sheet in sheets[:4]) or "no sheets"
        )
        raise ParseError(source, f"no 287(g) agency list header found (saw: {seen})")
    first = _Part(chosen, _read_rows(chosen))
    others = [
        _Part(header, _read_rows(header))
        for header in headers
        if header is not None and header is not chosen and _same_table(chosen, header)
    ]
    parts = _split(first, others, _MODEL) or _split(first, others, _STATE) or [first]
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
                "the list split by model or by state)"
            )
    return parts, notes


def _same_table(chosen: SheetHeader, header: SheetHeader) -> bool:
    """Whether a sheet could be more of the chosen sheet's list: visible like it, under
    a complete header of the same columns."""
    visible = not header.sheet.hidden and not chosen.sheet.hidden
    return visible and header.complete and set(header.columns) == set(chosen.columns)


_STATE, _MODEL = 0, 2  # where an agreement key holds its state and its model


def _split(first: _Part, others: list[_Part], at: int) -> list[_Part] | None:
    """The sheets of one list split by model (``at`` _MODEL) or by state (_STATE): the
    first sheet and, in order, each other sheet whose rows all share one model (or
    state) that no sheet before it holds, with no agreement of theirs; None when no
    other sheet is such a part."""
    parts, seen, keys = [first], _one_value(first, at), set(first.keys)
    if seen is None:
        return None
    held = {seen}
    for part in others:
        value = _one_value(part, at)
        if value is not None and value not in held and not part.keys & keys:
            parts.append(part)
            held.add(value)
            keys |= part.keys
    return parts if len(parts) > 1 else None


def _one_value(part: _Part, at: int) -> str | None:
    """The model (or state) all of a sheet's agreements share, if they share one."""
    values = {key[at] for key in part.keys}
    return values.pop() if len(values) == 1 else None


def _is_hidden(header: SheetHeader) -> bool:
    return header.sheet.hidden


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


# --------------------------------------------------------------------------- rows


@dataclass
class _Outcome:
    """Everything learnt while reading the rows."""

    rows: list[ListingRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    blank_rows: list[int] = field(default_factory=list)
    continued_rows: list[int] = field(default_factory=list)


class _RowReader:
    """Turns sheet rows under a header into ListingRows.

    Everything derived from one cell comes from one memoised function of its value, so
    a row costs one cache lookup per column; hyperlinks are looked up by row in their
    column."""

    def __init__(self, header: SheetHeader) -> None:
        self.sheet = header.sheet
        found = [header.positions.get(name, -1) for name in CANONICAL_COLUMNS]
        self.width = max(found) + 2  # cells are cut or padded to this; the last is None
        self.pick = itemgetter(*[column if column >= 0 else self.width - 1 for column in found])
        self.moa_links = _column_links(self.sheet, found[6])
        self.addendum_links = _column_links(self.sheet, found[7])
        self.unread_links = _unread_links(self.sheet, {MOA: found[6], ADDENDUM: found[7]})
        self.status, self.ended = found[8], found[9]
        self.ended_name = cell_text(header.sheet.value(header.row, self.ended))
        # a row repeating the header's own agency cell is the header again
        self.agency_header = cell_text(header.sheet.value(header.row, found[1])) or None
        self.heading: tuple[str, str] | None = None  # (text, code) of the last state heading
        # a list of agreements may go on with other rows: those that ended, applications
        self.signs = SIGNED in header.positions or MOA in header.positions
        self.section: tuple[str, str] | None = None  # (title, what its rows are)
        self.above: ListingRow | None = None  # the row read just above, if it was read

    def values(self, cells: list[CellValue]) -> tuple[CellValue, ...]:
        """The cells under the canonical columns, in CANONICAL_COLUMNS order."""
        cells = cells[: self.width - 1]
        cells.extend([None] * (self.width - len(cells)))
        picked: tuple[CellValue, ...] = self.pick(cells)
        if True in picked or False in picked:  # True == 1 as a cache key: keep them apart
            picked = tuple(str(v) if v.__class__ is bool else v for v in picked)
        return picked

    def read(self, row: int, outcome: _Outcome) -> list[ListingRow]:
        """The row's agreements: none for a skipped row or one whose status says it
        ended, one per model it names (a row naming two models, ``JEM/TFM``, lists one
        agreement of each, with a warning)."""
        listing_row = self._read(row, outcome)
        if listing_row is None:
            return []
        if ended := self._ended(row):
            outcome.warnings.append(f"row {row + 1} skipped: {ended}")
            return []
        models = models_cell(listing_row.model_raw) if listing_row.model is None else ()
        if len(models) < 2:
            return [listing_row]
        outcome.warnings.append(
            f"row {row + 1} names {len(models)} models ({listing_row.model_raw}): "
            "read as one agreement of each"
        )
        flags = tuple(flag for flag in listing_row.flags if flag != "model_unknown")
        return [replace(listing_row, model=model, flags=flags) for model in models]

    def _ended(self, row: int) -> str | None:
        """Why the row lists nothing in force: its status says it ended, or it gives the
        date it ended (a TERMINATED or WITHDRAWN column not empty, nor ``No``)."""
        if self.status >= 0 and (said := status_cell(self.sheet.value(row, self.status))):
            return f"its status says {said!r}"
        if self.ended >= 0 and (when := end_cell(self.sheet.value(row, self.ended))):
            return f"its {self.ended_name} column says {when!r}"
        return None

    def _read(self, row: int, outcome: _Outcome) -> ListingRow | None:
        self.above = self._read_row(row, outcome)
        return self.above

    def _read_row(self, row: int, outcome: _Outcome) -> ListingRow | None:
        cells = self.sheet.rows[row]
        if (not cells or is_blank(cells[0])) and all(is_blank(value) for value in cells):
            outcome.blank_rows.append(row + 1)
            return None
        values = self.values(cells)
        state_raw, state = state_cell(values[0])
        agency, header_like = agency_cell(values[1])
        if state is None or not agency:
            heads = self._take_heading(cells) or self._take_section(cells)
            if heads:
                outcome.warnings.append(f"row {row + 1} skipped: {heads}")
                return None
        if self.section is not None:
            title, what = self.section
            outcome.warnings.append(f"row {row + 1} skipped: under the title {title!r}, {what}")
            return None
        above = self._continued(agency, header_like, state_raw, state, values)
        if above is not None:
            state_raw, state, agency = above.state_raw, above.state, above.agency
            outcome.continued_rows.append(row + 1)
        if not agency or header_like or agency == self.agency_header:
            skip = self._skip_reason(state_raw, state, agency, cells)
            if skip:
                outcome.warnings.append(f"row {row + 1} skipped: {skip}")
                return None
        heading = None if state_raw else self.heading
        if heading is not None:
            state_raw, state = heading
        built = self._build(row, values, state_raw, state, agency, heading is not None)
        if above is not None:
            built = _continuing(built, above)
        if state is None and not built.states_an_agreement:
            shown = " | ".join(cell_texts(cells))
            outcome.warnings.append(
                f"row {row + 1} skipped: no state, model, signed date or link, so no "
                f"agreement ({shown[:80]})"
            )
            return None
        if self.unread_links:
            outcome.warnings.extend(self.unread_links.get(row, ()))
        return built

    def _continued(
        self,
        agency: str,
        header_like: bool,
        state_raw: str,
        state: str | None,
        values: tuple[CellValue, ...],
    ) -> ListingRow | None:
        """The row just above, when this row continues its agency: it leaves its agency
        blank (and its state, or gives the same), yet names a model (another agreement:
        an agreement is an agency's model), as in a report that writes each agency once
        over its rows. Only the row just above is continued: a blank row, a heading or a
        title between them ends the agency."""
        above = self.above
        if agency or header_like or above is None or (state_raw and state != above.state):
            return None
        return None if is_blank(values[4]) else above

    def _take_heading(self, cells: list[CellValue]) -> str | None:
        """A row holding a state's name alone, in any column, heads the rows below it
        (those that leave their state blank are in that state): kept as the heading,
        and the reason the row is skipped."""
        texts = cell_texts(cells)
        if len(texts) != 1 or (code := state_code(texts[0])) is None:
            return None
        self.heading = (texts[0], code)
        return f"a heading ({texts[0]}); rows below without a state are in {code}"

    def _take_section(self, cells: list[CellValue]) -> str | None:
        """A row holding one short text that says the rows below it ended (``Terminated
        Agreements``) begins a section of ended agreements: they list nothing in force;
        in a list of agreements (a header with a signed date or MOA column), so does one
        that says they are applications (``Pending Applications``). Any other such text
        (``Active Agreements``, a note) ends the section: in doubt, rows are read as
        listed. The reason the title row is skipped, or None for no such title."""
        texts = cell_texts(cells)
        if len(texts) != 1 or state_code(texts[0]) is not None:
            return None
        title = texts[0]
        if ended_title(title):
            self.section = (title, "an agreement that ended")
            return f"a title ({title}): the agreements below it ended"
        if self.signs and pending_title(title):
            self.section = (title, "an application, not an agreement")
            return f"a title ({title}): the rows below it are applications"
        if self.section is None:
            return None
        before, self.section = self.section[0], None
        return f"a title ({title}): the agreements below it are not under {before!r}"

    def _skip_reason(
        self, state_raw: str, state: str | None, agency: str, cells: list[CellValue]
    ) -> str | None:
        if agency and (not state_raw or header_name(state_raw) == STATE):
            return "repeated header row"
        if agency:
            return None
        shown = " | ".join(cell_texts(cells))
        if not state_raw:
            return f"no agency or state ({shown[:80]})"
        if state is None:
            return f"no agency and no recognisable state ({shown[:80]})"
        return None

    def _build(
        self,
        row: int,
        values: tuple[CellValue, ...],
        state_raw: str,
        state: str | None,
        agency: str,
        carried: bool,
    ) -> ListingRow:
        model_raw, model = model_cell(values[4])
        signed, signed_raw, date_flags = signed_cell(values[5])
        moa_text, moa_url = link_cell(values[6])
        addendum_text, addendum_url = link_cell(values[7])
        return ListingRow(
            state=state or "??",
            agency=agency,
            agency_key=agency_key(agency, state),
            model=model,
            model_raw=model_raw,
            agency_type=type_cell(values[2]),
            county=county_cell(values[3]),
            signed=signed,
            signed_raw=signed_raw,
            moa_url=self.moa_links.get(row, moa_url),
            moa_text=moa_text,
            addendum_url=self.addendum_links.get(row, addendum_url),
            addendum_text=addendum_text,
            state_raw=state_raw,
            row_number=row + 1,
            flags=row_flags(state, agency, model, date_flags, carried),
        )


def _continuing(row: ListingRow, above: ListingRow) -> ListingRow:
    """A row that continues the agency above it: its agency, and its type and county
    where the row leaves them blank."""
    return replace(
        row,
        agency_type=row.agency_type or above.agency_type,
        county=row.county or above.county,
        flags=(*row.flags, "agency_carried"),
    )


def _column_links(sheet: Sheet, column: int) -> dict[int, str]:
    """The hyperlinks of one column by row (none for a missing column, ``-1``)."""
    return {row: url for (row, at), url in sheet.hyperlinks.items() if at == column >= 0}


def _unread_links(sheet: Sheet, columns: dict[str, int]) -> dict[int, list[str]]:
    """By row, a warning for each link column cell whose HYPERLINK formula gave no link
    (its URL is not a literal: a reference or a concatenation, not evaluated)."""
    unread: dict[int, list[str]] = {}
    for name, column in columns.items():
        for row, at in sorted(sheet.unread_links):
            if at == column >= 0:
                unread.setdefault(row, []).append(
                    f"row {row + 1}: the link of {name} cell {column_letter(column)}{row + 1} "
                    "could not be read (a HYPERLINK formula whose URL is not a literal)"
                )
    return unread


def _read_rows(header: SheetHeader) -> _Outcome:
    reader = _RowReader(header)
    outcome = _Outcome()
    for row in range(header.row + 1, len(header.sheet.rows)):
        outcome.rows.extend(reader.read(row, outcome))
    return outcome


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
    delimited text file); ParseError when they hold no agency list."""
    read = [fill_merged_down(sheet) for sheet in sheets]
    filled = {id(sheet): rows for sheet, rows in read}
    parts, sheet_notes = _choose_sheets([sheet for sheet, _ in read], source)
    header = parts[0].header
    rows = [row for part in parts for row in part.outcome.rows]
    kind, kind_notes = decide_kind(header.columns, rows)
    warnings = list(sheet_notes)
    for part in parts:
        notes = _part_notes(part, filled[id(part.header.sheet)])
        if part is parts[-1]:
            notes.extend(_duplicate_notes(rows))
            notes.extend(kind_notes)
        prefix = f"sheet {part.header.sheet.name!r}: "
        warnings.extend(prefix + note for note in notes)
    return ParsedListing(
        kind=kind,
        rows=tuple(rows),
        columns=header.columns,
        source_format=source_format,
        warnings=tuple(warnings),
    )


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
    notes.extend(_blank_row_note(outcome.blank_rows, len(header.sheet.rows)))
    notes.extend(_continued_note(outcome.continued_rows))
    notes.extend(outcome.warnings)
    return notes


def _unnamed_column_notes(header: SheetHeader) -> list[str]:
    rows = header.sheet.rows[header.top : header.row + 1]
    named = {c for cells in rows for c, value in enumerate(cells) if not is_blank(value)}
    counts: dict[int, int] = {}
    for cells in header.sheet.rows[header.row + 1 :]:
        for column, value in enumerate(cells):
            if column not in named and not is_blank(value):
                counts[column] = counts.get(column, 0) + 1
    return [
        f"data in unnamed column {column_letter(column)} ({count} cell{'s' * (count > 1)}) ignored"
        for column, count in sorted(counts.items())
    ]


def _continued_note(rows: list[int]) -> list[str]:
    if not rows:
        return []
    shown = ", ".join(map(str, rows[:_LISTED_ROWS])) + (", ..." if len(rows) > _LISTED_ROWS else "")
    plural = "s" if len(rows) > 1 else ""
    return [
        f"{len(rows)} row{plural} without an agency read as the agency of the row above "
        f"(row{plural} {shown})"
    ]


def _blank_row_note(blank_rows: list[int], sheet_rows: int) -> list[str]:
    """Blank rows inside the list (trailing blank rows are normal and not reported)."""
    trailing = sheet_rows
    for number in reversed(blank_rows):
        if number != trailing:
            break
        trailing -= 1
    inside = [number for number in blank_rows if number <= trailing]
    if not inside:
        return []
    shown = ", ".join(map(str, inside[:_LISTED_ROWS])) + (
        ", ..." if len(inside) > _LISTED_ROWS else ""
    )
    plural = "s" if len(inside) > 1 else ""
    return [f"skipped {len(inside)} blank row{plural} inside the list (row{plural} {shown})"]


def _duplicate_notes(rows: list[ListingRow]) -> list[str]:
    """A repeated agreement, and whether the repeat disagrees (a different signed date:
    the first row's is the one kept)."""
    seen: dict[tuple[str, str, str | None], ListingRow] = {}
    notes = []
    for row in rows:
        key = (row.state, row.agency_key, row.model)
        first = seen.get(key)
        if first is None:
            seen[key] = row
            continue
        note = f"row {row.row_number} repeats row {first.row_number} (same state, agency and model)"
        if row.signed != first.signed:
            note += (
                f" with another signed date ({row.signed or 'none'}, not {first.signed or 'none'}"
                f"); row {first.row_number}'s is kept"
            )
        notes.append(note)
    return notes
