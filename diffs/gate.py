"""The quality gate: which snapshots may be diffed at all.

A snapshot that fails is archived and reported (``snapshot.rejected``), never diffed,
so one broken, misdated or stale file can never cause a burst of false events. The
rules, each from one principle:

- *Shape*: a list is the list it claims to be.
- *Time*: a list cannot hold a signing after the moment it was observed, whatever
  dated it (file name, manifest, ``--observed-at``, HTTP capture, Wayback). A signed
  date more than ``typo_future_days`` ahead is ICE's typo (a year 5025), not evidence;
  so is one already taken for a typo in an earlier accepted list; and up to
  ``max_future_typos`` new future rows are taken for typos. More is a contradiction.
  A date taken for a typo is unread.
- *Order*: a list that brings back rows removed since an earlier accepted list and
  lacks rows added since is that older list arriving late (stale): held, not diffed.
  So is a list whose bytes are an older accepted list's, when reading it would record a
  change (it would undo what changed since: a cache or a mirror serving an old copy),
  and a list of other bytes that brings back values changed since an earlier accepted
  list and lacks rows added since (an older copy never seen, misdated).
- *Persistence*: a sudden large loss, a sudden large growth or a list with no rows
  under its header is held until a later list, ``loss_confirm_hours`` later, shows the
  same change (the lost rows still gone, the gained rows still there).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from common.geo import latest_date
from common.times import parse_utc
from diffs.events import Event, SnapshotRef
from diffs.state import ACTIVE, KeySet, ListState, LossCandidate
from parsers.records import ListingRow, ParsedListing

SHOWN_ROWS = 5  # rows named in a one-line reason


@dataclass(frozen=True)
class Rules:
    """The engine's tunable rules (see ``[diff]`` in config.toml)."""

    withdraw_after_snapshots: int = 2
    withdraw_after_days: float = 10.0
    max_row_loss_share: float = 0.25
    min_row_loss: int = 20
    loss_confirm_hours: float = 24.0
    min_rows: int = 1
    rename_similarity: float = 0.85
    typo_future_days: int = 366
    max_future_typos: int = 1
    stale_history: int = 8
    stale_min_restored: int = 3
    stale_min_lost: int = 1
    max_growth_factor: float = 3.0
    min_growth_rows: int = 100


@dataclass(frozen=True)
class Verdict:
    """The gate's answer. ``candidate`` is the loss candidate the list state keeps;
    ``confirmed``, the one a list accepted now confirms (its rows lost and gained were
    first lost and gained in the held list, ``confirmed.first``)."""

    accepted: bool
    reason: str | None = None
    candidate: LossCandidate | None = None
    note: str | None = None
    confirmed: LossCandidate | None = None


@dataclass(frozen=True)
class TimeVerdict:
    """The time check's answer: a reason to reject, or the typos it tolerated."""

    reason: str | None = None
    typos: frozenset[str] = frozenset()
    note: str | None = None


def hours_between(a: str, b: str) -> float:
    return (_at(b) - _at(a)).total_seconds() / 3600.0


def _at(text: str) -> datetime:
    return parse_utc(text)


def persisted(
    since: SnapshotRef | None, versions: Collection[str], now: SnapshotRef, rules: Rules
) -> bool:
    """Flicker is not a change: an absence (of a row, or of a value from a row still
    listed) is confirmed only once it has lasted ``withdraw_after_days`` AND been seen
    in ``withdraw_after_snapshots`` distinct versions of the list (ICE drops rows and
    links for a day or a week and puts them back)."""
    if len(versions) < rules.withdraw_after_snapshots:
        return False
    if rules.withdraw_after_days <= 0:
        return True
    if since is None:
        return False
    return hours_between(since.observed_at, now.observed_at) >= 24 * rules.withdraw_after_days


def check_shape(listing: ParsedListing, claimed: str | None, rules: Rules) -> str | None:
    """Reasons that need no history: wrong list kind, too few rows (an empty list with
    its header is data, judged by :func:`check_hold`)."""
    if claimed and claimed != listing.kind:
        return f"claims to be the {claimed} list but holds the {listing.kind} list"
    if 0 < len(listing.rows) < rules.min_rows:
        return f"holds {len(listing.rows)} rows (fewer than {rules.min_rows})"
    return None


# -- time -----------------------------------------------------------------------------------


def typo_key(row: ListingRow) -> str:
    """A future signed date in one row, as remembered once taken for a typo."""
    return f"{row.state}|{row.agency_key}|{row.model}|{row.signed}"


def check_time(
    listing: ParsedListing, ref: SnapshotRef, known: frozenset[str], forced: bool, rules: Rules
) -> TimeVerdict:
    """A list cannot hold an agreement signed after its observed time, in the state of
    the agreement (its latest date there: ``common.geo.latest_date``). ``known``: the
    future dates earlier accepted lists held (typos already flagged). ``forced``: the
    maintainer vouches for the observed time: the list is read, its dates after that
    time are typos (remembered: a later list holding them is no less right), and its
    note says the time was vouched for."""
    observed = _at(ref.observed_at).date()
    near = observed - timedelta(days=1)  # no state's date is a day behind UTC's or more
    future = [
        (n, r)
        for n, r in listing.numbered()
        if r.signed
        and r.signed >= near
        and r.signed > _date_where(r, ref.observed_at, observed)
        and _believed(r)
    ]
    if not future:
        return TimeVerdict(note=_FORCED if forced else None)
    if forced:  # the time is right, so the dates after it are typos, in later lists too
        typos = frozenset(typo_key(r) for _, r in future)
        return TimeVerdict(typos=typos, note=f"{_FORCED}; {_TYPOS}{_rows_named(future)}")
    far = observed + timedelta(days=rules.typo_future_days)
    evidence = [
        (n, r) for n, r in future if r.signed and r.signed <= far and typo_key(r) not in known
    ]
    if len(evidence) > rules.max_future_typos:
        return TimeVerdict(reason=_future_reason(evidence, observed, ref.observed_at))
    typos = frozenset(typo_key(r) for _, r in future)
    return TimeVerdict(typos=typos, note=_TYPOS + _rows_named(future))


_TYPOS = "signed date taken for a typo (after the observed time): "
_FORCED = "observed time vouched for by a maintainer (--force-date)"


def without_typo_dates(listing: ParsedListing, typos: frozenset[str]) -> ParsedListing:
    """``listing`` with each signed date taken for a typo (``typos``: this list's and
    earlier lists') flagged ``signed_typo``: a date a list cannot hold says nothing of
    when a known agreement was signed, so its known date stands
    (``fields.carry_known``), now and once the day has passed. A new agreement is
    listed with it, as published (the snapshot's note names it); and it still tells
    rows apart: two rows with one typo are the same papers."""
    if not typos:
        return listing
    rows = tuple(
        replace(row, flags=(*row.flags, "signed_typo"))
        if row.signed and typo_key(row) in typos
        else row
        for row in listing.rows
    )
    return replace(listing, rows=rows)


def _believed(row: ListingRow) -> bool:
    """A date the parser repaired or doubts (``signed_doubtful``) is no evidence."""
    return "signed_doubtful" not in row.flags


def _date_where(row: ListingRow, instant: str, utc: date) -> date:
    """The latest date in the row's state at ``instant`` (a signing dated later had not
    happened there: a capture at 03:30 UTC is the evening before in every state); the
    UTC date for a state no one knows."""
    return latest_date(row.state, instant) or utc


def _future_reason(rows: list[tuple[int, ListingRow]], observed: date, instant: str) -> str:
    newest = max(r.signed for _, r in rows if r.signed)
    when = str(observed) if newest > observed else f"{instant}, the day before in their states"
    return (
        f"holds {len(rows)} agreements signed after its observed time {when}, "
        f"up to {newest} ({_rows_named(rows)}); date it right, or force the date"
    )


def _rows_named(rows: list[tuple[int, ListingRow]]) -> str:
    """Rows (with their numbers in the sheet) named, the latest signed first."""
    ordered = sorted(rows, key=lambda pair: (pair[1].signed or date.min, pair[0]), reverse=True)
    named = [f"row {n} {r.agency} {r.signed}" for n, r in ordered[:SHOWN_ROWS]]
    more = f", {len(rows) - SHOWN_ROWS} more" if len(rows) > SHOWN_ROWS else ""
    return "; ".join(named) + more


# -- order ----------------------------------------------------------------------------------


def check_stale(
    previous: ListState,
    keys: set[str],
    participating: set[str],
    ref: SnapshotRef,
    rules: Rules,
) -> Verdict:
    """A list that restores rows removed since an earlier accepted list and lacks rows
    added since is that older list arriving late: held, not diffed; so is a list of
    the very rows of an earlier accepted list (not the latest's) that lacks rows added
    since or brings back rows removed since, though it does only one (a stale copy
    served again, its bytes re-saved, after ICE only added rows, or only removed
    them). For the pending list, an application back
    on it for an agreement already participating counts as restored, and one gone
    for an agreement participating is no row lacking. Should the same reversal
    persist ``loss_confirm_hours``, it is real."""
    found = _stale_match(previous, keys, participating, rules)
    if found is None:
        return Verdict(True)
    older, restored, lost = found
    stale = LossCandidate(ref, frozenset(lost), frozenset(restored))
    back = f"{len(restored)} rows removed" if restored else None
    return _reversal(previous, keys, ref, rules, stale, back, older)


def _reversal(
    previous: ListState,
    keys: set[str],
    ref: SnapshotRef,
    rules: Rules,
    stale: LossCandidate,
    back: str | None,
    older: KeySet,
) -> Verdict:
    """A stale list held (``back``: what it brings back; None: the very rows of the
    older list), or read once the same reversal has persisted ``loss_confirm_hours``:
    the rows it lacked and restored were so first in the held list, as a confirmed
    loss's are."""
    cand = previous.loss_candidate
    persists = cand is not None and _persists(cand, keys)
    if cand and persists and _waited(cand, ref, rules):
        note = f"reversal held since {cand.first.observed_at} persisted"
        return Verdict(True, note=note, confirmed=cand)
    where = f"the list of {older.observed_at} ({older.where or 'unnamed'})"
    lacks = len(stale.keys)
    if back is None:
        said = f"the very rows of {where}, lacking {lacks} added since"
    elif not lacks:
        said = f"brings back {back} since {where}: the very rows of it"
    else:
        said = f"brings back {back} since {where} and lacks {lacks} added since"
    reason = f"stale: {said}; an older list arriving late"
    return Verdict(False, reason, candidate=cand if cand and persists else stale)


def _stale_match(
    previous: ListState, keys: set[str], participating: set[str], rules: Rules
) -> tuple[KeySet, set[str], set[str]] | None:
    """The older accepted list this one matches (the most rows restored), if any."""
    if len(previous.recent) < 2:
        return None
    latest = previous.recent[-1].keys
    back = keys - latest
    again = back & participating
    best: tuple[KeySet, set[str], set[str]] | None = None
    for older in previous.recent[:-1]:
        restored = (back & (older.keys - latest)) | again
        lost = set(latest - keys - older.keys)
        enough = len(restored) >= rules.stale_min_restored and len(lost) >= rules.stale_min_lost
        same = keys == older.keys and (
            len(lost - participating) >= rules.stale_min_lost
            or len(restored) >= rules.stale_min_restored
        )
        if (enough or same) and (best is None or len(restored) >= len(best[1])):
            best = (older, restored, lost)
    return best


def remember(
    previous: ListState,
    ref: SnapshotRef,
    keys: set[str],
    rules: Rules,
    replaced: frozenset[str] = frozenset(),
) -> tuple[KeySet, ...]:
    """The recent accepted key sets after accepting ``keys``, whose changes replaced
    ``replaced`` (:func:`changed_values`; only changes are kept)."""
    recent = previous.recent
    if recent and recent[-1].keys == keys and not replaced:
        return recent
    latest = KeySet(ref.observed_at, ref.where, frozenset(keys), replaced)
    return (*recent, latest)[-rules.stale_history :]


def changed_values(events: Iterable[Event], side: str) -> frozenset[str]:
    """The values ``agreement.changed`` events replace (``side`` ``before``) or bring
    (``after``), each as ``key|field|value``."""
    return frozenset(
        f"{event.subject}|{name}|{value}"
        for event in events
        if event.kind == "agreement.changed"
        for name, value in (getattr(event, side) or {}).items()
    )


def check_read(
    previous: ListState,
    keys: set[str],
    events: Collection[Event],
    ref: SnapshotRef,
    rules: Rules,
    held: LossCandidate | None = None,
) -> Verdict:
    """Asked of a list once read, by the ``events`` reading it would record: none, and
    it is read whatever its age. Else it is held when it is an older list arriving late
    (its bytes an older accepted list's, :func:`check_older_copy`, or, of other bytes,
    undoing changes made since one, :func:`check_undone`) and reading it records a
    change it shows, or when it changes a large share of the agreements at once
    (:func:`check_mass_change`; ``held``: the rows lost or gained at once that this
    list confirms). Events recorded late (an absence or a blank that persisted, dated
    by the lists that showed it) are no change a list shows: reading any list now
    records them, so they make no older list's reading a change."""
    if not events:  # an older list's very bytes of other rows than the latest's still
        # undo what changed since (a row missing back: its absence's count reset), though
        # they record nothing: held; a copy of the latest's rows changes nothing: read
        changes_rows = bool(previous.recent) and keys != previous.recent[-1].keys
        older = check_older_copy(previous, ref, rules) if changes_rows else Verdict(True)
        return older if not older.accepted else Verdict(True)
    late = Verdict(True)
    if any(e.recorded is None for e in events):
        late = check_older_copy(previous, ref, rules)
        if late.accepted and not late.note:  # an older copy read once it persisted: read
            late = check_undone(previous, keys, events, ref, rules)
    if not late.accepted:
        return late
    mass = check_mass_change(previous, keys, events, ref, rules, held)
    if not mass.accepted:
        return mass
    note = "; ".join(v.note for v in (late, mass) if v.note) or None
    return Verdict(True, note=note, confirmed=mass.confirmed or late.confirmed)


def check_mass_change(
    previous: ListState,
    keys: set[str],
    events: Iterable[Event],
    ref: SnapshotRef,
    rules: Rules,
    held: LossCandidate | None = None,
) -> Verdict:
    """Hold a list that changes more than ``min_row_loss`` agreements at once (their
    values, or their agencies' states or models: relabels) until a later list shows the
    same ``loss_confirm_hours`` later. ICE corrects an agreement or a few at a time (18
    at most in one list of the corpus); a sheet exported wrong for a day (every type
    relabelled, every date a day off, a block of rows given another state) is not every
    agreement changed and changed back. A value blanked long enough (an event recorded
    later, ``blanks.py``) has persisted already and does not count. A list that lost or
    gained many rows at once, confirmed now (``held``), and changes many agreements is
    held with both: the next list showing the same confirms both (held for one, then
    the other, it would be held for ever). A list held so keeps the rows it lists first,
    the listed rows it lacks and the changes its events say (``arrived``, ``departed``,
    ``shown``), which it dates once confirmed."""
    moved = _moved(events)
    changed = {e.subject for e in events if e.kind == "agreement.changed" and not e.recorded}
    changed |= {agency_id for agency_id, _ in moved}
    if len(changed) <= rules.min_row_loss:
        return Verdict(True)
    reason = f"changes {len(changed)} agreements or agencies at once (limit {rules.min_row_loss})"
    values = changed_values(events, "after") | {value for _, value in moved}
    cand = previous.loss_candidate
    if cand and cand.changed and len(cand.changed - values) <= 0.1 * len(cand.changed):
        if _waited(cand, ref, rules):
            note = f"change held since {cand.first.observed_at} persisted: {reason}"
            return Verdict(True, note=note, confirmed=cand)
    else:
        lost, gained = (held.keys, held.gained) if held else (frozenset(), frozenset())
        listed = previous.listed_keys()
        arrived, departed = frozenset(keys - listed), frozenset(listed - keys)
        shown = frozenset(e.change() for e in events if e.end == ref)
        cand = LossCandidate(ref, lost, gained, values, arrived, departed, shown)
    return Verdict(False, f"{reason}; held until a later list confirms it", candidate=cand)


def brought(event: Event) -> frozenset[str]:
    """The values one event brings as a held mass change names them
    (``subject|field|value``): an agreement's values, an agency's state or model."""
    return changed_values((event,), "after") | {value for _, value in _moved((event,))}


def _moved(events: Iterable[Event]) -> set[tuple[str, str]]:
    """What a list gives another state or model: the agencies renamed with their state,
    the agreements relabelled across states or models, each as its agency's id and the
    new value (``subject|field|value``)."""
    return {
        (e.agency_id or e.subject, f"{e.subject}|{name}|{e.after[name]}")
        for e in events
        if e.kind in ("agency.renamed", "agreement.relabelled") and e.before and e.after
        for name in ("state", "model")
        if e.before.get(name) and e.after.get(name) not in (None, e.before.get(name))
    }


def check_undone(
    previous: ListState, keys: set[str], events: Iterable[Event], ref: SnapshotRef, rules: Rules
) -> Verdict:
    """A list that brings back values an earlier accepted list's changes replaced and
    lacks rows added since that list is that older list arriving late, whatever its
    bytes (a copy never seen, misdated): held, not diffed, as a stale list is; read
    once the same list persists ``loss_confirm_hours``."""
    found = _undone_match(previous, keys, changed_values(events, "after"), rules)
    if found is None:
        return Verdict(True)
    older, undone, lost = found
    stale = LossCandidate(ref, frozenset(lost))
    return _reversal(previous, keys, ref, rules, stale, f"{len(undone)} values changed", older)


def _undone_match(
    previous: ListState, keys: set[str], brought: frozenset[str], rules: Rules
) -> tuple[KeySet, set[str], set[str]] | None:
    """The older accepted list whose values this one brings back (the most), if any:
    values replaced by the lists accepted after it, and rows added since it lacking."""
    recent = previous.recent
    if len(recent) < 2 or len(brought) < rules.stale_min_restored:
        return None
    best: tuple[KeySet, set[str], set[str]] | None = None
    replaced_since: set[str] = set()
    for at in range(len(recent) - 1, 0, -1):
        replaced_since |= recent[at].replaced
        older = recent[at - 1]
        undone = brought & replaced_since
        lost = recent[-1].keys - keys - older.keys
        enough = len(undone) >= rules.stale_min_restored and len(lost) >= rules.stale_min_lost
        if enough and (best is None or len(undone) > len(best[1])):
            best = (older, set(undone), set(lost))
    return best


def remember_version(
    previous: ListState, ref: SnapshotRef, rules: Rules
) -> tuple[tuple[str, str], ...]:
    """The recent accepted contents after accepting ``ref``'s (only changes are kept)."""
    versions = previous.versions
    if versions and versions[-1][0] == ref.sha256:
        return versions
    return (*versions, (ref.sha256, ref.observed_at))[-rules.stale_history :]


def check_older_copy(previous: ListState, ref: SnapshotRef, rules: Rules) -> Verdict:
    """A list whose bytes are those of an accepted list older than the latest is that
    list again, arriving late: held (the caller asks only when reading it would record
    a change) until the same bytes are seen ``loss_confirm_hours`` later."""
    older = [at for sha, at in previous.versions[:-1] if sha == ref.sha256]
    if not older or previous.versions[-1][0] == ref.sha256:
        return Verdict(True)
    cand = previous.loss_candidate
    again = cand if cand is not None and cand.first.sha256 == ref.sha256 else None
    if again is not None and _waited(again, ref, rules):
        note = f"an older list again since {again.first.observed_at} persisted"
        return Verdict(True, note=note, confirmed=again)
    reason = (
        f"stale: the same bytes as the list of {older[-1]}, an older list arriving late; "
        "reading it would undo what changed since"
    )
    return Verdict(False, reason, candidate=again or LossCandidate(ref, frozenset()))


# -- persistence ----------------------------------------------------------------------------


def check_hold(
    previous: ListState,
    keys: set[str],
    excused: set[str],
    ref: SnapshotRef,
    rules: Rules,
) -> Verdict:
    """Hold a list that lost or gained a large share of its rows at once, or holds no
    rows, until a later list shows the same change ``loss_confirm_hours`` later."""
    active = {k for k, e in previous.entries.items() if e.status == ACTIVE}
    lost = active - keys - excused
    gained = keys - previous.listed_keys()
    reason = _hold_reason(len(active), len(keys), len(lost), rules)
    if reason is None:
        return Verdict(True)
    cand = previous.loss_candidate
    persists = cand is not None and _persists(cand, keys)
    if cand and persists and _waited(cand, ref, rules):
        note = f"change held since {cand.first.observed_at} persisted: {reason}"
        return Verdict(True, note=note, confirmed=cand)
    keep = cand if cand and persists else LossCandidate(ref, frozenset(lost), frozenset(gained))
    return Verdict(False, f"{reason}; held until a later list confirms it", candidate=keep)


def _waited(cand: LossCandidate, ref: SnapshotRef, rules: Rules) -> bool:
    return confirmed_since(cand.first, ref, rules)


def confirmed_since(first: SnapshotRef, ref: SnapshotRef, rules: Rules) -> bool:
    """Whether a change held since the list ``first`` is confirmed by the list ``ref``
    still showing it: ``loss_confirm_hours`` later (a mass change, columns changed,
    values renamed across a list: ``diffs/schema.py``)."""
    return hours_between(first.observed_at, ref.observed_at) >= rules.loss_confirm_hours


def _hold_reason(active: int, count: int, lost: int, rules: Rules) -> str | None:
    """Why a list waits for a second sighting (``active``: rows the last list had)."""
    if count == 0 and active:
        return "holds no rows under its header (a drained list?)"
    limit = max(rules.min_row_loss, rules.max_row_loss_share * active)
    if lost > limit:
        return f"lost {lost} of {active} rows at once (limit {int(limit)})"
    grown = count - active
    if active and count > rules.max_growth_factor * active and grown >= rules.min_growth_rows:
        return f"grew from {active} to {count} rows at once"
    return None


def _persists(cand: LossCandidate, keys: set[str]) -> bool:
    """The candidate's lost rows are (nearly all) still absent, its gained rows present
    (a candidate of values changed alone is another change's: it does not persist
    here)."""
    if not (cand.keys or cand.gained):
        return False
    back = len(cand.keys & keys)
    gone = len(cand.gained - keys)
    return back <= 0.1 * len(cand.keys) and gone <= 0.1 * len(cand.gained)
