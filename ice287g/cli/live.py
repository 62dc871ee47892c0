"""Commands of the live feature.

``ice287g run``: one pass (page, both lists, diff, MOAs). ``ice287g schedule``: the
same pass on a schedule. Exit codes of ``run``: 0 the pass completed (with or without
changes), 1 something failed (one ``ice287g: error:`` line each), 3 a snapshot was
rejected by the quality gate (kept, reported, not diffed), 75 another pass holds the
lock, 2 bad configuration.
"""

from __future__ import annotations

import logging
import math
import os
import sys
from dataclasses import replace
from typing import Any

import click

from ice287g.app import App
from ice287g.cli.shared import app_of, progress_bar, say_line
from ice287g.config import check_base_url
from ice287g.live import run_pass
from ice287g.passes import CRASH_ENV, CRASH_STEPS, PassOptions, PassResult
from ice287g.render import describe
from ice287g.schedule import PassScheduler, ScheduleOptions

BASE_URL_HELP = (
    "Fetch from this origin instead of https://www.ice.gov, links inside the sheets "
    "included (default: config source.base_url, env ICE287G_BASE_URL)."
)


def _live_app(ctx: click.Context, base_url: str | None) -> App:
    """The command's App, pointed at ``--base-url`` when given."""
    app = app_of(ctx)
    if base_url is not None:
        check_base_url(base_url, "--base-url")
        source = replace(app.config.source, base_url=base_url.rstrip("/"))
        app.config = replace(app.config, source=source)
    return app


def _crash_step() -> str | None:
    """The test hook ``ICE287G_TEST_CRASH_AFTER`` (ignored unless a known step)."""
    step = os.environ.get(CRASH_ENV)
    return step if step in CRASH_STEPS else None


def event_line(event: dict[str, Any]) -> str:
    """One changed thing: date, kind, and who (state · agency · model)."""
    return f"{str(event['window_end'])[:10]}  {event['kind']}  {describe(event)}"


def report(result: PassResult, quiet: bool) -> int:
    """Print what changed (stdout) and what went wrong (stderr); return the exit code."""
    if not quiet:
        for event in result.events:
            if event["kind"] != "snapshot.rejected":
                say_line(event_line(event))
        for warning in result.warnings:
            say_line(f"ice287g: warning: {warning}", err=True)
    for name, reason in result.rejections:
        say_line(f"ice287g: rejected: {name}: {reason}", err=True)
    for failure in result.failures:
        say_line(f"ice287g: error: {failure}", err=True)
    return result.exit_code


@click.command("run")
@click.option(
    "--quiet", is_flag=True, help="Print nothing unless something failed or was rejected."
)
@click.option("--base-url", metavar="URL", help=BASE_URL_HELP)
@click.option("--no-moas", is_flag=True, help="Skip the MOA and addendum PDFs.")
@click.pass_context
def run_cmd(ctx: click.Context, quiet: bool, base_url: str | None, no_moas: bool) -> None:
    """One live pass: the page, both lists, the diff, then the MOA PDFs."""
    app = _live_app(ctx, base_url)
    options = PassOptions(moas=not no_moas, crash_after=_crash_step())
    result = run_pass(app, options, progress_bar)
    ctx.exit(report(result, quiet))


def _finite(value: float | None) -> float | None:
    """``nan`` passes a range (no comparison holds for it); ``inf`` overflowed a clock."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value!r} is not a number of seconds")
    return value


@click.command("schedule")
@click.option(
    "--every",
    type=click.FloatRange(min=0.1, max=1e9),
    callback=lambda _ctx, _param, value: _finite(value),
    metavar="SECONDS",
    help="Run every SECONDS (first pass at once) instead of the cron line in config.",
)
@click.option("--base-url", metavar="URL", help=BASE_URL_HELP)
@click.option(
    "--max-runs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Stop after N passes, exiting as the last one did (for tests and catch-ups).",
)
@click.pass_context
def schedule_cmd(
    ctx: click.Context, every: float | None, base_url: str | None, max_runs: int | None
) -> None:
    """Run the live pass on schedule.cron until SIGTERM/SIGINT (never two at once)."""
    config = _live_app(ctx, base_url).config
    _setup_logging()

    def job() -> PassResult:
        app = App(config)
        try:
            return run_pass(app, options)
        finally:
            app.close()

    def show(result: PassResult) -> None:
        report(result, quiet=False)
        logging.getLogger("ice287g.schedule").info(
            "pass done: %d new events, %d failures, %d rejected",
            len(result.events),
            len(result.failures),
            len(result.rejections),
        )

    scheduler = PassScheduler(config, ScheduleOptions(every, max_runs), job, show)
    # SIGTERM stops a pass's MOA downloads between two files (systemd's stop timeout)
    options = PassOptions(crash_after=_crash_step(), stopping=lambda: scheduler.stopping)
    ctx.exit(scheduler.start())


def _setup_logging() -> None:
    """Schedule messages on stderr, one line each; APScheduler only when it warns."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("ice287g: %(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S%z")
    )
    logger = logging.getLogger("ice287g")
    if not logger.handlers:
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


COMMANDS: list[click.Command] = [run_cmd, schedule_cmd]
