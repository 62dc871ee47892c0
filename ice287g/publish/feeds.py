"""Atom feeds (RFC 4287): every event, and one feed per state and per model.

Built with ElementTree (which escapes markup) from text passed through
:func:`for_xml`; every date comes from the data, never from the clock, so feeds are
deterministic: an entry is published when the capture that first showed its change was
observed (its window's end) and updated when the capture that recorded it was (a
withdrawal is recorded once its absence persisted, days later: a reader that skips
entries older than its last look still gets it), newest recorded first.
Links are relative to the feed's own address (``feeds/``), as RFC 4287 allows.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ice287g.escape import for_xml
from ice287g.publish.model import PublishData
from ice287g.render import describe, kind_label, window_text

ATOM = "http://www.w3.org/2005/Atom"
ID_BASE = "urn:ice287g:"


@dataclass(frozen=True)
class Feed:
    file: str  # under feeds/
    title: str
    key: str
    events: tuple[dict[str, Any], ...]


def feeds(data: PublishData, state_slug: Any, agency_href: Any) -> list[Feed]:
    by_state: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in data.events:
        if event.get("state"):
            by_state[event["state"]].append(event)
        if event.get("model"):
            by_model[event["model"]].append(event)
    found = [Feed("all.xml", "All 287(g) events", "all", data.events)]
    for state in sorted(by_state):
        slug = state_slug(state)
        title = f"287(g) events in {state}"
        found.append(Feed(f"state-{slug}.xml", title, f"state:{slug}", tuple(by_state[state])))
    for model in sorted(by_model):
        if model.isalnum():
            title = f"287(g) events, {model} model"
            found.append(
                Feed(f"model-{model}.xml", title, f"model:{model}", tuple(by_model[model]))
            )
    return found


def atom(feed: Feed, updated: str, agency_href: Any, known: set[str]) -> str:
    """The feed's XML: newest entries first."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _text(root, "id", ID_BASE + "feed:" + feed.key)
    _text(root, "title", feed.title)
    newest = max((e["recorded_at"] for e in feed.events), default=updated)
    _text(root, "updated", newest)
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", "ice287g")
    ET.SubElement(root, f"{{{ATOM}}}link", rel="self", href=feed.file)
    ET.SubElement(root, f"{{{ATOM}}}link", rel="alternate", href="../index.html")
    # newest recorded first: a withdrawal confirmed days after its window is news then
    order = sorted(feed.events, key=lambda e: (e["recorded_at"], e["window_end"], e["id"]))
    for event in reversed(order):
        _entry(root, event, agency_href, known)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _entry(root: ET.Element, event: dict[str, Any], agency_href: Any, known: set[str]) -> None:
    entry = ET.SubElement(root, f"{{{ATOM}}}entry")
    _text(entry, "id", ID_BASE + "event:" + event["id"])
    _text(entry, "title", f"{kind_label(event['kind'])}: {describe(event)}")  # one: singular
    _text(entry, "published", event["window_end"])
    _text(entry, "updated", event["recorded_at"])
    agency_id = event.get("agency_id")
    page = agency_href(agency_id) if agency_id in known else None
    href = (
        f"../{page}#event-{event['id']}"
        if page
        else f"../changes/{event['window_end'][:7]}.html#event-{event['id']}"
    )
    ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=href)
    ET.SubElement(entry, f"{{{ATOM}}}category", term=event["kind"])
    _text(entry, "summary", f"{describe(event)} — {window_text(event)}")


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = for_xml(value)


def write_feeds(out: Any, feed_list: Sequence[Feed], data: PublishData, agency_href: Any) -> None:
    known = set(data.agencies)
    for feed in feed_list:
        out.text(f"feeds/{feed.file}", atom(feed, data.updated, agency_href, known))
