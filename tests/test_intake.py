"""The intake (``ice287g/intake.py``): every source of bytes becomes an observation the
same way; and the import job runs without the command line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ice287g.app import App
from ice287g.config import load_config
from ice287g.importer import ImportOptions, run_import
from ice287g.intake import Origin, observe
from snapshots.archive import Archive

SHEET = b"PK\x03\x04" + b"\x00" * 40
PDF = b"%PDF-1.7\n" + b"\x00" * 40
PAGE = b"<!doctype html><html><body><p>287(g)</p></body></html>"


def test_observe_stores_the_bytes_and_returns_an_unrecorded_observation(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    origin = Origin("import", "2025-02-21T21:49:37Z", "participating", "a.xlsx")
    obs = observe(archive, SHEET, origin)
    assert (obs.suffix, obs.size, obs.kind_claimed) == (".xlsx", len(SHEET), "participating")
    assert archive.read(obs.sha256) == SHEET
    assert archive.observations() == []


def test_a_pdf_claims_to_be_an_moa_whatever_its_origin_says(tmp_path: Path) -> None:
    obs = observe(Archive(tmp_path), PDF, Origin("import", "2025-01-01T00:00:00Z", "pending"))
    assert (obs.kind_claimed, obs.suffix) == ("moa", ".pdf")


def test_a_suffix_fixed_by_the_origin_wins_over_the_sniffed_one(tmp_path: Path) -> None:
    origin = Origin("wayback", "2025-01-01T00:00:00Z", "page", suffix=".html")
    assert observe(Archive(tmp_path), b"not sniffable", origin).suffix == ".html"
    plain = Origin("wayback", "2025-01-01T00:00:00Z", "page")
    assert observe(Archive(tmp_path), b"not sniffable", plain).suffix == ".bin"


def test_the_origin_is_carried_into_the_observation_unchanged(tmp_path: Path) -> None:
    http = {"status": 200, "fetched_url": "https://www.ice.gov/p"}
    origin = Origin("live", "2025-01-01T00:00:00Z", "page", "p", "https://www.ice.gov/p", http)
    obs = observe(Archive(tmp_path), PAGE, origin)
    assert (obs.source, obs.observed_at, obs.original_name, obs.url) == (
        "live",
        "2025-01-01T00:00:00Z",
        "p",
        "https://www.ice.gov/p",
    )
    assert obs.http == http and obs.forced is False


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    config = tmp_path / "config.toml"
    config.write_text('[archive]\nlock_file = "ice287g.lock"\n', encoding="utf-8")
    overrides = {"db": f"sqlite:///{tmp_path / 'intake.db'}", "snapshots": str(tmp_path / "a")}
    built = App(load_config(str(config), overrides))
    yield built
    built.close()


def test_the_import_job_archives_diffs_and_reports_without_the_command_line(
    app: App, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.html").write_bytes(PAGE)
    (folder / "README.md").write_text("notes", encoding="utf-8")
    options = ImportOptions(observed_at=datetime(2025, 3, 1, tzinfo=UTC))
    first = run_import(app, [folder], options)
    assert first.added == [str(folder / "page.html")] and first.already == []
    assert [path for path, _ in first.skipped] == [str(folder / "README.md")]
    assert first.diff.processed == 1
    again = run_import(app, [folder / "page.html"], options)
    assert (again.added, again.already) == ([], [str(folder / "page.html")])
    assert again.diff.processed == 0


def test_the_import_job_skips_a_file_it_cannot_date(app: App, tmp_path: Path) -> None:
    path = tmp_path / "undated.html"
    path.write_bytes(PAGE)
    result = run_import(app, [path], ImportOptions())
    assert result.added == [] and "no observed time" in result.skipped[0][1]
    assert app.archive.observations() == []
