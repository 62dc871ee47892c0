"""The compiled scanners (parsers/_xlsx_scan.c) give the Python scanners' answers.

The reader uses ``parsers._xlsx_scan`` when it was built and its Python twins otherwise;
these tests hold the two to the same answers on every corpus file and on generated
input made of the pieces the scanners look for, broken ones included.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import xlsx_reader
from tests.test_xlsx_reader import _outcome

scan = xlsx_reader._xlsx_scan
if scan is None and os.environ.get("ICE287G_REQUIRE_COMPILED") == "1":  # as in CI
    pytest.fail("ICE287G_REQUIRE_COMPILED=1 but parsers._xlsx_scan was not built", pytrace=False)
SHEETS_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "ice-sheets"
pytestmark = pytest.mark.skipif(scan is None, reason="parsers._xlsx_scan was not built")


REL_PIECES = [
    '<Relationship Id="',
    '" Type="',
    '" Target="',
    '" TargetMode="External"',
    '" TargetMode="Internal"',
    ' TargetMode="Externa"',
    "/>",
    '"/>',
    "rId1",
    "http://x/hyperlink",
    "a&amp;b",
    "&amp;",
    "&",
    "&lt;",
    "<",
    ">",
    '"',
    " ",
    "\t",
    "\n",
    "\x01",
    "é",
    "\ufffe",
    "\uffff",
    "\ufffd",
]
REL_RAW = [b"\xff", b"\xc3", b"\xef\xbf", b"\xed\xa0\x80"]  # broken UTF-8, a surrogate


def _region(pieces: list[str | bytes]) -> bytes:
    return b"".join(p if isinstance(p, bytes) else p.encode() for p in pieces)


def _rel(rel_id: str, target: str, mode: str = ' TargetMode="External"') -> str:
    return f'<Relationship Id="{rel_id}" Type="http://x/hyperlink" Target="{target}"{mode}/>'


rel_regions = st.lists(
    st.sampled_from([*REL_PIECES, *REL_RAW])
    | st.builds(_rel, st.sampled_from(["rId1", "rId2", "", "r&amp;1"]), st.text(max_size=8)),
    max_size=12,
).map(_region)


@settings(max_examples=1500, deadline=None)
@given(rel_regions)
def test_relationships_alike(region: bytes) -> None:
    assert xlsx_reader._excel_rels(region) == xlsx_reader._excel_rels_py(region)


LINK_PIECES = [
    '<hyperlink ref="',
    "A1",
    "ZZ9",
    "AAA1",
    "A0",
    "A1048576",
    "A1048577",
    "B12345678",
    "A1:B2",
    '"',
    ' r:id="rId1"',
    ' r:id="r&amp;1"',
    ' r:id=""',
    ' location="Sheet1!A1"',
    ' location="a&amp;b"',
    ' location=""',
    ' display="x"',
    ' tooltip="t"',
    ' xr:uid="{1}"',
    ' display="a>b"',
    "/>",
    " />",
    "<",
    ">",
    "&amp;",
    " ",
    "é",
]


def _link(ref: str, rel_id: str | None, location: str | None) -> str:
    rel = f' r:id="{rel_id}"' if rel_id is not None else ""
    where = f' location="{location}"' if location is not None else ""
    return f'<hyperlink ref="{ref}"{rel}{where} xr:uid="{{0}}"/>'


link_regions = st.lists(
    st.sampled_from(LINK_PIECES)
    | st.builds(
        _link,
        st.sampled_from(["A1", "B2", "AB10", "C3:D4", "A0", "Z1048576"]),
        st.none() | st.sampled_from(["rId1", "", "a b"]),
        st.none() | st.sampled_from(["S!A1", "", "a&amp;b", "&#60;"]),
    ),
    max_size=10,
).map(_region)


@settings(max_examples=1500, deadline=None)
@given(link_regions)
def test_hyperlinks_alike(region: bytes) -> None:
    if not xlsx_reader._fast_region_ok(region, attributes=True):
        return  # the reader checks a region before reading its links
    assert xlsx_reader._excel_links(region) == xlsx_reader._excel_links_py(region)


CELL_PIECES = [
    b"<c",
    b' r="A1"',
    b' r="Z99999"',
    b' r="A123456"',
    b' r="AA1"',
    b' r="a1"',
    b' r="A"',
    b' s="1"',
    b" ",
    b">",
    b"/>",
    b"\t",
    b"\n",
    b"<row",
    b' r="1"',
    b"<v>",
    b"</v>",
    b"</c>",
    b"</row>",
    b"12",
    b"1_0",
    b"&amp;",
    b"<is>",
    b"<t>x</t>",
    b"</is>",
    b"<col",
    b"<cols>",
    b"<",
]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(CELL_PIECES), max_size=14), st.integers(-2, 60), st.booleans())
def test_odd_cells_alike(pieces: list[bytes], start: int, inline: bool) -> None:
    xml = b"".join(pieces)
    pattern = xlsx_reader._ODD_CELL_OR_INLINE if inline else xlsx_reader._ODD_CELL
    match = pattern.search(xml, max(start, 0))
    assert scan is not None
    assert scan.find_odd(xml, start, inline) == (-1 if match is None else match.start())


def _corpus_parts() -> list[tuple[str, bytes, bytes]]:
    """(name, sheet XML, sheet relationships) of every corpus workbook's sheets."""
    out = []
    for path in sorted(SHEETS_DIR.rglob("*.xlsx")):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                for name in names:
                    if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                        rels = name.replace("worksheets/", "worksheets/_rels/") + ".rels"
                        extra = archive.read(rels) if rels in names else b""
                        out.append((f"{path.name}:{name}", archive.read(name), extra))
        except zipfile.BadZipFile:
            continue
    return out


def test_the_corpus_alike() -> None:
    if not SHEETS_DIR.is_dir():
        pytest.skip("the shared corpus is not beside the project")
    assert scan is not None
    for name, xml, rels in _corpus_parts():
        for inline in (True, False):
            match = (xlsx_reader._ODD_CELL_OR_INLINE if inline else xlsx_reader._ODD_CELL).search(
                xml
            )
            assert scan.find_odd(xml, 0, inline) == (-1 if match is None else match.start()), name
        start, end = xml.find(b"<hyperlinks>"), xml.find(b"</hyperlinks>")
        if start >= 0 and end > start:
            region = xml[start + 12 : end]
            assert xlsx_reader._excel_links(region) == xlsx_reader._excel_links_py(region), name
        span = xlsx_reader._content_span(rels, b"Relationships") if rels else None
        if span is not None:
            region = rels[span[0] : span[1]]
            assert xlsx_reader._excel_rels(region) == xlsx_reader._excel_rels_py(region), name


def test_the_reader_reads_alike_without_the_compiled_scanners(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the extension could not be built, the Python scanners give the same sheets."""
    if not SHEETS_DIR.is_dir():
        pytest.skip("the shared corpus is not beside the project")
    paths = sorted(SHEETS_DIR.rglob("*.xlsx"))[::4]
    compiled = [_outcome(path.read_bytes(), fast=True) for path in paths]
    monkeypatch.setattr(xlsx_reader, "_xlsx_scan", None)
    assert [_outcome(path.read_bytes(), fast=True) for path in paths] == compiled


calamine_values = st.one_of(
    st.sampled_from(["", "x", " ", None, True, False, 0, 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([2.0**53, -(2.0**53), 2.0**53 - 1, -0.0, 0.5, 1e300]),
    st.dates(),
)


@settings(max_examples=800, deadline=None)
@given(st.lists(st.lists(calamine_values, max_size=6), max_size=5))
def test_calamine_values_alike(grid: list[list[object]]) -> None:
    assert scan is not None
    compiled = scan.calamine_rows([row[:] for row in grid])
    python = xlsx_reader._calamine_values_py([row[:] for row in grid])  # type: ignore[arg-type]
    assert repr(compiled) == repr(python)  # repr: nan is not equal to itself
    assert [list(map(type, row)) for row in compiled] == [list(map(type, row)) for row in python]
