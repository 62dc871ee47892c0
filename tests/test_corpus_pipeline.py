"""The core pipeline on the real corpus, on SQLite and PostgreSQL, through the CLI."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from common.times import utc_iso
from parsers.filenames import date_from_name
from tests.conftest import Cli


@pytest.fixture(scope="module")
def imported(module_db: tuple[str, Path], corpus: Path) -> Cli:
    """The whole corpus imported once per backend, shared by this module's tests."""
    cli = Cli(*module_db)
    cli("import", str(corpus / "ice-sheets"))
    return cli


def test_status_matches_ice_counts_for_2025_04_04(imported: Cli) -> None:
    out = json.loads(imported("status", "--as-of", "2025-04-04", "--format", "json").stdout)
    assert out["agreements"] == 444
    assert out["states"] == 38
    assert out["by_model"] == {"JEM": 86, "WSO": 180, "TFM": 178}
    assert out["pending"] == 66


def test_second_import_adds_nothing_and_rebuilds_are_identical(imported: Cli, corpus: Path) -> None:
    before = imported("changes", "--format", "json").stdout
    again = imported("import", str(corpus / "ice-sheets"))
    assert "0 files archived" in again.stdout and "0 new events" in again.stdout
    assert imported("changes", "--format", "json").stdout == before
    imported("rebuild")
    first = imported("changes", "--format", "json").stdout
    imported("rebuild")
    assert imported("changes", "--format", "json").stdout == first
    assert first == before


def test_no_withdrawal_bursts_and_rejections_have_reasons(imported: Cli) -> None:
    events = json.loads(
        imported("changes", "--kind", "agreement.withdrawn", "--format", "json").stdout
    )
    per_day = Counter(e["window_end"][:10] for e in events)
    assert max(per_day.values()) <= 5, per_day
    snaps = json.loads(imported("snapshots", "--rejected", "--format", "json").stdout)
    assert snaps, "the corpus holds known-bad files"
    assert all(s["reason"] for s in snaps)


@pytest.mark.slow
def test_a_manifest_dating_every_file_by_its_name_gives_the_same_history(
    imported: Cli, corpus: Path, tmp_path: Path
) -> None:
    """The manifest's date of participatingAgencies08022025pm.xlsx (2 August) is
    contradicted by its rows (signed up to 28 August): the file is rejected, as it is
    when its name dates it, and the history is the plain import's."""
    if not imported.db.startswith("sqlite"):
        pytest.skip("compared once, on SQLite")
    sheets = corpus / "ice-sheets"
    lines = ["file,observed_at"]
    for path in sorted(sheets.rglob("*.xlsx")):
        named = date_from_name(path.name)
        if named:
            lines.append(f"{path},{utc_iso(named.observed_at)}")
    manifest = tmp_path / "named.csv"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cli = Cli(f"sqlite:///{tmp_path / 'named.db'}", tmp_path / "archive")
    result = cli("import", str(sheets), "--manifest", str(manifest))
    assert (
        "rejected participatingAgencies08022025pm.xlsx: holds 81 agreements signed after its "
        "observed time 2025-08-02, up to 2025-08-28"
    ) in result.stderr
    assert (
        cli("changes", "--format", "json").stdout == imported("changes", "--format", "json").stdout
    )


def test_changes_markdown_is_grouped_by_date_with_counts(imported: Cli) -> None:
    md = imported(
        "changes", "--since", "2025-03-01", "--until", "2025-03-31", "--format", "md"
    ).stdout
    assert md.startswith("# 287(g) changes, 2025-03-01 to 2025-03-31")
    assert "**" in md.splitlines()[2] and "## 2025-03-" in md


def test_history_of_one_agency(imported: Cli) -> None:
    out = json.loads(
        imported(
            "history", "Minnehaha County Sheriff's Office", "--state", "SD", "--format", "json"
        ).stdout
    )
    kinds = [e["kind"] for e in out["events"]]
    assert "agreement.added" in kinds and "agency.renamed" in kinds


def test_history_of_an_agency_shows_the_application_it_joined_by_under_another_label(
    imported: Cli,
) -> None:
    """ICE listed New Port Richey's application as ``Polce Department``: its history
    shows that application, added and approved, beside its agreement."""
    out = json.loads(
        imported("history", "New Port Richey Police Department", "--format", "json").stdout
    )
    names = [a["name"] for a in out["agencies"]]
    assert names == ["New Port Richey Police Department", "New Port Richey Polce Department"]
    kinds = [(e["kind"], e["agency"]) for e in out["events"]]
    assert ("pending.added", "New Port Richey Polce Department") in kinds
    assert ("pending.approved", "New Port Richey Polce Department") in kinds
    assert ("agreement.added", "New Port Richey Police Department") in kinds


def test_broken_files_are_reported_not_crashing(cli: Cli, corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    good = corpus / "ice-sheets/participating/participatingAgencies-20250221214937.xlsx"
    shutil.copy(good, folder / "participatingAgencies-20250221214937.xlsx")
    data = good.read_bytes()
    (folder / "participatingAgencies-20250222000000.xlsx").write_bytes(data[: len(data) // 2])
    (folder / "participatingAgencies-20250223000000.xlsx").write_bytes(b"")
    (folder / "participatingAgencies-20250224000000.xlsx").write_bytes(b"<html>Access Denied")
    (folder / "participatingAgencies-20250225000000.xlsx").write_bytes(_zip_bomb())
    (folder / "notes-without-date.xlsx").write_bytes(data)
    result = cli("import", str(folder))
    assert "Traceback" not in result.output
    assert "notes-without-date.xlsx: no observed time" in result.stderr
    rejected = json.loads(cli("snapshots", "--rejected", "--format", "json").stdout)
    assert len(rejected) == 4
    assert all(r["reason"].startswith("unreadable:") for r in rejected)


def _zip_bomb() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                member.write(chunk)
    return buffer.getvalue()


def test_status_exports_carry_agency_and_agreement_ids(imported: Cli) -> None:
    out = imported("status", "--as-of", "2025-04-04", "--list", "participating", "--format", "csv")
    header, first = out.stdout.splitlines()[:2]
    assert header.startswith("state,agency,agency_id,agreement_id,model")
    state, _, agency_id, agreement_id, model = first.split(",")[:5]
    assert agency_id.startswith(state.lower() + "-") and agreement_id == f"{agency_id}|{model}"


def test_importing_from_july_gives_the_same_ids_as_from_february(
    imported: Cli, sqlite_cli: Cli, corpus: Path, tmp_path: Path
) -> None:
    """Ids do not depend on where the archive starts (the shipped registry)."""
    from parsers.filenames import date_from_name

    folder = tmp_path / "from-july"
    folder.mkdir()
    for path in sorted((corpus / "ice-sheets/participating").iterdir()):
        named = date_from_name(path.name)
        if named and named.observed_at.isoformat() >= "2025-07-01":
            shutil.copy(path, folder / path.name)
    sqlite_cli("import", str(folder))
    args = ("status", "--as-of", "2025-08-29", "--list", "participating", "--format", "json")
    late = {(r["state"], r["agency"], r["model"]): r["agency_id"] for r in _rows(sqlite_cli(*args))}
    full = {(r["state"], r["agency"], r["model"]): r["agency_id"] for r in _rows(imported(*args))}
    assert len(late) > 900 and late == full


def _rows(result: object) -> list[dict[str, str]]:
    return list(json.loads(result.stdout))  # type: ignore[attr-defined]


def test_agreements_signed_per_month_and_agencies_joined_are_one_query(imported: Cli) -> None:
    out = imported(
        "changes", "--kind", "agreement.added", "--group-by", "signed-month", "--format", "json"
    )
    per_month = {r["signed-month"]: r["events"] for r in json.loads(out.stdout)}
    assert per_month["2025-02"] > 50 and sum(per_month.values()) > 900
    joined = json.loads(imported("changes", "--kind", "agency.joined", "--format", "json").stdout)
    left = json.loads(imported("changes", "--kind", "agency.left", "--format", "json").stdout)
    assert len(joined) > 700 and 0 < len(left) < 20
    refused = imported(
        "changes", "--group-by", "state", "--format", "md", expect=2
    )  # a usage error
    assert "--group-by gives counts" in refused.stderr


def test_ices_relabels_are_not_withdrawals(imported: Cli) -> None:
    out = imported("changes", "--kind", "agreement.withdrawn", "--format", "json")
    withdrawn = {e["agency"] for e in json.loads(out.stdout)}
    relabelled = {
        "City of Melbourne Police Department",
        "Alachua Police Departent",
        "Arkansas State Police",
        "Crow Wing County Sheriff's Office",
        "Florida Department of Agriculture",  # a reviewed alias (diffs/aliases.toml)
    }
    assert not withdrawn & relabelled and len(withdrawn) <= 25
    renamed = json.loads(imported("changes", "--kind", "agency.renamed", "--format", "json").stdout)
    names = {(e["before"]["name"], e["after"]["name"]) for e in renamed}
    assert ("City of Melbourne Police Department", "Melbourne Police Department") in names
    assert ("Alachua Police Departent", "Alachua Police Department") in names
