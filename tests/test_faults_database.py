"""Database and crash faults: a migration or a rebuild stopped midway, two writers at
once, a database that never answers. Each ends in a usable database or one line."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.ddl.impl import DefaultImpl
from sqlalchemy import inspect, text
from sqlalchemy.exc import OperationalError

from common.errors import ConfigError
from ice287g import pipeline
from ice287g.app import App
from ice287g.config import load_config
from ice287g.lock import RunLock
from store.db import open_engine, transaction
from store.errors import StoreError
from store.models import Base
from tests.conftest import ROOT, Cli
from tests.hostile import agency_sheet


class Killed(BaseException):
    """Stands for SIGKILL or Ctrl-C arriving midway (not an error anything catches)."""


def _two_lists(cli: Cli, folder: Path) -> None:
    first = agency_sheet(folder, "a.xlsx", ["Alpha County Sheriff", "Beta County Sheriff"])
    second = agency_sheet(folder, "b.xlsx", ["Alpha County Sheriff", "Gamma County Sheriff"])
    cli("import", str(first), "--observed-at", "2025-03-01T12:00:00Z")
    cli("import", str(second), "--observed-at", "2025-03-05T12:00:00Z")


def test_a_migration_killed_midway_leaves_no_table_behind(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_table = DefaultImpl.create_table
    made: list[object] = []

    def interrupted(self: DefaultImpl, table: object, **kwargs: object) -> None:
        if made:  # the first table is made, then the process is killed
            raise Killed
        made.append(create_table(self, table, **kwargs))  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(DefaultImpl, "create_table", interrupted)
        with pytest.raises(Killed):
            open_engine(db_url)
    engine = open_engine(db_url, migrate_schema=False)
    assert not set(inspect(engine).get_table_names()) & set(Base.metadata.tables)
    engine.dispose()
    open_engine(db_url).dispose()  # and the next command migrates as on a fresh install


def test_a_half_made_schema_from_an_older_version_is_made_again(
    db_url: str, tmp_path: Path
) -> None:
    engine = open_engine(db_url, migrate_schema=False)
    with engine.begin() as connection:  # what a killed non-transactional migration left
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        Base.metadata.tables["agencies"].create(connection)
    engine.dispose()
    cli = Cli(db_url, tmp_path / "archive")
    cli("rebuild")
    assert json.loads(cli("status", "--format", "json").stdout)["agreements"] == 0


def test_tables_of_our_names_holding_another_programs_rows_are_refused_not_dropped(
    db_url: str, tmp_path: Path
) -> None:
    """A shared database, or a mistyped ``--db``: another program's ``events`` table of
    a thousand rows was dropped by the first ``status``, exit 0; now one line, exit 2,
    and nothing touched."""
    engine = open_engine(db_url, migrate_schema=False)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER, what VARCHAR(20))"))
        connection.execute(text("INSERT INTO events VALUES (1, 'theirs')"))
    engine.dispose()
    result = Cli(db_url, tmp_path / "archive")("status", expect=2)
    assert "the database holds tables ice287g did not make (events)" in result.stderr
    with open_engine(db_url, migrate_schema=False).connect() as connection:
        assert connection.execute(text("SELECT what FROM events")).scalar() == "theirs"


def test_a_database_of_a_newer_schema_is_refused_naming_it_not_an_internal_error(
    db_url: str, tmp_path: Path
) -> None:
    cli = Cli(db_url, tmp_path / "archive")
    engine = open_engine(db_url)  # made by a newer ice287g: a schema this one lacks
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    result = cli("status", expect=2)
    assert "database schema 9999 is none this ice287g knows" in result.stderr


def test_every_transaction_makes_ddl_atomic(db_url: str) -> None:
    engine = open_engine(db_url)
    with pytest.raises(Killed), engine.begin() as connection:
        connection.execute(text("CREATE TABLE half_made (x INTEGER)"))
        raise Killed
    assert "half_made" not in inspect(engine).get_table_names()
    engine.dispose()


def test_a_rebuild_killed_midway_leaves_the_previous_history_whole(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_lists(cli, tmp_path)
    before = cli("changes", "--format", "json").stdout
    assert len(json.loads(before)) >= 3
    monkeypatch.setattr(pipeline, "COMMIT_EVERY", 1)
    app = App(load_config(None, {"db": cli.db, "snapshots": str(cli.snapshots)}, env={}))

    def killed_after_the_first(done: int, _total: int, _name: str) -> None:
        if done >= 1:
            raise Killed

    with pytest.raises(Killed):
        app.pipeline().rebuild(killed_after_the_first)
    app.close()
    assert cli("changes", "--format", "json").stdout == before


@pytest.mark.parametrize("command", ["import", "rebuild"])
def test_import_and_rebuild_wait_for_no_one_a_busy_lock_is_one_line_and_exit_75(
    sqlite_cli: Cli, tmp_path: Path, command: str
) -> None:
    sheet = agency_sheet(tmp_path, "a.xlsx", ["Alpha County Sheriff"])
    args = ["import", str(sheet), "--observed-at", "2025-03-01"] if command == "import" else []
    with RunLock(sqlite_cli.lock):
        result = sqlite_cli(*(args or [command]), expect=75)
    assert result.stderr.count("\n") == 1 and "another ice287g pass" in result.stderr
    sqlite_cli(*(args or [command]))


def test_a_file_the_archive_lost_and_got_back_is_read_again(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    """An object deleted from the archive: its snapshot is rejected, saying the archive
    holds no such object (it said ``Is a directory: '.'``); the object restored, the
    next pass replays (it kept the rejection), and the history is the one it was."""
    _two_lists(sqlite_cli, tmp_path)
    before = sqlite_cli("changes", "--format", "json").stdout
    [obj] = [p for p in sqlite_cli.snapshots.glob("objects/*/*") if p.read_bytes()[:2] == b"PK"][:1]
    saved = obj.read_bytes()
    obj.unlink()
    fresh = Cli(f"sqlite:///{tmp_path / 'fresh.db'}", sqlite_cli.snapshots)  # no parse cache
    fresh("rebuild")
    [lost] = json.loads(fresh("snapshots", "--rejected", "--format", "json").stdout)
    assert "the archive holds no object" in lost["reason"]
    obj.write_bytes(saved)  # restored from a backup; the next pass reads it again
    fresh("import", str(tmp_path / "a.xlsx"), "--observed-at", "2025-03-01T12:00:00Z")
    assert fresh("changes", "--format", "json").stdout == before


def test_a_write_waits_for_another_writer_on_sqlite_as_long_as_the_timeout(
    tmp_path: Path,
) -> None:
    """Another writer (a ``sqlite3`` shell, a ``VACUUM``) holding the write lock for a
    moment: a pass's transaction that read first and then wrote failed at once
    (``database is locked``); one that writes takes the lock first and waits for it."""
    import sqlite3

    path = tmp_path / "w.db"
    engine = open_engine(f"sqlite:///{path}", connect_timeout=10.0)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, other.execute, args=("COMMIT",)).start()
    started = time.monotonic()
    with transaction(engine, write=True) as session:
        session.execute(text("SELECT count(*) FROM snapshots"))
        session.execute(text("DELETE FROM snapshots"))
    assert 0.4 < time.monotonic() - started < 5.0
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, other.execute, args=("COMMIT",)).start()
    with pytest.raises(OperationalError, match="locked"), transaction(engine) as session:
        session.execute(text("SELECT count(*) FROM snapshots"))
        session.execute(text("DELETE FROM snapshots"))  # a read then a write: no wait
    time.sleep(0.6)
    other.close()
    engine.dispose()


def test_what_a_killed_write_left_half_written_is_swept_by_the_next_pass(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    _two_lists(sqlite_cli, tmp_path)
    leftover = sqlite_cli.snapshots / "objects" / "5e" / ".tmp-3lqty3ev"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"PK\x03\x04 half")
    sqlite_cli("rebuild")
    assert not leftover.exists()


def test_a_lock_file_holding_other_data_is_refused_not_emptied(sqlite_cli: Cli) -> None:
    """``archive.lock_file`` pointed at the archive's manifest (or the database): taking
    the lock emptied it, the whole archive's index lost; it is refused, one line, exit 2."""
    manifest = sqlite_cli.lock.parent / "manifest.jsonl"
    manifest.write_text('{"sha256": "ab"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="no lock file"):
        RunLock(manifest).acquire()
    assert manifest.read_text(encoding="utf-8") == '{"sha256": "ab"}\n'
    dead = sqlite_cli.lock
    dead.write_text("99999999\n", encoding="utf-8")  # a killed holder's pid: a lock file
    with RunLock(dead):
        assert dead.read_text(encoding="utf-8") == f"{os.getpid()}\n"


def test_a_pass_killed_while_its_workers_parse_leaves_no_worker_holding_the_lock(
    tmp_path: Path,
) -> None:
    """Killed (``kill -9``, a timeout) while its workers parse, a pass left them
    waiting for work for ever, sharing its lock: every later pass exited 75. A worker
    now lets go of the lock as it starts and ends when its pass does."""
    sheets = ROOT.parent / "shared" / "corpus" / "ice-sheets"
    if not sheets.is_dir():
        pytest.skip("the shared corpus is not beside the project (../shared/corpus)")
    lock = tmp_path / "run.lock"
    (tmp_path / "config.toml").write_text(f'[archive]\nlock_file = "{lock.as_posix()}"\n')
    args = ["--config", str(tmp_path / "config.toml"), "--db", f"sqlite:///{tmp_path / 'k.db'}"]
    args += ["--snapshots", str(tmp_path / "archive"), "import", str(sheets)]
    script = "from ice287g.cli import main; main()"
    proc = subprocess.Popen([sys.executable, "-c", script, *args], stderr=subprocess.DEVNULL)
    workers = _children(proc.pid, wanted=2, within=60.0)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10.0
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert workers and not any(_alive(pid) for pid in workers)
    with RunLock(lock):
        pass


def _children(parent: int, wanted: int, within: float) -> list[int]:
    """The pids of ``parent``'s children once it has ``wanted`` (its parse workers)."""
    deadline = time.monotonic() + within
    found: list[int] = []
    while len(found) < wanted and time.monotonic() < deadline:
        found = [
            int(stat.parent.name)
            for stat in Path("/proc").glob("[0-9]*/stat")
            if _parent_of(stat) == parent
        ]
        time.sleep(0.05)
    return found


def _parent_of(stat: Path) -> int | None:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


def test_the_run_lock_is_beside_the_archive_unless_set(tmp_path: Path) -> None:
    archive = tmp_path / "data" / "archive"
    config = load_config(None, {"snapshots": str(archive)}, env={}, cwd=tmp_path)
    assert config.lock_file == archive.parent / "ice287g.lock"
    chosen = tmp_path / "elsewhere.lock"
    overrides = {"snapshots": str(archive), "lock_file": str(chosen)}
    assert load_config(None, overrides, env={}, cwd=tmp_path).lock_file == chosen


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_a_database_server_that_never_answers_fails_within_the_connect_timeout(
    silent_server: int,
) -> None:
    started = time.monotonic()
    with pytest.raises(StoreError, match="cannot open database"):
        open_engine(f"postgresql://u@127.0.0.1:{silent_server}/db", connect_timeout=1)
    assert time.monotonic() - started < 10


def test_a_statement_that_never_ends_is_cancelled_after_the_statement_timeout(
    db_url: str,
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("statement_timeout is PostgreSQL's (SQLite is a local file)")
    engine = open_engine(db_url, statement_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(OperationalError), engine.connect() as connection:
        connection.execute(text("SELECT pg_sleep(5)"))
    assert time.monotonic() - started < 4
    engine.dispose()


def test_an_archive_that_cannot_be_written_is_one_line_naming_the_path_exit_74(
    tmp_path: Path,
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the archive should be")
    cli = Cli(f"sqlite:///{tmp_path / 'x.db'}", blocked)
    sheet = agency_sheet(tmp_path, "a.xlsx", ["Alpha County Sheriff"])
    result = cli("import", str(sheet), "--observed-at", "2025-03-01", expect=74)
    assert result.stderr.startswith("ice287g: error: ") and "not-a-folder" in result.stderr
    assert "internal error" not in result.stderr


def test_a_full_disk_while_archiving_records_no_observation(
    sqlite_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from snapshots import archive

    def full(path: Path, _data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(archive, "atomic_write", full)
    sheet = agency_sheet(tmp_path, "a.xlsx", ["Alpha County Sheriff"])
    result = sqlite_cli("import", str(sheet), "--observed-at", "2025-03-01", expect=74)
    assert "No space left on device" in result.stderr
    assert not (sqlite_cli.snapshots / "manifest.jsonl").exists()


def test_a_database_error_shows_the_database_cause_not_the_autoflush_note() -> None:
    import sqlite3

    import click
    from click.testing import CliRunner
    from sqlalchemy.exc import IntegrityError

    from ice287g.cli.shared import Ice287gGroup

    @click.group(cls=Ice287gGroup)
    def root() -> None:
        pass

    @root.command()
    def write() -> None:
        exc = IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed: x.id"))
        exc.add_detail("raised as a result of Query-invoked autoflush; consider ...")
        raise exc

    result = CliRunner().invoke(root, ["write"])
    assert result.exit_code == 1
    assert result.stderr == "ice287g: error: database: UNIQUE constraint failed: x.id\n"


def test_values_longer_than_their_columns_fit_them_on_every_database(
    cli: Cli, corpus: Path, tmp_path: Path
) -> None:
    """A name longer than any agency's (a note pasted into its cell) made an agency id
    over its 200-character column: PostgreSQL refused it, failing the import, and a
    live pass and every pass after it on the archived list; a MOA's URL of 300
    characters would have done so as an event's subject (240). Each now fits, its
    readable head kept with a hashed tail; a link past 1,000 characters is no link."""
    from diffs.events import SUBJECT_CHARS
    from diffs.identity import AGENCY_ID_CHARS
    from parsers.urls import MAX_URL_CHARS
    from tests.hostile import listing_xlsx

    name = "Alpha " + "Very Long Name " * 25 + "Sheriff's Office"
    too_long = "https://www.ice.gov/doclib/287gMOA/" + "y" * 1_100 + ".pdf"
    rows = [
        ("TX", name, "Sheriff", "Jail Enforcement Model", "01/02/2025", None),
        ("TX", "Beta Police Department", "Municipal", "Task Force Model", "01/03/2025", too_long),
    ]
    sheet = tmp_path / "participatingAgencies03012025am.xlsx"
    sheet.write_bytes(listing_xlsx(rows))
    cli("import", str(sheet))
    listed = json.loads(cli("status", "--list", "participating", "--format", "json").stdout)
    alpha = next(row for row in listed if row["agency"] == name)
    assert len(alpha["agency_id"]) == AGENCY_ID_CHARS and alpha["agency_id"].startswith("tx-alpha")
    url = "https://www.ice.gov/doclib/287gMOA/" + "z" * 260 + ".pdf"
    manifest = tmp_path / "observed.csv"
    pdfs = [corpus / "moa" / "EllisCoTX_JEM_MOA_04.16.2025.pdf"]
    pdfs.append(corpus / "moa" / "NavajoCoAZ_WSO_MOA_04.16.2025.pdf")
    for pdf, day in zip(pdfs, ("05-01", "06-01"), strict=True):
        manifest.write_text(f"file,observed_at,url\n{pdf.name},2025-{day}T12:00:00Z,{url}\n")
        cli("import", str(pdf), "--manifest", str(manifest))
    [event] = json.loads(cli("changes", "--kind", "moa.replaced", "--format", "json").stdout)
    assert len(event["subject"]) == SUBJECT_CHARS and event["subject"].startswith(url[:200])
    [link] = json.loads(cli("moa", "list", "--format", "json").stdout)
    assert link["url"] == url
    # the first document again, under a manifest's link past 1,000 characters
    manifest.write_text(f"file,observed_at,url\n{pdfs[0].name},2025-07-01T12:00:00Z,{too_long}\n")
    cli("import", str(pdfs[0]), "--manifest", str(manifest))
    links = json.loads(cli("moa", "list", "--format", "json").stdout)
    assert sorted(len(link["url"]) for link in links) == [len(url), MAX_URL_CHARS]


def test_a_cell_holding_a_nul_is_stored_on_every_database(cli: Cli, tmp_path: Path) -> None:
    """Excel writes a NUL in a cell as ``_x0000_``, and calamine reads it back: PostgreSQL
    refuses text holding one, so the import failed, and a live pass and every pass after
    it on the archived list. No text holds a NUL: it is read as U+FFFD."""
    import io
    import zipfile

    from parsers.xlsx.values import NO_CHARACTER
    from tests.hostile import listing_xlsx

    rows = [
        (
            "TX",
            "Alpha MARK Sheriff's Office",
            "Sheriff",
            "Jail Enforcement Model",
            "01/02/2025",
            None,
        )
    ]
    with zipfile.ZipFile(io.BytesIO(listing_xlsx(rows))) as source:
        members = {name: source.read(name) for name in source.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in members.items():
            target.writestr(name, data.replace(b"MARK", b"_x0000_"))
    sheet = tmp_path / "participatingAgencies03012025am.xlsx"
    sheet.write_bytes(out.getvalue())
    cli("import", str(sheet))
    [row] = json.loads(cli("status", "--list", "participating", "--format", "json").stdout)
    assert row["agency"] == f"Alpha {NO_CHARACTER} Sheriff's Office"


def test_a_read_of_one_moment_does_not_see_what_commits_while_it_reads(db_url: str) -> None:
    """``publish`` reads its tables in one transaction: on PostgreSQL, each statement saw
    what had committed since the one before (a site of 150 snapshots and 3,780 events,
    an import committing meanwhile; helper 58). One moment, on both backends."""
    engine = open_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE moments (x INTEGER)"))
        connection.execute(text("INSERT INTO moments VALUES (1)"))
    count = text("SELECT count(*) FROM moments")
    with transaction(engine, one_moment=True) as session:
        assert session.execute(count).scalar() == 1
        with engine.begin() as other:  # another command commits meanwhile
            other.execute(text("INSERT INTO moments VALUES (2)"))
        assert session.execute(count).scalar() == 1
    with transaction(engine) as session:
        assert session.execute(count).scalar() == 2
    engine.dispose()


def test_a_database_file_the_system_will_not_open_is_exit_74_as_any_system_failure(
    tmp_path: Path,
) -> None:
    """SQLite's 'unable to open database file' (a read-only mount, a folder where the
    file should be) is the operating system's refusal: exit 74, as a full disk or a
    read-only database while a command runs (it was 1, the code of bad input)."""
    where = tmp_path / "history.db"
    where.mkdir()
    result = Cli(f"sqlite:///{where}", tmp_path / "archive")("rebuild", expect=74)
    assert "cannot open database" in result.stderr
