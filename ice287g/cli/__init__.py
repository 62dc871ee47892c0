"""The ``ice287g`` command line. Thin: parse flags, ask the App, print.

The root group builds the App of an invocation; the commands live in modules by
feature (``lists``, ``live``, ``backfill``, ``moa``, ``publish``) and share only :mod:`.shared`.
"""

from __future__ import annotations

import click

from ice287g import __version__
from ice287g.app import App
from ice287g.cli import backfill, lists, live, moa, publish
from ice287g.cli.shared import Ice287gGroup
from ice287g.config import load_config


@click.group(cls=Ice287gGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ice287g")
@click.option(
    "--config",
    "config_path",
    metavar="PATH",
    help="config.toml to read (default: ./config.toml, or $ICE287G_CONFIG).",
)
@click.option(
    "--db", metavar="URL", help="Database URL (default sqlite:///ice287g.db; env ICE287G_DB)."
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


for _module in (lists, live, backfill, moa, publish):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    """Console entry point."""
    cli(prog_name="ice287g")
