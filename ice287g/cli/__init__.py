"""The ``ice287g`` command line. Thin: parse flags, ask the App, print.

The root group builds the App of an invocation; the commands live in modules by
feature (``lists``, ``live``, ``backfill``, ``moa``, ``publish``) and share only :mod:`.shared`.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading

import click

from ice287g import __version__
from ice287g.app import App
from ice287g.cli.shared import Ice287gGroup
from ice287g.config import load_config

LISTS, LIVE = "ice287g.cli.lists", "ice287g.cli.live"
COMMAND_MODULES = {
    **dict.fromkeys(("import", "rebuild", "status", "changes", "history", "snapshots"), LISTS),
    **dict.fromkeys(("run", "schedule"), LIVE),
    "backfill": "ice287g.cli.backfill",
    "moa": "ice287g.cli.moa",
    "publish": "ice287g.cli.publish",
}
"""Each command's module, imported when the command runs (``Ice287gGroup``)."""

FLUSH_FAILED_EXIT = 120
"""The status of a command whose output could not be flushed (Python's own)."""

GC_THRESHOLDS = (20_000, 20, 20)
"""The cyclic collector's thresholds for a run (Python's are 700, 10, 10). A replay
allocates hundreds of thousands of small objects (rows, entries, events) that form no
cycles, and at the default the collector walks the replay's large, long-lived state
again and again: about 7% of a ``rebuild`` and 5% of an ``import``. It still runs, only
less often, so memory stays bounded in a long ``schedule``."""


@click.group(
    cls=Ice287gGroup,
    lazy=COMMAND_MODULES,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="ice287g")
@click.option(
    "--config",
    "config_path",
    metavar="PATH",
    help="config.toml to read (default: ./config.toml, or $ICE287G_CONFIG).",
)
@click.option(
    "--db",
    metavar="URL",
    help="Database URL (default: config.toml's, else sqlite:///ice287g.db; env ICE287G_DB).",
)
@click.option(
    "--snapshots",
    metavar="DIR",
    help="Snapshot archive folder (default snapshots/archive; env ICE287G_SNAPSHOTS).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, db: str | None, snapshots: str | None) -> None:
    """Track ICE's 287(g) participating and pending agency lists as a dated history."""
    overrides = {"db": db, "snapshots": snapshots}
    ctx.obj = App(load_config(config_path, overrides))


def main() -> None:
    """Console entry point."""
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        cli(prog_name="ice287g")
    except SystemExit as stop:
        _end_now(stop)
        raise


def _end_now(stop: SystemExit) -> None:
    """End the process once the command is done: its exit handlers run and its output
    is flushed, then it exits without tearing the interpreter down (freeing each
    module's objects one by one, SQLAlchemy's above all, costs 60 to 100 ms a command,
    a sixth of a ``status``, and leaves nothing that exiting does not). Only when no
    other thread runs (a normal exit waits for them); the store's connections are
    closed by then (``Ice287gGroup.invoke`` closes the App). A stream that cannot be
    flushed (a pipe closed by its reader) ends the process with status 120, as
    Python's own exit does."""
    if threading.active_count() > 1:
        return
    code = stop.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed by its reader, or closed
            code = code or FLUSH_FAILED_EXIT
    os._exit(code or 0)
