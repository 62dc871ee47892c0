"""The quality gate through ``ice287g import``: misdated, typo'd and drained lists,
written from the hand-made tables in tests/cases/gate/sheets.json."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from snapshots.archive import Archive, Observation
from tests.conftest import ROOT, Cli
from tests.support import hand_made_sheets

CASES = json.loads((ROOT / "tests/cases/gate/sheets.json").read_text(encoding="utf-8"))


def sheets(folder: Path, *names: str) -> list[Path]:
    return hand_made_sheets(CASES, folder, *names)


def manifest(folder: Path, rows: list[tuple[str, str, str]]) -> Path:
    path = folder / "observed.csv"
    lines = ["file,observed_at,force"] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_manifest_date_contradicted_by_the_signings_is_rejected_in_one_line(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    first, late = sheets(
        tmp_path / "in",
        "participatingAgencies07302025pm.xlsx",
        "participatingAgencies08022025pm.xlsx",
    )
    dates = [(first.name, "2025-07-30T22:00:00Z", ""), (late.name, "2025-08-02T22:00:00Z", "")]
    result = sqlite_cli(
        "import", str(first), str(late), "--manifest", str(manifest(tmp_path, dates))
    )
    line = (
        "rejected participatingAgencies08022025pm.xlsx: holds 2 agreements signed after its "
        "observed time 2025-08-02, up to 2025-08-28 (row 6 Epsilon Police Department "
        "2025-08-28; row 5 Delta County Sheriff's Office 2025-08-20)"
    )
    assert line in result.stderr
    assert "(1 accepted, 1 rejected)" in result.stdout
    rejected = json.loads(sqlite_cli("snapshots", "--rejected", "--format", "json").stdout)
    assert [r["reason"].split(",")[0] for r in rejected] == [
        "holds 2 agreements signed after its observed time 2025-08-02"
    ]


def test_a_forced_date_is_accepted_from_the_flag_or_the_manifest(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    (late,) = sheets(tmp_path / "in", "participatingAgencies08022025pm.xlsx")
    result = sqlite_cli(
        "import", str(late), "--observed-at", "2025-08-02T22:00:00Z", "--force-date"
    )
    assert "(1 accepted, 0 rejected)" in result.stdout
    forced = manifest(tmp_path, [(late.name, "2025-08-03T22:00:00Z", "yes")])
    result = sqlite_cli("import", str(late), "--manifest", str(forced))
    assert "1 files archived" in result.stdout and "0 rejected" in result.stdout
    lines = (sqlite_cli.snapshots / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    assert all(json.loads(x)["forced"] is True for x in lines)


def test_a_bad_force_cell_is_a_one_line_error(sqlite_cli: Cli, tmp_path: Path) -> None:
    (late,) = sheets(tmp_path / "in", "participatingAgencies08022025pm.xlsx")
    bad = manifest(tmp_path, [(late.name, "2025-08-03T22:00:00Z", "perhaps")])
    result = sqlite_cli("import", str(late), "--manifest", str(bad), expect=None)
    assert result.exit_code != 0 and "force 'perhaps' is not yes or no" in result.stderr


def test_one_typo_date_is_noted_and_the_list_accepted(sqlite_cli: Cli, tmp_path: Path) -> None:
    paths = sheets(
        tmp_path / "in",
        "participatingAgencies07302025pm.xlsx",
        "participatingAgencies08042025am.xlsx",
    )
    result = sqlite_cli("import", *map(str, paths))
    assert "(2 accepted, 0 rejected)" in result.stdout
    snaps = json.loads(sqlite_cli("snapshots", "--format", "json").stdout)
    notes = [s.get("note") or "" for s in snaps]
    assert any("typo" in n and "Zeta Police Department 2025-12-01" in n for n in notes), snaps
    # the note reaches the user at the import, as what the parser noticed does
    [said] = [line for line in result.stderr.splitlines() if "typo" in line]
    assert said.startswith("warning participatingAgencies08042025am.xlsx: ")


def test_a_drained_pending_list_is_held_once_then_accepted(cli: Cli, tmp_path: Path) -> None:
    names = [n for n in CASES if n.startswith("pending") and "2025" in n]
    result = cli("import", *map(str, sheets(tmp_path / "in", *names)))
    assert (
        "rejected pendingAgencies11052025am.xlsx: holds no rows under its header (a drained "
        "list?); held until a later list confirms it"
    ) in result.stderr
    assert "(2 accepted, 1 rejected)" in result.stdout
    before = json.loads(cli("status", "--as-of", "2025-11-05", "--format", "json").stdout)
    after = json.loads(cli("status", "--as-of", "2025-11-06", "--format", "json").stdout)
    assert (before["pending"], after["pending"]) == (2, 0)
    # once a later list confirms its change, the held list says so (it stays rejected:
    # its other rows, a day's flicker beside the change, are not read)
    [drained] = json.loads(cli("snapshots", "--rejected", "--format", "json").stdout)
    assert drained["name"] == "pendingAgencies11052025am.xlsx"
    assert drained["reason"].startswith("holds no rows under its header")
    assert drained["note"] == (
        "held, then confirmed by the list of 2025-11-06T12:00:00Z: its change is dated by it"
    )


def test_a_real_list_whose_only_future_date_is_a_typo_is_accepted_and_a_day_early_is_not(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    """ICE's 8 July 2025 list has one signed cell typed 5025-07-07: a typo, not a
    contradiction. Dated a day before its newest signing (30 rows signed 7 July), it is rejected."""
    case = (ROOT / "tests/cases/xlsx/real_july_addendum_year_5025.xlsx").read_bytes()
    named = tmp_path / "participatingAgencies07082025pm.xlsx"
    named.write_bytes(case)
    assert "(1 accepted, 0 rejected)" in sqlite_cli("import", str(named)).stdout
    early = tmp_path / "early" / "list.xlsx"
    early.parent.mkdir()
    early.write_bytes(case)
    result = sqlite_cli("import", str(early), "--observed-at", "2025-07-06T12:00:00Z")
    assert (
        "rejected list.xlsx: holds 30 agreements signed after its observed time 2025-07-06, "
        "up to 2025-07-07" in result.stderr
    )


@pytest.mark.parametrize("source", ["live", "wayback", "import"])
def test_the_time_check_holds_for_every_source_of_dating(
    sqlite_cli: Cli, tmp_path: Path, source: str
) -> None:
    (late,) = sheets(tmp_path / "in", "participatingAgencies08022025pm.xlsx")
    archive = Archive(sqlite_cli.snapshots)
    data = late.read_bytes()
    sha, _ = archive.put(data, ".xlsx")
    at = "2025-08-02T22:00:00Z"
    base = Observation(sha, at, source, "participating", late.name, size=len(data), suffix=".xlsx")
    archive.record_many([base, replace(base, observed_at="2025-08-29T22:00:00Z")])
    result = sqlite_cli("rebuild")
    assert "1 accepted, 1 rejected" in result.stdout
    rejected = json.loads(sqlite_cli("snapshots", "--rejected", "--format", "json").stdout)
    assert [(r["observed_at"], r["source"]) for r in rejected] == [(at, source)]


def test_a_stale_pending_list_placed_after_a_newer_one_is_held_not_diffed(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    names = [n for n in CASES if "2026" in n]
    paths = sheets(tmp_path / "in", *names)
    late = manifest(tmp_path, [("pendingAgencies01062026.xlsx", "2026-01-07T20:00:00Z", "")])
    result = sqlite_cli("import", *map(str, paths), "--manifest", str(late))
    assert (
        "rejected pendingAgencies01062026.xlsx: stale: brings back 3 rows removed since the "
        "list of 2026-01-05T22:00:00Z (pendingAgencies01052026pm.xlsx) and lacks 1 added since"
    ) in result.stderr
    events = json.loads(sqlite_cli("changes", "--kind", "pending", "--format", "json").stdout)
    kinds = sorted(e["kind"] for e in events)
    assert kinds == ["pending.added"] * 6 + ["pending.approved"] * 3


PARTS = {
    "participatingAgencies07302025pm.xlsx": [
        ["TEXAS", "Alpha County Sheriff's Office", "County", "Alpha County", "JEM", "2025-01-02"],
        ["TEXAS", "Beta County Sheriff's Office", "County", "Beta County", "JEM", "2025-02-03"],
        ["TEXAS", "Gamma Police Department", "Municipality", None, "WSO", "2025-03-04"],
        ["TEXAS", "Delta Police Department", "Municipality", None, "WSO", "2025-04-05"],
    ],
    "participatingAgencies08052025pm.xlsx": [],  # the whole list again: filled below
}
PARTS["participatingAgencies08052025pm.xlsx"] = PARTS["participatingAgencies07302025pm.xlsx"]
PARTS["participatingAgenciesJEM08042025am.xlsx"] = PARTS["participatingAgencies07302025pm.xlsx"][:2]
PARTS["participatingAgenciesWSO08042025am.xlsx"] = PARTS["participatingAgencies07302025pm.xlsx"][2:]


def test_files_of_one_list_observed_at_one_time_are_parts_and_none_is_read_as_the_list(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    """ICE publishes one list of each kind at a time: two files of it at one moment
    (one a model, as here) are parts, and a part read as the list would withdraw the
    others' agreements."""
    files = hand_made_sheets(PARTS, tmp_path / "in", *PARTS)
    result = sqlite_cli("import", *map(str, files))
    assert "(2 accepted, 2 rejected)" in result.stdout
    for model in ("JEM", "WSO"):
        assert (
            f"rejected participatingAgencies{model}08042025am.xlsx: one of 2 files of the "
            "participating list observed at 2025-08-04T"
        ) in result.stderr
    events = json.loads(sqlite_cli("changes", "--format", "json").stdout)
    assert {e["kind"] for e in events} == {"agreement.added", "agency.joined", "snapshot.rejected"}


def test_a_part_arriving_for_a_list_already_read_at_its_time_reads_the_history_again(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    whole, jem, wso = hand_made_sheets(
        PARTS,
        tmp_path / "in",
        "participatingAgencies07302025pm.xlsx",
        "participatingAgenciesJEM08042025am.xlsx",
        "participatingAgenciesWSO08042025am.xlsx",
    )
    sqlite_cli("import", str(whole), str(jem))  # the JEM part alone: read as the list
    again = sqlite_cli("import", str(wso))
    assert "(history replayed: " in again.stdout  # for this, or as older than the last read
    rejected = json.loads(sqlite_cli("snapshots", "--rejected", "--format", "json").stdout)
    assert sorted(r["reason"][:40] for r in rejected) == 2 * [
        "one of 2 files of the participating list"
    ]


def test_a_new_file_of_a_list_read_at_its_time_is_found_whatever_the_ids_order() -> None:
    from ice287g.pipeline import in_parts, part_of_a_read_list

    def obs(sha: str, at: str, kind: str | None = "participating") -> Observation:
        return Observation(sha * 64, f"2025-08-0{at}T12:00:00Z", "import", kind_claimed=kind)

    whole, first, second = obs("a", "1"), obs("b", "4"), obs("c", "4")
    pending = obs("d", "4", "pending")
    everything = [whole, first, second, pending]
    assert in_parts(everything) == {("2025-08-04T12:00:00Z", "participating"): 2}
    assert in_parts([whole, first, obs("b", "4"), pending, obs("e", "4", None)]) == {}
    read = {whole.snapshot_id, first.snapshot_id}
    assert part_of_a_read_list([second], everything, read)
    assert not part_of_a_read_list([first, second], everything, {whole.snapshot_id})
    assert not part_of_a_read_list([pending], everything, {whole.snapshot_id})
