"""The XLSX reader: features, refusals, fuzzing, and openpyxl as the oracle."""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import os
import random
import string
import struct
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, time
from pathlib import Path
from time import perf_counter
from xml.sax.saxutils import escape

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.errors import ParseError
from parsers.xlsx import CellValue, ReadLimits, Sheet, read_workbook
from parsers.xlsx.container import Package
from parsers.xlsx.formulas import hyperlink_target
from parsers.xlsx.merges import fill_merged_down
from parsers.xlsx_listing import parse_listing_xlsx
from tests.conftest import ROOT
from tests.fuzz_reader import JUNK
from tests.support import make_cases

CASES = Path(__file__).resolve().parent / "cases" / "xlsx"
SHEETS_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "ice-sheets"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DATE_STYLES = (
    '<styleSheet xmlns="{ns}"><numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="0.00&quot;d&quot;"/></numFmts>'
    '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
    '<xf numFmtId="165"/><xf numFmtId="21"/></cellXfs>'
    '<dxfs count="1"><dxf><numFmt numFmtId="166" formatCode="yyyy"/></dxf></dxfs></styleSheet>'
)

# A plain custom date format beside the built-in ones.
PLAIN_STYLES = (
    '<styleSheet xmlns="{ns}"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '</numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs>'
    "</styleSheet>"
)


# --------------------------------------------------------------------------- builders


def build_zip(members: Mapping[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in members.items():
            archive.writestr(name, payload.encode() if isinstance(payload, str) else payload)
    return buffer.getvalue()


def make_xlsx(
    sheets: list[tuple[str, str]],
    *,
    strings: list[str] | None = None,
    links: dict[int, dict[str, str]] | None = None,
    states: dict[int, str] | None = None,
    styles: str | None = PLAIN_STYLES,
    ns: str = MAIN,
    date1904: bool = False,
    sheet_order: list[int] | None = None,
) -> bytes:
    """A minimal XLSX package from sheet XML bodies (the content of ``<worksheet>``)."""
    order = sheet_order or list(range(len(sheets)))
    rels = [f'<Relationship Id="rIdS" Type="{REL}/styles" Target="styles.xml"/>'] if styles else []
    entries, members = [], {}
    for position in order:
        name, body = sheets[position]
        number = position + 1
        state = f' state="{states[position]}"' if states and position in states else ""
        entries.append(f'<sheet name="{name}" sheetId="{number}"{state} r:id="rId{number}"/>')
        rels.append(
            f'<Relationship Id="rId{number}" Type="{REL}/worksheet" '
            f'Target="worksheets/sheet{number}.xml"/>'
        )
        members[f"xl/worksheets/sheet{number}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}" xmlns:r="{REL}">'
            f"{body}</worksheet>"
        )
        if links and position in links:
            members[f"xl/worksheets/_rels/sheet{number}.xml.rels"] = _rels_xml(links[position])
    if strings is not None:
        rels.append(
            f'<Relationship Id="rIdT" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        )
        members["xl/sharedStrings.xml"] = f'<sst xmlns="{ns}">{"".join(strings)}</sst>'
    if styles:
        members["xl/styles.xml"] = styles.format(ns=ns)
    pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    members["xl/workbook.xml"] = (
        f'<workbook xmlns="{ns}" xmlns:r="{REL}">{pr}<sheets>{"".join(entries)}</sheets></workbook>'
    )
    members["xl/_rels/workbook.xml.rels"] = (
        f'<Relationships xmlns="{PKG}">{"".join(rels)}</Relationships>'
    )
    members["_rels/.rels"] = (
        f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    return build_zip(members)


def _rels_xml(targets: dict[str, str]) -> str:
    body = "".join(
        f'<Relationship Id="{rel_id}" Type="{REL}/hyperlink" Target="{target}" '
        'TargetMode="External"/>'
        for rel_id, target in targets.items()
    )
    return f'<Relationships xmlns="{PKG}">{body}</Relationships>'


def sheet_data(rows: str, tail: str = "") -> str:
    return f"<sheetData>{rows}</sheetData>{tail}"


def read(data: bytes) -> list[Sheet]:
    return read_workbook(data, "test.xlsx")


# --------------------------------------------------------------------------- values


def test_shared_inline_rich_and_typed_cells() -> None:
    strings = [
        "<si><t>plain</t></si>",
        '<si><t xml:space="preserve">  padded\u00a0 </t></si>',
        '<si><r><rPr><b/></rPr><t xml:space="preserve">rich </t></r><r><t>text</t></r>'
        "<rPh><t>PHONETIC</t></rPh></si>",
        "<si><t>line_x000D_break &amp; &lt;tag&gt; _x005F_x0041_</t></si>",
    ]
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>inline</t></is></c>'
        '<c r="B2" t="str"><f>A1&amp;"x"</f><v>plainx</v></c><c r="C2" t="b"><v>1</v></c>'
        '<c r="D2" t="e"><v>#N/A</v></c><c r="E2"><v>42</v></c><c r="F2"><v>-1.5E3</v></c>'
        '<c r="G2" t="n"><v>0.25</v></c><c r="H2" t="d"><v>2025-02-03T04:05:06</v></c>'
        '<c r="I2" t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r></is></c></row>'
    )
    sheet = read(make_xlsx([("S", sheet_data(rows))], strings=strings))[0]
    assert sheet.rows[0] == ["plain", "  padded\u00a0 ", "rich text", "line\rbreak & <tag> _x0041_"]
    assert sheet.rows[1] == [
        "inline", "plainx", True, None, 42, -1500, 0.25, datetime(2025, 2, 3, 4, 5, 6), "ab"
    ]  # fmt: skip
    assert type(sheet.rows[1][5]) is int  # a whole number is an int, as Excel means it


def test_an_error_cell_has_no_value() -> None:
    rows = '<row r="1"><c r="A1" t="e"><v>#N/A</v></c><c r="B1"><v>1</v></c></row>'
    assert read(make_xlsx([("S", sheet_data(rows))]))[0].rows == [[None, 1]]


def test_missing_r_attributes_count_positions() -> None:
    rows = (
        '<row><c><v>1</v></c><c><v>2</v></c><c r="E1"><v>5</v></c><c><v>6</v></c></row>'
        "<row/><row><c><v>7</v></c></row>"
        '<row r="6"><c r="B6"><v>8</v></c></row><row><c r="A7"><v>9</v></c></row>'
    )
    sheet = read(make_xlsx([("S", sheet_data(rows))]))[0]
    assert sheet.rows == [[1, 2, None, None, 5, 6], [], [7], [], [], [None, 8], [9]]
    assert sheet.value(0, 4) == 5 and sheet.value(99, 0) is None and sheet.value(0, 99) is None


def test_a_cell_naming_another_row_goes_there_and_the_later_cell_wins() -> None:
    rows = (
        '<row r="1"><c r="A1"><v>1</v></c><c r="B3"><v>2</v></c></row>'
        '<row r="4"><c r="A4"><v>3</v></c></row><row r="5"><c r="A4"><v>4</v></c></row>'
    )
    assert read(make_xlsx([("S", sheet_data(rows))]))[0].rows == [[1], [], [None, 2], [4]]


def test_date_styles_and_epochs() -> None:
    rows = (
        '<row r="1"><c r="A1" s="1"><v>45757</v></c><c r="B1" s="2"><v>45757.5</v></c>'
        '<c r="C1" s="3"><v>45757</v></c><c r="D1" s="4"><v>0.75</v></c>'
        '<c r="E1" s="0"><v>45757</v></c><c r="F1" s="1"><v>1141572</v></c>'
        '<c r="G1" s="1"><v>99999999</v></c>'
        '<c r="H1" s="1"><v>59</v></c><c r="I1" s="1"><v>61</v></c></row>'
    )
    sheet = read(make_xlsx([("S", sheet_data(rows))], styles=DATE_STYLES))[0]
    assert sheet.rows[0] == [
        date(2025, 4, 10), datetime(2025, 4, 10, 12), 45757, time(18, 0), 45757,
        date(5025, 7, 7), 99999999, date(1900, 2, 28), date(1900, 3, 1),
    ]  # fmt: skip
    mac = read(make_xlsx([("S", sheet_data(rows))], styles=DATE_STYLES, date1904=True))[0]
    assert mac.rows[0][0] == date(2029, 4, 11)


@pytest.mark.parametrize("ns", [MAIN, STRICT], ids=["transitional", "strict"])
def test_sheet_order_names_and_states(ns: str) -> None:
    body = sheet_data('<row r="1"><c r="A1"><v>1</v></c></row>')
    sheets = [("First", body), ("Hidden one", body), ("Very", body)]
    data = make_xlsx(sheets, states={1: "hidden", 2: "veryHidden"}, sheet_order=[2, 0, 1], ns=ns)
    assert [(s.name, s.state, s.hidden, s.rows) for s in read(data)] == [
        ("Very", "veryHidden", True, [[1]]),
        ("First", "visible", False, [[1]]),
        ("Hidden one", "hidden", True, [[1]]),
    ]


# --------------------------------------------------------------------------- hyperlinks


def test_hyperlinks_ranges_locations_and_escaping() -> None:
    rows = "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}"><v>0</v></c></row>'
        for n in range(1, 6)
    )
    tail = (
        '<hyperlinks><hyperlink ref="B2:B4" r:id="rId1"/>'
        '<hyperlink ref="A1" location="Other!A1" display="x"/>'
        '<hyperlink ref="A2:Q9999" r:id="rId3"/>'
        '<hyperlink ref="A5" r:id="rId2" location="frag"/><hyperlink ref="Z99" r:id="rId1"/>'
        '<hyperlink ref="B5" r:id="rIdMissing"/><hyperlink ref="bogus" r:id="rId1"/></hyperlinks>'
    )
    links = {
        0: {
            "rId1": "https://safelinks.example/?url=a%2Fb&amp;data=1",
            "rId2": "https://x.test/p",
            "rId3": "https://wide.test/",
        }
    }
    sheet = read(make_xlsx([("S", sheet_data(rows, tail))], links=links))[0]
    wide = {(r, c): "https://wide.test/" for r in range(1, 5) for c in range(2)}
    assert sheet.hyperlinks == {
        **wide,
        (0, 0): "#Other!A1",
        (4, 0): "https://x.test/p#frag",
        (98, 25): "https://safelinks.example/?url=a%2Fb&data=1",
    }
    assert sheet.link(0, 0) == "#Other!A1" and sheet.link(3, 3) is None


@pytest.mark.parametrize(
    ("refs", "expected"),
    [
        (["A1", "AA10", "B3"], {(0, 0), (9, 26), (2, 1)}),
        (["A1", "AAA5", "$C$4", " D5 "], {(0, 0), (4, 702), (3, 2), (4, 3)}),
        (["A1", "A0", "B9999999", "XFE1"], {(0, 0)}),  # no such cells: those links are dropped
        (["A1", "B1:B2"], {(0, 0), (0, 1), (1, 1)}),  # a range among single cells
        (["B2", "B2"], {(1, 1)}),  # the same cell twice: the later link wins
    ],
)
def test_hyperlink_references(refs: list[str], expected: set[tuple[int, int]]) -> None:
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="B2"><v>2</v></c></row>'
    tail = (
        "<hyperlinks>"
        + "".join(f'<hyperlink ref="{ref}" r:id="rId{n}"/>' for n, ref in enumerate(refs))
        + "</hyperlinks>"
    )
    links = {0: {f"rId{n}": f"https://x.test/{n}?a=1&amp;b=2" for n in range(len(refs))}}
    sheet = read(make_xlsx([("S", sheet_data(rows, tail))], links=links))[0]
    assert set(sheet.hyperlinks) == expected
    assert all(url.endswith("?a=1&b=2") for url in sheet.hyperlinks.values())
    if refs == ["B2", "B2"]:
        assert sheet.hyperlinks[(1, 1)] == "https://x.test/1?a=1&b=2"


def test_links_covering_more_cells_than_the_budget_are_refused() -> None:
    """A range is clipped to the data, but a sheet may repeat it without end: the cells
    its links cover, in all, count against the cell budget as its values do."""
    rows = '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>'
    rows += '<row r="2"><c r="A2"><v>3</v></c></row>'
    ranges = '<hyperlink ref="A1:B2" r:id="rId1"/>'
    links = {0: {"rId1": "https://x.test/"}}

    def sheet(repeats: int) -> bytes:
        tail = f"<hyperlinks>{ranges * repeats}</hyperlinks>"
        return make_xlsx([("S", sheet_data(rows, tail))], links=links)

    limits = ReadLimits(max_cells=40)
    assert len(read_workbook(sheet(10), limits=limits)[0].hyperlinks) == 4  # 40 cells
    with pytest.raises(ParseError, match="links cover more than 40 cells: refusing"):
        read_workbook(sheet(11), limits=limits)


def test_prefixed_hyperlinks_and_a_root_with_other_attributes_are_read() -> None:
    body = (
        f'<x:worksheet xmlns:x="{MAIN}" xmlns:r="{REL}" mc:Ignorable="x14ac" '
        "xmlns:mc='http://schemas.openxmlformats.org/markup-compatibility/2006'>"
        '<x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData>'
        '<x:hyperlinks >\n<x:hyperlink ref="A1" r:id="rId1"/></x:hyperlinks>'
        "</x:worksheet>"
    )
    data = _replace_part(
        make_xlsx([("S", "")], links={0: {"rId1": "https://x.test/"}}),
        "xl/worksheets/sheet1.xml",
        body.encode(),
    )
    sheet = read(data)[0]
    assert sheet.rows == [[1]] and sheet.hyperlinks == {(0, 0): "https://x.test/"}


def test_the_word_hyperlinks_in_a_cell_is_no_element() -> None:
    text = "<is><t>hyperlinks &lt;hyperlinks&gt;</t></is>"
    rows = f'<row r="1"><c r="A1" t="inlineStr">{text}</c></row>'
    sheet = read(make_xlsx([("S", sheet_data(rows))]))[0]
    assert sheet.rows == [["hyperlinks <hyperlinks>"]] and sheet.hyperlinks == {}


@pytest.mark.parametrize(
    ("tail", "reason"),
    [
        (
            '<hyperlinks><hyperlink ref="A1" r:id="rId0" xr:uid="{0}"/></hyperlinks>',
            "unbound prefix",
        ),
        ('<hyperlinks><hyperlink ref="A1" location="x&#1;"/></hyperlinks>', "reference to invalid"),
        ('<hyperlinks><hyperlink ref="A1" location="x"></hyperlinks>', "mismatched tag"),
        ("<hyperlinks></hyperlinks><hyperlinks></hyperlinks>", "more than one <hyperlinks>"),
    ],
    ids=["unbound-prefix", "forbidden-character", "unclosed", "two-regions"],
)
def test_malformed_hyperlinks_are_parse_errors(tail: str, reason: str) -> None:
    rows = '<row r="1"><c r="A1"><v>1</v></c></row>'
    data = make_xlsx([("S", sheet_data(rows, tail))], links={0: {"rId0": "https://x.test/"}})
    with pytest.raises(ParseError, match=reason) as caught:
        read(data)
    assert "\n" not in str(caught.value)


# --------------------------------------------------------------------------- hidden columns

ROW_OF_FIVE = '<row r="1">' + "".join(f'<c r="{c}1"><v>1</v></c>' for c in "ABCDE") + "</row>"


@pytest.mark.parametrize(
    ("cols", "hidden"),
    [
        ("", set()),
        ('<cols><col min="2" max="2" hidden="1" width="0"/></cols>', {1}),
        ('<cols><col min="1" max="3" hidden="true"/><col min="4" max="4"/></cols>', {0, 1, 2}),
        ('<cols><col min="1" max="1" hidden="0"/></cols>', set()),
        ('<cols><col min="2" max="16384" hidden="1"/></cols>', {1, 2, 3, 4}),
        (
            '<cols><col min="5" max="5" hidden="1"/></cols><cols><col min="1" hidden="1"/></cols>',
            {4, 0},
        ),
        ('<cols><col min="x" max="2" hidden="1"/><col min="0" hidden="1"/></cols>', set()),
    ],
    ids=["none", "one", "a-run", "shown", "to-the-last-column", "two-elements", "no-number"],
)
def test_the_columns_a_sheet_hides_are_read_within_its_data(cols: str, hidden: set[int]) -> None:
    sheet = read(make_xlsx([("S", cols + sheet_data(ROW_OF_FIVE))]))[0]
    assert sheet.hidden_columns == hidden and sheet.rows == [[1, 1, 1, 1, 1]]


def test_hidden_runs_repeated_or_overlapping_are_read_once() -> None:
    every = '<col min="1" max="16384" hidden="1"/>' * 500 + '<col min="2" max="3" hidden="1"/>'
    nested = '<col min="1" max="4" hidden="1"/><col min="2" max="2" hidden="1"/>'
    nested += '<col min="3" max="5" hidden="1"/><col min="4" max="4" hidden="0"/>'
    for runs in (every, nested):
        sheet = read(make_xlsx([("S", f"<cols>{runs}</cols>" + sheet_data(ROW_OF_FIVE))]))[0]
        assert sheet.hidden_columns == {0, 1, 2, 3, 4}


def test_hidden_columns_written_by_openpyxl_are_read() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["a", "b", "c"])
    sheet.column_dimensions["B"].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read(buffer.getvalue())[0].hidden_columns == {1}


def test_a_malformed_cols_element_is_a_parse_error() -> None:
    data = make_xlsx([("S", '<cols><col min="1" hidden="1"></cols>' + sheet_data(ROW_OF_FIVE))])
    with pytest.raises(ParseError, match="mismatched tag"):
        read(data)


# --------------------------------------------------------------------------- HYPERLINK formulas

ALPHA = "https://www.ice.gov/doclib/287gMOA/287gAlpha.pdf"


def formula_cell(ref: str, formula: str, cached: str = "link", *, escaped: bool = False) -> str:
    """A ``t="str"`` cell holding ``formula`` (XML-escaped here unless ``escaped``) and
    its cached text, as Excel writes it."""
    text = formula if escaped else escape(formula)
    return f'<c r="{ref}" t="str"><f>{text}</f><v>{escape(cached)}</v></c>'


def formula_sheet(*cells: str, tail: str = "", links: dict[str, str] | None = None) -> Sheet:
    rows = f'<row r="1"><c r="A1"><v>1</v></c></row><row r="2">{"".join(cells)}</row>'
    data = make_xlsx([("S", sheet_data(rows, tail))], links={0: links} if links else None)
    return read(data)[0]


@pytest.mark.parametrize(
    "formula",
    [
        f'HYPERLINK("{ALPHA}","link")',
        f'HYPERLINK("{ALPHA}")',
        f'=hyperlink( "{ALPHA}" , "link" )',
        f'  =_xlfn.HyperLink("{ALPHA}",IF(A1>0,"a, (b)",\'Sheet (2)\'!A1))',
        f'HYPERLINK\n("{ALPHA}",B2&"x")',
    ],
    ids=["two-arguments", "one-argument", "lower-case-spaced", "xlfn-nested-second", "newline"],
)
def test_a_hyperlink_formula_with_a_literal_url_is_the_cell_s_link(formula: str) -> None:
    sheet = formula_sheet(formula_cell("F2", formula), formula_cell("G2", formula.lower()))
    assert sheet.hyperlinks == {(1, 5): ALPHA, (1, 6): ALPHA.lower()}
    assert sheet.rows[1] == [None] * 5 + ["link", "link"] and sheet.unread_links == frozenset()


def test_a_hyperlink_formula_s_literal_is_kept_exactly_as_written() -> None:
    odd = 'https://x.test/a b?q="1"&r=<2>\t%zz'
    formula = 'HYPERLINK("' + odd.replace('"', '""') + '","x")'
    quoted = "HYPERLINK(&quot;https://x.test/q&quot;,&quot;x&quot;)"  # quotes as entities
    sheet = formula_sheet(formula_cell("B2", formula), formula_cell("C2", quoted, escaped=True))
    assert sheet.hyperlinks == {(1, 1): odd, (1, 2): "https://x.test/q"}


def test_a_relationship_link_wins_over_a_hyperlink_formula_on_the_same_cell() -> None:
    cells = formula_cell("F2", f'HYPERLINK("{ALPHA}","link")'), formula_cell("G2", "HYPERLINK(A1)")
    tail = '<hyperlinks><hyperlink ref="F2:G2" r:id="rId1"/></hyperlinks>'
    sheet = formula_sheet(*cells, tail=tail, links={"rId1": "https://rel.test/"})
    assert sheet.hyperlinks == {(1, 5): "https://rel.test/", (1, 6): "https://rel.test/"}
    assert sheet.unread_links == frozenset()  # a link was read: nothing is missing


@pytest.mark.parametrize(
    "formula",
    [
        'HYPERLINK(A1,"link")',
        'HYPERLINK("https://x.test/"&A1,"link")',
        'HYPERLINK(CONCAT("https://x.test/",A1))',
        'HYPERLINK(("https://x.test/"))',
        'HYPERLINK("https://x.test/","a","b")',
        'HYPERLINK("https://x.test/","a")&"b"',
        'IF(A1,HYPERLINK("https://x.test/"),"")',
        'HYPERLINK("https://x.test/',
        'HYPERLINK("https://x.test/",")',
        'HYPERLINK("https://x.test/"',
        "HYPERLINK()",
        'HYPERLINK("' + "x" * 9000 + '")',
    ],
    ids=[
        "reference", "concatenation", "function", "parenthesised", "three-arguments",
        "then-concatenated", "inside-if", "unterminated-url", "unterminated-text",
        "unclosed-call", "no-argument", "longer-than-excel-allows",
    ],
)  # fmt: skip
def test_a_hyperlink_formula_whose_url_is_not_a_literal_gives_no_link(formula: str) -> None:
    sheet = formula_sheet(formula_cell("F2", formula))
    assert sheet.hyperlinks == {} and sheet.unread_links == {(1, 5)}
    assert sheet.rows[1][5] == "link"


def test_the_word_hyperlink_outside_a_cell_formula_is_no_link() -> None:
    cells = (
        '<c r="A2" t="inlineStr"><is><t>HYPERLINK("https://x.test/")</t></is></c>'
        '<c r="B2" t="str" cm="HYPERLINK(&quot;x&quot;)"><v>1</v></c>'
    )
    tail = (
        '<dataValidations count="1"><dataValidation type="custom" sqref="C2">'
        '<formula1>HYPERLINK("https://x.test/")</formula1></dataValidation></dataValidations>'
    )
    sheet = formula_sheet(cells, tail=tail)
    assert sheet.hyperlinks == {} and sheet.unread_links == frozenset()
    assert sheet.rows[1][0] == 'HYPERLINK("https://x.test/")'


def test_hyperlink_formulas_in_prefixed_and_spaced_markup_are_read() -> None:
    body = (
        f'<?xml version="1.0"?>\n<x:worksheet xmlns:x="{MAIN}" xmlns:r="{REL}">\n'
        '<x:sheetData>\n <x:row r="1">\n  <x:c r="A1" t="str" >\n   '
        f'<x:f t="normal" >HYPERLINK("{ALPHA}")</x:f >\n   <x:v>x</x:v>\n  </x:c>\n'
        '  <x:c r="B1" t="str"><x:f>HYPERLINK("https://x.test/")</x:f><x:v>y</x:v></x:c>\n'
        " </x:row>\n</x:sheetData>\n</x:worksheet>"
    )
    data = _replace_part(make_xlsx([("S", "")]), "xl/worksheets/sheet1.xml", body.encode())
    sheet = read(data)[0]
    assert sheet.rows == [["x", "y"]]
    assert sheet.hyperlinks == {(0, 0): ALPHA, (0, 1): "https://x.test/"}


def test_a_cell_that_cannot_be_parsed_alone_loses_only_its_own_formula_link() -> None:
    bad = '<c r="G2" t="str"><f>HYPERLINK("https://x.test/&#1;")</f><v>l</v></c>'
    unbound = '<c r="H2" t="str" y:z="1"><f>HYPERLINK("https://y.test/")</f><v>l</v></c>'
    good = formula_cell("F2", f'HYPERLINK("{ALPHA}")')
    rows = f'<row r="2">{good}{bad}{unbound}</row>'
    body = f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetData>{rows}</sheetData></worksheet>'
    data = _replace_part(make_xlsx([("S", "")]), "xl/worksheets/sheet1.xml", body.encode())
    sheet = read(data)[0]  # calamine reads the values; expat refuses the two cells alone
    assert sheet.hyperlinks == {(1, 5): ALPHA} and sheet.rows[1][5:] == ["link", "l", "l"]


def test_hostile_hyperlink_formulas_are_read_in_linear_time_without_errors() -> None:
    calls = "hyperlink(" * 80_000  # one enormous formula, a match every ten bytes
    quotes = 'HYPERLINK("' + '"' * 20_001 + ")"  # an odd run of quotes: unterminated
    nested = "HYPERLINK(" * 5_000 + '"u"' + ")" * 5_000
    cells = [
        formula_cell(ref, text)
        for ref, text in zip(("A2", "B2", "C2"), [calls, quotes, nested], strict=True)
    ]
    sheet = formula_sheet(*cells)
    assert sheet.hyperlinks == {} and sheet.unread_links == {(1, 0), (1, 1), (1, 2)}


def test_cells_without_a_reference_or_outside_the_sheet_give_no_formula_link() -> None:
    rows = (
        '<row r="1"><c t="str"><f>HYPERLINK("https://x.test/")</f><v>x</v></c></row>'
        '<row r="2"><c r="B2" t="str"><f>HYPERLINK("https://y.test/")</f><v>y</v></c></row>'
    )
    sheet = read(make_xlsx([("S", sheet_data(rows))]))[0]
    assert sheet.hyperlinks == {(1, 1): "https://y.test/"}


_LITERAL = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)
_XML_LITERAL = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]) | st.sampled_from('\t\n"'),
    max_size=120,
).filter(lambda text: "\ufffe" not in text and "\uffff" not in text)


@given(_LITERAL, st.sampled_from(["", ',"link"', ', A1 & "x"', ",')'!A1"]))
def test_any_string_literal_quoted_by_excel_s_rule_round_trips(literal: str, rest: str) -> None:
    formula = 'HYPERLINK("' + literal.replace('"', '""') + '"' + rest + ")"
    assert hyperlink_target(formula) == literal
    assert hyperlink_target("=_xlfn." + formula.lower()) == literal.lower()


@given(st.text(max_size=400) | st.text(st.sampled_from("HYPERLINK(\"',) &="), max_size=80))
def test_any_formula_text_never_raises(text: str) -> None:
    target = hyperlink_target(text)
    assert target is None or '"' + target.replace('"', '""') + '"' in text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_XML_LITERAL, st.text(max_size=60))
def test_any_literal_round_trips_through_the_sheet_xml_and_any_formula_reads(
    literal: str, junk: str
) -> None:
    quoted = escape(literal.replace('"', '""')).replace("\t", "&#9;").replace("\n", "&#10;")
    junk = escape("".join(ch for ch in junk if ch >= " " and ch not in "\ufffe\uffff"))
    cells = (
        formula_cell("A2", f'HYPERLINK("{quoted}","x")', escaped=True),
        formula_cell("B2", f"HYPERLINK({junk}", escaped=True),
    )
    sheet = formula_sheet(*cells)
    assert sheet.hyperlinks[(1, 0)] == literal


# --------------------------------------------------------------------------- refusals


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _replace_part(data: bytes, part: str, payload: bytes) -> bytes:
    return build_zip({**_members(data), part: payload})


def test_corrupt_parts_are_parse_errors() -> None:
    tail = '<hyperlinks><hyperlink ref="A1" r:id="rId1"/></hyperlinks>'
    good = make_xlsx(
        [("S", sheet_data('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', tail))],
        strings=["<si><t>a</t></si>"],
        links={0: {"rId1": "https://x.test/"}},
    )
    dtd = b'<!DOCTYPE x [<!ENTITY a "b">]>'
    cases = {
        "xl/workbook.xml": (b"<notaworkbook/>", "not a SpreadsheetML workbook"),
        "xl/_rels/workbook.xml.rels": (b"<Relationships><Rel", "malformed XML"),
        "xl/worksheets/_rels/sheet1.xml.rels": (dtd + b"<Relationships/>", "DTDs"),
        "xl/worksheets/sheet1.xml": (b"<worksheet><sheetData><row>", "unreadable"),
    }
    for part, (payload, reason) in cases.items():
        members = _members(good)
        if part.endswith("sheet1.xml"):
            payload = payload.replace(b"<worksheet>", f'<worksheet xmlns="{MAIN}">'.encode())
        with pytest.raises(ParseError, match=reason):
            read(build_zip({**members, part: payload}))
    sheet = f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><hyperlinks>'.encode()
    linked = _replace_part(good, "xl/worksheets/sheet1.xml", sheet + dtd + b"</hyperlinks>")
    with pytest.raises(ParseError):
        read(linked)
    missing = build_zip({n: v for n, v in _members(good).items() if not n.endswith("sheet1.xml")})
    with pytest.raises(ParseError, match="worksheet part xl/worksheets/sheet1.xml is missing"):
        read(missing)


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_a_part_compressed_otherwise_than_an_xlsx_allows_is_refused_unread(method: int) -> None:
    """The Open Packaging Conventions store or deflate parts; a member compressed by
    bzip2 or LZMA (a bit flipped in a method field, or a crafted file) is refused before
    any other decompressor reads it (bzip2 raised OSError on a damaged stream)."""
    members = _members(make_xlsx([("S", sheet_data('<row r="1"><c r="A1"><v>1</v></c></row>'))]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data, compress_type=method if "sheet1" in name else None)
    with pytest.raises(ParseError, match=f"compressed by method {method}: an XLSX's parts"):
        read(out.getvalue())


def test_a_utf16_part_is_refused() -> None:
    good = make_xlsx([("S", sheet_data('<row r="1"><c r="A1"><v>1</v></c></row>'))])
    workbook = _members(good)["xl/workbook.xml"].decode()
    broken = _replace_part(good, "xl/workbook.xml", workbook.encode("utf-16"))
    with pytest.raises(ParseError, match="UTF-16"):
        read(broken)


@pytest.mark.parametrize("encoding", ["UTF-9999999", "rot13", "utf-32", "idna", "shift_jis"])
def test_a_part_declaring_an_encoding_no_codec_reads_is_a_parse_error(encoding: str) -> None:
    good = make_xlsx([("S", sheet_data('<row r="1"><c r="A1"><v>1</v></c></row>'))])
    workbook = _members(good)["xl/workbook.xml"].decode()
    body = workbook.split("?>", 1)[1] if workbook.startswith("<?xml") else workbook
    declared = f'<?xml version="1.0" encoding="{encoding}"?>{body}'.encode()
    with pytest.raises(ParseError, match="declared encoding cannot be read") as raised:
        read(_replace_part(good, "xl/workbook.xml", declared))
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600), "encrypted or legacy .xls"),
        (b"\n  <!DOCTYPE html><html><body>Not here</body></html>", "an HTML page"),
        (b"%PDF-1.7\n", "a PDF document"),
        (b"<?xml version='1.0'?><Workbook/>", "an HTML page"),  # markup, as the sniffer sees it
        (b"just some text", "not a zip archive"),
        (b"PK\x03\x04" + bytes(100), "truncated or corrupt zip"),
    ],
)
def test_not_an_xlsx(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason) as caught:
        read_workbook(data, "upload.xlsx")
    assert caught.value.source == "upload.xlsx"
    assert str(caught.value).startswith("upload.xlsx: ")


def test_non_bytes_input_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="expected bytes"):
        read_workbook("PK not bytes", "x")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- zip bombs


def _bomb(size: int) -> bytes:
    base = make_xlsx([("S", sheet_data('<row r="1"><c r="A1"><v>1</v></c></row>'))])
    return build_zip({**_members(base), "xl/media/zeros.bin": bytes(size)})


def test_zip_bomb_refused_before_inflating() -> None:
    data = _bomb(3 * 1024 * 1024)
    with pytest.raises(ParseError, match="compression ratio .* zip bomb"):
        read_workbook(data)
    with pytest.raises(ParseError, match="declares 3145728 bytes .* zip bomb"):
        read_workbook(data, limits=ReadLimits(max_member_bytes=1024 * 1024, max_ratio=1e9))
    with pytest.raises(ParseError, match="in all .* zip bomb"):
        read_workbook(data, limits=ReadLimits(max_total_bytes=2 * 1024 * 1024, max_ratio=1e9))
    assert read_workbook(data, limits=ReadLimits(max_ratio=1e9))[0].rows == [[1]]


def _repeating(text: str, cells: int, width: int = 10) -> bytes:
    """``cells`` cells, ``width`` a row, each the shared string ``text`` (stored once)."""
    rows = "".join(
        f'<row r="{row + 1}">'
        + "".join(
            f'<c r="{"ABCDEFGHIJ"[column]}{row + 1}" t="s"><v>0</v></c>'
            for column in range(min(width, cells - row * width))
        )
        + "</row>"
        for row in range(-(-cells // width))
    )
    return make_xlsx([("S", f"<sheetData>{rows}</sheetData>")], strings=[f"<si><t>{text}</t></si>"])


def test_a_small_file_whose_cells_repeat_one_long_string_is_refused_in_a_moment() -> None:
    """A string stored once can fill every cell: 20,000 cells of one 30,000-character
    string are 600 MB of text for the reader from a file of a few KB (13 s and 1.2 GB
    before). The cells' shared text, in all, is held to a budget."""
    started = perf_counter()
    with pytest.raises(ParseError, match="cells repeat more than 33554432 bytes of text"):
        read_workbook(_repeating("A" * 30_000, 20_000))
    assert perf_counter() - started < 5
    limits = ReadLimits(max_shared_text_bytes=1_000)
    assert read_workbook(_repeating("A" * 70, 10), limits=limits)[0].rows == [["A" * 70] * 10]
    with pytest.raises(ParseError, match="repeat more than 1000 bytes"):
        read_workbook(_repeating("A" * 100, 10), limits=limits)


def test_too_many_members_are_refused() -> None:
    data = _bomb(10)
    with pytest.raises(ParseError, match="zip has 6 members"):
        read_workbook(data, limits=ReadLimits(max_members=5))


def test_committed_zip_bomb_case_is_small_and_refused() -> None:
    path = CASES / "broken_zip_bomb.xlsx"
    assert path.stat().st_size < 1024 * 1024
    infos = zipfile.ZipFile(path).infolist()
    assert max(info.file_size for info in infos) >= 300 * 1024 * 1024
    with pytest.raises(ParseError, match="zip bomb"):
        read_workbook(path.read_bytes())


def test_lying_declared_size_is_bounded() -> None:
    """A central directory that under-declares a part's size cannot inflate past it."""
    padded = sheet_data('<row r="1"><c r="A1"><v>1</v></c></row>') + " " * 200_000
    data = bytearray(make_xlsx([("S", padded)]))
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02")
    while data[at + 46 : at + 46 + len(name)] != name:
        at = data.find(b"PK\x01\x02", at + 4)
    struct.pack_into("<I", data, at + 24, 1000)  # uncompressed size: 1000 bytes, a lie
    with pytest.raises(ParseError, match="corrupt zip"):
        read_workbook(bytes(data))


def test_the_inflation_budget_covers_the_whole_book() -> None:
    """Belt and braces behind the declared sizes: parts are inflated through one budget."""
    data = make_xlsx([("S", sheet_data('<row r="1"><c r="A1"><v>1</v></c></row>'))])
    package = Package.open(data, "s", ReadLimits())
    package.read("xl/workbook.xml")
    package.budget = 10
    with pytest.raises(ParseError, match="inflates beyond 10 bytes"):
        package.read("xl/worksheets/sheet1.xml")


def test_cell_budget_and_coordinate_limits() -> None:
    """Calamine fills the rectangle from A1 to the farthest cell (and aborts the process
    when that cannot be allocated), so a sheet is refused before calamine sees it."""
    far = (
        '<row r="1"><c r="XFD1"><v>1</v></c></row>'
        '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    )
    with pytest.raises(ParseError, match="more than 5000000 cells"):
        read(make_xlsx([("S", sheet_data(far))]))
    with pytest.raises(ParseError, match="more than 10000 cells"):
        near = '<row r="101"><c r="CW101"><v>1</v></c></row>'  # 101 x 101
        read_workbook(make_xlsx([("S", sheet_data(near))]), limits=ReadLimits(max_cells=10_000))
    unreferenced = '<row r="100">' + "<c><v>1</v></c>" * 101 + "</row>"
    with pytest.raises(ParseError, match="more than 10000 cells"):
        read_workbook(
            make_xlsx([("S", sheet_data(unreferenced))]), limits=ReadLimits(max_cells=10_000)
        )
    for rows in (
        '<row r="1048577"><c r="A1"><v>1</v></c></row>',
        '<row r="1"><c r="XFE1"><v>1</v></c></row>',
    ):
        with pytest.raises(ParseError, match="out of range"):
            read(make_xlsx([("S", sheet_data(rows))]))


@pytest.mark.parametrize(
    "empty",
    [
        '<row r="1048576"><c r="F1048576" s="1"/></row>',  # a cell formatted at the last row
        '<row r="1048576" ht="15" customHeight="1"/>',  # an empty row given a height
        '<row r="1048576"><c r="XFD1048576" t="s">  </c></row>',  # open and closed, empty
    ],
)
def test_empty_cells_and_rows_far_below_a_list_refuse_nothing(empty: str) -> None:
    """Calamine keeps only the cells holding something (a value, an inline string, a
    formula), so an empty cell or row far below a list (formatting left at the sheet's
    last row) allocates nothing: the list reads, where its references had put it past
    the cell budget and refused it."""
    cells = "".join(f'<c r="{column}1"><v>{n}</v></c>' for n, column in enumerate("ABCDEF"))
    [sheet] = read(make_xlsx([("S", sheet_data(f'<row r="1">{cells}</row>{empty}'))]))
    assert sheet.rows == [[0, 1, 2, 3, 4, 5]]


@pytest.mark.parametrize(
    "held",
    [
        '<c r="F1048576"><v>1</v></c>',
        '<c r="F1048576" note="/>"><v>1</v></c>',  # an attribute holding "/>"
        '<c r="F1048576"><f>1+1</f></c>',  # a formula without its value
        '<c r="F1048576" t="inlineStr"><is><t></t></is></c>',  # an inline string, empty
        '<c r="F1048576">1</c>',  # text in the cell itself
        '<c r="F1048576" s="1"/><c><v>1</v></c>',  # placed by counting, past a far one
    ],
)
def test_a_cell_holding_anything_far_away_is_still_refused_not_an_abort(
    held: str, tmp_path: Path
) -> None:
    """Read in a child process: a cell calamine may keep puts the sheet past the budget."""
    rows = f'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">{held}</row>'
    sheet = tmp_path / "held.xlsx"
    sheet.write_bytes(make_xlsx([("S", sheet_data(rows))]))
    assert _read_in_a_child(sheet) == ["more than 5000000 cells: refusing"]


_REFUSED_IN_A_CHILD = """
import sys
from parsers.errors import ParseError
from parsers.xlsx import read_workbook
for path in sys.argv[1:]:
    try:
        read_workbook(open(path, "rb").read(), path)
        print("read")
    except ParseError as exc:
        print(str(exc))
"""


@pytest.mark.parametrize(
    "rows",
    [
        '<row r="1"><c r="A1"><v>1</v></c><c r="B99999999999"><v>1</v></c></row>',
        '<row r="1"><c r="A30999999999999999999999999999994"><v>1</v></c></row>',
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="2147483648"><c><v>1</v></c></row>',
        '<row r="1"><c r="A1"><v>1</v></c><c r="AAAAAAAAAAAAAAAAAAAAAAAA1"><v>1</v></c></row>',
        '<row r="1"><c r="A1"><v>1</v></c><c\n r="B4294967297"><v>1</v></c></row>',
    ],
)
def test_a_reference_longer_than_any_within_the_sheet_is_out_of_range_not_an_abort(
    rows: str, tmp_path: Path
) -> None:
    """Calamine wraps a row or column past its integers into a far cell and aborts the
    process allocating the rectangle to it (found by tests/fuzz_reader.py): a reference
    of more digits or letters than ``XFD1048576`` is out of range, however it reads.
    Read in a child process, so a regression is a failure, not the suite's abort."""
    sheet = tmp_path / "far.xlsx"
    sheet.write_bytes(make_xlsx([("S", sheet_data(rows))]))
    zeros = tmp_path / "zeros.xlsx"  # leading zeros are no more digits: B2
    zeros.write_bytes(make_xlsx([("S", sheet_data('<row r="1"><c r="B00000000002"/></row>'))]))
    assert _read_in_a_child(sheet, zeros) == ["cell reference out of range", "read"]


def _read_in_a_child(*paths: Path) -> list[str]:
    """How each file reads in a child process (``read``, or the end of its ParseError):
    an abort there is a failure of the test, not the end of the suite."""
    done = subprocess.run(
        [sys.executable, "-c", _REFUSED_IN_A_CHILD, *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-500:]
    return [line.rpartition(".xml: ")[2] for line in done.stdout.splitlines()]


@pytest.mark.parametrize("declared", ['uniqueCount="2000000000"', "x:uniqueCount='+0099999999999'"])
def test_shared_strings_declaring_more_than_the_cell_budget_are_refused_not_an_abort(
    declared: str, tmp_path: Path
) -> None:
    """Calamine reserves room for the strings a table declares before reading one (48
    GB for two billion: the process aborts); a declared size is a hint, believed only
    within the cell budget."""
    strings = ["<si><t>a</t></si>"]
    good = make_xlsx(
        [("S", sheet_data('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'))], strings=strings
    )
    table = _members(good)["xl/sharedStrings.xml"].decode()
    hostile = tmp_path / "hostile.xlsx"
    hostile.write_bytes(
        _replace_part(
            good, "xl/sharedStrings.xml", table.replace("<sst ", f"<sst {declared} ", 1).encode()
        )
    )
    plain = tmp_path / "plain.xlsx"
    plain.write_bytes(
        _replace_part(
            good,
            "xl/sharedStrings.xml",
            table.replace("<sst ", '<sst uniqueCount="1" ', 1).encode(),
        )
    )
    refused = "declares more than 5000000 shared strings: refusing"
    assert _read_in_a_child(hostile, plain) == [refused, "read"]


# --------------------------------------------------------------------------- fuzzing

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read_or_refuse(data: bytes) -> None:
    """Read ``data``: a ParseError with a one-line reason is the only failure allowed."""
    try:
        read_workbook(data, "fuzz.xlsx")
    except ParseError as exc:
        assert "\n" not in str(exc)


@FUZZ
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_only_raise_parse_error(data: bytes) -> None:
    _read_or_refuse(data)
    with contextlib.suppress(ParseError):
        parse_listing_xlsx(data)


@FUZZ
@given(st.binary(min_size=1, max_size=600))
def test_arbitrary_bytes_after_a_zip_signature(data: bytes) -> None:
    _read_or_refuse(b"PK\x03\x04" + data)


def _real_bytes() -> bytes:
    return (CASES / "real_pending_20250404.xlsx").read_bytes()


@FUZZ
@given(st.data())
def test_mutated_real_file_only_raises_parse_error(data: st.DataObject) -> None:
    raw = bytearray(_real_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        if action == "flip":
            raw[position] ^= 1 << data.draw(st.integers(0, 7))
        elif action == "delete":
            del raw[position : position + data.draw(st.integers(1, 64))]
        elif action == "insert":
            raw[position:position] = data.draw(st.binary(min_size=1, max_size=16))
        else:
            del raw[position:]
        if not raw:
            break
    _read_or_refuse(bytes(raw))


# A fixed sample (derandomize), so that CI is reproducible; tests/fuzz_reader.py explores
# the same property at length.
@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.data())
def test_mutated_xml_inside_a_valid_zip_only_raises_parse_error(data: st.DataObject) -> None:
    """Corrupt the XML of one part and re-zip it (insertions of junk and of pieces of
    Excel's own markup, and deletions)."""
    source = data.draw(st.sampled_from(["real_pending_20250404", "real_march_county"]))
    with zipfile.ZipFile(CASES / f"{source}.xlsx") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    part = data.draw(st.sampled_from(sorted(n for n in members if n.endswith((".xml", ".rels")))))
    xml = bytearray(members[part])
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(xml)))
        if data.draw(st.booleans()):
            del xml[position : position + data.draw(st.integers(1, 6))]
            continue
        xml[position:position] = data.draw(st.sampled_from(JUNK))
    members[part] = bytes(xml)
    mutated = build_zip(members)
    _read_or_refuse(mutated)
    with contextlib.suppress(ParseError):
        parse_listing_xlsx(mutated)


_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"])
    | st.sampled_from(" \t\n\u00a0\u2019"),
    max_size=12,
).filter(lambda s: not s.startswith("=") and "_x" not in s)
_VALUE = st.one_of(
    _TEXT,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda f: abs(f) < 1e300),
    st.dates(date(1900, 3, 1), date(9999, 12, 31)),
    st.datetimes(datetime(1900, 3, 1), datetime(9999, 12, 30)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.booleans(),
)
_URL = st.from_regex(r"https://[a-z]{1,8}\.test/[A-Za-z0-9%&=?._~-]{0,20}", fullmatch=True)


def _blank(value: object, preserved: bool) -> bool:
    """No value to read: none, an empty string, or (where the writer did not mark it
    xml:space="preserve") a string of spaces alone, which XML lets a reader drop."""
    spaces = isinstance(value, str) and value.strip(" ") == ""
    return value is None or value == "" or (spaces and not preserved)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(st.none() | _VALUE, max_size=5), min_size=1, max_size=6),
    st.dictionaries(st.tuples(st.integers(0, 5), st.integers(0, 4)), _URL, max_size=4),
    st.booleans(),
)
def test_openpyxl_round_trip(
    rows: list[list[CellValue]], links: dict[tuple[int, int], str], shared: bool
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Round trip"
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    for (r, c), url in links.items():
        cell = sheet.cell(row=r + 1, column=c + 1)
        if cell.value is None:
            cell.value = "link"
        cell.hyperlink = url
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if shared:
        data = make_cases().to_shared_strings(data)
    got_sheet = read(data)[0]
    expected = {  # openpyxl writes spaces alone inline without xml:space="preserve"; our
        # shared-strings conversion marks every string with spaces at its ends preserved
        (r, c): _normal(sheet.cell(row=r + 1, column=c + 1).value)
        for r in range(sheet.max_row)
        for c in range(sheet.max_column)
        if not _blank(sheet.cell(row=r + 1, column=c + 1).value, preserved=shared)
    }
    got = {
        (r, c): _normal(v)
        for r, row in enumerate(got_sheet.rows)
        for c, v in enumerate(row)
        if v is not None
    }
    assert got.keys() == expected.keys()
    assert all(_same(got[key], expected[key]) for key in got), (got, expected)
    assert got_sheet.hyperlinks == {key: url for key, url in links.items()}
    assert got_sheet.name == "Round trip"


def _normal(value: object) -> object:
    if isinstance(value, datetime) and value.time() == time():
        return value.date()
    return value


def _same(got: object, expected: object) -> bool:
    """Equal, except that numbers need only agree to 15 significant digits: openpyxl
    writes floats with 16 (and 1.0 as "1", which reads back as an int)."""
    if _is_number(got) and _is_number(expected):
        return math.isclose(got, expected, rel_tol=1e-15, abs_tol=1e-300)  # type: ignore[arg-type]
    return got == expected


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --------------------------------------------------------------------------- corpus oracle


def _distinct_corpus_files() -> list[Path]:
    seen: dict[str, Path] = {}
    for path in sorted(SHEETS_DIR.glob("*/*.xlsx")):
        seen.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    return list(seen.values())


def _as_comparable(value: object) -> object:
    if isinstance(value, datetime):
        return ("date", value.date()) if value.time() == time() else ("datetime", value)
    if isinstance(value, date):
        return ("date", value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ("text", str(value))
    return ("number", value)


def compare_with_openpyxl(path: str) -> list[str]:
    """Differences between our reader and an openpyxl full load of one file (error cells,
    which openpyxl reads as their text, are no value to us)."""
    data = Path(path).read_bytes()
    ours = read_workbook(data, path)
    problems = []
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=False)
    if [s.name for s in ours] != workbook.sheetnames:
        problems.append(f"{path}: sheet names {[s.name for s in ours]} != {workbook.sheetnames}")
    for sheet, theirs in zip(ours, workbook.worksheets, strict=False):
        values, links = {}, {}
        for row in theirs.iter_rows():
            for cell in row:
                key = (cell.row - 1, cell.column - 1)
                if cell.value is not None and cell.data_type != "e":
                    values[key] = _as_comparable(cell.value)
                if cell.hyperlink is not None:
                    target = cell.hyperlink.target or ""
                    location = cell.hyperlink.location
                    links[key] = f"{target}#{location}" if location else target
        mine = {
            (r, c): _as_comparable(v)
            for r, row in enumerate(sheet.rows)
            for c, v in enumerate(row)
            if v is not None
        }
        if mine != values:
            diff = sorted(k for k in mine.keys() | values.keys() if mine.get(k) != values.get(k))
            shown = [(k, mine.get(k), values.get(k)) for k in diff[:3]]
            problems.append(f"{path} {sheet.name}: values differ at {shown}")
        if sheet.hyperlinks != links:
            problems.append(
                f"{path} {sheet.name}: hyperlinks differ ({len(sheet.hyperlinks)} vs {len(links)})"
            )
    return problems


@pytest.mark.slow
def test_reader_matches_openpyxl_on_every_distinct_corpus_file(corpus: Path) -> None:
    """The main correctness oracle: same values (text as str, dates as dates) and the same
    hyperlinks as openpyxl's full load, for every distinct file."""
    files = [str(path) for path in _distinct_corpus_files()]
    assert len(files) >= 150
    workers = max(1, min(4, os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        found = pool.map(compare_with_openpyxl, files, chunksize=4)
        problems = [problem for problems in found for problem in problems]
    assert problems == []


def test_cases_folder_has_every_kind_of_file() -> None:
    names = {path.stem for path in CASES.glob("*.xlsx")}
    assert {"broken_zip_bomb", "broken_truncated", "broken_ole", "broken_html"} <= names
    assert any(name.startswith("real_") for name in names)


def test_random_small_workbooks_read_as_their_cells_say() -> None:
    rng = random.Random(287)
    alphabet = string.ascii_letters + " &<>'\"\u00e9_"
    for _ in range(40):
        strings = ["".join(rng.choices(alphabet, k=rng.randint(0, 8))) for _ in range(4)]
        escaped = [
            s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for s in strings
        ]
        sst = [f'<si><t xml:space="preserve">{s}</t></si>' for s in escaped]
        cells = {
            (r, c): _random_cell(rng, f"{letter}{r + 1}")
            for r in range(4)
            for c, letter in enumerate("ABCD")
        }
        rows = "".join(
            f'<row r="{r + 1}">' + "".join(cells[(r, c)][0] for c in range(4)) + "</row>"
            for r in range(4)
        )
        sheet = read(make_xlsx([("S", sheet_data(rows))], strings=sst))[0]
        for (r, c), (_xml, index) in cells.items():
            if index is not None:
                assert sheet.value(r, c) == (strings[index] or None)


def _random_cell(rng: random.Random, ref: str) -> tuple[str, int | None]:
    """A cell's XML and, for a shared string, its index."""
    kind = rng.randrange(4)
    if kind == 0:
        index = rng.randrange(4)
        return f'<c r="{ref}" t="s"><v>{index}</v></c>', index
    if kind == 1:
        return f'<c r="{ref}" s="{rng.randrange(3)}"><v>{rng.randint(1, 60000)}</v></c>', None
    if kind == 2:
        return f'<c r="{ref}" s="{rng.randrange(3)}"/>', None
    return f'<c r="{ref}" t="e"><v>#N/A</v></c>', None


# -- merged ranges ---------------------------------------------------------------------------


def test_a_value_merged_down_a_column_is_read_in_every_row_it_covers() -> None:
    rows: list[list[CellValue]] = [["TX", "Alpha", "link"], [None, "Beta"], [None, "Gamma"]]
    sheet = Sheet(
        "S", rows, {(0, 2): "https://x/a.pdf"}, merged=(((0, 0), (2, 0)), ((0, 2), (1, 2)))
    )
    filled, rows_filled = fill_merged_down(sheet)
    assert sorted(rows_filled) == [1, 1, 2]  # the row of each cell filled
    assert [filled.value(r, 0) for r in range(3)] == ["TX", "TX", "TX"]
    assert filled.value(1, 2) == "link" and filled.link(1, 2) == "https://x/a.pdf"
    assert sheet.rows[1] == [None, "Beta"]  # the sheet read is left as it was


def test_a_range_merged_across_columns_or_past_the_data_is_not_spread_beyond_it() -> None:
    rows: list[list[CellValue]] = [["Title"], ["TX", "Alpha"], [None, "Beta"]]
    across = ((0, 0), (0, 6))
    down_past_the_end = ((1, 0), (1_048_575, 0))
    filled, rows_filled = fill_merged_down(Sheet("S", rows, merged=(across, down_past_the_end)))
    assert rows_filled == [2] and len(filled.rows) == 3
    assert filled.rows[0] == ["Title"] and filled.value(2, 0) == "TX"


def test_merged_ranges_covering_more_cells_than_the_data_are_not_read() -> None:
    rows: list[list[CellValue]] = [["TX"]] + [[None] for _ in range(9)]
    overlapping = tuple(((0, 0), (9, 0)) for _ in range(50))  # Excel never overlaps merges
    filled, rows_filled = fill_merged_down(Sheet("S", rows, merged=overlapping))
    assert rows_filled == [] and filled.rows == rows


def test_a_covered_cell_that_holds_its_own_value_keeps_it() -> None:
    rows: list[list[CellValue]] = [["TX", "A"], ["FL", "B"], [None, "C"]]
    filled, rows_filled = fill_merged_down(Sheet("S", rows, merged=(((0, 0), (2, 0)),)))
    assert rows_filled == [2] and [filled.value(r, 0) for r in range(3)] == ["TX", "FL", "TX"]


def test_a_covered_cell_of_an_empty_row_stays_empty() -> None:
    rows: list[list[CellValue]] = [["TX", "A"], [], [None, "C"]]
    filled, rows_filled = fill_merged_down(Sheet("S", rows, merged=(((0, 0), (2, 0)),)))
    assert rows_filled == [2] and filled.rows[1] == [] and filled.value(2, 0) == "TX"


def test_merged_ranges_are_read_from_the_file() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["STATE", "AGENCY"], ["TX", "Alpha"], [None, "Beta"]):
        ws.append(row)
    ws.merge_cells("A2:A3")
    buffer = io.BytesIO()
    wb.save(buffer)
    assert read_workbook(buffer.getvalue())[0].merged == (((1, 0), (2, 0)),)
