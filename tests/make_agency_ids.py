"""Generate ``diffs/agency_ids.csv``, the shipped registry of agency ids, from the corpus.

    .venv/bin/python tests/make_agency_ids.py [../shared/corpus/ice-sheets]

Imports the corpus into a temporary database (with the registry as it stands), then
writes, for every state and name key an agency was listed under, its id. Ids already in
the registry never change; a new agency's id is the slug of the name and state it was
last listed under (so a state ICE corrected gets the right prefix), and an agency whose
only agreement ICE moved to another state's agency of the same name (Crow Wing County,
MA -> MN) is that agency.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from diffs.identity import REGISTRY_FILE, alias_key, load_registry, make_agency_id  # noqa: E402
from parsers.normalize import agency_key  # noqa: E402

LISTED = ("active", "missing")


def import_corpus(sheets: Path, folder: Path) -> sqlite3.Connection:
    env = {
        **os.environ,
        "ICE287G_DB": f"sqlite:///{folder / 'ids.db'}",
        "ICE287G_SNAPSHOTS": str(folder / "archive"),
    }
    command = [str(ROOT / ".venv/bin/ice287g"), "import", str(sheets)]
    subprocess.run(command, env=env, check=True, capture_output=True)
    return sqlite3.connect(folder / "ids.db")


def latest_ids(db: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """``STATE|key`` -> (agency id, name) as of the last accepted list showing it."""
    rows = db.execute(
        "SELECT state, agency, agency_id, MAX(from_seq) FROM list_versions"
        " GROUP BY state, agency, agency_id"
    ).fetchall()
    found: dict[str, tuple[int, str, str]] = {}
    for state, name, agency_id, seq in rows:
        name_key = alias_key(state, agency_key(name))
        if name_key not in found or seq > found[name_key][0]:
            found[name_key] = (seq, agency_id, name)
    return {k: (v[1], v[2]) for k, v in found.items()}


def state_moves(db: sqlite3.Connection) -> dict[str, str]:
    """Agencies whose agreements all moved to another state's agency (old -> new id)."""
    listed = {
        r[0]
        for table in ("agreements", "pending_applications")
        for r in db.execute(f"SELECT agency_id FROM {table} WHERE status IN ('active', 'missing')")
    }
    moves = {}
    for after_text, before_text in db.execute(
        "SELECT after, before FROM events WHERE kind = 'agreement.relabelled'"
    ):
        before, after = json.loads(before_text), json.loads(after_text)
        if before["state"] != after["state"] and before["agency_id"] not in listed:
            moves[before["agency_id"]] = after["agency_id"]
    return moves


def canonical_ids(db: sqlite3.Connection, groups: set[str], taken: set[str]) -> dict[str, str]:
    """A new agency's id: the slug of its last name and state, unless another has it."""
    agencies = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, state, key FROM agencies")}
    result = {}
    used = set(taken)
    for group in sorted(groups):
        if group in taken or group not in agencies:
            result[group] = group
            continue
        slug = make_agency_id(*agencies[group])
        chosen = slug if slug not in used else group
        used.add(chosen)
        result[group] = chosen
    return result


def main() -> None:
    sheets = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/corpus/ice-sheets"
    existing = load_registry()
    with tempfile.TemporaryDirectory() as tmp:
        db = import_corpus(sheets, Path(tmp))
        seen = latest_ids(db)
        moves = state_moves(db)
        final = {k: moves.get(v[0], v[0]) for k, v in seen.items()}
        ids = canonical_ids(db, set(final.values()), set(existing.values()))
    rows = {k: existing[k] for k in existing}
    for name_key, group in final.items():
        rows.setdefault(name_key, ids[group])
    names = {k: v[1] for k, v in seen.items()}
    with REGISTRY_FILE.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["agency_id", "state", "name_key", "example_name"])
        for name_key in sorted(rows, key=lambda k: (rows[k], k)):
            state, _, key = name_key.partition("|")
            out.writerow([rows[name_key], state, key, names.get(name_key, "")])
    print(f"{len(rows)} names, {len(set(rows.values()))} agencies -> {REGISTRY_FILE}")


if __name__ == "__main__":
    main()
