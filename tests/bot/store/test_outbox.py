from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from alembic import command
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from bot.store import OutboxItem, Store, create_store_engine
from bot.store.migrations import alembic_config
from bot.store.models import OutboxRow
from tests.helpers.threads import run_in_threads

KEY = "slack:T1:C1:1712345678.000100"
OTHER = "slack:T1:C2:1712345678.000200"
T0 = datetime(2025, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def now() -> list[datetime]:
    """The controlled clock of `timed`: set `now[0]` to move it."""
    return [T0]


@pytest.fixture
def timed(store_url: str, store: Store, now: list[datetime]) -> Iterator[Store]:
    """A second store on the migrated database of `store`, whose clock reads `now[0]`."""
    instance = Store(store_url, clock=lambda: now[0])
    yield instance
    instance.close()


def rows(store_url: str) -> dict[int, OutboxRow]:
    """Every outbox row, finished or not, read straight from the table."""
    engine = create_store_engine(store_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            return {row.id: row for row in session.scalars(select(OutboxRow))}
    finally:
        engine.dispose()


def texts(items: list[OutboxItem]) -> list[Any]:
    return [item.payload["text"] for item in items]


# Queueing and reading


def test_queue_replies_keeps_order_per_conversation_and_empty_list_adds_nothing(
    store_url: str, store: Store
) -> None:
    store.queue_replies(KEY, [{"text": "a1"}, {"text": "a2"}])
    store.queue_replies(OTHER, [{"text": "b1"}])
    store.queue_replies(KEY, [{"text": "a3"}, {"text": "a4"}, {"text": "a5"}])
    store.queue_replies(OTHER, [])
    store.queue_replies("slack:T1:C3:nobody", [])

    assert texts(store.unsent_replies(KEY)) == ["a1", "a2", "a3", "a4", "a5"]
    assert texts(store.unsent_replies(OTHER)) == ["b1"]
    assert store.unsent_replies("slack:T1:C3:nobody") == []
    assert len(rows(store_url)) == 6
    assert {item.conversation_key for item in store.unsent_replies(KEY)} == {KEY}


def test_payload_json_round_trips(store: Store) -> None:
    payload: dict[str, Any] = {
        "channel": "C1",
        "thread_ts": "1712345678.000100",
        "text": "Empfehlung: *hybrid* — naïve façade, 日本語, emoji 🚀, quote \" and \\ backslash",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "ünïcødé ✓"}},
            {"type": "context", "elements": [{"type": "plain_text", "text": "x", "emoji": True}]},
        ],
        "metadata": {"nested": {"deeper": {"list": [1, 2.5, None, False, "s", [], {}]}}},
        "unfurl_links": False,
        "empty": "",
    }
    store.queue_replies(KEY, [payload, {"text": "second"}])

    first, second = store.unsent_replies(KEY)
    assert first.payload == payload
    assert second.payload == {"text": "second"}


def test_unsent_replies_are_oldest_first_with_fresh_fields(
    store_url: str, timed: Store, now: list[datetime]
) -> None:
    timed.queue_replies(KEY, [{"text": "1"}, {"text": "2"}])
    now[0] += HOUR
    timed.queue_replies(KEY, [{"text": "3"}])

    items = timed.unsent_replies(KEY)
    assert texts(items) == ["1", "2", "3"]
    assert [item.id for item in items] == sorted(item.id for item in items)
    assert len({item.id for item in items}) == 3
    assert [item.created_at for item in items] == [T0, T0, T0 + HOUR]
    assert all(item.created_at.tzinfo is not None for item in items)
    assert {(item.attempts, item.last_error, item.outcome) for item in items} == {(0, None, None)}


def test_has_unsent_replies(store: Store) -> None:
    assert store.has_unsent_replies(KEY) is False
    store.queue_replies(KEY, [])
    assert store.has_unsent_replies(KEY) is False

    store.queue_replies(KEY, [{"text": "1"}, {"text": "2"}])
    assert store.has_unsent_replies(KEY) is True
    assert store.has_unsent_replies(OTHER) is False

    first, second = store.unsent_replies(KEY)
    store.finish_reply(first.id, "sent")
    assert store.has_unsent_replies(KEY) is True
    store.finish_reply(second.id, "dropped", "channel_not_found")
    assert store.has_unsent_replies(KEY) is False


# Finishing and failed attempts


def test_finish_reply_sent_removes_it_from_unsent(
    store_url: str, timed: Store, now: list[datetime]
) -> None:
    timed.queue_replies(KEY, [{"text": "1"}, {"text": "2"}, {"text": "3"}])
    first, second, third = timed.unsent_replies(KEY)
    now[0] += HOUR

    timed.finish_reply(second.id, "sent")

    assert [item.id for item in timed.unsent_replies(KEY)] == [first.id, third.id]
    row = rows(store_url)[second.id]
    assert (row.outcome, row.last_error, row.finished_at) == ("sent", None, T0 + HOUR)
    assert rows(store_url)[first.id].outcome is None


def test_finish_reply_dropped_records_the_error_truncated(store_url: str, store: Store) -> None:
    store.queue_replies(KEY, [{"text": "long"}, {"text": "short"}, {"text": "none"}])
    long_item, short_item, none_item = store.unsent_replies(KEY)
    long_error = "invalid_blocks: " + "é" * 150 + "x" * 200

    store.finish_reply(long_item.id, "dropped", long_error)
    store.finish_reply(short_item.id, "dropped", "channel_not_found")
    store.finish_reply(none_item.id, "dropped")

    assert store.unsent_replies(KEY) == []
    stored = rows(store_url)
    assert stored[long_item.id].outcome == "dropped"
    assert stored[long_item.id].last_error == long_error[:255]
    assert len(long_error) > 255 and len(stored[long_item.id].last_error or "") == 255
    assert stored[short_item.id].last_error == "channel_not_found"
    assert (stored[none_item.id].outcome, stored[none_item.id].last_error) == ("dropped", None)


def test_finishing_twice_keeps_the_first_outcome(
    store_url: str, timed: Store, now: list[datetime]
) -> None:
    timed.queue_replies(KEY, [{"text": "sent first"}, {"text": "dropped first"}])
    sent, dropped = timed.unsent_replies(KEY)
    timed.finish_reply(sent.id, "sent")
    timed.finish_reply(dropped.id, "dropped", "msg_too_long")
    now[0] += HOUR

    timed.finish_reply(sent.id, "dropped", "late refusal")
    timed.finish_reply(dropped.id, "sent")

    stored = rows(store_url)
    assert (stored[sent.id].outcome, stored[sent.id].last_error, stored[sent.id].finished_at) == (
        "sent", None, T0)
    assert (stored[dropped.id].outcome, stored[dropped.id].last_error,
            stored[dropped.id].finished_at) == ("dropped", "msg_too_long", T0)
    assert timed.unsent_replies(KEY) == []


def test_reply_attempt_failed_counts_and_keeps_it_waiting(store_url: str, store: Store) -> None:
    store.queue_replies(KEY, [{"text": "1"}, {"text": "2"}])
    first, second = store.unsent_replies(KEY)

    store.reply_attempt_failed(first.id, "ratelimited")
    store.reply_attempt_failed(first.id, "service_unavailable " + "z" * 400)

    items = store.unsent_replies(KEY)
    assert [item.id for item in items] == [first.id, second.id]  # still waiting, still first
    retried, untouched = items
    assert retried.attempts == 2
    assert retried.last_error == ("service_unavailable " + "z" * 400)[:255]
    assert retried.outcome is None
    assert (untouched.attempts, untouched.last_error) == (0, None)
    assert store.has_unsent_replies(KEY) is True
    assert store.keys_with_unsent_replies() == [KEY]
    assert rows(store_url)[first.id].finished_at is None


# Conversations with replies waiting


def test_keys_with_unsent_replies_orders_by_oldest_waiting_reply(store: Store) -> None:
    assert store.keys_with_unsent_replies() == []
    store.queue_replies("a", [{"text": "a1"}])
    store.queue_replies("b", [{"text": "b1"}])
    store.queue_replies("c", [{"text": "c1"}, {"text": "c2"}])
    store.queue_replies("a", [{"text": "a2"}])
    store.queue_replies("d", [{"text": "d1"}])

    assert store.keys_with_unsent_replies() == ["a", "b", "c", "d"]

    # a's oldest waiting reply is now a2, queued after c1 but before d1.
    store.finish_reply(store.unsent_replies("a")[0].id, "sent")
    assert store.keys_with_unsent_replies() == ["b", "c", "a", "d"]

    # Every reply of b finished (one way or another): b no longer waits.
    store.finish_reply(store.unsent_replies("b")[0].id, "dropped", "is_archived")
    assert store.keys_with_unsent_replies() == ["c", "a", "d"]

    assert store.keys_with_unsent_replies(limit=2) == ["c", "a"]
    assert store.keys_with_unsent_replies(limit=1) == ["c"]

    for item in store.unsent_replies("c"):
        store.finish_reply(item.id, "sent")
    assert store.keys_with_unsent_replies() == ["a", "d"]


def test_keys_with_unsent_replies_default_limit_is_100(store: Store) -> None:
    for n in range(105):
        store.queue_replies(f"k{n:03d}", [{"n": n}])
    keys = store.keys_with_unsent_replies()
    assert keys == [f"k{n:03d}" for n in range(100)]


# Giving up and pruning


def test_abandon_unsent_replies_only_older_than_the_cutoff(
    store_url: str, timed: Store, now: list[datetime]
) -> None:
    timed.queue_replies(KEY, [{"text": "old 1"}, {"text": "old 2"}])
    timed.queue_replies(OTHER, [{"text": "old sent"}])
    timed.finish_reply(timed.unsent_replies(OTHER)[0].id, "sent")
    now[0] = T0 + 2 * HOUR
    timed.queue_replies(OTHER, [{"text": "at the cutoff"}])
    now[0] = T0 + 3 * HOUR
    timed.queue_replies(KEY, [{"text": "recent"}])
    now[0] = T0 + 5 * HOUR

    assert timed.abandon_unsent_replies(older_than=3 * HOUR) == 2

    assert texts(timed.unsent_replies(KEY)) == ["recent"]
    assert texts(timed.unsent_replies(OTHER)) == ["at the cutoff"]  # not strictly older
    outcomes = {row.payload["text"]: (row.outcome, row.finished_at) for row in rows(store_url).values()}
    assert outcomes == {
        "old 1": ("abandoned", T0 + 5 * HOUR),
        "old 2": ("abandoned", T0 + 5 * HOUR),
        "old sent": ("sent", T0),  # already finished: left as it was
        "at the cutoff": (None, None),
        "recent": (None, None),
    }
    assert timed.abandon_unsent_replies(older_than=3 * HOUR) == 0
    assert timed.keys_with_unsent_replies() == [OTHER, KEY]


def test_abandon_compares_instants_whatever_the_clock_zone(
    store_url: str, timed: Store, now: list[datetime]
) -> None:
    timed.queue_replies(KEY, [{"text": "queued at T0"}])
    plus_five = timezone(timedelta(hours=5))
    now[0] = (T0 + timedelta(minutes=30)).astimezone(plus_five)  # reads 05:30 on the wall

    assert timed.abandon_unsent_replies(older_than=HOUR) == 0  # 30 minutes old, not 5h30
    now[0] += HOUR
    assert timed.abandon_unsent_replies(older_than=HOUR) == 1


def test_prune_outbox_deletes_only_old_finished_replies(
    store_url: str, timed: Store, now: list[datetime]
) -> None:
    timed.queue_replies(KEY, [{"text": "sent old"}, {"text": "dropped old"}, {"text": "abandoned old"}])
    sent_old, dropped_old, _ = timed.unsent_replies(KEY)
    timed.finish_reply(sent_old.id, "sent")
    timed.finish_reply(dropped_old.id, "dropped", "invalid_auth")
    now[0] = T0 + 12 * HOUR
    timed.queue_replies(OTHER, [{"text": "waiting old"}])
    now[0] = T0 + 24 * HOUR
    assert timed.abandon_unsent_replies(older_than=18 * HOUR) == 1  # "abandoned old" only
    now[0] = T0 + timedelta(days=10)
    timed.queue_replies(KEY, [{"text": "sent recently"}, {"text": "waiting new"}])
    timed.finish_reply(timed.unsent_replies(KEY)[0].id, "sent")
    now[0] = T0 + timedelta(days=11)

    assert timed.prune_outbox(older_than=timedelta(days=2)) == 3

    remaining = {row.payload["text"]: row.outcome for row in rows(store_url).values()}
    assert remaining == {"sent recently": "sent", "waiting old": None, "waiting new": None}
    assert timed.prune_outbox(older_than=timedelta(0)) == 1  # waiting replies are never deleted
    remaining = {row.payload["text"]: row.outcome for row in rows(store_url).values()}
    assert remaining == {"waiting old": None, "waiting new": None}
    assert texts(timed.unsent_replies(OTHER)) == ["waiting old"]
    assert texts(timed.unsent_replies(KEY)) == ["waiting new"]
    now[0] = T0 + timedelta(days=1000)
    assert timed.prune_outbox(older_than=timedelta(0)) == 0
    assert timed.keys_with_unsent_replies() == [OTHER, KEY]


def test_prune_outbox_keeps_replies_finished_within_the_window(
    store_url: str, timed: Store, now: list[datetime]
) -> None:
    timed.queue_replies(KEY, [{"text": "finished at T0"}, {"text": "finished at T0+1d"}])
    first, second = timed.unsent_replies(KEY)
    timed.finish_reply(first.id, "sent")
    now[0] = T0 + timedelta(days=1)
    timed.finish_reply(second.id, "dropped", "not_in_channel")
    now[0] = T0 + timedelta(days=2)

    assert timed.prune_outbox(older_than=timedelta(days=2)) == 0  # exactly at the cutoff: kept
    assert timed.prune_outbox(older_than=timedelta(days=1, hours=12)) == 1
    assert [row.id for row in rows(store_url).values()] == [second.id]


# Concurrency


def test_two_stores_queueing_from_threads_lose_nothing(store_url: str, store: Store) -> None:
    batches, per_batch = 15, 3
    start = threading.Barrier(4)

    def worker(name: str) -> None:
        own = Store(store_url)
        try:
            start.wait()
            for batch in range(batches):
                replies = [{"worker": name, "n": batch * per_batch + i} for i in range(per_batch)]
                own.queue_replies(KEY, replies)
        finally:
            own.close()

    assert run_in_threads(worker, [(f"w{n}",) for n in range(4)]) == []

    items = store.unsent_replies(KEY)
    total = 4 * batches * per_batch
    assert len(items) == total
    assert len({item.id for item in items}) == total
    assert {(item.payload["worker"], item.payload["n"]) for item in items} == {
        (f"w{w}", n) for w in range(4) for n in range(batches * per_batch)
    }
    for w in range(4):  # each writer's replies keep their order
        mine = [item.payload["n"] for item in items if item.payload["worker"] == f"w{w}"]
        assert mine == list(range(batches * per_batch))
    assert len(rows(store_url)) == total


# Migration


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    instance = create_store_engine(store_url)
    yield instance
    instance.dispose()


@pytest.fixture
def unmigrated(store_url: str) -> Iterator[Store]:
    instance = Store(store_url)
    yield instance
    instance.close()


def test_upgrade_from_0002_creates_outbox_and_downgrade_drops_it(engine: Engine, unmigrated: Store) -> None:
    store = unmigrated
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    assert "outbox" not in inspect(engine).get_table_names()
    store.save("k", {"a": 1}, None)
    assert store.enqueue("k", "1.0", {"text": "before the outbox"}) is True

    store.migrate()

    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0003"
    inspector = inspect(engine)
    assert "outbox" in inspector.get_table_names()
    assert {index["name"] for index in inspector.get_indexes("outbox")} == {
        "ix_outbox_conversation_id", "ix_outbox_finished_at"}
    item = store.get_item("k", "1.0")
    assert item is not None and item.payload == {"text": "before the outbox"} and not item.processed
    loaded = store.load("k")
    assert loaded is not None and loaded.state == {"a": 1}
    store.queue_replies("k", [{"text": "queued"}])
    assert texts(store.unsent_replies("k")) == ["queued"]

    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")

    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0002"
    tables = set(inspect(engine).get_table_names())
    assert "outbox" not in tables
    assert {"conversations", "decisions", "processed_events", "inbox", "conversation_leases"} <= tables
    item = store.get_item("k", "1.0")
    assert item is not None and item.payload == {"text": "before the outbox"}

    store.migrate()  # and back up again: the outbox comes back empty
    assert store.unsent_replies("k") == []
    assert store.has_unsent_replies("k") is False
