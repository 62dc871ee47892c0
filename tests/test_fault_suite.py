"""The fault suite document (tests/README.md) names at least 30 fault kinds, and every
test it names exists."""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = (HERE / "README.md").read_text(encoding="utf-8")


def test_the_fault_suite_covers_at_least_30_fault_kinds_in_every_area() -> None:
    rows = re.findall(r"^\| \d+ \|", DOC, flags=re.MULTILINE)
    assert len(rows) >= 30
    for area in ("## Input", "## Network", "## Database", "## Crash", "## Output"):
        assert area in DOC


def test_every_test_the_fault_suite_names_exists() -> None:
    named = re.findall(r"`(test_\w+\.py)::(test_\w+)`", DOC)
    assert len(named) >= 30
    for file, test in named:
        source = (HERE / file).read_text(encoding="utf-8")
        assert f"def {test}(" in source, f"{file}::{test} is named in tests/README.md"
