from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic import command
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, insert, inspect, select
from sqlalchemy.orm import Session

from bot.store import OutboxItem, QueuedMessage, QueuedReply, StaleState, Store, TurnReplies
from bot.store.database import create_store_engine
from bot.store.inbox import ts_sort_key
from bot.store.migrations import alembic_config
from bot.store.models import Base, OutboxRow
from tests.helpers.threads import run_in_threads

KEY = "slack:T1:C1:1712345678.000100"
OTHER = "slack:T1:C2:1712345678.000200"
T0 = datetime(2025, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
INBOX = Base.metadata.tables["inbox"]


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


def reply(text: str, channel: str = "C1") -> QueuedReply:
    return QueuedReply(channel=channel, text=text, thread_ts="1712345678.000100")


def texts(items: list[OutboxItem]) -> list[str]:
    return [item.reply.text for item in items]


# Queueing and reading


def test_queue_replies_keeps_order_per_conversation_and_empty_list_adds_nothing(
    store_url: str, store: Store
) -> None:
    store.outbox.queue(KEY, [reply("a1"), reply("a2")])
    store.outbox.queue(OTHER, [reply("b1")])
    store.outbox.queue(KEY, [reply("a3"), reply("a4"), reply("a5")])
    store.outbox.queue(OTHER, [])
    store.outbox.queue("slack:T1:C3:nobody", [])

    assert texts(store.outbox.unsent(KEY)) == ["a1", "a2", "a3", "a4", "a5"]
    assert texts(store.outbox.unsent(OTHER)) == ["b1"]
    assert store.outbox.unsent("slack:T1:C3:nobody") == []
    assert len(rows(store_url)) == 6
    assert {item.conversation_key for item in store.outbox.unsent(KEY)} == {KEY}


def test_reply_json_round_trips(store: Store) -> None:
    queued = QueuedReply(
        channel="C1",
        thread_ts="1712345678.000100",
        text="Empfehlung: *hybrid* — naïve façade, 日本語, emoji 🚀, quote \" and \\ backslash",
        blocks=[
            {"type": "section", "text": {"type": "mrkdwn", "text": "ünïcødé ✓"}},
            {"type": "context", "elements": [{"type": "plain_text", "text": "x", "emoji": True}]},
            {"type": "rich_text", "nested": {"deeper": {"list": [1, 2.5, None, False, "s", [], {}]}},
             "unfurl_links": False, "empty": ""},
        ],
    )
    update = QueuedReply(channel="C1", text="second", update_ts="1712345678.000200")
    store.outbox.queue(KEY, [queued, update])

    first, second = store.outbox.unsent(KEY)
    assert first.reply == queued
    assert second.reply == update


def test_unsent_replies_are_oldest_first_with_fresh_fields(
    store_url: str, timed: Store, now: list[datetime]
) -> None:
    timed.outbox.queue(KEY, [reply("1"), reply("2")])
    now[0] += HOUR
    timed.outbox.queue(KEY, [reply("3")])

    items = timed.outbox.unsent(KEY)
    assert texts(items) == ["1", "2", "3"]
    assert [item.id for item in items] == sorted(item.id for item in items)
    assert len({item.id for item in items}) == 3
    assert [item.created_at for item in items] == [T0, T0, T0 + HOUR]
    assert all(item.created_at.tzinfo is not None for item in items)
    assert {(item.attempts, item.last_error, item.outcome) for item in items} == {(0, None, None)}


def test_has_unsent_replies(store: Store) -> None:
    assert store.outbox.has_unsent(KEY) is False
    store.outbox.queue(KEY, [])
    assert store.outbox.has_unsent(KEY) is False

    store.outbox.queue(KEY, [reply("1"), reply("2")])
    assert store.outbox.has_unsent(KEY) is True
    assert store.outbox.has_unsent(OTHER) is False

    first, second = store.outbox.unsent(KEY)
    store.outbox.finish(first.id, "sent")
    assert store.outbox.has_unsent(KEY) is True
    store.outbox.finish(second.id, "dropped", "channel_not_found")
    assert store.outbox.has_unsent(KEY) is False


# Finishing and failed attempts


def test_finish_reply_sent_removes_it_from_unsent(
    store_url: str, timed: Store, now: list[datetime]
) -> None:
    timed.outbox.queue(KEY, [reply("1"), reply("2"), reply("3")])
    first, second, third = timed.outbox.unsent(KEY)
    now[0] += HOUR

    timed.outbox.finish(second.id, "sent")

    assert [item.id for item in timed.outbox.unsent(KEY)] == [first.id, third.id]
    row = rows(store_url)[second.id]
    assert (row.outcome, row.last_error, row.finished_at) == ("sent", None, T0 + HOUR)
    assert rows(store_url)[first.id].outcome is None


def test_finish_reply_dropped_records_the_error_truncated(store_url: str, store: Store) -> None:
    store.outbox.queue(KEY, [reply("long"), reply("short"), reply("none")])
    long_item, short_item, none_item = store.outbox.unsent(KEY)
    long_error = "invalid_blocks: " + "é" * 150 + "x" * 200

    store.outbox.finish(long_item.id, "dropped", long_error)
    store.outbox.finish(short_item.id, "dropped", "channel_not_found")
    store.outbox.finish(none_item.id, "dropped")

    assert store.outbox.unsent(KEY) == []
    stored = rows(store_url)
    assert stored[long_item.id].outcome == "dropped"
    assert stored[long_item.id].last_error == long_error[:255]
    assert len(long_error) > 255 and len(stored[long_item.id].last_error or "") == 255
    assert stored[short_item.id].last_error == "channel_not_found"
    assert (stored[none_item.id].outcome, stored[none_item.id].last_error) == ("dropped", None)


def test_finishing_twice_keeps_the_first_outcome(
    store_url: str, timed: Store, now: list[datetime]
) -> None:
    timed.outbox.queue(KEY, [reply("sent first"), reply("dropped first")])
    sent, dropped = timed.outbox.unsent(KEY)
    timed.outbox.finish(sent.id, "sent")
    timed.outbox.finish(dropped.id, "dropped", "msg_too_long")
    now[0] += HOUR

    timed.outbox.finish(sent.id, "dropped", "late refusal")
    timed.outbox.finish(dropped.id, "sent")

    stored = rows(store_url)
    assert (stored[sent.id].outcome, stored[sent.id].last_error, stored[sent.id].finished_at) == (
        "sent", None, T0)
    assert (stored[dropped.id].outcome, stored[dropped.id].last_error,
            stored[dropped.id].finished_at) == ("dropped", "msg_too_long", T0)
    assert timed.outbox.unsent(KEY) == []


def test_reply_attempt_failed_counts_and_keeps_it_waiting(store_url: str, store: Store) -> None:
    store.outbox.queue(KEY, [reply("1"), reply("2")])
    first, second = store.outbox.unsent(KEY)

    store.outbox.attempt_failed(first.id, "ratelimited")
    store.outbox.attempt_failed(first.id, "service_unavailable " + "z" * 400)

    items = store.outbox.unsent(KEY)
    assert [item.id for item in items] == [first.id, second.id]  # still waiting, still first
    retried, untouched = items
    assert retried.attempts == 2
    assert retried.last_error == ("service_unavailable " + "z" * 400)[:255]
    assert retried.outcome is None
    assert (untouched.attempts, untouched.last_error) == (0, None)
    assert store.outbox.has_unsent(KEY) is True
    assert store.outbox.keys_with_unsent() == [KEY]
    assert rows(store_url)[first.id].finished_at is None


# Conversations with replies waiting


def test_keys_with_unsent_replies_orders_by_oldest_waiting_reply(store: Store) -> None:
    assert store.outbox.keys_with_unsent() == []
    store.outbox.queue("a", [reply("a1")])
    store.outbox.queue("b", [reply("b1")])
    store.outbox.queue("c", [reply("c1"), reply("c2")])
    store.outbox.queue("a", [reply("a2")])
    store.outbox.queue("d", [reply("d1")])

    assert store.outbox.keys_with_unsent() == ["a", "b", "c", "d"]

    # a's oldest waiting reply is now a2, queued after c1 but before d1.
    store.outbox.finish(store.outbox.unsent("a")[0].id, "sent")
    assert store.outbox.keys_with_unsent() == ["b", "c", "a", "d"]

    # Every reply of b finished (one way or another): b no longer waits.
    store.outbox.finish(store.outbox.unsent("b")[0].id, "dropped", "is_archived")
    assert store.outbox.keys_with_unsent() == ["c", "a", "d"]

    assert store.outbox.keys_with_unsent(limit=2) == ["c", "a"]
    assert store.outbox.keys_with_unsent(limit=1) == ["c"]

    for item in store.outbox.unsent("c"):
        store.outbox.finish(item.id, "sent")
    assert store.outbox.keys_with_unsent() == ["a", "d"]


def test_keys_with_unsent_replies_default_limit_is_100(store: Store) -> None:
    for n in range(105):
        store.outbox.queue(f"k{n:03d}", [reply(str(n))])
    keys = store.outbox.keys_with_unsent()
    assert keys == [f"k{n:03d}" for n in range(100)]


# Giving up and pruning


def test_abandon_unsent_replies_only_older_than_the_cutoff(
    store_url: str, timed: Store, now: list[datetime]
) -> None:
    timed.outbox.queue(KEY, [reply("old 1"), reply("old 2")])
    timed.outbox.queue(OTHER, [reply("old sent")])
    timed.outbox.finish(timed.outbox.unsent(OTHER)[0].id, "sent")
    now[0] = T0 + 2 * HOUR
    timed.outbox.queue(OTHER, [reply("at the cutoff")])
    now[0] = T0 + 3 * HOUR
    timed.outbox.queue(KEY, [reply("recent")])
    now[0] = T0 + 5 * HOUR

    assert timed.outbox.abandon(older_than=3 * HOUR) == 2

    assert texts(timed.outbox.unsent(KEY)) == ["recent"]
    assert texts(timed.outbox.unsent(OTHER)) == ["at the cutoff"]  # not strictly older
    outcomes = {row.id: (row.outcome, row.finished_at) for row in rows(store_url).values()}
    assert [outcomes[item_id] for item_id in sorted(outcomes)] == [
        ("abandoned", T0 + 5 * HOUR),  # old 1
        ("abandoned", T0 + 5 * HOUR),  # old 2
        ("sent", T0),  # old sent: already finished, left as it was
        (None, None),  # at the cutoff
        (None, None),  # recent
    ]
    assert all(row.payload == {} for row in rows(store_url).values() if row.outcome is not None)
    assert timed.outbox.abandon(older_than=3 * HOUR) == 0
    assert timed.outbox.keys_with_unsent() == [OTHER, KEY]


def test_abandon_compares_instants_whatever_the_clock_zone(
    store_url: str, timed: Store, now: list[datetime]
) -> None:
    timed.outbox.queue(KEY, [reply("queued at T0")])
    plus_five = timezone(timedelta(hours=5))
    now[0] = (T0 + timedelta(minutes=30)).astimezone(plus_five)  # reads 05:30 on the wall

    assert timed.outbox.abandon(older_than=HOUR) == 0  # 30 minutes old, not 5h30
    now[0] += HOUR
    assert timed.outbox.abandon(older_than=HOUR) == 1


def test_prune_outbox_deletes_only_old_finished_replies(
    store_url: str, timed: Store, now: list[datetime]
) -> None:
    timed.outbox.queue(KEY, [reply("sent old"), reply("dropped old"), reply("abandoned old")])
    sent_old, dropped_old, _ = timed.outbox.unsent(KEY)
    names = {sent_old.id: "sent old", dropped_old.id: "dropped old"}
    timed.outbox.finish(sent_old.id, "sent")
    timed.outbox.finish(dropped_old.id, "dropped", "invalid_auth")
    now[0] = T0 + 12 * HOUR
    timed.outbox.queue(OTHER, [reply("waiting old")])
    now[0] = T0 + 24 * HOUR
    assert timed.outbox.abandon(older_than=18 * HOUR) == 1  # "abandoned old" only
    now[0] = T0 + timedelta(days=10)
    timed.outbox.queue(KEY, [reply("sent recently"), reply("waiting new")])
    names.update({item.id: item.reply.text for item in timed.outbox.unsent(KEY)})
    names.update({item.id: item.reply.text for item in timed.outbox.unsent(OTHER)})
    timed.outbox.finish(timed.outbox.unsent(KEY)[0].id, "sent")
    now[0] = T0 + timedelta(days=11)

    assert timed.outbox.prune(older_than=timedelta(days=2)) == 3

    remaining = {names[row.id]: row.outcome for row in rows(store_url).values()}
    assert remaining == {"sent recently": "sent", "waiting old": None, "waiting new": None}
    assert timed.outbox.prune(older_than=timedelta(0)) == 1  # waiting replies are never deleted
    remaining = {names[row.id]: row.outcome for row in rows(store_url).values()}
    assert remaining == {"waiting old": None, "waiting new": None}
    assert texts(timed.outbox.unsent(OTHER)) == ["waiting old"]
    assert texts(timed.outbox.unsent(KEY)) == ["waiting new"]
    now[0] = T0 + timedelta(days=1000)
    assert timed.outbox.prune(older_than=timedelta(0)) == 0
    assert timed.outbox.keys_with_unsent() == [OTHER, KEY]


def test_prune_outbox_keeps_replies_finished_within_the_window(
    store_url: str, timed: Store, now: list[datetime]
) -> None:
    timed.outbox.queue(KEY, [reply("finished at T0"), reply("finished at T0+1d")])
    first, second = timed.outbox.unsent(KEY)
    timed.outbox.finish(first.id, "sent")
    now[0] = T0 + timedelta(days=1)
    timed.outbox.finish(second.id, "dropped", "not_in_channel")
    now[0] = T0 + timedelta(days=2)

    assert timed.outbox.prune(older_than=timedelta(days=2)) == 0  # exactly at the cutoff: kept
    assert timed.outbox.prune(older_than=timedelta(days=1, hours=12)) == 1
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
                replies = [reply(str(batch * per_batch + i), channel=name) for i in range(per_batch)]
                own.outbox.queue(KEY, replies)
        finally:
            own.close()

    assert run_in_threads(worker, [(f"w{n}",) for n in range(4)]) == []

    items = store.outbox.unsent(KEY)
    total = 4 * batches * per_batch
    assert len(items) == total
    assert len({item.id for item in items}) == total
    assert {(item.reply.channel, int(item.reply.text)) for item in items} == {
        (f"w{w}", n) for w in range(4) for n in range(batches * per_batch)
    }
    for w in range(4):  # each writer's replies keep their order
        mine = [int(item.reply.text) for item in items if item.reply.channel == f"w{w}"]
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
    store.conversations.save("k", {"a": 1}, None)
    before = QueuedMessage(text="before the outbox", user="U1", team="T1", channel="C1")
    with engine.begin() as connection:  # a message queued by the version of that schema
        connection.execute(insert(INBOX).values(
            conversation_key="k", message_ts="1.0", sort_key=ts_sort_key("1.0"),
            payload=before.model_dump(mode="json"), created_at=T0))

    store.migrate()

    with engine.connect() as connection:
        head = ScriptDirectory.from_config(config).get_current_head()
        assert MigrationContext.configure(connection).get_current_revision() == head
    inspector = inspect(engine)
    assert "outbox" in inspector.get_table_names()
    assert {index["name"] for index in inspector.get_indexes("outbox")} == {
        "ix_outbox_conversation_id", "ix_outbox_finished_at", "ix_outbox_conversation_message"}
    item = store.inbox.get("k", "1.0")
    assert item is not None and item.message == before and not item.processed
    loaded = store.conversations.load("k")
    assert loaded is not None and loaded.state == {"a": 1}
    store.outbox.queue("k", [reply("queued")])
    assert texts(store.outbox.unsent("k")) == ["queued"]

    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")

    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0002"
    tables = set(inspect(engine).get_table_names())
    assert "outbox" not in tables
    assert {"conversations", "decisions", "processed_events", "inbox", "conversation_leases"} <= tables
    with engine.connect() as connection:
        payload = connection.execute(select(INBOX.c.payload)).scalar_one()
    assert QueuedMessage.model_validate(payload) == before

    store.migrate()  # and back up again: the outbox comes back empty
    assert store.outbox.unsent("k") == []
    assert store.outbox.has_unsent("k") is False


def test_a_turns_replies_are_saved_with_its_state_or_not_at_all(store: Store) -> None:
    turn = TurnReplies(message_ts="2.0", replies=[
        reply("a").model_copy(update={"reply_id": "2.0:0"}),
        reply("b").model_copy(update={"reply_id": "2.0:1"})])
    store.conversations.save(KEY, {"n": 1}, None, replies=turn)
    with pytest.raises(StaleState):  # a conflicting save records nothing either
        store.conversations.save(KEY, {"n": 2}, 7, replies=turn.model_copy(update={"message_ts": "3.0"}))

    items = store.outbox.unsent(KEY)
    assert [(i.message_ts, i.reply.reply_id, i.reply.text) for i in items] == [
        ("2.0", "2.0:0", "a"), ("2.0", "2.0:1", "b")]
    assert store.outbox.recorded(KEY, "2.0") and not store.outbox.recorded(KEY, "3.0")
    store.inbox.enqueue(KEY, "2.0", QueuedMessage(text="x", user="U1", team="T1", channel="C1"))
    store.inbox.enqueue(KEY, "4.0", QueuedMessage(text="y", user="U1", team="T1", channel="C1"))
    _, item = store.inbox.take(KEY, "holder", timedelta(seconds=60))
    assert item is not None and item.message_ts == "2.0" and item.begun

    store.outbox.finish_turn(KEY, "2.0", keep={"2.0:1"})  # the second is still to post
    assert texts(store.outbox.unsent(KEY)) == ["b"]
    store.outbox.finish_turn(KEY, "2.0")
    assert not store.outbox.has_unsent(KEY) and store.outbox.recorded(KEY, "2.0")
    later = store.inbox.mark_and_next(KEY, item.id)
    assert later is not None and later.message_ts == "4.0" and not later.begun


def test_a_working_message_alone_is_not_a_recorded_turn(store: Store) -> None:
    placeholder = QueuedReply(channel="C1", text="working", reply_id="2.0:working", placeholder=True)
    store.outbox.queue(KEY, [placeholder], "2.0")
    assert not store.outbox.recorded(KEY, "2.0")
    store.inbox.enqueue(KEY, "2.0", QueuedMessage(text="x", user="U1", team="T1", channel="C1"))
    _, item = store.inbox.take(KEY, "holder", timedelta(seconds=60))
    assert item is not None and item.begun  # handed out again, it is looked for
