"""Outbox rows as the record of a turn's replies: which message they answer and each one's id.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("message_ts", sa.String(32), nullable=True))
        batch.add_column(sa.Column("reply_id", sa.String(64), nullable=True))
    op.create_index("ix_outbox_conversation_message", "outbox", ["conversation_key", "message_ts"])


def downgrade() -> None:
    op.drop_index("ix_outbox_conversation_message", "outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("reply_id")
        batch.drop_column("message_ts")
