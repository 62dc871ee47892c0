"""``ice287g backfill wayback``: rebuild the history from the Wayback Machine's captures.

Three phases, each resumable and each safe to repeat:

1. **List.** Query the CDX API for the program page under every URL it has had
   (:data:`~scraper.wayback.PAGE_URLS`, exact match) and for the spreadsheets
   (:data:`~scraper.wayback.SHEET_PREFIX`, prefix match). Each CDX page's captures and
   the resume key after it are saved to the state file before the next page is asked
   for, so an interrupted listing continues from its resume key.
2. **Fetch.** Every distinct capture (timestamp, original URL) the archive does not yet
   hold is fetched once (``id_`` form, digest-checked) and recorded as an observation
   with source ``wayback`` and the capture time as its observed time. A capture whose
   Wayback digest matches bytes already held is recorded without downloading them
   again. A capture that cannot be used (digest mismatch, an error or block page, a
   404) is reported with its reason and remembered, and the backfill goes on.
3. **Replay.** The pipeline processes the new observations in observed order, merged
   with live and imported ones (it replays history when they are older).

The state file (``<archive>/backfill/wayback-state.json``) only saves work; the archive
manifest is the truth: a capture it already holds is never fetched again.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from common.times import utc_iso
from ice287g.app import App
from ice287g.captures import (
    CdxQuery,
    Failure,
    Held,
    StateFile,
    capture_ident,
    capture_name,
    capture_of,
    capture_row,
    cdx_queries,
    is_spreadsheet_url,
    is_transient,
    is_under_sheet_prefix,
    row_capture,
    url_key,
)
from ice287g.escape import for_terminal
from ice287g.intake import Origin, ProgressFactory, each_list, no_progress, observe
from ice287g.pipeline import Progress, Report
from parsers.errors import ParseError
from parsers.filenames import claimed_kind, claimed_kinds
from parsers.landing_page import LandingPage, parse_landing_page
from scraper.errors import FetchError
from scraper.fetch import validate_content
from scraper.policy import Expect
from scraper.wayback import (
    Capture,
    WaybackClient,
)
from snapshots.archive import Archive, Observation

STATE_FILE = Path("backfill") / "wayback-state.json"
MAX_TRANSIENT_IN_A_ROW = 3


@dataclass(frozen=True)
class Request:
    """What to backfill: a capture-date window and the Wayback endpoints."""

    from_: date | None = None
    to: date | None = None
    cdx_url: str = ""
    archive_url: str = ""

    def params(self) -> dict[str, str | None]:
        """The listing's identity: a saved listing is resumed only for the same one."""
        return {
            "from": self.from_.isoformat() if self.from_ else None,
            "to": self.to.isoformat() if self.to else None,
            "cdx_url": self.cdx_url,
        }


@dataclass(frozen=True)
class Listed:
    """One distinct capture to bring in, and what it must be."""

    capture: Capture
    expect: Expect

    @property
    def ident(self) -> str:
        return capture_ident(self.capture.timestamp, self.capture.original)

    @property
    def name(self) -> str:
        return capture_name(self.capture.original, self.capture.timestamp, self.expect)


@dataclass
class BackfillResult:
    """What the listing and fetching phases did, and what the replay that followed did."""

    found: int = 0
    fetched: int = 0
    reused: int = 0
    held: int = 0
    ignored: int = 0
    thinned: int = 0
    parts: int = 0  # captures of a list's parts, not read alone
    stale: int = 0  # captures of a file the page no longer linked, bytes seen before
    no_list: int = 0  # page captures that show no list (the day's others read instead)
    recorded: int = 0
    failures: list[Failure] = field(default_factory=list)
    diff: Report = field(default_factory=Report)


class CaptureUnusable(Exception):
    """The bytes of a capture arrived but are not what the backfill needs."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------- backfill


class WaybackBackfill:
    """Lists and fetches Wayback captures into the archive (the pipeline diffs them)."""

    def __init__(
        self,
        client: WaybackClient,
        archive: Archive,
        state: StateFile,
        page_captures_per_day: int = 1,
    ) -> None:
        self.client, self.archive, self.state = client, archive, state
        self.page_captures_per_day = page_captures_per_day
        self.result = BackfillResult()
        self._transient_in_a_row = 0
        self._request: Request | None = None  # the listing's, kept for the linked sheets
        self._page_links: dict[str, PageLinks] = {}  # by sha256: each page read as it came
        self._reserves: dict[str, list[Listed]] = {}  # page captures the thinning dropped
        self._listed_pages: set[str] = set()  # every page capture listed, thinned or not

    # ----- listing

    def list_captures(
        self,
        request: Request,
        progress: Progress | None = None,
        plan: tuple[CdxQuery, ...] | None = None,
    ) -> list[Listed]:
        """Every distinct capture to consider, oldest first (resuming a saved listing):
        of the page and the sheet folder, or of the queries of ``plan``."""
        self._request = request
        run = self.state.begin(request.params())
        self.state.save()
        plan = cdx_queries() if plan is None else plan
        for done, query in enumerate(plan, start=1):
            entry = self.state.query(run, query)
            if not entry["done"]:
                self._list_query(query, entry, request)
            if progress:
                progress(done, len(plan), query.pattern)
        return self._distinct(run, plan)

    def _list_query(self, query: CdxQuery, entry: dict[str, Any], request: Request) -> None:
        pages = self.client.iter_pages(
            query.pattern, request.from_, request.to, query.match_type, entry["resume_key"]
        )
        for page in pages:
            entry["captures"].extend(capture_row(c) for c in page.captures)
            entry["resume_key"] = page.resume_key
            entry["done"] = page.resume_key is None
            self.state.save()

    def _distinct(self, run: dict[str, Any], plan: tuple[CdxQuery, ...]) -> list[Listed]:
        found: dict[str, Listed] = {}
        for query in plan:
            for row in self.state.query(run, query)["captures"]:
                item = Listed(row_capture(row, self.client.archive_url), query.expect)
                found.setdefault(item.ident, item)
        usable = [i for i in found.values() if self._wanted(i)]
        self.result.ignored += len(found) - len(usable)
        self.result.found += len(usable)
        ordered = sorted(usable, key=lambda i: (i.capture.timestamp, i.capture.original))
        kept = thin_pages(ordered, self.page_captures_per_day)
        self.result.thinned += len(ordered) - len(kept)
        self._reserves.update(reserves(ordered, kept))
        self._listed_pages.update(i.ident for i in ordered if i.expect == "page")
        return kept

    @staticmethod
    def _wanted(item: Listed) -> bool:
        """A page, a sheet a page links, or a spreadsheet under the sheet prefix."""
        if item.expect != "sheet" or not is_under_sheet_prefix(item.capture.original):
            return True
        return is_spreadsheet_url(item.capture.original)

    # ----- fetching

    def download_captures(self, listed: list[Listed], progress: Progress | None = None) -> None:
        """Bring every listed capture the archive lacks into it: the page's, and those
        of the pages named for a list it links instead of a list (:func:`list_pages`),
        then the sheets' and those of the sheets the page captures link outside the
        sheet folder (the lists published elsewhere: :func:`linked_sheets`, listed
        alike), but for the captures that are no observation of a list at their time
        (:meth:`_of_their_time`: the parts of a list published in parts, the unchanged
        copies of a file the page stopped linking); then drop the listing."""
        held = Held.load(self.archive)
        pages = [item for item in listed if item.expect == "page"]
        self._bring_all(pages, held, progress)
        self._bring_all(self._listed(list_pages(self._page_links_at())), held, progress)
        timeline = self._page_links_at()  # the list pages' captures too
        sheets = [item for item in listed if item.expect != "page"]
        sheets += self._listed(linked_sheets(timeline))
        self._bring_all(self._of_their_time(sheets, timeline), held, progress)
        self.state.finish()

    def _listed(self, queries: tuple[CdxQuery, ...]) -> list[Listed]:
        """The captures of ``queries`` (links the page captures gave), listed."""
        if not queries or self._request is None:
            return []
        return self.list_captures(self._request, None, queries)

    def _bring_all(self, listed: list[Listed], held: Held, progress: Progress | None) -> None:
        for done, item in enumerate(listed, start=1):
            if not self._stands(item, held):
                self._bring_reserve(item, held)
            if progress:
                progress(done, len(listed), item.name)

    def _stands(self, item: Listed, held: Held) -> bool:
        """Bring one capture in; whether it stands for its time: held now and, for a
        page, showing a list (list links, the lists' pages, or a list table). A page
        capture that shows none (an empty or error page not recognised as one, in any
        era) says nothing of the lists: it is kept, counted, and left out of the
        timeline of what the page links, and the day's other captures are read."""
        if not self._bring(item, held):
            return False
        obs = held.observed.get(item.ident)
        if item.expect != "page" or obs is None or obs.kind_claimed != "page":
            return True  # a sheet; a page holding the inline list (claimed as that list)
        if self._page_links_one(obs.sha256, obs.url or "").shows_list:
            return True
        self.result.no_list += 1
        return False

    def _bring_reserve(self, item: Listed, held: Held) -> None:
        """A page capture kept by the thinning that cannot be used (an error or block
        page, a capture lost) or shows no list: the same day's capture before it, the
        latest that stands, stands for it (the day was lost: the thinning had dropped
        the good captures)."""
        for reserve in self._reserves.get(item.ident, ()):
            self.result.thinned -= 1
            if self._stands(reserve, held):
                return

    def _page_links_at(self) -> Timeline:
        """Each page capture listed (thinned or not) held in the archive that shows a
        list, by observed time, and what it links (each distinct page read once)."""
        found: list[tuple[str, PageLinks]] = []
        for obs in self.archive.observations():
            ident = capture_of(obs)
            if obs.source != "wayback" or obs.kind_claimed != "page":
                continue
            if ident in self._listed_pages:
                links = self._page_links_one(obs.sha256, obs.url or "")
                if links.shows_list:
                    found.append((obs.observed_at, links))
        return sorted(found, key=lambda pair: pair[0])

    def _page_links_one(self, sha: str, url: str) -> PageLinks:
        """The links of one page capture: as read when it was brought in, else read from
        the archive (a capture held from an earlier run); read once per content."""
        known = self._page_links.get(sha)
        if known is None:
            try:
                known = PageLinks.of(parse_landing_page(self.archive.read(sha), url))
            except (OSError, ValueError, ParseError):
                known = PageLinks()
            self._page_links[sha] = known
        return known

    def _of_their_time(self, sheets: list[Listed], timeline: Timeline) -> list[Listed]:
        """``sheets`` in capture order, but those that are no observation of a list at
        their time, judged by the page of their time (its last capture before them that
        shows a list, else its first):

        - a part of a list published in parts (its URL linked as a part): read as the
          whole list it would withdraw the others' agreements (as ``run`` reads none);
        - an unchanged copy of a file the page stopped linking: a URL an earlier page
          capture linked for a list, which the page of their time does not link, with
          bytes an earlier sheet capture already held. It shows the list as it stood
          when it was published there, not at its capture time (read then, the list
          went back). A file the page never linked (one captured before its link was,
          or found only by the folder's prefix), or new bytes at a URL (its file still
          written), is read: no page capture says it is out of date.

        Without a page capture before them (none known of their time), they are read."""
        times = [at for at, _ in timeline]
        first_linked: dict[str, str] = {}
        for when, links in timeline:
            for key in links.lists:
                first_linked.setdefault(key, when)
        seen: set[str] = set()
        kept: list[Listed] = []
        for item in sorted(sheets, key=lambda i: (i.capture.timestamp, i.capture.original)):
            key, digest = url_key(item.capture.original), item.capture.digest.upper()
            at = bisect_right(times, utc_iso(item.capture.captured_at)) - 1
            page = timeline[max(at, 0)][1] if timeline else PageLinks()
            before = first_linked.get(key)
            if key in page.parts:
                self.result.parts += 1
            elif (
                at >= 0
                and key not in page.lists
                and before is not None
                and before <= times[at]
                and digest in seen
            ):
                self.result.stale += 1
            else:
                kept.append(item)
            seen.add(digest)
        return kept

    def _bring(self, item: Listed, held: Held) -> bool:
        """Bring one capture in; whether it is held now (False: it failed)."""
        if item.ident in held.captures:
            self.result.held += 1
            return True
        known = self.state.failure(item.ident)
        if known and known.get("permanent"):
            failure = Failure(item.ident, str(known.get("reason")), True, earlier=True)
            self.result.failures.append(failure)
            return False
        try:
            obs, reused = self._observe(item, held)
        except (FetchError, CaptureUnusable) as exc:
            self._failed(item, exc.reason)
            return False
        self._transient_in_a_row = 0
        if reused:
            self.result.reused += 1
        else:
            self.result.fetched += 1
        self.state.clear(item.ident)
        sheets = claimed_kinds(item.name) if item.expect != "page" else ()
        for each in each_list(obs, sheets):  # a file of both lists: each list's
            if self.archive.record(each):
                self.result.recorded += 1
        held.add(obs)
        return True

    def _observe(self, item: Listed, held: Held) -> tuple[Observation, bool]:
        """The observation of a capture, from held bytes with its digest or downloaded."""
        data = held.bytes_for(item.capture.digest)
        if data is not None:
            validate_content(item.capture.raw_url, data, item.expect)
            return self._observation(item, data, reused=True), True
        data = self.client.fetch_capture(item.capture, item.expect)
        return self._observation(item, data, reused=False), False

    def _failed(self, item: Listed, reason: str) -> None:
        failure = Failure(item.ident, reason, permanent=not is_transient(reason))
        self.result.failures.append(failure)
        self.state.record_failure(failure)
        if failure.permanent:
            self._transient_in_a_row = 0
            return
        self._transient_in_a_row += 1
        if self._transient_in_a_row >= MAX_TRANSIENT_IN_A_ROW:
            raise FetchError(
                self.client.archive_url,
                f"{self._transient_in_a_row} captures in a row could not be fetched "
                f"(last: {reason}); stopped, run again to continue",
            )

    def _observation(self, item: Listed, data: bytes, reused: bool) -> Observation:
        kind, suffix, page = classify(item, data)
        capture = item.capture
        http: dict[str, Any] = {
            "capture": {
                "timestamp": capture.timestamp,
                "original": capture.original,
                "mimetype": capture.mimetype,
                "digest": capture.digest,
            },
            "raw_url": capture.raw_url,
        }
        if reused:
            http["bytes"] = "already held (same Wayback digest), not downloaded again"
        origin = Origin(
            source="wayback",
            observed_at=utc_iso(capture.captured_at),
            kind_claimed=kind,
            original_name=item.name,
            url=capture.original,
            http=http,
            suffix=suffix,
        )
        obs = observe(self.archive, data, origin)
        if page is not None:  # read once: its list links are asked for after the fetch
            self._page_links.setdefault(obs.sha256, PageLinks.of(page))
        return obs


def thin_pages(items: list[Listed], per_day: int) -> list[Listed]:
    """Keep at most ``per_day`` page captures of each UTC day, spread over the day and
    ending with its last (the page as it stood at the end of the day); every sheet
    capture is kept. ``items`` are in capture order; 0 keeps everything.

    The page's HTML differs from capture to capture, so the Wayback digest does not
    collapse its captures; a day's last capture shows the day's lists (the inline
    table of the older page, the sheets' links of the later one)."""
    if per_day <= 0:
        return items
    days: dict[str, list[Listed]] = {}
    for item in items:
        if item.expect == "page":
            days.setdefault(item.capture.timestamp[:8], []).append(item)
    kept: set[str] = set()
    for group in days.values():
        count = len(group)
        picks = range(count) if count <= per_day else _spread(count, per_day)
        kept.update(group[i].ident for i in picks)
    return [i for i in items if i.expect != "page" or i.ident in kept]


def reserves(items: list[Listed], kept: list[Listed]) -> dict[str, list[Listed]]:
    """For each page capture the thinning kept, the same day's captures it dropped since
    the one kept before (latest first): what stands for it should it be unusable."""
    chosen = {item.ident for item in kept}
    found: dict[str, list[Listed]] = {}
    dropped: list[Listed] = []
    day = ""
    for item in (i for i in items if i.expect == "page"):
        if item.capture.timestamp[:8] != day:
            day, dropped = item.capture.timestamp[:8], []
        if item.ident in chosen:
            found[item.ident], dropped = dropped[::-1], []
        else:
            dropped.append(item)
    return found


def _spread(count: int, wanted: int) -> list[int]:
    """``wanted`` indexes spread over ``range(count)``, the last one included."""
    return sorted({(i + 1) * count // wanted - 1 for i in range(wanted)})


def classify(item: Listed, data: bytes) -> tuple[str | None, str | None, LandingPage | None]:
    """The list a capture claims to be, its archive suffix when it is read as a page
    (None: the intake takes it from the bytes), and the page as read (None for a sheet).

    A spreadsheet claims what its URL's name says (the parser decides from contents).
    A page holding the older inline participating table is that list; a later page
    (links to the spreadsheets) is kept as ``page``; an error or block page is unusable.
    """
    if item.expect != "page":
        return claimed_kind(item.name), None, None
    try:
        page = parse_landing_page(data, item.capture.original)
    except ParseError as exc:
        raise CaptureUnusable(exc.reason) from exc
    if page.has_legacy_table:
        return "participating", ".html", page
    if page.block_reason:
        raise CaptureUnusable(f"an error or block page ({page.block_reason!r})")
    return "page", ".html", page


@dataclass(frozen=True)
class PageLinks:
    """What a page capture links that the backfill follows or leaves: its list links
    outside the sheet folder (without their scheme, as CDX patterns), the pages named
    for a list when it links none, and the links of a list it publishes in parts (as
    :func:`captures.url_key` gives them)."""

    sheets: frozenset[str] = frozenset()
    pages: tuple[str, ...] = ()
    parts: frozenset[str] = frozenset()
    lists: frozenset[str] = frozenset()  # its list links, wherever they are (url_key)
    shows_list: bool = False  # list links, parts, the lists' pages, or the inline table

    @classmethod
    def of(cls, page: LandingPage) -> PageLinks:
        links = {link for link in (page.participating_url, page.pending_url) if link}
        bare = {link.split("://", 1)[-1] for link in links}
        parts = frozenset(url_key(url) for urls in page.parts.values() for url in urls)
        return cls(
            sheets=frozenset(link for link in bare if not is_under_sheet_prefix(link)),
            pages=tuple(url.split("://", 1)[-1] for url in page.list_pages),
            parts=parts,
            lists=frozenset(url_key(link) for link in links),
            shows_list=bool(links or parts or page.list_pages or page.has_legacy_table),
        )


Timeline = list[tuple[str, PageLinks]]
"""Page captures held in the archive, by observed time, and what each links."""


def linked_sheets(timeline: Timeline) -> tuple[CdxQuery, ...]:
    """Exact CDX queries for the list links of the page captures that lie outside the
    sheet folder searched by prefix."""
    urls = {url for _, links in timeline for url in links.sheets}
    return tuple(CdxQuery(url, "exact", "sheet") for url in sorted(urls))


def list_pages(timeline: Timeline) -> tuple[CdxQuery, ...]:
    """Exact CDX queries for the pages named for a list that page captures linking no
    list link instead (where the lists moved, as ``run`` follows them)."""
    urls = {url for _, links in timeline for url in links.pages}
    return tuple(CdxQuery(url, "exact", "page") for url in sorted(urls))


# --------------------------------------------------------------------------- command


def state_path(archive: Archive) -> Path:
    """Where the backfill keeps its progress: inside the archive it fills."""
    return archive.root / STATE_FILE


def run_backfill(
    app: App, request: Request, progress: ProgressFactory = no_progress
) -> BackfillResult:
    """List, fetch and replay: the whole ``backfill wayback`` command.

    Holds the run lock throughout, so a scheduled ``run`` never writes the archive or
    the database at the same time.
    """
    with app.exclusive():
        return _run_locked(app, request, progress)


def _run_locked(app: App, request: Request, progress: ProgressFactory) -> BackfillResult:
    w = app.config.wayback
    cdx_url, archive_url = request.cdx_url or w.cdx_url, request.archive_url or w.archive_url
    client = app.wayback(cdx_url, archive_url)
    state = StateFile(state_path(app.archive))
    job = WaybackBackfill(client, app.archive, state, w.page_captures_per_day)
    resolved = Request(request.from_, request.to, cdx_url, archive_url)
    with progress("listing captures") as update:
        listed = job.list_captures(resolved, update)
    with progress("fetching captures") as update:
        job.download_captures(listed, update)
    with progress("replaying history") as update:
        job.result.diff = app.pipeline().process(update)
    return job.result


def summary_lines(result: BackfillResult) -> Iterator[tuple[str, bool]]:
    """The command's output: (line, to stderr) for each failure and rejection, then the
    summary line."""
    for failure in result.failures:
        note = " (as in an earlier run; not retried)" if failure.earlier else ""
        yield f"failed {failure.ident}: {failure.reason}{note}", True
    for _, name, reason in result.diff.rejections:
        yield f"rejected {for_terminal(name)}: {for_terminal(reason)}", True
    yield summary(result), False


def summary(result: BackfillResult) -> str:
    """One line: captures found, fetched, already held, failed; snapshots; events."""
    diff = result.diff
    parts = [
        f"{result.found} captures found",
        f"{result.fetched} fetched",
        f"{result.reused} matched bytes already held",
        f"{result.held} already held",
        f"{len(result.failures)} failed",
    ]
    if result.ignored:
        parts.append(f"{result.ignored} ignored (not spreadsheets)")
    if result.thinned:
        parts.append(f"{result.thinned} page captures skipped (wayback.page_captures_per_day)")
    if result.parts:
        parts.append(f"{result.parts} captures of a list published in parts skipped")
    if result.stale:
        parts.append(
            f"{result.stale} unchanged captures of a file the page no longer linked skipped"
        )
    if result.no_list:
        parts.append(f"{result.no_list} page captures showing no list (the day's others read)")
    return (
        "wayback: "
        + ", ".join(parts)
        + f"; {diff.processed} snapshots processed ({diff.accepted} accepted, "
        + f"{diff.rejected} rejected), {diff.events} new events{diff.replay_note}"
    )
