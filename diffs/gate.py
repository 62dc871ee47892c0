"""The quality gate: which snapshots may be diffed at all.

A snapshot that fails is archived and reported (``snapshot.rejected``), never diffed,
so one broken file can never cause a burst of false withdrawals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from common.times import parse_utc
from diffs.events import SnapshotRef
from diffs.state import ACTIVE, ListState, LossCandidate
from parsers.records import ParsedListing


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


@dataclass(frozen=True)
class Verdict:
    """The gate's answer. ``candidate`` is the loss candidate the list state keeps."""

    accepted: bool
    reason: str | None = None
    candidate: LossCandidate | None = None
    note: str | None = None


def hours_between(a: str, b: str) -> float:
    return (_at(b) - _at(a)).total_seconds() / 3600.0


def _at(text: str) -> datetime:
    return parse_utc(text)


def check_shape(listing: ParsedListing, claimed: str | None, rules: Rules) -> str | None:
    """Reasons that need no history: wrong list kind, too few rows."""
    if claimed and claimed != listing.kind:
        return f"claims to be the {claimed} list but holds the {listing.kind} list"
    if len(listing.rows) < rules.min_rows:
        return f"holds {len(listing.rows)} rows (an empty list)"
    return None


def check_loss(
    previous: ListState,
    keys: set[str],
    excused: set[str],
    ref: SnapshotRef,
    rules: Rules,
) -> Verdict:
    """Reject a list that lost a large share of its rows at once, unless the loss
    persists: the same shrunken list seen again ``loss_confirm_hours`` later."""
    active = {k for k, e in previous.entries.items() if e.status == ACTIVE}
    lost = active - keys - excused
    limit = max(rules.min_row_loss, rules.max_row_loss_share * len(active))
    if len(lost) <= limit:
        return Verdict(True)
    cand = previous.loss_candidate
    if (
        cand
        and _similar(cand.keys, keys)
        and hours_between(cand.first.observed_at, ref.observed_at) >= rules.loss_confirm_hours
    ):
        note = f"loss of {len(lost)} rows persisted since {cand.first.observed_at}"
        return Verdict(True, note=note)
    keep = cand if cand and _similar(cand.keys, keys) else LossCandidate(ref, frozenset(keys))
    reason = (
        f"lost {len(lost)} of {len(active)} rows at once "
        f"(limit {int(limit)}; accepted only if the loss persists)"
    )
    return Verdict(False, reason, candidate=keep)


def _similar(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> bool:
    union = len(a | b)
    return union == 0 or len(a & b) / union >= 0.9
