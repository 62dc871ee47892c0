"""Archive, config and file-name dating: small pure units."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.errors import ConfigError
from ice287g.config import load_config
from parsers.filenames import claimed_kind, date_from_name
from snapshots.archive import Archive, Observation


def _obs(sha: str, when: str = "2025-01-01T00:00:00Z", name: str = "a.xlsx") -> Observation:
    return Observation(sha256=sha, observed_at=when, source="import", original_name=name)


def test_archive_stores_once_and_records_once(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    sha, path = archive.put(b"hello", ".xlsx")
    assert archive.put(b"hello", ".xlsx") == (sha, path)
    assert path.name == f"{sha}.xlsx" and archive.read(sha) == b"hello"
    assert archive.record(_obs(sha)) is True
    assert Archive(tmp_path).record(_obs(sha)) is False
    assert Archive(tmp_path).record(_obs(sha, "2025-01-02T00:00:00Z")) is True
    assert len(Archive(tmp_path).observations()) == 2


def test_archive_survives_a_torn_manifest_line(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    sha, _ = archive.put(b"x")
    archive.record(_obs(sha))
    with archive.manifest_path.open("a") as handle:
        handle.write('{"sha256": "tor')
    fresh = Archive(tmp_path)
    assert fresh.record(_obs(sha, "2025-02-02T00:00:00Z"))
    assert [o.observed_at for o in Archive(tmp_path).observations()] == [
        "2025-01-01T00:00:00Z",
        "2025-02-02T00:00:00Z",
    ]


def test_archive_paths_never_use_the_original_name(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    sha, path = archive.put(b"data", "/../../etc/passwd")
    assert path.is_relative_to(tmp_path) and path.name == f"{sha}.bin"


@pytest.mark.parametrize(
    ("name", "expected", "kind"),
    [
        ("participatingAgencies-20250221214937.xlsx", "2025-02-21 21:49:37+00:00", "participating"),
        ("participatingAgencies05162025am.xlsx", "2025-05-16 12:00:00+00:00", "participating"),
        ("pendingAgencies05162025pm.xlsx", "2025-05-16 22:00:00+00:00", "pending"),
        ("participatingAgencies05162025mid.xlsx", "2025-05-16 16:00:00+00:00", "participating"),
        ("participatingAgencies06112025pm copy.xlsx", "2025-06-11 22:01:00+00:00", "participating"),
        ("participatingAgencies090022025pm.xlsx", "2025-09-02 22:00:00+00:00", "participating"),
        ("287gParticipatingAgencies091526pm.xlsx", "2026-09-15 22:00:00+00:00", "participating"),
        ("pendingAgencies.xlsx", None, "pending"),
    ],
)
def test_dates_from_file_names(name: str, expected: str | None, kind: str) -> None:
    found = date_from_name(name)
    assert (str(found.observed_at) if found else None) == expected
    assert claimed_kind(name) == kind


def test_config_precedence_and_validation(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        '[database]\nurl = "sqlite:///x.db"\n[diff]\nwithdraw_after_snapshots = 3\n'
    )
    config = load_config(None, {}, env={}, cwd=tmp_path)
    assert config.db == f"sqlite:///{tmp_path / 'x.db'}"
    assert config.diff.withdraw_after_snapshots == 3
    env = {"ICE287G_DIFF__WITHDRAW_AFTER_SNAPSHOTS": "4", "ICE287G_DB": "sqlite:///y.db"}
    config = load_config(None, {"db": "sqlite:///z.db"}, env=env, cwd=tmp_path)
    assert config.diff.withdraw_after_snapshots == 4
    assert config.db.endswith("z.db")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[diff]\nwithdraw_after_snapshots = 0\n", "diff.withdraw_after_snapshots must be >= 1"),
        ("[diff]\nnope = 1\n", "unknown setting diff.nope"),
        ("[bogus]\n", "unknown section(s) in config: bogus"),
        ("[fetch]\nmax_retries = 'many'\n", "fetch.max_retries must be a int"),
        ("not toml = = =", "is not valid TOML"),
        ('[moa]\nocr = "maybe"\n', "moa.ocr must be auto, off or required, got 'maybe'"),
        ("[moa]\nocr_dpi = 2000\n", "moa.ocr_dpi must be between 72 and 600, got 2000"),
    ],
)
def test_config_errors_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "config.toml").write_text(text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(None, {}, env={}, cwd=tmp_path)
