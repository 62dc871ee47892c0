"""Write the HTML test pages in this folder, each with its expectations beside it.

The May 2024 pages are built from the text of ICE's 287(g) page of May 2024 (the
participating table: 135 rows, 60 Jail Enforcement Model agreements in 16 states and 75
Warrant Service Officer agreements in 11 states, plus the steering committee tables),
rendered in several plausible markups. The landing pages reproduce the 2025 page's
counts prose and link the lists in the drifting forms ICE has used.

Run from the repository root (the seeds live outside the repository)::

    .venv/bin/python tests/cases/html/make_pages.py [seed_2024.txt] [seed_2025.txt]

Each ``name.html`` gets a ``name.json`` with ``legacy`` and/or ``landing`` sections:
a summary and spot-checked rows, or ``{"error": "..."}``.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from parsers.states import STATES  # noqa: E402

SEED_2024 = Path("/work/shared/seeds/001_d203700c9f76d33f.txt")
SEED_2025 = Path("/work/shared/seeds/002_3e28073011141e65.txt")
ICE = "https://www.ice.gov"
PAGE_URL = ICE + "/identify-and-arrest/287g"
WAYBACK_PAGE = "https://web.archive.org/web/20240515101010/" + PAGE_URL
MODEL_CODES = {"Jail Enforcement Model": "JEM", "Warrant Service Officer": "WSO"}


@dataclass(frozen=True)
class SeedRow:
    state: str
    agency: str
    support: str
    signed: date
    addendum: bool

    @property
    def model(self) -> str:
        return MODEL_CODES[self.support]

    @property
    def code(self) -> str:
        return STATES[self.state]

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9]", "", self.agency.replace("\u2019", "")) + self.code

    @property
    def moa_path(self) -> str:
        return f"/doclib/287gMOA/287g{self.model}_{self.slug}.pdf"

    @property
    def addendum_path(self) -> str:
        return f"/doclib/287gMOA/287g{self.model}_{self.slug}_Addendum.pdf"


def read_rows(text: str) -> list[SeedRow]:
    """The participating rows of the seed: 'STATE | AGENCY | SUPPORT | DATE | link |'."""
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) >= 6 and cells[0] in STATES and cells[2] in MODEL_CODES:
            signed = date.fromisoformat(cells[3])
            rows.append(SeedRow(cells[0], cells[1], cells[2], signed, "addendum" in cells[5:]))
    return rows


def read_steering(text: str) -> list[tuple[str, list[list[str]]]]:
    """The steering committee tables of the seed, each with its fiscal-year heading."""
    tables: list[tuple[str, list[list[str]]]] = []
    heading = ""
    for line in text.splitlines():
        if re.fullmatch(r"FY ?\d{4}", line.strip()):
            heading = line.strip()
        elif line.startswith("MOA Name"):
            tables.append((heading, []))
        elif tables and line.count("|") == 4 and not line.startswith("---"):
            tables[-1][1].append([c.strip() for c in line.split("|")[:4]])
    return tables


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Style:
    """How one variant writes the table; the expectations follow from the same choices."""

    name: str
    base_url: str = PAGE_URL
    thead: bool = True
    header_tag: str = "th"
    header_cells: tuple[str, ...] = (
        "STATE",
        "LAW ENFORCEMENT AGENCY",
        "SUPPORT TYPE",
        "SIGNED",
        "MOA",
    )
    addendum: str = "in_moa"  # in_moa | sixth_cell | column
    link: Callable[[str], str] = lambda path: path
    wrap: Callable[[str], str] = lambda text: text
    date_text: Callable[[int, date], str] = lambda i, d: d.isoformat()
    state_text: Callable[[str], str] = lambda s: s
    agency_text: Callable[[int, str], str] = lambda i, a: a
    support_text: Callable[[int, str], str] = lambda i, s: s
    grouping: str = "none"  # none | rowspan | heading
    caption_row: bool = False
    outer_layout_table: bool = False
    steering: bool = False


def _row_cells(i: int, row: SeedRow, style: Style) -> list[str]:
    w = style.wrap
    moa = f'<a href="{escape(style.link(row.moa_path))}">{w("link")}</a>'
    addendum = f'<a href="{escape(style.link(row.addendum_path))}">{w("addendum")}</a>'
    cells = [
        w(escape(style.agency_text(i, row.agency))),
        w(escape(style.support_text(i, row.support))),
        w(escape(style.date_text(i, row.signed))),
    ]
    if style.addendum == "in_moa" and row.addendum:
        cells.append(f"{moa} | {addendum}")
    else:
        cells.append(moa)
    if style.addendum == "column":
        cells.append(addendum if row.addendum else "")
    elif style.addendum == "sixth_cell" and row.addendum:
        cells.append(addendum)
    return cells


def _header(style: Style) -> str:
    tag = style.header_tag
    cells = "".join(f"<{tag}>{c}</{tag}>" for c in style.header_cells)
    caption = '<tr><td colspan="5">Participating Entities</td></tr>' if style.caption_row else ""
    row = f"{caption}<tr>{cells}</tr>"
    return f"<thead>{row}</thead>" if style.thead else row


def _body_rows(rows: list[SeedRow], style: Style) -> list[str]:
    out = []
    for i, row in enumerate(rows, start=1):
        cells = _row_cells(i, row, style)
        first = i == 1 or rows[i - 2].state != row.state
        state = style.wrap(escape(style.state_text(row.state)))
        if style.grouping == "heading":
            if first:
                out.append(f'<tr><th colspan="5">{state}</th></tr>')
        elif style.grouping == "rowspan":
            if first:
                span = sum(1 for r in rows if r.state == row.state)
                cells.insert(0, f'<td rowspan="{span}">{state}</td>')
        else:
            cells.insert(0, state)
        out.append(
            "<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in cells) + "</tr>"
        )
    return out


def _table(rows: list[SeedRow], style: Style) -> str:
    body = "\n".join(_body_rows(rows, style))
    body = f"<tbody>\n{body}\n</tbody>" if style.thead else body
    table = f'<table class="usa-table">\n{_header(style)}\n{body}\n</table>'
    table = f'<div class="table-responsive"><div class="wrapper">{table}</div></div>'
    if style.outer_layout_table:
        table = f'<table width="100%"><tr><td class="layout">{table}</td></tr></table>'
    return table


PROSE_2024 = (
    "<h2>Participating Entities</h2><p>As of May 2024, ICE has 287(g) JEM agreements with "
    "60 law enforcement agencies in 16 states. ICE also has 287(g) WSO with 75 law "
    "enforcement agencies in 11 states.</p>"
)


def _steering_html(tables: list[tuple[str, list[list[str]]]]) -> str:
    parts = [
        "<h2>Steering Committee Meetings</h2><p>The purpose of the 287(g) steering "
        "committee is to discuss program oversight.</p>"
    ]
    for heading, rows in tables:
        head = "".join(f"<th>{c}</th>" for c in ("MOA Name", "Meeting Date", "Location", "Type"))
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
        parts.append(
            f"<h3>{heading}</h3><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
    return "\n".join(parts)


def page(title: str, main: str) -> str:
    """A page in the shape of ice.gov's: head, navigation, main content, footer."""
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head><meta charset="utf-8"><title>{title}</title>
<script>window.dataLayer = [{{"page": "287g", "count": 999}}];</script></head>
<body>
<a class="usa-skipnav" href="#main-content">Skip to main content</a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/about-ice">About ICE</a></li>
<li><a href="mailto:ERO287g@ice.dhs.gov">Contact</a></li></ul></nav>
<main id="main-content"><h1>{title}</h1>
{main}
</main>
<footer><a href="https://www.dhs.gov/">DHS</a> <a href="javascript:void(0)">Top</a></footer>
</body>
</html>
"""


# --------------------------------------------------------------------------- expectations


def expected_row(i: int, row: SeedRow, style: Style) -> dict[str, Any]:
    """The ListingRow fields a correct parser gives for data row ``i`` of this variant."""
    date_text = style.date_text(i, row.signed).strip()
    agency = " ".join(style.agency_text(i, row.agency).replace("\u2019", "'").split())
    return {
        "state": row.code,
        "state_raw": " ".join(style.state_text(row.state).split()),
        "agency": agency,
        "model": row.model,
        "model_raw": " ".join(style.support_text(i, row.support).split()),
        "signed": row.signed.isoformat(),
        "signed_raw": None if date_text == row.signed.isoformat() else date_text,
        "moa_url": ICE + row.moa_path,
        "moa_text": "link",
        "addendum_url": ICE + row.addendum_path if row.addendum else None,
        "addendum_text": "addendum" if row.addendum else None,
        "row_number": i,
        "flags": [],
    }


def legacy_expectation(rows: list[SeedRow], style: Style) -> dict[str, Any]:
    columns = ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED", "MOA"]
    if style.addendum == "column":
        columns.append("ADDENDUM")
    summary = {
        "rows": len(rows),
        "models": {"JEM": 60, "WSO": 75},
        "model_states": {"JEM": 16, "WSO": 11},
        "addenda": sum(r.addendum for r in rows),
        "columns": columns,
    }
    spots = [expected_row(i, rows[i - 1], style) for i in spot_rows(rows)]
    return {"summary": summary, "rows": spots}


def spot_rows(rows: list[SeedRow]) -> list[int]:
    """Rows checked field by field: the ends, typo rows, curly apostrophes, addenda."""
    picks = {1, 2, 20, 21, 22, len(rows)}
    picks |= {i for i, r in enumerate(rows, start=1) if r.addendum}
    picks.add(next(i for i, r in enumerate(rows, start=1) if "\u2019" in r.agency))
    return sorted(picks)


# --------------------------------------------------------------------------- variants

_DATE_FORMATS = (
    lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    lambda d: f"{d:%B} {d.day}, {d.year}",
    lambda d: f"{d.month}/{d.day}/{d:%y}",
    lambda d: f"{d:%b}. {d.day}, {d.year}",
    lambda d: d.isoformat(),
)


def _curly_agency(i: int, agency: str) -> str:
    text = agency.replace("'", "\u2019")
    if i % 7 == 0:
        text = text.replace("Sheriff", "Sherriff")
    return text + ("  " if i % 2 else "\u00a0")


def _typo_support(i: int, support: str) -> str:
    typos = {
        "Jail Enforcement Model": "Jail Enforcment Model ",
        "Warrant Service Officer": "Warrant Service Oficer",
    }
    return typos[support] if i % 5 == 0 else support + " "


def _wayback_link(path: str) -> str:
    digest = sum(map(ord, path))
    if digest % 3 == 0:
        return path
    if digest % 3 == 1:
        return "/web/20240515101010/" + ICE + path
    return "https://web.archive.org/web/20240515101010/" + ICE + path


STYLES = (
    Style("may2024_plain"),
    Style(
        "may2024_no_thead",
        thead=False,
        header_tag="td",
        addendum="sixth_cell",
        link=lambda path: ICE + path,
    ),
    Style(
        "may2024_strong_header",
        header_cells=(
            "<strong>STATE</strong>",
            "<p><strong>LAW ENFORCEMENT<br>AGENCY</strong></p>",
            "<strong>SUPPORT</strong> <strong>TYPE</strong>",
            "<p>SIGNED</p>",
            "<b>MOA</b>",
            "<strong>ADDENDUM</strong>",
        ),
        addendum="column",
        caption_row=True,
    ),
    Style(
        "may2024_wrapped",
        wrap=lambda text: f'<div class="cell"><span class="x">&nbsp;{text}</span></div>',
        link=lambda path: ".." + path,
        outer_layout_table=True,
        thead=False,
    ),
    Style("may2024_rowspan", grouping="rowspan"),
    Style("may2024_group_headings", grouping="heading", thead=False, header_tag="td"),
    Style("may2024_date_formats", date_text=lambda i, d: _DATE_FORMATS[i % 5](d)),
    Style(
        "may2024_curly",
        header_cells=("State ", "Law Enforcement Agency\u00a0", "Support Type", "Signed ", "MOA "),
        state_text=lambda s: s.title() + " ",
        agency_text=_curly_agency,
        support_text=_typo_support,
    ),
    Style("may2024_steering", steering=True),
    Style("may2024_wayback", base_url=WAYBACK_PAGE, link=_wayback_link),
)


Case = tuple[bytes, dict[str, Any]]


def legacy_pages(
    rows: list[SeedRow], steering: list[tuple[str, list[list[str]]]]
) -> dict[str, Case]:
    cases = {}
    for style in STYLES:
        main = PROSE_2024 + _table(rows, style)
        if style.steering:
            main += _steering_html(steering)  # tables the parser must ignore
        html = page(
            "Delegation of Immigration Authority Section 287(g) Immigration and Nationality Act",
            main,
        )
        expectation = {
            "base_url": style.base_url,
            "page_url": style.base_url,
            "legacy": legacy_expectation(rows, style),
            "landing": {
                "participating_url": None,
                "pending_url": None,
                "candidates": [],
                "has_legacy_table": True,
                "moa_links_count": len(rows) + sum(r.addendum for r in rows),
                "stated_counts": {"jem": 60, "wso": 75, "as_of_raw": "May 2024"},
            },
        }
        cases[style.name] = (html.encode("utf-8"), expectation)
    return cases


# --------------------------------------------------------------------------- landing pages

DOCLIB = "/doclib/about/offices/ero/287g/"


def prose_2025(seed: str) -> tuple[str, str]:
    """The seed's two count paragraphs, verbatim."""
    keep = [p.strip() for p in seed.split("\n\n") if re.search(r"444 Memorandums|66 applicat", p)]
    assert len(keep) == 2, keep
    return keep[0], keep[1]


def landing_2025(seed: str) -> tuple[str, dict[str, Any]]:
    counts, pending = prose_2025(seed)
    main = f"""
<h2>Keeping Track of Participating Agencies</h2>
<p>{escape(counts)}</p>
<p><a class="usa-button" href="{DOCLIB}participatingAgencies05182026am.xlsx">
View 287(g) Participating Agencies</a></p>
<p>Previous upload:
<a href="{ICE}{DOCLIB}287gParticipatingAgencies091526pm.xlsx">download (XLSX)</a></p>
<p><a href="{DOCLIB}participatingAgenciesFAQ.pdf">Participating agencies FAQ</a></p>
<h2>Pending Applications for the 287(g) Program</h2>
<p>{escape(pending)}</p>
<p><a class="usa-button" href="{ICE}{DOCLIB.upper()}PENDINGAGENCIES05182026AM.XLSX">
View 287(g) Pending Agencies</a></p>
<h2>Agreements</h2>
<ul><li><a href="/doclib/287gMOA/287gJEM_EtowahCountySheriffsOfficeAL.pdf">Etowah MOA</a></li>
<li><a href="https://www.ice.gov/doclib/287gMOA/287gWSO_KodiakPoliceDepartmentAK.pdf">
Kodiak MOA</a></li>
<li><a href="/doclib/287gMOA/287gJEM_EtowahCountySheriffsOfficeAL.pdf#page=2">
Etowah MOA p.2</a></li>
<li><a href="/doclib/287gMOA/287g TFM_Some County.pdf">TFM MOA</a></li></ul>
<p><a href="{DOCLIB}statistics.csv">Program statistics (CSV)</a></p>
"""
    expectation = {
        "participating_url": ICE + DOCLIB + "participatingAgencies05182026am.xlsx",
        "pending_url": ICE + DOCLIB.upper() + "PENDINGAGENCIES05182026AM.XLSX",
        "candidates": [
            ICE + DOCLIB + "participatingAgencies05182026am.xlsx",
            ICE + DOCLIB + "287gParticipatingAgencies091526pm.xlsx",
            ICE + DOCLIB.upper() + "PENDINGAGENCIES05182026AM.XLSX",
            ICE + DOCLIB + "statistics.csv",
        ],
        "has_legacy_table": False,
        "moa_links": [
            ICE + "/doclib/287gMOA/287g%20TFM_Some%20County.pdf",
            ICE + "/doclib/287gMOA/287gJEM_EtowahCountySheriffsOfficeAL.pdf",
            ICE + "/doclib/287gMOA/287gWSO_KodiakPoliceDepartmentAK.pdf",
        ],
        "stated_counts": {
            "total_moas": 444,
            "states": 38,
            "jem": 86,
            "wso": 180,
            "tfm": 178,
            "pending": 66,
            "as_of": "2025-04-04",
            "as_of_raw": "April 4, 2025",
        },
        "block_reason": None,
        # the "previous upload" is dated after the list taken: which is newest is a guess
        "rivals": {"participating": [ICE + DOCLIB + "287gParticipatingAgencies091526pm.xlsx"]},
    }
    return page(
        "Delegation of Immigration Authority Section 287(g) Immigration and Nationality Act", main
    ), expectation


def landing_drift() -> tuple[str, dict[str, Any]]:
    """No link text names the lists; file names drift (spaces, %20, case, stamps)."""
    main = f"""
<p>As of 05/18/2026, ICE has 1,044 Memorandums of Agreement (MOAs) in 40 states:
186 Jail Enforcement Model, 480 Warrant Service Officer, 378 Task Force Model.
There are 1,066 pending.</p>
<p><a href="{DOCLIB}participatingAgencies04212026am 12.15.07 AM.xlsx">Download</a>
<a href="{ICE}{DOCLIB}ParticipatingAgency091826am.xlsx">Download</a>
<a href="{DOCLIB}287gParticipatingAgencies091526pm.xlsx">Download</a>
<a href="{DOCLIB}pendingAgencies04212026am%2012.15.07%20AM.xlsx">Download</a>
<a href="{DOCLIB}participating agencies FAQ.pdf">participating agencies FAQ</a></p>
"""
    expectation = {
        "participating_url": ICE + DOCLIB + "ParticipatingAgency091826am.xlsx",
        "pending_url": ICE + DOCLIB + "pendingAgencies04212026am%2012.15.07%20AM.xlsx",
        "candidates": [
            ICE + DOCLIB + "participatingAgencies04212026am%2012.15.07%20AM.xlsx",
            ICE + DOCLIB + "ParticipatingAgency091826am.xlsx",
            ICE + DOCLIB + "287gParticipatingAgencies091526pm.xlsx",
            ICE + DOCLIB + "pendingAgencies04212026am%2012.15.07%20AM.xlsx",
        ],
        "has_legacy_table": False,
        "moa_links": [],
        "stated_counts": {
            "total_moas": 1044,
            "states": 40,
            "jem": 186,
            "wso": 480,
            "tfm": 378,
            "pending": 1066,
            "as_of": "2026-05-18",
            "as_of_raw": "05/18/2026",
        },
    }
    return page("287(g) Program", main), expectation


def landing_media() -> tuple[str, dict[str, Any]]:
    """Markup not yet seen: Drupal media downloads without extensions, an icon link named
    by its aria-label, an older upload beside the current one, links resolved against
    ``<base href>``, in an accordion and a ``<template>``, repeated in a mobile menu."""
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    main = f"""
<p>As of May 18, 2026, ICE has 1,044 Memorandums of Agreement (MOAs) in 40 states.</p>
<nav class="mobile-menu"><a href="/media/20001/download?inline">
<span>Participating</span> <span>Agencies</span> <span>(XLSX, 52 KB)</span></a></nav>
<div class="usa-accordion"><button class="usa-accordion__button">Lists</button>
<div class="usa-accordion__content" hidden>
<a href="/media/20001/download?inline">
<span>Participating</span> <span>Agencies</span> <span>(XLSX, 52 KB)</span></a>
<a href="../doclib/287g/participatingAgencies07012026am.xlsx">Previous list (March 2026)</a>
<a href="/media/19000/download" type="{xlsx}">Archived participating agencies</a>
</div></div>
<template id="pending-row"><a href="doclib/pendingAgencies.xlsx"
aria-label="Download the list of pending agencies"><svg aria-hidden="true"></svg></a></template>
<p><a href="/doclib/howto.pdf">How to open the participating agencies spreadsheet</a></p>
"""
    html = page("287(g) Program", main).replace(
        "<head>", '<head><base href="https://www.ice.gov/">', 1
    )
    expectation = {
        "participating_url": ICE + "/media/20001/download?inline",
        "pending_url": ICE + "/doclib/pendingAgencies.xlsx",
        "candidates": [
            ICE + "/media/20001/download?inline",
            ICE + "/doclib/287g/participatingAgencies07012026am.xlsx",
            ICE + "/media/19000/download",
            ICE + "/doclib/pendingAgencies.xlsx",
        ],
        "has_legacy_table": False,
        "moa_links": [],
        "block_reason": None,
    }
    return html, expectation


def landing_no_links() -> tuple[str, dict[str, Any]]:
    main = f"""
<p>The lists of participating and pending agencies are being updated. Check back later.</p>
<p><a href="{DOCLIB}participatingAgenciesFAQ.pdf">Participating agencies FAQ</a>
<a href="{DOCLIB}detentionStats.xlsx">Detention statistics</a>
<a href="{DOCLIB}removals.csv">Removals</a></p>
"""
    expectation = {
        "participating_url": None,
        "pending_url": None,
        "candidates": [ICE + DOCLIB + "detentionStats.xlsx", ICE + DOCLIB + "removals.csv"],
        "has_legacy_table": False,
        "moa_links": [],
        "stated_counts": None,
        "block_reason": None,
    }
    return page("287(g) Program", main), expectation


ACCESS_DENIED = """<HTML><HEAD>
<TITLE>Access Denied</TITLE>
</HEAD><BODY>
<H1>Access Denied</H1>

You don't have permission to access
"http&#58;&#47;&#47;www&#46;ice&#46;gov&#47;identify&#45;and&#45;arrest&#47;287g"
on this server.<P>
Reference&#32;&#35;18&#46;5c0f1002&#46;1716000000&#46;1a2b3c4d
<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;5c0f1002&#46;1716000000&#46;1a2b3c4d</P>
</BODY>
</HTML>
"""


def broken_pages(steering: list[tuple[str, list[list[str]]]], seed_text: str) -> dict[str, Case]:
    no_table = page(
        "287(g) Program", "<p>Lists are now spreadsheets.</p>" + _steering_html(steering[:1])
    )
    header_only = page(
        "287(g)",
        "<table><tr><th>STATE</th><th>LAW ENFORCEMENT AGENCY</th><th>SUPPORT TYPE</th>"
        "<th>SIGNED</th><th>MOA</th></tr></table>",
    )
    no_table_error = {"error": "no 287(g) participating table found"}
    cases: dict[str, Case] = {"no_table": (no_table.encode(), {"legacy": no_table_error})}
    cases["access_denied"] = (
        ACCESS_DENIED.encode(),
        {
            "legacy": {
                "error": "no 287(g) participating table found "
                "(the page looks like an error or block page: 'Access Denied')"
            },
            "landing": {
                "participating_url": None,
                "pending_url": None,
                "candidates": [],
                "block_reason": "Access Denied",
                "stated_counts": None,
            },
        },
    )
    columns = ["STATE", "AGENCY", "SUPPORT TYPE", "SIGNED", "MOA"]
    cases["header_only"] = (
        header_only.encode(),
        {"legacy": {"summary": {"rows": 0, "columns": columns}}},
    )
    noise = random.Random(287).randbytes(4096)
    binaries = {
        "zip_bytes": (
            b"PK\x03\x04\x14\x00\x06\x00" + noise[:200],
            "not HTML: looks like a zip archive",
        ),
        "pdf_bytes": (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Type/Catalog>>\n" + noise[:200],
            "not HTML: looks like a PDF",
        ),
        "binary_noise": (noise, "not HTML"),
        "plain_text": (seed_text.encode("utf-8"), "not HTML: no markup found"),
        "empty": (b"", "empty document"),
        "whitespace": (b"  \n\t ", "empty document"),
    }
    for name, (data, error) in binaries.items():
        cases[name] = (data, {"legacy": {"error": error}, "landing": {"error": error}})
    return cases


def landing_pages(seed_2025: str) -> dict[str, Case]:
    pages = {
        "landing_2025": landing_2025(seed_2025),
        "landing_drift": landing_drift(),
        "landing_media": landing_media(),
        "landing_no_links": landing_no_links(),
    }
    return {
        name: (html.encode("utf-8"), {"page_url": PAGE_URL, "landing": expectation})
        for name, (html, expectation) in pages.items()
    }


def build_cases(seed_2024: str, seed_2025: str) -> dict[str, Case]:
    """Every case page (bytes) with its expectation, by name."""
    rows = read_rows(seed_2024)
    assert len(rows) == 135, len(rows)
    steering = read_steering(seed_2024)
    return {
        **legacy_pages(rows, steering),
        **broken_pages(steering, seed_2024),
        **landing_pages(seed_2025),
    }


def expectation_text(expectation: dict[str, Any]) -> str:
    return json.dumps(expectation, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def write(out: Path, cases: dict[str, Case]) -> None:
    for name, (data, expectation) in cases.items():
        (out / f"{name}.html").write_bytes(data)
        (out / f"{name}.json").write_text(expectation_text(expectation), encoding="utf-8")


def main(argv: list[str]) -> None:
    seed_2024 = Path(argv[1]) if len(argv) > 1 else SEED_2024
    seed_2025 = Path(argv[2]) if len(argv) > 2 else SEED_2025
    cases = build_cases(
        seed_2024.read_text(encoding="utf-8"), seed_2025.read_text(encoding="utf-8")
    )
    write(HERE, cases)


if __name__ == "__main__":
    main(sys.argv)
