"""Expired conversations: the threads whose conversation the retention job deleted, so a
follow-up there is told why instead of met with silence.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "expired_conversations",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("expired_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_expired_conversations_expired_at", "expired_conversations", ["expired_at"])


def downgrade() -> None:
    op.drop_table("expired_conversations")
