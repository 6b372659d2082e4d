"""Conversations: each one's state under a version number, so no concurrent write is lost."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, Update, bindparam, delete, insert, literal, select, update

from bot.store.database import Database
from bot.store.errors import StaleState
from bot.store.models import Base, ConversationRow, ExpiredConversationRow, ParticipantRow, UTCDateTime
from bot.store.outbox import insert_replies
from bot.store.records import Conversation, StateDocument, TurnReplies
from bot.store.sql import changed, insert_new

_TABLE = Base.metadata.tables[ConversationRow.__tablename__]
_EXPIRED = Base.metadata.tables[ExpiredConversationRow.__tablename__]
_PARTICIPANTS = Base.metadata.tables[ParticipantRow.__tablename__]
_LOAD = select(_TABLE).where(_TABLE.c.key == bindparam("key"))
_EXISTS = select(_TABLE.c.key).where(_TABLE.c.key == bindparam("key"))
_WHO = (select(_PARTICIPANTS.c.user_id).where(_PARTICIPANTS.c.conversation_key == bindparam("key"))
        .order_by(_PARTICIPANTS.c.joined_at, _PARTICIPANTS.c.user_id))
_PLACE_FIELDS = ("team", "channel")
"""Set when given; the starter (`owner_user`) is set only when the conversation is created."""


@lru_cache(maxsize=8)
def _save(owner_fields: tuple[str, ...]) -> Update:
    """The versioned UPDATE of `Conversations.save`, also setting `owner_fields`."""
    # Parameters may not share a column's name in an UPDATE: they are prefixed.
    return (update(_TABLE)
            .where(_TABLE.c.key == bindparam("at_key"), _TABLE.c.version == bindparam("at_version"))
            .values({name: bindparam(f"new_{name}")
                     for name in (*owner_fields, "state", "version", "updated_at")}))


class Conversations:
    """The `conversations` table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def load(self, key: str) -> Conversation | None:
        with self.db.transaction() as connection:
            row = connection.execute(_LOAD, {"key": key}).first()
        return None if row is None else Conversation(
            key=row.key, state=row.state, version=row.version, owner_user=row.owner_user,
            team=row.team, channel=row.channel, updated_at=row.updated_at)

    def exists(self, key: str) -> bool:
        """Whether conversation `key` is stored (without reading its state)."""
        with self.db.transaction() as connection:
            return connection.execute(_EXISTS, {"key": key}).first() is not None

    def participants(self, key: str) -> list[str]:
        """Who took part in conversation `key`, in the order they joined."""
        with self.db.transaction() as connection:
            return [user for user, in connection.execute(_WHO, {"key": key})]

    def join(self, key: str, user: str) -> bool:
        """Record `user` as taking part in conversation `key`, if it is stored; False if not."""
        with self.db.transaction() as connection:
            if connection.execute(_EXISTS, {"key": key}).first() is None:
                return False
            insert_new(connection, _PARTICIPANTS.name, ("conversation_key", "user_id"),
                       {"conversation_key": key, "user_id": user, "joined_at": self.db.clock()})
            return True

    def save(
        self, key: str, state: StateDocument, expected_version: int | None,
        owner_user: str | None = None, team: str | None = None, channel: str | None = None,
        *, participant: str | None = None, replies: TurnReplies | None = None,
    ) -> int:
        """Write `state` and return the new version; with `replies`, queue the turn's replies
        in its outbox in the same transaction.

        `expected_version=None` creates the conversation, started by `owner_user`; otherwise the
        stored version must still be `expected_version`, and the starter stays whoever it was.
        Either way a conflict raises `StaleState` and writes nothing. `team` and `channel` left as
        None keep their stored values. `participant` (whoever spoke this turn) is recorded as
        taking part, in the same transaction, as is the starter.
        """
        now = self.db.clock()
        with self.db.transaction() as connection:
            if replies is not None:
                insert_replies(connection, key, replies.replies, replies.message_ts, now)
            if expected_version is None:
                new = dict(key=key, state=state, version=1, owner_user=owner_user, team=team,
                           channel=channel, created_at=now, updated_at=now)
                if not insert_new(connection, _TABLE.name, "key", new):
                    raise StaleState(f"conversation {key!r} already exists")
                version = 1
            else:
                given = dict(zip(_PLACE_FIELDS, (team, channel), strict=True))
                values: dict[str, Any] = {name: value for name, value in given.items()
                                          if value is not None}
                values.update(state=state, version=expected_version + 1, updated_at=now)
                params = {f"new_{name}": value for name, value in values.items()}
                params.update(at_key=key, at_version=expected_version)
                statement = _save(tuple(name for name in _PLACE_FIELDS if name in values))
                if changed(connection, statement, params) == 0:
                    raise StaleState(f"conversation {key!r} is no longer at version {expected_version}")
                version = expected_version + 1
            starter = owner_user if expected_version is None else None
            for user in dict.fromkeys(who for who in (starter, participant) if who):
                insert_new(connection, _PARTICIPANTS.name, ("conversation_key", "user_id"),
                           {"conversation_key": key, "user_id": user, "joined_at": now})
            return version

    def update(
        self, key: str, fn: Callable[[StateDocument | None], StateDocument], retries: int = 8, *,
        user: str | None = None, team: str | None = None, channel: str | None = None,
        replies: Callable[[], TurnReplies] | None = None,
    ) -> StateDocument:
        """Apply `fn` to the current state (None if new) and save it; never loses a concurrent update.

        `user` is who speaks: the starter when this creates the conversation, a participant
        either way. On a conflict `fn` runs again on the fresh state, up to `retries` more
        times, then `StaleState` is raised. `fn` may run more than once, so it must not have
        side effects. `replies`, called after each run of `fn`, gives what that run is to post:
        saved with its state (see `save`).
        """
        for attempt in range(retries + 1):
            current = self.load(key)  # a fresh copy, read for this attempt alone
            state = fn(current.state if current else None)
            try:
                self.save(key, state, current.version if current else None, user, team, channel,
                          participant=user, replies=replies() if replies is not None else None)
            except StaleState:
                if attempt == retries:
                    raise
                # Growing, jittered waits keep contending writers from colliding in lock step.
                time.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))
            else:
                return state
        raise AssertionError("unreachable")

    def prune(self, older_than: timedelta) -> int:
        """Delete conversations idle for longer than `older_than`; decisions are kept. Each
        one's key is remembered as expired (in the same transaction), so a later message in
        its thread is told why the conversation is gone; its participants are forgotten."""
        now = self.db.clock()
        idle = _TABLE.c.updated_at < now - older_than
        days = older_than.days
        with self.db.transaction() as connection:
            keys = select(_TABLE.c.key).where(idle)
            connection.execute(delete(_EXPIRED).where(_EXPIRED.c.key.in_(keys)))
            connection.execute(insert(_EXPIRED).from_select(
                ["key", "retention_days", "expired_at"],
                select(_TABLE.c.key, literal(days, Integer), literal(now, UTCDateTime())).where(idle)))
            gone = changed(connection, delete(_TABLE).where(idle))
            changed(connection, delete(_PARTICIPANTS).where(
                _PARTICIPANTS.c.conversation_key.not_in(select(_TABLE.c.key))))
            return gone
