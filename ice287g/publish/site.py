"""The HTML pages: Jinja2 templates with autoescaping on, readable without JavaScript.

Pages link to each other by relative paths (``root`` is the way back to the top of
the folder), so the folder can be served from any path or opened from disk.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from common.geo import state_name
from common.hashing import short_hash
from diffs.events import earlier_event_id
from ice287g.escape import for_xml, safe_url
from ice287g.publish.charts import Chart
from ice287g.publish.model import PublishData
from ice287g.publish.output import Output
from ice287g.publish.tables import Table, evidence, lag_summary
from ice287g.render import changes_markdown, describe, kind_label, window_text
from parsers.urls import repair_url

STALE_DAYS = 7
LATEST = 40
_SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,100}$")


def agency_slug(agency_id: str) -> str:
    """The file name of an agency's page: its id when that is a plain slug, else a hash."""
    return agency_id if _SAFE_ID.match(agency_id) else "a-" + short_hash(agency_id)


def agency_href(agency_id: str | None) -> str | None:
    return f"agencies/{agency_slug(agency_id)}.html" if agency_id else None


@dataclass(frozen=True)
class Inputs:
    """What the pages are made from, beside the data: tables, charts, evidence files."""

    data: PublishData
    tables: dict[str, Table]
    charts: Callable[[], dict[str, Chart]]  # asked for last: drawn meanwhile elsewhere
    files: dict[str, str]  # sha256 -> path under the output folder


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ice287g.publish", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_printable,
    )
    env.filters["safe_url"] = safe_url
    env.filters["kind_label"] = kind_label  # one event's: singular
    env.globals["agency_href"] = agency_href
    return env


def write_pages(out: Output, inputs: Inputs) -> None:
    env = environment()
    for name in ("style.css", "favicon.svg"):
        out.text(f"static/{name}", _static(name))

    def page(path: str, template: str, **values: Any) -> None:
        root = "../" * path.count("/")
        base = {"root": root, "updated": inputs.data.updated, "path": path}
        out.text(path, env.get_template(template).render(**base, **values))

    data = inputs.data
    _month_pages(out, page, data, inputs.files)
    _agency_pages(page, inputs)
    pending = inputs.tables["pending-history"]
    page("pending.html", "pending.html.j2", table=pending, fates=_fates(pending))
    lag = inputs.tables["publication-lag"]
    page("lag.html", "lag.html.j2", table=lag, summary=lag_summary(lag))
    page("data.html", "data.html.j2", tables=list(inputs.tables.values()))
    charts = inputs.charts()
    for name, chart in charts.items():
        out.text(f"charts/{name}.svg", chart.svg)
    page("index.html", "index.html.j2", **_front(inputs, charts))
    _state_pages(page, inputs, charts)


def _printable(value: Any) -> Any:
    """Every printed value with its control and invisible characters shown as their
    codes (:func:`for_xml`: HTML reads them as errors, or they reorder what follows)."""
    if isinstance(value, Markup):  # already rendered (a macro's output)
        return value
    return for_xml(value) if isinstance(value, str) else value


def _static(name: str) -> str:
    return resources.files("ice287g.publish").joinpath(f"static/{name}").read_text()


def _front(inputs: Inputs, charts: dict[str, Chart]) -> dict[str, Any]:
    data = inputs.data
    return {
        "lists": [_list_summary(data, kind) for kind in ("participating", "pending")],
        "charts": [charts[n] for n in ("models", "flows", "map") if n in charts],
        "latest": [_event_view(e, inputs) for e in reversed(data.events[-LATEST:])],
        "counts": inputs.tables["current-participating"].rows,
    }


def _list_summary(data: PublishData, kind: str) -> dict[str, Any]:
    """A list's size, when ICE last changed it (first capture of its current content),
    when it was last captured, and whether that capture is stale: older than
    STALE_DAYS before the newest observation of anything (a deterministic 'now')."""
    state = data.lists[kind]
    agencies = {r["agency_id"] for r in state.rows}
    since = [
        s["observed_at"]
        for s in data.snapshots.values()
        if s["kind"] == kind and s["sha256"] == state.sha256
    ]
    stale = bool(
        state.observed_at
        and _day(data.updated) - _day(state.observed_at) > timedelta(days=STALE_DAYS)
    )
    return {
        "kind": kind,
        "rows": len(state.rows),
        "agencies": len(agencies),
        "published": min(since) if since else None,
        "observed_at": state.observed_at,
        "stale": stale or state.observed_at is None,
        "stale_days": STALE_DAYS,
        "csv": f"data/current-{kind}.csv",
    }


def _day(text: str) -> date:
    return date.fromisoformat(text[:10])


def _event_view(event: dict[str, Any], inputs: Inputs) -> dict[str, Any]:
    return {
        "id": event["id"],
        "earlier_id": earlier_event_id(event),  # its id before the thirty-sixth session
        "date": event["window_end"][:10],
        "kind": event["kind"],
        "text": describe(event),
        "window": window_text(event),
        "agency_id": event.get("agency_id"),
        "agency_known": event.get("agency_id") in inputs.data.agencies,
        "files": [
            {"name": s.get("where") or s["sha256"][:12], "href": inputs.files[s["sha256"]]}
            for s in evidence(event)
            if s["sha256"] in inputs.files
        ],
    }


_EVENT_ITEM = re.compile(r"<li>(.*?)(<code>([0-9a-f]{16})</code>)</li>")


def _anchored(html: str, proof: dict[str, Markup] | None = None) -> str:
    """A month's change log with each event's item anchored by its id (``#event-<id>``:
    the item ends with its id, which the Markdown gives as code), so every event has a
    link to cite, with an agency page or without; and showing, before its id, the
    links to the files that prove it (``proof``, by event id)."""
    found = proof or {}

    def item(match: re.Match[str]) -> str:
        text, code, event_id = match.groups()
        shown = f"{found[event_id]} " if event_id in found else ""
        return f'<li id="event-{event_id}">{text}{shown}{code}</li>'

    return _EVENT_ITEM.sub(item, html)


def _proof(event: dict[str, Any], files: dict[str, str]) -> Markup | None:
    """``proof: <a>file</a>, ...``: the links, from a month page, to the archived files
    that prove an event (their names escaped), or None when none is published."""
    links = [
        Markup('<a href="../{}">{}</a>').format(
            quote(files[s["sha256"]], safe="/.-_~"), for_xml(s.get("where") or s["sha256"][:12])
        )
        for s in evidence(event)
        if s["sha256"] in files
    ]
    if not links:
        return None
    return Markup('<span class="proof">proof: {}</span>').format(Markup(", ").join(links))


def _month_pages(out: Output, page: Any, data: PublishData, files: dict[str, str]) -> None:
    """One change log per month, as Markdown (the ``changes --format md`` of the month)
    and as a page, where each event is anchored by its id and links the archived files
    that prove it.

    Principle: every event's anchor shows its evidence. The month page is the one page
    every event has (an event of no agency, a rejected capture or a column change, has
    no other), so its items carry the proof an agency's timeline carries."""
    months: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in data.events:
        months[event["window_end"][:7]].append(event)
    md = MarkdownIt("commonmark", {"html": False})
    listing = []
    for month in sorted(months):
        text = changes_markdown(months[month], f"287(g) changes, {month}")
        out.text(f"changes/{month}.md", text)
        proof = {e["id"]: p for e in months[month] if (p := _proof(e, files)) is not None}
        body = _anchored(md.render(text), proof)
        page("changes/" + month + ".html", "month.html.j2", month=month, body=body)
        listing.append({"month": month, "events": len(months[month])})
    page("changes/index.html", "months.html.j2", months=list(reversed(listing)))


def _state_pages(page: Any, inputs: Inputs, charts: dict[str, Chart]) -> None:
    data = inputs.data
    history = inputs.tables["agreements"].rows
    by_state: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in history:
        by_state[row["state"] or "??"].append(row)
    summaries = []
    for state in sorted(by_state):
        rows = sorted(by_state[state], key=lambda r: (r["agency"] or "", r["model"] or ""))
        events = [_event_view(e, inputs) for e in data.events if e.get("state") == state]
        active = [r for r in rows if r["status"] == "active"]
        models = {m: sum(1 for r in active if r["model"] == m) for m in ("JEM", "TFM", "WSO")}
        summary = {
            "state": state,
            "slug": state_slug(state),
            "name": state_name(state),
            "active": len(active),
            "models": models,
            "ever": len(rows),
        }
        summaries.append(summary)
        page(
            f"states/{state_slug(state)}.html",
            "state.html.j2",
            summary=summary,
            chart=charts.get(f"state-{state_slug(state)}"),
            agreements=rows,
            events=list(reversed(events)),
        )
    page("states/index.html", "states.html.j2", states=summaries)


def state_slug(state: str) -> str:
    return state if re.fullmatch(r"[A-Z]{2}", state) else "s-" + short_hash(state)


def _agency_pages(page: Any, inputs: Inputs) -> None:
    data = inputs.data
    history = inputs.tables["agreements"].rows
    agreements: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in history:
        agreements[row["agency_id"]].append(row)
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in data.events:
        if event.get("agency_id"):
            events[event["agency_id"]].append(event)
    moas = {doc["url"]: doc for doc in data.moas}
    fields = {e["key"]: e["fields"] for e in data.agreements}
    for agency_id, agency in sorted(data.agencies.items()):
        rows = agreements.get(agency_id, [])
        page(
            agency_href(agency_id) or "",
            "agency.html.j2",
            agency=agency,
            state_href=f"states/{state_slug(agency['state'])}.html",
            agreements=rows,
            moas=_agency_moas(rows, fields, moas, inputs.files),
            events=[_event_view(e, inputs) for e in reversed(events.get(agency_id, []))],
        )


def _agency_moas(
    rows: list[dict[str, Any]],
    fields: dict[str, dict[str, Any]],
    moas: dict[str, dict[str, Any]],
    files: dict[str, str],
) -> list[dict[str, Any]]:
    found = []
    for row in rows:
        values = fields.get(row["agreement_id"], {})
        for name in ("moa_url", "addendum_url"):
            url = repair_url(values[name]) if values.get(name) else None
            doc = moas.get(url) if url else None
            if doc is None:
                continue
            record = doc["record"] or {}
            found.append(
                {
                    "model": row["model"],
                    "role": "addendum" if name == "addendum_url" else "MOA",
                    "url": url,
                    "file": files.get(doc["sha256"]),
                    "record": record,
                    "signatures": record.get("signatures") or [],
                }
            )
    return found


def _fates(pending: Table) -> list[dict[str, Any]]:
    counts: dict[str, list[int]] = defaultdict(list)
    for row in pending.rows:
        counts[row["fate"]].append(row["waited_days"] if row["waited_days"] is not None else -1)
    return [
        {
            "fate": fate,
            "count": len(days),
            "median": _median([d for d in days if d >= 0]),
        }
        for fate, days in sorted(counts.items())
    ]


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def write_feed_index(out: Output, feed_list: list[Any], updated: str) -> None:
    page = environment().get_template("feeds.html.j2")
    values = {"root": "../", "updated": updated, "path": "feeds/index.html"}
    out.text("feeds/index.html", page.render(**values, feeds=feed_list))
