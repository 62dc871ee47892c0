"""The commands over the archive and the database: import, rebuild, status, changes,
history and snapshots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from common.errors import ConfigError, Ice287gError
from ice287g.app import end_of_day, parse_day, parse_moment, start_of, start_of_day
from ice287g.cli.shared import (
    FORMATS,
    app_of,
    kind_options,
    model_option,
    progress_bar,
    say,
    say_line,
    state_option,
)
from ice287g.importer import ImportOptions, ImportResult, run_import
from ice287g.render import (
    EVENT_COLUMNS,
    GROUPS,
    KIND_LABELS,
    changes_markdown,
    event_rows,
    group_counts,
    render,
    to_json,
)
from parsers.urls import repair_url
from store import moa as moa_store
from store import queries
from store.db import transaction

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--manifest",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV with columns file,observed_at (optional list, url, force).",
)
@click.option(
    "--observed-at",
    metavar="DATETIME",
    help="Observed time for every file (ISO 8601, UTC if no offset).",
)
@click.option(
    "--force-date",
    is_flag=True,
    help="Vouch for the observed times: a list is not rejected for holding agreements "
    "signed after them.",
)
@click.pass_context
def import_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    manifest: Path | None,
    observed_at: str | None,
    force_date: bool,
) -> None:
    """Import spreadsheets or saved pages (files or folders, recursively)."""
    app = app_of(ctx)
    flag = parse_moment(observed_at) if observed_at else None
    options = ImportOptions(observed_at=flag, manifest=manifest, force_date=force_date)
    _print_import(run_import(app, list(paths), options, progress_bar))


def _print_import(result: ImportResult) -> None:
    diff = result.diff
    for path, reason in result.skipped:
        say_line(f"skipped {path}: {reason}", err=True)
    for damage in diff.damaged:
        say_line(f"warning {damage}", err=True)
    for name, warning in diff.warnings:
        say_line(f"warning {name}: {warning}", err=True)
    for _, name, reason in diff.rejections:
        say_line(f"rejected {name}: {reason}", err=True)
    say(
        f"{len(result.added)} files archived, {len(result.already)} already known, "
        f"{len(result.skipped)} skipped; {diff.processed} snapshots processed "
        f"({diff.accepted} accepted, {diff.rejected} rejected), "
        f"{diff.events} new events{diff.replay_note}"
    )
    if result.skipped and not (result.added or result.already):
        raise Ice287gError(
            f"nothing imported: the {len(result.skipped)} file(s) given were skipped"
        )


@click.command()
@click.pass_context
def rebuild(ctx: click.Context) -> None:
    """Drop everything derived and replay the archive from the start."""
    app = app_of(ctx)
    with app.exclusive(), progress_bar("replaying") as update:
        result = app.pipeline().rebuild(update)
    for damage in result.damaged:
        say_line(f"warning {damage}", err=True)
    say(
        f"rebuilt: {result.processed} snapshots ({result.accepted} accepted, "
        f"{result.rejected} rejected), {result.events} events"
    )


@click.command()
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
    app = app_of(ctx)
    until = end_of_day(as_of)
    with transaction(app.reader) as session:
        kinds = ("participating", "pending") if which == "summary" else (which,)
        if until and not any(queries.latest_accepted(session, k, until) for k in kinds):
            # a count of 0 would say ICE listed none then: say there is no list yet
            say(f"warning: no list accepted on or before {as_of}: nothing is known then", err=True)
        if which != "summary":
            rows = queries.status_rows(session, until, which)
            _add_moa_fields(rows, moa_store.documents_by_url(session))
            say(render(rows, STATUS_COLUMNS, fmt), nl=False)
            return
        summary = queries.status(session, until)
    say(_status_text(summary, fmt), nl=False)


STATUS_COLUMNS = (
    "state",
    "agency",
    "agency_id",
    "agreement_id",
    "model",
    "type",
    "county",
    "signed",
    "moa_url",
    "addendum_url",
    "moa_ice_signed",
    "moa_ice_signed_source",
    "moa_field_office",
    "moa_model",
)
"""A list's fields in ``status --list``: every format (table, CSV, JSON) carries all of
them. Principle: the formats of one listing differ in layout, never in what they say."""


def _add_moa_fields(rows: list[dict[str, Any]], docs: dict[str, Any]) -> None:
    """Exports carry the parsed MOA fields next to each agreement's link (the keys of
    ``STATUS_COLUMNS`` a list's rows do not hold)."""
    for row in rows:
        url = repair_url(row["moa_url"]) if row.get("moa_url") else None
        doc = docs.get(url) if url else None
        row["moa_ice_signed"] = doc.ice_signed if doc else None
        # text, ocr or reviewed (read by a person: diffs/moa_reviewed.toml)
        record = json.loads(doc.record) if doc else {}
        row["moa_ice_signed_source"] = record.get("ice_signed_source")
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


@click.command()
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
    "--recorded-since",
    metavar="WHEN",
    help="Only events recorded at or after WHEN (a date, or a UTC date-time): what is new"
    " since a last look, withdrawals confirmed late included.",
)
@click.option(
    "--group-by",
    "group_by",
    type=click.Choice(GROUPS),
    help="Count the events by signed month, month of the window's end, state or model.",
)
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
    recorded_since: str | None,
    group_by: str | None,
    fmt: str,
) -> None:
    """Events in a window: the change log."""
    app = app_of(ctx)
    if since and until and parse_day(since) > parse_day(until):
        # an empty window read as no events would say nothing changed
        raise ConfigError(f"--since {since} is after --until {until}")
    flt = queries.EventFilter(
        since=start_of_day(since),
        until=end_of_day(until),
        kinds=kind_options(kinds),
        state=state_option(state),
        model=model_option(model),
        recorded_since=start_of(recorded_since),
    )
    with transaction(app.reader) as session:
        events = queries.events(session, flt)
    if group_by:
        if fmt == "md":
            raise click.UsageError("--group-by gives counts: use --format table, csv or json")
        click.echo(
            render(group_counts(events, group_by), (group_by, "kind", "events"), fmt), nl=False
        )
    elif fmt == "md":
        window = f"{since or 'the beginning'} to {until or 'now'}"
        said = _filters_said(flt)
        say(changes_markdown(events, f"287(g) changes, {window}{said}"), nl=False)
    elif fmt == "json":
        say(to_json(events), nl=False)
    else:
        say(render(event_rows(events), EVENT_COLUMNS, fmt), nl=False)


@click.command()
@click.argument("name")
@click.option("--state", metavar="ST", help="Narrow to one state.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.pass_context
def history(ctx: click.Context, name: str, state: str | None, fmt: str) -> None:
    """One agency's timeline (matched by name, old names included; with the application
    it joined by, when that was listed under another label)."""
    app = app_of(ctx)
    with transaction(app.reader) as session:
        agencies = queries.find_agencies(session, name, state_option(state))
        if not agencies:
            raise Ice287gError(f"no agency matches {name!r}" + (f" in {state}" if state else ""))
        agencies += queries.approved_as(session, agencies)  # its application's other label
        ids = tuple(a.id for a in agencies)
        events = queries.events(session, queries.EventFilter(agency_ids=ids))
        listed = queries.agency_versions(session, ids)
        moas = _agency_moas(session, listed)
        info = [{"id": a.id, "state": a.state, "name": a.name} for a in agencies]
    if fmt == "json":
        found = {"agencies": info, "listed": listed, "moas": moas, "events": events}
        say(to_json(found), nl=False)
        return
    if fmt == "table":
        for agency in info:
            say_line(f"{agency['name']} ({agency['state']}) [{agency['id']}]")
        say()
        say(render(_listed_rows(listed), LISTED_COLUMNS, fmt))
        say()
        if moas:
            say(render(moas, MOA_COLUMNS, fmt))
            say()
    say(
        render(
            event_rows(events),
            ("date", "kind", "model", "detail", "window_start", "window_end"),
            fmt,
        ),
        nl=False,
    )


def _filters_said(flt: queries.EventFilter) -> str:
    """What a change log holds besides its window (``: agreements withdrawn; FL``), so a
    log of some events is not read as of all of them."""
    said = [", ".join(KIND_LABELS.get(k, k) for k in sorted(flt.kinds))]
    said += [flt.state or "", flt.model or ""]
    if flt.recorded_since:
        said.append(f"recorded since {flt.recorded_since}")
    kept = [part for part in said if part]
    return f": {'; '.join(kept)}" if kept else ""


LISTED_COLUMNS = ("list", "model", "agency", "signed", "from", "until", "changed")
MOA_COLUMNS = ("model", "ice_signed", "agency_signed", "signatories", "error", "url")


def _agency_moas(session: Session, listed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The archived MOA documents the agency's listed rows link, with ``moa list``'s
    fields, by URL."""
    from ice287g.cli.moa import moa_row

    urls = {url for v in listed if v.get("moa_url") and (url := repair_url(v["moa_url"]))}
    return [
        moa_row(link.url, link.sha256, doc.record if doc else None)
        for link, doc in moa_store.documents(session, urls)
    ]


COMPARED = ("agency", "state", "type", "county", "signed", "moa_url", "addendum_url") + (
    "model_raw",
    "signed_raw",
    "moa_text",
    "flags",
)


def _listed_rows(listed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The agency's versions on the lists, for the table: dates, and which values
    changed from the version before."""
    rows, before = [], None
    for v in listed:
        same = before is not None and all(before[k] == v[k] for k in ("list", "agency_id", "model"))
        changed = [k for k in COMPARED if same and before is not None and before[k] != v[k]]
        rows.append(
            {
                "list": v["list"],
                "model": v["model"],
                "agency": v["agency"] or "",
                "signed": v["signed"],
                "from": v["valid_from"][:10],
                "until": (v["valid_to"] or "")[:10] or "listed",
                "changed": ", ".join(changed),
            }
        )
        before = v
    return rows


@click.command("snapshots")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--rejected", is_flag=True, help="Only snapshots the quality gate rejected.")
@click.pass_context
def snapshots_cmd(ctx: click.Context, fmt: str, rejected: bool) -> None:
    """What is archived, with each quality verdict and reason."""
    app = app_of(ctx)
    with transaction(app.reader) as session:
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
                "note": s.note,
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
        columns = ("id", *columns, "note", "sha256")  # note: what the gate tolerated
    say(render(rows, columns, fmt), nl=False)


COMMANDS: list[click.Command] = [import_cmd, rebuild, status, changes, history, snapshots_cmd]
