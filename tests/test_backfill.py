"""``ice287g backfill wayback`` against a fake CDX + archive server on 127.0.0.1.

The captures are real bytes: corpus spreadsheets and the May 2024 legacy page built
by tests/cases/html/make_pages.py; plus the trouble the issue names (a 429 with
Retry-After, a digest mismatch, a revisit record, error pages, a 404). The backfill
must fetch each distinct capture once, reject the bad ones with a reason, build the
same history when interrupted and resumed, and record nothing new when run twice.
"""

from __future__ import annotations

import json
import socket
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import given
from hypothesis import strategies as st

from ice287g.app import App
from ice287g.backfill import Listed, Request, WaybackBackfill, state_path, thin_pages
from ice287g.captures import (
    Held,
    StateFile,
    capture_name,
    cdx_queries,
    is_spreadsheet_url,
    is_transient,
)
from ice287g.config import load_config
from ice287g.lock import RunLock
from scraper.policy import Expect
from scraper.wayback import PAGE_URLS, SHEET_PREFIX, Capture, wayback_digest
from snapshots.archive import Archive, Observation
from tests.conftest import Cli
from tests.fake_wayback import HTML_MIME, NOT_FOUND_PAGE, Entry, FakeWayback, bare, surt
from tests.support import workbook_of_both

HERE = Path(__file__).resolve().parent
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SHEETS = CORPUS / "ice-sheets"
CASES = HERE / "cases" / "html"
PAGE = "https://www.ice.gov/identify-and-arrest/287g"
OLD_PAGE = "http://www.ice.gov/287g"
SHEET_DIR = "https://www.ice.gov/doclib/about/offices/ero/287g/"
PART = SHEET_DIR + "participatingAgencies.xlsx"
PEND = SHEET_DIR + "pendingAgencies.xlsx"
LATER_SHEET = "participating/participatingAgencies-20250410231052.xlsx"
ENV = {
    "ICE287G_WAYBACK__CDX_PER_MINUTE": "6000",
    "ICE287G_FETCH__PER_HOST_INTERVAL": "0",
    "ICE287G_FETCH__MAX_RETRIES": "1",
    "ICE287G_FETCH__BACKOFF_BASE": "0.01",
    "ICE287G_FETCH__CONNECT_TIMEOUT": "2",
}


@pytest.fixture(autouse=True)
def fast_politeness(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)


def _need(*paths: Path) -> None:
    missing = [p for p in paths if not p.exists()]
    if missing:
        pytest.skip(f"test data not found: {missing[0]} (../shared/corpus or tests/cases/html)")


def sheet(name: str) -> bytes:
    return (SHEETS / name).read_bytes()


def part(stamp: str) -> bytes:
    return sheet(f"participating/participatingAgencies-{stamp}.xlsx")


def entries() -> list[Entry]:
    """The archive the fake serves: pages of 2024-2025 and sheets of 2025, good and bad."""
    _need(SHEETS, CASES / "may2024_plain.html", CASES / "landing_2025.html")
    plain = (CASES / "may2024_plain.html").read_bytes()
    later = part("20250306174937")
    return [
        Entry(PAGE, "20240515101010", plain, HTML_MIME),
        Entry(OLD_PAGE, "20240520080000", plain, HTML_MIME),  # same bytes: not re-downloaded
        Entry(PAGE, "20240601000000", (CASES / "may2024_rowspan.html").read_bytes(), HTML_MIME),
        Entry(PAGE, "20240610000000", b"", revisit=True),
        Entry(OLD_PAGE, "20240701000000", NOT_FOUND_PAGE, HTML_MIME),  # an error page
        Entry(PAGE, "20250301000000", (CASES / "landing_2025.html").read_bytes(), HTML_MIME),
        Entry(SHEET_DIR + "287gFactSheet.pdf", "20250101000000", b"%PDF-1.4 fact sheet"),
        Entry(
            PART, "20250221214937", sheet("participating/participatingAgencies-20250221214937.xlsx")
        ),
        Entry(PEND, "20250221214937", sheet("pending/pendingAgencies-20250221214937.xlsx")),
        Entry(
            PART, "20250226183301", sheet("participating/participatingAgencies-20250226183301.xlsx")
        ),
        Entry(
            PART, "20250301180751", sheet("participating/participatingAgencies-20250301180751.xlsx")
        ),
        Entry(
            PART, "20250301234621", sheet("participating/participatingAgencies-20250301234621.xlsx")
        ),
        Entry(PART, "20250306174937", later),
        Entry(PART, "20250310000000", later, cdx_digest=wayback_digest(b"other bytes")),
        Entry(PART, "20250311000000", NOT_FOUND_PAGE, HTML_MIME),  # an error page, not a sheet
        Entry(PEND, "20250312000000", b"PK\x03\x04 lost", served=False),  # the archive 404s
        Entry(PART, "20250313000000", later[:5000]),  # a truncated sheet: the gate rejects it
        Entry(PEND, "20250313172004", sheet("pending/pendingAgencies-20250313172004.xlsx")),
    ]


FAILED = {
    f"20240701000000 {OLD_PAGE}": "an error or block page ('Page Not Found | ICE')",
    f"20250310000000 {PART}": "digest mismatch",
    f"20250311000000 {PART}": "got HTML",
    f"20250312000000 {PEND}": "HTTP 404",
}
REUSED = {f"/web/20240520080000id_/{OLD_PAGE}", f"/web/20250301234621id_/{PART}"}


class BackfillCli(Cli):
    """The CLI on one database, archive and lock file (in a config file)."""

    def __init__(self, tmp: Path) -> None:
        super().__init__(f"sqlite:///{tmp / 'backfill.db'}", tmp / "archive")
        self.config = tmp / "config.toml"
        lock = (tmp / "run.lock").as_posix()
        self.config.write_text(f'[archive]\nlock_file = "{lock}"\n', encoding="utf-8")

    def __call__(self, *args: str, expect: int | None = 0) -> Result:
        return super().__call__("--config", str(self.config), *args, expect=expect)


def make_cli(tmp: Path) -> BackfillCli:
    return BackfillCli(tmp)


def backfill(cli: BackfillCli, fake: FakeWayback, *args: str, expect: int | None = 0) -> Result:
    return cli(
        "backfill",
        "wayback",
        "--cdx-url",
        fake.cdx_url,
        "--archive-url",
        fake.archive_url,
        *args,
        expect=expect,
    )


@dataclass(frozen=True)
class History:
    """What a user can read back: the change log, the snapshots, the lists now."""

    changes: Any
    snapshots: Any
    status: Any

    @classmethod
    def read(cls, cli: Cli) -> History:
        return cls(
            json.loads(cli("changes", "--format", "json").stdout),
            json.loads(cli("snapshots", "--format", "json").stdout),
            json.loads(cli("status", "--format", "json").stdout),
        )


@dataclass(frozen=True)
class Baseline:
    """One uninterrupted backfill, then the same backfill again, then a later import."""

    first: Result
    second: Result
    history: History
    with_import: History
    served: dict[str, int]
    fake_queries: int
    manifest_after_first: bytes
    manifest_after_second: bytes
    state: dict[str, Any]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Baseline]:
    tmp = tmp_path_factory.mktemp("baseline")
    with pytest.MonkeyPatch.context() as mp:
        for key, value in ENV.items():
            mp.setenv(key, value)
        with FakeWayback(entries()).running() as fake:
            cli = make_cli(tmp)
            first = backfill(cli, fake)
            manifest = (tmp / "archive" / "manifest.jsonl").read_bytes()
            second = backfill(cli, fake)
            manifest_again = (tmp / "archive" / "manifest.jsonl").read_bytes()
            history = History.read(cli)
            state = json.loads(state_path_of(tmp).read_text())
            cli("import", str(SHEETS / LATER_SHEET))
            yield Baseline(
                first,
                second,
                history,
                History.read(cli),
                dict(fake.served),
                len(fake.cdx_queries),
                manifest,
                manifest_again,
                state,
            )


# --------------------------------------------------------------------------- one run


def test_first_run_fetches_each_capture_once_and_reports_failures(baseline: Baseline) -> None:
    out = baseline.first.stdout
    assert out.startswith("wayback: 16 captures found, 10 fetched, 2 matched bytes already held")
    assert "0 already held, 4 failed, 1 ignored (not spreadsheets)" in out
    assert "12 snapshots processed" in out
    served = baseline.served
    assert served and max(served.values()) == 1, served
    assert not REUSED & set(served), "bytes already held were downloaded again"
    assert f"/web/20250312000000id_/{PEND}" not in served
    assert not any("287gFactSheet" in path or "20240610000000" in path for path in served)
    failed = [line for line in baseline.first.stderr.splitlines() if line.startswith("failed ")]
    assert len(failed) == len(FAILED)
    for ident, reason in FAILED.items():
        assert any(line.startswith(f"failed {ident}: ") and reason in line for line in failed), (
            ident,
            failed,
        )


def test_bad_bytes_that_arrive_are_archived_and_rejected(baseline: Baseline) -> None:
    rejected = [s for s in baseline.history.snapshots if s["verdict"] == "rejected"]
    truncated = [s for s in rejected if s["name"] == "participatingAgencies-20250313000000.xlsx"]
    assert truncated and "unreadable" in truncated[0]["reason"]
    assert "rejected participatingAgencies-20250313000000.xlsx: unreadable" in baseline.first.stderr


def test_snapshots_are_wayback_observations_at_capture_time(baseline: Baseline) -> None:
    snaps = {s["name"]: s for s in baseline.history.snapshots}
    assert set(s["source"] for s in snaps.values()) == {"wayback"}
    page = snaps["287g-20240515101010.html"]
    assert page["observed_at"] == "2024-05-15T10:10:10Z"
    assert (page["kind"], page["verdict"], page["rows"]) == ("participating", "accepted", 135)
    assert snaps["287g-20250301000000.html"]["kind"] == "page"
    assert snaps["pendingAgencies-20250221214937.xlsx"]["kind"] == "pending"
    lines = baseline.manifest_after_first.decode().splitlines()
    obs = [json.loads(line) for line in lines]
    first = next(
        o for o in obs if o["original_name"] == "participatingAgencies-20250221214937.xlsx"
    )
    assert first["url"] == PART and first["kind_claimed"] == "participating"
    assert first["http"]["capture"]["timestamp"] == "20250221214937"
    assert first["http"]["raw_url"].endswith(f"/web/20250221214937id_/{PART}")


def test_history_spans_the_html_era_and_the_sheets(baseline: Baseline) -> None:
    added = [e for e in baseline.history.changes if e["kind"] == "agreement.added"]
    assert sum(e["window_end"] == "2024-05-15T10:10:10Z" for e in added) == 135
    assert all(e["window_end"] != "2024-05-20T08:00:00Z" for e in baseline.history.changes)
    etowah = [
        e for e in baseline.history.changes if e["agency"] == "Etowah County Sheriff's Office"
    ]
    assert [e["kind"] for e in etowah if e["kind"].startswith("agreement.")].count(
        "agreement.added"
    ) == 1
    assert not [e for e in etowah if e["kind"] == "agreement.withdrawn"]


def test_second_run_records_nothing_new(baseline: Baseline) -> None:
    out = baseline.second.stdout
    assert "0 fetched, 0 matched bytes already held, 12 already held, 4 failed" in out
    assert "0 snapshots processed" in out and "0 new events" in out
    assert baseline.manifest_after_second == baseline.manifest_after_first
    assert baseline.served == {k: 1 for k in baseline.served}
    assert baseline.second.stderr.count("(as in an earlier run; not retried)") == 4


def test_state_file_keeps_failures_and_drops_the_finished_listing(baseline: Baseline) -> None:
    assert baseline.state["run"] is None
    failures = baseline.state["failures"]
    assert set(failures) == set(FAILED)
    assert all(f["permanent"] for f in failures.values())


# --------------------------------------------------------------------------- interrupted


def assert_same_history(cli: Cli, baseline: Baseline) -> None:
    history = History.read(cli)
    assert history.changes == baseline.history.changes
    assert history.snapshots == baseline.history.snapshots
    assert history.status == baseline.history.status


def test_archive_going_down_stops_and_a_rerun_continues(tmp_path: Path, baseline: Baseline) -> None:
    with FakeWayback(entries(), throttle_first=False).running() as fake:
        fake.archive_fail_after = 4
        cli = make_cli(tmp_path)
        stopped = backfill(cli, fake, expect=1)
        assert "captures in a row could not be fetched" in stopped.stderr
        assert "HTTP 503" in stopped.stderr and "run again to continue" in stopped.stderr
        queries = len(fake.cdx_queries)
        state = json.loads(state_path_of(tmp_path).read_text())
        assert state["run"] is not None  # the listing is kept for the rerun
        fake.heal()
        resumed = backfill(cli, fake)
        assert len(fake.cdx_queries) == queries, "a finished listing was not reused"
        assert "0 already held" not in resumed.stdout
        assert max(fake.served.values()) == 1
        assert set(fake.served) == set(baseline.served)
        assert_same_history(cli, baseline)
        again = backfill(cli, fake)
        assert " 0 fetched" in again.stdout and "0 new events" in again.stdout
        assert len(fake.cdx_queries) > queries  # a new run lists afresh


@pytest.mark.parametrize("answered", [2, 6])
def test_cdx_going_down_mid_listing_resumes_from_its_key(
    tmp_path: Path, baseline: Baseline, answered: int
) -> None:
    with FakeWayback(entries(), throttle_first=False).running() as fake:
        fake.cdx_fail_after = answered
        cli = make_cli(tmp_path)
        stopped = backfill(cli, fake, expect=1)
        assert stopped.stderr.startswith("ice287g: error: ") and "HTTP 503" in stopped.stderr
        assert len(stopped.stderr.strip().splitlines()) == 1
        assert not fake.served
        before = len(fake.cdx_queries)
        fake.heal()
        backfill(cli, fake)
        assert "resumeKey" in fake.cdx_queries[before], "the listing started over"
        assert max(fake.served.values()) == 1
        assert_same_history(cli, baseline)


class Stop(Exception):
    """Stands for the process being killed."""


@pytest.mark.parametrize("after", [1, 9])
def test_stopped_anywhere_while_fetching_then_resumed(
    tmp_path: Path, baseline: Baseline, after: int
) -> None:
    with FakeWayback(entries(), throttle_first=False).running() as fake:
        cli = make_cli(tmp_path)
        overrides = {"db": cli.db, "snapshots": str(cli.snapshots)}
        app = App(load_config(str(cli.config), overrides))
        client = app.wayback(fake.cdx_url, fake.archive_url)
        job = WaybackBackfill(client, app.archive, StateFile(state_path(app.archive)))

        def progress(done: int, total: int, name: str) -> None:
            if done == after:
                raise Stop(name)

        request = Request(cdx_url=fake.cdx_url, archive_url=fake.archive_url)
        with pytest.raises(Stop):
            job.download_captures(job.list_captures(request), progress)
        app.close()
        backfill(cli, fake)
        assert max(fake.served.values()) == 1
        assert_same_history(cli, baseline)


def test_merges_with_imported_snapshots_in_observed_order(
    tmp_path: Path, baseline: Baseline
) -> None:
    with FakeWayback(entries(), throttle_first=False).running() as fake:
        cli = make_cli(tmp_path)
        cli("import", str(SHEETS / LATER_SHEET))
        result = backfill(cli, fake)
        assert "(history replayed: an observation older than the history arrived)" in result.stdout
        merged = History.read(cli)
        assert merged.changes == baseline.with_import.changes
        assert merged.status == baseline.with_import.status


def test_date_window_is_sent_to_the_cdx(tmp_path: Path) -> None:
    with FakeWayback(entries(), throttle_first=False).running() as fake:
        cli = make_cli(tmp_path)
        result = backfill(cli, fake, "--from", "2025-02-01", "--to", "2025-02-28")
        assert all(q["from"] == ["20250201"] and q["to"] == ["20250228"] for q in fake.cdx_queries)
        assert "wayback: 3 captures found, 3 fetched" in result.stdout
        assert set(fake.served) == {
            f"/web/20250221214937id_/{PART}",
            f"/web/20250221214937id_/{PEND}",
            f"/web/20250226183301id_/{PART}",
        }


def test_bytes_imported_before_are_not_downloaded_again(tmp_path: Path) -> None:
    with FakeWayback(entries(), throttle_first=False).running() as fake:
        cli = make_cli(tmp_path)
        cli("import", str(SHEETS / "participating/participatingAgencies-20250221214937.xlsx"))
        result = backfill(cli, fake, "--from", "2025-02-01", "--to", "2025-02-28")
        assert "3 captures found, 2 fetched, 1 matched bytes already held" in result.stdout
        assert f"/web/20250221214937id_/{PART}" not in fake.served
        sources = Counter(s["source"] for s in History.read(cli).snapshots)
        assert sources == {"import": 1, "wayback": 3}


def test_every_capture_of_the_same_bytes_is_a_sighting_as_an_import_of_them_would_be(
    tmp_path: Path,
) -> None:
    """The same sheet captured on three days is three sightings (the gate counts them: a
    loss that persists, a reversal that stays), downloaded once; a CDX listing collapsed
    by digest kept one, and the backfill recorded another history than an import of the
    same captures."""
    first, later = part("20250221214937"), part("20250226183301")
    stamps = ("20250221214937", "20250222120000", "20250223120000", "20250226183301")
    captures = [Entry(PART, t, first if t < "20250226" else later) for t in stamps]
    with FakeWayback(captures, throttle_first=False).running() as fake:
        cli = make_cli(tmp_path)
        out = backfill(cli, fake).stdout
        assert all("collapse" not in q for q in fake.cdx_queries)
        assert "4 captures found, 2 fetched, 2 matched bytes already held" in out, out
    history = History.read(cli)
    assert Counter(s["source"] for s in history.snapshots) == {"wayback": 4}


def test_wayback_observations_without_capture_details_count_as_held(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    sha, _ = archive.put(b"PK\x03\x04 x", ".xlsx")
    obs = Observation(sha, "2025-02-21T21:49:37Z", "wayback", url=PART)
    archive.record(obs)
    held = Held.load(archive)
    assert f"20250221214937 {PART}" in held.captures
    assert held.bytes_for(wayback_digest(b"PK\x03\x04 x")) == b"PK\x03\x04 x"
    assert held.bytes_for(wayback_digest(b"other")) is None


def test_a_second_pass_at_the_same_time_is_refused(tmp_path: Path) -> None:
    cli = make_cli(tmp_path)
    with RunLock(tmp_path / "run.lock"):
        result = cli("backfill", "wayback", "--cdx-url", "http://127.0.0.1:9/cdx", expect=75)
    assert result.stderr.startswith("ice287g: error: another ice287g pass is running")


def _nowhere() -> tuple[str, ...]:
    """``backfill wayback``'s URLs at a port of 127.0.0.1 nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return (
        "--cdx-url",
        f"http://127.0.0.1:{port}/cdx",
        "--archive-url",
        f"http://127.0.0.1:{port}/web",
    )


def test_cdx_unreachable_is_an_error(tmp_path: Path) -> None:
    cli = make_cli(tmp_path)
    result = cli("backfill", "wayback", *_nowhere(), expect=1)
    assert result.stderr.startswith("ice287g: error: http://127.0.0.1:")
    assert "connection failed" in result.stderr and "gave up after 2 attempts" in result.stderr


def test_the_cdx_is_retried_as_fetch_max_retries_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``fetch.max_retries`` holds for the CDX queries too (they were retried four times
    whatever it said: helper 50)."""
    monkeypatch.setenv("ICE287G_FETCH__MAX_RETRIES", "0")
    cli = make_cli(tmp_path)
    result = cli("backfill", "wayback", *_nowhere(), expect=1)
    assert "gave up after 1 attempt" in result.stderr


def test_bad_dates_are_one_line(tmp_path: Path) -> None:
    cli = make_cli(tmp_path)
    result = cli("backfill", "wayback", "--from", "2025-02-30", expect=2)
    assert (
        result.stderr.strip() == "ice287g: error: '2025-02-30' is not a date (expected YYYY-MM-DD)"
    )
    result = cli("backfill", "wayback", "--from", "2025-03-01", "--to", "2025-02-01", expect=2)
    assert "--from 2025-03-01 is after --to 2025-02-01" in result.stderr
    result = cli("backfill", "wayback", "--cdx-url", "/cdx", expect=2)
    assert result.stderr.strip() == (
        "ice287g: error: --cdx-url must be an http:// or https:// URL, got '/cdx'"
    )


# --------------------------------------------------------------------------- units


def state_path_of(tmp: Path) -> Path:
    return tmp / "archive" / "backfill" / "wayback-state.json"


def test_cdx_queries_cover_every_page_url_and_the_sheet_prefix() -> None:
    found = cdx_queries()
    assert [t.pattern for t in found] == [*PAGE_URLS, SHEET_PREFIX]
    assert {t.match_type for t in found[:-1]} == {"exact"} and found[-1].match_type == "prefix"
    assert {t.expect for t in found[:-1]} == {"page"} and found[-1].expect == "sheet"


@pytest.mark.parametrize(
    ("original", "expect", "name"),
    [
        (PART, "sheet", "participatingAgencies-20250221214937.xlsx"),
        (PAGE, "page", "287g-20250221214937.html"),
        ("https://www.ice.gov/287g/", "page", "287g-20250221214937.html"),
        ("https://www.ice.gov/news/library/factsheets/287g.htm", "page", "287g-20250221214937.htm"),
        (
            SHEET_DIR + "participating%20Agencies.xlsx",
            "sheet",
            "participating Agencies-20250221214937.xlsx",
        ),
        ("https://www.ice.gov/", "page", "www.ice.gov-20250221214937.html"),
    ],
)
def test_capture_names(original: str, expect: Any, name: str) -> None:
    assert capture_name(original, "20250221214937", expect) == name


def test_small_predicates() -> None:
    assert is_spreadsheet_url(PART) and is_spreadsheet_url(SHEET_DIR + "x.XLSX?download=1")
    assert not is_spreadsheet_url(SHEET_DIR + "287gFactSheet.pdf")
    assert is_spreadsheet_url(SHEET_DIR + "participatingAgencies05182026am.csv")
    assert not is_spreadsheet_url(SHEET_DIR + "statistics.csv")  # a CSV that claims no list
    assert is_transient("HTTP 503 (gave up after 2 attempts)")
    # rate-limited past the wait allowed: a later run asks again (it was never retried)
    assert is_transient("HTTP 429: Retry-After of 3600 s exceeds the cap of 600 s")
    assert is_transient("HTTP 503 (download slower than 300 s)")
    assert not is_transient("digest mismatch: CDX says A, body is B")
    assert not is_transient("HTTP 404")
    assert surt(PAGE) == "gov,ice)/identify-and-arrest/287g"


def test_state_file_survives_garbage_and_resets_on_new_params(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json")
    state = StateFile(path)
    run = state.begin({"from": None, "to": None, "cdx_url": "a"})
    state.query(run, cdx_queries()[0])["resume_key"] = "k"
    state.save()
    again = StateFile(path)
    assert (
        again.query(again.begin({"from": None, "to": None, "cdx_url": "a"}), cdx_queries()[0])[
            "resume_key"
        ]
        == "k"
    )
    fresh = again.begin({"from": "2025-01-01", "to": None, "cdx_url": "a"})
    assert fresh["queries"] == {}
    assert not list(tmp_path.glob(".tmp-*"))


# --------------------------------------------------------------------------- thinning


def _listed(stamp: str, expect: Expect, original: str = PAGE) -> Listed:
    return Listed(Capture("k", stamp, original, "text/html", "200", stamp, 1), expect)


@given(
    st.lists(
        st.tuples(st.integers(1, 4), st.integers(0, 235959), st.sampled_from(["page", "sheet"])),
        max_size=40,
        unique_by=lambda t: (t[0], t[1]),
    ),
    st.integers(0, 3),
)
def test_thinning_keeps_a_few_page_captures_a_day_the_last_included_and_every_sheet(
    captures: list[tuple[int, int, Expect]], per_day: int
) -> None:
    items = sorted(
        (_listed(f"2025010{day}{time:06d}", expect) for day, time, expect in captures),
        key=lambda i: i.capture.timestamp,
    )
    kept = thin_pages(items, per_day)
    assert [i for i in items if i in kept] == kept  # order kept, nothing invented
    assert [i for i in items if i.expect == "sheet"] == [i for i in kept if i.expect == "sheet"]
    pages = Counter(i.capture.timestamp[:8] for i in items if i.expect == "page")
    kept_pages = Counter(i.capture.timestamp[:8] for i in kept if i.expect == "page")
    for day, count in pages.items():
        assert kept_pages[day] == (count if per_day == 0 else min(count, per_day))
        last = [i for i in items if i.expect == "page" and i.capture.timestamp[:8] == day][-1]
        assert last in kept


def test_a_day_of_page_captures_downloads_one_unless_configured(tmp_path: Path) -> None:
    _need(CASES / "landing_2025.html")
    landing = (CASES / "landing_2025.html").read_bytes()
    day = [
        Entry(PAGE, f"20250301{hour:02d}0000", landing + f"<!-- {hour} -->".encode(), HTML_MIME)
        for hour in (1, 9, 17, 23)
    ]
    for name in ("one", "all"):
        (tmp_path / name).mkdir()
    with FakeWayback(day, throttle_first=False).running() as fake:
        out = backfill(make_cli(tmp_path / "one"), fake).stdout
        assert "4 captures found, 1 fetched" in out
        assert "3 page captures skipped (wayback.page_captures_per_day)" in out
        assert set(fake.served) == {f"/web/20250301230000id_/{PAGE}"}
    with FakeWayback(day, throttle_first=False).running() as fake:
        cli = make_cli(tmp_path / "all")
        cli.config.write_text(
            cli.config.read_text() + "[wayback]\npage_captures_per_day = 0\n", encoding="utf-8"
        )
        assert "4 captures found, 4 fetched" in backfill(cli, fake).stdout


def test_a_day_whose_last_page_capture_is_an_error_page_is_read_from_an_earlier_one(
    tmp_path: Path,
) -> None:
    """The thinning keeps the day's last page capture; when that capture is an error or
    block page, the latest usable capture of the day stands for it (the day was lost,
    for good: the failure is not retried), in this run and in the next."""
    _need(CASES / "may2024_plain.html")
    plain = (CASES / "may2024_plain.html").read_bytes()
    day = [
        Entry(PAGE, "20240515060000", plain + b"<!-- early -->", HTML_MIME),
        Entry(PAGE, "20240515080000", plain + b"<!-- a -->", HTML_MIME),
        Entry(PAGE, "20240515230000", NOT_FOUND_PAGE, HTML_MIME),  # the day's last
    ]
    with FakeWayback(day, throttle_first=False).running() as fake:
        cli = make_cli(tmp_path)
        out = backfill(cli, fake).stdout
        assert "3 captures found, 1 fetched" in out and "1 failed" in out, out
        assert f"/web/20240515080000id_/{PAGE}" in fake.served
        assert f"/web/20240515060000id_/{PAGE}" not in fake.served
        again = backfill(cli, fake).stdout
        assert "0 fetched" in again and "1 already held" in again, again
    [snap] = History.read(cli).snapshots
    assert (snap["observed_at"], snap["verdict"]) == ("2024-05-15T08:00:00Z", "accepted")


def _backfill_following(
    tmp_path: Path, captures: list[Entry], followed: list[str]
) -> tuple[Cli, list[str]]:
    """A backfill of ``captures`` that must query each URL of ``followed`` exactly and
    fetch three captures; the CLI and the archived observations' claimed kinds."""
    with FakeWayback(captures, throttle_first=False).running() as fake:
        cli = make_cli(tmp_path)
        out = backfill(cli, fake).stdout
        queries = {q["url"][0] for q in fake.cdx_queries}
        assert {bare(url) for url in followed} <= queries, queries
        assert "3 fetched" in out, out
    kinds = sorted(o.kind_claimed or "" for o in Archive(tmp_path / "archive").observations())
    return cli, kinds


def test_sheets_the_page_links_outside_the_sheet_folder_are_listed_and_brought_in(
    tmp_path: Path,
) -> None:
    """A page capture whose list links lead elsewhere than the sheet folder (the lists
    moved): each such link's captures are listed exactly and brought in, so the
    history goes on; a link inside the folder is left to the prefix listing."""
    moved_part = "https://www.ice.gov/sites/default/files/2025-03/participatingAgencies.xlsx"
    moved_pend = "https://www.ice.gov/media/77/download"
    page = (
        '<html><head><title>287(g)</title></head><body><main><a href="'
        + moved_part
        + '">Participating Agencies</a><a href="/media/77/download">Pending Agencies '
        "(XLSX)</a></main></body></html>"
    ).encode()
    sheets = [
        Entry(PAGE, "20250301000000", page, HTML_MIME),
        Entry(moved_part, "20250302000000", sheet(LATER_SHEET)),
        Entry(moved_pend, "20250302000000", sheet("pending/pendingAgencies-20250221214937.xlsx")),
    ]
    _, kinds = _backfill_following(tmp_path, sheets, [moved_part, moved_pend])
    assert kinds == ["", "page", "participating"]  # the pending file's name claims none


def test_lists_moved_to_a_page_of_their_own_are_followed_as_run_follows_them(
    tmp_path: Path,
) -> None:
    """A page capture that links no list but a page named for the lists (as ``run``
    follows it): that page's captures are listed exactly and brought in, then the lists
    it links outside the sheet folder; a page's captures are thinned like the page's."""
    lists_page = "https://www.ice.gov/identify-and-arrest/287g/participating-agencies"
    moved_part = "https://www.ice.gov/media/78/download"
    page = (
        '<html><head><title>287(g)</title></head><body><main><p>See the <a href="'
        + lists_page
        + '">participating agencies</a>.</p></main></body></html>'
    ).encode()
    sub = (
        '<html><head><title>Participating agencies</title></head><body><main><a href="'
        + moved_part
        + '">Participating Agencies (XLSX)</a></main></body></html>'
    ).encode()
    captures = [
        Entry(PAGE, "20250301000000", page, HTML_MIME),
        Entry(lists_page, "20250301060000", sub, HTML_MIME),
        Entry(lists_page, "20250301070000", sub + b"<!-- again -->", HTML_MIME),
        Entry(moved_part, "20250411000000", sheet(LATER_SHEET)),
    ]
    cli, kinds = _backfill_following(tmp_path, captures, [lists_page, moved_part])
    assert kinds == ["", "page", "page"]  # the sheet's name claims no list: its contents do
    snapshots = json.loads(cli("snapshots", "--format", "json").stdout)
    assert [(s["kind"], s["verdict"]) for s in snapshots] == [
        ("page", "stored"),
        ("page", "stored"),
        ("participating", "accepted"),
    ]


def _page_linking(*links: tuple[str, str]) -> bytes:
    anchors = "".join(f'<li><a href="{url}">{text}</a></li>' for url, text in links)
    body = f"<main><ul>{anchors}</ul></main>"
    return f"<html><head><title>287(g)</title></head><body>{body}</body></html>".encode()


def test_a_list_published_in_parts_is_not_read_part_by_part(tmp_path: Path) -> None:
    """While the page of their time links a list in parts (one file a model), the
    parts' captures are not read, each as the whole list (which would withdraw the
    other parts' agreements), as ``run`` reads none; once the page links one file
    again, its captures are read."""
    parts = {m: f"{SHEET_DIR}participatingAgencies{m}.xlsx" for m in ("JEM", "TFM", "WSO")}
    split = _page_linking(
        *((url, f"Participating Agencies - {m}") for m, url in parts.items()),
        (PEND, "Pending Agencies"),
    )
    whole = _page_linking((parts["TFM"], "Participating Agencies"), (PEND, "Pending Agencies"))
    captures = [
        Entry(PAGE, "20250401000000", split, HTML_MIME),
        *(Entry(url, "20250411000000", sheet(LATER_SHEET)) for url in parts.values()),
        Entry(PAGE, "20250420000000", whole, HTML_MIME),
        Entry(parts["TFM"], "20250421000000", part("20250408221933")),
    ]
    with FakeWayback(captures, throttle_first=False).running() as fake:
        cli = make_cli(tmp_path)
        out = backfill(cli, fake).stdout
        assert "3 captures of a list published in parts skipped" in out, out
        assert "3 fetched" in out, out
    names = sorted(o.original_name or "" for o in Archive(tmp_path / "archive").observations())
    assert names == [
        "287g-20250401000000.html",
        "287g-20250420000000.html",
        "participatingAgenciesTFM-20250421000000.xlsx",
    ]


def test_a_capture_of_a_file_named_for_both_lists_is_recorded_as_each(tmp_path: Path) -> None:
    """A sheet capture whose name names both lists is each list's observation (the
    pending list a second later), as an import of it and ``run``'s link naming both."""
    _need(SHEETS)
    both = workbook_of_both(
        SHEETS / "participating/participatingAgencies-20250221214937.xlsx",
        SHEETS / "pending/pendingAgencies-20250221214937.xlsx",
    )
    named = SHEET_DIR + "participatingAndPendingAgencies.xlsx"
    with FakeWayback(
        [Entry(named, "20250302000000", both)], throttle_first=False
    ).running() as fake:
        cli = make_cli(tmp_path)
        backfill(cli, fake)
    observed = sorted(
        (o.kind_claimed, o.observed_at) for o in Archive(tmp_path / "archive").observations()
    )
    assert observed == [
        ("participating", "2025-03-02T00:00:00Z"),
        ("pending", "2025-03-02T00:00:01Z"),
    ]
    snapshots = json.loads(cli("snapshots", "--format", "json").stdout)
    assert sorted((s["kind"], s["verdict"]) for s in snapshots) == [
        ("participating", "accepted"),
        ("pending", "accepted"),
    ]


def test_an_unchanged_copy_of_a_file_the_page_stopped_linking_is_not_read_as_the_list(
    tmp_path: Path,
) -> None:
    """Once the page links the list elsewhere, a later capture of its former URL with
    bytes captured before shows the list as it stood then, not at its capture time: it
    is skipped and counted. New bytes at that URL (its file still written), and a file
    no page capture ever linked, are read."""
    moved = "https://www.ice.gov/sites/default/files/2025-04/participatingAgencies.xlsx"
    never = SHEET_DIR + "participatingAgencies04172025am.xlsx"
    before, after, newer = part("20250226183301"), part("20250301180751"), part("20250306174937")
    captures = [
        Entry(PAGE, "20250401000000", _page_linking((PART, "Participating Agencies")), HTML_MIME),
        Entry(PART, "20250402000000", before),
        Entry(PAGE, "20250410000000", _page_linking((moved, "Participating Agencies")), HTML_MIME),
        Entry(moved, "20250411000000", after),
        Entry(PART, "20250415000000", before),  # the old file, unchanged: skipped
        Entry(PART, "20250416000000", newer),  # written again: read
        Entry(never, "20250417000000", before),  # never linked: read (bytes held)
    ]
    with FakeWayback(captures, throttle_first=False).running() as fake:
        out = backfill(make_cli(tmp_path), fake).stdout
        assert "5 fetched, 1 matched bytes already held" in out, out
        assert "1 unchanged captures of a file the page no longer linked skipped" in out, out
        assert f"/web/20250415000000id_/{PART}" not in fake.served
    names = sorted(o.original_name or "" for o in Archive(tmp_path / "archive").observations())
    assert "participatingAgencies-20250415000000.xlsx" not in names
    assert "participatingAgencies-20250416000000.xlsx" in names
    assert "participatingAgencies04172025am-20250417000000.xlsx" in names


def test_a_day_whose_chosen_page_capture_shows_no_list_is_read_from_an_earlier_one(
    tmp_path: Path,
) -> None:
    """A page capture that holds neither list links nor a list table shows no list (in
    any era): the day's earlier capture stands for it, as for a failed one. Wayback's
    own 'not archived' page, served with 200, is an error page by its markup."""
    links = ((PART, "Participating Agencies"), (PEND, "Pending Agencies"))
    good = _page_linking(*links)
    not_archived = (
        b"<!DOCTYPE html><html><head><title>Wayback Machine</title></head><body>"
        b"<p>Hrm. The Wayback Machine has not archived that URL.</p></body></html>"
    )
    empty = b"<html><head><title>287(g)</title></head><body><main><p>Soon.</p></main></body></html>"
    captures = [
        Entry(PAGE, "20250301010000", good + b"<!-- 1 -->", HTML_MIME),
        Entry(PAGE, "20250301230000", not_archived, HTML_MIME),
        Entry(PAGE, "20250302010000", good + b"<!-- 2 -->", HTML_MIME),
        Entry(PAGE, "20250302230000", empty, HTML_MIME),
    ]
    with FakeWayback(captures, throttle_first=False).running() as fake:
        result = backfill(make_cli(tmp_path), fake)
        out = result.stdout
        assert "1 failed" in out and "1 page captures showing no list" in out, out
        assert f"/web/20250301010000id_/{PAGE}" in fake.served
        assert f"/web/20250302010000id_/{PAGE}" in fake.served
    assert f"failed 20250301230000 {PAGE}: " in result.stderr
    assert "'wayback machine'" in result.stderr
