"""The per-conversation inbox: Slack messages queued in the database, and the lease that lets one
holder at a time process a conversation's queue (`bot.delivery` runs that loop).

Lease expiry is judged by the caller's clock: replicas are assumed to agree on the time to well
within a lease's ttl.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import BindParameter, Connection, bindparam, delete, func, or_, select, update

from bot.store.database import Database
from bot.store.models import Base, ConversationLeaseRow, InboxRow, OutboxRow
from bot.store.records import InboxItem, QueuedMessage
from bot.store.sql import changed, insert_new

log = logging.getLogger(__name__)

# The statements every message runs, built once with bound parameters: SQLAlchemy then keeps
# their cache keys and compiled forms instead of working them out on each call. They run as
# Core statements and read rows as tuples, without ORM objects in between.
_INBOX, _LEASES, _OUTBOX = (Base.metadata.tables[row.__tablename__]
                             for row in (InboxRow, ConversationLeaseRow, OutboxRow))
_KEY: BindParameter[str] = bindparam("key")
_PENDING = (
    select(_INBOX)
    .where(_INBOX.c.conversation_key == _KEY, _INBOX.c.processed_at.is_(None))
    .order_by(_INBOX.c.sort_key, _INBOX.c.id)
    .limit(1)
)
_ITEM = select(_INBOX).where(_INBOX.c.conversation_key == _KEY, _INBOX.c.message_ts == bindparam("ts"))
_OWES = select(_OUTBOX.c.id).where(_OUTBOX.c.conversation_key == _KEY, _OUTBOX.c.outcome.is_(None)).exists()
_BEGUN = select(_OUTBOX.c.id).where(_OUTBOX.c.conversation_key == _INBOX.c.conversation_key,
                                    _OUTBOX.c.message_ts == _INBOX.c.message_ts).exists()
_PENDING_OWING = _PENDING.add_columns(_OWES.label("owes"), _BEGUN.label("begun"))
_MARK = (
    update(_INBOX)
    .where(_INBOX.c.id == bindparam("item_id"), _INBOX.c.processed_at.is_(None))
    .values(processed_at=bindparam("done_at"), result=bindparam("outcome"), payload=bindparam("cleared"))
)
CLEARED: dict[str, Any] = {}
"""The payload of a processed message: its text is not kept past its turn. De-duplication needs
only the conversation and ts (columns), and `forget` the sender (`user_id`)."""
_TAKE = (
    update(_LEASES)
    .where(_LEASES.c.conversation_key == _KEY,
           or_(_LEASES.c.holder == bindparam("taker"), _LEASES.c.expires_at < bindparam("now")))
    .values(holder=bindparam("taker"), expires_at=bindparam("until"))
)
_RENEW = (
    update(_LEASES)
    .where(_LEASES.c.conversation_key == _KEY, _LEASES.c.holder == bindparam("taker"))
    .values(expires_at=bindparam("until"))
)
_RELEASE = delete(_LEASES).where(_LEASES.c.conversation_key == _KEY, _LEASES.c.holder == bindparam("taker"))


_UNREADABLE = QueuedMessage(text="", user="", team="", channel="")


def _item(row: Any, owes_replies: bool = False, begun: bool = False) -> InboxItem:
    try:
        if row.processed_at is not None and row.payload == CLEARED:
            message = _UNREADABLE.model_copy(update={"user": row.user_id or ""})
        else:
            message = QueuedMessage.model_validate(row.payload)
    except ValidationError:
        # A row no version of the message type can read: handed out empty, so the delivery
        # loop marks it done instead of retrying it forever.
        log.warning("inbox item %s is unreadable", row.id)
        message = _UNREADABLE
    return InboxItem(id=row.id, conversation_key=row.conversation_key, message_ts=row.message_ts,
                     message=message, created_at=row.created_at, processed_at=row.processed_at,
                     outcome=_outcome(row.result), owes_replies=owes_replies, begun=begun)


def _outcome(result: Any) -> str | None:
    """What became of a processed item, from its stored result (older rows stored
    `{"abandoned": true}` or a handler's own dict)."""
    if not isinstance(result, dict):
        return None
    if result.get("abandoned"):
        return "abandoned"
    outcome = result.get("outcome")
    return outcome if isinstance(outcome, str) else "ok"


def _run(connection: Connection, statement: Any, **params: Any) -> Any:
    return connection.execute(statement, params)

_TS = re.compile(r"(\d{1,16})(?:\.(\d{1,9}))?")


def ts_sort_key(message_ts: str) -> str:
    """`message_ts` at a fixed width ("9.5" -> "0000000000000009.500000000"): string order is ts order."""
    match = _TS.fullmatch(message_ts)
    if match is None:
        raise ValueError(f"not a Slack message ts: {message_ts!r}")
    return f"{int(match.group(1)):016d}.{(match.group(2) or '').ljust(9, '0')}"


class Inbox:
    """The `inbox` and `conversation_leases` tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # Queue

    def enqueue(self, key: str, message_ts: str, message: QueuedMessage) -> bool:
        """Queue a message of conversation `key`; False when `(key, message_ts)` is already queued."""
        new = dict(conversation_key=key, message_ts=message_ts, sort_key=ts_sort_key(message_ts),
                   user_id=message.user or None, payload=message.model_dump(mode="json"),
                   created_at=self.db.clock())
        with self.db.transaction() as connection:
            return insert_new(connection, _INBOX.name, ("conversation_key", "message_ts"), new)

    def next_pending(self, key: str) -> InboxItem | None:
        """The unprocessed message of `key` with the lowest ts."""
        with self.db.transaction() as connection:
            row = _run(connection, _PENDING, key=key).first()
            return None if row is None else _item(row)

    def get(self, key: str, message_ts: str) -> InboxItem | None:
        with self.db.transaction() as connection:
            row = _run(connection, _ITEM, key=key, ts=message_ts).first()
            return None if row is None else _item(row)

    def is_processed(self, key: str, message_ts: str) -> bool:
        item = self.get(key, message_ts)
        return item is not None and item.processed

    def mark_processed(self, item_id: int, outcome: str = "ok") -> None:
        """Record the item as done with `outcome`, and its text as no longer kept; an item
        already done keeps its first outcome."""
        with self.db.transaction() as connection:
            self._mark(connection, item_id, outcome)

    def mark_and_next(self, key: str, item_id: int, outcome: str = "ok") -> InboxItem | None:
        """`mark_processed`, then the next pending item with `owes_replies`, in one transaction."""
        with self.db.transaction() as connection:
            self._mark(connection, item_id, outcome)
            return self._next_owing(connection, key)

    def _mark(self, connection: Connection, item_id: int, outcome: str) -> None:
        _run(connection, _MARK, item_id=item_id, done_at=self.db.clock(), outcome={"outcome": outcome},
             cleared=CLEARED)

    @staticmethod
    def _next_owing(connection: Connection, key: str) -> InboxItem | None:
        """The next pending item of `key`, with whether its outbox still holds replies and
        whether a turn for it began before."""
        row = _run(connection, _PENDING_OWING, key=key).first()
        return None if row is None else _item(row, owes_replies=bool(row.owes), begun=bool(row.begun))

    def stranded(self, older_than: timedelta, limit: int = 100) -> list[str]:
        """Conversations with a message queued more than `older_than` ago, still pending, that
        nobody holds a live lease on: left by a holder that crashed mid-message, or queued by a
        drain that gave up waiting while its holder died. Oldest first."""
        now = self.db.clock()
        live = select(_LEASES.c.conversation_key).where(_LEASES.c.expires_at >= now)
        query = (
            select(_INBOX.c.conversation_key, func.min(_INBOX.c.created_at).label("since"))
            .where(_INBOX.c.processed_at.is_(None), _INBOX.c.created_at < now - older_than,
                   _INBOX.c.conversation_key.not_in(live))
            .group_by(_INBOX.c.conversation_key)
            .order_by("since", _INBOX.c.conversation_key)
            .limit(limit)
        )
        with self.db.transaction() as connection:
            return [key for key, _ in connection.execute(query)]

    def abandon_pending(self, older_than: timedelta) -> int:
        """Mark messages pending for longer than `older_than` as done without an answer (their
        outcome says so, their text is not kept) and return how many: an answer that late no
        longer helps anyone."""
        now = self.db.clock()
        give_up = (
            update(_INBOX)
            .where(_INBOX.c.processed_at.is_(None), _INBOX.c.created_at < now - older_than)
            .values(processed_at=now, result={"outcome": "abandoned"}, payload=CLEARED)
        )
        with self.db.transaction() as connection:
            return changed(connection, give_up)

    def prune(self, older_than: timedelta) -> int:
        """Delete items processed longer than `older_than` ago and return how many went.

        Pending items are kept. A pruned message that Slack redelivers would be queued again, so
        keep `older_than` well above Slack's retry window (minutes). Leases that expired before
        the cutoff (left by crashed holders) are forgotten too.
        """
        cutoff = self.db.clock() - older_than
        with self.db.transaction() as connection:
            changed(connection, delete(_LEASES).where(_LEASES.c.expires_at < cutoff))
            return changed(connection, delete(_INBOX).where(_INBOX.c.processed_at < cutoff))

    # Leases

    def acquire_lease(self, key: str, holder: str, ttl: timedelta) -> bool:
        """Take the lease on `key` for `ttl` if it is free, expired or already `holder`'s."""
        with self.db.transaction() as connection:
            return self._acquire(connection, key, holder, ttl)

    def take(self, key: str, holder: str, ttl: timedelta) -> tuple[bool, InboxItem | None]:
        """`acquire_lease`, and when it is ours the next pending item (with `owes_replies`), in
        one transaction."""
        with self.db.transaction() as connection:
            if not self._acquire(connection, key, holder, ttl):
                return False, None
            return True, self._next_owing(connection, key)

    def _acquire(self, connection: Connection, key: str, holder: str, ttl: timedelta) -> bool:
        now = self.db.clock()
        new = dict(conversation_key=key, holder=holder, expires_at=now + ttl)
        # The UPDATE re-checks its WHERE on the row it locks, so of racing callers one wins.
        return insert_new(connection, _LEASES.name, "conversation_key", new) or (
            _run(connection, _TAKE, key=key, taker=holder, now=now, until=now + ttl).rowcount == 1
        )

    def renew_lease(self, key: str, holder: str, ttl: timedelta) -> bool:
        """Extend `holder`'s lease to now + `ttl`; False if it is no longer theirs."""
        with self.db.transaction() as connection:
            return bool(_run(connection, _RENEW, key=key, taker=holder,
                             until=self.db.clock() + ttl).rowcount == 1)

    def release_lease(self, key: str, holder: str) -> bool:
        """Give the lease up (a no-op unless `holder` holds it). Returns whether `key` has
        pending messages, looked at after the release in the same transaction: one queued by a
        drain that gave up waiting for us must not be left behind."""
        with self.db.transaction() as connection:
            _run(connection, _RELEASE, key=key, taker=holder)
            return _run(connection, _PENDING, key=key).first() is not None
