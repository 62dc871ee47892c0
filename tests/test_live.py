"""``ice287g run`` against a fake ICE site on 127.0.0.1 built from the real corpus.

A first run archives and diffs everything; an unchanged site costs only conditional
requests; a new sheet gives exactly the expected events; every fault ICE's site can
throw gives one clear failure line and no false event; a pass killed anywhere is
completed by the next one with the same events; two passes never overlap.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ice287g.cli import cli
from snapshots.archive import Archive, Observation
from tests.fake_ice import (
    MOA_DIR,
    MOAS,
    PAGE_PATH,
    SHEET_DIR,
    SHEETS,
    XLSX_TYPE,
    FakeIce,
    landing_html,
    sheet,
)
from tests.support import RECENT_AGREEMENTS_TABLE, as_csv, workbook_of_both

ROOT = Path(__file__).resolve().parents[1]
LEGACY_PAGE = ROOT / "tests" / "cases" / "html" / "may2024_plain.html"

PART_A = "participating/participatingAgencies-20250221214937.xlsx"
PEND_A = "pending/pendingAgencies-20250221214937.xlsx"
PART_B = "participating/participatingAgencies-20250226183301.xlsx"
PEND_B = "pending/pendingAgencies-20250313172004.xlsx"
PART_BIG = "participating/participatingAgencies-20250403231027.xlsx"
A_COUNTS = {"total": 151, "states": 22, "jem": 60, "wso": 80, "tfm": 11, "pending": 41}
"""What the page says of the first pair (as ICE states it in prose)."""
PART_A_URL = "https://www.ice.gov" + SHEET_DIR + Path(PART_A).name
SERVED_MOAS = ("287gWSO_SuwanneeCoFl2019-10-15.pdf", "287gJEM_FL_DOC_FL_08-21-2020.pdf")
MOA_URLS = tuple(f"https://www.ice.gov{MOA_DIR}{name}" for name in SERVED_MOAS)

BASE_ENV = {
    "ICE287G_FETCH__MAX_RETRIES": "1",
    "ICE287G_FETCH__BACKOFF_BASE": "0",
    "ICE287G_FETCH__PER_HOST_INTERVAL": "0",
    "ICE287G_FETCH__CONNECT_TIMEOUT": "2",
    "ICE287G_FETCH__READ_TIMEOUT": "2",
    "ICE287G_FETCH__RETRY_AFTER_MAX": "5",
    "ICE287G_BASE_URL": "",
    "ICE287G_TEST_CRASH_AFTER": "",
}


class Live:
    """One database, archive and lock file, and the ``ice287g`` CLI pointed at a site."""

    def __init__(self, root: Path, site: FakeIce) -> None:
        self.root, self.site = root, site
        self.config = root / "config.toml"
        self.config.write_text('[archive]\nlock_file = "run.lock"\n', encoding="utf-8")
        self.db = f"sqlite:///{root / 'live.db'}"
        self.archive = root / "archive"

    def argv(self, *args: str) -> list[str]:
        return ["--config", str(self.config), "--db", self.db, "--snapshots", str(self.archive)] + [
            *args
        ]

    def cli(self, *args: str, env: dict[str, str] | None = None) -> Result:
        result = CliRunner().invoke(cli, self.argv(*args), env={**BASE_ENV, **(env or {})})
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    def run(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return self.cli("run", "--base-url", self.site.base_url, *args, env=env)

    def fork(self, *args: str, env: dict[str, str] | None = None) -> int:
        """Start ``ice287g run`` in a forked child (a real process, no interpreter
        start-up); return its pid."""
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 70
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                os.environ.update({**BASE_ENV, **(env or {})})
                cli.main(args=self.argv("run", "--base-url", self.site.base_url, *args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            finally:
                os._exit(code)
        return pid

    def fork_run(self, *args: str, env: dict[str, str] | None = None) -> int:
        """``ice287g run`` in a forked child; its exit code (-9 when killed)."""
        return wait(self.fork(*args, env=env))

    def events(self) -> list[dict[str, Any]]:
        return list(json.loads(self.cli("changes", "--format", "json").stdout))

    def subjects(self, skip_rejected: bool = True) -> list[tuple[str, str, str | None]]:
        """What must not differ between two histories: kind, subject, effective date."""
        return sorted(
            (e["kind"], e["subject"], e["effective_date"])
            for e in self.events()
            if not (skip_rejected and e["kind"] == "snapshot.rejected")
        )

    def manifest(self) -> list[Observation]:
        return Archive(self.archive).observations()

    def snapshots(self) -> list[dict[str, Any]]:
        return list(json.loads(self.cli("snapshots", "--format", "json").stdout))

    def copy_from(self, other: Path) -> None:
        shutil.copy(other / "live.db", self.root / "live.db")
        shutil.copytree(other / "archive", self.archive)


def wait(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("ice287g: error:")]


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fake_site() -> Iterator[FakeIce]:
    if not SHEETS.is_dir():
        pytest.skip("the shared corpus is not beside the project (../shared/corpus)")
    with FakeIce() as site:
        yield site


@pytest.fixture
def site(fake_site: FakeIce) -> FakeIce:
    """The module's site, reset to the first pair of lists, no faults, empty log."""
    fake_site.clear()
    fake_site.publish(PART_A, PEND_A, counts=A_COUNTS)
    for name in SERVED_MOAS:
        fake_site.add_pdf(MOA_DIR + name, (MOAS / name).read_bytes())
    return fake_site


@pytest.fixture(scope="module")
def baseline(fake_site: FakeIce, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database and archive after one clean run on the first pair (lists only)."""
    fake_site.clear()
    fake_site.publish(PART_A, PEND_A, counts=A_COUNTS)
    live = Live(tmp_path_factory.mktemp("baseline"), fake_site)
    assert live.run("--no-moas").exit_code == 0
    return live.root


@pytest.fixture
def live(site: FakeIce, tmp_path: Path) -> Live:
    return Live(tmp_path, site)


@pytest.fixture
def after_a(site: FakeIce, baseline: Path, tmp_path: Path) -> Live:
    """A copy of the baseline: the first pair is already archived and diffed."""
    live = Live(tmp_path, site)
    live.copy_from(baseline)
    site.clear()
    return live


@pytest.fixture(scope="module")
def reference_ab(fake_site: FakeIce, baseline: Path, tmp_path_factory: pytest.TempPathFactory):
    """The events of an uninterrupted history: the first pair, then the second."""
    live = Live(tmp_path_factory.mktemp("reference"), fake_site)
    live.copy_from(baseline)
    fake_site.clear()
    fake_site.publish(PART_B, PEND_B)
    result = live.run("--no-moas")
    assert result.exit_code == 0, result.stderr
    return live.subjects(), result.stdout


@pytest.fixture
def moa_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The MOA PDF parser, or a stand-in while parsers.moa is not there yet."""
    from tests.fake_ice import install_moa_stub

    install_moa_stub(monkeypatch.setattr)


# -- a normal life -------------------------------------------------------------------------


def test_first_run_archives_and_diffs_everything_then_costs_only_304s(
    live: Live, site: FakeIce
) -> None:
    first = live.run("--no-moas")
    assert first.exit_code == 0 and first.stderr == ""
    events = live.events()
    lines = first.stdout.splitlines()
    assert len(lines) == len(events) > 100
    firsts = ("agreement.added", "pending.added", "agency.joined")
    assert all(any(kind in line for kind in firsts) for line in lines)
    assert any("AL · Etowah County Sheriff's Office · JEM (signed 2020-06-09)" in x for x in lines)
    kinds = {(o.kind_claimed, o.url) for o in live.manifest()}
    assert ("participating", PART_A_URL) in kinds and (
        "page",
        "https://www.ice.gov" + PAGE_PATH,
    ) in kinds
    obs = next(o for o in live.manifest() if o.kind_claimed == "participating")
    assert obs.source == "live" and obs.http["fetched_url"].startswith(site.base_url)
    assert [s["verdict"] for s in live.snapshots() if s["kind"] != "page"] == ["accepted"] * 2

    site.clear()
    again = live.run("--no-moas")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    assert all(r.conditional and r.status == 304 for r in site.requests()), site.requests()
    assert len(site.requests()) == 3 and len(live.manifest()) == 3


def test_quiet_prints_nothing_and_base_url_comes_from_the_environment(
    live: Live, site: FakeIce
) -> None:
    result = live.cli("run", "--quiet", "--no-moas", env={"ICE287G_BASE_URL": site.base_url})
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert len(live.events()) > 100


def test_a_new_sheet_gives_exactly_the_expected_events(
    after_a: Live, site: FakeIce, reference_ab: tuple[list[Any], str], tmp_path: Path
) -> None:
    before = after_a.subjects()
    site.publish(PART_B, PEND_B)
    result = after_a.run("--no-moas")
    assert result.exit_code == 0, result.stderr
    new = sorted(set(after_a.subjects()) - set(before))
    assert len(result.stdout.splitlines()) == len(new) > 50
    assert {kind for kind, _, _ in new} >= {"agreement.added", "pending.approved"}
    # The same files imported by hand, in the same order, tell the same story.
    (tmp_path / "by_hand").mkdir()
    by_hand = Live(tmp_path / "by_hand", site)
    by_hand.cli(
        "import", str(sheet(PART_A)), str(sheet(PEND_A)), "--observed-at", "2025-02-21T00:00:00Z"
    )
    imported_a = by_hand.subjects()
    by_hand.cli(
        "import", str(sheet(PART_B)), str(sheet(PEND_B)), "--observed-at", "2025-03-13T00:00:00Z"
    )
    assert sorted(set(by_hand.subjects()) - set(imported_a)) == new
    assert after_a.subjects() == reference_ab[0]


def test_a_base_url_that_is_not_http_is_a_setting_error(live: Live) -> None:
    result = live.cli("run", "--base-url", "ftp://mirror.example.org")
    assert result.exit_code == 2
    assert result.stderr == (
        "ice287g: error: --base-url must start with http:// or https://, "
        "got 'ftp://mirror.example.org'\n"
    )


def test_the_page_counts_are_checked_against_the_lists(live: Live, site: FakeIce) -> None:
    counts = {"total": 999, "states": 38, "jem": 1, "wso": 2, "tfm": 3, "pending": 41}
    site.publish(PART_A, PEND_A, counts=counts)
    result = live.run("--no-moas")
    assert result.exit_code == 0
    warning = [x for x in result.stderr.splitlines() if x.startswith("ice287g: warning:")]
    assert len(warning) == 1 and "999 MOAs stated, 151 listed" in warning[0]
    assert "41 pending" not in warning[0]


def test_moas_are_fetched_once_rechecked_later_and_a_404_never_stops_the_run(
    live: Live, site: FakeIce, moa_parser: None
) -> None:
    first = live.run()
    assert first.exit_code == 1
    errors = error_lines(first)
    assert len(errors) > 100 and all(
        ": HTTP 404" in e and e.endswith(".pdf: HTTP 404") for e in errors
    )
    assert all(site.base_url + MOA_DIR in e for e in errors)
    assert len(first.stdout.splitlines()) > 100  # the lists were still diffed and reported
    moas = {o.url: o for o in live.manifest() if o.kind_claimed == "moa"}
    assert set(moas) == set(MOA_URLS)
    assert all(
        o.http["fetched_url"] == site.base_url + MOA_DIR + Path(u).name for u, o in moas.items()
    )
    missing = len(errors)

    site.clear()
    second = live.run()
    assert second.exit_code == 1 and len(error_lines(second)) == missing  # retried, reported
    pdf_200 = [r for r in site.requests(MOA_DIR) if r.status == 200]
    assert pdf_200 == []  # no PDF downloaded again
    assert not any(r.path.endswith(SERVED_MOAS) for r in site.requests(MOA_DIR))
    assert all(r.conditional and r.status == 304 for r in site.requests() if r.status != 404)

    site.clear()  # a week later: both re-checked conditionally; one was replaced
    site.add_pdf(MOA_DIR + SERVED_MOAS[0], (MOAS / "287gWSO_LakeCoFl2019-10-15.pdf").read_bytes())
    third = live.run(env={"ICE287G_FETCH__MOA_RECHECK_HOURS": "0"})
    served = {r.path.rsplit("/", 1)[1]: r for r in site.requests(MOA_DIR) if r.status != 404}
    assert set(served) == set(SERVED_MOAS) and all(r.conditional for r in served.values())
    assert (served[SERVED_MOAS[0]].status, served[SERVED_MOAS[1]].status) == (200, 304)
    url = "https://www.ice.gov/doclib/287gMOA/287gWSO_SuwanneeCoFl2019-10-15.pdf"
    assert [x.split("  ")[1:] for x in third.stdout.splitlines()] == [
        [
            "moa.replaced",
            f"FL · Suwannee County Sheriff's Office · WSO: {url} "
            "(changed: agency, agency_signed, signatories)",
        ]
    ]
    assert len(error_lines(third)) == missing


# -- faults: one clear line each, no false event ---------------------------------------------

PART_PATH = SHEET_DIR + Path(PART_A).name
FAULTS: dict[str, tuple[str, dict[str, Any], dict[str, str], str]] = {
    "timeout": (PART_PATH, {"delay": 1.5}, {"ICE287G_FETCH__READ_TIMEOUT": "0.5"}, "timed out"),
    "500s": (PART_PATH, {"statuses": [500, 500]}, {}, "HTTP 500 (gave up after 2 attempts)"),
    "429": (
        PART_PATH,
        {"statuses": [429, 429], "retry_after": "1"},
        {},
        "HTTP 429 (gave up after 2 attempts)",
    ),
    "truncated": (PART_PATH, {"truncate": True}, {}, "truncated body"),
    # cut short, its length and ETag saying it is whole: its own end is missing
    "cut short": (PART_PATH, {"cut": True}, {}, "truncated body (truncated zip (no end"),
    "block page": (PART_PATH, {"block_page": True}, {}, "expected a spreadsheet, got HTML"),
    "page blocked": (PAGE_PATH, {"block_page": True}, {}, "block or challenge page"),
    "off-list redirect": (
        PART_PATH,
        {"redirect_to": "https://evil.example.net/participatingAgencies.xlsx"},
        {},
        "redirect to host evil.example.net not allowed",
    ),
    "oversized": (
        PART_PATH,
        {"oversize": 300_000},
        {"ICE287G_FETCH__MAX_SHEET_BYTES": "200000"},
        "body exceeds 200000 bytes",
    ),
    "page 500": (PAGE_PATH, {"statuses": [503, 503]}, {}, "HTTP 503 (gave up after 2 attempts)"),
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_a_failed_fetch_is_one_clear_line_and_no_event(
    name: str, after_a: Live, site: FakeIce
) -> None:
    path, fault, env, message = FAULTS[name]
    before, files = after_a.subjects(), len(after_a.manifest())
    site.fault(path, **fault)
    result = after_a.run("--no-moas", env=env)
    assert result.exit_code == 1 and result.stdout == ""
    errors = error_lines(result)
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert errors[0].startswith(f"ice287g: error: {site.base_url}{path}: ")
    assert after_a.subjects() == before and len(after_a.manifest()) == files
    if name == "429":
        first, second = (r.at for r in site.requests(PART_PATH))
        assert second - first >= 0.9  # Retry-After was honoured
    if path == PART_PATH:  # the other list was still checked
        assert any(r.path.startswith(SHEET_DIR + "pending") for r in site.requests())


def test_a_sheet_cut_short_is_fetched_whole_by_the_next_pass(live: Live, site: FakeIce) -> None:
    """A sheet whose server sent half of it, saying by its length and ETag that it was
    whole, is no file kept (its zip has no end): nothing remembers its ETag, so the next
    pass, the server well again, asks for the whole file, not whether it changed."""
    site.publish(PART_A, PEND_A)
    site.fault(PART_PATH, cut=True)
    assert live.run("--no-moas").exit_code == 1
    site.clear()
    assert live.run("--no-moas").exit_code == 0
    last = site.requests(PART_PATH)[-1]
    assert last.status == 200 and not last.conditional
    assert len([e for e in live.events() if e["kind"] == "agreement.added"]) > 100


def test_a_list_link_pointed_back_at_an_earlier_file_is_read_as_an_import_reads_it(
    after_a: Live, site: FakeIce
) -> None:
    """The participating link goes from file A to file B, then back to A (its file
    unchanged at its own URL: a 304). That is the list again, held as a list arriving
    late or a sudden loss; each later pass that finds it so is a sighting, and once the
    reversal persisted it is read, as an import of the same captures reads it (the
    record stayed on B for good: a 304 recorded nothing)."""
    quick = {"ICE287G_DIFF__LOSS_CONFIRM_HOURS": "0.0005"}  # 1.8 s
    site.publish(PART_B, PEND_A)
    assert after_a.run("--no-moas", "--quiet", env=quick).exit_code == 0
    site.publish(PART_A, PEND_A)
    back = after_a.run("--no-moas", "--quiet", env=quick)
    assert back.exit_code == 3 and "rejected: participatingAgencies-20250221214937" in back.stderr
    time.sleep(2.0)
    again = after_a.run("--no-moas", "--quiet", env=quick)
    assert (again.exit_code, again.stderr) == (0, "")
    [last] = [s for s in after_a.snapshots() if s["kind"] == "participating"][-1:]
    assert last["verdict"] == "accepted" and last["name"].endswith("20250221214937.xlsx")
    assert site.requests(PART_PATH)[-1].status == 304


def test_a_500_then_200_is_not_a_failure(after_a: Live, site: FakeIce) -> None:
    site.fault(PART_PATH, statuses=[500])
    result = after_a.run("--no-moas")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    statuses = [r.status for r in site.requests(PART_PATH)]
    assert statuses.count(500) == 1 and statuses[statuses.index(500) + 1] == 304, statuses


def test_a_sheet_overwritten_under_its_old_validators_is_read_once_they_are_stale(
    after_a: Live, site: FakeIce
) -> None:
    """The server keeps the file's ETag and Last-Modified for new bytes written in place:
    every conditional request is answered 304. Validators are trusted for
    ``fetch.revalidate_hours`` after the last whole download; then the file is fetched
    whole and the change found (it was missed for ever)."""
    from tests.fake_ice import Resource

    old = site.files[PART_PATH]
    body = sheet(PART_B).read_bytes()

    class SameValidators(Resource):
        @property
        def etag(self) -> str:
            return old.etag

    site.files[PART_PATH] = SameValidators(body, old.content_type, old.last_modified)
    trusted = after_a.run("--no-moas")
    assert (trusted.exit_code, trusted.stdout) == (0, "")  # within the day: a 304
    assert site.statuses(PART_PATH) == {304: 1}
    stale = after_a.run("--no-moas", env={"ICE287G_FETCH__REVALIDATE_HOURS": "0"})
    assert stale.exit_code == 0 and "agreement.added" in stale.stdout
    assert site.statuses(PART_PATH) == {304: 1, 200: 1}


def test_a_sheet_swapped_for_the_other_list_is_rejected_not_diffed(
    after_a: Live, site: FakeIce
) -> None:
    before = after_a.subjects()
    site.fault(PART_PATH, body=sheet(PEND_A).read_bytes())
    result = after_a.run("--no-moas", "--quiet")
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr.startswith("ice287g: rejected: participatingAgencies-20250221214937.xlsx")
    assert len(result.stderr.splitlines()) == 1
    assert after_a.subjects() == before
    site.clear()  # ICE puts the right file back: accepted again, still nothing new
    healed = after_a.run("--no-moas")
    assert (healed.exit_code, healed.stdout) == (0, "") and after_a.subjects() == before


def test_a_sheet_that_lost_most_rows_is_rejected_not_diffed(live: Live, site: FakeIce) -> None:
    site.publish(PART_BIG, PEND_A)
    assert live.run("--no-moas", "--quiet").exit_code == 0
    before = live.subjects()
    site.fault(SHEET_DIR + Path(PART_BIG).name, body=sheet(PART_A).read_bytes())
    result = live.run("--no-moas")
    assert result.exit_code == 3 and result.stdout == ""
    assert "rejected:" in result.stderr and "row" in result.stderr
    assert live.subjects() == before
    assert any(e["kind"] == "snapshot.rejected" for e in live.events())


def test_no_list_link_fails_loudly_with_the_candidates_and_records_nothing(
    live: Live, site: FakeIce
) -> None:
    site.publish(None, None)
    result = live.run()
    assert result.exit_code == 1
    errors = error_lines(result)
    assert len(errors) == 1 and "no participating or pending list link" in errors[0]
    assert "/doclib/about/offices/ero/287g/statistics.csv); nothing recorded" in errors[0]
    assert live.manifest() == [] and live.events() == []


MEDIA_PATH = "/media/12345/download"


def media_page(
    site: FakeIce, body: bytes, content_type: str, disposition: str | None = None
) -> None:
    """A page whose participating link is a Drupal media download (no file extension,
    the link text says XLSX) serving ``body``; the pending link stays a plain sheet."""
    site.put(MEDIA_PATH, body, content_type, disposition)
    pending = SHEET_DIR + Path(PEND_A).name
    site.set_page(
        b"<html><head><title>287(g)</title></head><body><main>"
        b'<a href="' + MEDIA_PATH.encode() + b'?inline">Participating Agencies (XLSX, 52 KB)</a>'
        b'<a href="' + pending.encode() + b'">Pending Agencies</a></main></body></html>'
    )


def test_a_download_link_without_an_extension_is_fetched_and_diffed_as_the_list(
    live: Live, site: FakeIce
) -> None:
    media_page(site, sheet(PART_A).read_bytes(), XLSX_TYPE)
    result = live.run("--no-moas")
    assert result.exit_code == 0, result.stderr
    media_url = "https://www.ice.gov" + MEDIA_PATH + "?inline"
    kinds = {(o.kind_claimed, o.url) for o in live.manifest()}
    assert ("participating", media_url) in kinds
    assert [s["verdict"] for s in live.snapshots() if s["kind"] != "page"] == ["accepted"] * 2
    assert len(live.events()) > 100


def test_two_files_for_one_list_with_no_sure_newest_are_read_and_said(
    live: Live, site: FakeIce
) -> None:
    """The page keeps last week's dated file beside a new one named without a date:
    which is the newest is a guess (the dated one is read), and the pass says so."""
    old_name, new_name = Path(PART_A).name, "participatingAgencies.xlsx"
    site.put(SHEET_DIR + new_name, sheet(PART_B).read_bytes(), XLSX_TYPE)
    html = landing_html(SHEET_DIR + old_name, SHEET_DIR + Path(PEND_A).name)
    extra = f'<p><a href="{SHEET_DIR}{new_name}">287(g) Participating Agencies</a></p>'
    site.set_page(html.replace(b"</body>", extra.encode() + b"</body>"))
    result = live.run("--no-moas")
    assert result.exit_code == 0, result.stderr
    said = (
        f"ice287g: warning: the page links 2 files for the participating list: read "
        f"{old_name}, the newest by its words, date and place; not clearly older: {new_name}"
    )
    assert said in result.stderr.splitlines()


def test_a_page_moved_by_a_redirect_has_its_relative_links_read_where_it_is_now(
    live: Live, site: FakeIce
) -> None:
    """ICE moves the page into a folder (a 301) and links the sheets relative to it:
    they are where a browser would look, under the page's new address."""
    moved = "/identify-and-arrest/287g-program/"
    names = [Path(PART_A).name, Path(PEND_A).name]
    for name, path in zip(names, (PART_A, PEND_A), strict=True):
        site.put(moved + "lists/" + name, sheet(path).read_bytes(), XLSX_TYPE)
    site.put(moved, landing_html("lists/" + names[0], "lists/" + names[1]), "text/html")
    site.fault(PAGE_PATH, redirect_to=site.base_url + moved)
    result = live.run("--no-moas")
    assert result.exit_code == 0, result.stderr
    assert {moved + "lists/" + n for n in names} <= set(site.arrivals())
    assert [s["verdict"] for s in live.snapshots() if s["kind"] != "page"] == ["accepted"] * 2


def test_a_download_link_is_named_by_the_file_name_the_server_gives(
    live: Live, site: FakeIce
) -> None:
    """A Drupal media link's path ends in ``download``; its Content-Disposition names
    the file, and that name is recorded (the URL stays the link's)."""
    disposition = 'attachment; filename="participatingAgencies05182026am.xlsx"'
    media_page(site, sheet(PART_A).read_bytes(), XLSX_TYPE, disposition)
    assert live.run("--no-moas").exit_code == 0
    (obs,) = [o for o in live.manifest() if o.kind_claimed == "participating"]
    assert obs.original_name == "participatingAgencies05182026am.xlsx"
    assert obs.url == "https://www.ice.gov" + MEDIA_PATH + "?inline"


def test_one_link_naming_both_lists_is_fetched_once_and_recorded_as_each(
    live: Live, site: FakeIce
) -> None:
    """The page links one workbook, ``Participating and Pending Agencies``, and no list
    alone: it is fetched once, kept as each list's observation, and each list is
    diffed from its own sheet; the next pass costs one 304 for it."""
    path = SHEET_DIR + "287gAgencies.xlsx"
    site.put(path, workbook_of_both(sheet(PART_A), sheet(PEND_A)), XLSX_TYPE)
    site.set_page(
        b'<html><head><title>287(g)</title></head><body><main><a href="'
        + path.encode()
        + b'">287(g) Participating and Pending Agencies (XLSX)</a></main></body></html>'
    )
    result = live.run("--no-moas")
    assert result.exit_code == 0, result.stderr
    assert len(site.requests(path)) == 1
    claims = {o.kind_claimed: o for o in live.manifest() if o.url and o.url.endswith(path)}
    assert set(claims) == {"participating", "pending"}
    assert claims["participating"].sha256 == claims["pending"].sha256
    snapshots = [s for s in live.snapshots() if s["kind"] in ("participating", "pending")]
    assert sorted((s["kind"], s["verdict"]) for s in snapshots) == [
        ("participating", "accepted"),
        ("pending", "accepted"),
    ]
    kinds = {event["kind"] for event in live.events()}
    assert {"agreement.added", "pending.added"} <= kinds
    site.clear()
    again = live.run("--no-moas")
    assert (again.exit_code, again.stdout) == (0, "")
    assert [r.status for r in site.requests(path)] == [304]


def test_lists_moved_to_a_page_of_their_own_are_found_by_following_the_link_naming_them(
    live: Live, site: FakeIce
) -> None:
    """The page no longer links the sheets, only a page named for the lists: that page
    is fetched (and archived), its links give both lists; the next pass costs 304s."""
    site.publish(PART_A, PEND_A, counts=A_COUNTS)  # the sheets, and a page linking them
    lists_path = "/identify-and-arrest/287g/participating-and-pending-agencies"
    site.put(lists_path, site.files[PAGE_PATH].body, "text/html; charset=utf-8")
    site.set_page(
        b"<html><head><title>287(g)</title></head><body><main><p>Read about 287(g).</p>"
        b'<a href="' + lists_path.encode() + b'">Participating and pending agencies</a>'
        b'<a href="/news">News</a></main></body></html>'
    )
    result = live.run("--no-moas")
    assert result.exit_code == 0, result.stderr
    pages = {o.url for o in live.manifest() if o.kind_claimed == "page"}
    assert "https://www.ice.gov" + lists_path in pages
    kinds = sorted(s["kind"] for s in live.snapshots() if s["verdict"] == "accepted")
    assert kinds.count("participating") == 1 and kinds.count("pending") == 1
    assert not site.requests("/news")
    site.clear()
    again = live.run("--no-moas")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    assert [r.status for r in site.requests()] == [304] * 4


def test_a_list_link_serving_csv_is_archived_as_csv_and_diffed_as_the_list(
    live: Live, site: FakeIce
) -> None:
    media_page(site, as_csv(sheet(PART_A).read_bytes()), "text/csv")
    result = live.run("--no-moas")
    assert result.exit_code == 0, result.stderr
    (obs,) = [o for o in live.manifest() if o.kind_claimed == "participating"]
    assert obs.suffix == ".csv"
    assert [s["verdict"] for s in live.snapshots() if s["kind"] != "page"] == ["accepted"] * 2
    assert len(live.events()) > 100


def test_a_spreadsheet_link_that_serves_an_html_page_is_one_failure_naming_it(
    live: Live, site: FakeIce
) -> None:
    media_page(site, b"<html><head><title>Media</title></head><body>x</body></html>", "text/html")
    result = live.run("--no-moas")
    assert result.exit_code == 1
    (error,) = error_lines(result)
    assert error.startswith(f"ice287g: error: {site.base_url}{MEDIA_PATH}?inline: ")
    assert "expected a spreadsheet, got HTML" in error
    claimed = {o.kind_claimed for o in live.manifest()}
    assert claimed == {"page", "pending"}  # the HTML body is not archived as the list
    assert not any(e["kind"].startswith("agreement.") for e in live.events())


def test_a_list_published_in_parts_is_one_failure_and_nothing_is_recorded_for_it(
    live: Live, site: FakeIce
) -> None:
    """Two participating links naming different models are parts: none is read as the
    whole list (it would withdraw the other part's agreements); pending is still read."""
    part = sheet(PART_A).read_bytes()
    site.put(SHEET_DIR + "participatingJEM.xlsx", part, XLSX_TYPE)
    site.put(SHEET_DIR + "participatingTFM.xlsx", part, XLSX_TYPE)
    pending = SHEET_DIR + Path(PEND_A).name
    site.put(pending, sheet(PEND_A).read_bytes(), XLSX_TYPE)
    site.set_page(
        b"<html><head><title>287(g)</title></head><body><main>"
        + b"".join(
            f'<a href="{href}">{text}</a>'.encode()
            for href, text in (
                (SHEET_DIR + "participatingJEM.xlsx", "Participating Agencies (JEM)"),
                (SHEET_DIR + "participatingTFM.xlsx", "Participating Agencies (Task Force)"),
                (pending, "Pending Agencies"),
            )
        )
        + b"</main></body></html>"
    )
    result = live.run("--no-moas")
    assert result.exit_code == 1
    (error,) = error_lines(result)
    assert "the participating list is published in 2 parts" in error
    assert "participatingJEM.xlsx" in error and "nothing recorded for it" in error
    assert {o.kind_claimed for o in live.manifest()} == {"page", "pending"}
    assert site.requests(SHEET_DIR + "participating") == []


def test_a_page_with_the_legacy_inline_table_goes_to_the_legacy_parser(
    live: Live, site: FakeIce
) -> None:
    if not LEGACY_PAGE.is_file():
        pytest.skip("no legacy page case")
    site.set_page(LEGACY_PAGE.read_bytes())
    result = live.run("--no-moas")
    assert result.exit_code == 0, result.stderr
    (obs,) = live.manifest()
    assert (obs.kind_claimed, obs.suffix) == ("participating", ".html")
    assert [s["verdict"] for s in live.snapshots()] == ["accepted"]
    assert len(result.stdout.splitlines()) > 100


def test_a_legacy_page_read_again_stays_the_list(live: Live, site: FakeIce) -> None:
    """The era of the inline list lasts while its list is read from the page: a later
    legacy page is read as the list too, no failure."""
    if not LEGACY_PAGE.is_file():
        pytest.skip("no legacy page case")
    site.set_page(LEGACY_PAGE.read_bytes())
    assert live.run("--no-moas").exit_code == 0
    site.set_page(LEGACY_PAGE.read_bytes() + b"<!-- edited -->")
    again = live.run("--no-moas")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    assert [o.kind_claimed for o in live.manifest()] == ["participating"] * 2


# -- a link names the whole list only when it names nothing narrower -----------------------

JEM_PATH = SHEET_DIR + "participatingAgenciesJEM02282025am.xlsx"


def _page_with(*links: tuple[str, str]) -> bytes:
    anchors = "".join(f'<p><a href="{href}">{text}</a></p>' for href, text in links)
    page = f"<html><head><title>287(g)</title></head><body><main>{anchors}</main></body></html>"
    return page.encode()


def test_a_model_part_dated_after_the_whole_list_is_not_read_as_the_whole_list(
    after_a: Live, site: FakeIce
) -> None:
    """A single ``Participating agencies - JEM`` file, a day newer than the whole list,
    beside it: the whole list is still read; no false rejection, no silence after."""
    before = after_a.subjects()
    site.put(JEM_PATH, sheet(PART_A).read_bytes()[:-1] + b"x", XLSX_TYPE)
    html = landing_html(PART_PATH, SHEET_DIR + Path(PEND_A).name)
    jem = f'<p><a href="{JEM_PATH}">287(g) Participating Agencies - Jail Enforcement Model</a></p>'
    site.set_page(html.replace(b"</main>", jem.encode() + b"</main>"))
    for _ in range(2):
        result = after_a.run("--no-moas")
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert site.requests(JEM_PATH) == []
    assert len(site.requests(PART_PATH)) == 2 and after_a.subjects() == before


def test_a_page_linking_only_a_part_of_the_participating_list_fails_on_every_pass(
    after_a: Live, site: FakeIce
) -> None:
    """No whole list is found: one failure line, the part is never fetched, the pending
    list is still read, and an unchanged page (a 304) fails again, never silence."""
    before = after_a.subjects()
    site.put(JEM_PATH, sheet(PART_A).read_bytes(), XLSX_TYPE)
    pending = SHEET_DIR + Path(PEND_A).name
    site.set_page(
        _page_with((JEM_PATH, "287(g) Participating Agencies - JEM"), (pending, "Pending"))
    )
    for _ in range(2):
        result = after_a.run("--no-moas")
        assert result.exit_code == 1 and result.stdout == ""
        (error,) = error_lines(result)
        assert "the participating list is linked only as a part, no whole list found" in error
        assert "participatingAgenciesJEM02282025am.xlsx" in error
        assert "nothing recorded for it" in error
    assert site.requests(PAGE_PATH)[-1].status == 304
    assert site.requests(JEM_PATH) == [] and after_a.subjects() == before


def test_a_file_of_agencies_no_longer_participating_is_neither_list(
    after_a: Live, site: FakeIce
) -> None:
    """``Non-participating agencies (XLSX)``, first on the page: not fetched, the list
    is read as before, nothing to say."""
    before = after_a.subjects()
    site.put("/media/9/download", sheet(PART_A).read_bytes()[:-1] + b"x", XLSX_TYPE)
    html = landing_html(PART_PATH, SHEET_DIR + Path(PEND_A).name)
    gone = '<p><a href="/media/9/download">Non-participating agencies (XLSX)</a></p>'
    site.set_page(html.replace(b"<main>", b"<main>" + gone.encode()))
    result = after_a.run("--no-moas")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert site.requests("/media/") == [] and after_a.subjects() == before


# -- the inline table is the list only in the era the page held its list inline ------------

RECENT_TABLE = RECENT_AGREEMENTS_TABLE


def _table_page(extra: str = "") -> bytes:
    return (
        "<html><head><title>287(g)</title></head><body><main>"
        f"{RECENT_TABLE}{extra}</main></body></html>"
    ).encode()


def test_a_small_table_beside_unnamed_downloads_is_no_list_on_a_fresh_database(
    live: Live, site: FakeIce
) -> None:
    """The page lost its list links, kept ``Download`` links that say nothing and a
    table of five recent agreements: a failed discovery, as a page without list links."""
    site.set_page(_table_page('<p><a href="/media/101/download">Download</a></p>'))
    result = live.run("--no-moas")
    assert result.exit_code == 1 and result.stdout == ""
    (error,) = error_lines(result)
    assert "no participating or pending list link found on the page" in error
    assert "/media/101/download" in error and error.endswith("nothing recorded")
    assert live.manifest() == [] and live.events() == []


def test_after_the_lists_were_files_an_inline_table_is_a_failed_discovery_on_every_pass(
    after_a: Live, site: FakeIce
) -> None:
    """Once the list was read from a file, a table on the page is not the list: each pass
    (the page unchanged) is one clear failure line, nothing recorded, never silence; the
    list links back are read as before."""
    before, kept = after_a.subjects(), len(after_a.manifest())
    site.set_page(_table_page())
    for _ in range(2):
        result = after_a.run("--no-moas")
        assert result.exit_code == 1 and result.stdout == ""
        (error,) = error_lines(result)
        assert "no participating or pending list link found on the page" in error
        assert "its inline table is not read as the list" in error
        assert Path(PART_A).name in error and error.endswith("nothing recorded")
    assert len(after_a.manifest()) == kept and after_a.subjects() == before
    site.publish(PART_A, PEND_A, counts=A_COUNTS)
    back = after_a.run("--no-moas")
    assert (back.exit_code, back.stdout) == (0, "") and after_a.subjects() == before


# -- crash safety and the lock ---------------------------------------------------------------


@pytest.mark.parametrize("step", ["page", "sheet", "lists", "diff", "process", "moa"])
def test_a_pass_killed_at_any_step_is_completed_by_the_next(
    step: str,
    after_a: Live,
    site: FakeIce,
    reference_ab: tuple[list[Any], str],
    moa_parser: None,
) -> None:
    site.publish(PART_B, PEND_B)
    moas = () if step.startswith("moa") else ("--no-moas",)
    assert after_a.fork_run(*moas, env={"ICE287G_TEST_CRASH_AFTER": step}) == 137
    _completes(after_a, site, reference_ab, moas)


def test_a_pass_killed_with_sigkill_mid_download_is_completed_by_the_next(
    after_a: Live, site: FakeIce, reference_ab: tuple[list[Any], str]
) -> None:
    site.publish(PART_B, PEND_B)
    site.fault(SHEET_DIR + Path(PEND_B).name, delay=5)
    pid = after_a.fork("--no-moas", env={"ICE287G_FETCH__READ_TIMEOUT": "20"})
    _wait_for(lambda: site.arrivals(SHEET_DIR + "pending"), pid)
    os.kill(pid, signal.SIGKILL)
    assert wait(pid) == -signal.SIGKILL
    _completes(after_a, site, reference_ab, ("--no-moas",))


def _completes(
    live: Live, site: FakeIce, reference: tuple[list[Any], str], moas: tuple[str, ...]
) -> None:
    """The next pass finishes the work: the events of an uninterrupted history, every
    archived observation in the database, each MOA archived once, then nothing new."""
    site.clear()
    resumed = live.run(*moas)
    assert resumed.exit_code == (0 if moas else 1), resumed.stderr  # 1: the MOAs that 404
    assert live.subjects() == reference[0]
    recorded = {o.snapshot_id for o in live.manifest()}
    assert {s["id"] for s in live.snapshots()} == recorded
    if not moas:
        assert sorted(o.url for o in live.manifest() if o.kind_claimed == "moa") == sorted(MOA_URLS)
    again = live.run("--no-moas")
    assert (again.exit_code, again.stdout) == (0, "") and len(live.manifest()) == len(recorded)


def test_a_pass_killed_after_recording_has_its_news_reported_by_the_next(
    after_a: Live, site: FakeIce, reference_ab: tuple[list[Any], str]
) -> None:
    """Killed after its lists were diffed (in the long MOA step, a reboot), a pass never
    printed what it recorded: the next one reports it, events and rejections, once."""
    site.publish(PART_B, PEND_B)
    assert after_a.fork_run("--no-moas", env={"ICE287G_TEST_CRASH_AFTER": "process"}) == 137
    site.clear()
    resumed = after_a.run("--no-moas")
    assert resumed.exit_code == 0 and resumed.stdout == reference_ab[1]
    swapped = sheet(PEND_B).read_bytes()  # the other list: rejected
    site.fault(SHEET_DIR + Path(PART_B).name, body=swapped)
    assert after_a.fork_run("--no-moas", env={"ICE287G_TEST_CRASH_AFTER": "process"}) == 137
    site.clear()
    told = after_a.run("--no-moas", "--quiet")
    assert told.exit_code == 3 and told.stderr.startswith("ice287g: rejected: ")
    again = after_a.run("--no-moas")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")


def test_a_history_derived_again_with_other_ids_is_no_news(after_a: Live, site: FakeIce) -> None:
    """An upgrade derives the history again (new rules, new ids for the same events):
    the first pass after it reports only what is new, not every event whose id changed
    (it printed the whole history, and an import counted every event as new)."""
    import sqlite3

    with sqlite3.connect(after_a.root / "live.db") as db:
        db.execute("UPDATE events SET id = 'old' || substr(id, 4)")
        db.execute("UPDATE engine_state SET data = x'00' WHERE name = 'derivation'")
        db.execute("DELETE FROM fetch_state WHERE url = 'ice287g:reported'")
    result = after_a.run("--no-moas")
    assert "history replayed" in result.stderr
    assert (result.exit_code, result.stdout) == (0, "")


def test_a_second_concurrent_run_exits_at_once_with_the_lock_message(
    after_a: Live, site: FakeIce
) -> None:
    site.fault(PAGE_PATH, delay=1.5)
    pid = after_a.fork("--no-moas", env={"ICE287G_FETCH__READ_TIMEOUT": "20"})
    lock = after_a.root / "run.lock"
    _wait_for(lambda: lock.exists() and lock.read_text().strip().isdigit(), pid)
    started = time.monotonic()
    second = after_a.run("--no-moas")
    assert time.monotonic() - started < 1.5
    assert second.exit_code == 75
    assert second.stderr == (
        f"ice287g: error: another ice287g pass is running (pid {pid} holds the lock {lock})\n"
    )
    assert wait(pid) == 0
    assert lock.read_text() == ""  # released; the next pass takes it
    assert after_a.run("--no-moas").exit_code == 0


def _wait_for(condition: Any, pid: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            raise AssertionError(f"child ended early: {os.waitstatus_to_exitcode(status)}")
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def test_passes_store_the_same_history_on_every_database(
    site: FakeIce, tmp_path: Path, db_url: str
) -> None:
    """The live pass on SQLite and PostgreSQL: first run, an unchanged run, a new pair."""
    live = Live(tmp_path, site)
    live.db = db_url
    first = live.run("--no-moas")
    assert first.exit_code == 0, first.stderr
    assert "agreement.added" in first.stdout
    unchanged = live.run("--no-moas")
    assert unchanged.exit_code == 0 and unchanged.stdout == ""
    site.publish(PART_B, PEND_B)
    newer = live.run("--no-moas")
    assert newer.exit_code == 0 and newer.stdout.strip()


def test_a_pass_that_recorded_something_republishes_publish_dir(live: Live, site: FakeIce) -> None:
    out = live.root / "site"
    env = {"ICE287G_PUBLISH__DIR": str(out)}
    assert live.run("--no-moas", "--quiet", env=env).exit_code == 0
    assert (out / "index.html").is_file() and (out / "data" / "datapackage.json").is_file()
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    assert live.run("--no-moas", "--quiet", env=env).exit_code == 0  # nothing new: 304s
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_a_first_pass_killed_after_recording_has_its_news_reported_by_the_next(
    live: Live, site: FakeIce
) -> None:
    """A first pass (a fresh database, or one an import made) killed after recording,
    in its long MOA step: its events were taken for reported, never printed (helper
    46: 334 lost); the next pass reports them, and none an import printed before."""
    assert live.fork_run("--no-moas", env={"ICE287G_TEST_CRASH_AFTER": "process"}) == 137
    resumed = live.run("--no-moas")
    listed = [e for e in live.events() if e["kind"] != "snapshot.rejected"]
    assert resumed.exit_code == 0 and len(resumed.stdout.splitlines()) == len(listed) > 100
    again = live.run("--no-moas")
    assert (again.exit_code, again.stdout) == (0, "")


def test_a_pass_killed_before_it_published_or_failing_to_leaves_both_to_the_next(
    live: Live, site: FakeIce
) -> None:
    """Killed before it brought ``publish.dir`` up to date, a pass printed nothing and
    the site stayed behind for good (the next pass recorded nothing, so published
    nothing: helper 46); a folder that cannot be written is a failure, even with
    ``--quiet`` (it was a warning, silent so), and the next pass publishes again."""
    blocker = live.root / "blocker"
    blocker.write_text("a file where the site's folder would be", encoding="utf-8")
    env = {"ICE287G_PUBLISH__DIR": str(blocker / "site")}
    crash = {**env, "ICE287G_TEST_CRASH_AFTER": "publish"}
    assert live.fork_run("--no-moas", env=crash) == 137
    failed = live.run("--no-moas", "--quiet", env=env)
    assert failed.exit_code == 1 and f"publish to {blocker / 'site'} failed" in failed.stderr
    blocker.unlink()
    blocker.mkdir()
    published = live.run("--no-moas", "--quiet", env=env)
    assert (published.exit_code, published.stdout, published.stderr) == (0, "", "")
    assert (blocker / "site" / "index.html").is_file()
    news = live.run("--no-moas", env=env)  # the killed pass's news was printed, once
    assert (news.exit_code, news.stdout) == (0, "")
    other = {"ICE287G_PUBLISH__DIR": str(live.root / "other")}  # another folder named,
    assert live.run("--no-moas", "--quiet", env=other).exit_code == 0  # or the site
    assert (live.root / "other" / "index.html").is_file()  # emptied: published again
    shutil.rmtree(blocker / "site")  # (helper 54: the mark held for any folder)
    assert live.run("--no-moas", "--quiet", env=env).exit_code == 0
    assert (blocker / "site" / "index.html").is_file()


def test_a_pass_asked_to_stop_leaves_its_moa_downloads_to_the_next_pass(
    live: Live, site: FakeIce, moa_parser: None
) -> None:
    """``schedule``'s SIGTERM stops a pass's MOA downloads between two files (a first
    pass downloads every MOA, half an hour at the polite pace: it went on for 10 minutes
    after the signal, past systemd's stop timeout); what is left is the next pass's."""
    from dataclasses import replace

    from ice287g.app import App
    from ice287g.config import load_config
    from ice287g.live import run_pass
    from ice287g.passes import PassOptions

    overrides = {"db": live.db, "snapshots": str(live.archive)}
    config = load_config(str(live.config), overrides, env=BASE_ENV, cwd=live.root)
    config = replace(config, source=replace(config.source, base_url=site.base_url))
    asked = iter([False, False])
    app = App(config)
    try:
        result = run_pass(app, PassOptions(stopping=lambda: next(asked, True)))
    finally:
        app.close()
    assert len(site.requests(MOA_DIR)) == 2
    [stopped] = [w for w in result.warnings if w.startswith("stopped:")]
    left = int(stopped.split()[1])
    assert left > 100 and stopped == f"stopped: {left} MOA download(s) left to the next pass"
    assert result.events  # the lists were read and recorded first


def test_a_failed_download_is_remembered_by_its_reason_not_its_exception() -> None:
    """A refused download's exception holds, through its traceback, the bytes read (50
    MB of a MOA past ``max_pdf_bytes``): kept until the fetch states are written, 132
    refused MOAs took the pass to 2.5 GB (helper 46; 144 MB now). Its failure is
    remembered by its text."""
    import gc
    import weakref
    from datetime import UTC, datetime

    from ice287g.live import LivePass
    from ice287g.remote import RemoteFile
    from scraper.errors import FetchError

    pass_ = object.__new__(LivePass)
    pass_._marks, pass_.now = [], lambda: datetime(2025, 3, 1, tzinfo=UTC)
    failure = FetchError("https://www.ice.gov/doclib/x.pdf", "body exceeds 50000000 bytes")
    held = weakref.ref(failure)
    target = RemoteFile("moa", failure.url, failure.url, "pdf")
    pass_._mark_failed(target, failure)
    del failure
    gc.collect()
    assert held() is None and len(pass_._marks) == 1
