"""What a live pass reports: the events and rejections recorded since the last pass
that reported (a pass killed after recording, in the long MOA step or by a reboot,
never printed its news: the next one does), and the mark that it did."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ice287g.publish.output import LEDGER
from store import fetch_state, queries, writer
from store.db import transaction


def never_reported(session: Session) -> bool:
    """Whether no pass has marked what it reported (a first pass is to :func:`begin`)."""
    return fetch_state.reported_through(session) is None


def begin(engine: Engine) -> None:
    """Before the first pass records anything: the events stored so far were reported
    by the commands that recorded them (an import, a rebuild, a backfill), and are
    marked so; else a first pass killed before it reported (in its long MOA step) left
    its own events taken for reported too, and they were never printed."""
    with transaction(engine, write=True) as session:
        if fetch_state.reported_through(session) is None:
            fetch_state.mark_reported(session, writer.last_recorded(session) or "")


def site_behind(engine: Engine, folder: Path) -> bool:
    """Whether the history recorded events since ``folder`` (``publish.dir``) was last
    brought up to date by a pass, or it never was, or what was published there is gone
    (its ledger of files: a folder emptied, or another named)."""
    if not (folder / LEDGER).is_file():
        return True
    with transaction(engine) as session:
        last = writer.last_recorded(session) or ""
        return fetch_state.published_through(session, _key(folder)) != last


def mark_published(engine: Engine, folder: Path) -> None:
    """``folder`` is up to date with every event recorded so far."""
    with transaction(engine, write=True) as session:
        through = writer.last_recorded(session) or ""
        fetch_state.mark_published(session, _key(folder), through)


def _key(folder: Path) -> str:
    return str(folder.resolve())


def reported(session: Session) -> set[writer.Evidence]:
    """The evidence of the events a pass reported already (every one stored, before the
    first pass that marks what it reported), whatever their ids: a history derived
    again (an upgrade) gives its events new ids, not news."""
    through = fetch_state.reported_through(session)
    return set(writer.event_evidence(session, through).values())


def new_events(engine: Engine, known: set[writer.Evidence]) -> list[dict[str, Any]]:
    """The events not ``known``; read in full only when their evidence shows some."""
    with transaction(engine) as session:
        if set(writer.event_evidence(session).values()) <= known:
            return []
        events = queries.events(session, queries.EventFilter())
    return [e for e in events if writer.evidence_of(e) not in known]


def unreported_rejections(
    events: Iterable[Mapping[str, Any]], told: set[str]
) -> list[tuple[str, str]]:
    """The rejections among ``events`` of snapshots this pass did not read and tell
    (``told``): an earlier pass's, killed before it printed them. A rejection is never
    silent."""
    found = []
    for event in events:
        if event["kind"] == "snapshot.rejected" and event["subject"] not in told:
            found.append((_where(event), str((event["after"] or {}).get("reason"))))
    return found


def mark_reported(engine: Engine) -> None:
    """Every event recorded so far is reported (the pass's caller prints them next)."""
    with transaction(engine, write=True) as session:
        through = writer.last_recorded(session)
        if through is not None:
            fetch_state.mark_reported(session, through)


def _where(event: Mapping[str, Any]) -> str:
    """The file a rejection event names (its snapshot's file name, else its id)."""
    cited = (event.get("provenance") or {}).get("snapshots") or [{}]
    return str(cited[0].get("where") or event["subject"])
