"""Anchors: the messages a conversation keeps up to date in place, such as its recommendation,
so a thread holds one copy of it however often the facts change."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from bot.store.database import Database
from bot.store.models import AnchorRow, Base, ConversationRow
from bot.store.records import AnchorRef

_TABLE = Base.metadata.tables[AnchorRow.__tablename__]
_CONVERSATIONS = Base.metadata.tables[ConversationRow.__tablename__]


class Anchors:
    """The `anchors` table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def pages(self, key: str, name: str) -> list[str]:
        """The ts of each page of anchor `name` in conversation `key`, in page order; empty
        when the conversation has not posted it."""
        query = (select(_TABLE.c.page, _TABLE.c.ts)
                 .where(_TABLE.c.conversation_key == key, _TABLE.c.name == name)
                 .order_by(_TABLE.c.page))
        with self.db.transaction() as connection:
            rows = connection.execute(query).all()
        # Pages posted in one go are numbered 0..n-1; a gap means a page is missing.
        return [row.ts for index, row in enumerate(rows) if row.page == index]

    def record(self, ref: AnchorRef, channel: str, ts: str) -> None:
        """Page `ref.page` of the anchor is the message `ts`; page 0 starts a new set."""
        now = self.db.clock()
        where = (_TABLE.c.conversation_key == ref.key, _TABLE.c.name == ref.name)
        with self.db.transaction() as connection:
            if ref.page == 0:
                connection.execute(delete(_TABLE).where(*where))
            else:
                connection.execute(delete(_TABLE).where(*where, _TABLE.c.page == ref.page))
            connection.execute(_TABLE.insert().values(
                conversation_key=ref.key, name=ref.name, page=ref.page, channel=channel, ts=ts,
                updated_at=now))

    def delete_orphans(self) -> int:
        """Drop the anchors of conversations that are gone (forgotten or pruned)."""
        alive = select(_CONVERSATIONS.c.key)
        with self.db.transaction() as connection:
            result = connection.execute(delete(_TABLE).where(_TABLE.c.conversation_key.not_in(alive)))
            return int(result.rowcount or 0)

    def prune(self, older_than: timedelta) -> int:
        cutoff = self.db.clock() - older_than
        with self.db.transaction() as connection:
            result = connection.execute(delete(_TABLE).where(_TABLE.c.updated_at < cutoff))
            return int(result.rowcount or 0)
