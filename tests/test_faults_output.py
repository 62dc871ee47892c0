"""Output faults: names from ICE's files that are formulas, markup, links or terminal
escape codes reach no output raw, whatever the format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ice287g.escape import for_csv_cell, for_json, for_markdown, for_terminal_text
from ice287g.render import describe
from tests.conftest import Cli
from tests.hostile import BEL, ESC, HOSTILE_NAMES, hostile_rows, listing_xlsx

FORMULA_STARTS = ("=", "+", "-", "@")


@pytest.fixture
def hostile_cli(sqlite_cli: Cli, tmp_path: Path) -> Cli:
    sheet = tmp_path / "participatingAgencies.xlsx"
    sheet.write_bytes(listing_xlsx(hostile_rows()))
    sqlite_cli("import", str(sheet), "--observed-at", "2025-03-01T12:00:00Z")
    return sqlite_cli


def _no_control(text: str) -> None:
    assert ESC not in text and BEL not in text and "\x9b" not in text


def test_changes_as_csv_holds_no_formula_and_no_control_character(hostile_cli: Cli) -> None:
    out = hostile_cli("changes", "--format", "csv").stdout
    _no_control(out)
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    assert len(cells) > len(HOSTILE_NAMES)
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    assert any(c.startswith("'=HYPERLINK") for c in cells)


def test_status_rows_as_csv_hold_no_formula(hostile_cli: Cli) -> None:
    out = hostile_cli("status", "--list", "participating", "--format", "csv").stdout
    _no_control(out)
    agencies = [row["agency"] for row in csv.DictReader(io.StringIO(out))]
    assert len(agencies) == len(HOSTILE_NAMES)
    assert not [a for a in agencies if a.startswith(FORMULA_STARTS)]


def test_changes_as_markdown_carry_no_markup_no_link_and_no_control(hostile_cli: Cli) -> None:
    out = hostile_cli("changes", "--format", "md").stdout
    _no_control(out)
    assert "<script>" not in out and "](javascript:" not in out
    assert "\\<script\\>" in out


def test_tables_and_json_reach_the_terminal_without_escape_codes(hostile_cli: Cli) -> None:
    for args in (("changes",), ("status", "--list", "participating"), ("snapshots",)):
        _no_control(hostile_cli(*args).stdout)
    events = json.loads(hostile_cli("changes", "--format", "json").stdout)
    assert any(ESC in e["agency"] for e in events)  # JSON keeps the value, escaped as \u001b
    _no_control(hostile_cli("history", "Title").stdout)


def test_describe_passes_every_value_from_ice_through_the_escape() -> None:
    event = {
        "kind": "agency.renamed",
        "state": "TX",
        "before": {"name": "=1+1"},
        "after": {"name": "<b>x</b>"},
        "window_end": "2025-01-01T00:00:00Z",
    }
    assert describe(event, lambda v: f"[{v}]") == "[TX] · [=1+1] → [<b>x</b>]"
    approved = {
        "kind": "pending.approved",
        "state": "TX",
        "agency": "=1+1",
        "model": "TFM",
        "effective_date": "2025-01-02",
        "after": {"list": "participating", "agency": "<b>x</b>"},
    }
    assert describe(approved, lambda v: f"[{v}]") == (
        "[TX] · [=1+1] · [TFM] (signed 2025-01-02) → [<b>x</b>]"
    )
    dropped = {**approved, "kind": "pending.dropped", "after": None, "note": "alike: <i>y</i>"}
    assert describe(dropped, lambda v: f"[{v}]") == "[TX] · [=1+1] · [TFM] ([alike: <i>y</i>])"
    unknown = {**approved, "kind": "agreement.added", "model": "?", "note": "type: <i>z</i>"}
    assert describe(unknown, lambda v: f"[{v}]") == (
        "[TX] · [=1+1] · [?] (signed 2025-01-02) ([type: <i>z</i>])"
    )
    renamed = {
        "kind": "source.schema_changed",
        "subject": "participating-list",
        "before": {"values": {"agency_type": ["County", "=1+1"]}},
        "after": {"values": {"agency_type": ["Sheriff", "<b>x</b>"]}},
    }
    assert describe(renamed, lambda v: f"[{v}]") == (
        "[participating-list]: agency_type: [County] → [Sheriff]; agency_type: [=1+1] → [<b>x</b>]"
    )


def test_escapes_neutralise_formulas_c1_characters_and_escape_codes() -> None:
    assert for_csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert for_csv_cell(f"a{ESC}[2J") == "a\\x1b[2J"
    assert for_json('"a\x9bb"') == '"a\\u009bb"'
    assert for_terminal_text(f"line\n\tnext{BEL}") == "line\n\tnext\\x07"
    # GitHub renders $...$ in Markdown as math: the dollar is literal
    assert for_markdown("$\\mathbf{X}$ Police") == "\\$\\\\mathbf\\{X\\}\\$ Police"


_WHO = {"state": "TX", "agency": "Harris County Sheriff's Office", "model": "JEM"}


@pytest.mark.parametrize(
    ("event", "sentence"),
    [
        (
            {"kind": "agreement.changed", "before": {"signed": "2025-01-02"}}
            | {"after": {"signed": "2025-02-03", "county": "Harris County"}},
            "TX · Harris County Sheriff's Office · JEM: county: — → Harris County; "
            "signed: 2025-01-02 → 2025-02-03",
        ),
        (
            {"kind": "agreement.relabelled", "model": "TFM"}
            | {"before": {"state": "TX", "agency": "Harris Co SO", "model": "JEM"}}
            | {"after": {"state": "TX", "agency": "Harris County SO", "model": "TFM"}},
            "TX · Harris Co SO (JEM) → TX · Harris County SO (TFM)",
        ),
        (
            {"kind": "agreement.relabelled", "before": {"state": "KS", "agency": "Ellis"}}
            | {"after": {"state": "TX", "agency": "Ellis"}},
            "KS · Ellis → TX · Ellis (JEM)",
        ),
        (
            {"kind": "agency.models_changed", "before": {"models": ["JEM"]}}
            | {"after": {"models": ["JEM", "TFM"]}},
            "TX · Harris County Sheriff's Office · JEM: JEM → JEM, TFM",
        ),
        (
            {"kind": "source.schema_changed", "subject": "participating-list"}
            | {"before": {"columns": ["STATE"]}, "after": {"columns": ["STATE", "COUNTY"]}},
            "participating-list: STATE → STATE, COUNTY",
        ),
        (
            {"kind": "moa.published", "after": {"moa_url": "https://www.ice.gov/a.pdf"}},
            "TX · Harris County Sheriff's Office · JEM: https://www.ice.gov/a.pdf",
        ),
        (
            {"kind": "moa.replaced", "subject": "https://www.ice.gov/a.pdf"}
            | {"after": {"sha256": "ab", "signed": "2025-01-02"}},
            "TX · Harris County Sheriff's Office · JEM: https://www.ice.gov/a.pdf "
            "(changed: signed)",
        ),
        (
            {"kind": "snapshot.rejected", "subject": "s1", "after": {"reason": "lost rows"}}
            | {"provenance": {"snapshots": [{"where": "list.xlsx"}]}},
            "list.xlsx: lost rows",
        ),
        (
            {"kind": "agreement.withdrawn", "effective_date": "2025-01-02"},
            "TX · Harris County Sheriff's Office · JEM (signed 2025-01-02)",
        ),
    ],
)
def test_each_kind_of_event_is_told_in_its_own_sentence(
    event: dict[str, object], sentence: str
) -> None:
    assert describe(_WHO | event) == sentence


def test_a_file_name_with_line_breaks_stays_on_its_one_report_line(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    """A name from outside (a file's, a link's) cannot forge report lines: a mail filter
    or a reader of the cron mail sees one line per rejection, warning or error."""
    forged = "a\nrejected b.xlsx: forged\nice287g: error: forged.xlsx"
    rows = [
        (
            "TX",
            "Late County Sheriff's Office",
            "Sheriff",
            "Jail Enforcement Model",
            "12/01/2025",
            None,
        )
    ]
    sheet = tmp_path / forged
    sheet.write_bytes(listing_xlsx(rows))
    out = sqlite_cli("import", str(sheet), "--observed-at", "2025-03-01T12:00:00Z")
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning a\\nrejected b.xlsx: forged\\n")
    missing = sqlite_cli("import", str(tmp_path / "no\nsuch.xlsx"), expect=2)
    assert len(missing.stderr.splitlines()) == 1


def test_a_table_lines_up_on_a_terminal_whatever_the_width_of_its_characters() -> None:
    """A wide character takes two columns and a combining mark none: padding by the
    length of the text put the next column two (or seven) columns off."""
    from rich.cells import cell_len

    from ice287g.render import to_table

    names = ["東京 Police Department", "Cañon City Police Department", "Plain Police"]
    combining = "Can\u0303on" + "e\u0301" * 6 + " Police"
    rows = [{"agency": n, "state": "TX"} for n in [*names, combining]]
    lines = to_table(rows, ["agency", "state"]).splitlines()
    starts = {cell_len(line[: line.rindex("TX")]) for line in lines[2:]}
    assert len(starts) == 1 and cell_len(lines[0][: lines[0].index("STATE")]) in starts
    clipped = to_table([{"agency": "東" * 40}], ["agency"], width=11).splitlines()[-1]
    assert cell_len(clipped) <= 11 and clipped.endswith("…")
