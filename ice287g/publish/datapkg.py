"""The data package in ``data/``: each table as CSV and JSON, described by a Frictionless
``datapackage.json`` (the CSV files are its resources; each JSON file holds the same
rows as an array of objects)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ice287g.escape import for_csv_cell, for_json
from ice287g.publish.output import Output
from ice287g.publish.tables import Table

PACKAGE_NAME = "ice287g-287g-agreements"


def write_tables(out: Output, tables: list[Table], updated: str) -> None:
    for table in tables:
        out.text(f"data/{table.name}.csv", to_csv(table))
        out.text(f"data/{table.name}.json", to_json(table))
    out.text("data/datapackage.json", _dump(descriptor(tables, updated)))


def to_csv(table: Table) -> str:
    """CSV with every text cell neutralised against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.names)
    for row in table.rows:
        writer.writerow([_csv_value(row.get(name), kind) for name, kind in table.columns])
    return buffer.getvalue()


def _csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "string":
        return for_csv_cell(str(value))
    return str(value)


def to_json(table: Table) -> str:
    rows = [{name: row.get(name) for name in table.names} for row in table.rows]
    return _dump(rows)


def descriptor(tables: list[Table], updated: str) -> dict[str, Any]:
    return {
        "name": PACKAGE_NAME,
        "title": "ICE 287(g) agreements: lists, history and events (ice287g)",
        "description": (
            "Derived by ice287g from every archived copy of the participating and pending "
            "agency lists ICE publishes. Text cells that start with = + - @ are prefixed "
            "with an apostrophe in the CSV files (the JSON files hold the values as "
            "published). State FIPS from the `us` package, county FIPS from `addfips` "
            "(Census tables)."
        ),
        "version": updated[:10],
        "created": updated,
        "licenses": [
            {
                "name": "ODC-PDDL-1.0",
                "path": "http://opendatacommons.org/licenses/pddl/",
                "title": "Open Data Commons Public Domain Dedication and License v1.0",
            }
        ],
        "resources": [_resource(t) for t in tables],
    }


def _resource(table: Table) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [{"name": name, "type": kind} for name, kind in table.columns],
        "missingValues": [""],
    }
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    return {
        "name": table.name,
        "title": table.title,
        "description": table.description + f" The same rows as JSON: {table.name}.json.",
        "path": f"{table.name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "profile": "tabular-data-resource",
        "schema": schema,
    }


def _dump(value: Any) -> str:
    return for_json(json.dumps(value, indent=2, sort_keys=False, ensure_ascii=False)) + "\n"
