"""Per-conversation inbox of Slack messages and the leases that serialize their processing.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("conversation_key", sa.String(255), nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=False),
        sa.Column("sort_key", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True)),
        sa.Column("result", sa.JSON()),
        sa.UniqueConstraint("conversation_key", "message_ts", name="uq_inbox_conversation_ts"),
    )
    op.create_index("ix_inbox_conversation_sort", "inbox", ["conversation_key", "sort_key"])
    op.create_index("ix_inbox_processed_at", "inbox", ["processed_at"])
    op.create_table(
        "conversation_leases",
        sa.Column("conversation_key", sa.String(255), primary_key=True),
        sa.Column("holder", sa.String(255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("conversation_leases")
    op.drop_table("inbox")
