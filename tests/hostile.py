"""Hand-made hostile spreadsheets for the fault tests: names that are formulas, markup,
links and terminal escape codes, as a list ICE could publish."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl

HEADER = ("STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED", "MOA")
ESC, BEL = "\x1b", "\x07"
# Control characters cannot be written in XML; Excel writes them as _xHHHH_ escapes.
_ESCAPED = {ESC: ("~ESC~", "_x001B_"), BEL: ("~BEL~", "_x0007_")}

HOSTILE_NAMES = (
    '=HYPERLINK("http://evil.example/","Click") Sheriff',
    "+SUM(1+1) Police Department",
    "@cmd Sheriff's Office",
    "-2+3 County Jail",
    f"Title{ESC}]0;pwned{BEL} County Sheriff{ESC}[2J",
    "<script>alert(1)</script> [x](javascript:alert(1)) Sheriff",
)


def listing_xlsx(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> bytes:
    """A participating list with ``rows`` (every cell a string, never a formula)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for column, name in enumerate(header, start=1):
        sheet.cell(row=1, column=column, value=name)
    for number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column)
            for char, (marker, _) in _ESCAPED.items():
                value = value.replace(char, marker) if isinstance(value, str) else value
            cell.value = value  # type: ignore[assignment]
            if isinstance(value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return _with_control_characters(buffer.getvalue())


def hostile_rows() -> list[tuple[object, ...]]:
    return [
        ("TX", name, "Sheriff", "Jail Enforcement Model", "01/02/2025", None)
        for name in HOSTILE_NAMES
    ]


def _with_control_characters(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            payload = source.read(info)
            for marker, escaped in _ESCAPED.values():
                payload = payload.replace(marker.encode(), escaped.encode())
            target.writestr(info, payload)
    return out.getvalue()


def agency_sheet(folder: Path, name: str, agencies: Sequence[str]) -> Path:
    """A participating list of Texas sheriffs' JEM agreements signed 2025-01-02, written
    to ``folder/name``."""
    rows = [("TX", a, "Sheriff", "Jail Enforcement Model", "01/02/2025", None) for a in agencies]
    path = folder / name
    path.write_bytes(listing_xlsx(rows))
    return path
