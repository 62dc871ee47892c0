"""engine state kept compressed: engine_state.value (JSON text) becomes data (zlib)

The engine's state is one JSON document per database (every agreement and pending
application with the snapshots that bound it, the recent key sets the gate compares):
1.5 MB of text for the corpus, 0.16 MB compressed. An existing state is converted in
place, so an upgraded database goes on without a rebuild.

Revision ID: 0006
Revises: 0005
"""

import zlib

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("engine_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data", sa.LargeBinary(), nullable=True))
    bind = op.get_bind()
    for name, value in bind.execute(sa.text("SELECT name, value FROM engine_state")).all():
        packed = zlib.compress(value.encode(), 6)
        update = sa.text("UPDATE engine_state SET data = :data WHERE name = :name")
        bind.execute(update, {"data": packed, "name": name})
    with op.batch_alter_table("engine_state", schema=None) as batch_op:
        batch_op.alter_column("data", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("value")


def downgrade() -> None:
    with op.batch_alter_table("engine_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("value", sa.Text(), nullable=True))
    bind = op.get_bind()
    for name, data in bind.execute(sa.text("SELECT name, data FROM engine_state")).all():
        update = sa.text("UPDATE engine_state SET value = :value WHERE name = :name")
        bind.execute(update, {"value": zlib.decompress(data).decode(), "name": name})
    with op.batch_alter_table("engine_state", schema=None) as batch_op:
        batch_op.alter_column("value", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("data")
