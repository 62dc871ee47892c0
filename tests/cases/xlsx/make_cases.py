"""Build the XLSX parser cases in this folder: ``name.xlsx`` beside ``name.json``.

    python tests/cases/xlsx/make_cases.py            # (re)build the .xlsx files only
    python tests/cases/xlsx/make_cases.py --regen    # ... and rewrite every .json

The ``.json`` files are the expected ParsedListing (kind, columns, warnings, row count and
every row via ListingRow.to_dict), or ``{"error": "..."}`` (a substring of the
ParseError reason) for broken files. ``--regen`` writes them from the current parser: only
run it after checking the output by eye (for the real files, against openpyxl).

Kinds of case:
- ``real_*``: small files copied byte for byte from ../shared/corpus/ice-sheets (skipped
  when the corpus is absent; the copies here are what the tests use).
- ``synthetic_*``: made with openpyxl, then post-processed where openpyxl cannot write the
  shape (shared strings as Excel writes them, hyperlink ranges, inline strings, ...).
- ``broken_*``: files the parser must refuse with a ParseError.

Every file is deterministic: zip member times and document timestamps are fixed.
"""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import sys
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "ice-sheets"
FIXED_TIME = (2025, 1, 1, 0, 0, 0)
NBSP = "\u00a0"

REAL_FILES = {
    "real_feb_no_county": "participating/participatingAgencies-20250221214937.xlsx",
    "real_link_addendum_no_hyperlinks": "participating/participatingAgencies-20250301180751.xlsx",
    "real_march_county": "participating/participatingAgencies-20250318025911.xlsx",
    "real_pending_20250404": "pending/pendingAgencies-20250404231038.xlsx",
    "real_july_addendum_year_5025": "participating/participatingAgencies07082025pm.xlsx",
}

HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]
MOA_URL = "https://www.ice.gov/doclib/287gMOA/287gWSO_{}.pdf"
SAFELINK = (
    "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib"
    "%2F287gMOA%2FExampleCoSheriffsOfficeFL_TFM_MOA_06052025.pdf&data=05%7C02%7C&reserved=0"
)


# --------------------------------------------------------------------------- zip helpers


def zip_members(data: bytes) -> dict[str, bytes]:
    """Every member of a zip, in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def build_zip(members: dict[str, bytes]) -> bytes:
    """A deflated zip of ``members`` with fixed timestamps (deterministic bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in members.items():
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, payload)
    return buffer.getvalue()


def save(workbook: openpyxl.Workbook) -> bytes:
    """Save with openpyxl, then pin timestamps so the bytes do not change run to run."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    members = zip_members(buffer.getvalue())
    core = members["docProps/core.xml"].decode("utf-8")
    core = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "2025-01-01T00:00:00Z", core)
    members["docProps/core.xml"] = core.encode("utf-8")
    return build_zip(members)


_INLINE = re.compile(
    r'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="inlineStr"><is><t(?: xml:space="preserve")?>'
    r"([^<]*)</t></is></c>"
)


def to_shared_strings(data: bytes) -> bytes:
    """Rewrite openpyxl's inline strings as a shared string table, as Excel writes it."""
    members = zip_members(data)
    table: dict[str, int] = {}

    def shared(match: re.Match[str]) -> str:
        index = table.setdefault(match[3], len(table))
        return f'<c r="{match[1]}"{match[2]} t="s"><v>{index}</v></c>'

    for name in [n for n in members if n.startswith("xl/worksheets/sheet")]:
        members[name] = _INLINE.sub(shared, members[name].decode("utf-8")).encode("utf-8")
    members["xl/sharedStrings.xml"] = _sst_xml(list(table))
    rels = members["xl/_rels/workbook.xml.rels"].decode("utf-8")
    rel = (
        '<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/>'
    )
    members["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>", rel + "</Relationships>"
    ).encode()
    types = members["[Content_Types].xml"].decode("utf-8")
    override = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    members["[Content_Types].xml"] = types.replace("</Types>", override + "</Types>").encode()
    return build_zip(members)


def _sst_xml(strings: list[str]) -> bytes:
    items = []
    for text in strings:  # the text is already XML-escaped (it came from the sheet XML)
        space = ' xml:space="preserve"' if text != text.strip() else ""
        items.append(f"<si><t{space}>{text}</t></si>")
    body = "".join(items)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{body}</sst>'
    ).encode()


def edit_sheet(data: bytes, sheet: str, edit: Callable[[str], str]) -> bytes:
    members = zip_members(data)
    members[sheet] = edit(members[sheet].decode("utf-8")).encode("utf-8")
    return build_zip(members)


def with_formulas(
    data: bytes, formulas: dict[str, tuple[str, str]], sheet: str = "xl/worksheets/sheet1.xml"
) -> bytes:
    """Cells rewritten as Excel writes a formula giving text: ``t="str"``, the formula
    and its cached value; ``formulas`` maps a cell to (formula, cached text)."""

    def edit(xml: str) -> str:
        for ref, (formula, cached) in formulas.items():
            cell = f'<c r="{ref}" t="str"><f>{escape(formula)}</f><v>{escape(cached)}</v></c>'
            pattern = f'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'
            xml, count = re.subn(pattern, lambda _match, cell=cell: cell, xml, count=1)
            assert count == 1, f"no cell {ref} in {sheet}"
        return xml

    return edit_sheet(data, sheet, edit)


# --------------------------------------------------------------------------- synthetic


def _list_sheet(
    ws: Worksheet, rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER, start: int = 1
) -> None:
    for column, name in enumerate(header, start=1):
        ws.cell(row=start, column=column, value=name)
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(row=start + offset, column=column, value=value)


def _link(ws: Worksheet, ref: str, url: str) -> None:
    ws[ref].hyperlink = url


def case_header_not_in_row_1() -> bytes:
    """Title rows above the header, odd header spelling, every cell quirk of the corpus."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Participating"
    ws["A1"] = "287(g) Participating Agencies"
    ws["A2"] = "Updated 07/08/2025"
    header = [
        "State ",
        "law enforcement agency",
        " TYPE",
        "County ",
        "Support Type  ",
        "SIGNED",
        "MOA ",
    ]
    rows: list[list[object]] = [
        [
            "TEXAS ",
            "Harris County Sheriff\u2019s Office",
            "County ",
            "Harris County",
            "Jail Enforcement Model",
            date(2020, 6, 9),
            "link",
        ],
        [
            "texas",
            "Harris  County Sheriff's Office",
            "County",
            "Harris County",
            "Warrant Service Officer",
            "05/082025",
            "link",
        ],
        [
            "UTAh",
            "Utah County Sheriff's Office",
            "County",
            "#NA",
            "Task Force Officer",
            "7/72025",
            "link | addendum".replace(" ", NBSP),
        ],
        [
            "FLORIDA",
            "Collier County Sheriff's Office",
            "Muncipality",
            NBSP,
            "Warrant Service Office",
            datetime(5025, 7, 7),
            "link pending",
        ],
        [None, None, None, None, None, None, NBSP],
        [
            "GEORGIA",
            "Hall County Sheriff's Office",
            "County",
            "Hall County",
            "Jail Enforcment Model ",
            date(1991, 2, 1),
            MOA_URL.format("HallCoGA"),
        ],
        [
            "ATLANTIS",
            "Atlantis Police Department",
            "Municipality",
            None,
            "Task Force Model",
            "not yet",
            "Link Pending",
        ],
        ["State", "Law Enforcement Agency", "Type", "County", "Support Type", "Signed", "MOA"],
        [None, None, None, "* counties are listed where known", None, None, None],
        [
            "OHIO",
            "Butler County Sheriff's Office",
            "County",
            "Butler County",
            "Deputy Program",
            45000,
            "link",
        ],
        ["NEVADA", None, "County", "Lyon County", "Warrant Service Officer", None, None],
    ]
    _list_sheet(ws, rows, header=header, start=4)
    _link(ws, "G5", MOA_URL.format("HarrisCoTX_JEM"))
    _link(ws, "G6", MOA_URL.format("HarrisCoTX"))
    _link(ws, "G7", MOA_URL.format("UtahCoUT"))
    _link(ws, "G14", SAFELINK)
    ws["A17"] = NBSP
    return to_shared_strings(save(wb))


def case_shuffled_columns() -> bytes:
    """Columns in another order and names, an unknown column, data in an unnamed column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    header = [
        "MOA",
        "Model",
        "Agency Name",
        "NOTES",
        "State",
        "Date Signed",
        "Agency Type",
        "",
        "County",
    ]
    rows: list[list[object]] = [
        [
            "link",
            "Task Force Model",
            "Edgewater Police Department",
            "new",
            "FLORIDA",
            date(2025, 7, 2),
            "Municipality",
            "x",
            "Volusia County",
        ],
        [
            "link",
            "Warrant Service Officer",
            "Lyon County Sheriff's Office",
            None,
            "NEVADA",
            date(2025, 6, 3),
            "County",
            None,
            "Lyon County",
        ],
        [
            "link pending",
            "Jail Enforcement Model",
            "Elmore County Sheriff's Office",
            None,
            "ALABAMA",
            date(2025, 3, 17),
            "County",
            "y",
            "Elmore County",
        ],
    ]
    _list_sheet(ws, rows, header=header)
    _link(ws, "A2", SAFELINK)
    _link(ws, "A3", MOA_URL.format("LyonCoNV"))
    return to_shared_strings(save(wb))


def case_extra_sheet_first() -> bytes:
    """A notes sheet before the list and a hidden old copy after it."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Read me"
    notes["A1"] = "This workbook lists 287(g) agreements."
    notes["A2"] = "Agency"
    notes["B2"] = "Contact"
    listing = wb.create_sheet("Sheet1")
    _list_sheet(
        listing,
        [
            [
                "ALABAMA",
                "Cherokee County Sheriff's Office",
                "County",
                "Cherokee County",
                "Warrant Service Officer",
                date(2025, 6, 25),
                "link",
            ],
            [
                "ALABAMA",
                "Colbert County Sheriff's Office",
                "County",
                "Colbert County",
                "Warrant Service Officer",
                date(2025, 5, 8),
                "link",
            ],
        ],
    )
    _link(listing, "G2", MOA_URL.format("CherokeeCoAL"))
    _link(listing, "G3", MOA_URL.format("ColbertCoAL"))
    old = wb.create_sheet("old")
    old.sheet_state = "hidden"
    _list_sheet(
        old,
        [
            [
                "ALABAMA",
                "Old Agency",
                "County",
                None,
                "Jail Enforcement Model",
                date(2019, 1, 1),
                "link",
            ]
        ],
    )
    return to_shared_strings(save(wb))


def case_hyperlink_ranges() -> bytes:
    """One hyperlink element covering a range (two agencies' cells: a link three share
    is none of theirs, ``parsers/shared_links.py``), one internal link (``location``)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    header = [*HEADER, "ADDENDUM"]
    rows = [
        [
            "KANSAS",
            f"Agency {n}",
            "County",
            f"County {n}",
            "Task Force Model",
            date(2025, 4, n),
            "link",
            None,
        ]
        for n in range(1, 6)
    ]
    rows[0][7] = "link"
    _list_sheet(ws, rows, header=header)
    _link(ws, "G2", MOA_URL.format("Shared"))
    ws["H2"].hyperlink = Hyperlink(ref="H2", location="'Sheet'!A1")
    data = to_shared_strings(save(wb))

    def as_range(xml: str) -> str:
        return re.sub(r'<hyperlink([^>]*) ref="G2"', r'<hyperlink\1 ref="G2:G3"', xml)

    return edit_sheet(data, "xl/worksheets/sheet1.xml", as_range)


def case_hyperlink_formulas() -> bytes:
    """MOA and ADDENDUM links written as HYPERLINK formulas (cached text values, as Excel
    writes them): literal URLs are links, a relationship link on the same cell wins, and
    a URL made by a reference or a concatenation is no link but a warning."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Participating"
    names = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]
    rows = [
        [
            "TEXAS",
            f"{name} County Sheriff's Office",
            "County",
            f"{name} County",
            "Task Force Model",
            date(2025, 5, n),
            "link",
            "link" if n in (1, 4) else None,
        ]
        for n, name in enumerate(names, start=1)
    ]
    rows[1][6] = MOA_URL.format("BetaCoTX")
    _list_sheet(ws, rows, header=[*HEADER, "ADDENDUM"])
    _link(ws, "G4", MOA_URL.format("GammaCoTX"))
    _link(ws, "G6", MOA_URL.format("EpsilonCoTX"))
    alpha = MOA_URL.format("AlphaCoTX")
    formulas = {
        "G2": (f'HYPERLINK("{alpha}","link")', "link"),
        "H2": (f'_xlfn.hyperlink("{alpha.replace(".pdf", "_Addendum.pdf")}", "link")', "link"),
        "G3": (f'=HYPERLINK("{MOA_URL.format("BetaCoTX")}")', MOA_URL.format("BetaCoTX")),
        "G4": ('HYPERLINK("https://www.ice.gov/doclib/287gMOA/stale.pdf","link")', "link"),
        "G5": ('HYPERLINK("https://www.ice.gov/doclib/287gMOA/"&D5&".pdf","link")', "link"),
        "H5": ("HYPERLINK(Sheet2!A1)", "link"),
    }
    return with_formulas(to_shared_strings(save(wb)), formulas)


def case_inline_strings() -> bytes:
    """openpyxl's own shape: inline strings, ``t="n"`` numbers, a boolean, a formula string."""
    wb = openpyxl.Workbook()
    ws = wb.active
    _list_sheet(
        ws,
        [
            [
                "MONTANA",
                "  Flathead County   Sheriff's Office ",
                "County",
                "Flathead County",
                "Warrant Service Officer",
                date(2025, 4, 1),
                "link",
            ],
            [
                "IDAHO",
                "Owyhee County Sheriff's Office",
                "County",
                "Owyhee County",
                "Task Force Model",
                True,
                "link",
            ],
        ],
    )
    _link(ws, "G2", MOA_URL.format("FlatheadCoMT"))

    def formula_string(xml: str) -> str:
        cell = '<c r="D3" t="str"><f>"Owyhee"&amp;" County"</f><v>Owyhee &amp; County</v></c>'
        return re.sub(r'<c r="D3"[^>]*><is><t>[^<]*</t></is></c>', cell, xml)

    return edit_sheet(save(wb), "xl/worksheets/sheet1.xml", formula_string)


def case_merged_cells() -> bytes:
    """A state merged down its group of rows, an agency merged down its two models, an
    MOA cell (with its link) merged down two rows, a title merged across the columns."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "287(g) Participating Agencies"
    ws.merge_cells("A1:G1")
    rows: list[list[object]] = [
        ["TEXAS", "Alpha County Sheriff's Office", "County", "Alpha", "Task Force Model",
         date(2025, 3, 1), "link"],
        [None, None, "County", "Alpha", "Warrant Service Officer", date(2025, 3, 1), None],
        [None, "Beta Police Department", "Municipality", "Beta", "Task Force Model",
         date(2025, 3, 2), "link"],
        ["FLORIDA", "Gamma County Sheriff's Office", "County", "Gamma", "Jail Enforcement Model",
         date(2025, 3, 3), "link"],
    ]  # fmt: skip
    _list_sheet(ws, rows, start=2)
    ws.merge_cells("A3:A5")
    ws.merge_cells("B3:B4")
    ws.merge_cells("G3:G4")
    _link(ws, "G3", MOA_URL.format("Alpha"))
    _link(ws, "G5", MOA_URL.format("Beta"))
    _link(ws, "G6", MOA_URL.format("Gamma"))
    return to_shared_strings(save(wb))


def case_header_over_two_rows() -> bytes:
    """A header written over two rows under a title: ``MOA`` merged across the columns
    it groups (``Date Signed``, ``Link``), ``Law Enforcement`` above ``Agency``,
    ``287(g)`` above ``Model``, the other names merged down both rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "287(g) Participating Agencies"
    ws.merge_cells("A1:G1")
    top = ["State", "Law Enforcement", "Type", "County", "287(g)", "MOA", None]
    bottom = [None, "Agency", None, None, "Model", "Date Signed", "Link"]
    rows: list[list[object]] = [
        ["TX", "Alpha County Sheriff's Office", "County", "Alpha", "Task Force Model",
         date(2025, 3, 1), "link"],
        ["FL", "Beta Police Department", "Municipality", "Lee", "Warrant Service Officer",
         date(2025, 3, 2), "link"],
    ]  # fmt: skip
    for row, values in enumerate([top, bottom, *rows], start=2):
        for column, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(row=row, column=column, value=value)
    for letter in "ACD":
        ws.merge_cells(f"{letter}2:{letter}3")
    ws.merge_cells("F2:G2")
    _link(ws, "G4", MOA_URL.format("Alpha"))
    _link(ws, "G5", MOA_URL.format("Beta"))
    return to_shared_strings(save(wb))


def _model_row(state: str, agency: str, model: str, day: int) -> list[object]:
    return [state, agency, "County", None, model, date(2025, 5, day), "link"]


def case_split_by_model() -> bytes:
    """One list split across three visible sheets, one a model (the same header, its
    columns in another order on one sheet, no agreement on two sheets), and a visible
    old copy that repeats a sheet's rows (ignored)."""
    wb = openpyxl.Workbook()
    jem = wb.active
    jem.title = "JEM"
    _list_sheet(jem, [_model_row("TEXAS", "Alpha County Sheriff's Office", "JEM", 1)])
    tfm = wb.create_sheet("TFM")
    _list_sheet(
        tfm,
        [
            _model_row("TEXAS", "Alpha County Sheriff's Office", "Task Force Model", 2),
            _model_row("FLORIDA", "Beta Police Department", "Task Force Model", 3),
        ],
    )
    wso = wb.create_sheet("WSO")
    order = [1, 0, 2, 3, 4, 5, 6]  # AGENCY before STATE: the same columns
    wso_rows = [_model_row("GEORGIA", "Gamma County Sheriff's Office", "WSO", 4)]
    _list_sheet(
        wso, [[row[i] for i in order] for row in wso_rows], header=[HEADER[i] for i in order]
    )
    copy = wb.create_sheet("TFM (old)")
    _list_sheet(copy, [_model_row("FLORIDA", "Beta Police Department", "Task Force Model", 3)])
    return to_shared_strings(save(wb))


def case_pending_posted_as_participating() -> bytes:
    """Participating columns, but no date and no link anywhere: a pending list."""
    wb = openpyxl.Workbook()
    ws = wb.active
    _list_sheet(
        ws,
        [
            [
                "FLORIDA",
                "Alachua Police Department",
                "Municipality",
                "Alachua County",
                "Task Force Model",
                None,
                "link pending",
            ],
            [
                "TEXAS",
                "Hood County Sheriff's Office",
                "County",
                "Hood County",
                "Warrant Service Officer",
                None,
                "Link Pending",
            ],
            [
                "GEORGIA",
                "Glynn County Sheriff's Office",
                "County",
                "Glynn County",
                "Jail Enforcement Model",
                None,
                None,
            ],
        ],
    )
    return to_shared_strings(save(wb))


def case_pending_with_moa_column() -> bytes:
    """The later pending shape: an MOA column that reads ``link pending``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    header = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "MOA"]
    _list_sheet(
        ws,
        [
            [
                "OKLAHOMA",
                "Tulsa County Sheriff's Office",
                "County",
                "Tulsa County",
                "Task Force Model",
                "link pending",
            ],
            [
                "OKLAHOMA",
                "Tulsa County Sheriff's Office",
                "County",
                "Tulsa County",
                "Task Force Model",
                "link pending",
            ],
        ],
        header=header,
    )
    return to_shared_strings(save(wb))


def case_participating_without_signed() -> bytes:
    """No SIGNED column, but MOA links: participating, with a warning."""
    wb = openpyxl.Workbook()
    ws = wb.active
    header = ["STATE", "AGENCY", "SUPPORT"]
    _list_sheet(
        ws,
        [["WYOMING", "Sweetwater County Sheriff's Office", "Warrant Service Officer"]],
        header=[*header, "MOA"],
    )
    _link(ws, "D2", MOA_URL.format("SweetwaterCoWY"))
    ws["D2"] = "link"
    return to_shared_strings(save(wb))


def case_no_header() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Phone"])
    ws.append(["Someone", "555-0100"])
    return save(wb)


def case_missing_columns() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["AGENCY", "STATE", "NOTES"])
    ws.append(["Somewhere Police Department", "OHIO", "x"])
    return save(wb)


# --------------------------------------------------------------------------- broken


def broken_truncated() -> bytes:
    return (HERE / "real_pending_20250404.xlsx").read_bytes()[:11_000]


def broken_empty() -> bytes:
    return b""


def broken_random() -> bytes:
    return bytes(random.Random(287).getrandbits(8) for _ in range(4096))


def broken_html() -> bytes:
    page = (
        "<!DOCTYPE html>\n<html lang='en'><head><title>Page Not Found | ICE</title></head>"
        "<body><h1>Page Not Found</h1><p>The page you requested could not be found.</p>"
        "</body></html>\n"
    )
    return page.encode("utf-8")


def broken_zip_without_workbook() -> bytes:
    return build_zip({"hello.txt": b"not a workbook", "_rels/.rels": b"<Relationships/>"})


def broken_ole() -> bytes:
    header = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
    return header + escape("EncryptedPackage").encode() + bytes(1024)


def broken_zip_bomb() -> bytes:
    """A real little workbook plus one member of 300 MB of zeros (about 300 KB deflated)."""
    members = zip_members(case_pending_with_moa_column())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, payload in members.items():
            archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), payload, zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("xl/media/image1.bin", FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as handle:
            chunk = bytes(1 << 20)
            for _ in range(300):
                handle.write(chunk)
    return buffer.getvalue()


SYNTHETIC: dict[str, Callable[[], bytes]] = {
    "synthetic_header_not_in_row_1": case_header_not_in_row_1,
    "synthetic_shuffled_columns": case_shuffled_columns,
    "synthetic_extra_sheet_first": case_extra_sheet_first,
    "synthetic_hyperlink_ranges": case_hyperlink_ranges,
    "synthetic_hyperlink_formulas": case_hyperlink_formulas,
    "synthetic_inline_strings": case_inline_strings,
    "synthetic_merged_cells": case_merged_cells,
    "synthetic_split_by_model": case_split_by_model,
    "synthetic_header_over_two_rows": case_header_over_two_rows,
    "synthetic_pending_posted_as_participating": case_pending_posted_as_participating,
    "synthetic_pending_with_moa_column": case_pending_with_moa_column,
    "synthetic_participating_without_signed": case_participating_without_signed,
    "synthetic_no_header": case_no_header,
    "synthetic_missing_columns": case_missing_columns,
    "broken_truncated": broken_truncated,
    "broken_empty": broken_empty,
    "broken_random": broken_random,
    "broken_html": broken_html,
    "broken_zip_without_workbook": broken_zip_without_workbook,
    "broken_ole": broken_ole,
    "broken_zip_bomb": broken_zip_bomb,
}


# --------------------------------------------------------------------------- expectations


def expected(data: bytes, name: str) -> dict[str, Any]:
    """The expectation for one case, from the current parser."""
    sys.path.insert(0, str(ROOT))
    from parsers.errors import ParseError
    from parsers.xlsx_listing import parse_listing_xlsx

    try:
        listing = parse_listing_xlsx(data, name)
    except ParseError as exc:
        return {"error": exc.reason.split(" (")[0]}
    return {
        "kind": listing.kind,
        "columns": list(listing.columns),
        "warnings": list(listing.warnings),
        "row_count": len(listing.rows),
        "rows": [row.to_dict() for row in listing.rows],
    }


def write_json(path: Path, payload: dict[str, Any]) -> None:
    """One row per line: reviewable diffs, no giant single line."""
    rows = payload.pop("rows", None)
    text = json.dumps(payload, ensure_ascii=False, indent=1)
    if rows is not None:
        body = ",\n".join(
            "  " + json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows
        )
        text = text[:-2] + ',\n "rows": [\n' + body + "\n ]\n}"
    path.write_text(text + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    regen = "--regen" in argv
    if CORPUS.is_dir():
        for name, relative in REAL_FILES.items():
            shutil.copyfile(CORPUS / relative, HERE / f"{name}.xlsx")
    for name, build in SYNTHETIC.items():
        (HERE / f"{name}.xlsx").write_bytes(build())
    if regen:
        for path in sorted(HERE.glob("*.xlsx")):
            write_json(path.with_suffix(".json"), expected(path.read_bytes(), path.name))
    print(
        f"{len(list(HERE.glob('*.xlsx')))} cases in {HERE}"
        + (" (expectations rewritten)" if regen else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
