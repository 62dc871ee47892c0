"""What a user sees: documentation of every command, one-line errors, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ice287g.cli import cli as root
from tests.conftest import ROOT, Cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        full = f"{prefix}{name}"
        found.append((full, command))
        if isinstance(command, click.Group):
            found += _commands(command, full + " ")
    return found


@pytest.mark.parametrize(("name", "command"), _commands(root))
def test_every_command_and_option_is_documented_with_an_example(
    name: str, command: click.Command
) -> None:
    assert f"### `ice287g {name}" in README, f"README has no section for {name}"
    section = README.split(f"### `ice287g {name}", 1)[1].split("\n### ", 1)[0]
    assert f"ice287g {name}" in section.split("```sh", 1)[-1], f"no example for {name}"
    for param in command.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--") and opt not in ("--help",):
                assert opt in section or opt in README.split("## Commands", 1)[1][:800], (
                    f"{opt} of {name} is not documented"
                )


def test_global_options_documented() -> None:
    for opt in ("--config", "--db", "--snapshots"):
        assert opt in README


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(root, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_bad_database_url_is_one_line(tmp_path: Path) -> None:
    code, _, err = _run("--db", "nosuchdb://x", "--snapshots", str(tmp_path), "status")
    assert code != 0 and err.startswith("ice287g: error:") and err.count("\n") == 1


def test_a_mistyped_sqlite_path_is_refused_by_a_command_that_reads_never_made(
    tmp_path: Path,
) -> None:
    """A read command given a SQLite file that is not there (a typo, another working
    folder) read it as an empty history, exit 0, and made the file; ``publish`` then
    removed the site it had published. Now one line, exit 2, nothing made or removed;
    a URL missing a slash is a setting refused too."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("published before", encoding="utf-8")
    typo = tmp_path / "goood.db"
    for command in (
        ["status"],
        ["changes"],
        ["snapshots"],
        ["history", "x"],
        ["publish", str(site)],
    ):
        code, _, err = _run("--db", f"sqlite:///{typo}", "--snapshots", str(tmp_path), *command)
        assert (
            code == 2
            and err
            == f"ice287g: error: no database at {typo}: nothing to read "
            "(import, run, backfill or rebuild make one)\n"
        ), command
    assert not typo.exists() and (site / "index.html").read_text(encoding="utf-8")
    code, _, err = _run("--db", "sqlite://tmp/x.db", "--snapshots", str(tmp_path), "status")
    assert code == 2 and "three slashes" in err


def test_an_option_s_mistake_is_one_line_naming_the_help_to_read(sqlite_cli: Cli) -> None:
    """Click showed a usage mistake on four lines (usage, a hint, a blank, the error):
    it is one line as every other error, exit 2."""
    sqlite_cli("rebuild")
    for args, said in (
        (("status", "--format", "xml"), "Invalid value for '--format'"),
        (("changes", "--kind", "agreement.withdrawal"), "Invalid value: 'agreement.withdrawal'"),
        (("statuz",), "No such command 'statuz'"),
        (("history",), "Missing argument 'NAME'"),
    ):
        res = sqlite_cli(*args, expect=2)
        assert res.stderr.startswith(f"ice287g: error: {said}") and res.stderr.count("\n") == 1


def test_an_event_kind_is_read_in_any_case_on_every_database(cli: Cli) -> None:
    """``--kind Pending`` found every pending event on SQLite (its LIKE ignores case)
    and none on PostgreSQL: a kind is read in lower case before either is asked."""
    cli("rebuild")
    lower = cli("changes", "--kind", "agreement", "--format", "json").stdout
    assert cli("changes", "--kind", "AGREEMENT", "--format", "json").stdout == lower


def test_bad_date_and_missing_path_are_one_line(sqlite_cli: Cli, tmp_path: Path) -> None:
    res = sqlite_cli("status", "--as-of", "yesterday", expect=None)
    assert res.exit_code == 2 and "is not a date" in res.stderr
    # a day is a day: more after it (another day in UTC, or noise) is not cut off
    for text in ("2025-04-15T23:00:00-05:00", "2025-04-15garbage"):
        res = sqlite_cli("status", "--as-of", text, expect=2)
        assert f"{text!r} is not a date (expected YYYY-MM-DD)" in res.stderr
    res = sqlite_cli("import", str(tmp_path / "nope"), expect=None)
    assert res.exit_code != 0 and "no such file or folder" in res.stderr
    assert "Traceback" not in res.output


def test_bad_config_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text("[diff]\nmax_row_loss_share = 7\n")
    code, _, err = _run("--config", str(bad), "status")
    assert code == 2 and "diff.max_row_loss_share" in err


def test_empty_database_status_and_changes(sqlite_cli: Cli) -> None:
    sqlite_cli("rebuild")  # an empty archive: an empty history
    out = json.loads(sqlite_cli("status", "--format", "json").stdout)
    assert out["agreements"] == 0 and out["by_model"] == {"JEM": 0, "TFM": 0, "WSO": 0}
    assert "No changes recorded" in sqlite_cli("changes", "--format", "md").stdout
    res = sqlite_cli("history", "Nobody", expect=None)
    assert res.exit_code == 1 and "no agency matches" in res.stderr


def test_a_status_before_the_first_list_says_nothing_is_known_then(tmp_path: Path) -> None:
    """Counts of 0 on a day before the history's first list would say ICE listed no
    agreement then: a warning says no list was accepted by then (the counts stay, exit
    0); a day with lists says nothing."""
    seed = Cli(f"sqlite:///{tmp_path / 'seed.db'}", ROOT / "snapshots" / "archive")
    seed("rebuild")
    early = seed("status", "--as-of", "2001-01-01")
    assert "warning: no list accepted on or before 2001-01-01" in early.stderr
    listed = seed("status", "--as-of", "2025-08-29", "--list", "participating")
    assert "warning" not in listed.stderr and listed.stdout


def test_seed_archive_rebuilds_into_a_change_log(tmp_path: Path) -> None:
    seed = Cli(f"sqlite:///{tmp_path / 'seed.db'}", ROOT / "snapshots" / "archive")
    assert "rebuilt:" in seed("rebuild").stdout
    md = seed("changes", "--format", "md").stdout
    assert re.search(r"\*\*\d+ events\*\*", md) and "agreements added" in md


def test_each_command_is_found_in_the_module_the_lazy_group_names() -> None:
    from ice287g.cli import COMMAND_MODULES

    ctx = click.Context(root)
    for name, module in COMMAND_MODULES.items():
        command = root.get_command(ctx, name)
        assert command is not None and command.callback is not None, name
        assert command.callback.__module__ == module, name


def _fresh_python(code: str) -> str:
    """What ``code`` prints, run in a fresh interpreter (nothing imported beforehand)."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return out.stdout.strip().splitlines()[-1]


def test_a_command_that_fetches_nothing_does_not_load_the_http_client() -> None:
    probe = (
        "import sys, click\n"
        "from ice287g.cli import cli\n"
        "ctx = click.Context(cli)\n"
        "for name in ('rebuild', 'status', 'changes', 'import'):\n"
        "    cli.get_command(ctx, name)\n"
        "print(sorted(m for m in ('httpx', 'apscheduler') if m in sys.modules))\n"
    )
    assert _fresh_python(probe) == "[]"


def test_a_run_collects_cycles_less_often_than_python_s_default() -> None:
    probe = (
        "import atexit, gc, sys\n"
        "from ice287g.cli import GC_THRESHOLDS, main\n"
        "atexit.register(lambda: print(gc.get_threshold() == GC_THRESHOLDS, gc.isenabled()))\n"
        "sys.argv = ['ice287g', '--version']\n"
        "main()\n"
    )
    assert _fresh_python(probe) == "True True"


_ENDING = (
    "import atexit, sys\n"
    "from ice287g.cli import main\n"
    "class Torn:\n"
    "    def __del__(self): print('torn down')\n"
    "kept = Torn()\n"
    "atexit.register(lambda: print('exit handler ran'))\n"
    "sys.argv = ['ice287g', '--db', 'sqlite:///{db}', '--snapshots', '{arch}', *{args!r}]\n"
    "main()\n"
)


@pytest.mark.parametrize(
    ("args", "code"), [(["status"], 0), (["status", "--as-of", "nonsense"], 2)]
)
def test_a_command_ends_with_its_output_whole_its_exit_handlers_run_and_its_status(
    tmp_path: Path, args: list[str], code: int
) -> None:
    import subprocess
    import sys

    from store.db import open_engine

    open_engine(f"sqlite:///{tmp_path / 't.db'}").dispose()  # a history, empty
    script = _ENDING.format(db=tmp_path / "t.db", arch=tmp_path / "arch", args=args)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path
    )
    assert out.returncode == code, out.stderr
    lines = out.stdout.splitlines()
    assert lines[-1] == "exit handler ran"  # after the command's own output
    assert "torn down" not in lines  # the interpreter is not torn down: it exits
    if code:
        assert "is not a date" in out.stderr
    else:
        assert lines[-2].split() == ["pending", "0"], out.stdout  # its last line


def test_a_withdrawal_recorded_late_is_found_by_when_it_was_recorded(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    """A withdrawal is recorded once its absence persisted (ten days and a second
    version), dated by the window where the row left: ``--since`` that day of recording
    misses it, ``--recorded-since`` finds it, and every event says when it was recorded
    (``recorded_at``: the capture that recorded it; else its window's end)."""
    from tests.support import hand_made_sheets

    rows = [
        [
            "TX",
            f"Agency {n} Police Department",
            "Municipality",
            "Bexar County",
            "Task Force Model",
            "2025-02-01",
        ]
        for n in "ABCDE"
    ]
    sheets = {
        "participatingAgencies-20250301120000.xlsx": rows,
        "participatingAgencies-20250302120000.xlsx": rows[:4],
        "participatingAgencies-20250315120000.xlsx": [
            *rows[:4],
            [*rows[0][:1], "Agency F Police Department", *rows[0][2:]],
        ],
    }
    paths = hand_made_sheets(sheets, tmp_path / "in", *sheets)
    sqlite_cli("import", *map(str, paths))
    late = sqlite_cli("changes", "--recorded-since", "2025-03-15", "--format", "json").stdout
    kinds = {(e["kind"], e["window_end"][:10], e["recorded_at"]) for e in json.loads(late)}
    assert ("agreement.withdrawn", "2025-03-02", "2025-03-15T12:00:00Z") in kinds
    assert ("agreement.added", "2025-03-15", "2025-03-15T12:00:00Z") in kinds
    since = json.loads(sqlite_cli("changes", "--since", "2025-03-15", "--format", "json").stdout)
    assert "agreement.withdrawn" not in {e["kind"] for e in since}
    moment = sqlite_cli("changes", "--recorded-since", "2025-03-15T12:00:01Z", "--format", "json")
    assert json.loads(moment.stdout) == []


def test_a_lock_file_that_cannot_be_made_is_the_system_s_error(tmp_path: Path) -> None:
    """A lock file the file system will not make (read-only, full, or under a file) is
    an operating-system error, exit 74, as a read-only archive is (it was 1)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'[archive]\nlock_file = "{blocker / "ice287g.lock"}"\n', encoding="utf-8")
    code, _, err = _run(
        "--config",
        str(config),
        "--db",
        f"sqlite:///{tmp_path / 'x.db'}",
        "--snapshots",
        str(tmp_path / "arch"),
        "rebuild",
    )
    assert code == 74 and err.startswith("ice287g: error: cannot open the lock file")


def test_publish_says_when_the_history_was_derived_otherwise(tmp_path: Path) -> None:
    """After an upgrade (other parsers or rules) the next pass derives the history again;
    ``publish`` before it published the old derivation without a word (the parser's
    notes vanished from the data package). It says so, and publishes."""
    from store.db import open_engine, transaction
    from store.writer import save_derivation

    seed = Cli(f"sqlite:///{tmp_path / 'seed.db'}", ROOT / "snapshots" / "archive")
    seed("rebuild")
    engine = open_engine(seed.db)
    with transaction(engine, write=True) as session:
        save_derivation(session, "derived by an older version")
    engine.dispose()
    stale = seed("publish", str(tmp_path / "site"))
    assert "ice287g: warning: the history was derived with other parsers" in stale.stderr
    seed("rebuild")
    assert "warning" not in seed("publish", str(tmp_path / "site")).stderr


def test_a_window_ending_before_it_starts_is_refused(sqlite_cli: Cli) -> None:
    """``--since`` after ``--until`` printed nothing, exit 0: read as no changes."""
    sqlite_cli("rebuild")
    res = sqlite_cli("changes", "--since", "2025-08-01", "--until", "2025-07-01", expect=2)
    assert res.stderr == "ice287g: error: --since 2025-08-01 is after --until 2025-07-01\n"


def test_a_reader_closing_the_pipe_early_is_no_error(sqlite_cli: Cli, tmp_path: Path) -> None:
    """``ice287g history ... | head``: the reader has what it wanted and closed the pipe;
    the command ends quietly, exit 0 (it said ``error: Broken pipe``, exit 74, where
    its output was written in several parts)."""
    import subprocess
    import sys

    from tests.hostile import listing_xlsx

    rows = [
        ("TX", f"Town {n} Police Department", "Municipality", "TFM", "01/02/2025", None)
        for n in range(1500)
    ]
    sheet = tmp_path / "participatingAgencies03012025am.xlsx"
    sheet.write_bytes(listing_xlsx(rows))
    sqlite_cli("import", str(sheet))
    argv = ["--config", str(sqlite_cli.config), "--db", sqlite_cli.db]
    argv += ["--snapshots", str(sqlite_cli.snapshots), "history", "Town"]
    code = "from ice287g.cli import main; main()"
    child = subprocess.Popen(
        [sys.executable, "-c", code, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.read(100)
    child.stdout.close()
    assert (child.wait(timeout=60), child.stderr.read()) == (0, b"")


def test_an_import_that_skips_every_file_fails_and_its_manifest_is_no_file_to_import(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    """A manifest kept in the folder it dates is the manifest, not a file lacking an
    observed time (the README's own ``import saved/ --manifest saved/observed.csv``
    said to give the manifest a manifest row); a ``list`` naming no list is refused; and
    an import that archived nothing and knew nothing of what it was given exits 1
    (it exited 0: a cron job importing saved files never knew)."""
    from tests.hostile import listing_xlsx

    saved = tmp_path / "saved"
    saved.mkdir()
    sheet = saved / "participatingAgencies.xlsx"
    sheet.write_bytes(listing_xlsx([("TX", "Alpha Police Department", "", "TFM", "01/02/2025")]))
    manifest = saved / "observed.csv"
    manifest.write_text(f"file,observed_at\n{sheet.name},2025-03-01T12:00:00Z\n")
    done = sqlite_cli("import", str(saved), "--manifest", str(manifest))
    assert "observed.csv: not a snapshot (the --manifest)" in done.stderr
    assert "1 files archived" in done.stdout
    manifest.write_text(f"file,observed_at,list\n{sheet.name},2025-03-01T12:00:00Z,moa\n")
    bad = sqlite_cli("import", str(saved), "--manifest", str(manifest), expect=2)
    assert "list 'moa' is not participating or pending" in bad.stderr
    undated = tmp_path / "undated" / "pendingAgencies.xlsx"
    undated.parent.mkdir()
    undated.write_bytes(sheet.read_bytes())
    none = sqlite_cli("import", str(undated.parent), expect=1)
    assert "ice287g: error: nothing imported: the 1 file(s) given were skipped" in none.stderr


def test_an_archive_holding_nothing_beside_a_database_with_a_history_is_refused(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    """A mistyped ``--snapshots`` (or an archive folder moved or lost): ``rebuild``
    replayed nothing and dropped the history, exit 0, and the next ``run`` reported
    everything again; a pass began a second archive (helper 46). Refused, nothing done."""
    from tests.hostile import listing_xlsx

    sheet = tmp_path / "participatingAgencies03012025am.xlsx"
    sheet.write_bytes(listing_xlsx([("TX", "Alpha Police Department", "", "TFM", "01/02/2025")]))
    sqlite_cli("import", str(sheet))
    elsewhere = Cli(sqlite_cli.db, tmp_path / "typo")
    refused = elsewhere("rebuild", expect=2)
    assert "holds no observation, but the database records 1 snapshots" in refused.stderr
    assert not (tmp_path / "typo").exists()
    assert "1 accepted" in sqlite_cli("rebuild").stdout


def test_another_archive_beside_a_database_with_a_history_is_refused(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    """The database built from archive A, then given archive B holding other lists (the
    seed archive, the default, given for A's history): ``rebuild`` dropped A's
    history, exit 0, and an import mixed the two (helper 58). Refused, nothing done."""
    from tests.hostile import listing_xlsx

    sheet = tmp_path / "participatingAgencies03012025am.xlsx"
    sheet.write_bytes(listing_xlsx([("TX", "Alpha Police Department", "", "TFM", "01/02/2025")]))
    sqlite_cli("import", str(sheet))
    other_sheet = tmp_path / "participatingAgencies03022025am.xlsx"
    other_sheet.write_bytes(listing_xlsx([("TX", "Beta Police Department", "", "JEM", "")]))
    Cli(f"sqlite:///{tmp_path / 'other.db'}", tmp_path / "b")("import", str(other_sheet))
    elsewhere = Cli(sqlite_cli.db, tmp_path / "b")
    for command in (("rebuild",), ("import", str(other_sheet))):
        refused = elsewhere(*command, expect=2)
        assert "the database records 1 snapshots the archive" in refused.stderr
    assert "1 accepted" in sqlite_cli("rebuild").stdout


@pytest.mark.parametrize("every", ["nan", "inf", "1e300", "0"])
def test_an_interval_that_is_no_number_of_seconds_is_a_usage_error(
    sqlite_cli: Cli, every: str
) -> None:
    """``schedule --every inf`` ended in an internal error (exit 70, OverflowError), and
    ``nan`` passed every range check to be blamed on the cron line (helper 46)."""
    result = sqlite_cli("schedule", "--every", every, "--max-runs", "1", expect=2)
    assert result.stderr.startswith("ice287g: error: Invalid value for '--every'")


def test_ocr_asked_for_without_tesseract_says_what_asked_for_it(
    sqlite_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``moa parse --ocr`` with no Tesseract blamed ``moa.ocr is 'required'`` and advised
    setting it to ``auto``, though the flag asked (helper 50): the line names both."""
    monkeypatch.setenv("ICE287G_MOA__TESSERACT", str(tmp_path / "no-tesseract"))
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    result = sqlite_cli("moa", "parse", "--ocr", str(pdf), expect=2)
    assert "OCR is required (--ocr, or moa.ocr = 'required')" in result.stderr
    assert "--no-ocr" in result.stderr


def test_a_markdown_change_log_says_its_filters_and_counts_one_as_one() -> None:
    """A log of some events said only its window (``--kind agreement.withdrawn --state
    FL`` read as every change), and counted ``1 agencies left``, ``**1 events**``."""
    from ice287g.render import changes_markdown, counted

    event = {
        "id": "e1",
        "kind": "agency.left",
        "window_end": "2025-03-02T12:00:00Z",
        "window_start": "2025-03-01T12:00:00Z",
        "state": "FL",
        "subject": "fl-alpha",
        "agency": "Alpha Police Department",
        "before": None,
        "after": None,
        "model": None,
    }
    md = changes_markdown([event], "t")
    assert "**1 event** from" in md and "1 agency left" in md and "agencies" not in md
    assert counted(2, "agency.left") == "2 agencies left"
    assert counted(1, "pending.added") == "1 pending application added"


def test_a_filtered_change_log_names_its_filters_in_its_title(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    from tests.hostile import listing_xlsx

    sheet = tmp_path / "participatingAgencies03012025am.xlsx"
    sheet.write_bytes(listing_xlsx([("TX", "Alpha Police Department", "", "TFM", "01/02/2025")]))
    sqlite_cli("import", str(sheet))
    md = sqlite_cli(
        "changes", "--kind", "agreement.withdrawn", "--state", "FL", "--format", "md"
    ).stdout
    assert md.startswith("# 287(g) changes, the beginning to now: agreements withdrawn; FL")


def test_a_base_url_whose_port_is_no_port_is_a_bad_setting(sqlite_cli: Cli) -> None:
    """``--base-url http://127.0.0.1:99999`` said the host was not allowed, exit 1."""
    result = sqlite_cli("run", "--base-url", "http://127.0.0.1:99999", expect=2)
    assert "its port is no port (1 to 65535)" in result.stderr


def test_a_list_s_rows_carry_the_same_fields_in_every_format(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    """``status --list participating`` as CSV and table had no ``addendum_url`` nor
    ``moa_model`` while JSON had them (and the README says the exports carry
    ``moa_model``)."""
    from tests.hostile import listing_xlsx

    sheet = tmp_path / "participatingAgencies03012025am.xlsx"
    sheet.write_bytes(listing_xlsx([("TX", "Alpha Police Department", "", "TFM", "01/02/2025")]))
    sqlite_cli("import", str(sheet))
    status = ("status", "--list", "participating", "--format")
    [row] = json.loads(sqlite_cli(*status, "json").stdout)
    header = sqlite_cli(*status, "csv").stdout.splitlines()[0].split(",")
    assert sorted(header) == sorted(row) and {"addendum_url", "moa_model"} <= set(header)
    table = sqlite_cli(*status, "table").stdout.splitlines()[0].split()
    assert table == [name.upper() for name in header]


def test_a_damaged_manifest_line_beside_a_database_is_skipped_and_named_not_refused(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    """A manifest line a hand's edit broke lacks its snapshot: skipped and named, as the
    README says, not the archive refused as another's (every locked command exited 2
    for good: helper 70)."""
    from tests.hostile import listing_xlsx

    for day, name in (("03012025", "Alpha"), ("03022025", "Beta")):
        sheet = tmp_path / f"participatingAgencies{day}am.xlsx"
        rows = [("TX", f"{name} Police Department", "", "TFM", "01/02/2025")]
        sheet.write_bytes(listing_xlsx(rows))
        sqlite_cli("import", str(sheet))
    manifest = sqlite_cli.snapshots / "manifest.jsonl"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    manifest.write_text(
        "\n".join([lines[0].replace('"sha256":"', '"sha256":"zz'), *lines[1:]]) + "\n"
    )
    rebuilt = sqlite_cli("rebuild")
    assert "line 1 is no observation" in rebuilt.stderr and "1 accepted" in rebuilt.stdout
