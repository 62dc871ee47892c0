"""Small pieces shared by the tests that run fake servers and fake clocks."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import ModuleType
from typing import Any


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def quiet_handler(route: Callable[[BaseHTTPRequestHandler], None]) -> type[BaseHTTPRequestHandler]:
    """A request handler class that sends every GET to ``route`` and logs nothing."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            route(self)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    return Handler


def make_cases() -> ModuleType:
    """``tests/cases/xlsx/make_cases.py`` (the case files' builder, not a package
    module), loaded for its sheet-building helpers."""
    path = Path(__file__).resolve().parent / "cases" / "xlsx" / "make_cases.py"
    spec = importlib.util.spec_from_file_location("make_cases", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def as_csv(data: bytes) -> bytes:
    """A workbook's first sheet saved as CSV: each cell's text (a date as its ISO date, a
    linked cell as its link's URL), as a spreadsheet program's export gives it."""
    import csv
    import io
    from datetime import datetime

    import openpyxl

    def text(cell: Any) -> str:
        if cell.hyperlink is not None and cell.hyperlink.target:
            return str(cell.hyperlink.target)
        value = cell.value
        if isinstance(value, datetime):
            return value.date().isoformat()
        return "" if value is None else str(value)

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in sheet.iter_rows():
        writer.writerow([text(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def workbook_of_both(participating: Path, pending: Path) -> bytes:
    """One workbook: a participating list's sheet, then a pending list's (``Pending``)."""
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(participating)
    applications = workbook.create_sheet("Pending")
    for values in openpyxl.load_workbook(pending).worksheets[0].iter_rows(values_only=True):
        applications.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


LIST_HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED"]


def hand_made_sheets(cases: dict[str, Any], folder: Path, *names: str) -> list[Path]:
    """Each case of ``names`` (rows: state, agency, type, county, support type, and the
    signed date of a participating list's row) written as an .xlsx under its name in
    ``folder``, signed dates as real date cells."""
    import io
    from datetime import date

    import openpyxl

    folder.mkdir(exist_ok=True)
    paths = []
    for name in names:
        book = openpyxl.Workbook()
        ws = book.active
        assert ws is not None
        ws.append(LIST_HEADER[:-1] if name.startswith("pending") else LIST_HEADER)
        for values in cases[name]:
            ws.append([date.fromisoformat(v) if i == 5 else v for i, v in enumerate(values)])
        buffer = io.BytesIO()
        book.save(buffer)
        paths.append(folder / name)
        paths[-1].write_bytes(buffer.getvalue())
    return paths


RECENT_AGREEMENTS_TABLE = (
    "<h2>Recently signed agreements</h2><table><tr><th>STATE</th>"
    "<th>LAW ENFORCEMENT AGENCY</th><th>SUPPORT TYPE</th><th>SIGNED</th><th>MOA</th></tr>"
    + "".join(
        f"<tr><td>Florida</td><td>{name} County Sheriff's Office</td><td>Task Force Model</td>"
        f'<td>02/2{i}/2025</td><td><a href="/doclib/287gMOA/{name}.pdf">MOA</a></td></tr>'
        for i, name in enumerate(["Alachua", "Baker", "Bay", "Bradford", "Brevard"])
    )
    + "</table>"
)
"""A page's small table of the list's shape (five agreements signed lately): no list
once the page links its lists as files (``test_landing_page``, ``test_live``)."""
