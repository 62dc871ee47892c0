"""MOA documents through the store, on SQLite and PostgreSQL: parsed once, listed,
linked to agreements by URL, and moa.replaced naming the fields that changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli

URL = "https://www.ice.gov/doclib/287gMOA/EllisCoTX_JEM_MOA_04.16.2025.pdf"


def _manifest(folder: Path, rows: list[tuple[str, str, str]]) -> Path:
    path = folder / "observed.csv"
    lines = ["file,observed_at,url"] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_moa_parsed_listed_and_replaced(cli: Cli, corpus: Path, tmp_path: Path) -> None:
    moa = corpus / "moa"
    first = moa / "EllisCoTX_JEM_MOA_04.16.2025.pdf"
    second = moa / "NavajoCoAZ_WSO_MOA_04.16.2025.pdf"
    cli(
        "import",
        str(first),
        "--manifest",
        str(_manifest(tmp_path, [(first.name, "2025-05-01T12:00:00Z", URL)])),
    )
    listed = json.loads(cli("moa", "list", "--format", "json").stdout)
    assert [(m["url"], m["model"], m["state"]) for m in listed] == [(URL, "JEM", "TX")]
    assert json.loads(cli("moa", "list", "--state", "AZ", "--format", "json").stdout) == []
    cli(
        "import",
        str(second),
        "--manifest",
        str(_manifest(tmp_path, [(second.name, "2025-06-01T12:00:00Z", URL)])),
    )
    [event] = json.loads(cli("changes", "--kind", "moa.replaced", "--format", "json").stdout)
    assert event["subject"] == URL
    assert event["before"]["model"] == "JEM" and event["after"]["model"] == "WSO"
    assert "model" in event["provenance"]["changed_fields"]
    again = cli(
        "import",
        str(second),
        "--manifest",
        str(_manifest(tmp_path, [(second.name, "2025-06-01T12:00:00Z", URL)])),
    )
    assert "0 new events" in again.stdout


def test_moa_parse_needs_no_database_and_exits_1_naming_the_files_not_read_whole(
    tmp_path: Path, corpus: Path
) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    good = str(corpus / "moa" / "EllisCoTX_JEM_MOA_04.16.2025.pdf")
    runner = Cli(f"sqlite:///{tmp_path / 'never' / 'created.db'}", tmp_path / "a")
    both = runner("moa", "parse", str(bad), good, "--format", "json", expect=1)
    out = json.loads(both.stdout)  # every record printed, the partial ones too
    assert out[0]["error"] and out[1]["model"] == "JEM" and out[1]["ice_signed"] == "2025-04-16"
    assert both.stderr.strip() == "ice287g: error: 1 of 2 file(s) not read whole: broken.pdf"
    assert json.loads(runner("moa", "parse", good, "--format", "json").stdout)[0]["model"] == "JEM"
    assert not (tmp_path / "never").exists()


def test_moa_parse_ocr_switches(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--no-ocr reads the text layer only; --ocr without Tesseract is one line, exit 2."""
    scan = str(corpus / "moa" / "VADOC_JEM_MOA_022825.pdf")
    runner = Cli(f"sqlite:///{tmp_path / 'x.db'}", tmp_path / "a")
    read = runner("moa", "parse", "--no-ocr", scan, "--format", "json", expect=1)
    [record] = json.loads(read.stdout)
    assert record["ocr_pages"] == [] and record["agency"] is None
    assert record["error"] == "no text layer on most pages (text on 0 of 12)"
    assert record["ice_signed"] == "2025-02-28"  # the typed e-signature overlay
    monkeypatch.setenv("ICE287G_MOA__TESSERACT", str(tmp_path / "no-such-tesseract"))
    failed = runner("moa", "parse", "--ocr", scan, expect=2)
    assert failed.stdout == "" and len(failed.stderr.strip().splitlines()) == 1
    assert "OCR is required (--ocr, or moa.ocr = 'required')" in failed.stderr
    assert "tesseract-ocr" in failed.stderr


def test_a_moa_whose_reader_dies_is_kept_unread_and_read_by_a_later_replay(
    sqlite_cli: Cli, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PDF that kills its reader's process (PDFium aborting on it) is not the end of
    the pass: it is archived, its snapshot names the death, nothing of it is kept in
    the MOA cache (the process may have been killed for memory), and a later replay
    reads it."""
    import os

    import parsers.moa
    from ice287g.cli.moa import NOT_READ
    from ice287g.parallel import CRASHED

    def dying(*args: object) -> None:
        os._exit(134)

    monkeypatch.setattr(parsers.moa, "parse_moa", dying)
    moa = corpus / "moa" / "EllisCoTX_JEM_MOA_04.16.2025.pdf"
    manifest = _manifest(tmp_path, [(moa.name, "2025-05-01T12:00:00Z", URL)])
    done = sqlite_cli("import", str(moa), "--manifest", str(manifest))
    assert "1 snapshots processed" in done.stdout
    [snapshot] = json.loads(sqlite_cli("snapshots", "--format", "json").stdout)
    assert (snapshot["verdict"], snapshot["reason"]) == ("stored", CRASHED)
    [listed] = json.loads(sqlite_cli("moa", "list", "--format", "json").stdout)
    assert (listed["url"], listed["model"], listed["error"]) == (URL, None, NOT_READ)
    monkeypatch.undo()  # the document reads now: a rebuild reads it
    sqlite_cli("rebuild")
    listed = json.loads(sqlite_cli("moa", "list", "--format", "json").stdout)
    assert [(m["url"], m["model"], m["state"]) for m in listed] == [(URL, "JEM", "TX")]


def test_history_shows_the_moas_its_agency_links(cli: Cli, corpus: Path, tmp_path: Path) -> None:
    """``history`` gives the agency's archived MOA documents (JSON key ``moas``, a
    table after its listed rows), with ``moa list``'s fields, as the README says (the
    key was missing)."""
    from tests.hostile import listing_xlsx

    sheet = tmp_path / "participatingAgencies05022025am.xlsx"
    row = ("TX", "Ellis County Sheriff's Office", "Sheriff", "Jail Enforcement Model")
    sheet.write_bytes(listing_xlsx([(*row, "04/16/2025", URL)]))
    moa = corpus / "moa" / "EllisCoTX_JEM_MOA_04.16.2025.pdf"
    manifest = _manifest(tmp_path, [(moa.name, "2025-05-01T12:00:00Z", URL)])
    cli("import", str(moa), "--manifest", str(manifest))
    cli("import", str(sheet))
    found = json.loads(cli("history", "Ellis County Sheriff's Office", "--format", "json").stdout)
    assert [(m["url"], m["model"], m["state"]) for m in found["moas"]] == [(URL, "JEM", "TX")]
    table = cli("history", "Ellis County Sheriff's Office").stdout
    assert "ICE_SIGNED" in table.upper() and "2025-04-16" in table
