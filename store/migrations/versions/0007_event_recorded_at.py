"""events.recorded_at: when the history learnt of each change

A withdrawal is recorded once its absence persisted, days after the window its
``window_end`` dates; a reader of the change log asking "what is new since I last
looked" needs the time it was recorded. Existing events take it from their provenance
(the latest capture it cites: the one that recorded the event), in place; the view
``events_with_names`` shows it.

Revision ID: 0007
Revises: 0006
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _view(recorded: bool) -> str:
    return (
        "CREATE VIEW events_with_names AS "
        "SELECT e.id, substr(e.window_end, 1, 10) AS date, e.kind, e.state, e.agency_id, "
        "g.name AS agency_now, e.agency AS agency_then, e.model, e.effective_date, "
        f"e.window_start, e.window_end, {'e.recorded_at, ' if recorded else ''}"
        "e.before, e.after FROM events e LEFT JOIN agencies g ON g.id = e.agency_id"
    )


def upgrade() -> None:
    op.execute("DROP VIEW IF EXISTS events_with_names")  # SQLite copies the table
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_at", sa.String(length=20), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, window_end, provenance FROM events")).all()
    update = sa.text("UPDATE events SET recorded_at = :at WHERE id = :id")
    for event_id, window_end, provenance in rows:
        cited = json.loads(provenance or "{}").get("snapshots", [])
        times = [str(s["observed_at"]) for s in cited if s.get("observed_at")]
        bind.execute(update, {"at": max([window_end, *times]), "id": event_id})
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.alter_column("recorded_at", existing_type=sa.String(length=20), nullable=False)
        batch_op.create_index("ix_events_recorded_at", ["recorded_at"], unique=False)
    op.execute(_view(recorded=True))


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS events_with_names")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_recorded_at")
        batch_op.drop_column("recorded_at")
    op.execute(_view(recorded=False))
