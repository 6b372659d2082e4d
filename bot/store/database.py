"""The database the store's tables share: an SQLite file (default) or PostgreSQL, one engine, short
Core transactions, and connection failures reported without the password."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

from bot.store.errors import StoreUnavailable
from bot.store.migrations import upgrade_to_head

SQLITE_BUSY_TIMEOUT_MS = 10_000
POSTGRES_CONNECT_TIMEOUT_S = 10

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def normalize_url(url: str) -> str:
    """Route plain `postgres://` / `postgresql://` URLs to the psycopg 3 driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def safe_name(url: str | URL) -> str:
    """The URL as it may appear in messages and logs: password masked."""
    return make_url(url).render_as_string(hide_password=True)


def create_store_engine(url: str) -> Engine:
    """An engine for `url`; for SQLite the parent directory is created and WAL is switched on."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"unsupported database {safe_name(parsed)}: use sqlite or postgresql+psycopg")
    connect_args = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
    return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # WAL lets readers run while one process writes; the busy timeout makes a second
        # writer (another bot process) wait for the lock instead of failing at once.
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    return engine


class Database:
    """One engine and its transactions; safe to share between threads and, through the database
    itself, between processes."""

    def __init__(self, url: str, clock: Clock = utc_now) -> None:
        url = normalize_url(url)
        self.name = safe_name(url)
        """The database, password masked: fit for messages and logs."""
        self.engine = create_store_engine(url)
        self.clock = clock
        self._password = self.engine.url.password
        # SQLite lets one connection write at a time and makes the others sleep and retry
        # (1, 2, 5, 10... ms); taking turns here instead keeps each transaction's wait short.
        self._turns: AbstractContextManager[Any] = (
            threading.RLock() if self.engine.dialect.name == "sqlite" else contextlib.nullcontext())

    def __repr__(self) -> str:
        return f"Database({self.name!r})"

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Upgrade the schema to the newest revision; safe to call on every start."""
        with self.unavailable():
            upgrade_to_head(self.engine)

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One short Core transaction, committed when the block ends without an exception."""
        with self.unavailable(), self._turns, self.engine.begin() as connection:
            yield connection

    @contextmanager
    def unavailable(self) -> Iterator[None]:
        """Turn connection failures into `StoreUnavailable` naming the database, never the password."""
        try:
            yield
        except (OperationalError, InterfaceError) as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
            if self._password:
                reason = reason.replace(self._password, "***")
            raise StoreUnavailable(f"database {self.name} is unavailable: {reason}") from error
