"""Reading a list's rows: each sheet row under a header into the agreements it lists.

Everything derived from one cell comes from one memoised function of its value
(``parsers/listing_cells.py``). Rows that list nothing are skipped, each with the reason:
blank rows, a repeated header, a state's heading (the rows below it that leave their
state blank are in that state), a title that begins a section of ended agreements or of
applications, a total or a note, a row whose status says it ended. A row that leaves its
agency blank but names a model continues the agency of the row just above it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from operator import itemgetter

from parsers.column_readings import dates_day_first, dates_shifted, documents_linked_elsewhere
from parsers.link_columns import column_links, texts_link, unread_links
from parsers.listing_cells import (
    agency_cell,
    applying_cell,
    asks_in_force,
    cell_text,
    cell_texts,
    county_cell,
    denies_in_force,
    end_cell,
    is_sentence,
    link_cell,
    model_cell,
    model_status_cell,
    models_cell,
    note_cell,
    placed_by_county,
    row_flags,
    signed_cell,
    state_cell,
    status_cell,
    type_cell,
    value_ended_cell,
)
from parsers.listing_header import (
    ADDENDUM,
    CANONICAL_COLUMNS,
    ENDED,
    MOA,
    SIGNED,
    STATE,
    SUPPORT,
    column_letter,
    header_name,
)
from parsers.normalize import (
    agency_key,
    ended_in_name,
    is_null,
    model_in_name,
    state_code,
    state_in_name,
)
from parsers.records import ListingRow
from parsers.row_alignment import Realigned, realigned
from parsers.row_notes import (
    agency_headings_note,
    blank_row_note,
    continued_note,
    unknown_models_note,
)
from parsers.row_states import states_grouped, swapped_cells
from parsers.sheet_header import SheetHeader, is_blank, model_heading, state_heading
from parsers.status_words import ended_title, ended_value, pending_title
from parsers.xlsx import CellValue

REPEATED_HEADER = "repeated header row"


@dataclass
class Outcome:
    """Everything learnt while reading the rows."""

    rows: list[ListingRow] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # each row's number in the sheet
    # rows whose status says they are applications, in a list that holds agreements
    applications: list[ListingRow] = field(default_factory=list)
    application_numbers: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    blank_rows: list[int] = field(default_factory=list)
    continued_rows: list[int] = field(default_factory=list)
    agency_headings: list[int] = field(default_factory=list)  # rows heading their agency's
    # support types naming no model the rules know, as written, with their rows
    unknown_models: dict[str, list[int]] = field(default_factory=dict)

    def numbered(self) -> list[tuple[int, ListingRow]]:
        return list(zip(self.numbers, self.rows, strict=True))

    def numbered_applications(self) -> list[tuple[int, ListingRow]]:
        return list(zip(self.application_numbers, self.applications, strict=True))

    def notes(self, sheet_rows: int) -> list[str]:
        """The notes on the rows read: blank rows inside the list, rows continuing the
        agency above, then each row skipped or doubtful, in order."""
        return [
            *blank_row_note(self.blank_rows, sheet_rows),
            *continued_note(self.continued_rows),
            *agency_headings_note(self.agency_headings),
            *unknown_models_note(self.unknown_models),
            *self.warnings,
        ]


class _RowReader:
    """Turns sheet rows under a header into ListingRows.

    Everything derived from one cell comes from one memoised function of its value, so
    a row costs one cache lookup per column; hyperlinks are looked up by row in their
    column."""

    def __init__(self, header: SheetHeader) -> None:
        self.sheet = header.sheet
        found = [header.positions.get(name, -1) for name in CANONICAL_COLUMNS]
        self.found = found
        self.width = max(found) + 2  # cells are cut or padded to this; the last is None
        self.pick = itemgetter(*[column if column >= 0 else self.width - 1 for column in found])
        self.moa_links = column_links(self.sheet, found[6])
        self.addendum_links = column_links(self.sheet, found[7])
        self.notes: list[str] = []  # what the reader noticed of the whole list
        agreements = found[5] >= 0 or found[6] >= 0  # a SIGNED or MOA column: a list of them
        if agreements and not self.moa_links and not texts_link(self.sheet, header.row, found[6]):
            self.moa_links = documents_linked_elsewhere(header, found, self.notes)
        self.unread_links = unread_links(self.sheet, {MOA: found[6], ADDENDUM: found[7]})
        self.day_first = dates_day_first(header, found[5], self.notes)
        self.shifted = dates_shifted(header, found[5], self.notes)
        self.status, self.ended = found[8], found[9]
        self.ended_name = cell_text(header.sheet.value(header.row, self.ended))
        self.in_force = _in_force_column(header, found)
        self.in_force_name = cell_text(header.sheet.value(header.row, self.in_force))
        # a row repeating the header's own agency cell is the header again
        self.agency_header = cell_text(header.sheet.value(header.row, found[1])) or None
        # the sheet's name for a column it lacks (a sheet per state or per model)
        self.implied = {CANONICAL_COLUMNS.index(n): text for n, text in header.implied.items()}
        self.model_columns = list(header.model_columns.items())  # a column per model
        self.heading: tuple[str, str] | None = None  # (text, code) of the last state heading
        self.states_in_rows = header.states_in_rows  # no STATE column: names give states
        # each state written once, on the first of its rows: it is the rows' below too
        self.states_grouped = states_grouped(header.sheet, header.row, found[0], found[1])
        self.model_headings = header.model_headings  # no model column: headings give them
        # whether a row read so far is an agreement (signed, or with its MOA): a list of
        # agreements may go on with rows of applications
        self.agreements = False
        self.section: tuple[str, str] | None = None  # (title, what its rows are)
        self.above: ListingRow | None = None  # the row read just above, if it was read

    def _link(self, row: int, at: int, fixed: Realigned | None) -> str | None:
        """The hyperlink of the row's MOA (canonical column ``at`` 6) or addendum (7)
        cell: its column's, or in a row put back (``fixed``), the cell's it was read
        from."""
        if fixed is None or self.found[at] < 0:
            return (self.moa_links if at == 6 else self.addendum_links).get(row)
        return self.sheet.hyperlinks.get((row, fixed.source(self.found[at])))

    def values(self, cells: list[CellValue]) -> tuple[CellValue, ...]:
        """The cells under the canonical columns, in CANONICAL_COLUMNS order (with a
        column per model, the SUPPORT TYPE cell is the models marked: ``JEM/TFM``)."""
        marked = self._marked(cells) if self.model_columns else None
        cells = cells[: self.width - 1]
        cells.extend([None] * (self.width - len(cells)))
        picked: tuple[CellValue, ...] = self.pick(cells)
        if True in picked or False in picked:  # True == 1 as a cache key: keep them apart
            picked = tuple(str(v) if v.__class__ is bool else v for v in picked)
        if self.implied:
            picked = tuple(self.implied.get(at, value) for at, value in enumerate(picked))
        if marked is not None:
            picked = (*picked[:4], marked, *picked[5:])
        return picked

    def _marked(self, cells: list[CellValue]) -> str | None:
        """The models whose column marks the row (any value but blank, ``No``, ``0``,
        ``False`` or a null marker), joined as a cell naming several would be."""
        width = len(cells)  # True marks as 1 does, False leaves unmarked as 0 does
        codes = [c for c, at in self.model_columns if at < width and end_cell(cells[at])]
        return "/".join(codes) or None

    def read(self, row: int, outcome: Outcome) -> list[ListingRow]:
        """The row's agreements: none for a skipped row or one whose status says it
        ended, one per model it names (a row naming two models, ``JEM/TFM``, lists one
        agreement of each, with a warning). A row whose status (or model cell: ``JEM
        (pending)``) says it is an application is kept apart, in ``outcome.applications``;
        one whose model cell says it ended (``JEM (terminated)``) lists none."""
        listing_row = self._read(row, outcome)
        if listing_row is None:
            return []
        said = model_status_cell(listing_row.model_raw) if listing_row.model else None
        ended = self._ended(row, listing_row, said == "ended")
        if ended:
            outcome.warnings.append(f"row {row + 1} skipped: {ended}")
            return []
        read = self._each_model(listing_row, row + 1, outcome)
        if read[0].model is None and not is_null(read[0].model_raw):
            outcome.unknown_models.setdefault(read[0].model_raw, []).append(row + 1)
        status = self.sheet.value(row, self.status) if self.status >= 0 else None
        if said == "pending" or applying_cell(status):
            outcome.applications.extend(read)  # the list's own rows if all are so
            outcome.application_numbers.extend([row + 1] * len(read))
            return []
        return read

    @staticmethod
    def _each_model(listing_row: ListingRow, number: int, outcome: Outcome) -> list[ListingRow]:
        models = models_cell(listing_row.model_raw) if listing_row.model is None else ()
        if not models:
            return [listing_row]
        if len(models) > 1:  # one alone: the others it names are not in force
            outcome.warnings.append(
                f"row {number} names {len(models)} models "
                f"({listing_row.model_raw}): read as one agreement of each"
            )
        flags = tuple(flag for flag in listing_row.flags if flag != "model_unknown")
        if len(models) > 1:  # one row's papers (date, links): one agreement's
            flags = (*flags, "models_joined")
        return [replace(listing_row, model=model, flags=flags) for model in models]

    def _ended(self, row: int, read: ListingRow, model_ended: bool) -> str | None:
        """Why the row lists nothing in force: its status says it ended, or it gives the
        date it ended (a TERMINATED or WITHDRAWN column not empty, nor ``No``), or its
        model cell says the one model it names ended (``JEM (terminated)``), or it says
        it ended in place of a value (:meth:`_said_ended`); None when nothing does."""
        if self.status >= 0 and (said := status_cell(self.sheet.value(row, self.status))):
            return f"its status says {said!r}"
        if self.ended >= 0 and (when := end_cell(self.sheet.value(row, self.ended))):
            return f"its {self.ended_name} column says {when!r}"
        if model_ended:
            return "its model cell says it ended"
        if self.in_force >= 0 and (no := denies_in_force(self.sheet.value(row, self.in_force))):
            return f"its {self.in_force_name} column says {no!r}"
        return self._said_ended(row, read)

    def _said_ended(self, row: int, read: ListingRow) -> str | None:
        """A row saying its agreement ended in place of a value: its agency's name, set
        off before or after it (``... - TERMINATED``, ``TERMINATED - ...``), or a cell
        a value goes in (TYPE, COUNTY, a SUPPORT TYPE naming no model in force, SIGNED:
        ``Terminated 08/01/2025``, whose date is the ending's, not the signing's; the MOA
        cell's text without a link written in it: ``Rescinded``), as a STATUS cell says
        it."""
        aside = ended_in_name(read.agency)
        if aside:
            return f"its agency's name says {aside!r}"
        model_read = read.model is not None or bool(models_cell(read.model_raw))
        for name, at in _VALUE_CELLS:
            column = self.found[at]
            if column < 0 or (name == "SUPPORT TYPE" and model_read):
                continue
            said = value_ended_cell(self.sheet.value(row, column))
            if said:
                return f"its {name} cell says {said!r}"
        moa = read.moa_text or ""
        said = None if "://" in moa else ended_value(moa)
        return f"its MOA cell says {said!r}" if said else None

    def _read(self, row: int, outcome: Outcome) -> ListingRow | None:
        self.above = self._read_row(row, outcome)
        if self.above is not None and (self.above.signed or self.above.moa_url):
            self.agreements = True
        return self.above

    def _read_row(self, row: int, outcome: Outcome) -> ListingRow | None:
        cells = self.sheet.rows[row]
        if (not cells or is_blank(cells[0])) and all(is_blank(value) for value in cells):
            outcome.blank_rows.append(row + 1)
            return None
        values = self.values(cells)
        unread = model_cell(values[4])[1] is None  # the usual row reads its model
        fixed = realigned(cells, values, self.found, self.values) if unread else None
        if fixed is not None:
            values = self.values(fixed.cells)
            outcome.warnings.append(_realigned_note(row, fixed))
        state_raw, state = state_cell(values[0])
        agency, header_like = agency_cell(values[1])
        if swapped := swapped_cells(values, state, agency):
            (state_raw, state), agency = swapped
            outcome.warnings.append(
                f"row {row + 1}: its STATE cell names an agency and its agency cell the "
                f"state ({state_raw}): read swapped"
            )
        if state is None or not agency:
            texts = cell_texts(cells)
            heads = (
                self._take_heading(texts)
                or self._take_model_heading(texts)
                or self._take_section(texts)
            )
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
            self._heading_of_agency(above, row, outcome)  # ``above`` is sheet row ``row``
        if not agency or header_like or agency == self.agency_header:
            skip = self._skip_reason(state_raw, state, agency, cells)
            if skip == REPEATED_HEADER:
                skip = self._take_table(cells) or skip
            if skip:
                outcome.warnings.append(f"row {row + 1} skipped: {skip}")
                return None
        if self.states_grouped and state_raw:
            self.heading = (state_raw, state) if state else None  # the rows below are in it
        heading = None if state_raw else self._state_given(agency)
        if heading is not None:
            state_raw, state = heading
        carried = heading is not None and heading is self.heading  # not in its name
        built = self._build(row, values, (state_raw, state, agency), carried, fixed)
        if above is not None:
            built = _continuing(built, above)
        if not built.states_an_agreement and (state is None or is_sentence(agency)):
            said = f"no {'state, ' if state is None else ''}model, signed date or link"
            outcome.warnings.append(_skipped(row, cells, f"{said}, so no agreement"))
            return None
        if state is None and built.is_note:
            said = "no state, no link and no agency named, a note under the list"
            outcome.warnings.append(_skipped(row, cells, said))
            return None
        linked = built.moa_url or built.addendum_url  # a note links no MOA of its own
        if above is None and not linked and (note := note_cell(values[1])):
            outcome.warnings.append(_skipped(row, cells, f"its agency cell holds {note}"))
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

    def _state_given(self, agency: str) -> tuple[str, str] | None:
        """The state a row without one is in: the one its agency's name gives, set off
        from it (in a list whose rows give their states so), else its heading's."""
        named = state_in_name(agency) if self.states_in_rows and agency else None
        return named or self.heading

    @staticmethod
    def _heading_of_agency(above: ListingRow, number: int, outcome: Outcome) -> None:
        """A row that names an agency and states no agreement (no model, signed date or
        link), continued by the rows below it, is their agency's heading, not an
        agreement of its own (an outline: each agency on a row, its agreements under);
        ``number``: its number in the sheet."""
        listed = outcome.numbers[-1:] == [number] and outcome.rows[-1] == above
        if above.states_an_agreement or not listed:
            return  # not a heading, or not read as an agreement (ended, an application)
        outcome.rows.pop()
        outcome.numbers.pop()
        outcome.agency_headings.append(number)

    def _take_heading(self, texts: list[str]) -> str | None:
        """A row holding a state's name alone (``texts``: its cells' texts), in any
        column, heads the rows below it (those that leave their state blank are in that
        state): kept as the heading, and the reason the row is skipped."""
        if (code := state_heading(texts)) is None:
            return None
        self.heading = (texts[0], code)
        return f"a heading ({texts[0]}); rows below without a state are in {code}"

    def _take_model_heading(self, texts: list[str]) -> str | None:
        """In a list without a model column whose rows are under model headings
        (``SheetHeader.model_headings``), a row naming a model alone gives the rows below
        it that model, until the next: kept as their SUPPORT TYPE value, and the reason
        the row is skipped."""
        if not self.model_headings or model_heading(texts) is None:
            return None
        self.implied = {**self.implied, CANONICAL_COLUMNS.index(SUPPORT): texts[0]}
        return f"a heading ({texts[0]}): the rows below it are of that model"

    def _take_section(self, texts: list[str]) -> str | None:
        """A row holding one short text that says the rows below it ended (``Terminated
        Agreements``) begins a section of ended agreements: they list nothing in force;
        under rows of agreements (signed, or with their MOA), so does one that says they
        are applications (``Pending Applications``). Any other such text
        (``Active Agreements``, a note) ends the section: in doubt, rows are read as
        listed. The reason the title row is skipped, or None for no such title."""
        if len(texts) != 1 or state_code(texts[0]) is not None:
            return None
        title = texts[0]
        if ended_title(title):
            self.section = (title, "an agreement that ended")
            return f"a title ({title}): the agreements below it ended"
        if self.agreements and pending_title(title):
            self.section = (title, "an application, not an agreement")
            return f"a title ({title}): the rows below it are applications"
        if self.section is None:
            return None
        before, self.section = self.section[0], None
        return f"a title ({title}): the agreements below it are not under {before!r}"

    def _take_table(self, cells: list[CellValue]) -> str | None:
        """A header row below the list's own that names other columns begins another
        table, whose columns say what its rows are, as a title would: under a list of
        agreements, a header naming none of their columns (no signed date, MOA or
        addendum, but a model: the pending list's) heads applications; one naming when an agreement
        ended (``DATE TERMINATED``) where the list's does not heads agreements that
        ended. The reason the row is skipped, or None for the list's header again."""
        names = {header_name(value) for value in cells if not is_blank(value)}
        shown = " | ".join(cell_texts(cells))[:80]
        papers = {SIGNED, MOA, ADDENDUM}
        listing = self.found[5] >= 0 or self.found[6] >= 0  # a list of agreements
        if self.agreements and listing and SUPPORT in names and not names & papers:
            self.section = (shown, "an application, not an agreement")
            return f"another table's header ({shown}): its rows are applications"
        if ENDED in names and self.found[9] < 0:
            self.section = (shown, "an agreement that ended")
            return f"another table's header ({shown}): its agreements ended"
        return None

    def _skip_reason(
        self, state_raw: str, state: str | None, agency: str, cells: list[CellValue]
    ) -> str | None:
        if agency and (not state_raw or header_name(state_raw) == STATE):
            return REPEATED_HEADER
        if agency:
            return None
        shown = " | ".join(cell_texts(cells))
        if not state_raw:
            return f"no agency or state ({shown[:80]})"
        if state is None:
            return f"no agency and no recognisable state ({shown[:80]})"
        # an agreement is an agency's: without one (and none above to continue) the row
        # is none, as in the HTML tables (every nameless row would be one agency)
        return f"no agency ({shown[:80]})"

    def _build(
        self,
        row: int,
        values: tuple[CellValue, ...],
        named: tuple[str, str | None, str],
        carried: bool,
        fixed: Realigned | None = None,
    ) -> ListingRow:
        """The row read from its cells under the canonical columns; ``named``: its
        state as written, its state and its agency; ``fixed``: its cells put back."""
        links = (self._link(row, 6, fixed), self._link(row, 7, fixed))
        return built_row(values, named, carried, links, self.day_first, self.shifted)


@functools.lru_cache(maxsize=1 << 13)
def built_row(
    values: tuple[CellValue, ...],
    named: tuple[str, str | None, str],
    carried: bool,
    links: tuple[str | None, str | None],
    day_first: bool,
    shifted: bool,
) -> ListingRow:
    """A row read from its cells under the canonical columns (``values``), its state as
    written, its state and its agency (``named``), its MOA and addendum cells' links and
    how its list writes dates. Pure, so remembered: a list's next capture repeats most
    of its rows, read once (and equal rows are one object)."""
    state_raw, state, agency = named
    model_raw, model = model_cell(values[4])
    said = model_in_name(agency) if model is None and not model_raw else None
    signed, signed_raw, date_flags = signed_cell(values[5], day_first, shifted)
    moa_text, moa_url = link_cell(values[6])
    addendum_text, addendum_url = link_cell(values[7])
    kind, county = type_cell(values[2]), county_cell(values[3])
    placed = placed_by_county(agency, county, kind)
    return ListingRow(
        state=state or "??",
        agency=placed or agency,
        agency_key=agency_key(placed or agency, state),
        model=model or said,
        model_raw=model_raw,
        agency_type=kind,
        county=county,
        signed=signed,
        signed_raw=signed_raw,
        moa_url=links[0] or moa_url,
        moa_text=moa_text,
        addendum_url=links[1] or addendum_url,
        addendum_text=addendum_text,
        state_raw=state_raw,
        flags=row_flags(state, model or said, date_flags, carried)
        + (("model_in_name",) if said else ())
        + (("place_from_county",) if placed else ()),
    )


# The cells a value goes in that may say instead that the row's agreement ended, with
# their canonical columns (the MOA cell's text is the row's ``moa_text``).
_VALUE_CELLS = (("TYPE", 2), ("COUNTY", 3), ("SUPPORT TYPE", 4), ("SIGNED", 5))


def _realigned_note(row: int, fixed: Realigned) -> str:
    side, cell = ("left", "lost") if fixed.shift > 0 else ("right", "added")
    return (
        f"row {row + 1}: its cells from column {column_letter(fixed.at)} on sit one column "
        f"to the {side} of their header (a cell {cell}): read put back"
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


def _in_force_column(header: SheetHeader, found: list[int]) -> int:
    """The column no canonical one took whose header asks if the row's agreement is in
    force (``ACTIVE``, ``Current?``: :func:`listing_cells.asks_in_force`), or -1."""
    cells = header.sheet.rows[header.row] if header.row < len(header.sheet.rows) else []
    taken = set(found)
    asking = [at for at, value in enumerate(cells) if at not in taken and asks_in_force(value)]
    return asking[0] if len(asking) == 1 else -1


def read_rows(header: SheetHeader) -> Outcome:
    """The rows under ``header``, read, with everything learnt reading them."""
    reader = _RowReader(header)
    outcome = Outcome(warnings=list(reader.notes))
    for row in range(header.row + 1, len(header.sheet.rows)):
        read = reader.read(row, outcome)
        outcome.rows.extend(read)
        outcome.numbers.extend([row + 1] * len(read))
    if outcome.applications and not any(r.signed or r.moa_url for r in outcome.rows):
        # no agreement among the others: the applications are the list's own rows
        both = sorted(
            [*outcome.numbered(), *outcome.numbered_applications()], key=lambda pair: pair[0]
        )
        outcome.numbers, outcome.rows = [n for n, _ in both], [r for _, r in both]
        outcome.applications, outcome.application_numbers = [], []
    return outcome


def _skipped(row: int, cells: list[CellValue], why: str) -> str:
    """The warning of a row skipped for ``why``, showing its cells."""
    return f"row {row + 1} skipped: {why} ({' | '.join(cell_texts(cells))[:80]})"
