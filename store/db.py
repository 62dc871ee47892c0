"""Opening the database: engines, sessions and migrations.

The application layer calls :func:`open_engine` once and passes the engine down.

Every transaction is a real one on both backends: on SQLite the driver's own
transaction handling (which lets DDL commit by itself) is turned off and each
transaction is opened with an explicit ``BEGIN``, so a migration killed midway leaves
the schema as it was before it. A schema left half-made by an older version (tables
but no recorded revision: nothing was ever written to it) is dropped and made again.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from common.errors import ConfigError
from store.errors import StoreError, SystemStoreError, system_failure
from store.models import Base

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]  # BEGIN is ours
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_begin(connection: Connection) -> None:
    """``BEGIN``, or ``BEGIN IMMEDIATE`` for a transaction that writes
    (:func:`transaction`'s ``write``): SQLite waits its timeout for the write lock
    only when a transaction takes it first; one that read first and then writes while
    another holds it fails at once (``database is locked``), not waiting."""
    mode = connection.get_execution_options().get(_BEGIN, "")
    connection.exec_driver_sql(f"BEGIN {mode}".strip())


_BEGIN = "sqlite_begin"
_MIGRATING = 287_2870  # PostgreSQL's advisory lock of a migration (any number of ours)


def connect_args(url: str, connect_timeout: float, statement_timeout: float) -> dict[str, Any]:
    """The driver's own limits: how long to wait for a connection (SQLite: for a lock)
    and, on PostgreSQL, for one statement (0: no limit), so a silent server ends in an
    error, not a hang."""
    if url.startswith("sqlite"):
        return {"timeout": connect_timeout}
    if url.startswith("postgresql"):
        args: dict[str, Any] = {"connect_timeout": max(1, round(connect_timeout))}
        if statement_timeout > 0:
            given = make_url(url).query.get("options") or ""  # the URL's own, kept
            given = given if isinstance(given, str) else " ".join(given)
            limit = f"-c statement_timeout={round(statement_timeout * 1000)}"
            args["options"] = f"{given} {limit}".strip()
        return args
    return {}


def open_engine(
    url: str,
    migrate_schema: bool = True,
    connect_timeout: float = 10.0,
    statement_timeout: float = 0.0,
    must_exist: bool = False,
) -> Engine:
    """Create the engine for ``url`` and bring its schema to the newest migration.
    ``must_exist``: a SQLite file that is not there is a mistyped setting, not a
    history to create (a command that only reads: it would read an empty history)."""
    url = normalise_url(url)
    try:
        make_url(url).get_dialect()  # the URL read, its database known, before anything
    except (ArgumentError, NoSuchModuleError, ValueError, TypeError) as exc:
        raise ConfigError(f"database URL {url}: {_first_line(exc)}") from exc
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.host:
        raise ConfigError(f"database URL {url}: a SQLite URL is sqlite:///PATH (three slashes)")
    path = (
        Path(parsed.database) if sqlite and parsed.database not in (None, "", ":memory:") else None
    )
    if path is not None and "\x00" in str(path):
        raise ConfigError(f"database URL {url}: a NUL in its path")
    try:
        args = connect_args(url, connect_timeout, statement_timeout)
        engine = create_engine(url, future=True, connect_args=args)  # its options read
        if must_exist and path is not None and not path.is_file():
            raise ConfigError(
                f"no database at {path}: nothing to read (import, run, backfill or rebuild"
                " make one)"
            )
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        if migrate_schema:
            migrate(engine)
    except (SQLAlchemyError, OSError, ModuleNotFoundError) as exc:
        system = isinstance(exc, OSError) or (
            isinstance(exc, SQLAlchemyError) and system_failure(exc)
        )
        error = SystemStoreError if system else StoreError
        raise error(f"cannot open database {url}: {_first_line(exc)}") from exc
    except (ValueError, TypeError) as exc:  # the URL's parts (a port, an option) are none
        raise ConfigError(f"database URL {url}: {_first_line(exc)}") from exc
    return engine


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def alembic_config() -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Run Alembic migrations up to ``revision`` on this engine. A database already at
    the newest migration is left as it is without loading Alembic (every command opens
    the database; Alembic's import alone costs a no-change ``run`` a quarter of its
    CPU time)."""
    recorded = _recorded_revision(engine)
    if revision == "head" and recorded == head_revision():
        return
    if recorded is not None and recorded not in _revisions()[0]:
        raise ConfigError(
            f"database schema {recorded} is none this ice287g knows (its newest is "
            f"{head_revision()}; a newer ice287g made it?): upgrade ice287g, or give it a "
            "database of its own"
        )
    from alembic import command

    cfg = alembic_config()
    # one process migrates at a time: another starting with it (a cron pass and a
    # reader on a new database) waits, then finds the schema made (it failed: SQLite's
    # 'database is locked', PostgreSQL's duplicate type)
    with engine.execution_options(**{_BEGIN: "IMMEDIATE"}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATING})
        _drop_half_made_schema(connection)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def head_revision() -> str | None:
    """The newest migration: the revision no migration file names as its
    ``down_revision`` (None unless exactly one)."""
    revisions, revised = _revisions()
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def _revisions() -> tuple[set[str], set[str]]:
    """The revisions the migration files make, and those they revise."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition(" = ")
            if name in ("revision", "down_revision"):
                (revisions if name == "revision" else revised).add(str(ast.literal_eval(value)))
    return revisions, revised


def _recorded_revision(engine: Engine) -> str | None:
    """The revision the database records, or None (no schema yet, or more than one)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return str(rows[0][0]) if len(rows) == 1 else None


def _drop_half_made_schema(connection: Connection) -> None:
    """Tables of ours without a recorded revision were left by a first migration that
    was killed (before migrations were transactional): they never held data, so they
    are dropped and the migrations run again. Tables of our names holding rows were
    made by another program (a shared database, a mistyped ``--db``): nothing is
    touched, and the database is refused (they were dropped, another program's data
    with them)."""
    names = set(inspect(connection).get_table_names())
    ours = sorted(names & set(Base.metadata.tables))
    if not ours:
        return
    recorded = (
        "alembic_version" in names
        and connection.execute(text("SELECT count(*) FROM alembic_version")).scalar()
    )
    if recorded:
        return
    filled = [name for name in ours if _holds_rows(connection, name)]
    if filled:
        raise ConfigError(
            f"the database holds tables ice287g did not make ({', '.join(filled)}): give "
            "ice287g a database of its own"
        )
    Base.metadata.drop_all(connection, checkfirst=True)


def _holds_rows(connection: Connection, table: str) -> bool:
    quoted = connection.dialect.identifier_preparer.quote(table)
    return connection.execute(text(f"SELECT 1 FROM {quoted} LIMIT 1")).first() is not None


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine, write: bool = False, one_moment: bool = False) -> Iterator[Session]:
    """A session whose work is committed together or not at all; ``write``: it writes,
    and takes the database's write lock first (on SQLite, waiting for it as long as
    ``database.connect_timeout`` allows while another writer holds it). ``one_moment``:
    it only reads, every statement the same moment of the history (PostgreSQL's
    default, READ COMMITTED, lets each statement see what committed since the one
    before: a publish read 150 snapshots and 3,780 events while an import committed;
    SQLite's read transaction keeps one moment already)."""
    bind = engine.execution_options(**{_BEGIN: "IMMEDIATE"}) if write else engine
    if one_moment and engine.dialect.name == "postgresql":
        bind = engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    with session_factory(bind)() as session, session.begin():
        yield session
