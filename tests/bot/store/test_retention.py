"""What the store keeps of users' words once it no longer needs them: nothing. A processed
message keeps only what de-duplication and `forget` need, a finished reply no rendered text,
and on SQLite deleted content is overwritten."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, insert, inspect, select

from bot.store import QueuedMessage, QueuedReply, Store
from bot.store.database import create_store_engine
from bot.store.inbox import ts_sort_key
from bot.store.migrations import alembic_config
from bot.store.models import Base

KEY = "slack:T1:C1:1712345678.000100"
THEN = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
CONVERSATIONS, INBOX, OUTBOX, PARTICIPANTS = (Base.metadata.tables[name] for name in (
    "conversations", "inbox", "outbox", "conversation_participants"))


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    instance = create_store_engine(store_url)
    yield instance
    instance.dispose()


def message(text: str, user: str = "U1") -> QueuedMessage:
    return QueuedMessage(text=text, user=user, team="T1", channel="C1", thread_ts="1712345678.000100")


def stored(engine: Engine, table: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(select(table).order_by(table.c.id)))


def test_a_processed_message_keeps_no_text(engine: Engine, store: Store) -> None:
    for ts, text in (("1.0", "marked"), ("2.0", "marked with the next"), ("3.0", "pending"),
                     ("4.0", "given up")):
        store.inbox.enqueue(KEY, ts, message(text, user=f"U{ts[0]}"))
    first = store.inbox.next_pending(KEY)
    assert first is not None
    store.inbox.mark_processed(first.id)
    second = store.inbox.get(KEY, "2.0")
    assert second is not None
    following = store.inbox.mark_and_next(KEY, second.id)
    assert following is not None and following.message == message("pending", user="U3")

    assert [row.payload["text"] for row in stored(engine, INBOX)[2:]] == ["pending", "given up"]
    rows = stored(engine, INBOX)
    assert [row.payload for row in rows[:2]] == [{}, {}]
    assert [row.user_id for row in rows] == ["U1", "U2", "U3", "U4"]
    done = store.inbox.get(KEY, "1.0")
    assert done is not None and done.processed and done.outcome == "ok"
    assert done.message.text == "" and done.message.user == "U1"
    assert store.inbox.enqueue(KEY, "1.0", message("redelivered")) is False


def test_a_message_given_up_on_keeps_no_text(store_url: str, engine: Engine, store: Store) -> None:
    late = Store(store_url, clock=lambda: datetime.now(UTC) + timedelta(hours=2))
    store.inbox.enqueue(KEY, "1.0", message("never answered"))

    assert late.inbox.abandon_pending(timedelta(hours=1)) == 1

    (row,) = stored(engine, INBOX)
    assert row.payload == {} and row.user_id == "U1" and row.result == {"outcome": "abandoned"}
    late.close()


def test_a_finished_reply_keeps_no_rendered_text(store_url: str, engine: Engine, store: Store) -> None:
    store.outbox.queue(KEY, [QueuedReply(channel="C1", text=f"Noted: {word}") for word in
                             ("sent", "dropped", "abandoned", "waiting")])
    sent, dropped, *_ = store.outbox.unsent(KEY)
    store.outbox.finish(sent.id, "sent")
    store.outbox.finish(dropped.id, "dropped", "channel_not_found")
    late = Store(store_url, clock=lambda: datetime.now(UTC) + timedelta(hours=2))
    store.outbox.queue(KEY, [QueuedReply(channel="C1", text="Noted: recent")])
    rows = stored(engine, OUTBOX)
    with engine.begin() as connection:  # "abandoned" queued long ago, "waiting" and "recent" not
        connection.execute(OUTBOX.update().where(OUTBOX.c.id == rows[2].id)
                           .values(created_at=THEN))
    assert late.outbox.abandon(timedelta(days=1)) == 1

    assert [(row.outcome, row.payload) for row in stored(engine, OUTBOX)] == [
        ("sent", {}), ("dropped", {}), ("abandoned", {}),
        (None, rows[3].payload), (None, rows[4].payload)]
    assert [item.reply.text for item in store.outbox.unsent(KEY)] == ["Noted: waiting",
                                                                     "Noted: recent"]
    late.close()


def test_sqlite_overwrites_what_it_deletes(store_url: str, store: Store) -> None:
    if store.db.dialect != "sqlite":
        pytest.skip("PostgreSQL has no secure_delete: forget vacuums instead")
    with store.db.transaction() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar_one() == 1


def test_upgrade_to_0007_finds_participants_and_clears_old_text(store_url: str, engine: Engine) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
        connection.execute(insert(CONVERSATIONS).values(
            key=KEY, owner_user="U3", team="T1", channel="C1", state={}, version=2,
            created_at=THEN, updated_at=THEN))
        for ts, user, processed in (("1.0", "U1", True), ("2.0", "U3", True), ("3.0", "U2", False)):
            connection.execute(insert(INBOX).values(
                conversation_key=KEY, message_ts=ts, sort_key=ts_sort_key(ts),
                payload=message(f"words of {user}", user).model_dump(mode="json"), created_at=THEN,
                processed_at=THEN if processed else None))
        for outcome in ("sent", None):
            connection.execute(insert(OUTBOX).values(
                conversation_key=KEY, payload={"channel": "C1", "text": "Noted"}, created_at=THEN,
                attempts=0, outcome=outcome))
    store = Store(store_url)

    store.migrate()

    # The last speaker had been recorded as owner; everyone who spoke is a participant now.
    assert sorted(store.conversations.participants(KEY)) == ["U1", "U2", "U3"]
    assert [(row.user_id, row.payload.get("text")) for row in stored(engine, INBOX)] == [
        ("U1", None), ("U3", None), ("U2", "words of U2")]
    assert [row.payload for row in stored(engine, OUTBOX)] == [{}, {"channel": "C1", "text": "Noted"}]
    pending = store.inbox.next_pending(KEY)
    assert pending is not None and pending.message == message("words of U2", "U2")

    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    assert "conversation_participants" not in inspect(engine).get_table_names()
    assert "user_id" not in {column["name"] for column in inspect(engine).get_columns("inbox")}
    store.close()


def test_sqlite_files_keep_no_copy_of_a_forgotten_message(store: Store) -> None:
    if store.db.dialect != "sqlite":
        pytest.skip("the files of a PostgreSQL server are not ours to read")
    database = Path(str(store.db.engine.url.database))
    files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]

    def on_disk() -> bool:
        return any(b"qqzlongword" in path.read_bytes() for path in files if path.exists())

    # Longer than a page: clearing it frees whole pages, which must not keep it.
    store.inbox.enqueue(KEY, "1.0", message("for context: " + "qqzlongword notes " * 600, "U3"))
    store.inbox.enqueue(KEY, "2.0", message("approved vendors only", "U1"))
    item = store.inbox.next_pending(KEY)
    assert item is not None
    store.inbox.mark_processed(item.id)
    assert on_disk()  # the write-ahead log still holds the page as it was

    store.forget("U3", lambda state, user: state)

    assert not on_disk()
    assert database.stat().st_size > 0 and Path(f"{database}-wal").stat().st_size == 0


def test_forget_on_postgresql_vacuums_what_it_deleted_from(store: Store, store_url: str,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    if store.db.dialect != "postgresql":
        pytest.skip("SQLite overwrites deleted content and truncates its log instead")
    store.inbox.enqueue(KEY, "1.0", message("approved vendors only", "U3"))

    store.forget("U3", lambda state, user: state)

    assert not [r for r in caplog.records if "could not vacuum" in r.getMessage()]
    engine = create_store_engine(store_url)
    with engine.connect() as connection:
        vacuumed = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'inbox' "
            "AND schemaname = current_schema() AND vacuum_count > 0").scalar_one()
    engine.dispose()
    assert vacuumed == 1
