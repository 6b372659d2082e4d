"""Table definitions (SQLAlchemy 2.x declarative; queried through Core statements)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect, Index, Integer, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always reads back an aware UTC datetime (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # A naive timestamp is taken to be UTC already, never local time.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class ConversationRow(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_owner_user", "owner_user"),
        Index("ix_conversations_updated_at", "updated_at"),
    )

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    owner_user: Mapped[str | None] = mapped_column(String(64))
    team: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class ParticipantRow(Base):
    """Someone who took part in a conversation: its starter, and everyone who spoke in it since."""

    __tablename__ = "conversation_participants"
    __table_args__ = (Index("ix_conversation_participants_user_id", "user_id"),)

    conversation_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class DecisionRow(Base):
    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_key: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    team: Mapped[str] = mapped_column(String(64), nullable=False)
    channel: Mapped[str | None] = mapped_column(String(64))
    thread_ts: Mapped[str | None] = mapped_column(String(64))
    permalink: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    recommendation: Mapped[str] = mapped_column(String(32), nullable=False)
    policy_version: Mapped[str] = mapped_column(String(64), nullable=False)
    index_version: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class ProcessedEventRow(Base):
    __tablename__ = "processed_events"
    __table_args__ = (Index("ix_processed_events_created_at", "created_at"),)

    event_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class InboxRow(Base):
    """One Slack message waiting for (or done with) processing, in its conversation's queue."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("conversation_key", "message_ts", name="uq_inbox_conversation_ts"),
        Index("ix_inbox_conversation_sort", "conversation_key", "sort_key"),
        Index("ix_inbox_processed_at", "processed_at"),
        Index("ix_inbox_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_key: Mapped[str] = mapped_column(String(255), nullable=False)
    message_ts: Mapped[str] = mapped_column(String(32), nullable=False)
    sort_key: Mapped[str] = mapped_column(String(32), nullable=False)
    """`message_ts` padded to a fixed width, so that ORDER BY gives ts order."""
    user_id: Mapped[str | None] = mapped_column(String(64))
    """Who sent it: kept after processing, when `payload` is emptied, so `forget` finds it."""
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    """The `QueuedMessage` while pending; emptied once processed, so no text outlives its turn."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class ConversationLeaseRow(Base):
    """Who may process a conversation's inbox right now, and until when."""

    __tablename__ = "conversation_leases"

    conversation_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class OutboxRow(Base):
    """A reply a turn is to post, recorded with the turn's state before it is posted, and kept
    until Slack has it (or refuses it for good) so any replica can post it in order."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_conversation_id", "conversation_key", "id"),
        Index("ix_outbox_finished_at", "finished_at"),
        Index("ix_outbox_conversation_message", "conversation_key", "message_ts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_key: Mapped[str] = mapped_column(String(255), nullable=False)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    """The inbox message whose turn wrote this reply (None for rows written before replies
    were recorded with their turn)."""
    reply_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    """The `QueuedReply` while it waits; emptied once finished, so no rendered text outlives it."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(String(255))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))
    """None while waiting; then "sent", "dropped" (Slack refused it for good) or "abandoned"."""


class ReminderRow(Base):
    """A re-check reminder scheduled in Slack for a decision: at most one per decision, whichever
    replica schedules it."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_user_id", "user_id"),)

    decision_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    channel: Mapped[str] = mapped_column(String(64), nullable=False)
    post_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    scheduled_message_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class FeedbackRow(Base):
    """One user's vote on one recommendation message; a changed vote replaces the earlier one."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("channel", "message_ts", "user_id", name="uq_feedback_message_user"),
        Index("ix_feedback_conversation_key", "conversation_key"),
        Index("ix_feedback_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team: Mapped[str] = mapped_column(String(64), nullable=False)
    channel: Mapped[str] = mapped_column(String(64), nullable=False)
    message_ts: Mapped[str] = mapped_column(String(32), nullable=False)
    user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    conversation_key: Mapped[str | None] = mapped_column(String(255))
    vote: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class AnchorRow(Base):
    """A message a conversation updates in place (page `page` of its recommendation, say)."""

    __tablename__ = "anchors"
    __table_args__ = (Index("ix_anchors_updated_at", "updated_at"),)

    conversation_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    page: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), nullable=False)
    ts: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class ExpiredConversationRow(Base):
    """A conversation the retention job deleted: its key and the retention it was deleted under,
    nothing it said."""

    __tablename__ = "expired_conversations"
    __table_args__ = (Index("ix_expired_conversations_expired_at", "expired_at"),)

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    retention_days: Mapped[int] = mapped_column(Integer, nullable=False)
    expired_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
