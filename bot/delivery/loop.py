"""The delivery loop: a queued message becomes exactly one conversation turn, its replies are
posted in order (or kept in the outbox while the platform is away), and the sweep finishes what a
stopped replica left behind. Nothing here knows about Slack: replies go to a `ReplySink`."""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Sequence
from datetime import timedelta

from bot.conversation import ConversationState, Reply
from bot.conversation.service import ConversationService
from bot.delivery.drain import Drainer
from bot.delivery.sink import DeliveryFailed, ReplySink, Undelivered
from bot.observability import Metrics, log_context
from bot.store import InboxItem, QueuedMessage, QueuedReply, Store, StoreUnavailable

log = logging.getLogger(__name__)

STRANDED_AFTER = timedelta(seconds=30)
"""A message still pending this long after it was queued, with nobody holding its conversation,
was left by a replica that stopped mid-message."""
OUTBOX_LEASE = timedelta(seconds=60)
GIVE_UP_AFTER = timedelta(hours=1)
"""Past this, a stranded message is marked done unanswered, and a reply the platform has not
taken is dropped: a reply that late helps nobody."""


def holder_name() -> str:
    """This process, as a lease holder: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


class DeliveryLoop:
    """Turns queued messages into replies, one conversation turn per message, in ts order."""

    def __init__(self, store: Store, conversations: ConversationService, sink: ReplySink,
                 metrics: Metrics | None = None, holder: str | None = None) -> None:
        self.store = store
        self.conversations = conversations
        self.sink = sink
        self.metrics = metrics or Metrics()
        self.holder = holder or holder_name()
        self.drainer = Drainer(store.inbox)
        # When each message queued here was received, so a turn's latency includes its wait in
        # the queue; an item queued by another replica is timed from when it is processed.
        self._queued_at: dict[tuple[str, str], float] = {}
        self._queued_lock = threading.Lock()
        self._answered: set[tuple[str, str]] = set()
        """Messages queued here whose turn has posted (or queued) its replies."""

    def accept(self, key: str, message_ts: str, message: QueuedMessage) -> bool:
        """`queue` the message, then `answer` it. False, doing nothing more, when the message
        was queued before (a repeated delivery)."""
        if not self.queue(key, message_ts, message):
            return False
        self.answer(key, message_ts)
        return True

    def queue(self, key: str, message_ts: str, message: QueuedMessage) -> bool:
        """Queue the message durably, once: False when `(key, message_ts)` was queued before.
        Raises `StoreUnavailable` when the database cannot take it; the message is then not
        queued, and must not be acknowledged to the platform, which sends it again."""
        with self._queued_lock:
            self._queued_at.setdefault((key, message_ts), time.monotonic())
        try:
            queued = self.store.inbox.enqueue(key, message_ts, message)
        except BaseException:
            self._forget_arrival(key, message_ts)
            raise
        if not queued:
            self._forget_arrival(key, message_ts)
        return queued

    def answer(self, key: str, message_ts: str) -> None:
        """Process the conversation's queue in message order, up to and including the message
        `message_ts` queued here (or until its lease holder has done so). Whatever stops this
        part way, the message stays queued and the sweep answers it."""
        try:
            self.drainer.drain(key, self.holder, lambda item: self._process(key, item),
                               until_ts=message_ts)
        except StoreUnavailable:
            with self._queued_lock:
                answered = (key, message_ts) in self._answered
            if not answered:
                raise
            # Its replies went out; only recording that failed, and the sweep finishes it.
            log.warning("database unavailable after a turn was answered")
        finally:
            self._forget_arrival(key, message_ts)

    def _forget_arrival(self, key: str, message_ts: str) -> None:
        with self._queued_lock:
            self._queued_at.pop((key, message_ts), None)
            self._answered.discard((key, message_ts))

    def sweep(self, stranded_after: timedelta = STRANDED_AFTER,
              give_up_after: timedelta = GIVE_UP_AFTER) -> int:
        """Post the replies the platform would not take earlier, and answer messages that a
        replica queued and then died before answering; in order, each once. Returns how many
        messages were answered. Replicas run this every little while."""
        abandoned = self.store.inbox.abandon_pending(give_up_after)
        dropped = self.store.outbox.abandon(give_up_after)
        if abandoned or dropped:
            log.warning("gave up on messages and replies left waiting too long",
                        extra={"count": abandoned, "replies": dropped,
                               "older_than_s": give_up_after.total_seconds()})
        for key in self.store.outbox.keys_with_unsent():
            token = f"{self.holder}/outbox/{uuid.uuid4().hex[:12]}"
            if not self.store.inbox.acquire_lease(key, token, OUTBOX_LEASE):
                continue  # its holder posts them before its own replies
            try:
                if not self.flush_outbox(key):
                    break  # still unavailable: the next sweep tries again
            finally:
                self.store.inbox.release_lease(key, token)
        answered = 0
        for key in self.store.inbox.stranded(stranded_after):
            answered += self.drainer.drain(key, self.holder, functools.partial(self._process, key),
                                           wait=timedelta(0))
        if answered:
            log.info("answered messages a stopped replica left queued", extra={"count": answered})
        return answered

    def flush_outbox(self, key: str) -> bool:
        """Post the replies `key` still owes, in order; True once none is left. The caller holds
        the conversation's lease. A reply the platform refuses for good is dropped and logged."""
        for item in self.store.outbox.unsent(key):
            try:
                self.sink.send(item.reply)
            except DeliveryFailed as exc:
                if exc.transient:
                    self.store.outbox.attempt_failed(item.id, exc.error)
                    return False
                log.warning("queued reply refused; dropped", extra={"method": exc.method,
                                                                     "error": exc.error})
                self.store.outbox.finish(item.id, "dropped", exc.error)
                continue
            self.store.outbox.finish(item.id, "sent")
        return True

    def _process(self, key: str, item: InboxItem) -> str:
        message = item.message
        if not message.user:
            return "unreadable"
        with self._queued_lock:
            started = self._queued_at.get((key, item.message_ts), time.monotonic())
        advised: list[str] = []
        after: list[ConversationState] = []
        with log_context(team=message.team, channel=message.channel, thread_ts=message.thread_ts):
            try:
                outcome = self._reply(key, item, advised, after)
                if outcome == "ok" and after:
                    self.sink.after_turn(key, message, after[0])
            except DeliveryFailed as exc:
                outcome = "delivery_error"
                log.warning("could not answer", extra={"method": exc.method, "error": exc.error})
                self.sink.apologise(message)
            except Exception:  # a turn that fails must still be answered and marked done
                outcome = "error"
                log.exception("turn failed")
                self.sink.apologise(message)
            seconds = time.monotonic() - started
            with self._queued_lock:
                if (key, item.message_ts) in self._queued_at:
                    self._answered.add((key, item.message_ts))
            self.metrics.turn_processed(outcome, seconds)
            log.info("turn processed", extra={
                "outcome": outcome, "latency_ms": round(seconds * 1000, 1),
                **({"recommendation": advised[-1]} if advised else {})})
        return outcome

    def _reply(self, key: str, item: InboxItem, advised: list[str],
               after: list[ConversationState]) -> str:
        """Run the turn and post its replies, after any this conversation still owes. While the
        platform is unavailable they join the outbox instead ("queued"), to be posted in order
        by the next turn or sweep that finds it back."""
        message = item.message

        def work() -> list[QueuedReply]:
            replies, state = self.conversations.respond(
                key, message.text, user=message.user, team=message.team,
                channel=message.channel)
            after[:] = [state]
            advised.extend(self.count_recommendations(replies))
            return self.sink.render(key, message, replies)

        if item.owes_replies and not self.flush_outbox(key):
            self.store.outbox.queue(key, work())
            log.warning("replies queued behind earlier ones not taken yet")
            return "queued"
        try:
            self.sink.deliver(message, work)
        except Undelivered as exc:
            self.store.outbox.queue(key, exc.replies)
            log.warning("platform unavailable; replies queued",
                        extra={"method": exc.cause.method, "error": exc.cause.error,
                               "count": len(exc.replies)})
            return "queued"
        return "ok"

    def count_recommendations(self, replies: Sequence[Reply]) -> list[str]:
        given = [str(reply.advice.result.recommendation) for reply in replies
                 if reply.advice is not None]
        for recommendation in given:
            self.metrics.recommendation_given(recommendation)
        return given
