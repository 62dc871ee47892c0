"""Shared fixtures: the corpus, databases (SQLite and PostgreSQL), and the CLI."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

# Property tests draw a fixed sample by default, so a run of the suite (CI's included)
# is reproducible; HYPOTHESIS_PROFILE=explore draws new examples on every run. No
# example has a deadline: a test is not timed (a loaded machine made one example of a
# date's parsing take past hypothesis's 200 ms, a failure that said nothing of the code).
settings.register_profile("reproducible", derandomize=True, database=None, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "reproducible"))

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SHEETS = CORPUS / "ice-sheets"
PG_URL = os.environ.get("ICE287G_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not SHEETS.is_dir():
        pytest.skip("the shared corpus is not beside the project (../shared/corpus)")
    return CORPUS


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_URL.replace("+psycopg", ""), connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_ok() -> bool:
    ok = _pg_available()
    if not ok and os.environ.get("ICE287G_REQUIRE_PG"):
        pytest.fail(f"PostgreSQL is required (ICE287G_REQUIRE_PG) but {PG_URL} is unreachable")
    return ok


@contextmanager
def fresh_database(backend: str, folder: Path, pg_ok: bool) -> Iterator[str]:
    """A fresh empty database: a temporary SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'test.db'}"
        return
    if not pg_ok:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = PG_URL.replace("+psycopg", "")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database per test, on each backend."""
    ok = request.param == "sqlite" or request.getfixturevalue("pg_ok")
    with fresh_database(request.param, tmp_path, ok) as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """A database and archive folder shared by one test module, on each backend."""
    folder = tmp_path_factory.mktemp(f"db-{request.param}")
    ok = request.param == "sqlite" or request.getfixturevalue("pg_ok")
    with fresh_database(request.param, folder, ok) as url:
        yield url, folder / "archive"


# Where each Cli's config and lock go: one folder for the test process, removed when it
# ends (a Cli may be made outside any test's tmp_path, for a module's seed database).
_CLI_FOLDER = tempfile.TemporaryDirectory(prefix="ice287g-cli-")


class Cli:
    """Runs ``ice287g`` in-process against one database and archive."""

    def __init__(self, db: str, snapshots: Path) -> None:
        self.db, self.snapshots = db, snapshots
        self.runner = CliRunner()
        # the defaults, with a run lock of this Cli's own: tests that read one archive
        # (the seed archive) from several workers never share a lock, and nothing is
        # written beside an archive the test does not own
        self.config = Path(tempfile.mkdtemp(dir=_CLI_FOLDER.name)) / "config.toml"
        self.lock = self.config.parent / "ice287g.lock"

    def __call__(self, *args: str, expect: int | None = 0) -> Result:
        from ice287g.cli import cli

        if not self.config.exists():
            lock = self.lock.as_posix()
            self.config.write_text(f'[archive]\nlock_file = "{lock}"\n', encoding="utf-8")
        argv = ["--config", str(self.config), "--db", self.db, "--snapshots", str(self.snapshots)]
        argv += args
        result = self.runner.invoke(cli, argv, catch_exceptions=True)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        if expect is not None:
            assert result.exit_code == expect, (result.output, result.stderr)
        return result


@pytest.fixture
def cli(db_url: str, tmp_path: Path) -> Cli:
    return Cli(db_url, tmp_path / "archive")


@pytest.fixture
def sqlite_cli(tmp_path: Path) -> Cli:
    return Cli(f"sqlite:///{tmp_path / 'only.db'}", tmp_path / "archive")
