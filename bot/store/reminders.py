"""Re-check reminders: one per decision, claimed in the database so only one replica schedules it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select, update

from bot.store.database import Database
from bot.store.models import Base, ReminderRow
from bot.store.records import Reminder
from bot.store.sql import changed, insert_new

_TABLE = Base.metadata.tables[ReminderRow.__tablename__]


class Reminders:
    """The `reminders` table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, decision_id: int, user_id: str, channel: str, post_at: datetime) -> bool:
        """True for the first caller, in any process, to claim the decision's reminder."""
        new = {"decision_id": decision_id, "user_id": user_id, "channel": channel,
               "post_at": post_at, "created_at": self.db.clock()}
        with self.db.transaction() as connection:
            return insert_new(connection, _TABLE.name, "decision_id", new)

    def scheduled(self, decision_id: int, scheduled_message_id: str) -> None:
        """Slack scheduled the claimed reminder under `scheduled_message_id`."""
        with self.db.transaction() as connection:
            changed(connection, update(_TABLE).where(_TABLE.c.decision_id == decision_id)
                    .values(scheduled_message_id=scheduled_message_id))

    def release(self, decision_id: int) -> None:
        """Give the claim up (Slack would not schedule it), so the reminder can be asked again."""
        with self.db.transaction() as connection:
            changed(connection, delete(_TABLE).where(_TABLE.c.decision_id == decision_id))

    def get(self, decision_id: int) -> Reminder | None:
        with self.db.transaction() as connection:
            row = connection.execute(select(_TABLE).where(_TABLE.c.decision_id == bindparam("id")),
                                     {"id": decision_id}).first()
        return None if row is None else Reminder.model_validate(dict(row._mapping))

    def delete_for(self, user_id: str) -> int:
        """Forget the user's reminders; returns how many went."""
        with self.db.transaction() as connection:
            return changed(connection, delete(_TABLE).where(_TABLE.c.user_id == user_id))
