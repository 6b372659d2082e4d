"""Small SQL helpers the Store builds on: atomic insert-if-new, row counts, connection errors."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, CursorResult, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from bot.store.errors import StoreUnavailable
from bot.store.models import Base


def rowcount(session: Session, statement: Any) -> int:
    """Execute an INSERT/UPDATE/DELETE and return how many rows it touched."""
    result = session.execute(statement, execution_options={"synchronize_session": False})
    assert isinstance(result, CursorResult)
    return result.rowcount


def insert_new(connection: Connection, entity: type[Any], key: str | Sequence[str],
               values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT (key) DO NOTHING: True when the row is new.

    `key` names the primary key or the columns of a unique constraint. The database decides,
    so exactly one of several processes racing on the same key wins.
    """
    columns = (key,) if isinstance(key, str) else tuple(key)
    statement = _insert_new(connection.dialect.name, entity.__tablename__, columns, tuple(values))
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


@contextmanager
def unavailable_as(name: str, password: str | None) -> Iterator[None]:
    """Turn connection failures into `StoreUnavailable` naming `name`, never the password."""
    try:
        yield
    except (OperationalError, InterfaceError) as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        if password:
            reason = reason.replace(password, "***")
        raise StoreUnavailable(f"database {name} is unavailable: {reason}") from error
