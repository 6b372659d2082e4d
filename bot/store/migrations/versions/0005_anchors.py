"""Anchors: the messages a conversation keeps up to date in place (its recommendation).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "anchors",
        sa.Column("conversation_key", sa.String(255), primary_key=True),
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("page", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("ts", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_anchors_updated_at", "anchors", ["updated_at"])


def downgrade() -> None:
    op.drop_table("anchors")
