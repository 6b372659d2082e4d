"""The database the store's tables share: an SQLite file (default) or PostgreSQL, one engine, short
Core transactions, and connection failures reported without the password."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.store.errors import StoreUnavailable
from bot.store.migrations import upgrade_to_head
from bot.store.watchdog import Watchdog

SQLITE_BUSY_TIMEOUT_MS = 10_000
POSTGRES_CONNECT_TIMEOUT_S = 3
"""How long opening a PostgreSQL connection may take, handshake included."""
POSTGRES_STATEMENT_TIMEOUT_MS = 5_000
"""The server cancels any statement running longer (lock waits included)."""
POSTGRES_CALL_LIMIT_S = 6.0
"""The most a connection may stay checked out (a transaction): past it the watchdog cuts it,
whatever the network does. Every transaction the bot runs takes milliseconds."""
POOL_TIMEOUT_S = 5
"""How long a caller waits for a free pooled connection."""

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


def create_store_engine(url: str, watchdog: Watchdog | None = None) -> Engine:
    """An engine for `url`; for SQLite the parent directory is created and WAL is switched on.
    For PostgreSQL every call is bounded: connecting, each statement, and (with `watchdog`)
    each checkout as a whole."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"unsupported database {safe_name(parsed)}: use sqlite or postgresql+psycopg")
    return _postgres_engine(parsed, watchdog)


def _postgres_engine(url: URL, watchdog: Watchdog | None) -> Engine:
    options = url.query.get("options", "")
    if isinstance(options, tuple):
        options = " ".join(options)
    url = url.update_query_dict(
        {"options": f"{options} -c statement_timeout={POSTGRES_STATEMENT_TIMEOUT_MS}".strip()})
    engine = create_engine(url, pool_timeout=POOL_TIMEOUT_S,
                           connect_args={"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S})

    # The pre-ping runs here, under the watchdog, rather than as the pool's own `pool_pre_ping`,
    # which would run before any checkout hook and so could block unbounded on a dead network.
    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if watchdog is not None and not _UNBOUNDED.active:
            watchdog.arm(id(dbapi_connection), dbapi_connection.fileno())
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if watchdog is not None:
                watchdog.disarm(id(dbapi_connection))
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                # The pool replaces the connection and tries once more.
                raise DisconnectionError("connection lost; reconnecting") from error
            raise

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, _record: Any) -> None:
        if watchdog is not None and dbapi_connection is not None:
            watchdog.disarm(id(dbapi_connection))

    @event.listens_for(engine, "invalidate")
    def _on_invalidate(dbapi_connection: Any, _record: Any, _error: Any) -> None:
        if watchdog is not None and dbapi_connection is not None:
            watchdog.disarm(id(dbapi_connection))

    return engine


class _Unbounded(threading.local):
    active = False


_UNBOUNDED = _Unbounded()
"""Set while this thread runs work that may legitimately take long (migrations)."""


@contextmanager
def unbounded() -> Iterator[None]:
    """Connections checked out in this block are not cut by the watchdog."""
    before, _UNBOUNDED.active = _UNBOUNDED.active, True
    try:
        yield
    finally:
        _UNBOUNDED.active = before


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
            # Deleted rows are overwritten, not left in free pages: `forget` means gone.
            cursor.execute("PRAGMA secure_delete=ON")
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
        self.watchdog = Watchdog(POSTGRES_CALL_LIMIT_S)
        self.engine = create_store_engine(url, self.watchdog)
        self.clock = clock
        self._password = self.engine.url.password
        dbapi = self.engine.dialect.loaded_dbapi
        # Errors the driver raises inside a pool hook, past SQLAlchemy's wrapping (none on SQLite).
        self._driver_errors: tuple[type[Exception], ...] = (
            (dbapi.OperationalError,) if self.engine.dialect.name == "postgresql" else ())
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
        with self.unavailable(), unbounded():
            upgrade_to_head(self.engine)

    def ping(self) -> bool:
        """True when the database answers a trivial query (within the call limits above)."""
        try:
            with self.unavailable(), self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, StoreUnavailable):
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
        except (OperationalError, InterfaceError, DisconnectionError, PoolTimeout) as error:
            orig = getattr(error, "orig", None)
            reason = str(orig or error).strip().splitlines()[0] or type(error).__name__
            self._fail(reason, error)
        except self._driver_errors as error:  # raised by the driver inside a pool hook
            self._fail(str(error).strip().splitlines()[0] or type(error).__name__, error)

    def _fail(self, reason: str, error: BaseException) -> NoReturn:
        if self._password:
            reason = reason.replace(self._password, "***")
        raise StoreUnavailable(f"database {self.name} is unavailable: {reason}") from error
