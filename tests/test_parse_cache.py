"""The parse cache of list files (``parsed_listings``): a stored parse result reads back
equal to the parser's, and a file seen before is never parsed again, by ``rebuild`` or
by ``import``, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import shutil
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.errors import ParseError
from parsers.records import ListingRow, ParsedListing
from store import parsed as parse_cache
from tests.conftest import ROOT, SHEETS, Cli
from tests.support import workbook_of_both

text = st.text(max_size=20)
maybe = st.none() | text
rows = st.builds(
    ListingRow,
    state=st.sampled_from(["FL", "TX", "??"]),
    agency=text,
    agency_key=text,
    model=st.none() | st.sampled_from(["JEM", "TFM", "WSO"]),
    model_raw=text,
    agency_type=maybe,
    county=maybe,
    signed=st.none() | st.dates(),
    signed_raw=maybe,
    moa_url=maybe,
    moa_text=maybe,
    addendum_url=maybe,
    addendum_text=maybe,
    state_raw=text,
    flags=st.lists(st.sampled_from(["signed_doubtful", "model_unknown"])).map(tuple),
)


@st.composite
def numbered_listings(draw: st.DrawFn) -> ParsedListing:
    """A list, its rows numbered in their sheet (or not: numbers unknown)."""
    listed = tuple(draw(st.lists(rows, max_size=8)))
    numbers = st.lists(st.integers(1, 5000), min_size=len(listed), max_size=len(listed))
    return ParsedListing(
        kind=draw(st.sampled_from(["participating", "pending"])),
        rows=listed,
        columns=tuple(draw(st.lists(text, max_size=4))),
        source_format=draw(st.sampled_from(["xlsx", "html"])),
        warnings=tuple(draw(st.lists(text, max_size=3))),
        row_numbers=tuple(draw(st.just([]) | numbers)),
    )


listings = numbered_listings()


@settings(max_examples=200, deadline=None)
@given(listings, st.none() | listings)
def test_a_cached_parse_result_reads_back_equal(
    listing: ParsedListing, other: ParsedListing | None
) -> None:
    listing = ParsedListing(**{**vars(listing), "other": other})  # a file of both lists
    assert parse_cache.decode(parse_cache.encode(listing)) == listing


def test_one_workbook_of_both_lists_imported_as_each_is_each(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    """ICE serving one workbook of both lists at both links: imported under each list's
    name, each snapshot is the list it is said to be, and both are accepted."""
    participating = SHEETS / "participating" / "participatingAgencies08282025am.xlsx"
    pending = SHEETS / "pending" / "pendingAgencies08282025pm.xlsx"
    if not SHEETS.is_dir():
        pytest.skip("the shared corpus is not beside the project (../shared/corpus)")
    both = tmp_path / "both.xlsx"
    both.write_bytes(workbook_of_both(participating, pending))
    for name, stamp in (("participatingAgencies", "2025-08-29T12:00:00Z"),
                        ("pendingAgencies", "2025-08-29T12:00:01Z")):  # fmt: skip
        shutil.copy(both, tmp_path / f"{name}.xlsx")
        sqlite_cli("import", str(tmp_path / f"{name}.xlsx"), "--observed-at", stamp)
    status = json.loads(sqlite_cli("status", "--format", "json").stdout)
    rejected = sqlite_cli("snapshots", "--rejected").stdout
    assert "pending" not in rejected and status["pending"] > 50


def test_one_workbook_under_a_name_naming_both_lists_is_an_observation_of_each(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    """A file named for both lists (``participatingAndPendingAgencies...``) is imported
    as each list's observation, the pending list a second later, as ``run`` keeps the
    one link naming both: before, its name claimed the pending list alone and the 896
    agreements it held were never read. One file is reported, and importing it again
    records nothing."""
    if not SHEETS.is_dir():
        pytest.skip("the shared corpus is not beside the project (../shared/corpus)")
    participating = SHEETS / "participating" / "participatingAgencies08282025am.xlsx"
    pending = SHEETS / "pending" / "pendingAgencies08282025pm.xlsx"
    both = tmp_path / "participatingAndPendingAgencies09012025am.xlsx"
    both.write_bytes(workbook_of_both(participating, pending))
    first = sqlite_cli("import", str(both))
    assert first.stdout.startswith("1 files archived") and "2 snapshots processed" in first.stdout
    snapshots = json.loads(sqlite_cli("snapshots", "--format", "json").stdout)
    assert sorted((s["kind"], s["observed_at"], s["verdict"]) for s in snapshots) == [
        ("participating", "2025-09-01T12:00:00Z", "accepted"),
        ("pending", "2025-09-01T12:00:01Z", "accepted"),
    ]
    status = json.loads(sqlite_cli("status", "--format", "json").stdout)
    assert status["agreements"] > 800 and status["pending"] > 50
    again = sqlite_cli("import", str(both))
    assert again.stdout.startswith("0 files archived, 1 already known")


def _no_parsing(data: bytes, name: str) -> None:
    raise AssertionError(f"{name} parsed again")


def test_rebuild_from_a_warm_cache_parses_nothing_and_gives_the_same_history(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "snapshots" / "archive", cli.snapshots)
    cli("rebuild")
    before = cli("changes", "--format", "json").stdout
    status = cli("status", "--format", "json").stdout
    monkeypatch.setattr("ice287g.parallel.parse_listing", _no_parsing)
    cli("rebuild")
    assert cli("changes", "--format", "json").stdout == before
    assert cli("status", "--format", "json").stdout == status


def test_importing_files_seen_before_parses_nothing(
    sqlite_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not SHEETS.is_dir():
        pytest.skip("the shared corpus is not beside the project (../shared/corpus)")
    folder = tmp_path / "some"
    folder.mkdir()
    for path in sorted((SHEETS / "participating").glob("*.xlsx"))[:10]:
        shutil.copy(path, folder / path.name)
    sqlite_cli("import", str(folder))
    status = json.loads(sqlite_cli("status", "--format", "json").stdout)
    monkeypatch.setattr("ice287g.parallel.parse_listing", _no_parsing)
    sqlite_cli("rebuild")
    again = sqlite_cli("import", str(folder))
    assert "0 files archived" in again.stdout
    assert json.loads(sqlite_cli("status", "--format", "json").stdout) == status


def test_the_parse_stream_gives_what_parsing_one_by_one_gives_and_names_archive_faults(
    tmp_path: Path,
) -> None:
    from ice287g.parallel import UNREADABLE, ParseStream, parse_file, parse_one
    from store.parsed import decode

    files = sorted((ROOT / "tests" / "cases" / "xlsx").glob("*.xlsx"))
    jobs = [(hashlib.sha256(p.read_bytes()).hexdigest(), str(p), p.name) for p in files]
    jobs = list({sha: (sha, path, name) for sha, path, name in jobs}.values())
    stream = ParseStream(jobs, workers=2, window=3)
    try:
        got = [stream.get(sha) for sha, _, _ in jobs]
    finally:
        stream.close()
    expected = [parse_one(Path(path).read_bytes(), name) for _, path, name in jobs]
    assert [row.sha256 for row in got] == [sha for sha, _, _ in jobs]
    assert [repr(decode(row.data) if row.data else row.error) for row in got] == [
        repr(e if isinstance(e, ParsedListing) else e.reason) for e in expected
    ]
    assert len(jobs) >= 8  # enough for the worker processes to be used
    missing = parse_file(("0" * 64, str(tmp_path / "gone.xlsx"), "gone.xlsx"))
    changed = parse_file(("0" * 64, str(files[0]), files[0].name))
    assert isinstance(missing, ParseError) and missing.reason.startswith(UNREADABLE)
    assert isinstance(changed, ParseError) and "no longer match" in changed.reason


def test_a_stream_fed_as_files_arrive_parses_ahead_and_keeps_only_what_the_diff_plans() -> None:
    """``import`` adds each new list to the stream as it archives it; the diff then
    plans what it will ask for (the files not cached, in its order): parses of other
    files are dropped, and files added to the plan only are parsed too."""
    from ice287g.parallel import ParseStream, parse_one
    from store.parsed import decode

    files = sorted((ROOT / "tests" / "cases" / "xlsx").glob("*.xlsx"))
    jobs = list({j[0]: j for j in ((_sha(p), str(p), p.name) for p in files)}.values())
    early, late = jobs[:6], jobs[6:]
    stream = ParseStream(workers=2, window=4, expected=len(jobs))
    try:
        stream.add(early)
        stream.add(early[:2])  # a file added twice is parsed once
        planned = [*reversed(early[2:]), *late]  # early[:2] turned out cached
        stream.plan(planned)
        assert early[0][0] not in stream and early[2][0] in stream
        got = [stream.get(sha) for sha, _, _ in planned]
    finally:
        stream.close()
    assert [row.sha256 for row in got] == [sha for sha, _, _ in planned]
    for row, (_, path, name) in zip(got, planned, strict=True):
        alone = parse_one(Path(path).read_bytes(), name)
        assert repr(decode(row.data) if row.data else row.error) == repr(
            alone if isinstance(alone, ParsedListing) else alone.reason
        )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@settings(max_examples=100, deadline=None)
@given(listings, listings)
def test_lists_read_through_one_memo_read_back_equal_and_share_equal_rows(
    first: ParsedListing, second: ParsedListing
) -> None:
    memo = parse_cache.RowMemo()
    one = parse_cache.decode(parse_cache.encode(first), memo)
    two = parse_cache.decode(parse_cache.encode(second), memo)
    assert (one, two) == (first, second)
    mine = {id(row) for row in one.rows}
    assert all(id(row) in mine for row in two.rows if row in one.rows)


def test_a_result_cached_again_replaces_the_one_of_another_parser_version(db_url: str) -> None:
    from store.db import open_engine, transaction

    listing = ParsedListing(kind="pending", rows=(), columns=("STATE",))
    engine = open_engine(db_url)
    try:
        with transaction(engine) as session:
            old = parse_cache.cache_row("a" * 64, "old", ParseError("x.xlsx", "no sheet"))
            parse_cache.save_many(session, [old])
            assert parse_cache.fetch(session, ["a" * 64], "old") == {"a" * 64: "no sheet"}
            new = parse_cache.cache_row("a" * 64, "new", listing)
            parse_cache.save_many(session, [new, new])
            assert parse_cache.fetch(session, ["a" * 64], "old") == {}
            stored = parse_cache.fetch(session, ["a" * 64, "b" * 64], "new")
        assert list(stored) == ["a" * 64]
        assert parse_cache.read(stored["a" * 64]) == listing
    finally:
        engine.dispose()


def test_values_holding_line_breaks_keep_each_row_on_its_line_and_read_back_equal() -> None:
    broken = ListingRow(
        "FL", "Lake County\nSheriff's Office\r\u2028", "lake county sheriff office", "TFM"
    )
    broken = replace(broken, model_raw="Task Force\nModel", county="Lake\n\nCounty")
    listing = ParsedListing(kind="participating", rows=(broken, broken), columns=("STATE",))
    assert parse_cache.decode(parse_cache.encode(listing)) == listing


def test_a_result_kept_in_the_older_form_of_one_document_is_parsed_again() -> None:
    listing = ParsedListing(kind="pending", rows=(), columns=("STATE",))
    older = {"kind": "pending", "columns": ["STATE"], "source_format": "xlsx", "rows": []}
    older |= {"warnings": [], "fields": list(parse_cache.ROW_FIELDS), "row_numbers": []}
    assert parse_cache.read(zlib.compress(json.dumps(older).encode())) is None
    assert parse_cache.read(parse_cache.encode(listing)) == listing


def _dying_on(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    """Make the list parser's process die (as when native code aborts) on a file whose
    name holds ``word``; the parse workers are forked, so they inherit it."""
    import os

    from ice287g import parallel

    real = parallel.parse_listing

    def parse(data: bytes, name: str) -> object:
        if word in name:
            os._exit(134)
        return real(data, name)

    monkeypatch.setattr(parallel, "parse_listing", parse)


@pytest.mark.parametrize("others", [1, 9], ids=["a child of its own", "the worker pool"])
def test_a_file_whose_reader_dies_is_rejected_and_the_pass_goes_on(
    sqlite_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, others: int
) -> None:
    """A file that kills its parser (calamine aborting on it) is a rejected snapshot, not
    the end of the pass (nor of every pass after it); the files beside it are read, and
    its result is not kept in the parse cache (the process may have been killed for
    memory: the next replay reads it again)."""
    from ice287g.parallel import CRASHED
    from tests.hostile import agency_sheet

    _dying_on(monkeypatch, "deadly")
    folder = tmp_path / "in"
    folder.mkdir()
    agencies = [f"County {chr(65 + k)} Sheriff" for k in range(others + 1)]
    for n in range(others):
        agency_sheet(folder, f"participatingAgencies{n + 2:02d}152025am.xlsx", agencies[: n + 1])
    agency_sheet(folder, "participatingAgencies11152025am-deadly.xlsx", agencies)
    done = sqlite_cli("import", str(folder))
    assert f"rejected participatingAgencies11152025am-deadly.xlsx: unreadable: {CRASHED}" in (
        done.stderr
    )
    assert f"{others + 1} snapshots processed ({others} accepted, 1 rejected)" in done.stdout
    monkeypatch.undo()  # the file reads now: a rebuild reads it (nothing kept of the death)
    sqlite_cli("rebuild")
    snapshots = json.loads(sqlite_cli("snapshots", "--format", "json").stdout)
    assert [s["verdict"] for s in snapshots] == ["accepted"] * (others + 1)


def test_a_worker_dying_midway_loses_no_other_file_of_the_stream(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pool breaks with every parse in flight: the file that killed it is parsed
    alone (and dies again: a ParseError), the others are parsed again in a new pool, and
    each result is what parsing it alone gives."""
    from ice287g.parallel import CRASHED, ParseStream, parse_one
    from store.parsed import decode

    _dying_on(monkeypatch, "deadly")
    files = sorted((ROOT / "tests" / "cases" / "xlsx").glob("*.xlsx"))
    jobs = list({j[0]: j for j in ((_sha(p), str(p), p.name) for p in files)}.values())[:10]
    sha, path, _ = jobs[4]
    jobs[4] = (sha, path, "deadly.xlsx")
    stream = ParseStream(jobs, workers=2, window=4)
    try:
        got = [stream.get(sha) for sha, _, _ in jobs]
    finally:
        stream.close()
    assert got[4].error == CRASHED
    monkeypatch.undo()  # each other file as parsing it alone here gives
    for index, (row, (_, path, name)) in enumerate(zip(got, jobs, strict=True)):
        alone = parse_one(Path(path).read_bytes(), name)
        if index != 4:
            assert repr(decode(row.data) if row.data else row.error) == repr(
                alone if isinstance(alone, ParsedListing) else alone.reason
            )


def test_a_file_whose_reader_wants_more_memory_than_a_child_may_is_unread_not_the_pass_killed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A reader of a file from the web takes at most ``CHILD_MEMORY`` more than it
    held when forked (a PDF of 350 KB whose page tree repeats a page took 2.9 GB): past
    it, the file is unread, its reason says why and is not kept (the next replay tries
    again), and the process that asked (the pass) never grew. The pass here holds more
    than the limit itself: a limit below what a child holds at its start hung it for
    ever (the full suite's worker held 440 MB)."""
    import threading

    from ice287g import parallel

    limit = 256 << 20

    def greedy(data: bytes, name: str) -> object:
        return bytearray(2 * limit)  # as a reader expanding a bomb would

    monkeypatch.setattr(parallel, "CHILD_MEMORY", limit)
    monkeypatch.setattr(parallel, "parse_listing", greedy)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(b"PK")
    ballast = bytearray(limit + (64 << 20))  # the pass's own memory, inherited
    rows: list[parse_cache.CacheRow] = []
    job = (_sha(path), str(path), path.name)
    reading = threading.Thread(target=lambda: rows.append(parallel.parse_alone(job)))
    reading.start()
    reading.join(120)
    del ballast
    assert not reading.is_alive(), "the child reading the file hung"
    assert rows[0].error == parallel.OUT_OF_MEMORY
    assert parallel.not_kept(rows[0].error)


def test_a_worker_ends_with_the_process_that_started_it_even_when_spawned(
    tmp_path: Path,
) -> None:
    """A process killed while its worker draws (``publish``'s chart worker is spawned,
    not forked) leaves no worker behind: it ended within a second or two (it ran on
    for good, holding cron's output open and 225 MB: helper 46)."""
    import os
    import subprocess
    import sys
    import time

    script = tmp_path / "killed.py"
    script.write_text(
        "import multiprocessing, os, sys, time\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from ice287g.parallel import child_start\n"
        "if __name__ == '__main__':\n"
        "    spawn = multiprocessing.get_context('spawn')\n"
        "    pool = ProcessPoolExecutor(1, mp_context=spawn, initializer=child_start)\n"
        "    print(pool.submit(os.getpid).result(), flush=True)\n"
        "    pool.submit(time.sleep, 60)\n"
        "    time.sleep(0.5)\n"
        "    os._exit(9)  # killed\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    worker = int(done.stdout.split()[0])
    for _ in range(50):
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(worker, 9)
    raise AssertionError("the worker outlived the process that started it")
