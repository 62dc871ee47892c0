"""A real ICE list (the participating list of 28 August 2025, 896 rows) republished in
forms ICE has not used yet (nineteen): the same facts make no event. The synthetic properties in
``test_no_false_events.py`` draw such forms on small sheets; this holds them on real
names, counties and links, where each form used to give hundreds of false events."""

from __future__ import annotations

import hashlib
import html
import io
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from diffs.engine import Outcome, apply_snapshot
from diffs.events import SnapshotRef
from diffs.gate import Rules
from diffs.identity import initial_aliases
from diffs.state import ProgramState
from parsers.detect import parse_listing
from parsers.normalize import is_null, model_code, state_code
from parsers.states import STATES
from tests.conftest import SHEETS

SOURCE = SHEETS / "participating" / "participatingAgencies08282025am.xlsx"
PENDING = SHEETS / "pending" / "pendingAgencies08282025pm.xlsx"
# every absence withdraws at once: a row the new form loses shows as a withdrawal
# no sudden change is held for a second sighting: each edit is read as the next list
RULES = Rules(
    withdraw_after_snapshots=1, withdraw_after_days=0, max_row_loss_share=1.0, min_row_loss=10**6
)
Edit = Callable[[Worksheet, dict[str, int]], None]


def _column_cells(sheet: Worksheet, column: int) -> list[object]:
    return [row[0] for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column)]


Cells = list[list[tuple[object, str | None]]]  # by row, each cell's (value, link)


def _taken(sheet: Worksheet) -> Cells:
    """The sheet's cells by row, each (value, link), the sheet left empty: an edit that
    moves rows writes them again (openpyxl moves no hyperlink when it inserts rows)."""
    rows = [[(c.value, c.hyperlink.target if c.hyperlink else None) for c in row]
            for row in sheet.iter_rows()]  # fmt: skip
    for row in sheet.iter_rows():
        for cell in row:
            cell.value, cell.hyperlink = None, None
    return rows


def _put(
    sheet: Worksheet, at: int, cells: Iterable[tuple[object, str | None]], first: int = 1
) -> None:
    """One row's cells, each (value, link), written on row ``at`` from column ``first``
    (a value None leaves its cell empty)."""
    for column, (value, link) in enumerate(cells, start=first):
        sheet.cell(row=at, column=column, value=value).hyperlink = link


def _rewrite(column: str, change: Callable[[str], str], every: int = 1) -> Edit:
    """Each ``every``-th text cell of ``column`` rewritten by ``change``."""

    def edit(sheet: Worksheet, columns: dict[str, int]) -> None:
        for index, cell in enumerate(_column_cells(sheet, columns[column])):
            if index % every == 0 and isinstance(cell.value, str) and cell.value != "#N/A":
                cell.value = change(cell.value)

    return edit


def _abbreviated(name: str) -> str:
    for long, short in (("Sheriff's Office", "SO"), ("Police Department", "PD")):
        name = name.replace(long, short)
    return name.replace("Department", "Dept.").replace("County", "Co.")


def _inverted(name: str) -> str:
    for kind in ("Sheriff's Office", "Police Department"):
        if name.endswith(f" {kind}"):
            return f"{kind}, {name.removesuffix(f' {kind}')}"
    return name


def _state_first(sheet: Worksheet, columns: dict[str, int]) -> None:
    """Each name written after its row's state and a dash (``ALASKA - Kodiak Police
    Department``)."""
    for row in sheet.iter_rows(min_row=2):
        state, name = row[columns["STATE"] - 1], row[columns["LAW ENFORCEMENT AGENCY"] - 1]
        if isinstance(state.value, str) and isinstance(name.value, str):
            name.value = f"{state.value} - {name.value}"


def _total(sheet: Worksheet, columns: dict[str, int]) -> None:
    last = sheet.max_row + 2
    sheet.cell(row=last, column=columns["STATE"], value="Total")
    sheet.cell(row=last, column=columns["LAW ENFORCEMENT AGENCY"], value="896 agreements")


def _state_headings(sheet: Worksheet, columns: dict[str, int]) -> None:
    """Each state's rows under a row naming the state, their own state cells blank
    (rewritten as a new sheet: openpyxl moves no hyperlink when it inserts rows)."""
    rows = _taken(sheet)
    state = columns["STATE"] - 1
    at, heading = 2, None
    for values in rows[1:]:
        if values[state][0] and values[state][0] != heading:
            heading = values[state][0]
            sheet.cell(row=at, column=1, value=str(heading).upper())
            at += 1
        _put(sheet, at, [(None, cell[1]) if i == state else cell for i, cell in enumerate(values)])
        at += 1
    _put(sheet, 1, rows[0])


def _without_state_column(write: Callable[[str, str], str]) -> Edit:
    """The STATE column emptied, header and all; each name rewritten by ``write(name,
    state)`` to carry its state."""

    def edit(sheet: Worksheet, columns: dict[str, int]) -> None:
        state, name = columns["STATE"], columns["LAW ENFORCEMENT AGENCY"]
        for row in sheet.iter_rows(min_row=2):
            code, agency = row[state - 1].value, row[name - 1].value
            if isinstance(code, str) and isinstance(agency, str):
                row[name - 1].value = write(agency.strip(), code.strip())
            row[state - 1].value = None
        sheet.cell(row=1, column=state).value = None

    return edit


def _headings_without_state_column(sheet: Worksheet, columns: dict[str, int]) -> None:
    _state_headings(sheet, columns)
    sheet.cell(row=1, column=columns["STATE"]).value = None


def _preamble(sheet: Worksheet, columns: dict[str, int]) -> None:
    """Twenty-five rows of notes above the header (the sheet rewritten: openpyxl moves
    no hyperlink when it inserts rows)."""
    rows = _taken(sheet)
    for at in range(1, 26):
        sheet.cell(row=at, column=1, value=f"Note {at}: the list is updated as ICE signs.")
    for at, values in enumerate(rows, start=26):
        _put(sheet, at, values)


def _headers(**new: str) -> Edit:
    def edit(sheet: Worksheet, columns: dict[str, int]) -> None:
        for old, text in new.items():
            sheet.cell(row=1, column=columns[old.replace("_", " ")], value=text)

    return edit


def _signed_among_words(form: str) -> Edit:
    """Each fifth signed date written as text among words (``form``'s ``{}``)."""

    def edit(sheet: Worksheet, columns: dict[str, int]) -> None:
        for index, cell in enumerate(_column_cells(sheet, columns["SIGNED"])):
            if index % 5 == 0 and hasattr(cell.value, "strftime"):
                cell.value = form.format(cell.value.strftime("%m/%d/%Y"))

    return edit


def _moas_moved(sheet: Worksheet, columns: dict[str, int]) -> None:
    """Every MOA document moved to another folder of the site (a site reorganised)."""
    for cell in _column_cells(sheet, columns["MOA"]):
        target = cell.hyperlink.target if cell.hyperlink is not None else None
        if target and target.startswith("https://www.ice.gov/doclib/"):
            value, cell.hyperlink = (
                cell.value,
                target.replace("/doclib/", "/sites/default/files/documents/"),
            )
            cell.value = value


def _links_rewritten(change: Callable[[str], str]) -> Edit:
    """Every MOA and addendum link rewritten by ``change`` (the cell's text kept)."""

    def edit(sheet: Worksheet, columns: dict[str, int]) -> None:
        for name in ("MOA", "ADDENDUM"):
            for cell in _column_cells(sheet, columns[name]):
                target = cell.hyperlink.target if cell.hyperlink is not None else None
                if target:
                    value, cell.hyperlink = cell.value, change(target)
                    cell.value = value

    return edit


def _numbered(sheet: Worksheet, columns: dict[str, int]) -> None:
    """Each name after its row's number (``12. Harris County Sheriff's Office``)."""
    for number, cell in enumerate(_column_cells(sheet, columns["LAW ENFORCEMENT AGENCY"]), 1):
        if isinstance(cell.value, str):
            cell.value = f"{number}. {cell.value.strip()}"


def _own_county_after_name(sheet: Worksheet, columns: dict[str, int]) -> None:
    """Each municipal agency's name followed by its county in parentheses."""
    for row in sheet.iter_rows(min_row=2):
        name, county = row[columns["LAW ENFORCEMENT AGENCY"] - 1], row[columns["COUNTY"] - 1]
        kind = row[columns["TYPE"] - 1].value
        text = county.value.strip() if isinstance(county.value, str) else ""
        municipal = str(kind).strip().startswith("Muni")
        if isinstance(name.value, str) and municipal and text and not is_null(text):
            name.value = f"{name.value.strip()} ({text})"


def _subtotals(sheet: Worksheet, columns: dict[str, int]) -> None:
    """A count under each state's rows (``WEST VIRGINIA Total | 2``; the sheet cleared
    and written again: openpyxl moves no hyperlink when it inserts rows)."""
    state, agency = columns["STATE"] - 1, columns["LAW ENFORCEMENT AGENCY"] - 1
    rows = _taken(sheet)
    out: Cells = [rows[0]]
    count = 0
    for at, row in enumerate(rows[1:], 1):
        out.append(row)
        count += 1
        after = rows[at + 1][state][0] if at + 1 < len(rows) else None
        if row[state][0] and after != row[state][0]:
            total: list[tuple[object, str | None]] = [(None, None)] * len(row)
            total[state], total[agency] = (f"{row[state][0]} Total", None), (count, None)
            out.append(total)
            count = 0
    for number, row in enumerate(out, 1):
        _put(sheet, number, row)


def _county_with_state(sheet: Worksheet, columns: dict[str, int]) -> None:
    """Each county followed by its row's state (``Harris County, TEXAS``)."""
    for row in sheet.iter_rows(min_row=2):
        state, county = row[columns["STATE"] - 1].value, row[columns["COUNTY"] - 1]
        if isinstance(state, str) and isinstance(county.value, str) and not is_null(county.value):
            county.value = f"{county.value.strip()}, {state.strip()}"


def _outline(sheet: Worksheet, columns: dict[str, int]) -> None:
    """Each agency on a row of its own (its state and name), its agreements on the rows
    below it, their state and agency left blank (the sheet rewritten: openpyxl moves no
    hyperlink when it inserts rows)."""
    rows = _taken(sheet)
    own = (columns["STATE"], columns["LAW ENFORCEMENT AGENCY"])
    at, last = 2, None
    for values in rows[1:]:
        agency = tuple(values[column - 1][0] for column in own)
        if not agency[1]:
            continue
        if agency != last:
            for column in own:
                sheet.cell(row=at, column=column, value=values[column - 1][0])
            at, last = at + 1, agency
        _put(sheet, at, [(None, None) if c in own else cell for c, cell in enumerate(values, 1)])
        at += 1
    _put(sheet, 1, rows[0])


def _name_with_model(sheet: Worksheet, columns: dict[str, int]) -> None:
    """Each name followed by its row's model, in parentheses or after a dash."""
    for index, row in enumerate(sheet.iter_rows(min_row=2)):
        name, model = row[columns["LAW ENFORCEMENT AGENCY"] - 1], row[columns["SUPPORT TYPE"] - 1]
        code = model_code(model.value)
        if isinstance(name.value, str) and code:
            name.value = f"{name.value.strip()} ({code})" if index % 2 else f"{name.value} - {code}"


def _header(old: str, new: str) -> Edit:
    def edit(sheet: Worksheet, columns: dict[str, int]) -> None:
        sheet.cell(row=1, column=columns[old], value=new)

    return edit


def _moved_model_column(sheet: Worksheet, columns: dict[str, int]) -> None:
    """The models moved to a new last column; the old column hidden, holding stale
    values (every agreement a JEM), under the same name."""
    old, new = columns["SUPPORT TYPE"], sheet.max_column + 1
    for row in sheet.iter_rows(min_row=1):
        sheet.cell(row=row[0].row, column=new, value=row[old - 1].value)
        if row[0].row > 1 and row[old - 1].value:
            row[old - 1].value = "Jail Enforcement Model"
    sheet.column_dimensions[get_column_letter(old)].hidden = True


def _link_noise(sheet: Worksheet, columns: dict[str, int]) -> None:
    """Every MOA link over http, on the bare host, with a tracking parameter."""
    for cell in _column_cells(sheet, columns["MOA"]):
        if cell.hyperlink is not None and cell.hyperlink.target:
            target = cell.hyperlink.target.replace("https://www.", "http://")
            value, cell.hyperlink = cell.value, f"{target}?utm_source=newsletter"
            cell.value = value


def _pending_below(sheet: Worksheet, columns: dict[str, int]) -> None:
    """The pending list of the same day below the list, under ``Pending Applications``."""
    pending = openpyxl.load_workbook(PENDING).worksheets[0]
    at = sheet.max_row + 2
    sheet.cell(row=at, column=1, value="Pending Applications")
    for offset, row in enumerate(pending.iter_rows(min_row=2, values_only=True), start=1):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=at + offset, column=column, value=value)


def _a_sheet_per_state(sheet: Worksheet, columns: dict[str, int]) -> None:
    """One sheet per state, named for it, without the STATE column (the name says it)."""
    workbook, state = sheet.parent, columns["STATE"] - 1
    names = {code: name for name, code in STATES.items() if len(name) > 2}
    header = [cell.value for i, cell in enumerate(sheet[1]) if i != state]
    by_state: dict[str, list[list[Cell]]] = {}
    for row in sheet.iter_rows(min_row=2):
        code = state_code(row[state].value)
        if code and row[state + 1].value:
            by_state.setdefault(code, []).append([c for i, c in enumerate(row) if i != state])
    for code, rows in by_state.items():
        part = workbook.create_sheet(names[code].title())
        part.append(header)
        for at, cells in enumerate(rows, start=2):
            for column, cell in enumerate(cells, start=1):
                copy = part.cell(row=at, column=column, value=cell.value)
                if cell.hyperlink is not None:
                    copy.hyperlink = cell.hyperlink.target
    workbook.remove(sheet)


def _a_column_per_model(sheet: Worksheet, columns: dict[str, int]) -> None:
    """The SUPPORT TYPE column replaced by a column per model, each row marked ``X``
    under its model (headers ``JEM``, ``TFM``, ``WSO`` at the end)."""
    model = columns["SUPPORT TYPE"]
    last = sheet.max_column
    for offset, code in enumerate(("JEM", "TFM", "WSO"), start=1):
        sheet.cell(row=1, column=last + offset, value=code)
    for row in sheet.iter_rows(min_row=2):
        code = model_code(row[model - 1].value)
        if code is not None:
            sheet.cell(row=row[0].row, column=last + 1 + ("JEM", "TFM", "WSO").index(code),
                       value="X")  # fmt: skip
        row[model - 1].value = None
    sheet.cell(row=1, column=model).value = None


def _with_initials(name: str) -> str:
    """``Florida Department of Law Enforcement (FDLE)``."""
    initials = "".join(word[0] for word in name.split() if word[0].isupper())
    return f"{name.strip()} ({initials})" if len(initials) > 1 else name


FORMS: dict[str, Edit] = {
    "names in capitals": _rewrite("LAW ENFORCEMENT AGENCY", str.upper),
    "names abbreviated": _rewrite("LAW ENFORCEMENT AGENCY", _abbreviated),
    "names with a trailing period": _rewrite("LAW ENFORCEMENT AGENCY", "{}.".format, 3),
    "names inverted": _rewrite("LAW ENFORCEMENT AGENCY", _inverted),
    "names after their state": _state_first,
    "footnote asterisks": _rewrite("LAW ENFORCEMENT AGENCY", "{}*".format, 7),
    "superscript footnotes": _rewrite("LAW ENFORCEMENT AGENCY", "{}\u00b9".format, 7),
    "counties in capitals": _rewrite("COUNTY", str.upper),
    "counties without the word County": _rewrite(
        "COUNTY", lambda text: text.removesuffix(" County")
    ),
    "a total under the list": _total,
    "each state under a heading": _state_headings,
    "the MOA column headed Signed MOA": _header("MOA", "Signed MOA"),
    "the addendum column headed Amendment": _header("ADDENDUM", "Amendment"),
    "the models moved, a stale hidden copy left": _moved_model_column,
    "links over http with a tracking parameter": _link_noise,
    "names followed by their initials": _rewrite("LAW ENFORCEMENT AGENCY", _with_initials),
    "the pending list below it, under a title": _pending_below,
    "one sheet per state, named for it, without the state column": _a_sheet_per_state,
    "a column per model instead of the model column": _a_column_per_model,
    "no state column, each name followed by its state": _without_state_column("{}, {}".format),
    "no state column, each name after its state": _without_state_column(
        lambda name, state: f"{state} - {name}"
    ),
    "no state column, each state under a heading": _headings_without_state_column,
    "twenty-five rows of notes above the header": _preamble,
    "names without apostrophes": _rewrite("LAW ENFORCEMENT AGENCY", lambda n: n.replace("'", "")),
    "names with dotted initials": _rewrite(
        "LAW ENFORCEMENT AGENCY",
        lambda n: n.replace("Police Department", "P.D.").replace("Sheriff's Office", "S.O."),
    ),
    "counties followed by their state": _county_with_state,
    "names followed by their row's model": _name_with_model,
    "each agency on a row of its own, its agreements below it": _outline,
    "Saint for St.": _rewrite("LAW ENFORCEMENT AGENCY", lambda n: n.replace("St. ", "Saint ")),
    "every MOA moved to another folder of the site": _moas_moved,
    "links wrapped by Proofpoint URL Defense": _links_rewritten(
        lambda url: f"https://urldefense.com/v3/__{url}__;!!BClRuOV5cvtbuNI!abc$"
    ),
    "links behind Google's redirect": _links_rewritten(
        lambda url: "https://www.google.com/url?q=" + quote(url, safe="") + "&sa=D&usg=AOv"
    ),
    "rows numbered before their names": _numbered,
    "footnote numbers glued to names": _rewrite(
        "LAW ENFORCEMENT AGENCY", lambda name: f"{name.strip()}1", 7
    ),
    "each municipal agency's county after its name": _own_county_after_name,
    "a count under each state's rows": _subtotals,
    "states in their formal style": _rewrite("STATE", lambda s: f"State of {s.strip().title()}"),
    "every Municipality a Local": _rewrite(
        "TYPE", lambda kind: "Local" if kind.strip() == "Municipality" else kind
    ),
    "every MOA moved to another site and folder": _links_rewritten(
        lambda url: url.replace("https://www.ice.gov/doclib/", "https://www.dhs.gov/ice/docs/")
    ),
    "signed dates among words": _signed_among_words("Signed {}"),
    "signed dates with a note of an amendment": _signed_among_words("{} (amended 01/02/2026)"),
    "headers naming alternatives": _headers(
        STATE="State/Territory", LAW_ENFORCEMENT_AGENCY="Agency / Jurisdiction"
    ),
    "columns of other documents before the MOA's, read by their words and cells": _headers(
        TYPE="MOA Expiration",
        COUNTY="MOA Extension Signed",
        SIGNED="Date of Signed MOA",
        MOA="Signed MOA",
    ),
}


NEW_COLUMN = {  # a column added or dropped is a fact of the file, and its only event
    "the models moved, a stale hidden copy left",
    "one sheet per state, named for it, without the state column",
    "a column per model instead of the model column",
    "no state column, each name followed by its state",
    "no state column, each name after its state",
    "no state column, each state under a heading",
}
RENAMED_VALUES = {  # a list's word or place renamed for all it lists with it: its event
    "every Municipality a Local",
    "every MOA moved to another site and folder",
}


def _republished(data: bytes, edit: Edit) -> bytes:
    """The workbook ``data`` with its first sheet edited (``edit`` is given the sheet and
    its columns by header), saved again."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    columns = {str(cell.value).strip(): cell.column for cell in sheet[1] if cell.value}
    edit(sheet, columns)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def first() -> tuple[bytes, ProgramState]:
    data = SOURCE.read_bytes()
    outcome = _feed(ProgramState(), data, 1)
    assert len(outcome.state.participating.entries) > 800
    return data, outcome.state


def _feed(state: ProgramState, data: bytes, day: int) -> Outcome:
    listing = parse_listing(data, f"participatingAgencies09{day:02d}2025am.xlsx")
    ref = SnapshotRef(
        id=f"s{day}",
        observed_at=f"2025-09-{day:02d}T12:00:00Z",
        sha256=hashlib.sha256(data).hexdigest(),
        kind=listing.kind,
    )
    outcome = apply_snapshot(state, ref, listing, None, RULES)
    assert outcome.accepted, outcome.reason
    return outcome


def _fed_twice(state: ProgramState, data: bytes, day: int) -> Outcome:
    """``data`` fed on ``day`` and again a day later (columns changed are held until a
    later list still has them: ``diffs/schema.py``): the second outcome, with the
    events of both."""
    once = _feed(state, data, day)
    again = _feed(once.state, data, day + 1)
    return replace(again, events=(*once.events, *again.events))


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_real_list_republished_in_a_new_form_makes_no_event(
    form: str, first: tuple[bytes, ProgramState]
) -> None:
    data, state = first
    events = _fed_twice(state, _republished(data, FORMS[form]), 2).events
    expected = ["source.schema_changed"] if form in NEW_COLUMN | RENAMED_VALUES else []
    assert [event.kind for event in events] == expected


RELABELLED_WHOLE: dict[str, Callable[[str], str]] = {
    "every county's sheriff's office without County": lambda name: name.replace(
        " County Sheriff's Office", " Sheriff's Office"
    ),
    "every sheriff's office a sheriff's department": lambda name: name.replace(
        "Sheriff's Office", "Sheriff's Department"
    ),
}


@pytest.mark.parametrize("relabel", sorted(RELABELLED_WHOLE))
def test_a_real_list_relabelled_whole_is_one_rewrite_of_its_names(
    relabel: str, first: tuple[bytes, ProgramState]
) -> None:
    """Hundreds of agencies relabelled at once by a find and replace, many signed on one
    day in other states: each is its own agency under its name rewritten (``Macon
    Sheriff's Office`` in TN is not ``Yuma County Sheriff's Office`` in AZ), no
    agreement leaves, arrives or moves, and no agency is renamed: one
    ``source.schema_changed`` says what the list rewrote (before, more than 350
    ``agency.renamed``). The shipped registry gives ids, as an import does (Walker
    County's and Waukesha County's rows under two names are each one agency's)."""
    data = first[0]
    state = _feed(ProgramState(aliases=initial_aliases({})), data, 1).state  # as imported
    edit = _rewrite("LAW ENFORCEMENT AGENCY", RELABELLED_WHOLE[relabel])
    [event] = _fed_twice(state, _republished(data, edit), 2).events
    assert event.kind == "source.schema_changed"
    assert int(event.note.rsplit("(", 1)[1].split()[0]) > 350  # type: ignore[union-attr]


def test_agreements_moved_under_a_terminated_title_are_withdrawn(
    first: tuple[bytes, ProgramState],
) -> None:
    """Forty rows moved from the list to a section under it titled ``Terminated
    Agreements`` (under the header again): those forty agreements are withdrawn, and
    nothing else happens."""
    data, state = first
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    width = 8
    rows = list(sheet.iter_rows(min_row=2, max_row=41))
    moved = [[cell.value for cell in row[:width]] for row in rows]
    for row in rows:  # left blank (skipped): openpyxl would move no hyperlink up
        for cell in row:
            cell.value, cell.hyperlink = None, None
    at = sheet.max_row + 2
    sheet.cell(row=at, column=1, value="Terminated Agreements")
    for offset, values in enumerate([[c.value for c in sheet[1][:width]], *moved], start=1):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=at + offset, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    events = _feed(state, buffer.getvalue(), 2).events
    withdrawn = {e.agency for e in events if e.kind == "agreement.withdrawn"}
    assert withdrawn == {str(values[1]).strip() for values in moved}
    assert {e.kind for e in events} <= {
        "agreement.withdrawn", "agency.left", "agency.models_changed"
    }  # fmt: skip


def test_a_real_list_published_as_a_table_on_a_page_makes_no_event(
    first: tuple[bytes, ProgramState],
) -> None:
    """The same list as an HTML table (dates as text, links as anchors, ``#N/A``
    counties): the cells are read by the same rules whatever the format, and the
    columns have the same names, so nothing changes."""
    data, state = first
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    head = "".join(f"<th>{html.escape(str(c.value))}</th>" for c in sheet[1] if c.value)
    body = "".join(
        "<tr>" + "".join(_html_cell(cell) for cell in row[:8]) + "</tr>"
        for row in sheet.iter_rows(min_row=2)
        if row[1].value
    )
    page = f"<html><body><table><tr>{head}</tr>{body}</table></body></html>".encode()
    listing = parse_listing(page, "participatingAgencies09022025am.html")
    assert listing.source_format == "html" and len(listing.rows) == 896
    ref = SnapshotRef("s2", "2025-09-02T12:00:00Z", hashlib.sha256(page).hexdigest(), listing.kind)
    assert apply_snapshot(state, ref, listing, None, RULES).events == ()


def _html_cell(cell: Cell) -> str:
    value = cell.value
    text = html.escape(value.strftime("%m/%d/%Y") if hasattr(value, "strftime") else str(value))
    if value is None:
        return "<td></td>"
    if cell.hyperlink is not None and cell.hyperlink.target:
        return f'<td><a href="{html.escape(cell.hyperlink.target)}">{text}</a></td>'
    return f"<td>{text}</td>"


def _county_after_name(sheet: Worksheet, columns: dict[str, int]) -> None:
    """Each name followed by its row's county in parentheses (where the county cell
    holds one: a null marker in parentheses, ``(#NA)``, says nothing of the name)."""
    for row in sheet.iter_rows(min_row=2):
        name, county = row[columns["LAW ENFORCEMENT AGENCY"] - 1], row[columns["COUNTY"] - 1]
        if isinstance(name.value, str) and isinstance(county.value, str):
            if is_null(county.value):
                continue
            name.value = f"{name.value.strip()} ({county.value.strip()})"


def _relabelled_pending(sheet: Worksheet, columns: dict[str, int]) -> None:
    """Every ``Sheriff's Office`` written ``Sheriff's Department``, every ``Police
    Department`` written ``Police``."""
    for old, new in (("Sheriff's Office", "Sheriff's Department"), ("Police Department", "Police")):
        _rewrite("LAW ENFORCEMENT AGENCY", lambda name, o=old, n=new: name.replace(o, n))(
            sheet, columns
        )


def test_a_real_pending_list_relabelled_whole_drops_no_application() -> None:
    """The pending list of 28 August 2025 (no papers to compare) relabelled by a find
    and replace (every ``Sheriff's Office`` a ``Sheriff's Department``, every ``Police
    Department`` a ``Police``): no application dropped nor added, no agency renamed, one
    ``source.schema_changed`` saying what the list rewrote."""
    data = PENDING.read_bytes()
    state = _feed(ProgramState(), data, 1).state
    [event] = _fed_twice(state, _republished(data, _relabelled_pending), 2).events
    assert event.kind == "source.schema_changed"
    assert event.after == {"values": {"agency": ["police", "sheriff's department"]}}


def test_a_real_pending_list_with_each_name_followed_by_its_county_gives_no_event() -> None:
    """The same list with each agency's own county set off after its name: each name
    written otherwise, no agency renamed, no application dropped nor added."""
    data = PENDING.read_bytes()
    state = _feed(ProgramState(), data, 1).state
    assert _feed(state, _republished(data, _county_after_name), 2).events == ()


PENDING_FORMS = (
    "no state column, each name followed by its state",
    "no state column, each state under a heading",
    "each agency on a row of its own, its agreements below it",
    "names with dotted initials",
)


@pytest.mark.parametrize("form", PENDING_FORMS)
def test_a_real_pending_list_republished_in_a_new_form_makes_no_event(form: str) -> None:
    """The pending list of 28 August 2025 (ICE's own typo ``WEST VIRIGINIA`` among its
    states) in the participating list's new forms: nothing changes but its columns."""
    data = PENDING.read_bytes()
    state = _feed(ProgramState(), data, 1).state
    events = _feed(state, _republished(data, FORMS[form]), 2).events
    assert {event.kind for event in events} <= {"source.schema_changed"}


def _one_list_with_a_status(sheet: Worksheet, columns: dict[str, int]) -> None:
    """A STATUS column, ``Active`` on each agreement; the pending list of the same day
    appended under the same columns, each application's status ``Pending``."""
    pending = openpyxl.load_workbook(PENDING).worksheets[0]
    named = {str(c.value).strip(): c.column for c in pending[1] if c.value}
    status = sheet.max_column + 1
    sheet.cell(row=1, column=status, value="STATUS")
    for row in sheet.iter_rows(min_row=2):
        if row[columns["LAW ENFORCEMENT AGENCY"] - 1].value:
            sheet.cell(row=row[0].row, column=status, value="Active")
    at = sheet.max_row + 1
    for values in pending.iter_rows(min_row=2, values_only=True):
        if any(values):
            for name, column in named.items():
                sheet.cell(row=at, column=columns[name], value=values[column - 1])
            sheet.cell(row=at, column=status, value="Pending")
            at += 1


def test_one_list_of_both_whose_status_tells_applications_apart_reads_each_list_whole(
    first: tuple[bytes, ProgramState],
) -> None:
    """ICE's two lists published as one, a STATUS column telling the applications
    (``Pending``) from the agreements: read as the participating list, the applications
    are no agreements; read as the pending list (a claim of it), they are the
    applications. Either way nothing changes but the participating list's columns."""
    data, state = first
    state = _feed(state, PENDING.read_bytes(), 1).state
    both = _republished(data, _one_list_with_a_status)
    outcome = _fed_twice(state, both, 2)
    assert [event.kind for event in outcome.events] == ["source.schema_changed"]
    listing = parse_listing(both, "pendingAgencies09032025am.xlsx").as_claimed("pending")
    ref = SnapshotRef("p3", "2025-09-03T12:00:00Z", hashlib.sha256(both).hexdigest(), "pending")
    pending = apply_snapshot(outcome.state, ref, listing, "pending", RULES)
    assert pending.accepted and listing.kind == "pending" and len(listing.rows) > 50
    assert {event.kind for event in pending.events} <= {"source.schema_changed"}


def _dated(sheet: Worksheet, columns: dict[str, int]) -> None:
    """A last column headed ``Date``, a date on each row naming an agency."""
    column = sheet.max_column + 1
    sheet.cell(row=1, column=column, value="Date")
    for row in sheet.iter_rows(min_row=2):
        if row[columns["LAW ENFORCEMENT AGENCY"] - 1].value:
            sheet.cell(row=row[0].row, column=column, value=date(2025, 8, 1))


def _claimed_pending(edit: Edit) -> Outcome:
    """The real pending list, then the same edited, read as the pending list it is
    claimed to be (by its link or name)."""
    data = PENDING.read_bytes()
    state = _feed(ProgramState(), data, 1).state
    edited = _republished(data, edit)
    listing = parse_listing(edited, "pendingAgencies09022025am.xlsx").as_claimed("pending")
    sha = hashlib.sha256(edited).hexdigest()
    once = apply_snapshot(state, SnapshotRef("p2", "2025-09-02T12:00:00Z", sha, "pending"),
                          listing, "pending", RULES)  # fmt: skip
    if not once.accepted:
        return once
    # columns changed are held until a later list still has them (diffs/schema.py)
    again = apply_snapshot(once.state, SnapshotRef("p3", "2025-09-03T12:00:00Z", sha, "pending"),
                           listing, "pending", RULES)  # fmt: skip
    return replace(again, events=(*once.events, *again.events))


def test_a_real_pending_list_with_a_bare_date_column_stays_the_pending_list() -> None:
    """The pending list with a ``Date`` column of when each application came: claimed
    as the pending list (by its link or name), it is read as it, and the column is the
    only change."""
    outcome = _claimed_pending(_dated)
    assert outcome.accepted, outcome.reason
    assert [event.kind for event in outcome.events] == ["source.schema_changed"]


def _a_few_signed(sheet: Worksheet, columns: dict[str, int]) -> None:
    """A SIGNED column, dated on every seventh application (those approved)."""
    column = sheet.max_column + 1
    sheet.cell(row=1, column=column, value="SIGNED")
    for row in sheet.iter_rows(min_row=2):
        if row[columns["LAW ENFORCEMENT AGENCY"] - 1].value and row[0].row % 7 == 0:
            sheet.cell(row=row[0].row, column=column, value=date(2025, 8, 20))


def test_a_real_pending_list_showing_its_few_approved_signed_stays_the_pending_list() -> None:
    """The pending list with a SIGNED column dated on a few rows (its applications
    approved, still listed) and no MOA link: no list of agreements looks so; claimed as
    the pending list, it is read as it, and the column is the only change (before:
    rejected as holding the participating list, and the pending record stopped)."""
    outcome = _claimed_pending(_a_few_signed)
    assert outcome.accepted, outcome.reason
    assert [event.kind for event in outcome.events] == ["source.schema_changed"]


def test_the_source_sheets_are_in_the_corpus() -> None:
    assert Path(SOURCE).is_file() and Path(PENDING).is_file()
