"""SQL views for researchers (migration 0003) on both databases, and Datasette serving
them through its JSON API (skipped when the ``datasette`` extra is not installed)."""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import text

from store.db import open_engine
from tests.conftest import ROOT, Cli


def test_the_views_give_current_agreements_their_history_and_named_events(
    db_url: str, tmp_path: Path
) -> None:
    seed = Cli(db_url, ROOT / "snapshots" / "archive")
    seed("rebuild")
    status = json.loads(seed("status", "--format", "json").stdout)
    engine = open_engine(db_url)
    try:
        with engine.connect() as conn:
            current = conn.execute(text("SELECT count(*) FROM current_agreements")).scalar()
            history = conn.execute(text("SELECT count(*) FROM agreement_history")).scalar()
            row = conn.execute(
                text(
                    "SELECT agency, signed FROM current_agreements "
                    "WHERE agreement_id = 'al-etowah-county-sheriff-office|JEM'"
                )
            ).one()
            renamed = conn.execute(
                text("SELECT count(*) FROM events_with_names WHERE agency_now <> agency_then")
            ).scalar()
    finally:
        engine.dispose()
    assert current == status["agreements"] and history is not None and history >= current
    assert tuple(row) == ("Etowah County Sheriff's Office", "2020-06-09")
    assert renamed


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_datasette_serves_a_view_through_its_json_api(tmp_path: Path) -> None:
    if importlib.util.find_spec("datasette") is None:
        pytest.skip("the datasette extra is not installed (pip install -e '.[datasette]')")
    db = tmp_path / "ice287g.db"
    Cli(f"sqlite:///{db}", ROOT / "snapshots" / "archive")("rebuild")
    port = _free_port()
    argv = [sys.executable, "-m", "datasette", "serve", str(db), "--host", "127.0.0.1"]
    argv += ["--port", str(port), "--metadata", str(ROOT / "datasette-metadata.json")]
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/ice287g/current_agreements.json?_shape=array&_size=max"
    try:
        rows = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    rows = json.load(response)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"datasette exited: {server.stderr.read().decode()[-500:]}")
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert rows, "datasette did not answer"
    assert {"agency_id", "agreement_id", "agency", "model", "signed"} <= set(rows[0])
    assert any(r["agency"] == "Etowah County Sheriff's Office" for r in rows)


def test_the_list_history_view_gives_what_status_gives_at_any_time(db_url: str) -> None:
    seed = Cli(db_url, ROOT / "snapshots" / "archive")
    seed("rebuild")
    snaps = json.loads(seed("snapshots", "--format", "json").stdout)
    days = sorted({s["observed_at"][:10] for s in snaps if s["kind"] == "participating"})
    engine = open_engine(db_url)
    try:
        for day in (days[0], days[len(days) // 2], days[-1]):
            status = json.loads(seed("status", "--as-of", day, "--format", "json").stdout)
            with engine.connect() as conn:
                count = conn.execute(
                    text(
                        "SELECT count(*) FROM list_history WHERE kind = 'participating' "
                        "AND valid_from <= :t AND (valid_to IS NULL OR valid_to > :t)"
                    ),
                    {"t": f"{day}T23:59:59Z"},
                ).scalar()
            assert count == status["agreements"], day
    finally:
        engine.dispose()
