"""``ice287g schedule``: fires on its schedule, survives a failed pass, stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from common.errors import ConfigError
from ice287g.config import Config, ScheduleSettings
from ice287g.lock import LockHeld
from ice287g.passes import PassResult
from ice287g.schedule import PassScheduler, ScheduleOptions, make_trigger
from scraper.errors import FetchError
from tests.fake_ice import PAGE_PATH, SHEETS, FakeIce

ROOT = Path(__file__).resolve().parents[1]
PART = "participating/participatingAgencies-20250301180751.xlsx"  # links no MOA
PEND = "pending/pendingAgencies-20250221214937.xlsx"
LAUNCH = "from tests.fake_ice import launch_cli; launch_cli()"
ENV = {
    "ICE287G_FETCH__MAX_RETRIES": "1",
    "ICE287G_FETCH__BACKOFF_BASE": "0",
    "ICE287G_FETCH__PER_HOST_INTERVAL": "0",
    "ICE287G_FETCH__READ_TIMEOUT": "10",
    "ICE287G_BASE_URL": "",
    "PYTHONPATH": str(ROOT),
}


@pytest.fixture
def site() -> Iterator[FakeIce]:
    if not SHEETS.is_dir():
        pytest.skip("the shared corpus is not beside the project (../shared/corpus)")
    with FakeIce() as fake:
        fake.publish(PART, PEND)
        yield fake


def schedule(tmp_path: Path, site: FakeIce, *args: str) -> subprocess.Popen[str]:
    """``ice287g schedule --base-url SITE ARGS`` in a child process."""
    (tmp_path / "config.toml").write_text('[archive]\nlock_file = "run.lock"\n')
    argv = [
        *("--config", str(tmp_path / "config.toml"), "--db", f"sqlite:///{tmp_path / 'db'}"),
        *("--snapshots", str(tmp_path / "archive"), "schedule", "--base-url", site.base_url),
        *args,
    ]
    return subprocess.Popen(
        [sys.executable, "-c", LAUNCH, *argv],
        cwd=tmp_path,
        env={**os.environ, **ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_fires_on_a_short_schedule_survives_a_failed_pass_and_stops_after_max_runs(
    tmp_path: Path, site: FakeIce
) -> None:
    site.fault(PAGE_PATH, statuses=[503, 503])  # the first pass fails, the second works
    started = time.monotonic()
    child = schedule(tmp_path, site, "--every", "1", "--max-runs", "2")
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert time.monotonic() - started >= 1  # the second pass waited for its turn
    assert [r.status for r in site.requests(PAGE_PATH)] == [503, 503, 200]
    assert f"pass failed: {site.base_url}{PAGE_PATH}: HTTP 503 (gave up after 2 attempts)" in err
    assert "schedule stopped after 2 pass(es)" in err
    assert len(out.splitlines()) > 200 and "agreement.added" in out


def test_sigterm_stops_the_schedule_cleanly(tmp_path: Path, site: FakeIce) -> None:
    child = schedule(tmp_path, site, "--every", "1")
    deadline = time.monotonic() + 60
    while len(site.requests(PAGE_PATH)) < 2:  # at least two firings
        assert child.poll() is None and time.monotonic() < deadline, child.communicate()
        time.sleep(0.05)
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    assert "SIGTERM received, stopping" in err and "schedule stopped after" in err
    assert "Traceback" not in err
    assert all(r.conditional and r.status == 304 for r in site.requests()[3:])


def test_the_cron_line_and_timezone_come_from_config() -> None:
    config = replace(Config(), schedule=ScheduleSettings(cron="17 */4 * * *", timezone="UTC"))
    trigger = make_trigger(config, None)
    assert isinstance(trigger, CronTrigger)
    assert str(trigger) == "cron[month='*', day='*', day_of_week='*', hour='*/4', minute='17']"
    assert isinstance(make_trigger(config, 5), IntervalTrigger)
    bad = replace(config, schedule=ScheduleSettings(cron="99 * * * *"))
    with pytest.raises(ConfigError, match="schedule.cron"):
        make_trigger(bad, None)
    nowhere = replace(config, schedule=ScheduleSettings(timezone="Nowhere/Atlantis"))
    with pytest.raises(ConfigError, match="Nowhere/Atlantis"):
        make_trigger(nowhere, None)


def test_a_failing_pass_is_logged_and_counted_never_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outcomes: list[BaseException | None] = [
        LockHeld("another ice287g pass is running"),
        FetchError("https://www.ice.gov/identify-and-arrest/287g", "HTTP 500"),
        RuntimeError("bug"),
        OSError(28, "No space left on device", "/srv/archive/objects/ab/.tmp-x"),
        None,
    ]
    reported: list[PassResult] = []

    def job() -> PassResult:
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome
        return PassResult()

    scheduler = PassScheduler(Config(), ScheduleOptions(every=1, max_runs=5), job, reported.append)
    caplog.set_level("INFO", logger="ice287g")
    for _ in range(5):
        scheduler.fire()
    assert scheduler.runs == 5 and len(reported) == 1
    text = caplog.text
    assert "pass skipped: another ice287g pass is running" in text
    assert "pass failed: https://www.ice.gov/identify-and-arrest/287g: HTTP 500" in text
    assert "pass crashed" in text and text.count("Traceback") == 1  # the bug's alone
    # a full disk is the system's failure, one line as ``run`` says it, not a crash
    assert "pass failed: /srv/archive/objects/ab/.tmp-x: No space left on device" in text


def test_firings_while_a_pass_runs_are_skipped_and_said_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A pass longer than the interval: the firings meanwhile are skipped, said once in
    the schedule's own words (APScheduler's warning came at every firing, a line a
    second with ``--every 1``, and without ``ice287g:``)."""

    def job() -> PassResult:
        time.sleep(3.5)
        return PassResult()

    scheduler = PassScheduler(Config(), ScheduleOptions(every=1, max_runs=1), job, lambda _: None)
    caplog.set_level("INFO")
    assert scheduler.start() == 0
    assert caplog.text.count("firing skipped: the pass before it is still running") == 1
    assert "maximum number of running instances" not in caplog.text


@pytest.mark.parametrize(
    ("outcome", "code"),
    [
        (FetchError("https://www.ice.gov/identify-and-arrest/287g", "HTTP 503"), 1),
        (LockHeld("another ice287g pass is running"), 75),
        (OSError(28, "No space left on device", "/srv/archive/objects/ab/.tmp-x"), 74),
        (RuntimeError("bug"), 70),
        (None, 3),
    ],
)
def test_a_bounded_schedule_exits_as_its_last_pass_did(
    outcome: BaseException | None, code: int
) -> None:
    """``--max-runs`` makes the schedule a script's step: its exit code says how its
    last pass ended, as ``run``'s would (every pass failing exited 0)."""

    def job() -> PassResult:
        if outcome is not None:
            raise outcome
        return PassResult(rejections=[("pendingAgencies.xlsx", "lost 43 of 74 rows")])

    scheduler = PassScheduler(Config(), ScheduleOptions(every=0.1, max_runs=2), job, lambda _: None)
    assert scheduler.start() == code


def test_a_bounded_schedule_whose_last_pass_worked_exits_0_and_a_stopped_one_0() -> None:
    outcomes: list[BaseException | None] = [FetchError("https://www.ice.gov/x", "HTTP 503"), None]

    def job() -> PassResult:
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome
        return PassResult()

    scheduler = PassScheduler(Config(), ScheduleOptions(every=0.1, max_runs=2), job, lambda _: None)
    assert scheduler.start() == 0

    def failing() -> PassResult:
        scheduler.stop()  # a signal while the pass runs: stopped, not bounded
        raise FetchError("https://www.ice.gov/x", "HTTP 503")

    scheduler = PassScheduler(Config(), ScheduleOptions(every=0.1, max_runs=5), failing, print)
    assert scheduler.start() == 0
