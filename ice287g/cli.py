"""The ``ice287g`` command line. Thin: parse flags, ask the App, print."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from ice287g import __version__
from ice287g.app import App, end_of_day, parse_moment, start_of_day
from ice287g.config import load_config
from ice287g.errors import Ice287gError, StoreError
from ice287g.importer import Importer, ImportReport, iter_files, read_manifest
from ice287g.pipeline import Report
from ice287g.render import (
    EVENT_COLUMNS,
    LISTING_FORMATS,
    changes_markdown,
    event_rows,
    render,
    to_json,
)
from parsers.normalize import model_code, state_code
from parsers.urls import repair_url
from store import moa as moa_store
from store import queries
from store.db import transaction

FORMATS = click.Choice(LISTING_FORMATS)


class Ice287gGroup(click.Group):
    """Turns every expected error into one line on stderr and a non-zero exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Ice287gError as exc:
            click.echo(f"ice287g: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except SQLAlchemyError as exc:
            click.echo(f"ice287g: error: database: {_first_line(exc)}", err=True)
            ctx.exit(StoreError.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("ICE287G_DEBUG"):
                raise
            click.echo(
                f"ice287g: internal error: {type(exc).__name__}: {_first_line(exc)} "
                "(set ICE287G_DEBUG=1 for the traceback)",
                err=True,
            )
            ctx.exit(70)
        finally:
            app = ctx.obj
            if isinstance(app, App):
                app.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _app(ctx: click.Context) -> App:
    app = ctx.find_object(App)
    assert app is not None
    return app


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


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int, str], None] | None]:
    """A rich progress bar on a terminal; nothing when output is piped (cron)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int, _name: str) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--manifest",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV with columns file,observed_at (optional list, url).",
)
@click.option(
    "--observed-at",
    metavar="DATETIME",
    help="Observed time for every file (ISO 8601, UTC if no offset).",
)
@click.pass_context
def import_cmd(
    ctx: click.Context, paths: tuple[Path, ...], manifest: Path | None, observed_at: str | None
) -> None:
    """Import spreadsheets or saved pages (files or folders, recursively)."""
    app = _app(ctx)
    flag = parse_moment(observed_at) if observed_at else None
    rows = read_manifest(manifest) if manifest else {}
    importer = Importer(app.archive)
    report = ImportReport()
    files = list(iter_files(list(paths)))
    importer.preparse(files, flag, rows)
    with progress_bar("archiving") as update:
        for done, path in enumerate(files, start=1):
            importer.import_file(path, flag, rows, report)
            if update:
                update(done, len(files), path.name)
    importer.commit(report)
    with progress_bar("diffing") as update:
        result = app.pipeline(importer.parsed).process(update)
    _print_import(report, result)


def _print_import(report: ImportReport, result: Report) -> None:
    for path, reason in report.skipped:
        click.echo(f"skipped {path}: {reason}", err=True)
    for _, name, reason in result.rejections:
        click.echo(f"rejected {name}: {reason}", err=True)
    click.echo(
        f"{len(report.added)} files archived, {len(report.already)} already known, "
        f"{len(report.skipped)} skipped; {result.processed} snapshots processed "
        f"({result.accepted} accepted, {result.rejected} rejected), "
        f"{result.events} new events" + (" (history replayed)" if result.replayed else "")
    )


@cli.command()
@click.pass_context
def rebuild(ctx: click.Context) -> None:
    """Drop everything derived and replay the archive from the start."""
    app = _app(ctx)
    with progress_bar("replaying") as update:
        result = app.pipeline().rebuild(update)
    click.echo(
        f"rebuilt: {result.processed} snapshots ({result.accepted} accepted, "
        f"{result.rejected} rejected), {result.events} events"
    )


def _state_option(value: str | None) -> str | None:
    if value is None:
        return None
    code = state_code(value)
    if code is None:
        raise click.BadParameter(f"{value!r} is not a US state")
    return code


def _model_option(value: str | None) -> str | None:
    if value is None:
        return None
    code = model_code(value)
    if code is None:
        raise click.BadParameter(f"{value!r} is not a model (JEM, TFM or WSO)")
    return code


@cli.command()
@click.option("--as-of", metavar="DATE", help="The lists at the end of this UTC day.")
@click.option(
    "--list",
    "which",
    type=click.Choice(["summary", "participating", "pending"]),
    default="summary",
    show_default=True,
    help="Counts, or the rows of one list.",
)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.pass_context
def status(ctx: click.Context, as_of: str | None, which: str, fmt: str) -> None:
    """The lists as they stood at the end of a day (default: now)."""
    app = _app(ctx)
    until = end_of_day(as_of)
    with transaction(app.engine) as session:
        if which != "summary":
            rows = queries.status_rows(session, until, which)
            _add_moa_fields(rows, moa_store.documents_by_url(session))
            columns = (
                "state",
                "agency",
                "model",
                "type",
                "county",
                "signed",
                "moa_url",
                "moa_ice_signed",
                "moa_field_office",
            )
            click.echo(render(rows, columns, fmt), nl=False)
            return
        summary = queries.status(session, until)
    click.echo(_status_text(summary, fmt), nl=False)


def _add_moa_fields(rows: list[dict[str, Any]], docs: dict[str, Any]) -> None:
    """Exports carry the parsed MOA fields next to each agreement's link."""
    for row in rows:
        url = repair_url(row["moa_url"]) if row.get("moa_url") else None
        doc = docs.get(url) if url else None
        row["moa_ice_signed"] = doc.ice_signed if doc else None
        row["moa_field_office"] = doc.field_office if doc else None
        row["moa_model"] = doc.model if doc else None


def _status_text(summary: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return to_json(summary)
    flat = {
        "as_of": summary["as_of"] or "now",
        "agreements": summary["agreements"],
        "agencies": summary["agencies"],
        "states": summary["states"],
        **{m: n for m, n in summary["by_model"].items()},
        "pending": summary["pending"],
    }
    rows = [{"measure": k, "value": v} for k, v in flat.items()]
    return render(rows, ("measure", "value"), fmt)


@cli.command()
@click.option("--since", metavar="DATE", help="First day (UTC) of the window.")
@click.option("--until", metavar="DATE", help="Last day (UTC) of the window.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    metavar="K",
    help="Event kind (e.g. agreement.added) or family (agreement); repeatable.",
)
@click.option("--state", metavar="ST", help="Two-letter state code or name.")
@click.option("--model", metavar="M", help="JEM, TFM or WSO.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "md"]),
    default="table",
    show_default=True,
)
@click.pass_context
def changes(
    ctx: click.Context,
    since: str | None,
    until: str | None,
    kinds: tuple[str, ...],
    state: str | None,
    model: str | None,
    fmt: str,
) -> None:
    """Events in a window: the change log."""
    app = _app(ctx)
    flt = queries.EventFilter(
        since=start_of_day(since),
        until=end_of_day(until),
        kinds=kinds,
        state=_state_option(state),
        model=_model_option(model),
    )
    with transaction(app.engine) as session:
        events = queries.events(session, flt)
    if fmt == "md":
        window = f"{since or 'the beginning'} to {until or 'now'}"
        click.echo(changes_markdown(events, f"287(g) changes, {window}"), nl=False)
    elif fmt == "json":
        click.echo(to_json(events), nl=False)
    else:
        click.echo(render(event_rows(events), EVENT_COLUMNS, fmt), nl=False)


@cli.command()
@click.argument("name")
@click.option("--state", metavar="ST", help="Narrow to one state.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.pass_context
def history(ctx: click.Context, name: str, state: str | None, fmt: str) -> None:
    """One agency's timeline (matched by name, old names included)."""
    app = _app(ctx)
    with transaction(app.engine) as session:
        agencies = queries.find_agencies(session, name, _state_option(state))
        if not agencies:
            raise Ice287gError(f"no agency matches {name!r}" + (f" in {state}" if state else ""))
        ids = tuple(a.id for a in agencies)
        events = queries.events(session, queries.EventFilter(agency_ids=ids))
        info = [{"id": a.id, "state": a.state, "name": a.name} for a in agencies]
    if fmt == "json":
        click.echo(to_json({"agencies": info, "events": events}), nl=False)
        return
    if fmt == "table":
        for agency in info:
            click.echo(f"{agency['name']} ({agency['state']}) [{agency['id']}]")
        click.echo()
    click.echo(
        render(
            event_rows(events),
            ("date", "kind", "model", "detail", "window_start", "window_end"),
            fmt,
        ),
        nl=False,
    )


@cli.command("snapshots")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--rejected", is_flag=True, help="Only snapshots the quality gate rejected.")
@click.pass_context
def snapshots_cmd(ctx: click.Context, fmt: str, rejected: bool) -> None:
    """What is archived, with each quality verdict and reason."""
    app = _app(ctx)
    with transaction(app.engine) as session:
        rows = [
            {
                "id": s.id,
                "observed_at": s.observed_at,
                "kind": s.kind,
                "source": s.source,
                "verdict": s.verdict,
                "rows": s.row_count,
                "name": s.original_name or s.url,
                "sha256": s.sha256,
                "reason": s.reason,
            }
            for s in queries.snapshots(session)
            if not rejected or s.verdict == "rejected"
        ]
    columns: tuple[str, ...] = (
        "observed_at",
        "kind",
        "source",
        "verdict",
        "rows",
        "name",
        "reason",
    )
    if fmt != "table":
        columns = ("id", *columns, "sha256")
    click.echo(render(rows, columns, fmt), nl=False)


def main() -> None:
    """Console entry point."""
    cli(prog_name="ice287g")


def _add_feature_commands() -> None:
    from ice287g import cli_backfill, cli_live, cli_moa

    for command in (*cli_live.COMMANDS, *cli_backfill.COMMANDS, *cli_moa.COMMANDS):
        cli.add_command(command)


_add_feature_commands()
