"""research views: current agreements, agreement history, events with names

Read-only SQL views over the store for Datasette or any SQL client, so a researcher
can query the history without knowing the tables' JSON columns.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

FIELDS = ("signed", "county", "agency_type", "moa_url", "addendum_url")


def _field(name: str) -> str:
    """One value of the agreements' JSON ``fields`` column, on either database."""
    if op.get_bind().dialect.name == "postgresql":
        return f"(a.fields::json ->> '{name}')"
    return f"json_extract(a.fields, '$.{name}')"


def _agreements(where: str) -> str:
    fields = ", ".join(f"{_field(name)} AS {name}" for name in FIELDS)
    return (
        "SELECT a.agency_id, a.key AS agreement_id, COALESCE(g.name, a.agency) AS agency, "
        f"a.state, a.model, a.status, {fields}, a.first_seen, a.last_seen "
        f"FROM agreements a LEFT JOIN agencies g ON g.id = a.agency_id {where}"
    )


def upgrade() -> None:
    op.execute("CREATE VIEW current_agreements AS " + _agreements("WHERE a.status = 'active'"))
    op.execute("CREATE VIEW agreement_history AS " + _agreements(""))
    op.execute(
        "CREATE VIEW events_with_names AS "
        "SELECT e.id, substr(e.window_end, 1, 10) AS date, e.kind, e.state, e.agency_id, "
        "g.name AS agency_now, e.agency AS agency_then, e.model, e.effective_date, "
        "e.window_start, e.window_end, e.before, e.after "
        "FROM events e LEFT JOIN agencies g ON g.id = e.agency_id"
    )


def downgrade() -> None:
    for view in ("events_with_names", "agreement_history", "current_agreements"):
        op.execute(f"DROP VIEW IF EXISTS {view}")
