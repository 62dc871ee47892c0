"""No false events: re-publishing the same facts in another form makes no event.

End to end, from XLSX bytes through the real parser (:func:`parsers.detect.parse_listing`)
and the real diff engine (:func:`diffs.engine.apply_snapshot`). Sheets are made with
openpyxl from *facts* (which agency, in which state, under which model, signed when,
with which MOA document) and a *form* (how a sheet writes those facts down). Two forms
of the same facts must give no event; a sequence of real changes must give the same
events whatever forms its lists come in.

What counts as a form, and so must make no event:

- the rows' order; blank rows; the header row repeated inside the list; a row listed
  twice; a title above the header; the header written over two rows (a group's name
  above its columns' names, merged across them); a state merged down the rows that share it; the
  list split into one sheet per model, each under the same header, or into two pages;
- the columns' order; the header's aliases (``LAW ENFORCEMENT AGENCY`` / ``AGENCY NAME``,
  ``SIGNED`` / ``DATE SIGNED``, ...), in any case and spacing;
- whitespace around and inside cells (doubled spaces, NBSP), a straight or a curly
  apostrophe (U+2019) in names; invisible format characters in names (a soft hyphen
  inside a word, a zero-width space between two, a direction mark); a name mis-encoded
  (UTF-8 read as Windows-1252: ``Sheriffâ€™s``), its apostrophe lost in decoding
  (``Sheriff\ufffds``, the replacement character) or with HTML character references
  (``Sheriff&#39;s``); a name marked new
  or pending (``*NEW* ...``, ``... (Pending)``), as its row's model may follow it
  (``(TFM)``);
- a state as its USPS code or name in any case (``TX``, ``Texas``, ``texas``,
  ``Texas (TX)``); a model as its code or label (``TFM``, ``Task Force Model``); an
  agency type in any case, or ``Municipal`` for ``Municipality``;
- a signed date as a date cell (any number format), a datetime at midnight, an Excel
  serial in a General cell, or text (``08/05/2025``, ``8/5/2025``, ``August 5, 2025``,
  ``Aug 5, 2025``, ``5 August 2025``, ``2025-08-05``);
- an MOA link as a hyperlink on ``link`` text, as the URL written in the cell, or as a
  hyperlink on the URL's text; http or https, ``WWW.ICE.GOV``, ``ice.gov`` or
  ``www.ice.gov``, letters of the path percent-encoded, wrapped in an Outlook SafeLinks
  redirect;
- the sheet saved as CSV (each cell's text, a link as its URL).

One form does change the list's columns, and so gives ``source.schema_changed`` (and
only that): an extra column the list does not know (``NOTES``) added or dropped, or a
column the list knows (``TYPE``, ``COUNTY``, ``MOA``) dropped and restored: a list
without a column says nothing of its values. The set of columns is the list's schema;
their order is not.

Never varied: the letters and punctuation of an agency's name (a respelling is recorded
as ``agreement.changed`` on purpose: it is what ICE published) and a county's text.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial
from operator import ne
from urllib.parse import quote

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from diffs.engine import Outcome, apply_snapshot
from diffs.events import Event, SnapshotRef
from diffs.gate import Rules
from diffs.links import canonical_link
from diffs.state import ProgramState
from parsers.detect import parse_listing
from parsers.normalize import agency_key
from parsers.records import ParsedListing
from tests.support import as_csv

RULES = Rules(withdraw_after_snapshots=2, withdraw_after_days=0, min_row_loss=3)
FIRST_DAY = datetime(2025, 3, 1, 12)
FIXED_TIME = (2025, 1, 1, 0, 0, 0)
# A deeper search: NO_FALSE_EVENTS_EXAMPLES=500 HYPOTHESIS_PROFILE=explore pytest this file.
EXAMPLES = int(os.environ.get("NO_FALSE_EVENTS_EXAMPLES", "30"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None)

# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class Agency:
    name: str
    state: str  # USPS code
    county: str | None
    agency_type: str


POOL = (
    Agency("Harris County Sheriff's Office", "TX", "Harris County", "County"),
    Agency("Lubbock Police Department", "TX", "Lubbock County", "Municipality"),
    Agency("Collier County Sheriff's Office", "FL", "Collier County", "County"),
    Agency("Florida Highway Patrol", "FL", None, "State Agency"),
    Agency("Cape Coral Police Department", "FL", "Lee County", "Municipality"),
    Agency("Cobb County Sheriff's Office", "GA", "Cobb County", "County"),
    Agency("Gaston County Sheriff's Office", "NC", "Gaston County", "County"),
    Agency("Etowah County Sheriff's Office", "AL", "Etowah County", "County"),
    Agency("Tulsa County Sheriff's Office", "OK", "Tulsa County", "County"),
    Agency("Natrona County Sheriff's Office", "WY", "Natrona County", "County"),
    Agency("Louisiana Department of Public Safety & Corrections", "LA", None, "State Agency"),
    Agency("Bucks County Sheriff's Office", "PA", "Bucks County", "County"),
    Agency("O'Fallon Police Department", "MO", "St. Charles County", "Municipality"),
    Agency("Idaho State Police", "ID", None, "State Agency"),
    Agency("Rankin County Sheriff's Office", "MS", "Rankin County", "County"),
    Agency("Prince William-Manassas Regional Adult Detention Center", "VA", None, "County"),
)
STATE_NAMES = {
    "TX": "Texas", "FL": "Florida", "GA": "Georgia", "NC": "North Carolina", "AL": "Alabama",
    "OK": "Oklahoma", "WY": "Wyoming", "LA": "Louisiana", "PA": "Pennsylvania",
    "MO": "Missouri", "ID": "Idaho", "MS": "Mississippi", "VA": "Virginia",
}  # fmt: skip
MODEL_LABELS = {
    "JEM": "Jail Enforcement Model",
    "TFM": "Task Force Model",
    "WSO": "Warrant Service Officer",
}
MODELS = tuple(MODEL_LABELS)


@dataclass(frozen=True)
class Fact:
    """One agreement (or, without a date, one pending application) as ICE states it."""

    agency: int  # index into POOL
    model: str
    signed: date | None = None

    @property
    def pair(self) -> tuple[int, str]:
        return self.agency, self.model

    @property
    def moa_url(self) -> str:
        slug = "".join(ch for ch in POOL[self.agency].name if ch.isalnum())
        return f"https://www.ice.gov/doclib/287gMOA/287g{self.model}_{slug}.pdf"


# --------------------------------------------------------------------------- forms

PARTICIPATING = ("STATE", "AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA")
PENDING = ("STATE", "AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE")
HEADER_ALIASES = {
    "STATE": ("STATE", "State ", "STATE NAME", " state"),
    "AGENCY": ("LAW ENFORCEMENT AGENCY", "AGENCY NAME", "Agency", "Law Enforcement  Agency "),
    "TYPE": ("TYPE", "AGENCY TYPE", " Type"),
    "COUNTY": ("COUNTY", "County ", "COUNTY NAME"),
    "SUPPORT TYPE": ("SUPPORT TYPE", "Support Type  ", "MODEL", "287(g) Model"),
    "SIGNED": ("SIGNED", "DATE SIGNED", "Signed:", "Signed Date"),
    "MOA": ("MOA", "MOA LINK", "Moa ", "Signed MOA"),
    "NOTES": ("NOTES",),
}
NAME_FORMS = (
    "plain", "padded", "doubled", "nbsp", "curly", "curly_padded", "upper", "abbreviated",
    "initials", "no_apostrophe", "dotted", "with_model", "marked_new", "marked_pending",
    "invisible", "mojibake", "html_references", "lost_apostrophe",
)  # fmt: skip
# How ICE shortens names (the "abbreviated" form; a county loses the word County).
ABBREVIATIONS = (("Sheriff's Office", "SO"), ("Police Department", "PD"), ("County", "Co."))
STATE_FORMS = ("code", "name", "upper", "lower", "code_lower", "name_code", "padded")
MODEL_FORMS = ("code", "label", "upper_label", "lower_label", "label_code")
TYPE_FORMS = ("canonical", "upper", "lower", "padded", "synonym")
SIGNED_FORMS = (
    "date", "datetime", "serial", "us", "us_short", "long", "abbr", "day_month", "iso",
    "padded",
)  # fmt: skip
DATE_NUMBER_FORMATS = ("yyyy-mm-dd", "mm/dd/yyyy", "m/d/yy", "mm-dd-yy", "d-mmm-yy")
LINK_FORMS = ("hyperlink_on_link", "hyperlink_on_url", "url_text")
URL_FORMS = ("http", "upper_host", "bare_host", "percent", "tracking", "safelinks")
# A header over two rows: these columns' names split in two (a group's name above), the
# others merged down both rows; ``MOA`` above SIGNED and MOA is merged across when adjacent.
TWO_ROW_HEADER = {
    "AGENCY": ("Law Enforcement", "Agency"),
    "SUPPORT TYPE": ("287(g)", "Model"),
    "SIGNED": ("MOA", "Date Signed"),
    "MOA": ("MOA", "Link"),
}
TYPE_SYNONYMS = {"Municipality": "Municipal", "State Agency": "State", "County": "COUNTY"}


@dataclass(frozen=True)
class RowForm:
    """How one row writes its facts."""

    name: str = "plain"
    state: str = "code"
    model: str = "label"
    agency_type: str = "canonical"
    signed: str = "date"
    number_format: str = "yyyy-mm-dd"
    link: str = "hyperlink_on_link"
    link_text: str = "link"
    url: tuple[str, ...] = ()
    notes: str | None = None
    state_set_off: str = ""  # the agency's state written in its name: after, before, paren


@dataclass(frozen=True)
class SheetForm:
    """How one sheet writes its rows: order, layout, header, and each row's form."""

    order: tuple[int, ...] | None = None  # a permutation of the rows; None: as given
    columns: tuple[int, ...] | None = None  # a permutation of the columns; None: as given
    notes: bool = False  # an extra NOTES column the list does not know
    blank_after: frozenset[int] = frozenset()  # blank rows after these data rows
    header_again_after: int | None = None  # the header repeated after this data row
    repeated: int | None = None  # this data row listed again at the end, as ICE does
    title: bool = False  # a title and an "updated" line above the header
    aliases: tuple[int, ...] = ()  # which alias of each column's header (0: the first)
    rows: tuple[RowForm, ...] = ()
    merged_states: bool = False  # a state merged down each run of rows that share it
    two_row_header: bool = False  # the header written over two rows (TWO_ROW_HEADER)
    by_model: bool = False  # one sheet per model, each under the same header
    paged: int | None = None  # the list in two sheets (pages), the second from this row
    as_csv: bool = False  # the sheet saved as CSV: values as text, links as their URLs
    state_headings: bool = False  # each state's rows under a row naming it, their own blank
    grouped: bool = False  # an agency written once over its adjacent rows (a report's layout)


PLAIN = SheetForm()


def _name(text: str, form: str) -> str:
    if form.startswith("curly"):
        text = text.replace("'", "\u2019")
    if form.endswith("padded"):
        return f"  {text} "
    if form == "doubled":
        return text.replace(" ", "  ", 2)
    if form == "nbsp":
        return text.replace(" ", "\u00a0", 1) + "\u00a0"
    if form == "upper":
        return text.upper()
    if form == "invisible":  # a direction mark, a zero-width space, a soft hyphen
        first, _, rest = text.partition(" ")
        hyphenated = first[:2] + "\u00ad" + first[2:] if len(first) > 3 else first
        return "\u200e" + hyphenated + ("\u200b" + rest if rest else "")
    if form == "mojibake":  # UTF-8 read as Windows-1252: Sheriffâ€™s Office
        return text.replace("'", "\u2019").encode("utf-8").decode("cp1252")
    if form == "lost_apostrophe":  # decoded with the wrong codec: Sheriff\ufffds
        return text.replace("'", "\ufffd")
    if form == "html_references":  # a list exported from a web page: Sheriff&#39;s
        return text.replace("&", "&amp;").replace("'", "&#39;")
    if form == "abbreviated":
        for long, short in ABBREVIATIONS:
            text = text.replace(long, short)
    if form == "initials":  # Alpha County Sheriff's Office (ACSO)
        initials = "".join(word[0] for word in text.split() if word[0].isupper())
        return f"{text} ({initials})" if len(initials) > 1 else text
    if form == "no_apostrophe":  # Alpha County Sheriffs Office
        return text.replace("'", "")
    if form == "dotted":  # Alpha P.D.
        return text.replace("Police Department", "P.D.").replace("Sheriff's Office", "S.O.")
    return text


def _with_state(name: str, state: str, where: str) -> str:
    """A name with its state set off after it, before it, or in parentheses."""
    if where == "after":
        return f"{name}, {state}"
    if where == "before":
        return f"{state} - {name}"
    return f"{name} ({STATE_NAMES[state]})" if where == "paren" else name


def _county(county: str | None, form: str) -> str:
    """The COUNTY cell: written as the agency's name is (``#N/A`` when it has none; a
    county is not followed by its initials)."""
    if county is None:
        return "#N/A"
    if form in ("initials", "with_model", "dotted", "marked_new", "marked_pending"):
        return county
    if form == "abbreviated":
        return county.removesuffix(" County")
    return f" {county} " if form == "padded" else _name(county, form)


def _state(code: str, form: str) -> str:
    name = STATE_NAMES[code]
    return {
        "code": code,
        "name": name,
        "upper": name.upper(),
        "lower": name.lower(),
        "code_lower": code.lower(),
        "name_code": f"{name} ({code})",
        "padded": f" {name.upper()}  ",
    }[form]


def _model(code: str, form: str) -> str:
    label = MODEL_LABELS[code]
    return {
        "code": code,
        "label": label,
        "upper_label": label.upper(),
        "lower_label": label.lower(),
        "label_code": f"{label} ({code})",
    }[form]


def _type(value: str, form: str) -> str:
    return {
        "canonical": value,
        "upper": value.upper(),
        "lower": value.lower(),
        "padded": f" {value} ",
        "synonym": TYPE_SYNONYMS[value],
    }[form]


def _signed(day: date, form: str) -> object:
    """The SIGNED cell's value (a date, a number or text)."""
    month = day.strftime("%B")
    return {
        "date": day,
        "datetime": datetime(day.year, day.month, day.day),
        "serial": (day - date(1899, 12, 30)).days,
        "us": day.strftime("%m/%d/%Y"),
        "us_short": f"{day.month}/{day.day}/{day.year}",
        "long": f"{month} {day.day}, {day.year}",
        "abbr": f"{month[:3]} {day.day}, {day.year}",
        "day_month": f"{day.day} {month} {day.year}",
        "iso": day.isoformat(),
        "padded": f" {day.strftime('%m/%d/%Y')}  ",
    }[form]


def _url(url: str, forms: tuple[str, ...]) -> str:
    """The MOA URL rewritten to the same document (the forms applied in a fixed order)."""
    if "percent" in forms:  # unreserved letters of the file name, escaped
        head, _, tail = url.rpartition("_")
        url = f"{head}_" + "".join(f"%{ord(ch):02X}" if ch.isupper() else ch for ch in tail)
    if "bare_host" in forms:
        url = url.replace("://www.ice.gov", "://ice.gov")
    if "upper_host" in forms:
        url = re.sub(r"://([^/]+)", lambda m: "://" + m[1].upper(), url)
    if "http" in forms:
        url = url.replace("https://", "http://")
    if "tracking" in forms:
        url += "?utm_source=newsletter&utm_medium=email"
    if "safelinks" in forms:
        url = (
            "https://nam12.safelinks.protection.outlook.com/?url="
            + quote(url, safe="")
            + "&data=05%7C02%7Cpress%40ice.dhs.gov%7C3f2a%7C0%7C0%7C638866&sdata=Zm9v%3D"
            "&reserved=0"
        )
    return url


def _deterministic(data: bytes) -> bytes:
    """openpyxl's bytes with the document and zip timestamps pinned."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            payload = source.read(info)
            if info.filename == "docProps/core.xml":
                text = payload.decode("utf-8")
                text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "2025-01-01T00:00:00Z", text)
                payload = text.encode("utf-8")
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), payload)
    return buffer.getvalue()


def build_sheet(
    facts: list[Fact],
    form: SheetForm = PLAIN,
    columns: tuple[str, ...] = PARTICIPATING,
) -> bytes:
    """The XLSX bytes of ``facts`` written in ``form`` under ``columns`` (CSV bytes when
    the form says so: one sheet, nothing merged)."""
    if form.as_csv:
        flat = replace(form, as_csv=False, by_model=False, paged=None, merged_states=False)
        return as_csv(build_sheet(facts, flat, columns))
    names = list(columns) + (["NOTES"] if form.notes else [])
    order = list(form.columns) if form.columns is not None else list(range(len(names)))
    order += [i for i in range(len(names)) if i not in order]  # NOTES when not placed
    layout = [names[i] for i in order]
    aliases = dict(zip(names, form.aliases, strict=False))
    header = [HEADER_ALIASES[n][aliases.get(n, 0) % len(HEADER_ALIASES[n])] for n in layout]
    rows_order = list(form.order) if form.order is not None else list(range(len(facts)))
    if form.repeated is not None and facts:
        rows_order.append(rows_order[form.repeated % len(rows_order)])
    parts = [("Sheet1", rows_order)]
    if form.by_model:
        models = sorted({facts[index].model for index in rows_order})
        parts = [(m, [i for i in rows_order if facts[i].model == m]) for m in models] or parts
    elif form.paged is not None and 0 < form.paged < len(rows_order):
        parts = [("Sheet1", rows_order[: form.paged]), ("Sheet2", rows_order[form.paged :])]
    workbook = openpyxl.Workbook()
    for number, (title, order) in enumerate(parts):
        sheet = workbook.active if number == 0 else workbook.create_sheet()
        sheet.title = title
        _write_rows(sheet, [facts[i] for i in order], [_form_of(form, i) for i in order],
                    form, (layout, header))  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _deterministic(buffer.getvalue())


def _form_of(form: SheetForm, index: int) -> RowForm:
    return form.rows[index] if index < len(form.rows) else RowForm()


def _write_rows(
    sheet: Worksheet,
    facts: list[Fact],
    forms: list[RowForm],
    form: SheetForm,
    columns: tuple[list[str], list[str]],
) -> None:
    """One sheet: the title, the header and the rows, in ``form``'s layout."""
    layout, header = columns
    if form.title:
        sheet.append(["287(g) Participating Agencies"])
        sheet.append(["Updated 03/01/2025"])
    if form.two_row_header:
        _two_row_header(sheet, layout, header)
    else:
        sheet.append(header)
    at = sheet.max_row + 1
    runs: list[tuple[int, int, str]] = []  # (first row, last row, state) of adjacent rows
    heading, above = None, (-1, -1)  # (agency, sheet row) of the row written last
    for position, (fact, row_form) in enumerate(zip(facts, forms, strict=True)):
        state = POOL[fact.agency].state
        if form.state_headings and state != heading:
            sheet.cell(row=at, column=1, value=STATE_NAMES[state].upper())
            heading, at = state, at + 1
        grouped = form.grouped and above == (fact.agency, at - 1)
        for column, name in enumerate(layout, start=1):
            if form.state_headings and name == "STATE":
                continue
            if not (grouped and name in ("STATE", "AGENCY", "TYPE", "COUNTY")):
                _write(sheet.cell(row=at, column=column), name, fact, row_form)
        above = (fact.agency, at)
        if runs and runs[-1][1] == at - 1 and runs[-1][2] == state:
            runs[-1] = (runs[-1][0], at, state)
        else:
            runs.append((at, at, state))
        at += 1
        if position in form.blank_after:
            at += 1
        if position == form.header_again_after:
            for column, text in enumerate(header, start=1):
                sheet.cell(row=at, column=column, value=text)
            at += 1
    if form.merged_states and not form.state_headings:
        column = layout.index("STATE") + 1
        for first, last, _state in runs:
            if last > first:
                sheet.merge_cells(
                    start_row=first, start_column=column, end_row=last, end_column=column
                )


def _two_row_header(sheet: Worksheet, layout: list[str], header: list[str]) -> None:
    top_row = sheet.max_row + 1 if sheet.max_row > 1 or sheet["A1"].value else 1
    for column, (name, text) in enumerate(zip(layout, header, strict=True), start=1):
        top, bottom = TWO_ROW_HEADER.get(name, (text, None))
        sheet.cell(row=top_row, column=column, value=top)
        if bottom is None:
            sheet.merge_cells(
                start_row=top_row, start_column=column, end_row=top_row + 1, end_column=column
            )
        else:
            sheet.cell(row=top_row + 1, column=column, value=bottom)
    for column, (left, right) in enumerate(itertools.pairwise(layout), start=1):
        if (left, right) == ("SIGNED", "MOA"):
            sheet.cell(row=top_row, column=column + 1, value=None)
            sheet.merge_cells(
                start_row=top_row, start_column=column, end_row=top_row, end_column=column + 1
            )


def _write(cell: Cell, column: str, fact: Fact, form: RowForm) -> None:
    agency = POOL[fact.agency]
    value: object = None
    if column == "STATE":
        value = _state(agency.state, form.state)
    elif column == "AGENCY":
        value = _with_state(_name(agency.name, form.name), agency.state, form.state_set_off)
        if form.name == "with_model":  # the row's model restated: Alpha PD (TFM)
            value = f"{value} ({fact.model})"
        elif form.name == "marked_new":  # where the row stands: *NEW* Alpha PD
            value = f"*NEW* {value}"
        elif form.name == "marked_pending":  # Alpha PD (Pending)
            value = f"{value} (Pending)"
    elif column == "TYPE":
        value = _type(agency.agency_type, form.agency_type)
    elif column == "COUNTY":
        value = _county(agency.county, form.name)
    elif column == "SUPPORT TYPE":
        value = _model(fact.model, form.model)
    elif column == "NOTES":
        value = form.notes
    elif column == "SIGNED" and fact.signed is not None:
        value = _signed(fact.signed, form.signed)
    elif column == "MOA":
        _write_link(cell, fact.moa_url, form)
        return
    cell.value = value
    if column == "SIGNED" and form.signed in ("date", "datetime"):
        cell.number_format = form.number_format
    if column == "SIGNED" and form.signed == "serial":
        cell.number_format = "General"


def _write_link(cell: Cell, url: str, form: RowForm) -> None:
    target = _url(url, form.url)
    if form.link == "url_text":
        cell.value = target
        return
    cell.value = url if form.link == "hyperlink_on_url" else form.link_text
    cell.hyperlink = target


# --------------------------------------------------------------------------- feeding


class Feeds:
    """Feeds XLSX bytes through the parser and the engine, one day apart."""

    def __init__(self, rules: Rules = RULES) -> None:
        self.state, self.rules, self.day, self.rejected = ProgramState(), rules, 0, 0
        self.events: list[Event] = []
        self.expect: list[Fact] | None = None

    def restored(self, first: bytes, data: bytes, facts: list[Fact]) -> Outcome:
        """Feed a sheet restoring an earlier form: when its bytes are the ``first``
        sheet's, it is that older list again (a stale copy, by its bytes), held once,
        and read when seen again a day later."""
        if data == first:
            self.day += 1
            listing = parse_listing(data, f"list{self.day:03d}.xlsx")
            ref = self._ref(data, listing)
            held = apply_snapshot(self.state, ref, listing, None, self.rules)
            self.state = held.state
            if held.accepted:  # reading it records no change: read
                self.events.extend(held.events)
                return held
            assert held.reason and held.reason.startswith("stale: the same bytes as the list of")
        return self(data, facts)

    def _ref(self, data: bytes, listing: ParsedListing) -> SnapshotRef:
        return SnapshotRef(
            id=f"s{self.day:03d}",
            observed_at=(FIRST_DAY + timedelta(days=self.day)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            sha256=hashlib.sha256(data).hexdigest(),
            kind=listing.kind,
            where=f"list{self.day:03d}.xlsx",
        )

    def __call__(self, data: bytes, facts: list[Fact] | None = None) -> Outcome:
        """Feed one sheet; with ``facts``, first check the parser read them all. A sheet
        that takes back a change (the very rows of an older list again: one taken out,
        put back, taken out again) is held as a stale copy would be, and read when seen
        again a day later (the gate's rule, whatever the form)."""
        self.expect = facts
        self.day += 1
        listing = parse_listing(data, f"list{self.day:03d}.xlsx")
        ref = self._ref(data, listing)
        if self.expect is not None:
            assert read_back(listing) == stated(self.expect), "the parser misread a form"
        outcome = apply_snapshot(self.state, ref, listing, None, self.rules)
        if not outcome.accepted and (outcome.reason or "").startswith("stale: the very rows"):
            self.state, self.rejected = outcome.state, self.rejected + 1
            self.events.extend(outcome.events)
            self.day += 1
            outcome = apply_snapshot(
                self.state, self._ref(data, listing), listing, None, self.rules
            )
        assert outcome.accepted, outcome.reason
        self.state = outcome.state
        self.events.extend(outcome.events)
        return outcome


Stated = tuple[str, str, str, str | None, str | None]


def stated(facts: list[Fact]) -> list[Stated]:
    """What the facts say, as the parser should read them from any form (a name by its
    key: ``SO`` for ``Sheriff's Office`` is the same name)."""
    return sorted(
        (
            POOL[f.agency].state,
            agency_key(POOL[f.agency].name, POOL[f.agency].state),
            f.model,
            f.signed.isoformat() if f.signed else None,
            f.moa_url if f.signed else None,
        )
        for f in facts
    )


def read_back(listing: ParsedListing) -> list[Stated]:
    """What the parser read, links compared as documents (a row listed twice, once)."""
    return sorted(
        {
            (
                r.state,
                agency_key(r.agency, r.state),
                r.model or "?",
                r.signed.isoformat() if r.signed else None,
                canonical_link(r.moa_url),
            )
            for r in listing.rows
        }
    )


def described(events: tuple[Event, ...] | list[Event]) -> list[tuple[str, str, str]]:
    """Events as kind, subject and (for a change) the fields changed: what a researcher
    reads in the change log, without ids or snapshot references."""
    return sorted(
        (
            e.kind,
            e.subject,
            ",".join(sorted(e.after or {})) if e.kind == "agreement.changed" else "",
        )
        for e in events
        if e.kind != "snapshot.rejected"  # a list held is named by its snapshot: counted apart
    )


# --------------------------------------------------------------------------- strategies

SIGNED_DATES = st.dates(date(2018, 1, 1), date(2025, 2, 28))


@st.composite
def agreements(draw: st.DrawFn, min_size: int = 2, max_size: int = 12) -> list[Fact]:
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, len(POOL) - 1), st.sampled_from(MODELS)),
            min_size=min_size,
            max_size=max_size,
            unique=True,
        )
    )
    return [Fact(a, m, draw(SIGNED_DATES)) for a, m in pairs]


@st.composite
def applications(draw: st.DrawFn) -> list[Fact]:
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, len(POOL) - 1), st.sampled_from(MODELS)),
            min_size=2,
            max_size=12,
            unique=True,
        )
    )
    return [Fact(a, m) for a, m in pairs]


def row_forms() -> st.SearchStrategy[RowForm]:
    return st.builds(
        RowForm,
        name=st.sampled_from(NAME_FORMS),
        state=st.sampled_from(STATE_FORMS),
        model=st.sampled_from(MODEL_FORMS),
        agency_type=st.sampled_from(TYPE_FORMS),
        signed=st.sampled_from(SIGNED_FORMS),
        number_format=st.sampled_from(DATE_NUMBER_FORMATS),
        link=st.sampled_from(LINK_FORMS),
        link_text=st.sampled_from(("link", "Link", "LINK", "MOA")),
        url=st.lists(st.sampled_from(URL_FORMS), unique=True, max_size=3).map(tuple),
        notes=st.none() | st.sampled_from(("Updated", "see addendum", "Amended 2025")),
    )


@st.composite
def sheet_forms(draw: st.DrawFn, rows: int, columns: int, notes: bool | None = None) -> SheetForm:
    with_notes = draw(st.booleans()) if notes is None else notes
    width = columns + with_notes
    return SheetForm(
        order=tuple(draw(st.permutations(range(rows)))),
        columns=tuple(draw(st.permutations(range(width)))),
        notes=with_notes,
        blank_after=frozenset(draw(st.sets(st.integers(0, rows - 1), max_size=2))),
        header_again_after=draw(st.none() | st.integers(0, max(rows - 2, 0))),
        aliases=tuple(draw(st.lists(st.integers(0, 3), min_size=width, max_size=width))),
        rows=tuple(draw(st.lists(row_forms(), min_size=rows, max_size=rows))),
        repeated=draw(st.none() | st.integers(0, rows - 1)),
        title=draw(st.booleans()),
        merged_states=draw(st.booleans()),
        two_row_header=draw(st.booleans()),
        by_model=draw(st.booleans()),
        paged=draw(st.none() | st.integers(1, max(rows - 1, 1))),
        as_csv=draw(st.booleans()),
        state_headings=draw(st.booleans()),
        grouped=draw(st.booleans()),
    )


def optional_columns(full: tuple[str, ...], with_type: bool, with_county: bool) -> tuple[str, ...]:
    return tuple(c for c in full if (c != "TYPE" or with_type) and (c != "COUNTY" or with_county))


# --------------------------------------------------------------------------- properties


def republished(
    data: st.DataObject, facts: list[Fact], columns: tuple[str, ...], kind: str
) -> tuple[Outcome, list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """Feed ``facts`` in one drawn form, then in another: the first feed's outcome, the
    second's events (described) and the events it must make (``source.schema_changed``
    only when the unknown NOTES column came or went)."""
    first = data.draw(sheet_forms(len(facts), len(columns)), "first form")
    second = data.draw(sheet_forms(len(facts), len(columns)), "second form")
    feed = Feeds()
    added = feed(build_sheet(facts, first, columns), facts)
    again = feed(build_sheet(facts, second, columns), facts)
    later = feed(build_sheet(facts, second, columns), facts)  # columns changed: held a day
    schema = ("source.schema_changed", f"{kind}-list", "")
    events = described((*again.events, *later.events))
    return added, events, [schema] if first.notes != second.notes else []


@SETTINGS
@given(st.data(), agreements(), st.booleans(), st.booleans())
def test_a_list_republished_in_another_form_makes_no_event(
    data: st.DataObject, facts: list[Fact], with_type: bool, with_county: bool
) -> None:
    columns = optional_columns(PARTICIPATING, with_type, with_county)
    added, again, expected = republished(data, facts, columns, "participating")
    assert Counter(e.kind for e in added.events)["agreement.added"] == len(facts)
    assert again == expected


@SETTINGS
@given(st.data(), applications(), st.booleans(), st.booleans())
def test_a_pending_list_republished_in_another_form_makes_no_event(
    data: st.DataObject, facts: list[Fact], with_type: bool, with_county: bool
) -> None:
    columns = optional_columns(PENDING, with_type, with_county)
    added, again, expected = republished(data, facts, columns, "pending")
    assert added.state.pending.last is not None
    assert Counter(e.kind for e in added.events)["pending.added"] == len(facts)
    assert again == expected


@SETTINGS
@given(st.data(), agreements(), st.sampled_from(("TYPE", "COUNTY", "MOA")))
def test_a_column_dropped_and_restored_changes_no_agreement(
    data: st.DataObject, facts: list[Fact], dropped: str
) -> None:
    fewer = tuple(column for column in PARTICIPATING if column != dropped)
    feed = Feeds()
    first = build_sheet(facts, data.draw(sheet_forms(len(facts), 7, notes=False)))
    feed(first, facts)
    without = build_sheet(facts, data.draw(sheet_forms(len(facts), 6, notes=False)), fewer)
    again = build_sheet(facts, data.draw(sheet_forms(len(facts), 7, notes=False)))
    # for a day, then back: flicker; for two days, then back for two: two schema changes
    flicker = [feed(without), feed.restored(first, again, facts)]
    assert all(outcome.events == () for outcome in flicker)
    dropped = [feed(without), feed(without), feed(again, facts), feed(again, facts)]
    assert [Counter(e.kind for e in outcome.events) for outcome in dropped] == [
        {},
        {"source.schema_changed": 1},
        {},
        {"source.schema_changed": 1},
    ]


@SETTINGS
@given(st.data(), agreements(), st.sampled_from(("after", "before", "paren")))
def test_a_list_without_its_state_column_whose_names_give_their_states_changes_no_agreement(
    data: st.DataObject, facts: list[Fact], where: str
) -> None:
    """The STATE column dropped, each name written with its state set off (``..., TX``,
    ``TX - ...``, ``... (Texas)``): the column's loss and return are the only events."""
    stateless = tuple(column for column in PARTICIPATING if column != "STATE")
    feed = Feeds()
    first = build_sheet(facts, data.draw(sheet_forms(len(facts), 7, notes=False)))
    feed(first, facts)
    form = data.draw(sheet_forms(len(facts), 6, notes=False))
    rows = tuple(replace(row, state_set_off=where) for row in form.rows)
    form = replace(form, rows=rows, merged_states=False, state_headings=False)
    without = build_sheet(facts, form, stateless)
    again = build_sheet(facts, data.draw(sheet_forms(len(facts), 7, notes=False)))
    outcomes = [feed(without), feed(without), feed.restored(first, again, facts), feed(again)]
    assert [Counter(e.kind for e in outcome.events) for outcome in outcomes] == [
        {},
        {"source.schema_changed": 1},
        {},
        {"source.schema_changed": 1},
    ]


# --------------------------------------------------------------------------- sequences


@dataclass(frozen=True)
class Change:
    """One real change to the participating list."""

    action: str  # add, remove, redate
    pair: tuple[int, str]
    signed: date | None = None

    def apply(self, facts: list[Fact]) -> list[Fact]:
        kept = [f for f in facts if f.pair != self.pair]
        if self.action == "remove":
            return kept
        return [*kept, Fact(*self.pair, self.signed)]


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Fact], list[list[Fact]]]:
    """A first list and the lists after each of a few real changes (every list differs
    from the one before it, and none is empty)."""
    facts = draw(agreements(min_size=3, max_size=8))
    lists = []
    current = facts
    seen = {f.pair for f in facts}
    for _ in range(draw(st.integers(2, 6))):
        present = sorted(f.pair for f in current)
        absent = sorted((a, m) for a in range(len(POOL)) for m in MODELS if (a, m) not in present)
        gone = sorted(seen - set(present))  # listed before: back, it is reinstated
        actions = ["add", "redate"] + (["remove"] * 2 if len(current) > 1 else [])
        action = draw(st.sampled_from(actions + (["back"] * 2 if gone else [])))
        if action == "add":
            change = Change("add", draw(st.sampled_from(absent)), draw(SIGNED_DATES))
        elif action == "back":
            change = Change("add", draw(st.sampled_from(gone)), draw(SIGNED_DATES))
        elif action == "remove":
            change = Change("remove", draw(st.sampled_from(present)))
        else:
            pair = draw(st.sampled_from(present))
            old = next(f.signed for f in current if f.pair == pair)
            new = draw(SIGNED_DATES.filter(partial(ne, old)))
            change = Change("redate", pair, new)
        current = change.apply(current)
        seen.add(change.pair)
        lists.append(current)
    return facts, lists


def removed(before: list[Fact], after: list[Fact]) -> bool:
    return bool({f.pair for f in before} - {f.pair for f in after})


@settings(max_examples=max(EXAMPLES - 5, 1), deadline=None)
@given(st.data(), histories(), st.booleans())
def test_real_changes_give_the_same_events_whatever_form_each_list_comes_in(
    data: st.DataObject, history: tuple[list[Fact], list[list[Fact]]], notes: bool
) -> None:
    """The same real changes, once in the plain form, once with every list in a form of
    its own and some lists published again in yet another form, give the same events
    (kind, subject and fields changed). A republication is only drawn where no agreement
    has just left the list: the engine confirms a withdrawal once the absence is seen
    in ``withdraw_after_snapshots`` distinct versions (by sha256) of the list, and a
    list published again in another form is another version, so it can confirm a
    withdrawal that the plain sequence leaves a blip. That is the rule as stated, not
    a cosmetic difference, and is left out of this property."""
    first, lists = history
    sequence = [first, *lists]
    plain, varied = Feeds(), Feeds()
    for facts in sequence:
        plain(build_sheet(facts), facts)
    columns = len(PARTICIPATING)
    for index, facts in enumerate(sequence):
        form = data.draw(sheet_forms(len(facts), columns, notes), f"form of list {index}")
        varied(build_sheet(facts, form), facts)
        just_removed = index > 0 and removed(sequence[index - 1], facts)
        if not just_removed and data.draw(st.booleans(), f"list {index} published again"):
            again = data.draw(sheet_forms(len(facts), columns, notes), f"form of list {index}")
            varied(build_sheet(facts, again), facts)
    assert described(varied.events) == described(plain.events)
    assert varied.rejected == plain.rejected
    kinds = Counter(e.kind for e in plain.events)
    assert kinds["agreement.added"] >= len(first)


# --------------------------------------------------------------------------- found


def test_columns_only_moved_are_no_schema_change_and_a_new_column_is_one() -> None:
    """Found by the first property: moving SUPPORT TYPE before COUNTY, or MOA before
    SIGNED, was ``source.schema_changed``. A list's schema is which columns it has."""
    facts = [Fact(0, "JEM", date(2024, 1, 2)), Fact(2, "TFM", date(2024, 5, 6))]
    feed = Feeds()
    feed(build_sheet(facts), facts)
    moved = feed(build_sheet(facts, SheetForm(columns=(0, 1, 2, 4, 3, 6, 5))), facts)
    assert moved.events == ()
    assert moved.state.participating.columns[3:] == ("SUPPORT TYPE", "COUNTY", "MOA", "SIGNED")
    feed(build_sheet(facts, SheetForm(notes=True)), facts)
    noted = feed(build_sheet(facts, SheetForm(notes=True)), facts)  # still, a day later
    [event] = noted.events
    assert event.kind == "source.schema_changed"
    assert event.before == {
        "columns": ["STATE", "AGENCY", "TYPE", "SUPPORT TYPE", "COUNTY", "MOA", "SIGNED"]
    }
    assert event.after == {"columns": [*PARTICIPATING, "NOTES"]}


def test_an_agencys_models_written_in_one_row_are_the_agreements_of_separate_rows() -> None:
    """``JEM/TFM`` in one row lists the same two agreements as a row for each model
    (same signed date and MOA): written either way, in turn, no event."""
    harris = POOL[0]
    day = date(2018, 1, 1)
    url = Fact(0, "JEM", day).moa_url
    common = [harris.state, harris.name, harris.agency_type, harris.county]
    by_row = [[*common, model, day, url] for model in ("JEM", "TFM")]
    in_one = [[*common, "JEM/TFM", day, url]]
    other = [[POOL[2].state, POOL[2].name, "County", POOL[2].county, "WSO", day, url]]
    feed = Feeds()
    for rows in (by_row, in_one, by_row, in_one):
        workbook = openpyxl.Workbook()
        for values in [list(PARTICIPATING), *rows, *other]:
            workbook.active.append(values)
        buffer = io.BytesIO()
        workbook.save(buffer)
        outcome = feed(buffer.getvalue())
    assert [kind for kind, *_ in described(feed.events)].count("agreement.added") == 3
    assert described(outcome.events) == []
    assert {e.kind for e in feed.events} == {"agency.joined", "agreement.added"}


def test_a_status_column_marks_an_agreement_ended_and_it_is_withdrawn() -> None:
    """A list that gains a status column of agreements in force makes only the schema
    event; one whose status then says an agreement ended withdraws it, as its absence
    would (confirmed by a second, distinct file)."""
    facts = [Fact(0, "JEM", date(2018, 1, 1)), Fact(2, "TFM", date(2018, 1, 2))]
    feed = Feeds()
    feed(build_sheet(facts), facts)

    def with_status(statuses: list[str], note: str) -> bytes:
        workbook = openpyxl.load_workbook(io.BytesIO(build_sheet(facts)))
        sheet = workbook.active
        sheet.cell(row=1, column=len(PARTICIPATING) + 1, value="Status")
        for row, status in enumerate(statuses, start=2):
            sheet.cell(row=row, column=len(PARTICIPATING) + 1, value=status)
        sheet.cell(row=len(statuses) + 3, column=1, value=note)  # another file, same list
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    active = [feed(with_status(["Active", "Active"], note)) for note in ("a", "a2")]
    assert [described(outcome.events) for outcome in active] == [
        [],
        [("source.schema_changed", "participating-list", "")],
    ]
    feed(with_status(["Active", "Terminated"], "b"))
    ended = feed(with_status(["Active", "Terminated"], "c"))
    assert ("agreement.withdrawn", "fl-collier-county-sheriff-office|TFM", "") in described(
        ended.events
    )
