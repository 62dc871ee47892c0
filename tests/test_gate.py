"""The quality gate's time, order and persistence rules, on small hand-made lists."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diffs.engine import Outcome, apply_snapshot
from diffs.events import SnapshotRef
from diffs.gate import Rules
from diffs.state import ProgramState
from parsers.normalize import agency_key
from parsers.records import ListingRow, ParsedListing

RULES = Rules(withdraw_after_snapshots=2, withdraw_after_days=0, min_row_loss=3)
PART_COLS = ("STATE", "AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED", "MOA")
PEND_COLS = ("STATE", "AGENCY", "TYPE", "SUPPORT TYPE")


def row(name: str, model: str = "JEM", signed: str | None = "2025-01-02") -> ListingRow:
    return ListingRow(
        state="TX",
        agency=name,
        agency_key=agency_key(name),
        model=model,
        signed=date.fromisoformat(signed) if signed else None,
    )


def part(rows: list[ListingRow], numbers: tuple[int, ...] = ()) -> ParsedListing:
    """A participating list of ``rows`` (``numbers``: their rows in the sheet)."""
    return ParsedListing(
        kind="participating", rows=tuple(rows), columns=PART_COLS, row_numbers=numbers
    )


def pend(rows: list[ListingRow]) -> ParsedListing:
    rows = [row(r.agency, r.model or "JEM", None) for r in rows]
    return ParsedListing(kind="pending", rows=tuple(rows), columns=PEND_COLS)


class Feed:
    """Feeds lists through the engine at chosen times, keeping the events."""

    def __init__(self, rules: Rules = RULES) -> None:
        self.state, self.rules, self.events, self.n = ProgramState(), rules, [], 0

    def __call__(self, lst: ParsedListing, at: str, forced: bool = False) -> Outcome:
        self.n += 1
        sha = f"{hash((lst.kind, lst.rows, lst.row_numbers)) & 0xFFFFFFFF:064x}"
        ref = SnapshotRef(f"s{self.n:03d}", at, sha, lst.kind, f"list{self.n}.xlsx")
        out = apply_snapshot(self.state, ref, lst, None, self.rules, forced=forced)
        self.state = out.state
        self.events.extend(out.events)
        return out

    def kinds(self, since: int = 0) -> Counter[str]:
        """Agreement and pending events by kind (an agency's joining or leaving follows
        from them and is tested with the membership rules)."""
        return Counter(e.kind for e in self.events[since:] if e.kind not in MEMBERSHIP)


MEMBERSHIP = ("agency.joined", "agency.left")
BASE = [row(f"Agency {i} Police Department", "TFM") for i in range(10)]


# -- time -----------------------------------------------------------------------------------


def test_a_list_holding_signings_after_its_observed_time_is_rejected_naming_them() -> None:
    feed = Feed()
    late = [row("Late One PD", signed="2025-08-28"), row("Late Two PD", signed="2025-08-20")]
    out = feed(part(BASE + late, (*range(2, 12), 40, 41)), "2025-08-02T22:00:00Z")
    assert not out.accepted
    assert out.reason and out.reason.startswith(
        "holds 2 agreements signed after its observed time 2025-08-02, up to 2025-08-28"
    )
    assert "row 40 Late One PD 2025-08-28" in out.reason
    assert feed.kinds() == {"snapshot.rejected": 1}


def test_a_signing_is_after_a_capture_in_its_own_states_time() -> None:
    """At 03:30 UTC on 11 July it is still 10 July in Texas: a list dated then cannot
    hold Texas agreements signed on the 11th (a manifest's ``-04:00`` evening, or a file
    named a day late); at 22:00 UTC it can. Guam's date is ten hours ahead of UTC."""
    signed = [row(f"Signed {i} PD", signed="2025-07-11") for i in range(2)]
    out = Feed()(part(BASE + signed), "2025-07-11T03:30:00Z")
    assert (
        not out.accepted
        and out.reason
        and out.reason.startswith(
            "holds 2 agreements signed after its observed time 2025-07-11T03:30:00Z, the day "
            "before in their states, up to 2025-07-11"
        )
    )
    assert Feed()(part(BASE + signed), "2025-07-11T22:00:00Z").accepted
    guam = [replace(r, state="GU") for r in signed]
    assert Feed()(part(BASE + guam), "2025-07-10T15:00:00Z").accepted


def test_a_forced_date_is_believed_said_and_its_later_dates_no_evidence_after() -> None:
    """A maintainer vouches for a list's time: it is read, its note says so, and its
    dates after that time are typos, so the next lists holding them are read too (they
    were rejected, each, until the day passed: a live pass cannot be forced)."""
    feed = Feed()
    late = [row("Late One PD", signed="2025-08-28"), row("Late Two PD", signed="2025-08-20")]
    out = feed(part(BASE + late), "2025-08-02T22:00:00Z", forced=True)
    assert out.accepted and feed.kinds() == {"agreement.added": 12}
    assert out.note and out.note.startswith("observed time vouched for by a maintainer")
    assert "Late One PD 2025-08-28" in out.note
    nxt = feed(part(BASE + late + [row("New PD")]), "2025-08-05T22:00:00Z")
    assert nxt.accepted and feed.kinds(12) == {"agreement.added": 1}
    calm = Feed()
    assert calm(part(BASE), "2025-08-02T22:00:00Z", forced=True).note == (
        "observed time vouched for by a maintainer (--force-date)"
    )


def test_one_typo_date_is_flagged_and_the_list_accepted() -> None:
    feed = Feed()
    typo = part([*BASE, row("Typo PD", signed="2025-12-01")], (*range(2, 12), 9))
    out = feed(typo, "2025-08-02T12:00:00Z")
    assert out.accepted
    assert out.note and "typo" in out.note and "row 9 Typo PD 2025-12-01" in out.note


def test_a_date_more_than_a_year_ahead_is_a_typo_not_evidence() -> None:
    feed = Feed()
    typos = [row(f"Far {i} PD", signed="2035-01-01") for i in range(3)]
    assert feed(part(BASE + typos), "2025-08-02T12:00:00Z").accepted


def test_a_typo_already_flagged_is_not_new_evidence() -> None:
    feed = Feed()
    typo = row("Typo PD", signed="2025-12-01")
    assert feed(part([*BASE, typo]), "2025-08-02T12:00:00Z").accepted
    other = row("Other PD", signed="2025-11-01")
    assert feed(part([*BASE, typo, other]), "2025-08-03T12:00:00Z").accepted
    third = row("Third PD", signed="2025-10-01")
    out = feed(part([*BASE, typo, other, third]), "2025-08-04T12:00:00Z")
    assert out.accepted  # typo and other were flagged before; third is the one new
    fourth = row("Fourth PD", signed="2025-10-02")
    fifth = row("Fifth PD", signed="2025-10-03")
    out = feed(part([*BASE, typo, other, third, fourth, fifth]), "2025-08-05T12:00:00Z")
    assert not out.accepted and out.reason and out.reason.startswith("holds 2 agreements")


def test_a_date_taken_for_a_typo_changes_no_agreement_then_or_once_past() -> None:
    """A list cannot hold a signing after its time: a known agreement's date typed
    into the future (one row: a typo) is unread, its known date stands; still so once
    the day has passed, and the date put right is no change either. A new agreement
    whose only date is a typo is added with it, as listed."""
    feed = Feed()
    known = row("Known PD", signed="2025-07-02")
    feed(part([*BASE, known]), "2025-08-01T12:00:00Z")
    listed = len(feed.events)
    typo = replace(known, signed=date(2025, 9, 15))
    out = feed(part([*BASE, typo]), "2025-08-30T12:00:00Z")
    assert out.accepted and out.note and "typo" in out.note
    feed(part([*BASE, typo]), "2025-09-20T12:00:00Z")  # the day past: still the typo
    feed(part([*BASE, known]), "2025-09-21T12:00:00Z")  # put right
    assert feed.kinds(since=listed) == {}
    entry = feed.state.participating.entries["tx-known-police-department|JEM"]
    assert entry.fields["signed"] == "2025-07-02"
    new = feed(part([*BASE, known, row("New PD", signed="2025-12-01")]), "2025-09-22T12:00:00Z")
    [added] = [e for e in new.events if e.kind == "agreement.added"]
    assert added.effective_date == "2025-12-01" and new.note and "typo" in new.note


def test_a_date_the_parser_doubts_is_no_evidence() -> None:
    doubtful = ListingRow(
        "TX", "Repaired PD", agency_key("Repaired PD"), "JEM", signed=date(2025, 9, 9)
    )
    doubtful = replace(doubtful, flags=("signed_doubtful",))
    late = row("Late PD", signed="2025-08-28")
    assert Feed()(part([*BASE, doubtful, late]), "2025-08-02T12:00:00Z").accepted


# -- order ----------------------------------------------------------------------------------


def test_a_reversal_that_persists_is_accepted() -> None:
    feed = Feed()
    feed(part(BASE), "2025-03-01T12:00:00Z")
    feed(part(BASE[3:] + [row("Newcomer PD", "WSO")]), "2025-03-02T12:00:00Z")
    assert not feed(part(BASE), "2025-03-03T12:00:00Z").accepted
    assert not feed(part(BASE), "2025-03-03T20:00:00Z").accepted
    out = feed(part(BASE), "2025-03-04T13:00:00Z")
    assert out.accepted and out.note and "persisted" in out.note


def test_a_pending_application_back_for_a_participating_agreement_marks_a_stale_list() -> None:
    feed = Feed()
    apps = [row(f"Applicant {i} PD", "TFM") for i in range(6)]
    feed(part(BASE), "2025-03-01T12:00:00Z")
    feed(pend(apps), "2025-03-01T12:00:00Z")
    feed(part(BASE + apps[:4]), "2025-03-02T12:00:00Z")
    later = apps[4:] + [row("Applicant 9 PD", "WSO")]
    feed(pend(later), "2025-03-02T12:00:00Z")
    feed(pend(later), "2025-03-03T12:00:00Z")
    before = len(feed.events)
    out = feed(pend(apps), "2025-03-04T12:00:00Z")
    assert not out.accepted and out.reason and out.reason.startswith("stale: brings back 4 rows")
    assert "pending.added" not in feed.kinds(before)


CORRECTED = [*BASE[:-1], row(BASE[-1].agency, "TFM", "2025-01-03")]  # a date corrected


@pytest.mark.parametrize(
    ("newer", "reason"),
    [
        (
            BASE[3:] + [row("Newcomer PD", "WSO")],
            "stale: brings back 3 rows removed since the list of 2025-03-01T12:00:00Z "
            "(list1.xlsx) and lacks 1 added since; an older list arriving late",
        ),
        (  # a cache serving the old copy after ICE corrected a date: no row brought back
            CORRECTED,
            "stale: the same bytes as the list of 2025-03-01T12:00:00Z, an older list "
            "arriving late; reading it would undo what changed since",
        ),
    ],
)
def test_an_older_list_arriving_late_is_held_not_diffed(
    newer: list[ListingRow], reason: str
) -> None:
    feed = Feed()
    feed(part(BASE), "2025-03-01T12:00:00Z")
    feed(part(newer), "2025-03-02T12:00:00Z")
    feed(part(newer), "2025-03-03T12:00:00Z")
    before = len(feed.events)
    out = feed(part(BASE), "2025-03-04T12:00:00Z")
    assert not out.accepted and out.reason == reason
    assert feed.kinds(before) == {"snapshot.rejected": 1}
    assert feed(part(newer), "2025-03-04T18:00:00Z").accepted
    assert feed.kinds(before) == {"snapshot.rejected": 1}


def test_an_older_lists_very_bytes_of_other_rows_are_held_though_they_record_nothing() -> None:
    """A cache serving the list's earlier file (its very bytes) after ICE removed a row:
    reading it records nothing (the row is only missing, back before its absence
    counts), yet it would undo the removal, and the genuine list after it would be
    held as the older one; so it is held, and the withdrawal is dated by the genuine
    lists. A copy of the latest list's rows changes nothing and is read."""
    feed = Feed(replace(RULES, withdraw_after_days=10, withdraw_after_snapshots=1))
    gone = row("Gone Police Department", "TFM")
    feed(part([*BASE, gone]), "2025-03-01T12:00:00Z")
    feed(part(BASE), "2025-03-02T12:00:00Z")
    before = len(feed.events)
    cached = feed(part([*BASE, gone]), "2025-03-03T12:00:00Z")
    assert not cached.accepted and cached.reason and cached.reason.startswith("stale: the same")
    assert feed(part(BASE), "2025-03-04T12:00:00Z").accepted
    assert feed(part(BASE), "2025-03-13T12:00:00Z").accepted
    [withdrawn] = [e for e in feed.events[before:] if e.kind == "agreement.withdrawn"]
    assert withdrawn.end.observed_at == "2025-03-02T12:00:00Z"


def test_an_older_list_again_that_persists_is_read() -> None:
    feed = Feed()
    feed(part(BASE), "2025-03-01T12:00:00Z")
    feed(part(CORRECTED), "2025-03-02T12:00:00Z")
    before = len(feed.events)
    assert not feed(part(BASE), "2025-03-03T12:00:00Z").accepted
    assert not feed(part(BASE), "2025-03-03T20:00:00Z").accepted
    out = feed(part(BASE), "2025-03-04T13:00:00Z")
    assert out.accepted and out.note and "older list again since 2025-03-03" in out.note
    # its second rejection, the same bytes for the same reason, said once
    assert feed.kinds(before) == {"snapshot.rejected": 1, "agreement.changed": 1}


def test_an_older_list_again_that_would_change_nothing_is_read() -> None:
    feed = Feed()
    feed(part(BASE), "2025-03-01T12:00:00Z")
    assert feed(part(BASE[::-1]), "2025-03-02T12:00:00Z").accepted  # other bytes, same rows
    assert feed(part(BASE), "2025-03-03T12:00:00Z").accepted
    assert feed.kinds() == {"agreement.added": len(BASE)}


def test_an_older_copy_whose_reading_records_only_absences_that_persisted_is_read() -> None:
    """Two copies of one list served in turn (other bytes, the same rows), an agreement
    gone from both: once its absence has persisted, reading the older copy records the
    withdrawal, as reading any list then would. That is no change the copy shows: it is
    read, not held as an older list arriving late (before: rejected as stale, a false
    alarm for the cron job, the withdrawal recorded a capture later)."""
    feed = Feed(replace(RULES, withdraw_after_days=10))
    gone = row("Gone Police Department", "TFM")
    feed(part([*BASE, gone], tuple(range(2, 13))), "2025-03-01T12:00:00Z")
    feed(part(BASE, tuple(range(2, 12))), "2025-03-02T12:00:00Z")
    feed(part(BASE, tuple(range(3, 13))), "2025-03-02T20:00:00Z")  # the other copy
    out = feed(part(BASE, tuple(range(2, 12))), "2025-03-14T12:00:00Z")  # the first again
    assert out.accepted
    assert feed.kinds() == {"agreement.added": 11, "agreement.withdrawn": 1}
    [withdrawn] = [e for e in feed.events if e.kind == "agreement.withdrawn"]
    assert withdrawn.recorded and withdrawn.recorded.observed_at == "2025-03-14T12:00:00Z"
    assert withdrawn.end.observed_at == "2025-03-02T12:00:00Z"


# Three signed dates corrected and an agreement added; then a copy of the first list that
# was never seen (other bytes: its rows one lower), as a mirror or a misdated file gives it.
NEWER = [
    *(row(r.agency, "TFM", "2025-01-05") for r in BASE[:3]),
    *BASE[3:],
    row("Newcomer PD", "WSO"),
]
OLD_COPY = BASE  # the same rows, each one lower in the sheet: other bytes
OLD_AT = tuple(range(3, 13))


def test_an_older_list_never_seen_that_undoes_changes_is_held_not_diffed() -> None:
    """No row brought back and other bytes: the values its changes replaced brought
    back, with a row added since lacking, say it is the older list (here with a row
    no list had: not the very rows of an older list)."""
    feed = Feed()
    feed(part(BASE), "2025-03-01T12:00:00Z")
    feed(part(NEWER), "2025-03-02T12:00:00Z")
    before = len(feed.events)
    out = feed(part([*OLD_COPY, row("Stray PD", "JEM")]), "2025-03-03T12:00:00Z")
    assert not out.accepted and out.reason == (
        "stale: brings back 3 values changed since the list of 2025-03-01T12:00:00Z "
        "(list1.xlsx) and lacks 1 added since; an older list arriving late"
    )
    assert feed(part(NEWER), "2025-03-03T18:00:00Z").accepted
    assert feed.kinds(before) == {"snapshot.rejected": 1}
    assert ProgramState.from_dict(feed.state.to_dict()) == feed.state  # what it remembers


def test_the_very_rows_of_an_older_list_again_are_held_whatever_their_bytes() -> None:
    """A stale copy served again (a cache, another server; re-saved, so other bytes)
    whose only difference from the latest list is the rows added since: the very rows
    of an older accepted list, none restored, held, not read (before: read, each row
    added since missing, and every list after it flapping between the two; the real
    list then held as the stale one)."""
    feed = Feed()
    feed(part(BASE), "2025-03-01T12:00:00Z")
    feed(part([*BASE, row("Newcomer PD", "WSO")]), "2025-03-02T12:00:00Z")
    before = len(feed.events)
    out = feed(part(OLD_COPY, OLD_AT), "2025-03-03T12:00:00Z")
    assert not out.accepted and out.reason == (
        "stale: the very rows of the list of 2025-03-01T12:00:00Z (list1.xlsx), lacking 1 "
        "added since; an older list arriving late"
    )
    assert feed(part([*BASE, row("Newcomer PD", "WSO")]), "2025-03-03T18:00:00Z").accepted
    assert not feed(part(OLD_COPY), "2025-03-04T12:00:00Z").accepted  # flapping: held again
    assert feed.kinds(before) == {"snapshot.rejected": 2}
    assert feed.state.participating.entries["tx-newcomer-police-department|WSO"].status == "active"


def test_the_very_rows_of_an_older_list_bringing_rows_back_are_held_though_lacking_none() -> None:
    """A stale copy of a list from before rows left it (a pending list's applications
    approved since): the very rows of the older list, bringing them back and lacking
    nothing added since, held (before: read, every row back, and the real list after
    it held as the stale one)."""
    feed = Feed()
    extra = [row(f"Leaving {i} PD", "JEM") for i in range(3)]
    feed(part([*BASE, *extra]), "2025-03-01T12:00:00Z")
    feed(part(BASE), "2025-03-02T12:00:00Z")
    out = feed(part([*extra, *BASE]), "2025-03-03T12:00:00Z")
    assert not out.accepted and out.reason == (
        "stale: brings back 3 rows removed since the list of 2025-03-01T12:00:00Z "
        "(list1.xlsx): the very rows of it; an older list arriving late"
    )
    assert feed(part(BASE[::-1]), "2025-03-03T18:00:00Z").accepted  # the real list: read


def test_a_reversal_that_persists_dates_its_rows_by_the_list_held_first() -> None:
    """A row added, then gone from a list of the very rows of the list before it:
    held as that list arriving late, then read once the reversal persisted; the row was
    first missing from the held list, not from the one that confirmed it."""
    feed = Feed(replace(RULES, withdraw_after_days=0, withdraw_after_snapshots=1))
    newcomer = row("Newcomer Police Department", "WSO")
    feed(part(BASE), "2025-03-01T12:00:00Z")
    feed(part([*BASE, newcomer]), "2025-03-02T12:00:00Z")
    assert not feed(part(BASE[::-1]), "2025-03-03T12:00:00Z").accepted
    out = feed(part(BASE[1:] + BASE[:1]), "2025-03-05T13:00:00Z")
    assert out.accepted and out.note and "reversal held since 2025-03-03" in out.note
    [gone] = [e for e in feed.events if e.kind == "agreement.withdrawn"]
    assert gone.start and gone.start.observed_at == "2025-03-02T12:00:00Z"
    assert gone.end.observed_at == "2025-03-03T12:00:00Z"


def test_an_older_list_never_seen_that_persists_is_read() -> None:
    feed = Feed()
    feed(part(BASE), "2025-03-01T12:00:00Z")
    feed(part(NEWER), "2025-03-02T12:00:00Z")
    before = len(feed.events)
    assert not feed(part(OLD_COPY, OLD_AT), "2025-03-03T12:00:00Z").accepted
    out = feed(part(OLD_COPY, OLD_AT), "2025-03-04T13:00:00Z")
    assert out.accepted and out.note and "reversal held since 2025-03-03" in out.note
    assert feed.kinds(before) == {"snapshot.rejected": 1, "agreement.changed": 3}


@pytest.mark.parametrize(
    "later",
    [
        [*OLD_COPY, row("Newcomer PD", "WSO")],  # nothing added since lacks
        [*OLD_COPY[:2], *NEWER[2:]],  # two values back: fewer than stale_min_restored
    ],
)
def test_values_changed_back_in_a_list_that_does_not_look_older_are_read(
    later: list[ListingRow],
) -> None:
    feed = Feed()
    feed(part(BASE), "2025-03-01T12:00:00Z")
    feed(part(NEWER), "2025-03-02T12:00:00Z")
    before = len(feed.events)
    assert feed(part(later), "2025-03-03T12:00:00Z").accepted
    assert set(feed.kinds(before)) <= {"agreement.changed", "agreement.withdrawn"}


# -- persistence ----------------------------------------------------------------------------


def test_a_drained_list_is_held_once_then_accepted_when_seen_again() -> None:
    feed = Feed()
    apps = [row(f"Applicant {i} PD", "TFM") for i in range(5)]
    feed(part(BASE), "2025-11-01T12:00:00Z")
    feed(pend(apps), "2025-11-01T12:00:00Z")
    out = feed(pend([]), "2025-11-02T12:00:00Z")
    assert not out.accepted and out.reason and "holds no rows under its header" in out.reason
    out = feed(pend([]), "2025-11-03T12:00:00Z")
    assert out.accepted and out.note and "persisted" in out.note
    assert {e.status for e in feed.state.pending.entries.values()} == {"missing"}
    assert feed(pend([]), "2025-11-03T18:00:00Z").accepted  # drained already: data


def test_a_first_list_with_no_rows_is_data() -> None:
    out = Feed()(pend([]), "2025-11-02T12:00:00Z")
    assert out.accepted and out.events == ()


def test_a_loss_is_confirmed_by_the_lost_rows_even_when_others_change() -> None:
    feed = Feed()
    many = [row(f"Agency {i} PD", "TFM") for i in range(30)]
    feed(part(many), "2025-03-01T12:00:00Z")
    assert not feed(part(many[:10]), "2025-03-02T12:00:00Z").accepted
    moving = many[:10] + [row(f"Fresh {i} PD", "JEM") for i in range(4)]
    out = feed(part(moving), "2025-03-03T13:00:00Z")
    assert out.accepted and out.note and "persisted" in out.note


@pytest.mark.parametrize(("lost", "held"), [(19, False), (20, False), (21, True)])
def test_a_loss_of_more_than_min_row_loss_rows_and_more_than_its_share_is_held(
    lost: int, held: bool
) -> None:
    """As documented: held when a list loses more than ``max_row_loss_share`` of its
    rows and more than ``diff.min_row_loss`` (the one limit a list's changes have too:
    ``changes 21 agreements at once (limit 20)``)."""
    feed = Feed(replace(RULES, min_row_loss=20))
    rows = [row(f"Agency {i} PD", "TFM") for i in range(40)]
    feed(part(rows), "2025-03-01T12:00:00Z")
    out = feed(part(rows[lost:]), "2025-03-02T12:00:00Z")
    assert out.accepted is not held
    if held:
        assert out.reason == (
            f"lost {lost} of 40 rows at once (limit 20); held until a later list confirms it"
        )


MANY = [row(f"Agency {i} PD", "TFM") for i in range(12)]


def _dated(rows: list[ListingRow], signed: str) -> list[ListingRow]:
    return [replace(r, signed=date.fromisoformat(signed)) for r in rows]


def test_a_list_changing_most_agreements_values_for_a_day_records_nothing() -> None:
    """Every date a day off for one capture (a sheet exported wrong), then right again:
    held, not every agreement changed and changed back."""
    feed = Feed()
    feed(part(MANY), "2025-03-01T12:00:00Z")
    out = feed(part(_dated(MANY, "2025-01-01")), "2025-03-02T12:00:00Z")
    assert not out.accepted and out.reason == (
        "changes 12 agreements or agencies at once (limit 3); held until a later list confirms it"
    )
    assert feed(part(MANY[1:] + MANY[:1]), "2025-03-03T12:00:00Z").accepted  # as before
    assert [e.kind for e in feed.events[24:]] == ["snapshot.rejected"]  # after 12 added, joined


def test_a_mass_change_of_values_that_persists_is_read() -> None:
    feed = Feed()
    feed(part(MANY), "2025-03-01T12:00:00Z")
    moved = _dated(MANY, "2025-01-01")
    assert not feed(part(moved), "2025-03-02T12:00:00Z").accepted
    assert not feed(part(moved[::-1]), "2025-03-02T18:00:00Z").accepted  # not yet a day
    assert ProgramState.from_dict(feed.state.to_dict()) == feed.state  # the held values
    out = feed(part(moved), "2025-03-03T12:00:00Z")
    assert out.accepted and out.note == (
        "change held since 2025-03-02T12:00:00Z persisted: changes 12 agreements or "
        "agencies at once (limit 3)"
    )
    changed = [e for e in out.events if e.kind == "agreement.changed"]
    assert len(changed) == 12 and all(e.after == {"signed": "2025-01-01"} for e in changed)
    # the held list showed them first: their window ends there, recorded now
    assert {(e.end.observed_at, e.recorded and e.recorded.observed_at) for e in changed} == {
        ("2025-03-02T12:00:00Z", "2025-03-03T12:00:00Z")
    }


def test_agreements_a_held_mass_change_added_are_dated_by_it_once_it_persists() -> None:
    """A list held for changing many agreements at once that also adds one (ICE
    restyling its names the day it lists a new agreement): once a later list confirms
    the change, the new agreement was first shown by the held list, as its changed
    values were (its window ends there, recorded now; its agency joined then too)."""
    feed = Feed()
    feed(part(MANY), "2025-03-01T12:00:00Z")
    moved = [*_dated(MANY, "2025-01-01"), row("Fresh PD", "JEM")]
    assert not feed(part(moved), "2025-03-02T12:00:00Z").accepted
    out = feed(part(moved), "2025-03-03T12:00:00Z")
    assert out.accepted
    arrived = [e for e in out.events if e.kind in ("agreement.added", "agency.joined")]
    assert [(e.kind, e.agency) for e in arrived] == [
        ("agreement.added", "Fresh PD"),
        ("agency.joined", "Fresh PD"),
    ]
    assert {(e.end.observed_at, e.recorded and e.recorded.observed_at) for e in arrived} == {
        ("2025-03-02T12:00:00Z", "2025-03-03T12:00:00Z")
    }


def test_agreements_a_held_mass_change_lacked_are_dated_by_it_once_it_persists() -> None:
    """A list held for changing many agreements at once that also lacks a few listed
    ones (ICE re-signing its WSO agreements the day it drops three): once a later list
    confirms the change, the rows were first lacking in the held list, which their
    withdrawals' windows end at (before: at the confirming list, a capture late)."""
    feed = Feed()
    feed(part([*MANY, row("Gone PD", "JEM")]), "2025-03-01T12:00:00Z")
    moved = _dated(MANY, "2025-01-01")
    assert not feed(part(moved), "2025-03-02T12:00:00Z").accepted
    assert feed(part(moved), "2025-03-03T12:00:00Z").accepted
    feed(part(moved[::-1]), "2025-03-04T12:00:00Z")  # another version lacking it
    [gone] = [e for e in feed.events if e.kind == "agreement.withdrawn"]
    assert (gone.start.observed_at, gone.end.observed_at) == (
        "2025-03-01T12:00:00Z",
        "2025-03-02T12:00:00Z",
    )


def test_what_else_a_held_mass_change_showed_is_dated_by_it_once_it_persists() -> None:
    """A list held for changing many agreements at once that also renames an agency
    and publishes a MOA (ICE re-signing its WSO agreements the day it writes
    ``Quarryville Borough Police Department`` and links Hampton's MOA): once a later
    list confirms the change, the new name and the new link were first shown by the
    held list, as the changed values were: every event of a change the held list
    showed is dated by it (before: by the confirming list, a capture late)."""
    feed = Feed()
    hampton = row("Hampton Police Department", "TFM")
    feed(
        part([*MANY, hampton, row("Quarryville Police Department", "TFM")]), "2025-03-01T12:00:00Z"
    )
    linked = replace(hampton, moa_url="https://www.ice.gov/doclib/287gMOA/HamptonPD.pdf")
    moved = [
        *_dated(MANY, "2025-01-01"),
        linked,
        row("Quarryville Borough Police Department", "TFM"),
    ]
    assert not feed(part(moved), "2025-03-02T12:00:00Z").accepted
    out = feed(part(moved), "2025-03-03T12:00:00Z")
    assert out.accepted
    shown = [e for e in out.events if e.agency and e.agency.startswith(("Quarryville", "Hampton"))]
    assert sorted(e.kind for e in shown) == ["agency.renamed", "agreement.changed", "moa.published"]
    assert {(e.end.observed_at, e.recorded and e.recorded.observed_at) for e in shown} == {
        ("2025-03-02T12:00:00Z", "2025-03-03T12:00:00Z")
    }


def test_a_few_values_changed_at_once_are_read_at_once() -> None:
    feed = Feed()
    feed(part(MANY), "2025-03-01T12:00:00Z")
    out = feed(part(_dated(MANY[:3], "2025-01-01") + MANY[3:]), "2025-03-02T12:00:00Z")
    assert out.accepted and [e.kind for e in out.events] == ["agreement.changed"] * 3


def _in(rows: list[ListingRow], state: str) -> list[ListingRow]:
    return [replace(r, state=state) for r in rows]


def test_a_block_of_agencies_given_another_state_for_a_day_records_nothing() -> None:
    """A sheet's state column gone wrong for a capture (Texas's rows as Tennessee's):
    not every agency's state corrected and corrected back."""
    feed = Feed(replace(RULES, min_row_loss=20))
    texas = [row(f"Town {i} Police Department", "TFM") for i in range(25)]
    others = [row(f"Agency {i} PD", "JEM") for i in range(100)]  # 25 is no loss of many
    feed(part(texas + others), "2025-03-01T12:00:00Z")
    out = feed(part(_in(texas, "TN") + others), "2025-03-02T12:00:00Z")
    assert not out.accepted and out.reason == (
        "changes 25 agreements or agencies at once (limit 20); held until a later list confirms it"
    )
    assert feed(part(others + texas), "2025-03-03T12:00:00Z").accepted
    assert feed.kinds(250) == {"snapshot.rejected": 1}
    moved = _in(texas, "TN")
    assert not feed(part(moved + others), "2025-03-04T12:00:00Z").accepted
    out = feed(part(others + moved), "2025-03-05T12:00:00Z")  # it persisted: read
    assert out.accepted and Counter(e.kind for e in out.events) == {"agency.renamed": 25}


def test_a_block_of_agreements_given_another_model_for_a_day_records_nothing() -> None:
    feed = Feed(replace(RULES, min_row_loss=20))
    moa = "https://www.ice.gov/doclib/287gMOA/town{}.pdf"
    wso = [replace(row(f"Town {i} PD", "WSO"), moa_url=moa.format(i)) for i in range(25)]
    others = [row(f"Agency {i} PD", "JEM") for i in range(100)]
    feed(part(wso + others), "2025-03-01T12:00:00Z")
    out = feed(part([replace(r, model="TFM") for r in wso] + others), "2025-03-02T12:00:00Z")
    assert (
        not out.accepted
        and out.reason
        and out.reason.startswith("changes 25 agreements or agencies at once (limit 20)")
    )
    assert feed(part(others + wso), "2025-03-03T12:00:00Z").accepted
    assert feed.kinds(250) == {"snapshot.rejected": 1}


def test_a_list_that_grows_threefold_at_once_is_held_until_seen_again() -> None:
    feed = Feed()
    feed(part(BASE), "2025-03-01T12:00:00Z")
    grown = BASE + [row(f"Bulk {i} PD", "WSO") for i in range(110)]
    out = feed(part(grown), "2025-03-02T12:00:00Z")
    assert not out.accepted and out.reason and out.reason.startswith("grew from 10 to 120 rows")
    assert feed(part(grown), "2025-03-03T12:00:00Z").accepted


def test_rows_lost_in_a_held_list_that_a_later_list_confirms_are_dated_by_the_held_list() -> None:
    """The held list is the first showing the loss: the withdrawals' window ends there
    (it is recorded by the list that confirmed it), and its absence counts as seen."""
    feed = Feed(replace(RULES, withdraw_after_snapshots=2))
    gone = [row(f"Gone {i} Sheriff's Office", "WSO") for i in range(12)]
    feed(part(BASE + gone), "2025-03-01T12:00:00Z")
    assert not feed(part(BASE), "2025-03-02T12:00:00Z").accepted  # 12 rows lost: held
    out = feed(part(BASE[1:]), "2025-03-03T12:00:00Z")  # the loss persists, and one more
    withdrawn = [e for e in out.events if e.kind == "agreement.withdrawn"]
    assert len(withdrawn) == len(gone)  # seen lacking twice: withdrawn now
    assert {e.end.observed_at for e in withdrawn} == {"2025-03-02T12:00:00Z"}
    assert {e.start.observed_at for e in withdrawn if e.start} == {"2025-03-01T12:00:00Z"}
    assert {e.recorded.observed_at for e in withdrawn if e.recorded} == {"2025-03-03T12:00:00Z"}
    lost_now = feed.state.participating.entries[next(iter(_keys(feed, BASE[0])))]
    assert lost_now.missing_since and lost_now.missing_since.observed_at == "2025-03-03T12:00:00Z"


def test_changes_a_held_list_showed_are_dated_by_it_once_a_later_list_confirms_it() -> None:
    """Beside the rows it lost, the held list corrected a signed date: the change is the
    held list's, first showing it, as its lost rows are (it was dated by the list that
    confirmed the loss); a change only the confirming list shows keeps its own window."""
    feed = Feed(replace(RULES, withdraw_after_snapshots=2))
    gone = [row(f"Gone {i} Sheriff's Office", "WSO") for i in range(12)]
    feed(part(BASE + gone), "2025-03-01T12:00:00Z")
    fixed = [replace(BASE[0], signed=date(2024, 5, 6)), *BASE[1:]]
    assert not feed(part(fixed), "2025-03-02T12:00:00Z").accepted  # 12 rows lost: held
    later = [*fixed[:-1], replace(fixed[-1], signed=date(2024, 7, 8))]
    out = feed(part(later), "2025-03-03T12:00:00Z")
    changed = {e.agency: e.end.observed_at for e in out.events if e.kind == "agreement.changed"}
    assert changed == {
        BASE[0].agency: "2025-03-02T12:00:00Z",
        BASE[-1].agency: "2025-03-03T12:00:00Z",
    }


def test_a_change_undone_by_an_older_list_again_is_dated_by_it_once_it_persists() -> None:
    """A signed date typed wrong, fixed by the old list's very bytes: held as an older
    list arriving late, then read once it persists; the date back is the held list's.
    (A state typed wrong is no change to undo: ``tests/test_state_slips.py``.)"""
    feed = Feed(replace(RULES, withdraw_after_snapshots=2))
    feed(part(BASE), "2025-03-01T12:00:00Z")
    feed(part([replace(BASE[0], signed=date(2025, 1, 3)), *BASE[1:]]), "2025-03-02T12:00:00Z")
    assert not feed(part(BASE), "2025-03-03T12:00:00Z").accepted
    out = feed(part(BASE), "2025-03-04T13:00:00Z")
    [back] = [e for e in out.events if e.kind == "agreement.changed"]
    assert (back.before or {}).get("signed") == "2025-01-03"
    assert (back.after or {}).get("signed") == "2025-01-02"
    assert (back.end.observed_at, back.recorded_at) == (
        "2025-03-03T12:00:00Z",
        "2025-03-04T13:00:00Z",
    )


def test_rows_gained_in_a_held_list_that_a_later_list_confirms_are_dated_by_the_held_list() -> None:
    feed = Feed()
    feed(part(BASE), "2025-03-01T12:00:00Z")
    grown = BASE + [row(f"Bulk {i} PD", "WSO") for i in range(110)]
    assert not feed(part(grown), "2025-03-02T12:00:00Z").accepted
    out = feed(part([*grown, row("Later PD", "JEM")]), "2025-03-03T12:00:00Z")
    added = {e.agency: e.end.observed_at for e in out.events if e.kind == "agreement.added"}
    assert len(added) == 111
    assert added["Later PD"] == "2025-03-03T12:00:00Z"  # not in the held list: its own
    assert {at for name, at in added.items() if name != "Later PD"} == {"2025-03-02T12:00:00Z"}


def _keys(feed: Feed, listed: ListingRow) -> list[str]:
    return [
        k
        for k, e in feed.state.participating.entries.items()
        if e.fields["agency"] == listed.agency
    ]


# -- properties -----------------------------------------------------------------------------

NAMES = [f"{w} County Sheriff's Office" for w in ("Adams", "Baker", "Clay", "Dixie", "Echols")]
rows_strategy = st.lists(
    st.tuples(st.sampled_from(NAMES), st.sampled_from(["JEM", "TFM", "WSO"])),
    min_size=1,
    max_size=10,
    unique=True,
).map(lambda pairs: [row(n, m) for n, m in pairs])


@settings(max_examples=50, deadline=None)
@given(rows_strategy, st.randoms(use_true_random=False))
def test_a_permuted_copy_of_an_accepted_list_makes_no_event(
    rows: list[ListingRow], rnd: random.Random
) -> None:
    feed = Feed()
    assert feed(part(rows), "2025-03-01T12:00:00Z").accepted
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    before = len(feed.events)
    assert feed(part(shuffled), "2025-03-02T12:00:00Z").accepted
    assert feed.events[before:] == []


@settings(max_examples=50, deadline=None)
@given(rows_strategy, st.integers(min_value=1, max_value=300), st.booleans())
def test_a_list_with_two_signings_after_its_time_is_never_accepted_unless_forced(
    rows: list[ListingRow], days_ahead: int, forced: bool
) -> None:
    feed = Feed()
    ahead = date.fromordinal(date(2025, 3, 1).toordinal() + days_ahead).isoformat()
    late = [row("Late A PD", signed=ahead), row("Late B PD", "WSO", signed=ahead)]
    out = feed(part(rows + late), "2025-03-01T12:00:00Z", forced=forced)
    assert out.accepted == forced
    if not forced:
        assert [e.kind for e in out.events] == ["snapshot.rejected"]


def test_an_application_listed_for_an_agreement_in_force_is_a_signal_not_an_event() -> None:
    feed = Feed()
    feed(part(BASE), "2025-03-01T12:00:00Z")
    feed(pend([row("Applicant PD", "WSO")]), "2025-03-01T12:00:00Z")
    before = len(feed.events)
    out = feed(pend([row("Applicant PD", "WSO"), BASE[0]]), "2025-03-02T12:00:00Z")
    assert out.accepted and feed.events[before:] == []
    assert out.note == (
        "listed as pending but already participating: Agency 0 Police Department (TFM)"
    )
    again = replace(pend([row("Applicant PD", "WSO")]), row_numbers=(3,))  # exported again
    feed(again, "2025-03-03T12:00:00Z")
    feed(again, "2025-03-04T12:00:00Z")
    assert feed.events[before:] == []  # gone again: not approved a second time


def test_the_same_content_rejected_again_for_the_same_reason_is_said_once() -> None:
    """A misdated file captured twice (or an import of duplicate captures): both
    rejected, one ``snapshot.rejected`` (each capture gave one); once a list is
    accepted, the file back is news again."""
    feed = Feed()
    feed(part(BASE), "2025-08-01T12:00:00Z")
    rows = [row("Late One PD", signed="2025-08-28"), row("Late Two PD", signed="2025-08-20")]
    late = part([*BASE, *rows])
    first = feed(late, "2025-08-02T12:00:00Z")
    again = feed(late, "2025-08-02T18:00:00Z")
    assert not first.accepted and not again.accepted and again.reason == first.reason
    assert [e.kind for e in again.events] == []
    assert feed(part(BASE[1:]), "2025-08-03T12:00:00Z").accepted
    assert feed.state.participating.rejected is None
    back = feed(late, "2025-08-03T18:00:00Z")
    assert [e.kind for e in back.events] == ["snapshot.rejected"]
