"""Small SQL helpers the Store builds on: atomic insert-if-new, row counts, connection errors."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import CursorResult
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from bot.store.errors import StoreUnavailable


def rowcount(session: Session, statement: Any) -> int:
    """Execute an INSERT/UPDATE/DELETE and return how many rows it touched."""
    result = session.execute(statement, execution_options={"synchronize_session": False})
    assert isinstance(result, CursorResult)
    return result.rowcount


def insert_new(session: Session, entity: type[Any], key: str | Sequence[str], values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT (key) DO NOTHING: True when the row is new.

    `key` names the primary key or the columns of a unique constraint. The database decides,
    so exactly one of several processes racing on the same key wins.
    """
    columns = [key] if isinstance(key, str) else list(key)
    if session.get_bind().dialect.name == "postgresql":
        statement: Any = postgresql.insert(entity).values(values)
    else:
        statement = sqlite.insert(entity).values(values)
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT the ORM executes with RETURNING.
    statement = statement.on_conflict_do_nothing(index_elements=columns)
    statement = statement.returning(getattr(entity, columns[0]))
    return session.execute(statement).first() is not None


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
