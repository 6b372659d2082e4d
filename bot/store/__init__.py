"""Persistence on SQLite or PostgreSQL: one `Database` and one class per table family
(conversations and their participants, anchors, decisions, events, expired conversations,
inbox, outbox, reminders, feedback), bundled as a `Store`."""

from __future__ import annotations

from bot.store import forgetting
from bot.store.anchors import Anchors
from bot.store.conversations import Conversations
from bot.store.database import Clock, Database, utc_now
from bot.store.decisions import Decisions
from bot.store.errors import StaleState, StoreError, StoreUnavailable
from bot.store.events import Events
from bot.store.expired import Expired
from bot.store.feedback import Feedback
from bot.store.forgetting import Scrub
from bot.store.inbox import Inbox
from bot.store.outbox import Outbox
from bot.store.records import (
    AnchorRef,
    Conversation,
    DecisionRecord,
    FeedbackVote,
    ForgetReport,
    InboxItem,
    OutboxItem,
    QueuedMessage,
    QueuedReply,
    Reminder,
    StateDocument,
    TurnReplies,
    Vote,
)
from bot.store.reminders import Reminders


class Store:
    """Every table over one database. Takes a database URL, not settings."""

    def __init__(self, url: str, clock: Clock = utc_now) -> None:
        self.db = Database(url, clock)
        self.conversations = Conversations(self.db)
        self.anchors = Anchors(self.db)
        self.decisions = Decisions(self.db)
        self.events = Events(self.db)
        self.expired = Expired(self.db)
        self.inbox = Inbox(self.db)
        self.outbox = Outbox(self.db)
        self.reminders = Reminders(self.db)
        self.feedback = Feedback(self.db)

    def __repr__(self) -> str:
        return f"Store({self.db.name!r})"

    @property
    def name(self) -> str:
        """The database, password masked: fit for messages and logs."""
        return self.db.name

    def forget(self, user: str, scrub: Scrub) -> ForgetReport:
        """Delete what `user` left, everywhere, in one transaction (see `bot.store.forgetting`);
        `scrub` takes their facts and words out of a state of a conversation they joined."""
        return forgetting.forget(self.db, user, scrub)

    def migrate(self) -> None:
        self.db.migrate()

    def ping(self) -> bool:
        return self.db.ping()

    def state(self) -> str:
        """"ok" when the database answers now, else "unreachable" (for health checks)."""
        return "ok" if self.ping() else "unreachable"

    def close(self) -> None:
        self.db.close()


__all__ = [
    "AnchorRef",
    "Anchors",
    "Clock",
    "Conversation",
    "Conversations",
    "Database",
    "DecisionRecord",
    "Decisions",
    "Events",
    "Expired",
    "Feedback",
    "FeedbackVote",
    "ForgetReport",
    "Inbox",
    "InboxItem",
    "Outbox",
    "OutboxItem",
    "QueuedMessage",
    "QueuedReply",
    "Reminder",
    "Reminders",
    "Scrub",
    "StaleState",
    "StateDocument",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "TurnReplies",
    "Vote",
    "utc_now",
]
