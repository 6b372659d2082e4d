"""Expired conversations: which threads the retention job emptied, so the bot can say so."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from bot.store.database import Database
from bot.store.models import Base, ExpiredConversationRow
from bot.store.sql import changed

_TABLE = Base.metadata.tables[ExpiredConversationRow.__tablename__]


class Expired:
    """The `expired_conversations` table (written by `Conversations.prune`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def knows(self, key: str) -> int | None:
        """The retention in days under which conversation `key` expired; None if it did not."""
        with self.db.transaction() as connection:
            return connection.execute(
                select(_TABLE.c.retention_days).where(_TABLE.c.key == key)).scalar_one_or_none()

    def prune(self, older_than: timedelta) -> int:
        """Forget conversations that expired longer than `older_than` ago."""
        cutoff = self.db.clock() - older_than
        with self.db.transaction() as connection:
            return changed(connection, delete(_TABLE).where(_TABLE.c.expired_at < cutoff))
