"""Votes on recommendations: one per user and message, a changed vote replacing the earlier one."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import and_, bindparam, delete, select, update

from bot.store.database import Database
from bot.store.models import Base, FeedbackRow
from bot.store.records import FeedbackVote
from bot.store.sql import changed, insert_new

_TABLE = Base.metadata.tables[FeedbackRow.__tablename__]
_SAME_VOTER = and_(_TABLE.c.channel == bindparam("at_channel"),
                   _TABLE.c.message_ts == bindparam("at_ts"),
                   _TABLE.c.user_id == bindparam("at_user"))
VoteOutcome = Literal["new", "changed", "same"]


class Feedback:
    """The `feedback` table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, vote: FeedbackVote) -> VoteOutcome:
        """Keep `vote`: "new" for the user's first vote on the message, "changed" when it replaces
        a different one, "same" when it repeats the vote already kept."""
        now = self.db.clock()
        where = {"at_channel": vote.channel, "at_ts": vote.message_ts, "at_user": vote.user_id}
        with self.db.transaction() as connection:
            new = {**vote.model_dump(), "created_at": now, "updated_at": now}
            if insert_new(connection, _TABLE.name, ("channel", "message_ts", "user_id"), new):
                return "new"
            statement = (update(_TABLE).where(_SAME_VOTER, _TABLE.c.vote != bindparam("new_vote"))
                         .values(vote=bindparam("new_vote"), updated_at=bindparam("new_at")))
            moved = changed(connection, statement, {**where, "new_vote": vote.vote, "new_at": now})
        return "changed" if moved else "same"

    def for_conversation(self, key: str) -> list[FeedbackVote]:
        """The votes on a conversation's recommendations (and so on a decision pinned from it)."""
        query = select(_TABLE).where(_TABLE.c.conversation_key == bindparam("key")).order_by(_TABLE.c.id)
        with self.db.transaction() as connection:
            rows = connection.execute(query, {"key": key}).all()
        return [FeedbackVote.model_validate({name: getattr(row, name) for name in FeedbackVote.model_fields})
                for row in rows]

    def delete_for(self, user_id: str) -> int:
        """Forget the user's votes; returns how many went."""
        with self.db.transaction() as connection:
            return changed(connection, delete(_TABLE).where(_TABLE.c.user_id == user_id))
