"""fetch_state.fetched_whole_at: when each URL was last downloaded whole (a 200)

A page's or a sheet's validators (ETag, Last-Modified) are sent only while its last
whole download is younger than ``fetch.revalidate_hours``: a server that keeps its
validators for bytes overwritten in place answered 304 for ever. Existing rows have
none: their next request is whole, once.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fetch_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fetched_whole_at", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fetch_state", schema=None) as batch_op:
        batch_op.drop_column("fetched_whole_at")
