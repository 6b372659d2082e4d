"""The outbox: replies Slack would not take yet (an outage outlasting the Web API client's
retries), kept in the database and posted later in their conversation's order, by whichever
replica holds the conversation's lease."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Delete, delete, func, select, update
from sqlalchemy.orm import Session

from bot.store.models import OutboxItem, OutboxRow
from bot.store.sql import rowcount

MAX_ERROR = 255


class OutboxMixin:
    """Outbox operations of `Store`, which supplies the clock and sessions."""

    _clock: Callable[[], datetime]

    def _session(self) -> AbstractContextManager[Session]:
        raise NotImplementedError

    def _delete(self, statement: Delete) -> int:
        raise NotImplementedError

    def queue_replies(self, key: str, replies: list[dict[str, Any]]) -> None:
        """Append `replies` (JSON payloads) to conversation `key`'s outbox, in order."""
        if not replies:
            return
        now = self._clock()
        with self._session() as session:
            session.add_all([OutboxRow(conversation_key=key, payload=reply, created_at=now, attempts=0)
                             for reply in replies])

    def unsent_replies(self, key: str) -> list[OutboxItem]:
        """The replies of `key` still waiting, oldest first."""
        query = (select(OutboxRow).where(OutboxRow.conversation_key == key, OutboxRow.outcome.is_(None))
                 .order_by(OutboxRow.id))
        with self._session() as session:
            return [row.to_item() for row in session.scalars(query)]

    def has_unsent_replies(self, key: str) -> bool:
        query = (select(OutboxRow.id).where(OutboxRow.conversation_key == key, OutboxRow.outcome.is_(None))
                 .limit(1))
        with self._session() as session:
            return session.scalars(query).first() is not None

    def keys_with_unsent_replies(self, limit: int = 100) -> list[str]:
        """Conversations with replies waiting, the longest-waiting first."""
        query = (
            select(OutboxRow.conversation_key, func.min(OutboxRow.id).label("first"))
            .where(OutboxRow.outcome.is_(None))
            .group_by(OutboxRow.conversation_key)
            .order_by("first")
            .limit(limit)
        )
        with self._session() as session:
            return [key for key, _ in session.execute(query)]

    def finish_reply(self, item_id: int, outcome: Literal["sent", "dropped"],
                     error: str | None = None) -> None:
        """The reply was posted, or Slack refused it for good (`error` says why)."""
        values: dict[str, Any] = {"outcome": outcome, "finished_at": self._clock()}
        if error is not None:
            values["last_error"] = error[:MAX_ERROR]
        with self._session() as session:
            rowcount(session, update(OutboxRow).where(OutboxRow.id == item_id, OutboxRow.outcome.is_(None))
                     .values(**values))

    def reply_attempt_failed(self, item_id: int, error: str) -> None:
        """Slack still would not take it: count the attempt; it waits for the next one."""
        changes = (update(OutboxRow).where(OutboxRow.id == item_id, OutboxRow.outcome.is_(None))
                   .values(attempts=OutboxRow.attempts + 1, last_error=error[:MAX_ERROR]))
        with self._session() as session:
            rowcount(session, changes)

    def abandon_unsent_replies(self, older_than: timedelta) -> int:
        """Give up on replies waiting longer than `older_than`; returns how many."""
        now = self._clock()
        changes = (update(OutboxRow)
                   .where(OutboxRow.outcome.is_(None), OutboxRow.created_at < now - older_than)
                   .values(outcome="abandoned", finished_at=now))
        with self._session() as session:
            return rowcount(session, changes)

    def prune_outbox(self, older_than: timedelta) -> int:
        """Delete replies finished (sent, dropped or abandoned) longer than `older_than` ago."""
        return self._delete(delete(OutboxRow).where(OutboxRow.finished_at < self._clock() - older_than))
