"""The known state the diff engine carries from one snapshot to the next.

Immutable values: applying a snapshot builds a new state and never edits the old one,
so the rules stay pure functions of (previous state, new listing).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, NewType

from diffs.events import SnapshotRef, ref_from_dict, ref_to_dict

EntryKey = NewType("EntryKey", str)
"""An agreement's key in a list, and its agreement id in every export: the agency's id
and the model (``?`` where ICE gave none), as ``entry_key`` makes it."""


UNKNOWN_MODEL = "?"
"""An entry's model when its support type names none."""


def entry_key(agency_id: str, model: str | None) -> EntryKey:
    """The key of the agreement of ``agency_id`` under ``model``; ``entry_parts`` reads
    it back."""
    return EntryKey(f"{agency_id}|{model or UNKNOWN_MODEL}")


def entry_parts(key: str) -> tuple[str, str]:
    """The agency id and the model of an entry key (the inverse of ``entry_key``)."""
    agency_id, _, model = key.rpartition("|")
    return agency_id, model


ACTIVE = "active"
MISSING = "missing"
WITHDRAWN = "withdrawn"
APPROVED = "approved"
DROPPED = "dropped"
LISTED = (ACTIVE, MISSING)


def window_dict(name: str, start: SnapshotRef | None, since: SnapshotRef) -> dict[str, Any]:
    """A held value's name and window as the state's JSON writes them."""
    return {"name": name, "start": ref_to_dict(start), "since": ref_to_dict(since)}


def window_from_dict(data: dict[str, Any]) -> tuple[str, SnapshotRef | None, SnapshotRef]:
    """The inverse of :func:`window_dict`."""
    since = ref_from_dict(data["since"])
    assert since is not None
    return str(data["name"]), ref_from_dict(data.get("start")), since


@dataclass(frozen=True)
class Blank:
    """A known value a row still listed no longer shows (a link become ``Link Pending``,
    a county left empty): held, not yet a change, until its absence persists as a row's
    must (``start``: the last snapshot showing it; ``since``: the first not)."""

    name: str
    start: SnapshotRef | None
    since: SnapshotRef
    versions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {**window_dict(self.name, self.start, self.since), "versions": list(self.versions)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Blank:
        return cls(*window_from_dict(data), tuple(data["versions"]))


@dataclass(frozen=True)
class Said:
    """A link a copy stripped of its hyperlinks says is there (its cell says ``link``),
    which URL unseen (``diffs/said_links.py``): ``start`` the last snapshot showing the
    link's known value (a URL, or none), ``since`` the first stripped copy saying it;
    once a copy with hyperlinks shows it, its publication or change is dated so."""

    name: str
    start: SnapshotRef | None
    since: SnapshotRef

    def to_dict(self) -> dict[str, Any]:
        return window_dict(self.name, self.start, self.since)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Said:
        return cls(*window_from_dict(data))


@dataclass(frozen=True, slots=True)
class Entry:
    """One agreement (participating) or pending application: agency x model."""

    key: str
    agency_id: str
    model: str
    fields: dict[str, Any]
    status: str
    first_seen: SnapshotRef
    last_seen: SnapshotRef
    missing_since: SnapshotRef | None = None
    missing_versions: tuple[str, ...] = ()
    missing_observations: int = 0
    blanks: tuple[Blank, ...] = ()  # values the row no longer shows, held
    said: tuple[Said, ...] = ()  # links a stripped copy says are there, their URLs unseen

    def shown(self) -> dict[str, Any]:
        """The fields as the lists last showed them: a value whose blank is held empty
        (the entry keeps it while the blank is held; no row shows it)."""
        if not self.blanks:
            return self.fields
        return {**self.fields, **{blank.name: None for blank in self.blanks}}

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "agency_id": self.agency_id,
            "model": self.model,
            "fields": self.fields,
            "status": self.status,
            "first_seen": ref_to_dict(self.first_seen),
            "last_seen": ref_to_dict(self.last_seen),
            "missing_since": ref_to_dict(self.missing_since),
            "missing_versions": list(self.missing_versions),
            "missing_observations": self.missing_observations,
        }
        if self.blanks:
            data["blanks"] = [blank.to_dict() for blank in self.blanks]
        if self.said:
            data["said"] = [marker.to_dict() for marker in self.said]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        first = ref_from_dict(data["first_seen"])
        last = ref_from_dict(data["last_seen"])
        assert first is not None and last is not None
        return cls(
            key=data["key"],
            agency_id=data["agency_id"],
            model=data["model"],
            fields=data["fields"],
            status=data["status"],
            first_seen=first,
            last_seen=last,
            missing_since=ref_from_dict(data.get("missing_since")),
            missing_versions=tuple(data.get("missing_versions", ())),
            missing_observations=int(data.get("missing_observations", 0)),
            blanks=tuple(Blank.from_dict(b) for b in data.get("blanks", ())),
            said=tuple(Said.from_dict(m) for m in data.get("said", ())),
        )


@dataclass(frozen=True)
class LossCandidate:
    """A snapshot held for losing (or gaining) many rows at once, or for holding none:
    ``keys`` are the rows it lost, ``gained`` the rows it added. If the lost rows stay
    lost (and the gained stay) in a later snapshot, the change is accepted as real. One
    held for changing many agreements' values at once has ``changed`` instead: the new
    values (``key|field|value``), real if a later snapshot shows them still, and
    ``arrived`` and ``departed``, the rows it listed first and the listed rows it lacked,
    and ``shown``, the changes its events said (``Event.change``): which date those rows
    and changes once it is confirmed, but confirm nothing."""

    first: SnapshotRef
    keys: frozenset[str]
    gained: frozenset[str] = frozenset()
    changed: frozenset[str] = frozenset()
    arrived: frozenset[str] = frozenset()
    departed: frozenset[str] = frozenset()
    shown: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "first": ref_to_dict(self.first),
            "keys": sorted(self.keys),
            "gained": sorted(self.gained),
        }
        extra = {
            "changed": sorted(self.changed),
            "arrived": sorted(self.arrived),
            "departed": sorted(self.departed),
            "shown": sorted(self.shown),
        }
        return data | {name: values for name, values in extra.items() if values}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> LossCandidate | None:
        first = ref_from_dict(data["first"]) if data else None
        if data is None or first is None:
            return None
        keys, gained = frozenset(data["keys"]), frozenset(data.get("gained", ()))
        changed, arrived = frozenset(data.get("changed", ())), frozenset(data.get("arrived", ()))
        departed, shown = frozenset(data.get("departed", ())), frozenset(data.get("shown", ()))
        return cls(first, keys, gained, changed, arrived, departed, shown)

    def shown_first(self) -> LossCandidate:
        """A confirmed mass change as the diff reads a confirmed loss: the rows it lost or
        lacked, and the rows it gained or listed first, were first shown so by it."""
        return replace(self, keys=self.keys | self.departed, gained=self.gained | self.arrived)

    def dates(self, keys: set[str]) -> bool:
        """Whether this held list, confirmed by a list of ``keys``, showed rows so first:
        rows it listed first still listed, listed rows it lacked still lacking."""
        return bool(self.arrived & keys or self.departed - keys)


@dataclass(frozen=True)
class KeySet:
    """The keys of one accepted list, kept to recognise a stale list arriving late, and
    the values its changes replaced (``key|field|value``: what an older list shows)."""

    observed_at: str
    where: str
    keys: frozenset[str]
    replaced: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "observed_at": self.observed_at,
            "where": self.where,
            "keys": sorted(self.keys),
        }
        return data | ({"replaced": sorted(self.replaced)} if self.replaced else {})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KeySet:
        keys, replaced = frozenset(data["keys"]), frozenset(data.get("replaced", ()))
        return cls(data["observed_at"], data.get("where", ""), keys, replaced)


def _refs(data: dict[str, Any]) -> dict[str, SnapshotRef]:
    refs = {name: ref_from_dict(ref) for name, ref in data.items()}
    return {name: ref for name, ref in refs.items() if ref is not None}


@dataclass(frozen=True)
class ColumnHeld:
    """A column the lists have had another number of times than the schema as last
    stated says (added: 1 for 0; dropped: 0 for 1), held until a later list still has it
    so (``diffs/schema.py``): ``start`` the last list with it as stated, ``since`` the
    first with ``count``."""

    name: str
    count: int
    start: SnapshotRef | None
    since: SnapshotRef

    def to_dict(self) -> dict[str, Any]:
        return {**window_dict(self.name, self.start, self.since), "count": self.count}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnHeld:
        name, start, since = window_from_dict(data)
        return cls(name, int(data["count"]), start, since)


@dataclass(frozen=True)
class RenameHeld:
    """Values (or names) a list renamed across itself, held until a later list still
    shows them so (``diffs/schema.py``): the event's values before and after and its
    note; ``start`` the last list with the old values, ``since`` the first with these."""

    subject: str
    before: dict[str, Any]
    after: dict[str, Any]
    note: str | None
    start: SnapshotRef | None
    since: SnapshotRef

    def to_dict(self) -> dict[str, Any]:
        start, since = ref_to_dict(self.start), ref_to_dict(self.since)
        said = {"subject": self.subject, "before": self.before, "after": self.after}
        return {**said, "note": self.note, "start": start, "since": since}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RenameHeld:
        since = ref_from_dict(data["since"])
        assert since is not None
        start = ref_from_dict(data.get("start"))
        return cls(data["subject"], data["before"], data["after"], data.get("note"), start, since)


@dataclass(frozen=True)
class SetChange:
    """An agreement of an agency added (``joined``) or withdrawn, as its set of models
    sees it: the model, the event's window and, for an addition, its signed date."""

    model: str
    joined: bool
    start: SnapshotRef | None
    end: SnapshotRef
    effective: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "joined": self.joined,
            "start": ref_to_dict(self.start),
            "end": ref_to_dict(self.end),
            "effective": self.effective,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SetChange:
        end = ref_from_dict(data["end"])
        assert end is not None
        start = ref_from_dict(data.get("start"))
        return cls(str(data["model"]), bool(data["joined"]), start, end, data.get("effective"))


@dataclass(frozen=True)
class MembershipHeld:
    """An agency's set of models changed while one of its agreements is missing (its
    fate unknown): the models it was last stated to have and the changes since, held
    until none is missing (``diffs/membership.py``)."""

    agency_id: str
    before: tuple[str, ...]
    changes: tuple[SetChange, ...]

    def to_dict(self) -> dict[str, Any]:
        changes = [c.to_dict() for c in self.changes]
        return {"agency_id": self.agency_id, "before": list(self.before), "changes": changes}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MembershipHeld:
        changes = tuple(SetChange.from_dict(c) for c in data.get("changes", ()))
        return cls(str(data["agency_id"]), tuple(data.get("before", ())), changes)


@dataclass(frozen=True)
class MoveHeld:
    """An agency listed in another state, every paper of its agreement (or its
    application) the same, the evidence naming neither state (``carried.states_held``):
    read in its known state until a later list still shows it in ``state``
    (``gate.confirmed_since``). ``start``: the last list showing it in its known state;
    ``since``: the first showing it in ``state``, which date the move once confirmed."""

    agency_id: str
    state: str
    start: SnapshotRef | None
    since: SnapshotRef

    def to_dict(self) -> dict[str, Any]:
        return {**window_dict(self.agency_id, self.start, self.since), "state": self.state}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MoveHeld:
        agency_id, start, since = window_from_dict(data)
        return cls(agency_id, str(data["state"]), start, since)


@dataclass(frozen=True)
class ListState:
    """What we know of one list (participating or pending)."""

    entries: dict[str, Entry] = field(default_factory=dict)
    last: SnapshotRef | None = None
    columns: tuple[str, ...] = ()
    loss_candidate: LossCandidate | None = None
    recent: tuple[KeySet, ...] = ()  # the last accepted key sets, oldest first
    typos: frozenset[str] = frozenset()  # future signed dates already taken for typos
    # the last accepted contents, oldest first: (sha256, observed at) of each change
    versions: tuple[tuple[str, str], ...] = ()
    # the columns as the history last stated them (source.schema_changed), and other
    # columns the lists have had since, held until they persist (diffs/schema.py)
    schema: tuple[str, ...] = ()
    schema_held: tuple[ColumnHeld, ...] = ()
    renames_held: tuple[RenameHeld, ...] = ()  # values renamed across it, held
    # each field the last list has no column for, and the last list that had one
    unshown: dict[str, SnapshotRef] = field(default_factory=dict)
    # each field the last list has a column for, and the first list of those having
    # one since (none known for a state saved before it was kept)
    shown_since: dict[str, SnapshotRef] = field(default_factory=dict)
    # agencies whose set of models changed while an agreement of theirs is missing
    membership_held: tuple[MembershipHeld, ...] = ()
    # agencies listed in another state with the same papers, held until it persists
    moves_held: tuple[MoveHeld, ...] = ()
    # the last content rejected since the last accepted, and why (said once: the same
    # bytes rejected again for the same reason are no news)
    rejected: tuple[str, str] | None = None

    def listed_keys(self) -> set[str]:
        return {k for k, e in self.entries.items() if e.status in LISTED}

    def to_dict(self) -> dict[str, Any]:
        cand = self.loss_candidate
        kept: dict[str, Any] = {}  # held only lately: said only when there is one
        if self.moves_held:
            kept["moves_held"] = [held.to_dict() for held in self.moves_held]
        if self.rejected:
            kept["rejected"] = list(self.rejected)
        return {
            "entries": [self.entries[k].to_dict() for k in sorted(self.entries)],
            "last": ref_to_dict(self.last),
            "columns": list(self.columns),
            "loss_candidate": cand.to_dict() if cand else None,
            "recent": [r.to_dict() for r in self.recent],
            "typos": sorted(self.typos),
            "versions": [list(version) for version in self.versions],
            "schema": list(self.schema),
            "schema_held": [held.to_dict() for held in self.schema_held],
            "renames_held": [held.to_dict() for held in self.renames_held],
            "unshown": {name: ref_to_dict(ref) for name, ref in sorted(self.unshown.items())},
            "shown_since": {n: ref_to_dict(ref) for n, ref in sorted(self.shown_since.items())},
            "membership_held": [held.to_dict() for held in self.membership_held],
        } | kept

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ListState:
        return cls(
            entries={e["key"]: Entry.from_dict(e) for e in data.get("entries", [])},
            last=ref_from_dict(data.get("last")),
            columns=tuple(data.get("columns", ())),
            loss_candidate=LossCandidate.from_dict(data.get("loss_candidate")),
            recent=tuple(KeySet.from_dict(r) for r in data.get("recent", ())),
            typos=frozenset(data.get("typos", ())),
            versions=tuple((str(sha), str(at)) for sha, at in data.get("versions", ())),
            # a state saved before schemas were held: its columns were stated
            schema=tuple(data.get("schema", data.get("columns", ()))),
            schema_held=tuple(ColumnHeld.from_dict(h) for h in data.get("schema_held") or ()),
            renames_held=tuple(RenameHeld.from_dict(h) for h in data.get("renames_held") or ()),
            unshown=_refs(data.get("unshown", {})),
            shown_since=_refs(data.get("shown_since", {})),
            membership_held=tuple(
                MembershipHeld.from_dict(h) for h in data.get("membership_held") or ()
            ),
            moves_held=tuple(MoveHeld.from_dict(h) for h in data.get("moves_held") or ()),
            rejected=_rejected(data.get("rejected")),
        )


def _rejected(data: Any) -> tuple[str, str] | None:
    return (str(data[0]), str(data[1])) if data else None


@dataclass(frozen=True, slots=True)
class Agency:
    """A stable agency identity: its id never changes, its name may."""

    id: str
    state: str
    name: str
    key: str
    aliases: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "name": self.name,
            "key": self.key,
            "aliases": list(self.aliases),
        }


@dataclass(frozen=True)
class ProgramState:
    """Everything the engine knows: both lists and the agency registry."""

    participating: ListState = field(default_factory=ListState)
    pending: ListState = field(default_factory=ListState)
    agencies: dict[str, Agency] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    moas: dict[str, dict[str, Any]] = field(default_factory=dict)

    def list_state(self, kind: str) -> ListState:
        return self.participating if kind == "participating" else self.pending

    def with_list(self, kind: str, value: ListState) -> ProgramState:
        if kind == "participating":
            return replace(self, participating=value)
        return replace(self, pending=value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "participating": self.participating.to_dict(),
            "pending": self.pending.to_dict(),
            "agencies": [self.agencies[k].to_dict() for k in sorted(self.agencies)],
            "aliases": dict(sorted(self.aliases.items())),
            "moas": dict(sorted(self.moas.items())),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProgramState:
        agencies = {}
        for raw in data.get("agencies", []):
            agencies[raw["id"]] = Agency(**{**raw, "aliases": tuple(raw.get("aliases", ()))})
        return cls(
            participating=ListState.from_dict(data.get("participating", {})),
            pending=ListState.from_dict(data.get("pending", {})),
            agencies=agencies,
            aliases=dict(data.get("aliases", {})),
            moas=dict(data.get("moas", {})),
        )
