"""One accepted list applied to its entries: what it adds, changes, lacks. Pure.

Agreements and pending applications are ``agency x model``. A row that vanishes is only
*missing* until its absence persists (``withdraw_after_snapshots`` distinct published
versions and ``withdraw_after_days``), and only then withdrawn (or, for a pending
application, approved or dropped). The withdrawal is dated by the observations that
bracket the disappearance, not by the snapshot that confirmed it. ``diffs/engine.py``
runs it once the gate has accepted the list and its rows' agencies are known.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from diffs import approvals, blanks, relabel, said_links
from diffs.events import Event, SnapshotRef, earliest
from diffs.fields import (
    FIELD_COLUMNS,
    carry_known,
    changed_fields,
    known,
    published_link,
    row_fields,
    same_link,
    same_name,
    shows_fields,
    unpublished,
)
from diffs.gate import Rules, persisted
from diffs.state import (
    ACTIVE,
    APPROVED,
    DROPPED,
    LISTED,
    MISSING,
    UNKNOWN_MODEL,
    WITHDRAWN,
    Blank,
    Entry,
    LossCandidate,
    ProgramState,
    Said,
    entry_parts,
)
from parsers.records import ListingRow


class ListDiff:
    """Applies one accepted listing to one list's entries (a short-lived helper)."""

    def __init__(
        self,
        state: ProgramState,
        kind: str,
        ref: SnapshotRef,
        rules: Rules,
        columns: tuple[str, ...],
        confirmed: LossCandidate | None = None,
    ) -> None:
        self.state, self.kind, self.ref, self.rules = state, kind, ref, rules
        # a change held, confirmed now: its rows lost and gained first were so in the
        # held list, which the events of those rows cite as the first showing it
        self.confirmed = confirmed
        self.previous = state.list_state(kind)
        # fields the list has no column for: it says nothing of them (the schema change
        # is the event), so their known values stand
        self.unpublished = unpublished(columns)
        self.entries = dict(self.previous.entries)
        self.pending = dict(state.pending.entries)
        self.events: list[Event] = []
        self.already: list[str] = []  # pending rows for agreements already participating
        self.stripped = False  # a copy stripped of its hyperlinks (diffs/said_links.py)

    def run(self, rows: dict[str, tuple[str, ListingRow]]) -> list[Event]:
        if self.previous.last is not None and self.previous.last.sha256 == self.ref.sha256:
            return self._same_content(rows)
        self.stripped = self.kind == "participating" and said_links.stripped(
            row for _, row in rows.values()
        )
        for key in sorted(rows):
            agency_id, row = rows[key]
            self._present(key, agency_id, row)
        for key in sorted(set(self.entries) - set(rows)):
            self._absent(self.entries[key])
        return self.events

    def _same_content(self, rows: dict[str, tuple[str, ListingRow]]) -> list[Event]:
        """The same bytes seen again: nothing present changed; absences persist, and so
        do the values held blank (ICE republishes one list for days)."""
        for key in sorted(set(self.entries) - set(rows)):
            self._absent(self.entries[key])
        for key in sorted(k for k, e in self.entries.items() if e.blanks and k in rows):
            self._still_blank(self.entries[key])
        for key in sorted(k for k, e in self.entries.items() if e.status == APPROVED and k in rows):
            entry = self.entries[key]
            if self._pending_again(entry, entry.fields):
                self.entries[key] = replace(entry, status=ACTIVE, last_seen=self.ref)
        return self.events

    def _still_blank(self, entry: Entry) -> None:
        shown = entry.shown()
        start = self._last_seen(entry)
        _, held, confirmed = blanks.hold(
            entry, shown, self.ref, start, self.rules, self.unpublished
        )
        self.entries[entry.key] = replace(self._blanked(entry, confirmed), blanks=held)

    def result(self) -> ProgramState:
        state = self.state.with_list(self.kind, replace(self.previous, entries=self.entries))
        if self.kind == "participating":
            state = state.with_list("pending", replace(state.pending, entries=self.pending))
        return state

    def _present(self, key: str, agency_id: str, row: ListingRow) -> None:
        old = self.entries.get(key)
        if (
            old is not None
            and old.status == ACTIVE
            and not old.blanks
            and not old.said
            and not self.stripped
            and shows_fields(row, self.kind, old.fields)
        ):
            return  # unchanged: an ACTIVE entry was last seen in the list's last snapshot
        fields = row_fields(row, self.kind)
        if old is not None:
            fields = carry_known(old.fields, fields, row)
            fields = known(old.fields, fields, self.unpublished)
        if old is None or old.status in (WITHDRAWN, DROPPED):
            self._appear(key, agency_id, row, fields, old)
            return
        held: tuple[Blank, ...] = ()
        said: tuple[Said, ...] = ()
        if self.kind == "participating":
            start = self._last_seen(old)
            fields, held, confirmed = blanks.hold(
                old, fields, self.ref, start, self.rules, self.unpublished, self.previous.unshown
            )
            old = self._blanked(old, confirmed)
            said = said_links.said(old, row, start, self.ref, self.stripped)
        same = old.fields == fields
        if not same and self.kind == "participating":
            self.events += self._changed(old, fields)
            self.events += self._published(old, fields)
        if same and old.status == ACTIVE and held == old.blanks and said == old.said:
            return  # unchanged: an ACTIVE entry was last seen in the list's last snapshot
        status = old.status if old.status == APPROVED else ACTIVE
        if status == APPROVED and self._pending_again(old, fields):
            status = ACTIVE
        self.entries[key] = Entry(
            old.key,
            old.agency_id,
            old.model,
            fields,
            status,
            old.first_seen,
            self.ref,
            blanks=held,
            said=said,
        )

    def _pending_again(self, application: Entry, fields: dict[str, Any]) -> bool:
        """An application still listed whose agreement (of its key) was withdrawn is
        pending again: a ``pending.added`` dated by the withdrawal (the application was
        listed throughout; it is one again since the agreement left), recorded now."""
        agreement = self.state.participating.entries.get(application.key)
        if self.kind != "pending" or agreement is None or agreement.status != WITHDRAWN:
            return False
        event = self._event("pending.added", application.key, fields, None, fields)
        listed = application.first_seen.observed_at[:10]
        note = f"listed since {listed}; pending again: its agreement was withdrawn"
        end = agreement.missing_since or self.ref
        self.events.append(
            replace(event, start=agreement.last_seen, end=end, recorded=self.ref, note=note)
        )
        return True

    def _blanked(self, old: Entry, confirmed: list[Blank]) -> Entry:
        """Values whose absence persisted (``diffs/blanks.py``): an ``agreement.changed``
        each, dated by the last snapshot showing the value and the first not; the entry
        as if it had changed then."""
        if not confirmed:
            return old
        for blank in confirmed:
            before, after = {blank.name: old.fields.get(blank.name)}, {blank.name: None}
            event = self._event("agreement.changed", old.key, old.fields, before, after)
            self.events.append(
                replace(event, start=blank.start, end=blank.since, recorded=self.ref)
            )
        return replace(old, fields={**old.fields, **{b.name: None for b in confirmed}})

    def _appear(
        self, key: str, agency_id: str, row: ListingRow, fields: dict[str, Any], old: Entry | None
    ) -> None:
        first = old.first_seen if old else self.ref
        model = row.model or UNKNOWN_MODEL
        self.entries[key] = Entry(key, agency_id, model, fields, ACTIVE, first, self.ref)
        if self.stripped:  # its links said, not shown, since the list before
            said = said_links.said(self.entries[key], row, self.previous.last, self.ref, True)
            self.entries[key] = replace(self.entries[key], said=said)
        in_force = self._in_force(self.entries[key]) if self.kind == "pending" else None
        if in_force is not None:
            # an application listed for an agreement in force: a signal, not an event
            self.entries[key] = replace(self.entries[key], status=APPROVED)
            self.already.append(approvals.already(fields, in_force))
            return
        if self.kind == "pending":
            event = self._event("pending.added", key, fields, None, fields)
            self.events.append(self._first_shown(_model_said(event, row)))
            return
        kind = "agreement.reinstated" if old else "agreement.added"
        before = old.fields if old else None
        event = self._event(kind, key, fields, before, fields, effective=fields["signed"])
        self.events.append(self._first_shown(_model_said(event, row)))
        self._approve_pending(key, fields)

    def _in_force(self, application: Entry) -> Entry | None:
        """The agreement in force that an application newly listed is for: under its
        key, or else under another label of its agency (``approvals.in_force_as``)."""
        entry = self.state.participating.entries.get(application.key)
        if entry is not None:
            return entry if entry.status == ACTIVE else None
        return approvals.in_force_as(application, self.state, self._agreements_in_force)

    @functools.cached_property
    def _agreements_in_force(self) -> approvals.InForce:
        """Made when first needed: a list diff's new applications look here."""
        return approvals.agreements_in_force(self.state)

    def _counterpart(self, entry: Entry, others: Iterable[Entry]) -> Entry | None:
        return relabel.counterpart(entry, others, self.state)

    def signal(self) -> str | None:
        """What the list showed that is not an event (kept in the snapshot's note)."""
        if not self.already:
            return None
        return "listed as pending but already participating: " + "; ".join(self.already)

    def _approve_pending(self, key: str, fields: dict[str, Any]) -> None:
        """An arriving agreement approves its agency's listed application for its model:
        under its key, or else under another label (``relabel.counterpart``). The event
        is the application's (its key, its agency as listed); ``after`` names the
        agreement's label when it is another."""
        app = self.pending.get(key)
        if app is None:
            listed = [e for e in self.pending.values() if e.status in LISTED]
            agreement = self.entries[key]
            app = self._counterpart(agreement, listed) or approvals.model_unsaid(
                agreement, listed, self.previous.entries.values()
            )
        if app is None or app.status not in LISTED:
            return
        self.pending[app.key] = replace(app, status=APPROVED)
        after = approvals.participating_as(app, self.entries[key])
        listed_as = fields if app.key == key else app.fields
        event = self._event(
            "pending.approved",
            app.key,
            listed_as,
            {"list": "pending"},
            after,
            effective=fields.get("signed"),
        )
        event = replace(event, extra={"pending_first_seen": app.first_seen.cite()})
        self.events.append(self._first_shown(event, key))

    def _absent(self, entry: Entry) -> None:
        if entry.status not in (ACTIVE, MISSING, APPROVED):
            return
        if entry.status == APPROVED:
            del self.entries[entry.key]
            return
        missing = self._still_missing(entry)
        if self._confirmed(missing):
            self._gone(missing)
        else:
            self.entries[entry.key] = missing

    def _last_seen(self, entry: Entry) -> SnapshotRef:
        """An ACTIVE entry is in every accepted snapshot up to the list's last one."""
        if entry.status == ACTIVE and self.previous.last is not None:
            return self.previous.last
        return entry.last_seen

    def _still_missing(self, entry: Entry) -> Entry:
        held = self._held_without(entry)
        if entry.status == ACTIVE:
            entry = replace(entry, last_seen=self._last_seen(entry))
        since = entry.missing_since or held or self.ref
        lacking = {self.ref.sha256} | ({held.sha256} if held else set())
        return replace(
            entry,
            status=MISSING,
            missing_since=since,
            missing_versions=tuple(sorted(set(entry.missing_versions) | lacking)),
            missing_observations=entry.missing_observations + len(lacking),
        )

    def _held_without(self, entry: Entry) -> SnapshotRef | None:
        """The held list that first lacked a listed entry, when this list confirms that
        loss: the first snapshot without it (its absence is then seen twice)."""
        held = self.confirmed
        if held is None or entry.status != ACTIVE or entry.key not in held.keys:
            return None
        return held.first

    def _first_shown(self, event: Event, key: str | None = None) -> Event:
        """``event`` of an entry (of ``key``, else the event's subject) that arrived in
        the held list this list confirms: dated by the held list, the first showing it,
        and recorded now."""
        held = self.confirmed
        if held is None or (key or event.subject) not in held.gained:
            return event
        return replace(event, end=held.first, recorded=self.ref)

    def _confirmed(self, entry: Entry) -> bool:
        return persisted(entry.missing_since, entry.missing_versions, self.ref, self.rules)

    def _gone(self, entry: Entry) -> None:
        start, end = entry.last_seen, entry.missing_since or self.ref
        if self.kind == "participating":
            self.entries[entry.key] = replace(entry, status=WITHDRAWN)
            kind, after = "agreement.withdrawn", None
        else:
            agreement = self._agreement_of(entry)
            approved = agreement is not None
            kind = "pending.approved" if approved else "pending.dropped"
            self.entries[entry.key] = replace(entry, status=APPROVED if approved else DROPPED)
            after = approvals.participating_as(entry, agreement) if agreement else None
        event = self._event(kind, entry.key, entry.fields, entry.fields, after)
        note = None
        if kind == "pending.dropped":  # may it be an approval? named for the reader
            note = approvals.alike_note(entry, self._listed_since(entry), self.state)
        self.events.append(replace(event, start=start, end=end, recorded=self.ref, note=note))

    def _agreement_of(self, application: Entry) -> Entry | None:
        """The listed agreement a pending application that left its list became: under
        its key, or else under another label, listed no earlier than the application
        and approving no application of its own key (``relabel.counterpart``)."""
        entry = self.state.participating.entries.get(application.key)
        if entry is not None:
            return entry if entry.status in LISTED else None
        since = self._listed_since(application)
        # its own list as last seen, whatever this diff made of it so far: the order
        # of its rows decides nothing
        return self._counterpart(application, since) or approvals.model_unsaid(
            application, since, self.previous.entries.values()
        )

    def _listed_since(self, application: Entry) -> list[Entry]:
        agreements = self.state.participating.entries.values()
        return approvals.listed_since(application, agreements, self.entries)

    def _changed(self, old: Entry, fields: dict[str, Any]) -> list[Event]:
        changed = [
            k
            for k in changed_fields(old.fields, fields)
            if not self._filled_in(k, old)
            and not published_link(k, old.fields, fields)
            and not same_link(k, old.fields, fields)
            and not same_name(k, old.fields, fields, self._state_of(old.agency_id))
        ]
        if not changed:
            return []
        before = {k: old.fields.get(k) for k in changed}
        after = {k: fields.get(k) for k in changed}
        event = self._event("agreement.changed", old.key, fields, before, after)
        return [replace(event, start=self._shown_last(old, changed))]

    def _shown_last(self, old: Entry, names: list[str]) -> SnapshotRef | None:
        """The last snapshot showing these fields' old values: before the first blank
        held among them (a value blanked, then back as another) or the first copy
        stripped of hyperlinks saying a link is there (``diffs/said_links.py``), else the
        last showing the entry, or, if earlier, the last list with the field's column
        (``ListState.unshown``: the lists without it said nothing of it)."""
        starts = [b.start for b in old.blanks if b.name in names]
        starts += [m.start for m in old.said if m.name in names]
        if not starts:
            starts = [self._last_seen(old)]
            starts += [self.previous.unshown[n] for n in names if n in self.previous.unshown]
        return earliest(starts)

    def _state_of(self, agency_id: str) -> str | None:
        agency = self.state.agencies.get(agency_id)
        return agency.state if agency else None

    def _filled_in(self, name: str, old: Entry) -> bool:
        """A value for a column no list showing the entry had (ICE added COUNTY in
        March 2025; the HTML era had no TYPE) is new information, not a change: the
        previous list lacks the column, or the entry was last shown before the lists
        having it began (missing from the first of them: ``ListState.shown_since``);
        unless a list with the column showed the entry without one (a blank cell filled
        in while a list without the column came between: ``ListState.unshown``)."""
        columns = FIELD_COLUMNS.get(name)
        if columns is None or old.fields.get(name) is not None:
            return False
        if columns & set(self.previous.columns):
            since = self.previous.shown_since.get(name)
            return since is not None and self._last_seen(old).observed_at < since.observed_at
        shown = self.previous.unshown.get(name)  # the last list with the column
        return shown is None or shown.observed_at < old.first_seen.observed_at

    def _published(self, old: Entry, fields: dict[str, Any]) -> list[Event]:
        """``moa.published``: a MOA or addendum link appears where there was none; dated
        by the first copy stripped of hyperlinks whose cell said ``link`` for it, if one
        did (``diffs/said_links.py``), and then recorded now."""
        events = []
        for name in ("moa_url", "addendum_url"):
            if fields.get(name) and not old.fields.get(name):
                event = self._event(
                    "moa.published", old.key, fields, {name: None}, {name: fields[name]}
                )
                marker = said_links.first_said(old.said, name)
                if marker is None:
                    events.append(replace(event, start=self._shown_last(old, [name])))
                else:
                    note = said_links.note(marker, self.ref)
                    dated = replace(event, start=marker.start, end=marker.since, note=note)
                    events.append(replace(dated, recorded=self.ref))
        return events

    def _event(
        self,
        kind: str,
        key: str,
        fields: dict[str, Any],
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        effective: str | None = None,
    ) -> Event:
        agency_id, model = entry_parts(key)
        return Event(
            kind=kind,
            subject=key,
            end=self.ref,
            start=self.previous.last,
            state=self._state_of(agency_id),
            agency=fields.get("agency"),
            agency_id=agency_id,
            model=model,
            effective_date=effective,
            before=before,
            after=after,
        )


def _model_said(event: Event, row: ListingRow) -> Event:
    """An entry arriving under no model the rules know (model ``?``): its event's note
    says the support type as the list wrote it (a new model, or a label unread), which
    the model ``?`` alone would hide."""
    if row.model is not None or not row.model_raw:
        return event
    return replace(event, note=f"support type as listed: {row.model_raw!r}, no model known")
