"""Engines for the two supported databases: an SQLite file (default) or PostgreSQL (`DATABASE_URL`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from bot.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 10_000
POSTGRES_CONNECT_TIMEOUT_S = 10


def database_url(settings: Settings) -> str:
    """`DATABASE_URL` when set, else the SQLite file under the data directory."""
    if settings.database_url:
        return normalize_url(settings.database_url)
    return f"sqlite:///{settings.sqlite_path}"


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
