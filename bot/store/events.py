"""Processed-event claims: the first caller, in any process, to claim a key wins."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, delete, select

from bot.store.database import Database
from bot.store.models import Base, ProcessedEventRow
from bot.store.sql import changed, insert_new

_TABLE = Base.metadata.tables[ProcessedEventRow.__tablename__]
_CLAIMED = select(_TABLE.c.event_key).where(_TABLE.c.event_key == bindparam("key"))


class Events:
    """The `processed_events` table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, event_key: str) -> bool:
        """True for the first caller, in any process, to claim `event_key`; False after that."""
        new = {"event_key": event_key, "created_at": self.db.clock()}
        with self.db.transaction() as connection:
            return insert_new(connection, _TABLE.name, "event_key", new)

    def release(self, event_key: str) -> None:
        """Give up a claim whose work could not be done, so a later attempt may claim it."""
        with self.db.transaction() as connection:
            connection.execute(delete(_TABLE).where(_TABLE.c.event_key == event_key))

    def claimed(self, event_key: str) -> bool:
        """Whether anyone has claimed `event_key` (without claiming it)."""
        with self.db.transaction() as connection:
            return connection.execute(_CLAIMED, {"key": event_key}).first() is not None

    def prune(self, older_than: timedelta) -> int:
        """Forget claims older than `older_than` (Slack retries arrive within minutes)."""
        cutoff = self.db.clock() - older_than
        with self.db.transaction() as connection:
            return changed(connection, delete(_TABLE).where(_TABLE.c.created_at < cutoff))
