"""Processing a conversation's inbox in ts order, one message at a time across all replicas.

Slack may hand a thread's messages to any replica, concurrently or more than once. Each message
is queued once (`Inbox.enqueue`), and whoever holds the conversation's lease processes its pending
messages in ts order (`Drainer.drain`). Queue and lease live in the database, so this holds
across threads, processes and replicas.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from bot.store import Inbox, InboxItem, StoreUnavailable

Handler = Callable[[InboxItem], str]
"""Handles one queued message and says what became of it ("ok", "error", ...)."""


class Drainer:
    """Drains inboxes; one per process, so a release here wakes a drain waiting here at once."""

    def __init__(self, inbox: Inbox, slots: int = 256) -> None:
        self.inbox = inbox
        self._released = threading.Condition()
        # Leases released so far, counted in slots by a hash of the conversation key (a shared
        # slot only means an extra look at the lease).
        self._releases = [0] * slots
        # Leases whose release failed (the database went away at that moment), by conversation:
        # released before this process next drains it, instead of waiting out their ttl.
        self._unreleased: dict[str, str] = {}
        self._unreleased_lock = threading.Lock()

    def drain(
        self, key: str, holder: str, handle: Handler, *, ttl: timedelta = timedelta(seconds=60),
        wait: timedelta = timedelta(seconds=30), poll: float = 0.05, until_ts: str | None = None,
    ) -> int:
        """Process the pending messages of `key` in ts order; returns how many this call processed.

        Under the lease, each pending item is passed to `handle` and then marked processed with
        its outcome; after releasing, items that arrived meanwhile are picked up too. While
        someone else holds the lease this waits (woken at once by a release in this process, else
        polling every `poll` seconds) until the lease is ours, or the item `until_ts` has been
        processed by someone else, or `wait` has passed (the holder then processes what we
        queued).

        If `handle` raises, its item stays pending, the lease is released and the exception
        propagates: the next `drain` of `key` retries that item before any later one. An item is
        processed exactly once as long as `handle` finishes within `ttl` and nobody crashes
        between `handle` returning and the item being marked; otherwise it may be handled again.
        Each call leases under its own token (`holder` + a random suffix), so concurrent calls
        with one holder name still exclude each other. A holder that crashes leaves its items
        pending until its lease expires and `drain` is called again for `key`
        (`Inbox.stranded` finds such keys).
        """
        if ttl <= timedelta(0):
            raise ValueError("ttl must be positive")
        self._release_left(key)
        token = f"{holder}/{uuid.uuid4().hex[:12]}"
        deadline = time.monotonic() + wait.total_seconds()
        slot = hash(key) % len(self._releases)
        done = 0
        while True:
            with self._released:
                seen = self._releases[slot]
            taken, first = self.inbox.take(key, token, ttl)
            if taken:
                try:
                    count = self._process_pending(key, token, handle, ttl, first)
                finally:
                    # Whoever enqueued while we held the lease may have given up waiting: the
                    # release looks again.
                    more = self._release(key, token)
                    with self._released:
                        self._releases[slot] += 1
                        self._released.notify_all()
                done += count
                if not more:
                    return done
                if count:
                    continue
            if until_ts is not None and self.inbox.is_processed(key, until_ts):
                return done
            if time.monotonic() >= deadline:
                return done
            # A release here wakes us at once; one on another replica is seen at the next poll.
            with self._released:
                self._released.wait_for(lambda seen=seen: self._releases[slot] != seen,  # type: ignore[misc]
                                        poll)

    def _release(self, key: str, token: str) -> bool:
        try:
            return self.inbox.release_lease(key, token)
        except StoreUnavailable:
            with self._unreleased_lock:
                self._unreleased[key] = token
            raise

    def _release_left(self, key: str) -> None:
        with self._unreleased_lock:
            token = self._unreleased.pop(key, None)
        if token is not None:
            try:
                self.inbox.release_lease(key, token)
            except StoreUnavailable:
                with self._unreleased_lock:
                    self._unreleased.setdefault(key, token)
                raise

    def _process_pending(self, key: str, token: str, handle: Handler, ttl: timedelta,
                         item: InboxItem | None) -> int:
        """Handle `item` (the first pending one, fetched with the lease) and those after it."""
        done = 0
        while item is not None:
            # The lease was just taken for a whole ttl; later items renew it first.
            if done and not self.inbox.renew_lease(key, token, ttl):
                break  # We overran the ttl and someone else took over: the rest is theirs.
            outcome = handle(item)
            item = self.inbox.mark_and_next(key, item.id, outcome)
            done += 1
        return done
