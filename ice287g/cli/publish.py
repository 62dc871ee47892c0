"""``ice287g publish``: the static site, feeds and data package."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from common.errors import ConfigError
from ice287g.cli.shared import app_of, say

if TYPE_CHECKING:
    from ice287g.app import App
    from ice287g.publish.build import PublishReport


@click.command("publish")
@click.argument("out_dir", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.pass_context
def publish_cmd(ctx: click.Context, out_dir: Path | None) -> None:
    """Write the site, feeds and data package to OUT_DIR (default: publish.dir)."""
    from ice287g.publish.build import publish

    app = app_of(ctx)
    target = out_dir or (Path(app.config.publish.dir) if app.config.publish.dir else None)
    if target is None:
        raise ConfigError("publish needs OUT_DIR (or publish.dir in config.toml)")
    engine = app.reader
    if stale_history(app):
        say(f"ice287g: warning: {STALE}", err=True)
    report = publish(engine, app.archive, target)
    for warning in report.warnings():
        say(f"ice287g: warning: {warning}", err=True)
    say(summary_line(target, report))


STALE = (
    "the history was derived with other parsers, rules or [diff] settings than these"
    " (an upgrade, an edited setting): it is published as it was derived; `ice287g"
    " rebuild`, or the next import, run or backfill, derives it again"
)


def stale_history(app: App) -> bool:
    """Whether the database holds a history derived otherwise than this version and
    these settings would (the next pass replays it; ``publish`` alone does not)."""
    from ice287g.pipeline import derivation_key
    from store.db import transaction
    from store.writer import known_snapshot_ids, load_derivation

    with transaction(app.reader) as session:
        if not known_snapshot_ids(session):
            return False
        return load_derivation(session) != derivation_key(app.rules())


def summary_line(target: Path, report: PublishReport) -> str:
    w = report.write
    return (
        f"published {target}: {len(w.written)} files written, {w.unchanged} unchanged, "
        f"{len(w.removed)} removed ({w.size / 1e6:.1f} MB); "
        f"{report.agencies_with_county} of {report.agencies} agencies "
        f"({report.county_share:.0%}) have a county FIPS"
    )


COMMANDS = [publish_cmd]
