"""Lists stored as intervals (``list_versions``), on SQLite and PostgreSQL: what is
written when a list is observed again, changed or shrunk, what a range query gives
back, and the in-place upgrade of a database that kept one copy per content."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select, text

from parsers.records import ListingRow
from store import versions
from store.db import head_revision, migrate, open_engine, transaction
from store.models import ListVersion, Snapshot
from store.queries import list_rows, status_rows


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = open_engine(db_url)
    yield engine
    engine.dispose()


def _row(name: str, model: str = "JEM", county: str = "Lake") -> ListingRow:
    return ListingRow(state="FL", agency=name, agency_key=name.lower(), model=model, county=county)


def _snapshot(seq: int, sha: str) -> Snapshot:
    return Snapshot(
        id=f"s{seq}",
        seq=seq,
        observed_at=f"2025-01-0{seq}T00:00:00Z",
        sha256=sha,
        source="test",
        kind="participating",
        verdict="accepted",
    )


LISTS = {
    "a": [_row("Lake"), _row("Polk"), _row("Polk")],
    "b": [_row("Lake", county="Lake County"), _row("Polk")],
}


def _record(engine: Engine, shas: list[str]) -> None:
    """Record the lists named in ``shas`` as snapshots 1, 2, ... of one list."""
    lists = versions.OpenLists()
    for seq, sha in enumerate(shas, start=1):
        rows = LISTS[sha]
        with transaction(engine) as session:
            snapshot = _snapshot(seq, sha)
            session.add(snapshot)
            at = versions.At(seq, snapshot.observed_at, snapshot.id)
            ids = [f"fl-{r.agency_key}" for r in rows]
            versions.record_list(session, lists, "participating", at, (sha, rows, ids))


def test_a_list_seen_again_unchanged_writes_nothing_and_a_change_writes_only_the_changes(
    engine: Engine,
) -> None:
    _record(engine, ["a", "a", "a", "b"])
    with transaction(engine) as session:
        rows = session.scalars(select(ListVersion).order_by(ListVersion.from_seq)).all()
        spans = sorted((r.agency_id, r.dup, r.from_seq, r.to_seq, r.county) for r in rows)
    assert spans == [
        ("fl-lake", 0, 1, 4, "Lake"),
        ("fl-lake", 0, 4, None, "Lake County"),
        ("fl-polk", 0, 1, None, "Lake"),
        ("fl-polk", 1, 1, 4, "Lake"),
    ]


def test_a_range_query_gives_each_snapshot_its_own_rows(engine: Engine) -> None:
    _record(engine, ["a", "b", "a"])
    with transaction(engine) as session:
        snaps = session.scalars(select(Snapshot).order_by(Snapshot.seq)).all()
        counties = [[r.county for r in list_rows(session, s)] for s in snaps]
        first = status_rows(session, "2025-01-01T23:59:59Z", "participating")
        second = status_rows(session, "2025-01-02T23:59:59Z", "participating")
    assert counties == [["Lake", "Lake", "Lake"], ["Lake County", "Lake"], ["Lake"] * 3]
    assert [r["agency_id"] for r in first] == ["fl-lake", "fl-polk"]
    assert [r["county"] for r in second] == ["Lake County", "Lake"]


LEGACY_ROW = (
    "INSERT INTO listing_rows (content_sha, row_index, kind, agency_id, state, agency, "
    "agency_key, model, county, row_number) VALUES (:sha, :i, 'participating', :aid, 'FL', "
    ":name, :key, 'JEM', :county, :i)"
)


def _legacy_snapshot(conn: object, seq: int, sha: str, verdict: str = "accepted") -> None:
    conn.execute(  # type: ignore[attr-defined]
        text(
            "INSERT INTO snapshots (id, seq, observed_at, sha256, source, kind, size, verdict) "
            "VALUES (:id, :seq, :at, :sha, 'test', 'participating', 1, :verdict)"
        ),
        {
            "id": f"s{seq}",
            "seq": seq,
            "at": f"2025-01-0{seq}T00:00:00Z",
            "sha": sha,
            "verdict": verdict,
        },
    )


def test_migration_0004_turns_stored_rows_into_intervals_in_place(db_url: str) -> None:
    engine = open_engine(db_url, migrate_schema=False)
    try:
        migrate(engine, "0003")
        with engine.begin() as conn:
            for sha, rows in LISTS.items():
                for i, row in enumerate(rows):
                    values = {"sha": sha, "i": i, "aid": f"fl-{row.agency_key}"}
                    values |= {"name": row.agency, "key": row.agency_key, "county": row.county}
                    conn.execute(text(LEGACY_ROW), values)
            for seq, sha in enumerate(["a", "a", "b"], start=1):
                _legacy_snapshot(conn, seq, sha)
            _legacy_snapshot(conn, 4, "a", verdict="rejected")
        migrate(engine)
        with transaction(engine) as session:
            rows = session.scalars(select(ListVersion)).all()
            spans = sorted((r.agency_id, r.dup, r.from_seq, r.to_seq, r.county) for r in rows)
            now = [r["county"] for r in status_rows(session, None, "participating")]
    finally:
        engine.dispose()
    assert spans == [
        ("fl-lake", 0, 1, 3, "Lake"),
        ("fl-lake", 0, 3, None, "Lake County"),
        ("fl-polk", 0, 1, None, "Lake"),
        ("fl-polk", 1, 1, 3, "Lake"),
    ]
    assert now == ["Lake County", "Lake"]


def test_history_shows_an_agency_s_versions_on_the_lists_back_to_back(db_url: str) -> None:
    from tests.conftest import ROOT, Cli

    seed = Cli(db_url, ROOT / "snapshots" / "archive")
    seed("rebuild")
    name = "Etowah County Sheriff's Office"
    out = json.loads(seed("history", name, "--state", "AL", "--format", "json").stdout)
    listed = [v for v in out["listed"] if v["list"] == "participating" and v["model"] == "JEM"]
    assert len(listed) >= 2 and listed[-1]["valid_to"] is None
    for before, after in zip(listed, listed[1:], strict=False):
        assert before["valid_to"] == after["valid_from"]
        assert before["to_snapshot"] == after["from_snapshot"]
    table = seed("history", name, "--state", "AL").stdout
    assert "UNTIL" in table and "listed" in table and "county" in table


def test_the_newest_migration_read_without_alembic_is_alembic_s_head(db_url: str) -> None:
    from alembic.script import ScriptDirectory

    from store.db import alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
    engine = open_engine(db_url)  # migrated to the head, then opened again: nothing to do
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                head_revision()
            )
    finally:
        engine.dispose()
    open_engine(db_url).dispose()


def test_migration_0006_compresses_the_engine_state_in_place_and_back(db_url: str) -> None:
    from alembic import command

    from diffs.state import ProgramState
    from store.db import alembic_config
    from store.writer import load_state, save_state

    engine = open_engine(db_url, migrate_schema=False)
    state = ProgramState(aliases={"fl|lake county sheriff": "fl-lake"})
    try:
        migrate(engine, "0005")
        with engine.begin() as conn:
            insert = "INSERT INTO engine_state (name, processed_through, value) VALUES (:n, :p, :v)"
            values = {"n": "program", "p": "2025-01-02|0|s2", "v": json.dumps(state.to_dict())}
            conn.execute(text(insert), values)
        migrate(engine)
        with transaction(engine) as session:
            assert load_state(session) == (state, "2025-01-02|0|s2")
            save_state(session, state, "2025-01-03|0|s3")
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0005")
        with engine.connect() as conn:
            value = conn.execute(text("SELECT value FROM engine_state")).scalar_one()
    finally:
        engine.dispose()
    assert json.loads(value) == state.to_dict()


def test_migration_0007_dates_each_event_s_recording_from_its_provenance_in_place(
    db_url: str,
) -> None:
    """An upgraded database's events take the time they were recorded from the latest
    capture their provenance cites (a withdrawal's, the one that confirmed it), and the
    view with names shows it; downgraded, the column and the view's field go again."""
    from alembic import command

    from store.db import alembic_config

    engine = open_engine(db_url, migrate_schema=False)
    cited = [
        {"id": "s1", "observed_at": "2025-03-06T17:49:37Z", "sha256": "a", "where": "x"},
        {"id": "s2", "observed_at": "2025-03-07T12:00:00Z", "sha256": "b", "where": "y"},
        {"id": "s3", "observed_at": "2025-03-17T23:10:40Z", "sha256": "c", "where": "z"},
    ]
    try:
        migrate(engine, "0006")
        with engine.begin() as conn:
            insert = (
                "INSERT INTO events (id, seq, kind, subject, window_end, end_snapshot, "
                "provenance) VALUES (:i, 1, 'agreement.withdrawn', 'x|TFM', :e, 's2', :p)"
            )
            values = {"i": "e1", "e": "2025-03-07T12:00:00Z", "p": json.dumps({"snapshots": cited})}
            conn.execute(text(insert), values)
        migrate(engine)
        with engine.connect() as conn:
            query = "SELECT recorded_at FROM events_with_names WHERE id = 'e1'"
            assert conn.execute(text(query)).scalar_one() == "2025-03-17T23:10:40Z"
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0006")
        with engine.connect() as conn:
            columns = conn.execute(text("SELECT * FROM events_with_names")).keys()
    finally:
        engine.dispose()
    assert "recorded_at" not in columns and "window_end" in columns


def test_two_processes_opening_a_new_database_at_once_both_find_it_made(db_url: str) -> None:
    """A cron pass and a reader starting together on a new database both ran the
    migrations: one failed (SQLite's 'database is locked', PostgreSQL's duplicate type).
    One migrates while the other waits, then finds the schema made."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    barrier = Barrier(4)

    def opened(_: int) -> str | None:
        barrier.wait()
        engine = open_engine(db_url)
        try:
            with engine.connect() as conn:
                return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar())
        finally:
            engine.dispose()

    with ThreadPoolExecutor(4) as pool:
        versions = list(pool.map(opened, range(4)))
    assert versions == [head_revision()] * 4
