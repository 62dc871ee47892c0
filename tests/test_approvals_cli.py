"""The record across the two lists through ``ice287g import``, as a researcher reads it:
an application relisted for an agreement in force is the snapshot's note, and a drop
that may be an approval names the agreements alike (hand-made lists in
tests/cases/approvals/sheets.json, ICE's own cases)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT, Cli
from tests.support import hand_made_sheets

CASES = json.loads((ROOT / "tests/cases/approvals/sheets.json").read_text(encoding="utf-8"))
NAMES = [name for name in CASES if not name.startswith("_")]  # dated by their names


def _imported(cli: Cli, tmp_path: Path) -> list[dict[str, object]]:
    paths = hand_made_sheets(CASES, tmp_path / "in", *NAMES)
    assert cli("import", *map(str, paths)).exit_code == 0
    return list(json.loads(cli("changes", "--format", "json").stdout))


def test_an_application_relisted_misspelled_for_an_agreement_in_force_is_a_note(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    events = _imported(sqlite_cli, tmp_path)
    assert not [e for e in events if "Sherrif" in str(e["agency"])]
    snapshots = json.loads(sqlite_cli("snapshots", "--format", "json").stdout)
    notes = {s["name"]: s["note"] for s in snapshots}
    assert notes["pendingAgencies07022025pm.xlsx"] == (
        "listed as pending but already participating: Christian County Sherrif's Office "
        "(TFM), in force as Christian County Sheriff's Office"
    )


def test_a_drop_that_may_be_an_approval_names_the_agreements_alike_in_the_change_log(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    events = _imported(sqlite_cli, tmp_path)
    dropped = [e for e in events if e["kind"] == "pending.dropped"]
    alike = "Pembroke Park Police Department; Pembroke Pines Police Department"
    assert [(e["agency"], e["note"]) for e in dropped] == [
        ("Pembroke Police Department", f"agreements listed since under names alike: {alike}")
    ]
    log = sqlite_cli("changes", "--format", "md").stdout
    said = "FL · Pembroke Police Department · TFM (agreements listed since under names alike\\: "
    assert f"{said}{alike})" in log
