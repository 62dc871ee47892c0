"""Orchestration: replay archived observations through parse -> gate -> diff -> store.

The archive is the truth; the database is derived. Observations are processed in
observed order. When one arrives older than what was already processed (a backfill,
a late import), or the history was derived with other parsers or rules (an upgrade, a
changed ``[diff]`` setting: :func:`derivation_key`), the derived tables are rebuilt from
the archive so the history is always the one a full replay gives.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from common.hashing import bounded, canonical_json, short_hash
from common.times import parse_utc
from diffs.engine import Outcome, apply_snapshot, reject
from diffs.events import SnapshotRef
from diffs.gate import Rules
from diffs.identity import alias_key
from diffs.moa_reviewed import ReviewedDocument, merge_reviewed
from diffs.moa_rules import apply_moa
from diffs.state import LossCandidate, ProgramState
from diffs.version import RULES_VERSION
from ice287g.parallel import (
    UNREADABLE,
    Job,
    ParseStream,
    not_kept,
    parse_alone,
    read_moa,
)
from parsers.errors import ParseError
from parsers.ocr import Ocr
from parsers.records import ParsedListing
from parsers.urls import MAX_URL_CHARS
from parsers.versions import LISTS, MOA
from snapshots.archive import Archive, IdRegistry, Observation
from store import moa as moa_store
from store import parsed as parse_cache
from store import versions, writer
from store.db import transaction
from store.models import Snapshot

LIST_KINDS = ("participating", "pending")
KIND_ORDER = {"participating": 0, "pending": 1, None: 2}
COMMIT_EVERY = 100
RECENT = 4  # parsed lists kept in memory: repeated captures of one content

Progress = Callable[[int, int, str], None]


def sort_key(obs: Observation) -> str:
    """Replay order: observed time, then participating before pending, then id."""
    order = KIND_ORDER.get(obs.kind_claimed, 3)
    return f"{obs.observed_at}|{order}|{obs.snapshot_id}"


def is_list(obs: Observation) -> bool:
    return obs.kind_claimed in (None, *LIST_KINDS)


@dataclass
class Report:
    """What one processing pass did."""

    processed: int = 0
    accepted: int = 0
    rejected: int = 0
    events: int = 0
    replay_reason: str | None = None  # why the history was replayed, when it was
    rejections: list[tuple[str, str, str]] = field(default_factory=list)
    new_event_ids: list[str] = field(default_factory=list)
    # (file, warning): what the parser noticed, and the note of a list accepted
    warnings: list[tuple[str, str]] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)  # the archive manifest's lines that are none

    @property
    def replayed(self) -> bool:
        return self.replay_reason is not None

    @property
    def replay_note(self) -> str:
        """`` (history replayed: why)`` when the history was replayed, else empty."""
        return f" (history replayed: {self.replay_reason})" if self.replayed else ""


class Pipeline:
    """Turns the archive into the derived database. Built by the application layer."""

    def __init__(
        self,
        engine: Engine,
        archive: Archive,
        rules: Rules,
        aliases: dict[str, str],
        ocr: Callable[[], Ocr | None] | None = None,
        reviewed: Mapping[str, ReviewedDocument] | None = None,
    ) -> None:
        self.engine, self.archive, self.rules, self.aliases = engine, archive, rules, aliases
        self.derivation = derivation_key(rules)
        self.reviewed = reviewed or {}  # values read by a person, by sha256
        self.ocr = ocr  # asked for only when a MOA comes (finding Tesseract runs it)
        self._open = versions.OpenLists()  # the lists' open versions, loaded by _run
        self._recorded = writer.Recorded()  # the events' changes and evidence, likewise
        self._stream = ParseStream([])  # files parsed ahead of the diff, set by _run
        self._parts: dict[Moment, int] = {}  # lists in parts, set by _run and _replay
        self._recent: OrderedDict[str, ParsedListing | ParseError] = OrderedDict()
        self._rows = parse_cache.RowMemo()  # cached rows decoded once, shared by the lists
        self._stored: dict[str, bytes | str] = {}  # the batch's cached results, as stored
        self._snapshots: list[dict[str, Any]] = []  # the batch's snapshot rows
        self._parsed: list[parse_cache.CacheRow] = []  # the batch's new parse cache rows

    def rebuild(self, progress: Progress | None = None) -> Report:
        """Drop everything derived and replay the whole archive."""
        report = Report(replay_reason="rebuild")
        observations = sorted(self.archive.observations(), key=sort_key)
        self._damaged(report)
        self._replay(observations, report, progress)
        return report

    def _readable(self, sha: str) -> bool:
        """Whether the archive gives the bytes of ``sha`` whole now (a file it could not
        give when its snapshot was read, deleted or damaged, restored since)."""
        try:
            self.archive.read(sha)
        except (OSError, ValueError):
            return False
        return True

    def _damaged(self, report: Report) -> None:
        """Each line of the archive's manifest that is no observation, said."""
        report.damaged = [
            f"{self.archive.manifest_path}: line {number} is no observation ({why}): skipped"
            for number, why in self.archive.damaged
        ]

    def process(self, progress: Progress | None = None, ahead: ParseStream | None = None) -> Report:
        """Process every archived observation not yet in the database (``ahead``: a
        stream already parsing some of their files, which this pass then uses)."""
        observations = sorted(self.archive.observations(), key=sort_key)
        report = Report()
        self._damaged(report)
        with transaction(self.engine) as session:
            known = writer.known_snapshot_ids(session)
            through = writer.processed_through(session)
            derived = writer.load_derivation(session)
            faulted = writer.snapshots_failing(session, unreadable(UNREADABLE))
        todo = [o for o in observations if o.snapshot_id not in known]
        if known and derived != self.derivation:
            report.replay_reason = "the history was derived with other parsers or rules"
        elif any(self._readable(sha) for sha in faulted):
            report.replay_reason = "a file the archive could not give before is back"
        elif todo and through and sort_key(todo[0]) < through:
            report.replay_reason = "an observation older than the history arrived"
        elif part_of_a_read_list(todo, observations, known):
            report.replay_reason = "another file of a list already read at its time arrived"
        if report.replayed:
            with transaction(self.engine) as session:
                before = set(writer.event_evidence(session).values())
            self._replay(observations, report, progress, ahead)
            # new: the events the history did not hold before it was replayed, whatever
            # their ids (a history derived with other rules may number them otherwise)
            with transaction(self.engine) as session:
                now = writer.event_evidence(session)
            report.new_event_ids = [i for i in report.new_event_ids if now[i] not in before]
            report.events = len(set(report.new_event_ids))
        else:
            self._run(todo, report, progress, ahead)
        return report

    def _replay(
        self,
        observations: list[Observation],
        report: Report,
        progress: Progress | None,
        ahead: ParseStream | None = None,
    ) -> None:
        """Drop everything derived and replay, in one transaction: a replay stopped
        midway (killed, a full disk, a lost database) leaves the previous history whole
        and readable, never an empty or partial one."""
        self._parts = in_parts(observations)
        with transaction(self.engine, write=True) as session:
            writer.reset_derived(session)
            self._open = versions.load_open(session)
            self._recorded = writer.recorded(session)  # kept up to date as events are added
            self._stream = self._parse_stream(session, observations, ahead)
            state = ProgramState(aliases=dict(self.aliases))
            try:
                for start in range(0, len(observations), COMMIT_EVERY):
                    batch = observations[start : start + COMMIT_EVERY]
                    state = self._batch(session, state, batch, report, progress, len(observations))
                    session.flush()
                if observations:
                    self._keep(session, state, observations[-1])
            finally:
                self._finish()

    def _run(
        self,
        todo: list[Observation],
        report: Report,
        progress: Progress | None,
        ahead: ParseStream | None,
    ) -> None:
        """Diff ``todo`` in observed order while worker processes parse the files ahead
        of it, committing every COMMIT_EVERY observations (a pass stopped midway resumes
        from the last batch committed)."""
        if not todo:
            return
        self._parts = in_parts(todo)
        with transaction(self.engine) as session:
            self._open = versions.load_open(session)
            self._recorded = writer.recorded(session)  # kept up to date as events are added
            self._stream = self._parse_stream(session, todo, ahead)
            state, through = writer.load_state(session)
        if through is None:
            state = ProgramState(aliases=dict(self.aliases))
        try:
            for start in range(0, len(todo), COMMIT_EVERY):
                batch = todo[start : start + COMMIT_EVERY]
                with transaction(self.engine, write=True) as session:
                    state = self._batch(session, state, batch, report, progress, len(todo))
                    self._keep(session, state, batch[-1])
        finally:
            self._finish()

    def _finish(self) -> None:
        """Stop the parse workers and drop what the pass held in memory."""
        self._stream.close()
        self._recent.clear()
        self._rows.clear()
        self._stored = {}

    def _parse_stream(
        self, session: Session, todo: list[Observation], ahead: ParseStream | None
    ) -> ParseStream:
        """The list files this pass must parse (not cached), in ``ahead`` if given."""
        wanted = {o.sha256: o for o in todo if is_list(o) and _moment(o) not in self._parts}
        cached = parse_cache.cached_shas(session, wanted, LISTS)
        jobs = parse_jobs(self.archive, [o for sha, o in wanted.items() if sha not in cached])
        if ahead is None:
            return ParseStream(jobs)
        ahead.plan(jobs)
        return ahead

    def _keep(self, session: Session, state: ProgramState, last: Observation) -> None:
        """The engine's state and the projections of it, as of ``last`` processed, and
        what they were derived with."""
        writer.save_state(session, state, sort_key(last))
        writer.save_derivation(session, self.derivation)
        writer.write_projections(session, state)

    def _batch(
        self,
        session: Session,
        state: ProgramState,
        batch: list[Observation],
        report: Report,
        progress: Progress | None,
        total: int,
    ) -> ProgramState:
        """Diff a batch of observations from ``state``; the state after them."""
        seq = writer.next_seq(session, Snapshot)
        shas = {obs.sha256 for obs in batch if is_list(obs)}
        self._stored = parse_cache.fetch(session, shas, LISTS)
        self._snapshots, self._parsed = [], []
        events = writer.next_seq(session, writer.EventModel)
        rows: list[tuple[Any, ...]] = []
        for obs in batch:
            state, outcome = self._one(session, state, obs, seq)
            found = outcome.events if outcome else ()
            new, new_rows = writer.event_rows(found, events + len(rows), self._recorded)
            rows += new_rows
            self._warnings(report, obs)
            self._tally(report, obs, outcome, len(new))
            report.new_event_ids.extend(e.id for e in new)
            seq += 1
            if progress:
                progress(report.processed, total, _name(obs))
        writer.insert_events(session, rows)
        writer.insert_snapshots(session, self._snapshots)
        parse_cache.save_many(session, self._parsed)
        self._record_ids(state)
        return state

    def _record_ids(self, state: ProgramState) -> None:
        """Keep the ids minted (and names aliased) in this batch in the archive's id
        registry, so a rebuild gives every agency the id it has now."""
        current = {alias_key(a.state, a.key): a.id for a in state.agencies.values()}
        new = {k: v for k, v in {**current, **state.aliases}.items() if k not in self.aliases}
        if new:
            IdRegistry(self.archive.root).append(new)
            self.aliases.update(new)

    def _one(
        self, session: Session, state: ProgramState, obs: Observation, seq: int
    ) -> tuple[ProgramState, Outcome | None]:
        if obs.kind_claimed == "moa":
            return self._moa(session, state, obs, seq)
        if not is_list(obs):
            self._snapshots.append(self._snapshot_row(obs, seq, "stored", None, None))
            return state, None
        if files := self._parts.get(_moment(obs)):
            return self._part(session, state, obs, seq, files)
        parsed = self._parse(obs)
        if isinstance(parsed, ParsedListing):  # a file of both lists: the one it is said to be
            parsed = parsed.as_claimed(obs.kind_claimed)
        ref = _ref(obs, parsed)
        if isinstance(parsed, ParseError):
            outcome = reject(state, ref, unreadable(parsed.reason), obs.kind_claimed or "unknown")
        else:
            outcome = apply_snapshot(
                state, ref, parsed, obs.kind_claimed, self.rules, forced=obs.forced
            )
        self._store(session, obs, seq, parsed, outcome)
        return outcome.state, outcome

    def _part(
        self, session: Session, state: ProgramState, obs: Observation, seq: int, files: int
    ) -> tuple[ProgramState, Outcome | None]:
        """One of several files of one list observed at one time: ICE publishes one list
        of each kind at a time, so these are parts of one list (one file a model or a
        state), or captures given one time by mistake; none is the whole list, and none
        is read as it (a part read as the list would withdraw every agreement of the
        others)."""
        kind = obs.kind_claimed or "unknown"
        reason = (
            f"one of {files} files of the {kind} list observed at {obs.observed_at}: a list "
            "published in parts, or captures given one time; none is read as the whole list "
            "(captures of different moments: give each its time, with a manifest)"
        )
        unread = ParseError(_name(obs), reason)
        outcome = reject(state, _ref(obs, unread), reason, kind)
        self._store(session, obs, seq, unread, outcome)
        return outcome.state, outcome

    def _moa(
        self, session: Session, state: ProgramState, obs: Observation, seq: int
    ) -> tuple[ProgramState, Outcome | None]:
        """A MOA or addendum PDF: parse it (cached by hash) and diff its bytes."""
        # its link's column holds MAX_URL_CHARS (a manifest may give a longer URL)
        url = bounded(obs.url or obs.original_name or obs.sha256, MAX_URL_CHARS)
        ocr = self.ocr() if self.ocr is not None else None
        reviewed = self.reviewed.get(obs.sha256)
        version = moa_parser_version(ocr, reviewed)
        record = moa_store.cached_record(session, obs.sha256, version)
        if record is None:
            record = merge_reviewed(self._parse_moa(obs, url, ocr), reviewed)
            if not not_kept(record.get("error")):
                moa_store.keep_record(session, obs.sha256, version, record)
        ref = SnapshotRef(
            id=obs.snapshot_id,
            observed_at=obs.observed_at,
            sha256=obs.sha256,
            kind="moa",
            where=url,
        )
        state, events = apply_moa(state, ref, url, moa_fields(record))
        moa_store.record_link(session, url, obs.sha256, obs.observed_at)
        row = self._snapshot_row(obs, seq, "stored", record.get("error"), None)
        self._snapshots.append(row | {"kind": "moa", "format": "pdf"})
        return state, Outcome(state, tuple(events), True)

    def _parse_moa(self, obs: Observation, url: str, ocr: Ocr | None) -> dict[str, Any]:
        """Its record, read in a child process (``parallel.read_moa``); a record whose
        error is ``not_kept`` is the archive's or the reader's fault."""
        try:
            data = self.archive.read(obs.sha256)
        except (OSError, ValueError) as exc:
            return {"sha256": obs.sha256, "error": f"{UNREADABLE}: {exc}"}
        seen = parse_utc(obs.observed_at).date()  # a document is not signed after it is seen
        return read_moa(data, obs.original_name or url, url, ocr, seen)

    def _store(
        self,
        session: Session,
        obs: Observation,
        seq: int,
        parsed: ParsedListing | ParseError,
        outcome: Outcome,
    ) -> None:
        listing = parsed if isinstance(parsed, ParsedListing) else None
        verdict = "accepted" if outcome.accepted else "rejected"
        row = self._snapshot_row(obs, seq, verdict, outcome.reason, listing)
        self._snapshots.append(row | {"note": outcome.note})
        if listing is not None and outcome.accepted:
            if outcome.confirmed is not None and outcome.confirmed.first.id != obs.snapshot_id:
                self._held_confirmed(session, outcome.confirmed, obs)
            at = versions.At(seq, obs.observed_at, obs.snapshot_id)
            content = (obs.sha256, listing.rows, outcome.agency_ids)
            versions.record_list(session, self._open, listing.kind, at, content)

    def _held_confirmed(self, session: Session, held: LossCandidate, by: Observation) -> None:
        """A held list that ``by`` confirmed stays rejected (its other rows, a day's
        flicker beside the change, are not read), and its note says the change it showed
        first was confirmed and is dated by it."""
        first = held.first
        note = f"held, then confirmed by the list of {by.observed_at}: its change is dated by it"
        in_batch = next((row for row in self._snapshots if row["id"] == first.id), None)
        if in_batch is not None:
            in_batch.update(note=writer.joined_note(in_batch["note"], note))
        else:
            writer.note_confirmed(session, first.id, note)

    def _snapshot_row(
        self,
        obs: Observation,
        seq: int,
        verdict: str,
        reason: str | None,
        listing: ParsedListing | None,
    ) -> dict[str, Any]:
        """The snapshot's row (inserted with the batch's others)."""
        path = self.archive.find(obs.sha256)
        return dict(
            id=obs.snapshot_id,
            seq=seq,
            observed_at=obs.observed_at,
            sha256=obs.sha256,
            source=obs.source,
            kind_claimed=obs.kind_claimed,
            kind=listing.kind if listing else obs.kind_claimed,
            format=listing.source_format if listing else (obs.suffix.lstrip(".") or None),
            url=obs.url,
            original_name=obs.original_name,
            archive_path=str(path.relative_to(self.archive.root)) if path else None,
            size=obs.size,
            verdict=verdict,
            reason=reason,
            row_count=len(listing.rows) if listing else None,
            http=canonical_json(obs.http) if obs.http else None,
            note=None,
        )

    def _parse(self, obs: Observation) -> ParsedListing | ParseError:
        """A list file's parse result: from memory (a content just seen), the parse
        cache, or the parse stream."""
        sha = obs.sha256
        if sha in self._recent:
            self._recent.move_to_end(sha)
            return self._recent[sha]
        result = self._cached(obs)
        if result is None:
            result = self._fresh(obs)
        self._recent[sha] = result
        if len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        return result

    def _fresh(self, obs: Observation) -> ParsedListing | ParseError:
        """A file parsed (by the stream, or now) into its parse cache row, kept in the
        cache and in the batch's stored results, and read back from that row as a list
        parsed before is (a later capture of the same bytes is read, not parsed)."""
        sha = obs.sha256
        row = self._stream.get(sha) if sha in self._stream else self._parse_now(obs)
        if not_kept(row.error):
            return ParseError(_name(obs), row.error)  # the archive's or reader's fault: not cached
        self._parsed.append(row)
        self._stored[sha] = row.stored
        result = self._cached(obs)
        if result is None:
            raise AssertionError(f"a parse cache row just made for {sha} does not read back")
        return result

    def _cached(self, obs: Observation) -> ParsedListing | ParseError | None:
        stored = self._stored.get(obs.sha256)
        cached = None if stored is None else parse_cache.read(stored, self._rows)
        if isinstance(cached, str):
            return ParseError(_name(obs), cached)
        return cached

    def _parse_now(self, obs: Observation) -> parse_cache.CacheRow:
        path = self.archive.find(obs.sha256)
        return parse_alone((obs.sha256, str(path) if path else "", _name(obs)))

    def _warnings(self, report: Report, obs: Observation) -> None:
        """What the parser noticed in a list (repeated rows that disagree, rows
        skipped, columns ignored) reaches the user, once per snapshot processed."""
        parsed = self._recent.get(obs.sha256) if is_list(obs) else None
        if isinstance(parsed, ParsedListing):
            report.warnings.extend((_name(obs), warning) for warning in parsed.warnings)

    @staticmethod
    def _tally(report: Report, obs: Observation, outcome: Outcome | None, new: int) -> None:
        report.processed += 1
        report.events += new
        if outcome is None:
            return
        if outcome.accepted:
            report.accepted += 1
            if outcome.note:  # what the diff read otherwise than written (a typo, a shift)
                report.warnings.append((_name(obs), outcome.note))
        else:
            report.rejected += 1
            report.rejections.append((obs.snapshot_id, _name(obs), outcome.reason or ""))


def derivation_key(rules: Rules) -> str:
    """What a history is derived with besides the archive: the list and MOA parsers'
    versions, the event rules' version and the ``[diff]`` settings. A history stored
    with another key is replayed by the next pass, so an upgrade never mixes two
    readings of the same lists in one history (a parser that now reads rows it used to
    skip would otherwise report them as added the day of the upgrade)."""
    return short_hash(
        {"lists": LISTS, "moa": MOA, "rules": RULES_VERSION, "settings": asdict(rules)}
    )


VERSION_CHARS = 16  # a parse cache's version column (``store.models``)


def moa_parser_version(ocr: Ocr | None = None, reviewed: ReviewedDocument | None = None) -> str:
    """The parse cache key: the parser's version, and the OCR engine's if one is used
    (a record read without OCR is parsed again once OCR is available); for a document
    with reviewed values, a hash of the OCR engine's version and of those values (so a
    new or changed review is merged on the next ``rebuild``; 16 characters at most)."""
    engine = ocr.version if ocr is not None else ""
    if reviewed is not None:
        mixed = hashlib.sha256(f"{engine}|{reviewed.digest}".encode()).hexdigest()
        return f"{MOA}+r{mixed[: VERSION_CHARS - len(MOA) - 2]}"
    return f"{MOA}+{engine}" if engine else MOA


def moa_fields(record: dict[str, Any]) -> dict[str, Any]:
    """The compared fields of a parsed MOA record (signatories as name/party/date)."""
    signatures = record.get("signatures") or []
    signatories = sorted(f"{s.get('party')}: {s.get('name')} ({s.get('date')})" for s in signatures)
    return {**record, "signatories": signatories}


Moment = tuple[str, str]  # (observed_at, the list a file is claimed to be)


def _moment(obs: Observation) -> Moment:
    return (obs.observed_at, obs.kind_claimed or "")


def in_parts(observations: Iterable[Observation]) -> dict[Moment, int]:
    """The moments at which two or more different files of one list were observed, with
    how many (a file's name or its source says which list it is; files claiming none
    are told apart by their contents, later, and are not counted)."""
    files: dict[Moment, set[str]] = {}
    for obs in observations:
        if obs.kind_claimed in LIST_KINDS:
            files.setdefault(_moment(obs), set()).add(obs.sha256)
    return {moment: len(shas) for moment, shas in files.items() if len(shas) > 1}


def part_of_a_read_list(
    todo: list[Observation], observations: list[Observation], known: set[str]
) -> bool:
    """Whether a new file is another file of a list already read at its time: the list
    read then was one part of several, and the history must be read again."""
    moments = {_moment(o) for o in todo if o.kind_claimed in LIST_KINDS}
    if not moments:
        return False  # nothing new of a list (a pass with nothing new: no scan)
    at = [o for o in observations if _moment(o) in moments]
    new = moments & set(in_parts(at))
    return any(_moment(o) in new for o in at if o.snapshot_id in known)


def parse_jobs(archive: Archive, observations: Iterable[Observation]) -> list[Job]:
    """The parse stream's jobs for the list files among ``observations``."""
    jobs = []
    for obs in observations:
        if is_list(obs):
            path = archive.find(obs.sha256)
            jobs.append((obs.sha256, str(path) if path else "", _name(obs)))
    return jobs


def unreadable(reason: str) -> str:
    """The reason a snapshot whose file could not be read is rejected."""
    return f"unreadable: {reason}"


def _name(obs: Observation) -> str:
    return obs.original_name or obs.url or obs.sha256


def _ref(obs: Observation, parsed: ParsedListing | ParseError) -> SnapshotRef:
    kind = parsed.kind if isinstance(parsed, ParsedListing) else (obs.kind_claimed or "unknown")
    return SnapshotRef(
        id=obs.snapshot_id,
        observed_at=obs.observed_at,
        sha256=obs.sha256,
        kind=kind,
        where=obs.url or obs.original_name or "",
    )
