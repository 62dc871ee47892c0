"""lists stored as intervals: list_versions replaces listing_rows

Each row of a list is kept once per version, with the accepted snapshots where the
version starts and ends, instead of once per distinct list content, and the research
view ``list_history`` over them (each row's versions with the agency's current name;
what a list held at time T: ``valid_from <= T`` and ``valid_to`` null or ``> T``). An existing
database is upgraded in place: the intervals are computed from ``listing_rows`` and the
accepted snapshots in replay order, then ``listing_rows`` is dropped.

Revision ID: 0004
Revises: 0003
"""

from collections import Counter
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

VALUES = (
    "state",
    "agency",
    "model",
    "model_raw",
    "agency_type",
    "county",
    "signed",
    "signed_raw",
    "moa_url",
    "moa_text",
    "addendum_url",
    "flags",
)


def _create() -> sa.Table:
    table = op.create_table(
        "list_versions",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("agency_id", sa.String(length=200), nullable=False),
        sa.Column("model_key", sa.String(length=4), nullable=False),
        sa.Column("dup", sa.Integer(), nullable=False),
        sa.Column("from_seq", sa.Integer(), nullable=False),
        sa.Column("to_seq", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.String(length=20), nullable=False),
        sa.Column("valid_to", sa.String(length=20), nullable=True),
        sa.Column("from_snapshot", sa.String(length=40), nullable=False),
        sa.Column("to_snapshot", sa.String(length=40), nullable=True),
        sa.Column("state", sa.String(length=4), nullable=False),
        sa.Column("agency", sa.Text(), nullable=False),
        sa.Column("model", sa.String(length=4), nullable=True),
        sa.Column("model_raw", sa.Text(), nullable=True),
        sa.Column("agency_type", sa.Text(), nullable=True),
        sa.Column("county", sa.Text(), nullable=True),
        sa.Column("signed", sa.String(length=10), nullable=True),
        sa.Column("signed_raw", sa.Text(), nullable=True),
        sa.Column("moa_url", sa.Text(), nullable=True),
        sa.Column("moa_text", sa.Text(), nullable=True),
        sa.Column("addendum_url", sa.Text(), nullable=True),
        sa.Column("flags", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("kind", "agency_id", "model_key", "dup", "from_seq"),
    )
    with op.batch_alter_table("list_versions", schema=None) as batch_op:
        batch_op.create_index("ix_list_versions_kind_to_seq", ["kind", "to_seq"], unique=False)
    assert table is not None
    return table


def _content(bind: sa.Connection, sha: str) -> dict[tuple[str, str, int], tuple[Any, ...]]:
    """One stored list content by version key (agency, model, repeat number)."""
    rows = bind.execute(
        sa.text(
            f"SELECT agency_id, {', '.join(VALUES)} FROM listing_rows "
            "WHERE content_sha = :sha ORDER BY row_index"
        ),
        {"sha": sha},
    )
    seen: Counter[tuple[str, str]] = Counter()
    found = {}
    for agency_id, *values in rows:
        model = values[2] or "?"
        found[(agency_id, model, seen[(agency_id, model)])] = tuple(values)
        seen[(agency_id, model)] += 1
    return found


def _intervals(bind: sa.Connection, kind: str) -> list[dict[str, Any]]:
    """Every version of one list, from its accepted snapshots in replay order."""
    snaps = bind.execute(
        sa.text(
            "SELECT id, seq, observed_at, sha256 FROM snapshots "
            "WHERE kind = :kind AND verdict = 'accepted' ORDER BY seq"
        ),
        {"kind": kind},
    )
    done: list[dict[str, Any]] = []
    current: dict[tuple[str, str, int], dict[str, Any]] = {}
    for snapshot_id, seq, observed_at, sha in snaps:
        new = _content(bind, sha)
        for key in [k for k, v in current.items() if new.get(k) != v["values"]]:
            version = current.pop(key)
            version.update(to_seq=seq, valid_to=observed_at, to_snapshot=snapshot_id)
            done.append(version)
        for key, values in new.items():
            if key not in current:
                current[key] = {"key": key, "values": values, "from_seq": seq}
                current[key].update(valid_from=observed_at, from_snapshot=snapshot_id)
    return done + list(current.values())


def _row(kind: str, version: dict[str, Any]) -> dict[str, Any]:
    agency_id, model_key, dup = version.pop("key")
    values = dict(zip(VALUES, version.pop("values"), strict=True))
    keys = {"kind": kind, "agency_id": agency_id, "model_key": model_key, "dup": dup}
    ends = {"to_seq": None, "valid_to": None, "to_snapshot": None}
    return {**keys, **ends, **version, **values}


LIST_HISTORY = (
    "CREATE VIEW list_history AS "
    "SELECT v.kind, v.agency_id, COALESCE(g.name, v.agency) AS agency_now, "
    "v.agency AS agency_then, v.state, v.model, v.agency_type, v.county, v.signed, "
    "v.moa_url, v.addendum_url, v.valid_from, v.valid_to, v.from_snapshot, v.to_snapshot "
    "FROM list_versions v LEFT JOIN agencies g ON g.id = v.agency_id WHERE v.dup = 0"
)


def upgrade() -> None:
    table = _create()
    op.execute(LIST_HISTORY)
    bind = op.get_bind()
    for kind in ("participating", "pending"):
        rows = [_row(kind, v) for v in _intervals(bind, kind)]
        if rows:
            op.bulk_insert(table, rows)
    with op.batch_alter_table("listing_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_rows_agency_id"))
    op.drop_table("listing_rows")


def downgrade() -> None:
    """Back to one copy of the rows per distinct content: the derived tables are
    emptied (the next import, run or rebuild replays the archive)."""
    op.execute("DROP VIEW IF EXISTS list_history")
    op.create_table(
        "listing_rows",
        sa.Column("content_sha", sa.String(length=64), nullable=False),
        sa.Column("row_index", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("agency_id", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=4), nullable=False),
        sa.Column("agency", sa.Text(), nullable=False),
        sa.Column("agency_key", sa.Text(), nullable=False),
        sa.Column("model", sa.String(length=4), nullable=True),
        sa.Column("model_raw", sa.Text(), nullable=True),
        sa.Column("agency_type", sa.Text(), nullable=True),
        sa.Column("county", sa.Text(), nullable=True),
        sa.Column("signed", sa.String(length=10), nullable=True),
        sa.Column("signed_raw", sa.Text(), nullable=True),
        sa.Column("moa_url", sa.Text(), nullable=True),
        sa.Column("moa_text", sa.Text(), nullable=True),
        sa.Column("addendum_url", sa.Text(), nullable=True),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("flags", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("content_sha", "row_index"),
    )
    with op.batch_alter_table("listing_rows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listing_rows_agency_id"), ["agency_id"], unique=False)
    with op.batch_alter_table("list_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_list_versions_kind_to_seq")
    op.drop_table("list_versions")
    for table in (
        "agreements",
        "pending_applications",
        "agencies",
        "events",
        "snapshots",
        "moa_links",
    ):
        op.execute(f"DELETE FROM {table}")
    op.execute("DELETE FROM engine_state")
