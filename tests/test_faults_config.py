"""Configuration faults: a value that would crash, hang or silently change meaning is
refused at load with one line naming the setting (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.errors import ConfigError
from ice287g.config import load_config


def _load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(str(path), {}, env={}, cwd=tmp_path)


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ("[wayback]\ncdx_per_minute = 0\n", "wayback.cdx_per_minute"),
        ("[fetch]\nread_timeout = inf\n", "fetch.read_timeout"),
        ("[fetch]\nconnect_timeout = nan\n", "fetch.connect_timeout"),
        ("[diff]\nloss_confirm_hours = -1.0\n", "diff.loss_confirm_hours"),
        ("[fetch]\nmoa_recheck_hours = -5.0\n", "fetch.moa_recheck_hours"),
        ("[diff]\nwithdraw_after_snapshots = 2.7\n", "diff.withdraw_after_snapshots"),
        ("[diff]\nwithdraw_after_snapshots = true\n", "diff.withdraw_after_snapshots"),
        ('[source]\ncontact = "  "\n', "source.contact"),
        ("[fetch]\ndownload_deadline = 0\n", "fetch.download_deadline"),
        ("[fetch]\npass_deadline = -1\n", "fetch.pass_deadline"),
        ("[database]\nconnect_timeout = 0\n", "database.connect_timeout"),
        ("[database]\nstatement_timeout = -3\n", "database.statement_timeout"),
        # a value of another type: read as text, it named a folder or a wrong answer
        ('[archive]\npath = ["a", "b"]\n', "archive.path"),
        ("[publish]\ndir = true\n", "publish.dir"),
        ('archive = "snapshots/archive"\n', r"\[archive\]"),
        # a typo's size (1e300 seconds overflowed a clock: an internal error; 1e12 a
        # PostgreSQL timeout), a path or a URL that cannot be one (helpers 46, 50)
        ("[fetch]\nper_host_interval = 1e300\n", "fetch.per_host_interval"),
        ("[database]\nstatement_timeout = 1e12\n", "database.statement_timeout"),
        ('[source]\npage_path = "identify-and-arrest/287g"\n', "source.page_path"),
        ('[wayback]\ncdx_url = "not a url"\n', "wayback.cdx_url"),
        ('[database]\nurl = "mysql://x/y"\n', "mysql is not supported"),
        ('[source]\nbase_url = "http://127.0.0.1:99999"\n', "source.base_url"),
    ],
)
def test_a_value_that_would_crash_or_change_meaning_is_refused_naming_the_setting(
    tmp_path: Path, toml: str, named: str
) -> None:
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        _load(tmp_path, toml)


def test_a_config_file_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Notepad saves UTF-8 with a byte-order mark: it was no TOML at line 1."""
    path = tmp_path / "config.toml"
    path.write_text("[diff]\nwithdraw_after_snapshots = 3\n", encoding="utf-8-sig")
    config = load_config(str(path), {}, env={}, cwd=tmp_path)
    assert config.diff.withdraw_after_snapshots == 3  # type: ignore[attr-defined]


def test_whole_numbers_written_as_floats_and_timeouts_in_the_database_table_load(
    tmp_path: Path,
) -> None:
    config = _load(
        tmp_path,
        '[database]\nurl = "sqlite:///x.db"\nconnect_timeout = 3\nstatement_timeout = 30\n'
        "[diff]\nwithdraw_after_snapshots = 3.0\n[fetch]\npass_deadline = 900\n",
    )
    assert config.diff.withdraw_after_snapshots == 3  # type: ignore[attr-defined]
    assert config.database.statement_timeout == 30.0  # type: ignore[attr-defined]
    assert config.fetch.pass_deadline == 900.0  # type: ignore[attr-defined]
    assert config.db.endswith("/x.db")  # type: ignore[attr-defined]


def test_an_environment_value_is_checked_like_the_file(tmp_path: Path) -> None:
    env = {"ICE287G_DIFF__WITHDRAW_AFTER_SNAPSHOTS": "true"}
    with pytest.raises(ConfigError, match="withdraw_after_snapshots"):
        load_config(None, {}, env=env, cwd=tmp_path)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@127.0.0.1:abc/x",  # a port that is no number
        "sqlite:////tmp/%00x.db",  # a NUL in the path
        "sqlite:////tmp/ice287g-x.db?timeout=abc",  # an option that is no number
        "foo+bar://x",  # no such database
    ],
)
def test_a_database_url_that_is_none_is_a_bad_setting_in_one_line(url: str) -> None:
    """A URL whose parts are none is a bad setting (exit 2, one line), not an internal
    error (exit 70)."""
    from click.testing import CliRunner

    from ice287g.cli import cli

    result = CliRunner().invoke(cli, ["--db", url, "changes"])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and "database URL" in result.output


def test_a_database_out_of_disk_space_is_an_operating_system_error() -> None:
    """SQLite's ``database or disk is full`` (here its page limit reached) exits 74, as a
    full disk under the archive does, not 1."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from ice287g.failures import system_failure

    connection = sqlite3.connect(":memory:")
    connection.execute("PRAGMA max_page_count = 2")
    with pytest.raises(sqlite3.OperationalError) as full:
        connection.execute("CREATE TABLE t (x)")
        connection.executemany("INSERT INTO t VALUES (?)", [("x" * 5000,)] * 10)
    assert system_failure(OperationalError("INSERT", {}, full.value))
    other = sqlite3.OperationalError("no such table: t")
    assert not system_failure(OperationalError("SELECT", {}, other))


def test_the_archive_and_database_settings_are_read_from_the_environment_too(
    tmp_path: Path,
) -> None:
    """``ICE287G_ARCHIVE__LOCK_FILE``, ``ICE287G_ARCHIVE__PATH`` and
    ``ICE287G_DATABASE__URL`` name the file's settings, and are read (they were
    ignored); a variable naming no setting is refused, as in the file."""
    env = {
        "ICE287G_ARCHIVE__LOCK_FILE": str(tmp_path / "x.lock"),
        "ICE287G_ARCHIVE__PATH": str(tmp_path / "arch"),
        "ICE287G_DATABASE__URL": f"sqlite:///{tmp_path / 'e.db'}",
    }
    config = load_config(None, {}, env=env, cwd=tmp_path)
    assert config.lock_file == tmp_path / "x.lock" and config.snapshots == tmp_path / "arch"
    assert config.db == f"sqlite:///{tmp_path / 'e.db'}"
    for name in ("ICE287G_ARCHIVE__NOPE", "ICE287G_BOGUS__X"):
        with pytest.raises(ConfigError, match="unknown setting"):
            load_config(None, {}, env={name: "1"}, cwd=tmp_path)


def test_a_reviewed_file_named_in_the_config_is_found_beside_it_and_one_missing_is_refused(
    tmp_path: Path,
) -> None:
    """``moa.reviewed = "mine.toml"`` is beside the config file, as the database and the
    archive are, wherever the command runs (it was read from the working folder: run
    from elsewhere, every reviewed value was silently lost); a file named that is not
    there is refused, not read as no review."""
    from ice287g.app import App

    folder = tmp_path / "conf"
    folder.mkdir()
    path = folder / "config.toml"
    path.write_text('[moa]\nreviewed = "mine.toml"\n', encoding="utf-8")
    config = load_config(str(path), {}, env={}, cwd=tmp_path)
    assert config.moa.reviewed == str(folder / "mine.toml")
    with pytest.raises(ConfigError, match="moa.reviewed: no such file"):
        App(config).reviewed()
    (folder / "mine.toml").write_text("", encoding="utf-8")
    assert App(config).reviewed() == {}


def test_a_misspelt_environment_variable_of_ours_is_refused_naming_the_one_meant(
    tmp_path: Path,
) -> None:
    """``ICE287G_SNAPSHOT`` (no S) was ignored, as the README said it would not be: the
    archive was a new empty one in the working folder."""
    with pytest.raises(ConfigError, match="did you mean ICE287G_SNAPSHOTS"):
        load_config(None, {}, env={"ICE287G_SNAPSHOT": "/srv/archive"}, cwd=tmp_path)
    with pytest.raises(ConfigError, match="unknown environment variable ICE287G_DATABASE"):
        load_config(None, {}, env={"ICE287G_DATABASE": "sqlite:///x.db"}, cwd=tmp_path)
    env = {"ICE287G_SNAPSHOTS": "/srv/archive", "ICE287G_REQUIRE_PG": "1", "OTHER_X": "y"}
    assert load_config(None, {}, env=env, cwd=tmp_path).snapshots == Path("/srv/archive")


def test_a_database_it_may_not_write_is_an_operating_system_error(tmp_path: Path) -> None:
    """A read-only SQLite file (its mode, or a ``-shm`` file left read-only) exits 74, as
    a read-only archive does, not 1 (helper 46). Opened read-only here, as root may
    write any file."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from ice287g.failures import system_failure

    path = tmp_path / "db.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as readonly:
        connection.execute("INSERT INTO t VALUES (1)")
    assert system_failure(OperationalError("INSERT", {}, readonly.value))
