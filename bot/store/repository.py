"""The Store: short transactions over conversations, decisions, processed events and the inbox."""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Delete, Update, bindparam, delete, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.settings import Settings
from bot.store.engine import create_store_engine, database_url, normalize_url, safe_name
from bot.store.errors import StaleState
from bot.store.inbox import InboxMixin
from bot.store.migrations import upgrade_to_head
from bot.store.models import (
    Base,
    Conversation,
    ConversationRow,
    DecisionRecord,
    DecisionRow,
    ProcessedEventRow,
)
from bot.store.outbox import OutboxMixin
from bot.store.sql import insert_new, rowcount, unavailable_as

Clock = Callable[[], datetime]

# Built once with bound parameters, as the inbox's statements are (see bot.store.inbox).
_CONVERSATIONS = Base.metadata.tables[ConversationRow.__tablename__]
_LOAD = select(_CONVERSATIONS).where(_CONVERSATIONS.c.key == bindparam("key"))
_EXISTS = select(_CONVERSATIONS.c.key).where(_CONVERSATIONS.c.key == bindparam("key"))


@lru_cache(maxsize=8)
def _save(owner_fields: tuple[str, ...]) -> Update:
    """The versioned UPDATE of `Store.save`, also setting `owner_fields`."""
    table = _CONVERSATIONS
    # Parameters may not share a column's name in an UPDATE: they are prefixed.
    return (update(table)
            .where(table.c.key == bindparam("at_key"), table.c.version == bindparam("at_version"))
            .values({name: bindparam(f"new_{name}")
                     for name in (*owner_fields, "state", "version", "updated_at")}))


def utc_now() -> datetime:
    return datetime.now(UTC)


class Store(InboxMixin, OutboxMixin):
    """Persistence for the bot, on SQLite or PostgreSQL; safe to share one database between processes."""

    def __init__(self, url: str, clock: Clock = utc_now) -> None:
        url = normalize_url(url)
        self.name = safe_name(url)
        """The database, password masked: fit for messages and logs."""
        self._engine = create_store_engine(url)
        self._password = self._engine.url.password
        self._clock = clock
        # SQLite lets one connection write at a time and makes the others sleep and retry
        # (1, 2, 5, 10... ms); taking turns here instead keeps each transaction's wait short.
        self._turns: AbstractContextManager[Any] = (
            threading.RLock() if self._engine.dialect.name == "sqlite" else contextlib.nullcontext())
        self._released = threading.Condition()
        self._releases = [0] * 256

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock = utc_now) -> Store:
        """`DATABASE_URL` when set, else the SQLite file in the data directory."""
        return cls(database_url(settings), clock=clock)

    def __repr__(self) -> str:
        return f"Store({self.name!r})"

    def migrate(self) -> None:
        """Upgrade the schema to the newest revision; safe to call on every start."""
        with self._unavailable():
            upgrade_to_head(self._engine)

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self._engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def close(self) -> None:
        self._engine.dispose()

    # Conversations

    def load(self, key: str) -> Conversation | None:
        with self._transaction() as connection:
            row = connection.execute(_LOAD, {"key": key}).first()
            return None if row is None else Conversation(
                key=row.key, state=row.state, version=row.version, owner_user=row.owner_user,
                team=row.team, channel=row.channel, updated_at=row.updated_at)

    def exists(self, key: str) -> bool:
        """Whether conversation `key` is stored (without reading its state)."""
        with self._transaction() as connection:
            return connection.execute(_EXISTS, {"key": key}).first() is not None

    def save(
        self, key: str, state: dict[str, Any], expected_version: int | None,
        owner_user: str | None = None, team: str | None = None, channel: str | None = None,
    ) -> int:
        """Write `state` and return the new version.

        `expected_version=None` creates the conversation; otherwise the stored version must still
        be `expected_version`. Either way a conflict raises `StaleState` and writes nothing.
        Owner fields left as None keep their stored values.
        """
        now = self._clock()
        with self._transaction() as connection:
            if expected_version is None:
                new = dict(key=key, state=state, version=1, owner_user=owner_user, team=team,
                           channel=channel, created_at=now, updated_at=now)
                if not insert_new(connection, ConversationRow, "key", new):
                    raise StaleState(f"conversation {key!r} already exists")
                return 1
            owner = {"owner_user": owner_user, "team": team, "channel": channel}
            values: dict[str, Any] = {name: value for name, value in owner.items() if value is not None}
            values.update(state=state, version=expected_version + 1, updated_at=now)
            params = {f"new_{name}": value for name, value in values.items()}
            params.update(at_key=key, at_version=expected_version)
            statement = _save(tuple(name for name in owner if name in values))
            if connection.execute(statement, params).rowcount == 0:
                raise StaleState(f"conversation {key!r} is no longer at version {expected_version}")
            return expected_version + 1

    def update(
        self, key: str, fn: Callable[[dict[str, Any] | None], dict[str, Any]], retries: int = 8, *,
        owner_user: str | None = None, team: str | None = None, channel: str | None = None,
    ) -> dict[str, Any]:
        """Apply `fn` to the current state (None if new) and save it; never loses a concurrent update.

        On a conflict `fn` runs again on the fresh state, up to `retries` more times, then
        `StaleState` is raised. `fn` may run more than once, so it must not have side effects.
        """
        for attempt in range(retries + 1):
            current = self.load(key)  # a fresh copy, read for this attempt alone
            state = fn(current.state if current else None)
            try:
                self.save(key, state, current.version if current else None, owner_user, team, channel)
            except StaleState:
                if attempt == retries:
                    raise
                # Growing, jittered waits keep contending writers from colliding in lock step.
                time.sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))
            else:
                return state
        raise AssertionError("unreachable")

    def delete_conversations(self, owner_user: str) -> int:
        """Forget every conversation the user owns; returns how many went."""
        return self._delete(delete(ConversationRow).where(ConversationRow.owner_user == owner_user))

    def prune_conversations(self, older_than: timedelta) -> int:
        """Delete conversations idle for longer than `older_than`; decisions are kept."""
        cutoff = self._clock() - older_than
        return self._delete(delete(ConversationRow).where(ConversationRow.updated_at < cutoff))

    # Events

    def claim_event(self, event_key: str) -> bool:
        """True for the first caller, in any process, to claim `event_key`; False after that."""
        new = {"event_key": event_key, "created_at": self._clock()}
        with self._transaction() as connection:
            return insert_new(connection, ProcessedEventRow, "event_key", new)

    def prune_events(self, older_than: timedelta) -> int:
        """Forget claims older than `older_than` (Slack retries arrive within minutes)."""
        cutoff = self._clock() - older_than
        return self._delete(delete(ProcessedEventRow).where(ProcessedEventRow.created_at < cutoff))

    # Decisions

    def add_decision(self, record: DecisionRecord) -> int:
        """Store the record (its id is ignored) and return the new id."""
        row = DecisionRow(**record.model_dump(exclude={"id", "created_at"}))
        row.created_at = record.created_at or self._clock()
        with self._session() as session:
            session.add(row)
            session.flush()
            return row.id

    def list_decisions(self, user_id: str, team: str | None = None, limit: int = 10) -> list[DecisionRecord]:
        """The user's decisions, newest first."""
        query = select(DecisionRow).where(DecisionRow.user_id == user_id)
        if team is not None:
            query = query.where(DecisionRow.team == team)
        query = query.order_by(DecisionRow.created_at.desc(), DecisionRow.id.desc()).limit(limit)
        with self._session() as session:
            return [row.to_record() for row in session.scalars(query)]

    def get_decision(self, decision_id: int) -> DecisionRecord | None:
        with self._session() as session:
            row = session.get(DecisionRow, decision_id)
            return None if row is None else row.to_record()

    def delete_decisions(self, user_id: str) -> int:
        return self._delete(delete(DecisionRow).where(DecisionRow.user_id == user_id))

    # Plumbing

    def _delete(self, statement: Delete) -> int:
        with self._session() as session:
            return rowcount(session, statement)

    def _unavailable(self) -> AbstractContextManager[None]:
        return unavailable_as(self.name, self._password)

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """A Core transaction, for the statements each message runs: no ORM session to set up."""
        with self._unavailable(), self._turns, self._engine.begin() as connection:
            yield connection

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._unavailable(), self._turns, Session(self._engine, expire_on_commit=False) as session, \
                session.begin():
            yield session

