"""``ice287g moa``: parse MOA PDFs, and list the parsed MOAs in the store."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from common.errors import Ice287gError
from ice287g.app import App
from ice287g.cli.shared import app_of, model_option, say, say_line, state_option
from ice287g.render import LISTING_FORMATS, render, to_json

NOT_READ = "not read yet (its snapshot says why): the next rebuild reads it again"
PARSE_COLUMNS = (
    "file",
    "model",
    "agency",
    "state",
    "field_office",
    "ice_signed",
    "ice_signed_source",
    "agency_signed",
    "agency_signed_source",
    "pages",
    "error",
)
LIST_COLUMNS = (
    "state",
    "agency",
    "model",
    "field_office",
    "ice_signed",
    "ice_signed_source",
    "agency_signed",
    "agency_signed_source",
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
    app = _ocr_app(ctx, ocr)
    records = [{"file": str(path), **_parsed(app, path)} for path in files]
    if fmt == "json":
        say(to_json(records), nl=False)
    else:
        say(render(records, PARSE_COLUMNS, "table"), nl=False)
    failed = [Path(r["file"]).name for r in records if r.get("error")]
    if failed:  # every record printed; a script is told that some are partial
        shown = ", ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
        raise Ice287gError(f"{len(failed)} of {len(records)} file(s) not read whole: {shown}")


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
    with transaction(app.reader) as session:
        rows = [
            moa_row(link.url, link.sha256, doc.record if doc else None)
            for link, doc in documents(session)
        ]
    rows = [r for r in rows if (not st or r["state"] == st) and (not md or r["model"] == md)]
    say(render(rows, LIST_COLUMNS, fmt), nl=False)


def moa_row(url: str, sha256: str, record_json: str | None) -> dict[str, Any]:
    """One MOA for listings and exports: the parsed fields that matter to readers. A
    document not read (its reader failed: its snapshot says why) says so."""
    import json

    record: dict[str, Any] = json.loads(record_json) if record_json else {"error": NOT_READ}
    signatures = record.get("signatures") or []
    return {
        "url": url,
        "sha256": sha256,
        "state": record.get("state"),
        "agency": record.get("agency"),
        "model": record.get("model"),
        "field_office": record.get("field_office"),
        "ice_signed": record.get("ice_signed"),
        "ice_signed_source": record.get("ice_signed_source"),
        "agency_signed": record.get("agency_signed"),
        "agency_signed_source": record.get("agency_signed_source"),
        "template_revision": record.get("template_revision"),
        "is_addendum": record.get("is_addendum"),
        "pages": record.get("pages"),
        "signatories": [_signatory(s) for s in signatures],
        "reviewed": record.get("reviewed") or {},
        "ocr_pages": record.get("ocr_pages") or [],
        "error": record.get("error"),
    }


def _signatory(block: dict[str, Any]) -> str:
    """``party: name``, marked ``(reviewed)`` when a person read the name."""
    mark = " (reviewed)" if "name" in (block.get("reviewed") or ()) else ""
    return f"{block.get('party')}: {block.get('name') or '?'}{mark}"


@moa.command("review")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("moa-review"),
    show_default=True,
    help="Directory for the crops (PNG) and the template (review.toml).",
)
@click.option("--ocr/--no-ocr", default=None, help="As for moa parse.")
@click.pass_context
def review_cmd(
    ctx: click.Context, files: tuple[Path, ...], out_dir: Path, ocr: bool | None
) -> None:
    """Crops of the signature fields only a person can read, and a template to fill in.

    For each PDF, the signer names, titles and dates that neither the text layer nor OCR
    gave are listed; the part of the signature page around each such block is written as
    ``<file>-p<page>-<party>.png`` and ``review.toml`` gets a row per field, to fill in
    and copy into the reviewed file (``moa.reviewed``, by default diffs/moa_reviewed.toml).
    """
    import hashlib

    import pypdfium2 as pdfium

    from diffs.moa_reviewed import template
    from parsers.moa.review import crop_png, unread_fields

    app = _ocr_app(ctx, ocr)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables, skipped = [REVIEW_HEADER], []
    for path in files:
        data = _read(path)
        unread = unread_fields(_parsed(app, path, data))
        crops: dict[str, str] = {}
        try:
            for item in unread:
                name = f"{_safe_stem(path)}-p{item.page}-{item.party}.png"
                if name not in crops.values():
                    (out_dir / name).write_bytes(crop_png(data, item.page, item.box))
                crops[item.field] = name
        except (pdfium.PdfiumError, ValueError, OSError) as exc:
            # one file unreadable: named, and the others reviewed
            skipped.append(path.name)
            say_line(f"{path}: cannot render page {item.page}: {exc}; skipped", err=True)
            continue
        rows = [(u.field, u.page, f"read from {crops[u.field]}") for u in unread]
        sha256 = hashlib.sha256(data).hexdigest()
        tables.append(template(sha256, path.name, rows))
        shown = ", ".join(u.field for u in unread) or "nothing"
        say_line(f"{path.name}: unread {shown}")
    (out_dir / "review.toml").write_text("\n".join(tables), encoding="utf-8")
    say(f"crops and review.toml written to {out_dir}")
    if skipped:
        raise Ice287gError(f"{len(skipped)} file(s) not reviewed: {', '.join(skipped)}")


REVIEW_HEADER = """\
# Values only a person can read, one row per field the parser left empty.
# Fill in `value` (dates as YYYY-MM-DD) only where you can read it with confidence,
# check `page`, say in `note` what you read; leave value = "" where you cannot.
# Then copy the tables into the reviewed file (moa.reviewed, by default
# diffs/moa_reviewed.toml) and run `ice287g rebuild`.
"""


def _ocr_app(ctx: click.Context, ocr: bool | None) -> App:
    app = app_of(ctx)
    return app.with_moa_ocr("required" if ocr else "off") if ocr is not None else app


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise Ice287gError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _parsed(app: App, path: Path, data: bytes | None = None) -> dict[str, Any]:
    """The file's record with the reviewed layer merged (marked), dates no later than
    today (no document is signed after it is read); read in a child process, as a pass
    reads one (``parallel.read_moa``: its memory bounded, its death a record)."""
    import hashlib

    from diffs.moa_reviewed import merge_reviewed
    from ice287g.parallel import read_moa

    data = _read(path) if data is None else data
    today = datetime.now(UTC).date()
    record = read_moa(data, path.name, None, app.ocr(), today)
    return merge_reviewed(record, app.reviewed().get(hashlib.sha256(data).hexdigest()))


def _safe_stem(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", path.stem)[:80] or "moa"


COMMANDS: list[click.Command] = [moa]
