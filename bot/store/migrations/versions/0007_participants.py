"""Participants: who took part in each conversation; inbox rows name their sender, and processed
messages and finished replies keep no text.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

_conversations = sa.table("conversations", sa.column("key", sa.String()),
                          sa.column("owner_user", sa.String()),
                          sa.column("created_at", sa.DateTime(timezone=True)))
_inbox = sa.table("inbox", sa.column("id", sa.Integer()),
                  sa.column("conversation_key", sa.String()), sa.column("user_id", sa.String()),
                  sa.column("payload", sa.JSON()), sa.column("created_at", sa.DateTime(timezone=True)),
                  sa.column("processed_at", sa.DateTime(timezone=True)))
_outbox = sa.table("outbox", sa.column("payload", sa.JSON()),
                   sa.column("outcome", sa.String()))
_participants = sa.table("conversation_participants", sa.column("conversation_key", sa.String()),
                         sa.column("user_id", sa.String()),
                         sa.column("joined_at", sa.DateTime(timezone=True)))


def upgrade() -> None:
    op.create_table(
        "conversation_participants",
        sa.Column("conversation_key", sa.String(255), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_conversation_participants_user_id", "conversation_participants",
                    ["user_id"])
    op.add_column("inbox", sa.Column("user_id", sa.String(64)))
    op.create_index("ix_inbox_user_id", "inbox", ["user_id"])
    connection = op.get_bind()
    # Earlier versions named the sender only inside the payload, and recorded as owner whoever
    # spoke last: both are the participants known.
    joined: dict[tuple[str, str], datetime] = {}
    for key, owner, created_at in connection.execute(
            sa.select(_conversations.c.key, _conversations.c.owner_user, _conversations.c.created_at)
            .where(_conversations.c.owner_user.is_not(None))):
        joined[(key, owner)] = created_at
    known = {key for key, in connection.execute(sa.select(_conversations.c.key))}
    for item_id, key, payload, created_at in connection.execute(
            sa.select(_inbox.c.id, _inbox.c.conversation_key, _inbox.c.payload, _inbox.c.created_at)):
        user = payload.get("user") if isinstance(payload, dict) else None
        if not isinstance(user, str) or not user:
            continue
        connection.execute(sa.update(_inbox).where(_inbox.c.id == item_id).values(user_id=user))
        if key in known:
            joined[(key, user)] = min(joined.get((key, user), created_at), created_at)
    if joined:
        connection.execute(sa.insert(_participants), [
            {"conversation_key": key, "user_id": user, "joined_at": at or datetime.now(UTC)}
            for (key, user), at in joined.items()])
    connection.execute(sa.update(_inbox).where(_inbox.c.processed_at.is_not(None)).values(payload={}))
    connection.execute(sa.update(_outbox).where(_outbox.c.outcome.is_not(None)).values(payload={}))


def downgrade() -> None:
    op.drop_index("ix_inbox_user_id", "inbox")
    with op.batch_alter_table("inbox") as batch:
        batch.drop_column("user_id")
    op.drop_table("conversation_participants")
