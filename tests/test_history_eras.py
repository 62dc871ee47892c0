"""One history across two eras: the inline HTML table (2019 to February 2025) and the
spreadsheets (since February 2025).

The May 2024 page (ICE's table as it stood: 135 agreements, 60 Jail Enforcement Model
in 16 states and 75 Warrant Service Officer in 11 states), in every markup variant
tests/cases/html/make_pages.py writes, imports as those 135 agreements; followed by the
2025 sheets, it reads as one continuous timeline: an agency on both is one agency,
added once in 2024, never withdrawn and re-added at the change of format.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli

CASES = Path(__file__).resolve().parent / "cases" / "html"
VARIANTS = sorted(p.name for p in CASES.glob("may2024_*.html"))
OBSERVED = "2024-05-15T12:00:00Z"
SHEETS_2025 = (
    "participating/participatingAgencies-20250221214937.xlsx",
    "participating/participatingAgencies-20250226183301.xlsx",
    "participating/participatingAgencies-20250306174937.xlsx",
)


def as_json(cli: Cli, *args: str) -> Any:
    return json.loads(cli(*args, "--format", "json").stdout)


def import_page(cli: Cli, name: str) -> None:
    cli("import", str(CASES / name), "--observed-at", OBSERVED)


def test_every_markup_variant_is_present() -> None:
    if not VARIANTS:
        pytest.skip("tests/cases/html has no May 2024 pages (run make_pages.py)")
    assert "may2024_plain.html" in VARIANTS and len(VARIANTS) >= 5


@pytest.mark.parametrize("name", VARIANTS)
def test_may_2024_page_imports_as_135_agreements(sqlite_cli: Cli, name: str) -> None:
    import_page(sqlite_cli, name)
    status = as_json(sqlite_cli, "status", "--as-of", "2024-05-15")
    assert status["agreements"] == 135
    assert status["by_model"] == {"JEM": 60, "WSO": 75, "TFM": 0}
    assert status["pending"] == 0
    rows = as_json(sqlite_cli, "status", "--as-of", "2024-05-15", "--list", "participating")
    states: dict[str, set[str]] = {}
    for row in rows:
        states.setdefault(row["model"], set()).add(row["state"])
    assert {model: len(found) for model, found in states.items()} == {"JEM": 16, "WSO": 11}
    before = as_json(sqlite_cli, "status", "--as-of", "2024-05-14")
    assert before["agreements"] == 0


def import_two_eras(cli: Cli, corpus: Path) -> None:
    """The May 2024 page, then three participating sheets of February-March 2025."""
    import_page(cli, "may2024_plain.html")
    cli("import", *(str(corpus / "ice-sheets" / name) for name in SHEETS_2025))


def test_one_continuous_timeline(cli: Cli, corpus: Path) -> None:
    import_two_eras(cli, corpus)
    events = as_json(cli, "changes")
    page_era = {
        e["subject"]
        for e in events
        if e["window_end"] == OBSERVED and e["kind"].startswith("agreement.")
    }
    assert len(page_era) == 135
    added = Counter(e["subject"] for e in events if e["kind"] == "agreement.added")
    assert all(added[subject] == 1 for subject in page_era)
    assert not [e for e in events if e["kind"] == "agreement.withdrawn"]
    assert not [e for e in events if e["kind"] == "agency.renamed"]
    rows = as_json(cli, "status", "--as-of", "2025-02-21", "--list", "participating")
    on_sheet = {f"{r['agency_id']}|{r['model']}" for r in rows}
    assert page_era <= on_sheet, sorted(page_era - on_sheet)[:10]
    schema = [e for e in events if e["kind"] == "source.schema_changed"]
    assert schema and schema[0]["window_start"] == OBSERVED  # new columns, same list
    assert_crosses(cli, "Etowah County Sheriff's Office", "AL", {"JEM"})
    assert_crosses(cli, "Department of Corrections", "AK", {"WSO"})


def assert_crosses(cli: Cli, name: str, state: str, models: set[str]) -> None:
    """One agency, added once on the 2024 page, never withdrawn or renamed since."""
    found = as_json(cli, "history", name, "--state", state)
    assert len(found["agencies"]) == 1
    events = found["events"]
    added = [e for e in events if e["kind"] == "agreement.added"]
    assert {e["model"] for e in added} == models
    assert all(e["window_end"] == OBSERVED and e["window_start"] is None for e in added)
    kinds = {e["kind"] for e in events}
    assert not kinds & {"agreement.withdrawn", "agreement.reinstated", "agency.renamed"}
