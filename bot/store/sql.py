"""Small SQL helpers the tables build on: atomic insert-if-new and row counts."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, CursorResult, Executable, bindparam
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.models import Base


def changed(connection: Connection, statement: Executable, params: dict[str, Any] | None = None) -> int:
    """Execute an INSERT/UPDATE/DELETE and return how many rows it touched."""
    result = connection.execute(statement, params or {})
    assert isinstance(result, CursorResult)
    return result.rowcount


def insert_new(connection: Connection, table: str, key: str | Sequence[str],
               values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT (key) DO NOTHING: True when the row is new.

    `key` names the primary key or the columns of a unique constraint. The database decides,
    so exactly one of several processes racing on the same key wins.
    """
    columns = (key,) if isinstance(key, str) else tuple(key)
    statement = _insert_new(connection.dialect.name, table, columns, tuple(values))
    return connection.execute(statement, values).first() is not None


@lru_cache(maxsize=64)
def _insert_new(dialect: str, table: str, columns: tuple[str, ...], names: tuple[str, ...]) -> Any:
    """The statement for `insert_new`, built once per shape: SQLAlchemy then also remembers its
    cache key and compiled form, instead of working them out on every call."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    target = Base.metadata.tables[table]
    statement = insert(target).values({name: bindparam(name) for name in names})
    statement = statement.on_conflict_do_nothing(index_elements=list(columns))
    return statement.returning(target.c[columns[0]])
