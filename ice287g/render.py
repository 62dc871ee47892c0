"""Output formats: plain tables, CSV, JSON and the Markdown change log.

Every output is sorted and deterministic: two rebuilds give byte-identical exports.
Every value is escaped for its format here, through :mod:`ice287g.escape`: table
cells for the terminal, CSV cells against formulas and control characters, JSON
without raw C1 characters, Markdown literal (:func:`describe` takes the escape).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from rich.cells import cell_len, set_cell_size

from ice287g.escape import for_csv_cell, for_json, for_markdown, for_terminal

Escape = Callable[[str], str]

KIND_LABELS = {
    "agreement.added": "agreements added",
    "agreement.withdrawn": "agreements withdrawn",
    "agreement.reinstated": "agreements reinstated",
    "agreement.changed": "agreements changed",
    "agency.models_changed": "agencies whose models changed",
    "agency.renamed": "agencies renamed",
    "agreement.relabelled": "agreements relabelled",
    "agency.joined": "agencies joined",
    "agency.left": "agencies left",
    "pending.added": "pending applications added",
    "pending.approved": "pending applications approved",
    "pending.dropped": "pending applications dropped",
    "moa.published": "MOAs published",
    "moa.replaced": "MOAs replaced",
    "source.schema_changed": "list column changes",
    "snapshot.rejected": "snapshots rejected",
}


_ONE = {"agencies": "agency", "agreements": "agreement", "applications": "application"}


def kind_label(kind: str, count: int = 1) -> str:
    """A kind's label for ``count`` events: ``agreement withdrawn`` for one (an event's
    own label: a feed entry, a timeline item), ``agreements withdrawn`` for more.

    Principle: a label names as many things as it counts; one event is singular."""
    label = KIND_LABELS.get(kind, kind)
    if count == 1:
        words = label.split()
        at = next((i for i, w in enumerate(words) if w in _ONE or w.endswith("s")), None)
        if at is not None:
            word = words[at]
            words[at] = _ONE.get(word, word[:-1])
        label = " ".join(words)
    return label


def counted(count: int, kind: str) -> str:
    """``3 agreements added``, ``1 agreement added``: a kind's label for a count."""
    return f"{count} {kind_label(kind, count)}"


def to_json(value: Any) -> str:
    return for_json(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={_cell(v)}" for k, v in sorted(value.items()))
    return str(value)


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([for_csv_cell(_cell(row.get(c))) for c in columns])
    return out.getvalue()


def to_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], width: int = 60) -> str:
    """A plain aligned table (no terminal-width magic, so output is stable), aligned by
    the columns a terminal gives each character (a wide one two, a combining mark
    none: ``東京``, ``é`` written with its accent apart)."""
    cells = [[_clip(for_terminal(_cell(r.get(c))), width) for c in columns] for r in rows]
    widths = [max([len(c)] + [cell_len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(v, w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - cell_len(text))


def _clip(text: str, width: int) -> str:
    """At most ``width`` columns on a terminal, an ellipsis marking a cut."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + "…"


LISTING_FORMATS = ("table", "csv", "json")  # what render() writes; every listing offers them


def render(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str) -> str:
    if fmt == "json":
        return to_json(list(rows))
    if fmt == "csv":
        return to_csv(rows, columns)
    return to_table(rows, columns)


# -- events -------------------------------------------------------------------------------


def _same(value: str) -> str:
    return value


def describe(event: dict[str, Any], esc: Escape = _same) -> str:
    """One human sentence for an event; every value from ICE's files (names, URLs,
    notes, file names) passes through ``esc``, the escape of the output format."""
    unknown_model = event.get("model") == "?"
    event = _escaped(event, esc)
    who = " · ".join(p for p in (event.get("state"), event.get("agency"), event.get("model")) if p)
    before, after = event.get("before") or {}, event.get("after") or {}
    sentence = _SENTENCES.get(event["kind"])
    if sentence is not None:
        return sentence(event, who, before, after)
    return _listed(event, who, after, unknown_model)


Fields = dict[str, Any]


def _values_changed(event: Fields, who: str, before: Fields, after: Fields) -> str:
    parts = [
        f"{k}: {_cell(before.get(k)) or '—'} → {_cell(after.get(k)) or '—'}" for k in sorted(after)
    ]
    return f"{who}: " + "; ".join(parts)


def _renamed(event: Fields, who: str, before: Fields, after: Fields) -> str:
    return f"{event.get('state')} · {before.get('name')} → {after.get('name')}"


def _relabelled(event: Fields, who: str, before: Fields, after: Fields) -> str:
    old = f"{before.get('state')} · {before.get('agency')}"
    new = f"{after.get('state')} · {after.get('agency')}"
    if before.get("model"):  # the model relabelled
        return f"{old} ({before['model']}) → {new} ({after.get('model')})"
    return f"{old} → {new} ({event.get('model')})"


def _models_changed(event: Fields, who: str, before: Fields, after: Fields) -> str:
    return f"{who}: {', '.join(before.get('models', []))} → {', '.join(after.get('models', []))}"


def _schema_changed(event: Fields, who: str, before: Fields, after: Fields) -> str:
    if "values" in before:  # a column's values renamed
        renamed = [
            f"{field}: {_cell(b)} → {_cell(a)}"
            for field, olds in before["values"].items()
            for b, a in zip(olds, after.get("values", {}).get(field, []), strict=False)
        ]
        return f"{event['subject']}: " + "; ".join(renamed)
    columns = (", ".join(before.get("columns", [])), ", ".join(after.get("columns", [])))
    return f"{event['subject']}: {columns[0]} → {columns[1]}"


def _moa_published(event: Fields, who: str, before: Fields, after: Fields) -> str:
    return f"{who}: {', '.join(str(v) for v in after.values())}"


def _moa_replaced(event: Fields, who: str, before: Fields, after: Fields) -> str:
    changed = [k for k in after if k != "sha256"]
    what = f" (changed: {', '.join(changed)})" if changed else " (same fields, new bytes)"
    return f"{who or event['subject']}: {event['subject']}{what}"


def _rejected(event: Fields, who: str, before: Fields, after: Fields) -> str:
    return f"{_snapshot_name(event)}: {after.get('reason')}"


_SENTENCES: dict[str, Callable[[Fields, str, Fields, Fields], str]] = {
    "agreement.changed": _values_changed,
    "agency.renamed": _renamed,
    "agreement.relabelled": _relabelled,
    "agency.models_changed": _models_changed,
    "source.schema_changed": _schema_changed,
    "moa.published": _moa_published,
    "moa.replaced": _moa_replaced,
    "snapshot.rejected": _rejected,
}
"""The sentence of each kind that says its before and after; the others say who, and
when it was signed (:func:`_listed`)."""


def _listed(event: Fields, who: str, after: Fields, unknown_model: bool) -> str:
    """An agreement or application listed, approved, dropped or ended: who, and the
    signed date ICE states; with what the event notes where it says more."""
    kind = event["kind"]
    signed = f" (signed {event['effective_date']})" if event.get("effective_date") else ""
    if kind == "pending.approved" and after.get("agency"):
        return f"{who}{signed} → {after['agency']}"  # approved under another label
    if kind == "pending.dropped" and event.get("note"):
        return f"{who} ({event['note']})"  # agreements listed under names alike
    if unknown_model and event.get("note"):
        return f"{who}{signed} ({event['note']})"  # the support type no model known
    return f"{who}{signed}"


_SHOWN = ("subject", "state", "agency", "model", "before", "after", "provenance", "note")


def _escaped(event: dict[str, Any], esc: Escape) -> dict[str, Any]:
    """The event with every text value :func:`describe` may show passed through ``esc``
    (the kind, id and window are ours and stay as they are)."""
    if esc is _same:
        return event
    return {**event, **{k: _through(event.get(k), esc) for k in _SHOWN if k in event}}


def _through(value: Any, esc: Escape) -> Any:
    if isinstance(value, str):
        return esc(value)
    if isinstance(value, dict):
        return {k: _through(v, esc) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_through(v, esc) for v in value]
    return value


GROUPS = ("signed-month", "month", "state", "model")


def group_counts(events: Sequence[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """Events counted by ``by`` and kind: ``signed-month`` is the month of the date ICE
    states (the signed date: "agreements signed per month" is
    ``--kind agreement.added --group-by signed-month``), ``month`` that of the window's end."""
    counts: Counter[tuple[str, str]] = Counter()
    for event in events:
        if by == "signed-month":
            value = (event.get("effective_date") or "")[:7] or "unknown"
        elif by == "month":
            value = event["window_end"][:7]
        else:
            value = event.get(by) or "unknown"
        counts[(value, event["kind"])] += 1
    return [{by: g, "kind": k, "events": n} for (g, k), n in sorted(counts.items())]


def _snapshot_name(event: dict[str, Any]) -> str:
    snaps = (event.get("provenance") or {}).get("snapshots") or []
    return snaps[0].get("where") or event["subject"] if snaps else event["subject"]


CAPTURE_KINDS = ("snapshot.rejected",)
"""Events that say what one capture was (a list the gate rejected), not a change
between two captures: they have no window."""

LISTING_FAMILIES = ("agreement", "agency", "pending")
"""Event families that say what a list holds: without an earlier capture, what they
report was on the list when records begin."""


def window_text(event: dict[str, Any]) -> str:
    """When the event happened, in the words its kind calls for.

    Principle: the sentence follows what the event dates. A change happened between the
    last capture without it and the first with it; a thing a list holds with no capture
    before it was on the list when records begin; a capture (a rejection) has no window:
    it is the capture, made at its time; anything else with no capture before it was
    first seen then."""
    start, end = event.get("window_start"), event["window_end"]
    if event["kind"] in CAPTURE_KINDS:
        return f"captured {end}"
    if start is not None:
        return f"between {start} and {end}"
    if event["kind"].split(".")[0] in LISTING_FAMILIES:
        return f"on the list when records begin ({end})"
    return f"first seen {end}"


EVENT_COLUMNS = (
    "date",
    "kind",
    "state",
    "agency",
    "model",
    "detail",
    "window_start",
    "window_end",
    "recorded_at",
    "id",
)


def event_rows(events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**e, "date": e["window_end"][:10], "detail": describe(e)} for e in events]


def changes_markdown(events: Sequence[dict[str, Any]], title: str) -> str:
    """The change log a person reads: counts first, then one section per date."""
    lines = [f"# {title}", ""]
    if not events:
        return "\n".join(lines + ["No changes recorded in this window.", ""])
    lines += [_summary(events), ""]
    by_date: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        by_date[event["window_end"][:10]].append(event)
    for day in sorted(by_date, reverse=True):
        lines += _day_section(day, by_date[day])
    return "\n".join(lines)


def _summary(events: Sequence[dict[str, Any]]) -> str:
    counts = Counter(e["kind"] for e in events)
    parts = [counted(n, k) for k, n in sorted(counts.items())]
    first, last = events[0]["window_end"][:10], events[-1]["window_end"][:10]
    total = f"{len(events)} event{'s' * (len(events) != 1)}"
    return f"**{total}** from {first} to {last}: " + ", ".join(parts) + "."


def _day_section(day: str, events: list[dict[str, Any]]) -> list[str]:
    counts = Counter(e["kind"] for e in events)
    ordered = sorted(counts.items(), key=lambda item: KIND_LABELS.get(item[0], item[0]))
    summary = ", ".join(counted(n, kind) for kind, n in ordered)
    lines = [f"## {day}", "", f"{summary}.", ""]
    for kind in sorted({e["kind"] for e in events}):
        group = [e for e in events if e["kind"] == kind]
        label = kind_label(kind, len(group))
        lines.append(f"### {label[0].upper()}{label[1:]} ({len(group)})")
        lines.append("")
        lines += [
            f"- {describe(e, for_markdown)} — {window_text(e)} `{e['id']}`"
            for e in sorted(group, key=lambda e: (e.get("state") or "", describe(e)))
        ]
        lines.append("")
    return lines
