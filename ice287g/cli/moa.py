"""``ice287g moa``: parse MOA PDFs, and list the parsed MOAs in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from common.errors import Ice287gError
from ice287g.cli.shared import app_of, model_option, state_option
from ice287g.render import LISTING_FORMATS, render, to_json

PARSE_COLUMNS = (
    "file",
    "model",
    "agency",
    "state",
    "field_office",
    "ice_signed",
    "agency_signed",
    "pages",
    "error",
)
LIST_COLUMNS = (
    "state",
    "agency",
    "model",
    "field_office",
    "ice_signed",
    "agency_signed",
    "signatories",
    "url",
)


@click.group("moa")
def moa() -> None:
    """MOA and addendum PDFs: who signed, when, for which model and field office."""


@moa.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--ocr/--no-ocr",
    default=None,
    help="Read pages without a text layer by OCR (default: moa.ocr, auto = when installed).",
)
@click.pass_context
def parse_cmd(ctx: click.Context, files: tuple[Path, ...], fmt: str, ocr: bool | None) -> None:
    """Parse PDF files (no database needed); unreadable files give an error record."""
    from parsers.moa import parse_moa

    app = app_of(ctx)
    if ocr is not None:
        app = app.with_moa_ocr("required" if ocr else "off")
    engine = app.ocr()
    records = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise Ice287gError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        record = parse_moa(data, path.name, None, engine).to_dict()
        records.append({"file": str(path), **record})
    if fmt == "json":
        click.echo(to_json(records), nl=False)
    else:
        click.echo(render(records, PARSE_COLUMNS, "table"), nl=False)


@moa.command("list")
@click.option("--state", metavar="ST", help="Two-letter state code or name.")
@click.option("--model", metavar="M", help="JEM, TFM or WSO.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(LISTING_FORMATS),
    default="table",
    show_default=True,
)
@click.pass_context
def list_cmd(ctx: click.Context, state: str | None, model: str | None, fmt: str) -> None:
    """The archived MOA documents with their parsed fields."""
    from store.db import transaction
    from store.moa import documents

    app = app_of(ctx)
    st, md = state_option(state), model_option(model)
    with transaction(app.engine) as session:
        rows = [
            moa_row(link.url, link.sha256, doc.record if doc else None)
            for link, doc in documents(session)
        ]
    rows = [r for r in rows if (not st or r["state"] == st) and (not md or r["model"] == md)]
    click.echo(render(rows, LIST_COLUMNS, fmt), nl=False)


def moa_row(url: str, sha256: str, record_json: str | None) -> dict[str, Any]:
    """One MOA for listings and exports: the parsed fields that matter to readers."""
    import json

    record = json.loads(record_json) if record_json else {}
    signatures = record.get("signatures") or []
    return {
        "url": url,
        "sha256": sha256,
        "state": record.get("state"),
        "agency": record.get("agency"),
        "model": record.get("model"),
        "field_office": record.get("field_office"),
        "ice_signed": record.get("ice_signed"),
        "agency_signed": record.get("agency_signed"),
        "template_revision": record.get("template_revision"),
        "is_addendum": record.get("is_addendum"),
        "pages": record.get("pages"),
        "signatories": [f"{s.get('party')}: {s.get('name') or '?'}" for s in signatures],
        "ocr_pages": record.get("ocr_pages") or [],
        "error": record.get("error"),
    }


COMMANDS: list[click.Command] = [moa]
