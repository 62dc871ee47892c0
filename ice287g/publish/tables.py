"""The tables of a publication, built from :class:`PublishData`: one mapping from the
store's values to rows, shared by the data package, the site and the feeds.

Each table is a tuple of column names with types (for ``datapackage.json``) and rows
as dicts holding raw values (escaping happens at each output).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from common.geo import county_fips, state_fips
from ice287g.publish.model import PublishData
from ice287g.render import describe


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[dict[str, Any], ...]
    primary_key: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


def _fips(state: str | None, county: str | None, agency: str | None) -> dict[str, Any]:
    return {
        "state_fips": state_fips(state),
        "county_fips": county_fips(state, county, agency),
    }


LIST_COLUMNS = (
    ("agency_id", "string"),
    ("agreement_id", "string"),
    ("state", "string"),
    ("state_fips", "string"),
    ("agency", "string"),
    ("agency_type", "string"),
    ("county", "string"),
    ("county_fips", "string"),
    ("model", "string"),
    ("signed", "date"),
    ("moa_url", "string"),
    ("addendum_url", "string"),
)


def current_list(data: PublishData, kind: str) -> Table:
    state = data.lists[kind]
    rows = tuple(
        {
            "agency_id": r["agency_id"],
            "agreement_id": r["agreement_id"],
            "state": r["state"],
            "agency": r["agency"],
            "agency_type": r["type"],
            "county": r["county"],
            "model": r["model"],
            "signed": r["signed"],
            "moa_url": r["moa_url"],
            "addendum_url": r["addendum_url"],
            **_fips(r["state"], r["county"], r["agency"]),
        }
        for r in state.rows
    )
    columns = LIST_COLUMNS if kind == "participating" else LIST_COLUMNS[:9]
    return Table(
        f"current-{kind}",
        f"The {kind} list as it stands",
        f"Rows of the last accepted {kind} list ICE published (observed "
        f"{state.observed_at or 'never'}), one per agency and model.",
        columns,
        rows,
        ("agency_id", "model"),
    )


def agreement_history(data: PublishData) -> Table:
    rows = []
    for entry in data.agreements:
        fields = entry["fields"]
        agency = data.agencies.get(entry["agency_id"], {})
        names = [agency.get("name") or entry["agency"], *agency.get("aliases", [])]
        rows.append(
            {
                "agency_id": entry["agency_id"],
                "agreement_id": entry["key"],
                "agency": agency.get("name") or entry["agency"],
                "names": "; ".join(dict.fromkeys(n for n in names if n)),
                "state": entry["state"],
                "county": fields.get("county"),
                "model": entry["model"],
                "signed": fields.get("signed"),
                "first_seen": entry["first_seen"],
                "last_seen": entry["last_seen"],
                "status": entry["status"],
                **_fips(entry["state"], fields.get("county"), entry["agency"]),
            }
        )
    return Table(
        "agreements",
        "Every agreement ever listed",
        "One row per agreement (agency x model): its names, place, signed date, when it "
        "was first and last seen on the participating list, and its status now.",
        (
            ("agency_id", "string"),
            ("agreement_id", "string"),
            ("agency", "string"),
            ("names", "string"),
            ("state", "string"),
            ("state_fips", "string"),
            ("county", "string"),
            ("county_fips", "string"),
            ("model", "string"),
            ("signed", "date"),
            ("first_seen", "datetime"),
            ("last_seen", "datetime"),
            ("status", "string"),
        ),
        tuple(rows),
        ("agreement_id",),
    )


def evidence(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The archived files that prove an event (its provenance snapshots)."""
    snaps = (event.get("provenance") or {}).get("snapshots") or []
    return [s for s in snaps if s.get("sha256")]


def events_table(data: PublishData) -> Table:
    rows = tuple(
        {
            "id": e["id"],
            "date": e["window_end"][:10],
            "kind": e["kind"],
            "state": e.get("state"),
            "agency_id": e.get("agency_id"),
            "agency": e.get("agency"),
            "model": e.get("model"),
            "detail": describe(e),
            "effective_date": e.get("effective_date"),
            "window_start": e.get("window_start"),
            "window_end": e["window_end"],
            "recorded_at": e["recorded_at"],
            "evidence_sha256": " ".join(s["sha256"] for s in evidence(e)),
        }
        for e in data.events
    )
    return Table(
        "events",
        "Every recorded event",
        "One row per event: what changed, between which two observations (window_start "
        "empty: already listed when records begin, or a rejected capture, which is one "
        "observation and has no window), when the history recorded it "
        "(recorded_at: a withdrawal once its absence persisted, days after its window), "
        "and the sha256 of the archived files that prove it (under files/ on the site).",
        (
            ("id", "string"),
            ("date", "date"),
            ("kind", "string"),
            ("state", "string"),
            ("agency_id", "string"),
            ("agency", "string"),
            ("model", "string"),
            ("detail", "string"),
            ("effective_date", "date"),
            ("window_start", "datetime"),
            ("window_end", "datetime"),
            ("recorded_at", "datetime"),
            ("evidence_sha256", "string"),
        ),
        rows,
        ("id",),
    )


def daily_counts(data: PublishData) -> Table:
    return Table(
        "daily-counts",
        "Agreements per model, day by day",
        "Agreements on the participating list at the end of each day with an accepted "
        "capture, by model.",
        (
            ("date", "date"),
            ("JEM", "integer"),
            ("TFM", "integer"),
            ("WSO", "integer"),
            ("total", "integer"),
            ("snapshot_id", "string"),
        ),
        data.daily_counts,
        ("date",),
    )


def pending_history(data: PublishData) -> Table:
    """Each stay of an application on the pending list, from its events: when it was
    added, and its fate (approved, dropped, still pending) and how long it waited."""
    open_: dict[tuple[str, str], dict[str, Any]] = {}
    stays: list[dict[str, Any]] = []
    for e in data.events:
        kind, key = e["kind"], (e.get("agency_id") or "", e.get("model") or "")
        if kind == "pending.added":
            open_[key] = {
                "agency_id": key[0],
                "agency": e.get("agency"),
                "state": e.get("state"),
                "model": key[1],
                "added": e["window_end"][:10],
                "listed_when_records_begin": e.get("window_start") is None,
                "fate": "pending",
                "fate_date": None,
                "waited_days": None,
            }
            stays.append(open_[key])
        elif kind in ("pending.approved", "pending.dropped") and key in open_:
            stay = open_.pop(key)
            stay["fate"] = kind.split(".")[1]
            stay["fate_date"] = e["window_end"][:10]
            stay["waited_days"] = _days(stay["added"], stay["fate_date"])
    rows = sorted(stays, key=lambda s: (s["added"], s["state"] or "", s["agency_id"], s["model"]))
    return Table(
        "pending-history",
        "Pending applications and their fates",
        "One row per stay on the pending list: added (the first capture listing it), fate "
        "(approved: reached the participating list; dropped; pending), its date and the "
        "days waited (a lower bound when it was listed when records begin).",
        (
            ("agency_id", "string"),
            ("agency", "string"),
            ("state", "string"),
            ("model", "string"),
            ("added", "date"),
            ("listed_when_records_begin", "boolean"),
            ("fate", "string"),
            ("fate_date", "date"),
            ("waited_days", "integer"),
        ),
        tuple(rows),
    )


def publication_lag(data: PublishData) -> Table:
    """Days from the signed date to the first capture listing the agreement, for the
    agreements added while records were kept (not those listed when records begin)."""
    rows = []
    for e in data.events:
        if e["kind"] != "agreement.added" or e.get("window_start") is None:
            continue
        signed = e.get("effective_date")
        if not signed:
            continue
        rows.append(
            {
                "agency_id": e.get("agency_id"),
                "agency": e.get("agency"),
                "state": e.get("state"),
                "model": e.get("model"),
                "signed": signed,
                "first_listed": e["window_end"][:10],
                "month": e["window_end"][:7],
                "lag_days": _days(signed, e["window_end"][:10]),
                "event_id": e["id"],
            }
        )
    return Table(
        "publication-lag",
        "Publication lag",
        "For each agreement added while records were kept: days from its signed date to "
        "the first capture that lists it (month = the month of that capture).",
        (
            ("agency_id", "string"),
            ("agency", "string"),
            ("state", "string"),
            ("model", "string"),
            ("signed", "date"),
            ("first_listed", "date"),
            ("month", "string"),
            ("lag_days", "integer"),
            ("event_id", "string"),
        ),
        tuple(rows),
    )


def lag_summary(lag: Table) -> list[dict[str, Any]]:
    """Median and count of the lag per month and model."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in lag.rows:
        groups[(row["month"], row["model"] or "?")].append(row["lag_days"])
    return [
        {"month": m, "model": model, "agreements": len(v), "median_days": _median(v)}
        for (m, model), v in sorted(groups.items())
    ]


def moa_table(data: PublishData) -> Table:
    rows = []
    for doc in data.moas:
        rec = doc["record"] or {}
        rows.append(
            {
                "url": doc["url"],
                "sha256": doc["sha256"],
                "agency": rec.get("agency"),
                "state": rec.get("state"),
                "model": rec.get("model"),
                "field_office": rec.get("field_office"),
                "ice_signed": rec.get("ice_signed"),
                "agency_signed": rec.get("agency_signed"),
                "is_addendum": bool(rec.get("is_addendum")),
                "pages": rec.get("pages"),
                "error": rec.get("error"),
                "first_seen": doc["first_seen"],
                "last_seen": doc["last_seen"],
            }
        )
    return Table(
        "moa-documents",
        "MOA documents",
        "Every archived MOA or addendum PDF by the URL that served it, with its parsed "
        "fields (the file itself under files/<sha256>.pdf on the site).",
        (
            ("url", "string"),
            ("sha256", "string"),
            ("agency", "string"),
            ("state", "string"),
            ("model", "string"),
            ("field_office", "string"),
            ("ice_signed", "date"),
            ("agency_signed", "date"),
            ("is_addendum", "boolean"),
            ("pages", "integer"),
            ("error", "string"),
            ("first_seen", "datetime"),
            ("last_seen", "datetime"),
        ),
        tuple(rows),
        ("url",),
    )


LIST_CLAIMS = (None, "participating", "pending")
"""What a capture of a list was said to be when archived: a list, or nothing said (the
pipeline reads it as a list: ``ice287g.pipeline.is_list``); a MOA or another page is no
list capture."""


def snapshots_table(data: PublishData) -> Table:
    """Every capture of a list: where it came from, the gate's verdict and why, and what
    the parser noticed reading it (rows skipped and why, columns unknown, ...).

    Principle: one row per capture the pipeline read as a list, whatever it was found to
    be: a capture whose list is unknown (a file no parser could read, rejected) is a
    capture too, cited by its ``snapshot.rejected`` event; its ``list`` is empty."""
    rows = tuple(
        {
            "id": s["id"],
            "observed_at": s["observed_at"],
            "list": s["kind"],
            "claimed": s["kind_claimed"],
            "source": s["source"],
            "name": s["name"],
            "sha256": s["sha256"],
            "verdict": s["verdict"],
            "reason": s["reason"],
            "rows": s["row_count"],
            "note": s["note"],
            "parser_notes": "\n".join(data.warnings.get((s["sha256"], s["kind"]), ())),
        }
        for s in data.snapshots.values()
        if s["kind_claimed"] in LIST_CLAIMS
    )
    return Table(
        "snapshots",
        "Every capture of a list",
        "One row per capture of the participating or pending list (list empty: a capture "
        "whose list is unknown, one no parser could read): when and where it was "
        "observed, the archived file (files/<sha256> on the site), the quality gate's "
        "verdict and its reason, and what the parser noticed reading it (rows skipped "
        "and why, columns unknown or hidden, one note per line).",
        (
            ("id", "string"),
            ("observed_at", "datetime"),
            ("list", "string"),
            ("claimed", "string"),
            ("source", "string"),
            ("name", "string"),
            ("sha256", "string"),
            ("verdict", "string"),
            ("reason", "string"),
            ("rows", "integer"),
            ("note", "string"),
            ("parser_notes", "string"),
        ),
        rows,
        ("id",),
    )


def monthly_flows(data: PublishData) -> list[dict[str, Any]]:
    """Agreements added (after records begin) and withdrawn, per month."""
    counts: Counter[tuple[str, str]] = Counter()
    for e in data.events:
        if e["kind"] == "agreement.added" and e.get("window_start") is not None:
            counts[(e["window_end"][:7], "added")] += 1
        elif e["kind"] == "agreement.withdrawn":
            counts[(e["window_end"][:7], "withdrawn")] += 1
    months = sorted({m for m, _ in counts})
    return [
        {"month": m, "added": counts[(m, "added")], "withdrawn": counts[(m, "withdrawn")]}
        for m in months
    ]


def all_tables(data: PublishData) -> list[Table]:
    return [
        current_list(data, "participating"),
        current_list(data, "pending"),
        agreement_history(data),
        events_table(data),
        daily_counts(data),
        pending_history(data),
        publication_lag(data),
        moa_table(data),
        snapshots_table(data),
    ]


def _days(start: str, end: str) -> int:
    return (date.fromisoformat(end[:10]) - date.fromisoformat(start[:10])).days


def _median(values: list[int]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2
