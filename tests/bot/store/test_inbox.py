from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.store import QueuedMessage, Store
from bot.store.database import create_store_engine
from bot.store.inbox import ts_sort_key
from bot.store.migrations import alembic_config
from bot.store.models import Base
from tests.helpers.clock import FakeClock

KEY = "slack:T1:C1:1712345678.000100"
MINUTE = timedelta(minutes=1)


def message(text: str = "") -> QueuedMessage:
    return QueuedMessage(text=text, user="U1", team="T1", channel="C1", thread_ts="1712345678.000100")


@pytest.mark.parametrize(
    ("lower", "higher"),
    [("9.0", "10.0"), ("9", "9.000001"), ("1712345678.000099", "1712345678.000100"), ("0.5", "1")],
)
def test_ts_sort_key_orders_numerically(lower: str, higher: str) -> None:
    assert ts_sort_key(lower) < ts_sort_key(higher)
    assert ts_sort_key("9.5") == ts_sort_key("9.500000") == "0000000000000009.500000000"


@pytest.mark.parametrize("bad", ["", "abc", "1.2.3", "-1.0", "1.", "1e5", " 1.0"])
def test_ts_sort_key_rejects_what_is_not_a_ts(bad: str) -> None:
    with pytest.raises(ValueError, match="not a Slack message ts"):
        ts_sort_key(bad)


def test_enqueue_duplicate_returns_false(store: Store) -> None:
    assert store.inbox.enqueue(KEY, "1712345678.000100", message("hi")) is True
    assert store.inbox.enqueue(KEY, "1712345678.000100", message("redelivered")) is False
    assert store.inbox.enqueue("slack:T1:C1:other", "1712345678.000100", message("hi")) is True

    item = store.inbox.get(KEY, "1712345678.000100")
    assert item is not None
    assert (item.message, item.processed, item.outcome) == (message("hi"), False, None)
    assert store.inbox.get(KEY, "1.0") is None


def test_next_pending_follows_ts_numerically(store: Store) -> None:
    for ts in ["10.0", "100.0", "9.0", "9.5", "1712345678.000100", "1712345678.000099"]:
        store.inbox.enqueue(KEY, ts, message(ts))
    store.inbox.enqueue("other", "1.0", message())

    seen = []
    while (item := store.inbox.next_pending(KEY)) is not None:
        seen.append(item.message_ts)
        assert item.message.text == item.message_ts
        store.inbox.mark_processed(item.id)

    assert seen == ["9.0", "9.5", "10.0", "100.0", "1712345678.000099", "1712345678.000100"]
    assert store.inbox.next_pending("nobody") is None


def test_mark_processed_keeps_outcome_and_first_wins(store: Store) -> None:
    store.inbox.enqueue(KEY, "1.0", message())
    store.inbox.enqueue(KEY, "2.0", message())
    first = store.inbox.next_pending(KEY)
    assert first is not None

    store.inbox.mark_processed(first.id, "queued")
    store.inbox.mark_processed(first.id, "again")
    second = store.inbox.next_pending(KEY)
    assert second is not None
    store.inbox.mark_processed(second.id)

    done = store.inbox.get(KEY, "1.0")
    assert done is not None and done.processed
    assert done.outcome == "queued"
    assert done.processed_at is not None and done.processed_at.tzinfo is not None
    default = store.inbox.get(KEY, "2.0")
    assert default is not None and default.processed and default.outcome == "ok"


def test_lease_is_exclusive_and_can_be_taken_after_expiry(store_url: str, store: Store) -> None:
    clock = FakeClock(datetime(2025, 1, 1, tzinfo=UTC))
    a, b = Store(store_url, clock=clock), Store(store_url, clock=clock)

    assert a.inbox.acquire_lease(KEY, "A", MINUTE) is True
    assert b.inbox.acquire_lease(KEY, "B", MINUTE) is False
    assert a.inbox.acquire_lease(KEY, "A", MINUTE) is True  # already ours: re-taken and extended
    assert b.inbox.acquire_lease("another conversation", "B", MINUTE) is True

    clock.now += MINUTE - timedelta(seconds=1)
    assert b.inbox.acquire_lease(KEY, "B", MINUTE) is False
    clock.now += timedelta(seconds=2)
    assert b.inbox.acquire_lease(KEY, "B", MINUTE) is True
    assert a.inbox.renew_lease(KEY, "A", MINUTE) is False
    assert a.inbox.acquire_lease(KEY, "A", MINUTE) is False
    a.close()
    b.close()


def test_renew_and_release_only_by_the_holder(store_url: str, store: Store) -> None:
    clock = FakeClock(datetime(2025, 1, 1, tzinfo=UTC))
    timed = Store(store_url, clock=clock)

    inbox = timed.inbox
    assert inbox.acquire_lease(KEY, "A", MINUTE) is True
    clock.now += 2 * MINUTE / 3
    assert inbox.renew_lease(KEY, "A", MINUTE) is True
    clock.now += 2 * MINUTE / 3
    assert inbox.acquire_lease(KEY, "B", MINUTE) is False  # renewed, so not expired yet

    inbox.release_lease(KEY, "B")
    assert inbox.acquire_lease(KEY, "B", MINUTE) is False
    inbox.release_lease(KEY, "A")
    assert inbox.renew_lease(KEY, "A", MINUTE) is False
    assert inbox.acquire_lease(KEY, "B", MINUTE) is True
    timed.close()


def test_prune_inbox_deletes_only_old_processed_items(store_url: str, store: Store) -> None:
    clock = FakeClock(datetime(2025, 1, 1, tzinfo=UTC))
    timed = Store(store_url, clock=clock)
    inbox = timed.inbox
    for ts in ["1.0", "2.0", "3.0"]:
        inbox.enqueue(KEY, ts, message())
    for _ in range(2):
        item = inbox.next_pending(KEY)
        assert item is not None
        inbox.mark_processed(item.id)
    inbox.acquire_lease("crashed", "gone", MINUTE)
    clock.now += timedelta(days=2)
    inbox.enqueue(KEY, "4.0", message())
    item = inbox.next_pending(KEY)
    assert item is not None and item.message_ts == "3.0"
    inbox.mark_processed(item.id)  # processed recently: kept

    assert inbox.prune(timedelta(days=1)) == 2
    assert inbox.get(KEY, "1.0") is None
    assert inbox.get(KEY, "3.0") is not None
    pending = inbox.next_pending(KEY)
    assert pending is not None and pending.message_ts == "4.0"
    assert inbox.acquire_lease("crashed", "new", MINUTE) is True
    assert inbox.prune(timedelta(days=1)) == 0
    timed.close()


def test_upgrade_from_0001_keeps_data_and_downgrade_drops_inbox(store_url: str) -> None:
    engine = create_store_engine(store_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    store = Store(store_url)
    store.conversations.save("k", {"a": 1}, None)

    store.migrate()

    loaded = store.conversations.load("k")
    assert loaded is not None and loaded.state == {"a": 1}
    assert store.inbox.enqueue("k", "1.0", message()) is True
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    tables = set(inspect(engine).get_table_names())
    assert {"conversations", "decisions", "processed_events"} <= tables
    assert not {"inbox", "conversation_leases"} & tables
    store.close()
    engine.dispose()


def test_migrations_match_the_models(store_url: str, store: Store) -> None:
    engine = create_store_engine(store_url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_exists_says_whether_a_conversation_is_stored_without_reading_it(store: Store) -> None:
    assert store.conversations.exists(KEY) is False
    store.conversations.save(KEY, {"big": "x" * 10_000}, None)

    assert store.conversations.exists(KEY) is True and store.conversations.exists("slack:T1:C9:1.0") is False
