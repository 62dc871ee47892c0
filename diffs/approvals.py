"""An application and its agreement across the two lists, for the list diff
(``diffs/engine.py``): which agreement in force a newly listed application is for, which
agreements a leaving one may have become, and how the notes and events say it. Pure: the
known state in, entries and texts out; one agency under two labels is
``relabel.counterpart``'s to judge."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

from diffs import relabel
from diffs.state import ACTIVE, LISTED, UNKNOWN_MODEL, Entry, ProgramState

InForce: TypeAlias = dict[tuple[str, str, str], list[Entry]]
"""Agreements in force by (``state``, their state, model) and by (``name``, their
agency's key, model): the only ones an application can be under another label."""


def agreements_in_force(state: ProgramState) -> InForce:
    found: InForce = defaultdict(list)
    for entry in state.participating.entries.values():
        if entry.status == ACTIVE:
            agency = state.agencies[entry.agency_id]
            found[("state", agency.state, entry.model)].append(entry)
            found[("name", agency.key, entry.model)].append(entry)
    return found


def in_force_as(application: Entry, state: ProgramState, near: InForce) -> Entry | None:
    """The agreement in force that ``application`` is for under another label of its
    agency: among those of its state and model and those of its name in other states."""
    agency = state.agencies[application.agency_id]
    found = {e.key: e for e in near.get(("state", agency.state, application.model), [])}
    found.update((e.key, e) for e in near.get(("name", agency.key, application.model), []))
    return relabel.counterpart(application, found.values(), state)


def model_unsaid(entry: Entry, others: Iterable[Entry], own: Iterable[Entry]) -> Entry | None:
    """An agency's one entry of ``others`` (the other list's) when ``entry`` is its one
    entry listed in ``own`` (its own list's entries), and one of the two is of a model
    unknown (``?``: a support type naming no model, ``287(g)``): a model unknown is no
    other model, as within one list (``relabel._models_said``). None when either list
    holds another entry of the agency (which is whose is unknown)."""
    agency = entry.agency_id
    found = [other for other in others if other.agency_id == agency]
    if len(found) != 1 or found[0].model == entry.model:
        return None
    if UNKNOWN_MODEL not in (found[0].model, entry.model):
        return None
    rivals = (e for e in own if e.agency_id == agency and e.key != entry.key)
    return None if any(e.status in LISTED for e in rivals) else found[0]


def listed_since(
    application: Entry, agreements: Iterable[Entry], own: Mapping[str, Entry]
) -> list[Entry]:
    """The listed ``agreements`` first listed no earlier than ``application`` and of no
    application's key (``own``: an agreement of an application's own key is its)."""
    since = application.first_seen.observed_at
    return [
        e
        for e in agreements
        if e.status in LISTED and e.key not in own and e.first_seen.observed_at >= since
    ]


def alike_note(application: Entry, agreements: Iterable[Entry], state: ProgramState) -> str | None:
    """For an application dropped: the ``agreements`` of its state and model under names
    alike that are not its agency's by the rules (``relabel.alike``: ``Pembroke Police
    Department``, ``Pembroke Park Police Department``), named for the reader to judge;
    None when there are none."""
    alike = relabel.alike(application, agreements, state)
    return "agreements listed since under names alike: " + "; ".join(alike) if alike else None


def already(fields: dict[str, Any], agreement: Entry) -> str:
    """An application listed for an agreement in force, as the snapshot's note says it."""
    said = f"{fields.get('agency')} ({agreement.model})"
    name = agreement.fields.get("agency")
    return said if name == fields.get("agency") else f"{said}, in force as {name}"


def participating_as(application: Entry, agreement: Entry) -> dict[str, Any]:
    """Where an approved application went: the participating list, under the
    agreement's name when that is another label of its agency."""
    after: dict[str, Any] = {"list": "participating"}
    if agreement.key != application.key:
        after["agency"] = agreement.fields.get("agency")
    return after
