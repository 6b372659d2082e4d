"""The outbox: every reply a turn is to post, recorded in the transaction that saves the turn's
state and kept until Slack has it. The turn's holder posts its replies at once; what it could
not (Slack away, or the holder stopped) is posted later in the conversation's order by whichever
replica holds the conversation's lease, after looking for those Slack already took."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import Connection, bindparam, delete, func, insert, or_, select, update

from bot.store.database import Database
from bot.store.models import Base, OutboxRow
from bot.store.records import OutboxItem, QueuedReply
from bot.store.sql import changed

MAX_ERROR = 255
log = logging.getLogger(__name__)
_TABLE = Base.metadata.tables[OutboxRow.__tablename__]
_WAITING = _TABLE.c.outcome.is_(None)
FINISHED: dict[str, Any] = {}
"""The payload of a finished reply: rendered replies can echo the user's words, so none is kept
once it is sent, dropped or abandoned."""


def _item(row: Any) -> OutboxItem | None:
    try:
        reply = QueuedReply.model_validate(row.payload)
    except ValidationError:
        log.warning("outbox item %s is unreadable", row.id)
        return None
    return OutboxItem(id=row.id, conversation_key=row.conversation_key, reply=reply,
                      created_at=row.created_at, message_ts=row.message_ts,
                      attempts=row.attempts, last_error=row.last_error, outcome=row.outcome)


def insert_replies(connection: Connection, key: str, replies: Sequence[QueuedReply],
                   message_ts: str | None, now: datetime) -> None:
    """Append `replies` (of the turn answering `message_ts`) to `key`'s outbox, in order, inside
    the caller's transaction."""
    if not replies:
        return
    rows = [dict(conversation_key=key, message_ts=message_ts, reply_id=reply.reply_id,
                 payload=reply.model_dump(mode="json"), created_at=now, attempts=0)
            for reply in replies]
    connection.execute(insert(_TABLE), rows)


class Outbox:
    """The `outbox` table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def queue(self, key: str, replies: list[QueuedReply], message_ts: str | None = None) -> None:
        """Append `replies` (of the turn answering `message_ts`, if any) to conversation `key`'s
        outbox, in order."""
        if not replies:
            return
        with self.db.transaction() as connection:
            insert_replies(connection, key, replies, message_ts, self.db.clock())

    def recorded(self, key: str, message_ts: str) -> bool:
        """Whether the turn answering `message_ts` recorded its replies (sent or not): its state
        is saved, and the turn must not run again."""
        query = select(_TABLE.c.payload).where(_TABLE.c.conversation_key == key,
                                               _TABLE.c.message_ts == message_ts)
        with self.db.transaction() as connection:
            payloads = connection.execute(query).scalars().all()
        return any(not (isinstance(p, dict) and p.get("placeholder")) for p in payloads)

    def finish_turn(self, key: str, message_ts: str, outcome: Literal["sent", "dropped"] = "sent",
                    keep: Collection[str] = ()) -> None:
        """Finish the waiting replies of the turn answering `message_ts` with `outcome`, all but
        those whose reply id is in `keep` (still to be posted)."""
        where = [_TABLE.c.conversation_key == key, _TABLE.c.message_ts == message_ts, _WAITING]
        if keep:
            where.append(or_(_TABLE.c.reply_id.is_(None), _TABLE.c.reply_id.not_in(list(keep))))
        with self.db.transaction() as connection:
            changed(connection, update(_TABLE).where(*where).values(
                outcome=outcome, finished_at=self.db.clock(), payload=FINISHED))

    def unsent(self, key: str) -> list[OutboxItem]:
        """The replies of `key` still waiting, oldest first. One no version can read is dropped."""
        query = select(_TABLE).where(_TABLE.c.conversation_key == bindparam("key"), _WAITING)
        with self.db.transaction() as connection:
            rows = connection.execute(query.order_by(_TABLE.c.id), {"key": key}).all()
        items = []
        for row in rows:
            item = _item(row)
            if item is None:
                self.finish(row.id, "dropped", "unreadable")
            else:
                items.append(item)
        return items

    def has_unsent(self, key: str) -> bool:
        query = select(_TABLE.c.id).where(_TABLE.c.conversation_key == bindparam("key"), _WAITING)
        with self.db.transaction() as connection:
            return connection.execute(query.limit(1), {"key": key}).first() is not None

    def keys_with_unsent(self, limit: int = 100) -> list[str]:
        """Conversations with replies waiting, the longest-waiting first."""
        query = (
            select(_TABLE.c.conversation_key, func.min(_TABLE.c.id).label("first"))
            .where(_WAITING)
            .group_by(_TABLE.c.conversation_key)
            .order_by("first")
            .limit(limit)
        )
        with self.db.transaction() as connection:
            return [key for key, _ in connection.execute(query)]

    def finish(self, item_id: int, outcome: Literal["sent", "dropped"], error: str | None = None) -> None:
        """The reply was posted, or Slack refused it for good (`error` says why). Its rendered
        text is not kept after that."""
        values: dict[str, Any] = {"outcome": outcome, "finished_at": self.db.clock(),
                                  "payload": FINISHED}
        if error is not None:
            values["last_error"] = error[:MAX_ERROR]
        with self.db.transaction() as connection:
            changed(connection, update(_TABLE).where(_TABLE.c.id == item_id, _WAITING).values(**values))

    def attempt_failed(self, item_id: int, error: str) -> None:
        """Slack still would not take it: count the attempt; it waits for the next one."""
        changes = (update(_TABLE).where(_TABLE.c.id == item_id, _WAITING)
                   .values(attempts=_TABLE.c.attempts + 1, last_error=error[:MAX_ERROR]))
        with self.db.transaction() as connection:
            changed(connection, changes)

    def abandon(self, older_than: timedelta) -> int:
        """Give up on replies waiting longer than `older_than`; returns how many."""
        now = self.db.clock()
        changes = (update(_TABLE).where(_WAITING, _TABLE.c.created_at < now - older_than)
                   .values(outcome="abandoned", finished_at=now, payload=FINISHED))
        with self.db.transaction() as connection:
            return changed(connection, changes)

    def prune(self, older_than: timedelta) -> int:
        """Delete replies finished (sent, dropped or abandoned) longer than `older_than` ago."""
        cutoff = self.db.clock() - older_than
        with self.db.transaction() as connection:
            return changed(connection, delete(_TABLE).where(_TABLE.c.finished_at < cutoff))
