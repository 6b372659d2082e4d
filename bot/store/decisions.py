"""Decision records: what was pinned, by whom, with the facts and result behind it."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from sqlalchemy import bindparam, delete, insert, select

from bot.store.database import Database
from bot.store.models import Base, DecisionRow
from bot.store.records import DecisionRecord
from bot.store.sql import changed

log = logging.getLogger(__name__)
_TABLE = Base.metadata.tables[DecisionRow.__tablename__]
_NEWEST_FIRST = (_TABLE.c.created_at.desc(), _TABLE.c.id.desc())


def _record(row: Any) -> DecisionRecord | None:
    """The row as a record; None (logged) for one no version of the record type can read."""
    data = dict(row._mapping)
    data.pop("recommendation", None)  # derived from `result`; kept as a column for queries
    try:
        return DecisionRecord.model_validate(data)
    except ValidationError as exc:
        log.warning("decision record %s is unreadable; skipped (%d problems)", data.get("id"),
                    exc.error_count())
        return None


class Decisions:
    """The `decisions` table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, record: DecisionRecord) -> int:
        """Store the record (its id is ignored) and return the new id."""
        values = record.model_dump(mode="json", exclude={"id", "created_at"})
        values.update(recommendation=record.recommendation,
                      created_at=record.created_at or self.db.clock())
        with self.db.transaction() as connection:
            row = connection.execute(insert(_TABLE).values(values).returning(_TABLE.c.id)).one()
        return int(row.id)

    def for_user(self, user_id: str, team: str | None = None, limit: int = 10) -> list[DecisionRecord]:
        """The user's decisions, newest first."""
        query = select(_TABLE).where(_TABLE.c.user_id == user_id)
        if team is not None:
            query = query.where(_TABLE.c.team == team)
        with self.db.transaction() as connection:
            rows = connection.execute(query.order_by(*_NEWEST_FIRST).limit(limit)).all()
        return [record for record in map(_record, rows) if record is not None]

    def get(self, decision_id: int) -> DecisionRecord | None:
        with self.db.transaction() as connection:
            row = connection.execute(select(_TABLE).where(_TABLE.c.id == bindparam("id")),
                                     {"id": decision_id}).first()
        return None if row is None else _record(row)

    def delete_for(self, user_id: str) -> int:
        """Delete the user's decision records; returns how many went."""
        with self.db.transaction() as connection:
            return changed(connection, delete(_TABLE).where(_TABLE.c.user_id == user_id))
