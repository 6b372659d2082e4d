"""`forget`: one user's data out of every table in one transaction, and then, as far as the
backend allows, out of the pages the database keeps after deleting it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from sqlalchemy import Connection, delete, or_, select, text, union, update
from sqlalchemy.exc import SQLAlchemyError

from bot.store.database import Database
from bot.store.errors import StaleState
from bot.store.models import (
    AnchorRow,
    Base,
    ConversationRow,
    DecisionRow,
    FeedbackRow,
    InboxRow,
    OutboxRow,
    ParticipantRow,
    ReminderRow,
)
from bot.store.records import ForgetReport, StateDocument
from bot.store.sql import changed

log = logging.getLogger(__name__)

Scrub = Callable[[StateDocument, str], StateDocument]
"""A conversation's state without what one user gave it (their facts and words). The store keeps
states whole, so the conversation layer, which owns their shape, supplies this."""

_CONVERSATIONS, _PARTICIPANTS, _INBOX, _OUTBOX, _ANCHORS, _FEEDBACK, _DECISIONS, _REMINDERS = (
    Base.metadata.tables[row.__tablename__] for row in (
        ConversationRow, ParticipantRow, InboxRow, OutboxRow, AnchorRow, FeedbackRow, DecisionRow,
        ReminderRow))
_BY_CONVERSATION = (_PARTICIPANTS, _INBOX, _OUTBOX, _ANCHORS, _FEEDBACK)
"""Rows that belong to a conversation and go with it."""
TOUCHED = ("conversations", "conversation_participants", "inbox", "outbox", "anchors", "feedback",
           "decisions", "reminders")
"""The tables `forget` deletes from: vacuumed afterwards on PostgreSQL."""
ATTEMPTS = 5


def forget(db: Database, user: str, scrub: Scrub) -> ForgetReport:
    """Delete what `user` left, in one transaction: the conversations they started (with their
    anchors, participants, messages, queued replies and votes); from conversations they only
    joined, their messages, and their facts and words (`scrub`); their decision records, votes
    and reminders. Nobody else's rows change. A decision record someone else pinned from one of
    those conversations is that person's, and stays.

    Then, best effort, the database is asked to let go of the old pages too: on SQLite (which
    overwrites deleted content, `secure_delete`) the write-ahead log is checkpointed and
    truncated; on PostgreSQL the touched tables are vacuumed.
    """
    for attempt in range(ATTEMPTS):
        try:
            with db.transaction() as connection:
                report = _forget(connection, user, scrub, db)
        except StaleState:
            if attempt == ATTEMPTS - 1:
                raise
        else:
            reclaim(db)
            return report
    raise AssertionError("unreachable")


def _forget(connection: Connection, user: str, scrub: Scrub, db: Database) -> ForgetReport:
    conversations = _CONVERSATIONS.c
    started = [key for key, in connection.execute(
        select(conversations.key).where(conversations.owner_user == user))]
    spoke_in = union(
        select(_PARTICIPANTS.c.conversation_key).where(_PARTICIPANTS.c.user_id == user),
        select(_INBOX.c.conversation_key).where(_INBOX.c.user_id == user))
    joined = connection.execute(
        select(conversations.key, conversations.state, conversations.version)
        .where(conversations.key.in_(select(spoke_in.subquery().c.conversation_key)),
               or_(conversations.owner_user.is_(None), conversations.owner_user != user))
        .order_by(conversations.key)
        .with_for_update()).all()
    now = db.clock()
    for key, state, version in joined:
        kept = scrub(state, user)
        if kept == state:
            continue
        # A turn that read the state before this runs again on what is left (`StaleState`).
        moved = changed(connection, update(_CONVERSATIONS)
                        .where(conversations.key == key, conversations.version == version)
                        .values(state=kept, version=version + 1, updated_at=now))
        if moved == 0:
            raise StaleState(f"conversation {key!r} changed while its participant was forgotten")
    _delete_conversations(connection, started)
    changed(connection, delete(_INBOX).where(_INBOX.c.user_id == user))
    changed(connection, delete(_PARTICIPANTS).where(_PARTICIPANTS.c.user_id == user))
    return ForgetReport(
        started=len(started), joined=len(joined),
        decisions=changed(connection, delete(_DECISIONS).where(_DECISIONS.c.user_id == user)),
        votes=changed(connection, delete(_FEEDBACK).where(_FEEDBACK.c.user_id == user)),
        reminders=changed(connection, delete(_REMINDERS).where(_REMINDERS.c.user_id == user)))


def _delete_conversations(connection: Connection, keys: Sequence[str]) -> None:
    if not keys:
        return
    changed(connection, delete(_CONVERSATIONS).where(_CONVERSATIONS.c.key.in_(keys)))
    for table in _BY_CONVERSATION:
        changed(connection, delete(table).where(table.c.conversation_key.in_(keys)))


def reclaim(db: Database) -> None:
    """Ask the database to drop the old copies of deleted rows; never fails (logged instead).

    On PostgreSQL each table is vacuumed on its own connection (VACUUM cannot run in a
    transaction), within the store's usual statement limit: a table too big for it is left to
    autovacuum, and the others are still vacuumed."""
    if db.dialect == "sqlite":
        try:
            with db.engine.connect() as connection:
                busy, *_ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        except SQLAlchemyError as exc:
            busy = type(exc).__name__
        if busy:
            log.warning("write-ahead log not truncated after forget", extra={"error": str(busy)})
    elif db.dialect == "postgresql":
        for table in TOUCHED:
            try:
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.execute(text(f"VACUUM {table}"))
            except SQLAlchemyError as exc:
                log.warning("could not vacuum after forget",
                            extra={"table": table, "error": type(exc).__name__})
