"""Commands of the backfill feature."""

from __future__ import annotations

import click

from common.errors import ConfigError
from ice287g.app import parse_day
from ice287g.backfill import Request, run_backfill, summary_lines
from ice287g.cli.shared import app_of, progress_bar, say_line


@click.group()
def backfill() -> None:
    """Rebuild past history from archived captures (the Wayback Machine)."""


@backfill.command()
@click.option("--from", "from_", metavar="DATE", help="First capture day (UTC), YYYY-MM-DD.")
@click.option("--to", metavar="DATE", help="Last capture day (UTC), YYYY-MM-DD.")
@click.option("--cdx-url", metavar="URL", help="CDX API endpoint (default from config).")
@click.option(
    "--archive-url", metavar="URL", help="Wayback capture endpoint (default from config)."
)
@click.pass_context
def wayback(
    ctx: click.Context,
    from_: str | None,
    to: str | None,
    cdx_url: str | None,
    archive_url: str | None,
) -> None:
    """Fetch the Wayback Machine's captures of the page and the sheets, then replay."""
    app = app_of(ctx)
    result = run_backfill(app, _request(from_, to, cdx_url, archive_url), progress_bar)
    for line, to_stderr in summary_lines(result):
        say_line(line, err=to_stderr)


def _request(
    from_: str | None, to: str | None, cdx_url: str | None, archive_url: str | None
) -> Request:
    """The checked flags: real days in order, http(s) endpoints."""
    first, last = (parse_day(from_) if from_ else None), (parse_day(to) if to else None)
    if first and last and first > last:
        raise ConfigError(f"--from {first} is after --to {last}")
    for flag, url in (("--cdx-url", cdx_url), ("--archive-url", archive_url)):
        if url is not None and not url.startswith(("http://", "https://")):
            raise ConfigError(f"{flag} must be an http:// or https:// URL, got {url!r}")
    return Request(first, last, cdx_url or "", archive_url or "")


COMMANDS: list[click.Command] = [backfill]
