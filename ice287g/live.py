"""One live pass over ICE's 287(g) page: page, both lists, diff, then the MOA PDFs.

The pass only fetches and archives; the pipeline does the rest. Order matters for
crash safety: bytes go to the archive (atomic) and the observation to the manifest
(fsync'd) *before* the fetch validators are written to ``fetch_state``, so a pass
killed anywhere leaves a file either recorded (the pipeline picks it up next time)
or not (the next pass fetches it again). The pipeline commits in transactions and
resumes from the manifest, so the next pass ends with the same events.

URLs: every link is handled in its canonical ICE form (``https://www.ice.gov/...``)
for the archive and the database, and fetched at ``source.base_url`` (a mirror or a
test server) when that is not ICE itself; ``http['fetched_url']`` says where.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

from sqlalchemy.orm import Session

from common.errors import Ice287gError
from common.times import parse_utc, utc_iso
from ice287g import news
from ice287g.app import App
from ice287g.intake import Origin, ProgressFactory, no_progress, observe
from ice287g.passes import PassOptions, PassResult
from ice287g.pipeline import Progress, Report
from ice287g.remote import EXPECT, SUFFIX, RemoteFile, canonical_url, in_parts, latest_key
from parsers.errors import ParseError
from parsers.landing_page import LandingPage, parse_landing_page
from parsers.list_links import basename
from parsers.urls import rebase_url, repair_url
from scraper.errors import FetchError
from scraper.fetch import Fetcher, FetchResult
from store import fetch_state, queries, writer
from store.db import transaction
from store.models import FetchState

LIST_ROLES = ("participating", "pending")
TICK = 0.05
CLOCK_SLACK = timedelta(seconds=5)
"""How far the clock may read before the newest observation recorded: a tie within a
second is waited out (observations are strictly ordered); more is a clock set back,
and a pass would wait (holding the run lock) for the clock to pass its history."""


class ClockBehind(Ice287gError):
    """The clock reads before the newest observation recorded: no capture can be dated."""


clock = time.monotonic  # seconds, for fetch.pass_deadline (a test replaces it)
MARKS_BATCH = 50
_STATUS = re.compile(r"\bHTTP (\d{3})\b")


def run_pass(app: App, options: PassOptions, progress: ProgressFactory = no_progress) -> PassResult:
    """One full pass under the run lock (raises LockHeld when another pass runs)."""
    with app.exclusive():
        return LivePass(app, options, progress).run()


class LivePass:
    """Fetch, archive and diff everything ICE publishes, once. Built per pass."""

    def __init__(
        self,
        app: App,
        options: PassOptions,
        progress: ProgressFactory = no_progress,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.app, self.options, self.progress, self.now = app, options, progress, now
        self.base_url = app.config.source.base_url
        self.result = PassResult()
        self._deadline = clock() + app.config.fetch.pass_deadline
        self._left_for_next: list[str] = []
        self._fetcher: Fetcher | None = None
        self._latest: dict[tuple[str, str | None], str] = {}
        self._known_snapshots: set[str] = set()
        self._told: set[str] = set()  # the rejected snapshots this pass read
        self._awaited: dict[str, str] = {}  # lists held for a second sighting: their sha256
        self._sighted_again: set[str] = set()  # this pass's snapshots of such a list
        self._floor = ""
        self._newest = ""
        self._list_file: str | None = None  # a file the participating list was read from
        self._table_after_files = False  # the page's inline table, refused as the list
        self._states: dict[str, FetchState] = {}
        self._marks: list[Callable[[Session], None]] = []

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = self.app.fetcher()
        return self._fetcher

    def run(self) -> PassResult:
        """Page -> lists -> diff -> count check -> MOAs -> diff; returns what happened."""
        known_events = self._start()
        landing = self.discover()
        self.fetch_lists(landing)
        self._crash("lists")
        self.diff_recorded()
        self._crash("process")
        self.check_counts(landing)
        if self.options.moas:
            self._floor = max(self._floor, self._newest)
            self.fetch_moas()
            self._crash("moas")
            self.diff_recorded()
        self.result.events = news.new_events(self.app.engine, known_events)
        told = self._told | self._sighted_again
        self.result.rejections += news.unreported_rejections(self.result.events, told)
        self._report_deadline()
        self._crash("publish")
        folder = self.app.config.publish.dir
        if folder and news.site_behind(self.app.engine, Path(folder)):
            self.republish()
        news.mark_reported(self.app.engine)  # last: a pass killed before it, publishing
        return self.result  # included, leaves its news to the next pass

    def republish(self) -> None:
        """Bring ``publish.dir`` up to date when the history recorded something since
        it last was (this pass, or one whose publication failed or was killed); a folder
        that cannot be written is a failure of the pass, which still stands, and the
        next pass publishes again."""
        from ice287g.publish.build import publish

        folder = self.app.config.publish.dir
        try:
            report = publish(self.app.engine, self.app.archive, Path(folder))
        except OSError as exc:
            self.result.failures.append(f"publish to {folder} failed: {exc}")
            return
        self.result.warnings += report.warnings()
        news.mark_published(self.app.engine, Path(folder))

    def _start(self) -> set[writer.Evidence]:
        """Remember what is already known, so only this pass's news is reported."""
        for obs in self.app.archive.observations():
            self._latest[latest_key(obs.kind_claimed, obs.url)] = obs.sha256
            self._floor = max(self._floor, obs.observed_at)
            if obs.kind_claimed == "participating" and obs.suffix != ".html":
                self._list_file = obs.original_name or basename(obs.url or "") or obs.sha256
        behind = parse_utc(self._floor) - self.now() if self._floor else timedelta(0)
        if behind > CLOCK_SLACK:
            raise ClockBehind(
                f"the clock reads {utc_iso(self.now())}, {behind.total_seconds():.0f} s before "
                f"the newest observation recorded ({self._floor}): set back (at boot, before "
                "NTP?); nothing fetched, nothing recorded"
            )
        with transaction(self.app.engine) as session:
            self._states = fetch_state.all_states(session)
            self._known_snapshots = writer.known_snapshot_ids(session)
            self._awaited = writer.held_for_a_sighting(session, LIST_ROLES)
            known, first = news.reported(session), news.never_reported(session)
        if first:  # a write only then: a pass finding nothing new pays for none
            news.begin(self.app.engine)
        return known

    # -- discovery ---------------------------------------------------------------------

    def discover(self) -> LandingPage:
        """Fetch and read the landing page; archive it once its list links are found.

        A page without list links (nor the inline table of the era the list was held
        inline) is a failed discovery on every pass, raised before the page is archived
        or its validators kept: an unchanged page, or a 304, fails again, never silence.
        Once the participating list was read from a file, a page's inline table is no
        longer the list (the era of the inline list is over)."""
        target = self.remote_file("page", self.app.config.page_url)
        result = self.download_target(target, fatal=True)
        assert result is not None
        data = self._page_bytes(target, result)
        landing = self._parse_page(target, data, result.final_url)
        if landing.has_legacy_table and self._list_file and self._no_list_links(landing):
            landing = replace(landing, has_legacy_table=False)
            self._table_after_files = True
        if self._no_list_links(landing) and not landing.has_legacy_table:
            landing = self._follow(landing)
        if self._no_list_links(landing):
            self._no_lists(target, landing)
            target = replace(target, kind="participating")
        self._unsure(landing)
        if result.content is not None:
            self.keep(target, result, data)
        self._crash("page")
        self._mark_fetched(target, result)
        self.flush_marks()
        return landing

    def _unsure(self, landing: LandingPage) -> None:
        """A warning for each list the page links more than one file for, when which is
        the newest is a guess (a file named without a date beside a dated one)."""
        for kind, others in landing.rivals.items():
            picked = landing.participating_url if kind == "participating" else landing.pending_url
            names = ", ".join(basename(url) for url in others)
            self.result.warnings.append(
                f"the page links {len(others) + 1} files for the {kind} list: read "
                f"{basename(picked or '')}, the newest by its words, date and place; not "
                f"clearly older: {names}"
            )

    def _follow(self, landing: LandingPage) -> LandingPage:
        """The page links no list but links pages named for them: each is fetched (and
        archived as a page when it changed), and the lists are those its links name.
        The first page that names a list gives it; the page's own counts stand."""
        found: dict[str, str | None] = {"participating": None, "pending": None}
        seen: list[str] = list(landing.candidates)
        for url in landing.list_pages:
            target = self.remote_file("page", url)
            result = self.download_target(target)
            if result is None:
                continue
            try:
                data = self._page_bytes(target, result)
                page = self._parse_page(target, data, result.final_url)
            except FetchError as exc:
                self.result.failures.append(str(exc))
                continue
            if result.content is not None:
                self.keep(target, result, result.content)
            self._mark_fetched(target, result)
            found["participating"] = found["participating"] or page.participating_url
            found["pending"] = found["pending"] or page.pending_url
            seen.extend(page.candidates)
        self.flush_marks()
        return replace(
            landing,
            participating_url=found["participating"],
            pending_url=found["pending"],
            candidates=tuple(dict.fromkeys(seen)),
        )

    def _page_bytes(self, target: RemoteFile, result: FetchResult) -> bytes:
        """The page body; on a 304, the archived copy (validators are only sent when
        the archive holds it)."""
        if result.content is not None:
            return result.content
        row = self._state(target.fetch_url)
        if row is None or row.sha256 is None:
            raise FetchError(target.fetch_url, "HTTP 304 but no archived copy of the page")
        return self.app.archive.read(row.sha256)

    def _parse_page(self, target: RemoteFile, data: bytes, base: str) -> LandingPage:
        """The page read, its relative links against ``base``: where the page was found,
        after any redirect (a page moved to ``.../287g-program/`` links ``lists/x.xlsx``
        there, as a browser reads it)."""
        try:
            landing = parse_landing_page(data, base)
        except ParseError as exc:
            raise FetchError(target.fetch_url, exc.reason) from exc
        if landing.block_reason:
            raise FetchError(
                target.fetch_url, f"got a block or error page ({landing.block_reason})"
            )
        return landing

    def _no_lists(self, target: RemoteFile, landing: LandingPage) -> None:
        """Without list links the inline table (of the era the list was held inline) is
        read; without either we stop, loudly: one line naming what the page links."""
        if landing.has_legacy_table:
            return
        if landing.parts:
            reason = "; ".join(in_parts(role, urls) for role, urls in landing.parts.items())
            raise FetchError(target.fetch_url, f"{reason}; nothing recorded")
        seen = ", ".join(landing.candidates) or "none"
        notes = ""
        if landing.unnamed_files:
            notes += "; links to files that do not say what they hold: " + ", ".join(
                landing.unnamed_files
            )
        if self._table_after_files:
            notes += (
                f"; its inline table is not read as the list, which has been published as a "
                f"file ({self._list_file})"
            )
        raise FetchError(
            target.fetch_url,
            f"no participating or pending list link found on the page (spreadsheet links seen: "
            f"{seen}{notes}); nothing recorded",
        )

    @staticmethod
    def _no_list_links(landing: LandingPage) -> bool:
        return landing.participating_url is None and landing.pending_url is None

    # -- lists -------------------------------------------------------------------------

    def fetch_lists(self, landing: LandingPage) -> None:
        """Fetch both sheets (conditionally) and archive each one that changed; one file
        that serves both lists is fetched once and kept as each."""
        if self._no_list_links(landing):
            return
        links = {"participating": landing.participating_url, "pending": landing.pending_url}
        both: FetchResult | None = None  # the participating list's, when one file is both
        for role in LIST_ROLES:
            url = links[role]
            if url is None:
                seen = ", ".join(landing.candidates) or "none"
                page = self.app.config.page_url
                parts = landing.parts.get(role)
                self.result.failures.append(
                    f"{page}: {in_parts(role, parts)}; nothing recorded for it"
                    if parts
                    else f"{page}: no {role} list link found (spreadsheet links seen: {seen})"
                )
                continue
            if role == "pending" and url == links["participating"]:
                if both is not None and both.content is not None:  # one file of both lists
                    self._floor = max(self._floor, self._newest)  # another observation
                    self.keep(self.remote_file(role, url), both, both.content)
                continue
            both = self.fetch_and_keep(self.remote_file(role, url))
            self._crash("sheet")
            self.flush_marks()

    # -- MOAs --------------------------------------------------------------------------

    def fetch_moas(self) -> None:
        """Every MOA and addendum of the accepted participating list: new ones once,
        known ones conditionally when ``fetch.moa_recheck_hours`` have passed."""
        targets = self.due_moas()
        with self.progress("MOA PDFs") as update:
            for done, target in enumerate(targets, start=1):
                if self.options.stopping():
                    left = len(targets) - done + 1
                    self.result.warnings.append(
                        f"stopped: {left} MOA download(s) left to the next pass"
                    )
                    break
                self.fetch_and_keep(target)
                self._crash("moa")
                if done % MARKS_BATCH == 0:
                    self.flush_marks()
                if update:
                    update(done, len(targets), target.name)
        self.flush_marks()
        self.result.moas_checked = len(targets)

    def due_moas(self) -> list[RemoteFile]:
        """The MOA targets to fetch now, sorted by URL."""
        urls = self.moa_urls()
        hours = self.app.config.fetch.moa_recheck_hours
        now = self.now()
        targets = [self.remote_file("moa", url) for url in urls]
        states = self._states
        return [t for t in targets if fetch_state.is_due(states.get(t.fetch_url), now, hours)]

    def moa_urls(self) -> list[str]:
        """Distinct repaired MOA and addendum URLs of the latest accepted participating list."""
        with transaction(self.app.engine) as session:
            snapshot = queries.latest_accepted(session, "participating", None)
            rows = queries.list_rows(session, snapshot)
            raw = [u for row in rows for u in (row.moa_url, row.addendum_url) if u]
        repaired = {urldefrag(url)[0] for url in map(repair_url, raw) if url}
        return sorted(repaired)

    # -- fetching and keeping ----------------------------------------------------------

    def remote_file(self, kind: str, url: str) -> RemoteFile:
        """The remote file behind a link as found (page, sheet or repaired MOA link)."""
        canonical = canonical_url(url, self.base_url)
        return RemoteFile(kind, canonical, rebase_url(canonical, self.base_url), EXPECT[kind])

    def fetch_and_keep(self, target: RemoteFile) -> FetchResult | None:
        """Fetch one file; archive it if it changed; remember validators afterwards."""
        result = self.download_target(target)
        if result is None:
            return None
        if result.content is not None:
            self.keep(target, result, result.content)
        elif target.kind in LIST_ROLES:
            self._kept_again(target, result)
        self._mark_fetched(target, result)
        return result

    def _kept_again(self, target: RemoteFile, result: FetchResult) -> None:
        """A list's link answered 304: the list is the file fetched before from that URL.
        When the list's last file is another (ICE pointed the link back at an earlier
        file, or two URLs in turn), that file is the list again: observed now, its bytes
        from the archive (else the record stayed on the other file for good, where an
        import of the same captures reads the reversal). So is a file the gate holds
        until a later list shows the same (a sudden change, a reversal): each pass's 304
        is that sighting, which a pass recorded nothing of, so the change waited for ICE
        to change the file again."""
        row = self._state(target.fetch_url)
        sha = row.sha256 if row is not None else None
        awaited = self._awaited.get(target.kind) == sha  # held: a later sighting decides
        latest = self._latest.get(latest_key(target.kind, target.canonical))
        if not sha or (latest == sha and not awaited):
            return
        try:
            data = self.app.archive.read(sha)
        except (OSError, ValueError):  # not in the archive (download_target asked then)
            return
        self.keep(target, replace(result, sha256=sha), data, again=awaited)

    def download_target(self, target: RemoteFile, fatal: bool = False) -> FetchResult | None:
        """A conditional GET. A failure is counted in fetch_state, then raised when
        ``fatal``, else reported as one failure line (and None returned)."""
        if clock() > self._deadline:
            self._too_late(target, fatal)
            return None
        row = self._state(target.fetch_url)
        kept = row is not None and row.sha256 and self.app.archive.find(row.sha256)
        usable = bool(kept) and self._trusted(target, row)
        etag = row.etag if row is not None and usable else None
        modified = row.last_modified if row is not None and usable else None
        try:
            return self.fetcher.fetch(target.fetch_url, target.expect, etag, modified)
        except FetchError as exc:
            self._mark_failed(target, exc)
            if fatal:
                self.flush_marks()
                raise
            self.result.failures.append(str(exc))
            return None

    def _too_late(self, target: RemoteFile, fatal: bool) -> None:
        """Past ``fetch.pass_deadline`` nothing more is fetched: what was recorded stays,
        the rest is left for the next pass and reported as one failure line."""
        if fatal:
            raise FetchError(target.fetch_url, self._deadline_text() + "; nothing fetched")
        self._left_for_next.append(target.fetch_url)

    def _deadline_text(self) -> str:
        return (
            f"the pass deadline (fetch.pass_deadline = {self.app.config.fetch.pass_deadline:g} s)"
        )

    def _report_deadline(self) -> None:
        left = self._left_for_next
        if left:
            self.result.failures.append(
                f"{self._deadline_text()} was reached: stopped cleanly, {len(left)} "
                f"download(s) left for the next pass (first: {left[0]})"
            )

    def keep(
        self, target: RemoteFile, result: FetchResult, data: bytes, again: bool = False
    ) -> None:
        """Archive the bytes and record the observation, unless they did not change
        (``again``: a list the gate holds until a later sighting is sighted again)."""
        key = latest_key(target.kind, target.canonical)
        sha = result.sha256 or ""
        if self._latest.get(key) == sha and not again:
            return
        obs = observe(self.app.archive, data, self._origin(target, result))
        if again:  # no news: held as it was, not reported again
            self._sighted_again.add(obs.snapshot_id)
        if self.app.archive.record(obs):
            self.result.recorded += 1
        self._latest[key] = obs.sha256
        self._newest = max(self._newest, obs.observed_at)

    def _trusted(self, target: RemoteFile, row: FetchState | None) -> bool:
        """Whether a page's or a sheet's validators may still be sent (within
        ``fetch.revalidate_hours`` of its last whole download); a MOA's are (it is
        re-checked only every ``fetch.moa_recheck_hours``)."""
        hours = self.app.config.fetch.revalidate_hours
        return target.kind == "moa" or fetch_state.validators_trusted(row, self.now(), hours)

    def _observed_at(self, fetched_at: datetime) -> str:
        """When the bytes were seen, strictly after what earlier stages recorded.

        Observation times have one-second precision and the pipeline replays in time
        order, so two passes within one second would tie. A tie takes the next second
        (after waiting for it, so nothing is dated in the future)."""
        observed = utc_iso(fetched_at)
        if observed > self._floor:
            return observed
        later = parse_utc(self._floor) + timedelta(seconds=1)
        while self.now() < later:
            time.sleep(TICK)
        return utc_iso(later)

    def _origin(self, target: RemoteFile, result: FetchResult) -> Origin:
        http: dict[str, Any] = {"status": result.status, "fetched_url": target.fetch_url}
        extras = {
            "final_url": result.final_url if result.redirects else None,
            "etag": result.etag,
            "last_modified": result.last_modified,
            "content_type": result.content_type,
        }
        http.update({k: v for k, v in extras.items() if v})
        return Origin(
            source="live",
            observed_at=self._observed_at(result.fetched_at),
            kind_claimed=target.kind,
            original_name=result.served_name or target.name or None,
            url=target.canonical,
            http=http,
            suffix=SUFFIX.get(target.expect),
        )

    def _state(self, url: str) -> FetchState | None:
        """The fetch state of ``url`` as it was when the pass started (each URL is
        fetched at most once per pass)."""
        return self._states.get(url)

    def _mark_fetched(self, target: RemoteFile, result: FetchResult) -> None:
        """Remember the validators of a file whose bytes are recorded (or a 304)."""
        self._marks.append(
            lambda session: fetch_state.mark_fetched(
                session,
                target.fetch_url,
                target.kind,
                status=result.status,
                sha256=result.sha256,
                etag=result.etag,
                last_modified=result.last_modified,
                checked_at=result.fetched_at,
            )
        )

    def _mark_failed(self, target: RemoteFile, exc: FetchError) -> None:
        """Count a failure (retried next pass)."""
        reason = exc.reason  # the text alone: the exception's traceback holds the
        match = _STATUS.search(reason)  # download's buffer (50 MB a refused MOA) until
        status = int(match[1]) if match else None  # the marks are written
        now, url, kind = self.now(), target.fetch_url, target.kind
        self._marks.append(
            lambda session: fetch_state.mark_failed(session, url, kind, reason, now, status)
        )

    def flush_marks(self) -> None:
        """Write the buffered fetch states in one transaction. Losing them (a crash)
        only costs a fetch again, as no validator is ever written before its bytes."""
        marks, self._marks = self._marks, []
        if marks:
            with transaction(self.app.engine, write=True) as session:
                for mark in marks:
                    mark(session)

    # -- diffing and reporting ---------------------------------------------------------

    def diff_recorded(self) -> Report:
        """Run the pipeline over what was recorded; collect this pass's rejections."""
        report = self.app.pipeline().process(self._diff_progress())
        told = self._known_snapshots | self._sighted_again
        for snapshot_id, name, reason in report.rejections:
            self._told.add(snapshot_id)  # reported now, or a sighting not reported again
            if snapshot_id not in told:
                self.result.rejections.append((name, reason))
                self._known_snapshots.add(snapshot_id)
                told.add(snapshot_id)
        self.result.accepted += report.accepted
        if report.replay_reason:
            self.result.warnings.append(f"history replayed: {report.replay_reason}")
        self.result.warnings.extend(f"{name}: {warning}" for name, warning in report.warnings)
        self.result.warnings.extend(report.damaged)
        return report

    def _diff_progress(self) -> Progress | None:
        if self.options.crash_after != "diff":
            return None
        return lambda _done, _total, _name: self._crash("diff")

    def check_counts(self, landing: LandingPage) -> None:
        """Warn (not fail) when the counts the page states differ from the lists."""
        stated = landing.stated_counts
        if stated is None or not (self.result.recorded or self.result.accepted):
            return
        with transaction(self.app.engine) as session:
            status = queries.status(session, None)
        if status["participating_snapshot"] is None:
            return
        pairs = (
            ("MOAs", stated.total_moas, status["agreements"]),
            ("states", stated.states, status["states"]),
            ("JEM", stated.jem, status["by_model"]["JEM"]),
            ("WSO", stated.wso, status["by_model"]["WSO"]),
            ("TFM", stated.tfm, status["by_model"]["TFM"]),
            ("pending", stated.pending, status["pending"]),
        )
        wrong = [
            f"{said} {label} stated, {found} listed"
            for label, said, found in pairs
            if said is not None and said != found
        ]
        if wrong:
            self.result.warnings.append(
                "the page's counts differ from the lists: " + "; ".join(wrong)
            )

    def _crash(self, step: str) -> None:
        """The test hook: die like ``kill -9`` right after ``step``."""
        if self.options.crash_after == step:
            os._exit(137)
