"""The per-conversation inbox: Slack messages queued in the database and processed one at a time.

Slack may hand a thread's messages to any replica, concurrently or more than once. Each message
is queued once (`enqueue`), and whoever holds the conversation's lease processes its pending
messages in ts order (`drain`). Queue and lease live in the database, so this holds across
threads, processes and replicas. Lease expiry is judged by the caller's clock: replicas are
assumed to agree on the time to well within a lease's ttl.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BindParameter, Connection, Delete, bindparam, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.store.models import Base, ConversationLeaseRow, InboxItem, InboxRow, OutboxRow
from bot.store.sql import insert_new, rowcount

Handler = Callable[[InboxItem], dict[str, Any] | None]

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
_PENDING_OWING = _PENDING.add_columns(_OWES.label("owes"))
_MARK = (
    update(_INBOX)
    .where(_INBOX.c.id == bindparam("item_id"), _INBOX.c.processed_at.is_(None))
    .values(processed_at=bindparam("done_at"), result=bindparam("outcome"))
)
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


def _item(row: Any, owes_replies: bool = False) -> InboxItem:
    return InboxItem(id=row.id, conversation_key=row.conversation_key, message_ts=row.message_ts,
                     payload=row.payload, created_at=row.created_at, processed_at=row.processed_at,
                     result=row.result, owes_replies=owes_replies)


def _run(connection: Connection, statement: Any, **params: Any) -> Any:
    return connection.execute(statement, params)

_TS = re.compile(r"(\d{1,16})(?:\.(\d{1,9}))?")


def ts_sort_key(message_ts: str) -> str:
    """`message_ts` at a fixed width ("9.5" -> "0000000000000009.500000000"): string order is ts order."""
    match = _TS.fullmatch(message_ts)
    if match is None:
        raise ValueError(f"not a Slack message ts: {message_ts!r}")
    return f"{int(match.group(1)):016d}.{(match.group(2) or '').ljust(9, '0')}"


class InboxMixin:
    """Inbox and lease operations of `Store`, which supplies the clock and sessions."""

    _clock: Callable[[], datetime]
    _released: threading.Condition
    """Notified whenever a drain through this store releases a lease, so a drain waiting in
    the same process takes over at once instead of at its next poll."""
    _releases: list[int]
    """Leases released so far, counted in slots by a hash of the conversation key (a shared slot
    only means an extra look at the lease)."""

    def _session(self) -> AbstractContextManager[Session]:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def _delete(self, statement: Delete) -> int:
        raise NotImplementedError

    # Queue

    def enqueue(self, key: str, message_ts: str, payload: dict[str, Any]) -> bool:
        """Queue a message of conversation `key`; False when `(key, message_ts)` is already queued."""
        new = dict(conversation_key=key, message_ts=message_ts, sort_key=ts_sort_key(message_ts),
                   payload=payload, created_at=self._clock())
        with self._transaction() as connection:
            return insert_new(connection, InboxRow, ("conversation_key", "message_ts"), new)

    def next_pending(self, key: str) -> InboxItem | None:
        """The unprocessed message of `key` with the lowest ts."""
        with self._transaction() as connection:
            row = _run(connection, _PENDING, key=key).first()
            return None if row is None else _item(row)

    def get_item(self, key: str, message_ts: str) -> InboxItem | None:
        with self._transaction() as connection:
            row = _run(connection, _ITEM, key=key, ts=message_ts).first()
            return None if row is None else _item(row)

    def mark_processed(self, item_id: int, result: dict[str, Any] | None = None) -> None:
        """Record the item as done with `result`; an item already done keeps its first result."""
        with self._transaction() as connection:
            self._mark(connection, item_id, result)

    def _mark(self, connection: Connection, item_id: int, result: dict[str, Any] | None) -> None:
        _run(connection, _MARK, item_id=item_id, done_at=self._clock(), outcome=result)

    def _mark_and_next(self, key: str, item_id: int, result: dict[str, Any] | None) -> InboxItem | None:
        """`mark_processed`, then the next pending item with `owes_replies`, in one transaction."""
        with self._transaction() as connection:
            self._mark(connection, item_id, result)
            return self._next_owing(connection, key)

    @staticmethod
    def _next_owing(connection: Connection, key: str) -> InboxItem | None:
        """The next pending item of `key`, with whether its outbox still holds replies."""
        row = _run(connection, _PENDING_OWING, key=key).first()
        return None if row is None else _item(row, owes_replies=bool(row.owes))

    def stranded(self, older_than: timedelta, limit: int = 100) -> list[str]:
        """Conversations with a message queued more than `older_than` ago, still pending, that
        nobody holds a live lease on: left by a holder that crashed mid-message, or queued by a
        drain that gave up waiting while its holder died. Oldest first."""
        now = self._clock()
        live = select(ConversationLeaseRow.conversation_key).where(ConversationLeaseRow.expires_at >= now)
        query = (
            select(InboxRow.conversation_key, func.min(InboxRow.created_at).label("since"))
            .where(InboxRow.processed_at.is_(None), InboxRow.created_at < now - older_than,
                   InboxRow.conversation_key.not_in(live))
            .group_by(InboxRow.conversation_key)
            .order_by("since", InboxRow.conversation_key)
            .limit(limit)
        )
        with self._session() as session:
            return [key for key, _ in session.execute(query)]

    def abandon_pending(self, older_than: timedelta) -> int:
        """Mark messages pending for longer than `older_than` as done without an answer (their
        result says so) and return how many: an answer that late no longer helps anyone."""
        give_up = (
            update(InboxRow)
            .where(InboxRow.processed_at.is_(None), InboxRow.created_at < self._clock() - older_than)
            .values(processed_at=self._clock(), result={"abandoned": True})
        )
        with self._session() as session:
            return rowcount(session, give_up)

    def prune_inbox(self, older_than: timedelta) -> int:
        """Delete items processed longer than `older_than` ago and return how many went.

        Pending items are kept. A pruned message that Slack redelivers would be queued again, so
        keep `older_than` well above Slack's retry window (minutes). Leases that expired before
        the cutoff (left by crashed holders) are forgotten too.
        """
        cutoff = self._clock() - older_than
        self._delete(delete(ConversationLeaseRow).where(ConversationLeaseRow.expires_at < cutoff))
        return self._delete(delete(InboxRow).where(InboxRow.processed_at < cutoff))

    # Leases

    def acquire_lease(self, key: str, holder: str, ttl: timedelta) -> bool:
        """Take the lease on `key` for `ttl` if it is free, expired or already `holder`'s."""
        with self._transaction() as connection:
            return self._acquire(connection, key, holder, ttl)

    def _take(self, key: str, holder: str, ttl: timedelta) -> tuple[bool, InboxItem | None]:
        """`acquire_lease`, and when it is ours the next pending item (with `owes_replies`), in
        one transaction."""
        with self._transaction() as connection:
            if not self._acquire(connection, key, holder, ttl):
                return False, None
            return True, self._next_owing(connection, key)

    def _acquire(self, connection: Connection, key: str, holder: str, ttl: timedelta) -> bool:
        now = self._clock()
        new = dict(conversation_key=key, holder=holder, expires_at=now + ttl)
        # The UPDATE re-checks its WHERE on the row it locks, so of racing callers one wins.
        return insert_new(connection, ConversationLeaseRow, "conversation_key", new) or (
            _run(connection, _TAKE, key=key, taker=holder, now=now, until=now + ttl).rowcount == 1
        )

    def renew_lease(self, key: str, holder: str, ttl: timedelta) -> bool:
        """Extend `holder`'s lease to now + `ttl`; False if it is no longer theirs."""
        with self._transaction() as connection:
            return bool(_run(connection, _RENEW, key=key, taker=holder,
                             until=self._clock() + ttl).rowcount == 1)

    def release_lease(self, key: str, holder: str) -> bool:
        """Give the lease up (a no-op unless `holder` holds it). Returns whether `key` has
        pending messages, looked at after the release in the same transaction: one queued by a
        drain that gave up waiting for us must not be left behind."""
        with self._transaction() as connection:
            _run(connection, _RELEASE, key=key, taker=holder)
            return _run(connection, _PENDING, key=key).first() is not None

    # Processing

    def drain(
        self, key: str, holder: str, handle: Handler, *, ttl: timedelta = timedelta(seconds=60),
        wait: timedelta = timedelta(seconds=30), poll: float = 0.05, until_ts: str | None = None,
    ) -> int:
        """Process the pending messages of `key` in ts order, one at a time across all replicas.

        Under the lease, each pending item is passed to `handle` and then marked processed with
        its return value; after releasing, items that arrived meanwhile are picked up too. While
        someone else holds the lease this waits (woken at once by a release in this process, else
        polling every `poll` seconds) until the lease is ours, or
        the item `until_ts` has been processed by someone else, or `wait` has passed (the holder
        then processes what we queued). Returns how many items this call processed.

        If `handle` raises, its item stays pending, the lease is released and the exception
        propagates: the next `drain` of `key` retries that item before any later one (to give up
        on it, `mark_processed` it with an error result). An item is processed exactly once as
        long as `handle` finishes within `ttl` and nobody crashes between `handle` returning
        and the item being marked; otherwise it may be handled again. Each call leases under
        its own token (`holder` + a random suffix), so concurrent calls with one holder name
        still exclude each other. A holder that crashes leaves its items pending until its
        lease expires and `drain` is called again for `key` (`stranded` finds such keys).
        """
        if ttl <= timedelta(0):
            raise ValueError("ttl must be positive")
        token = f"{holder}/{uuid.uuid4().hex[:12]}"
        deadline = time.monotonic() + wait.total_seconds()
        released, slot = self._released, hash(key) % len(self._releases)
        done = 0
        while True:
            with released:
                seen = self._releases[slot]
            taken, first = self._take(key, token, ttl)
            if taken:
                try:
                    count = self._process_pending(key, token, handle, ttl, first)
                finally:
                    # Whoever enqueued while we held the lease may have given up waiting: the
                    # release looks again.
                    more = self.release_lease(key, token)
                    with released:
                        self._releases[slot] += 1
                        released.notify_all()
                done += count
                if not more:
                    return done
                if count:
                    continue
            if until_ts is not None and self._is_processed(key, until_ts):
                return done
            if time.monotonic() >= deadline:
                return done
            # A release here wakes us at once; one on another replica is seen at the next poll.
            with released:
                released.wait_for(lambda seen=seen: self._releases[slot] != seen, poll)  # type: ignore[misc]

    def _process_pending(self, key: str, token: str, handle: Handler, ttl: timedelta,
                         item: InboxItem | None) -> int:
        """Handle `item` (the first pending one, fetched with the lease) and those after it."""
        done = 0
        while item is not None:
            # The lease was just taken for a whole ttl; later items renew it first.
            if done and not self.renew_lease(key, token, ttl):
                break  # We overran the ttl and someone else took over: the rest is theirs.
            result = handle(item)
            item = self._mark_and_next(key, item.id, result)
            done += 1
        return done

    def _is_processed(self, key: str, message_ts: str) -> bool:
        item = self.get_item(key, message_ts)
        return item is not None and item.processed
