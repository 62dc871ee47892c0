"""A history is always the one a full replay of the archive gives, also across an
upgrade: a history derived with other parsers or rules is replayed by the next pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diffs.gate import Rules
from ice287g import pipeline
from ice287g.app import App
from ice287g.config import load_config
from store import writer
from store.db import transaction
from tests.conftest import Cli
from tests.hostile import agency_sheet


def _history(cli: Cli, folder: Path) -> str:
    first = agency_sheet(folder, "a.xlsx", ["Alpha County Sheriff", "Beta County Sheriff"])
    second = agency_sheet(folder, "b.xlsx", ["Alpha County Sheriff", "Gamma County Sheriff"])
    cli("import", str(first), "--observed-at", "2025-03-01T12:00:00Z")
    cli("import", str(second), "--observed-at", "2025-03-05T12:00:00Z")
    return str(cli("changes", "--format", "json").stdout)


def _app(cli: Cli) -> App:
    return App(load_config(None, {"db": cli.db, "snapshots": str(cli.snapshots)}, env={}))


def _recorded(cli: Cli) -> str | None:
    app = _app(cli)
    try:
        with transaction(app.engine) as session:
            return writer.load_derivation(session)
    finally:
        app.close()


def _forget(cli: Cli, key: str | None) -> None:
    """Make the stored history look derived with ``key`` (None: before keys existed)."""
    app = _app(cli)
    try:
        with transaction(app.engine) as session:
            if key is None:
                session.delete(session.get(writer.EngineState, writer.DERIVATION_NAME))
            else:
                writer.save_derivation(session, key)
    finally:
        app.close()


def test_a_history_records_the_parsers_and_rules_it_was_derived_with(
    cli: Cli, tmp_path: Path
) -> None:
    _history(cli, tmp_path)
    assert _recorded(cli) == pipeline.derivation_key(Rules())


@pytest.mark.parametrize("recorded", ["derived-with-older-parsers", None])
def test_a_history_derived_otherwise_is_replayed_by_the_next_import_to_the_same_events(
    cli: Cli, tmp_path: Path, recorded: str | None
) -> None:
    before = _history(cli, tmp_path)
    _forget(cli, recorded)
    out = cli("import", str(tmp_path / "b.xlsx"), "--observed-at", "2025-03-05T12:00:00Z")
    replayed = (
        "0 new events (history replayed: the history was derived with other parsers or rules)"
    )
    assert replayed in out.stdout  # the same events: none is new
    assert cli("changes", "--format", "json").stdout == before
    assert _recorded(cli) == pipeline.derivation_key(Rules())
    again = cli("import", str(tmp_path / "b.xlsx"), "--observed-at", "2025-03-05T12:00:00Z")
    assert "replayed" not in again.stdout


def test_a_history_whose_ids_change_when_derived_again_counts_no_new_event(
    cli: Cli, tmp_path: Path
) -> None:
    """Rules that number events otherwise (this session's ids) derive the same events
    with new ids: the import replaying them counts none new (it counted all)."""
    before = _history(cli, tmp_path)
    app = _app(cli)
    try:
        with transaction(app.engine, write=True) as session:
            session.execute(
                writer.EventModel.__table__.update().values(id="x" + writer.EventModel.id)
            )
    finally:
        app.close()
    _forget(cli, "derived-with-other-rules")
    out = cli("import", str(tmp_path / "b.xlsx"), "--observed-at", "2025-03-05T12:00:00Z")
    assert "0 new events (history replayed" in out.stdout
    assert cli("changes", "--format", "json").stdout == before


def test_changed_diff_settings_replay_the_history_with_them(cli: Cli, tmp_path: Path) -> None:
    _history(cli, tmp_path)
    cli.config.write_text(
        cli.config.read_text(encoding="utf-8") + "\n[diff]\nwithdraw_after_days = 0\n",
        encoding="utf-8",
    )
    out = cli("import", str(tmp_path / "b.xlsx"), "--observed-at", "2025-03-05T12:00:00Z")
    assert "history replayed" in out.stdout
    assert _recorded(cli) == pipeline.derivation_key(Rules(withdraw_after_days=0.0))


def test_the_same_parsers_and_rules_never_replay(cli: Cli, tmp_path: Path) -> None:
    before = _history(cli, tmp_path)
    third = agency_sheet(tmp_path, "c.xlsx", ["Alpha County Sheriff", "Gamma County Sheriff"])
    out = cli("import", str(third), "--observed-at", "2025-03-09T12:00:00Z")
    assert "replayed" not in out.stdout
    assert json.loads(cli("changes", "--format", "json").stdout) == json.loads(before)


def test_a_capture_found_later_inside_an_event_s_window_narrows_it_and_keeps_its_id(
    cli: Cli, tmp_path: Path
) -> None:
    """A researcher cites an event by its id; a backfill or a late file inserting a
    capture inside its window (showing the change or not) narrows the window only."""

    def gamma() -> dict[str, object]:
        events = json.loads(cli("changes", "--format", "json").stdout)
        [added] = [e for e in events if e["kind"] == "agreement.added" and "Gamma" in e["agency"]]
        return dict(added)

    before = ["Alpha County Sheriff", "Beta County Sheriff"]
    after = [*before, "Gamma County Sheriff"]
    for name, names, day in (("a", before, "01"), ("d", after, "09")):
        sheet = agency_sheet(tmp_path, f"{name}.xlsx", names)
        cli("import", str(sheet), "--observed-at", f"2025-03-{day}T12:00:00Z")
    cited = gamma()
    assert (cited["window_start"], cited["window_end"]) == (
        "2025-03-01T12:00:00Z",
        "2025-03-09T12:00:00Z",
    )
    for name, names, day, window in (
        ("b", before, "05", ("2025-03-05T12:00:00Z", "2025-03-09T12:00:00Z")),  # not showing it
        ("c", after, "07", ("2025-03-05T12:00:00Z", "2025-03-07T12:00:00Z")),  # showing it
    ):
        sheet = agency_sheet(tmp_path, f"{name}.xlsx", names)
        out = cli("import", str(sheet), "--observed-at", f"2025-03-{day}T12:00:00Z")
        assert "history replayed" in out.stdout
        now = gamma()
        assert (now["id"], (now["window_start"], now["window_end"])) == (cited["id"], window)
