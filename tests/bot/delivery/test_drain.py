from __future__ import annotations

import itertools
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery import Drainer, Handler
from bot.store import InboxItem, QueuedMessage, QueuedReply, Store
from tests.helpers.threads import run_in_threads

KEY = "slack:T1:C1:1712345678.000100"


class Boom(Exception):
    pass


def message(text: str = "") -> QueuedMessage:
    return QueuedMessage(text=text, user="U1", team="T1", channel="C1", thread_ts="1712345678.000100")


def reply(text: str) -> QueuedReply:
    return QueuedReply(channel="C1", text=text, thread_ts="1712345678.000100")


def recorder(seen: list[str]) -> Handler:
    def handle(item: InboxItem) -> str:
        seen.append(item.message_ts)
        return f"handled {item.message.text}"

    return handle


def test_drain_processes_in_ts_order_when_enqueued_out_of_order(store: Store) -> None:
    for ts in ["10.0", "9.0", "100.0", "9.5"]:
        store.inbox.enqueue(KEY, ts, message(ts))
    store.inbox.enqueue("other", "1.0", message())
    seen: list[str] = []
    drainer = Drainer(store.inbox)

    assert drainer.drain(KEY, "replica-1", recorder(seen), until_ts="9.0") == 4

    assert seen == ["9.0", "9.5", "10.0", "100.0"]
    item = store.inbox.get(KEY, "100.0")
    assert item is not None and item.outcome == "handled 100.0"
    assert store.inbox.acquire_lease(KEY, "someone else", timedelta(seconds=60)) is True  # released
    assert drainer.drain(KEY, "replica-1", recorder(seen), wait=timedelta(0)) == 0  # lease is taken
    other = store.inbox.next_pending("other")
    assert other is not None and other.message_ts == "1.0"


def test_redelivered_message_is_not_processed_twice(store: Store) -> None:
    seen: list[str] = []
    drainer = Drainer(store.inbox)
    assert store.inbox.enqueue(KEY, "1.0", message()) is True
    drainer.drain(KEY, "r", recorder(seen), until_ts="1.0")
    assert store.inbox.enqueue(KEY, "1.0", message()) is False
    assert drainer.drain(KEY, "r", recorder(seen), until_ts="1.0") == 0
    assert seen == ["1.0"]


@pytest.mark.parametrize("holders", [("replica-a", "replica-b"), ("replica", "replica")])
def test_two_threads_process_every_message_once_in_ts_order(
    store_url: str, store: Store, holders: tuple[str, str]
) -> None:
    seen: list[str] = []
    lock = threading.Lock()
    running = [0]
    overlapped: list[str] = []
    numbers = itertools.count(1)
    enqueue_lock = threading.Lock()
    processed_by: dict[str, int] = {}

    def handle(item: InboxItem) -> str:
        with lock:
            running[0] += 1
            if running[0] > 1:
                overlapped.append(item.message_ts)
        time.sleep(0.002)
        with lock:
            seen.append(item.message_ts)
            running[0] -= 1
        return f"n={item.message.text}"

    def worker(name: str, holder: str) -> None:
        own = Store(store_url)
        drainer = Drainer(own.inbox)
        done = 0
        try:
            for _ in range(20):
                # Enqueue in ts order across both threads; "9.x" < "10.x" tests numeric order.
                with enqueue_lock:
                    n = next(numbers)
                    ts = f"{n}.000100"
                    assert own.inbox.enqueue(KEY, ts, message(str(n))) is True
                done += drainer.drain(KEY, holder, handle, until_ts=ts)
                item = own.inbox.get(KEY, ts)
                assert item is not None and item.processed
        finally:
            processed_by[name] = done
            own.close()

    assert run_in_threads(worker, [(f"t{i}", holder) for i, holder in enumerate(holders)]) == []
    assert overlapped == []
    assert seen == [f"{n}.000100" for n in range(1, 41)]
    assert sum(processed_by.values()) == 40
    assert store.inbox.next_pending(KEY) is None
    item = store.inbox.get(KEY, "33.000100")
    assert item is not None and item.outcome == "n=33"


def test_handle_raising_leaves_item_pending_and_releases_lease(store: Store) -> None:
    store.inbox.enqueue(KEY, "1.0", message())
    store.inbox.enqueue(KEY, "2.0", message())
    seen: list[str] = []
    drainer = Drainer(store.inbox)

    def fail_on_two(item: InboxItem) -> str:
        if item.message_ts == "2.0":
            raise Boom(item.message_ts)
        seen.append(item.message_ts)
        return "ok"

    with pytest.raises(Boom):
        drainer.drain(KEY, "r", fail_on_two)

    failed = store.inbox.get(KEY, "2.0")
    assert failed is not None and not failed.processed
    assert seen == ["1.0"]
    assert store.inbox.acquire_lease(KEY, "another replica", timedelta(seconds=60)) is True
    store.inbox.release_lease(KEY, "another replica")
    assert drainer.drain(KEY, "r", recorder(seen)) == 1
    assert seen == ["1.0", "2.0"]


def test_drain_gives_up_after_wait_while_someone_else_holds_the_lease(store: Store) -> None:
    store.inbox.enqueue(KEY, "1.0", message())
    store.inbox.acquire_lease(KEY, "busy replica", timedelta(seconds=60))
    seen: list[str] = []

    started = time.monotonic()
    assert Drainer(store.inbox).drain(KEY, "r", recorder(seen), wait=timedelta(seconds=0.3),
                                      until_ts="1.0") == 0

    assert 0.3 <= time.monotonic() - started < 5
    assert seen == []
    pending = store.inbox.next_pending(KEY)
    assert pending is not None and pending.message_ts == "1.0"


def test_drain_returns_once_its_message_was_processed_by_someone_else(store_url: str, store: Store) -> None:
    store.inbox.enqueue(KEY, "1.0", message())
    store.inbox.acquire_lease(KEY, "busy replica", timedelta(seconds=60))
    other = Store(store_url)
    results: list[int] = []
    waiter = threading.Thread(
        target=lambda: results.append(Drainer(other.inbox).drain(KEY, "r", recorder([]), until_ts="1.0"))
    )

    started = time.monotonic()
    waiter.start()
    time.sleep(0.2)
    item = store.inbox.next_pending(KEY)
    assert item is not None
    store.inbox.mark_processed(item.id, "by busy replica")
    waiter.join(timeout=10)

    assert results == [0]
    assert time.monotonic() - started < 5  # well before the 30 s wait ran out
    other.close()


def test_drain_takes_over_an_expired_lease(store_url: str, store: Store) -> None:
    now = [datetime(2025, 1, 1, tzinfo=UTC)]
    timed = Store(store_url, clock=lambda: now[0])
    timed.inbox.enqueue(KEY, "1.0", message())
    timed.inbox.acquire_lease(KEY, "crashed replica", timedelta(seconds=60))
    now[0] += timedelta(seconds=61)
    seen: list[str] = []

    assert Drainer(timed.inbox).drain(KEY, "r", recorder(seen), wait=timedelta(0)) == 1
    assert seen == ["1.0"]
    timed.close()


def test_drain_rechecks_after_release(store_url: str, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A message queued after our last look but before our release (its drain gave up) is not stranded."""
    store.inbox.enqueue(KEY, "1.0", message())
    other = Store(store_url)
    release = store.inbox.release_lease
    late = iter(["2.0"])

    def release_after_a_late_enqueue(key: str, holder: str) -> bool:
        for ts in late:
            other.inbox.enqueue(key, ts, message())
        return release(key, holder)

    monkeypatch.setattr(store.inbox, "release_lease", release_after_a_late_enqueue)
    seen: list[str] = []

    assert Drainer(store.inbox).drain(KEY, "r", recorder(seen)) == 2
    assert seen == ["1.0", "2.0"]
    other.close()


def test_drain_rejects_a_non_positive_ttl(store: Store) -> None:
    with pytest.raises(ValueError, match="ttl"):
        Drainer(store.inbox).drain(KEY, "r", recorder([]), ttl=timedelta(0))


def test_a_waiting_drain_in_the_same_process_takes_over_at_release_not_at_its_next_poll(
        store: Store) -> None:
    store.inbox.enqueue(KEY, "1.0", message())
    store.inbox.enqueue(KEY, "2.0", message())
    entered, release = threading.Event(), threading.Event()
    seen: list[str] = []
    drainer = Drainer(store.inbox)  # the process's one drainer, shared by both drains

    def slow(item: InboxItem) -> str:
        seen.append(item.message_ts)
        if item.message_ts == "1.0":
            entered.set()
            release.wait(30)
        return "ok"

    def first() -> None:
        drainer.drain(KEY, "a", slow, until_ts="1.0")

    holder = threading.Thread(target=first)
    holder.start()
    assert entered.wait(30)
    finished: list[float] = []

    def second() -> None:
        # With an hour between polls, only the release can wake this drain in time.
        drainer.drain(KEY, "b", recorder(seen), until_ts="2.0", poll=3600, wait=timedelta(hours=2))
        finished.append(time.monotonic())

    waiter = threading.Thread(target=second, daemon=True)
    waiter.start()
    time.sleep(0.2)  # the second drain is now waiting on the lease
    released_at = time.monotonic()
    release.set()
    holder.join(30)
    waiter.join(60)
    assert finished and finished[0] - released_at < 30
    assert seen == ["1.0", "2.0"]


def test_stranded_lists_conversations_left_pending_without_a_live_lease(store_url: str, store: Store) -> None:
    now = [datetime(2025, 1, 1, tzinfo=UTC)]
    timed = Store(store_url, clock=lambda: now[0])
    inbox = timed.inbox
    inbox.enqueue("crashed", "1.0", message())            # its holder died: lease expires below
    inbox.acquire_lease("crashed", "dead replica", timedelta(seconds=60))
    inbox.enqueue("busy", "1.0", message())                # someone is on it right now
    inbox.enqueue("done", "1.0", message())
    inbox.enqueue("gave-up", "5.0", message())              # queued, its drain timed out, no lease
    done = inbox.next_pending("done")
    assert done is not None
    inbox.mark_processed(done.id)
    now[0] += timedelta(seconds=61)
    inbox.acquire_lease("busy", "live replica", timedelta(seconds=60))
    inbox.enqueue("fresh", "1.0", message())               # just queued: its drain is about to run

    assert inbox.stranded(timedelta(seconds=30)) == ["crashed", "gave-up"]
    assert inbox.stranded(timedelta(seconds=30), limit=1) == ["crashed"]
    assert inbox.stranded(timedelta(0)) == ["crashed", "gave-up"]  # "fresh" was queued this instant
    now[0] += timedelta(seconds=1)
    assert inbox.stranded(timedelta(0)) == ["crashed", "gave-up", "fresh"]
    timed.close()


def test_abandon_pending_marks_only_old_pending_messages(store_url: str, store: Store) -> None:
    now = [datetime(2025, 1, 1, tzinfo=UTC)]
    timed = Store(store_url, clock=lambda: now[0])
    timed.inbox.enqueue(KEY, "1.0", message())
    now[0] += timedelta(hours=2)
    timed.inbox.enqueue(KEY, "2.0", message())

    assert timed.inbox.abandon_pending(timedelta(hours=1)) == 1
    old, recent = timed.inbox.get(KEY, "1.0"), timed.inbox.get(KEY, "2.0")
    assert old is not None and old.processed and old.outcome == "abandoned"
    assert recent is not None and not recent.processed
    assert timed.inbox.abandon_pending(timedelta(hours=1)) == 0
    timed.close()


def test_each_item_handed_out_says_whether_its_conversation_still_owes_replies(store: Store) -> None:
    store.inbox.enqueue(KEY, "1.0", message())
    store.inbox.enqueue(KEY, "2.0", message())
    store.inbox.enqueue(KEY, "3.0", message())
    store.outbox.queue("other conversation", [reply("not ours")])
    owed: list[tuple[str, bool]] = []

    def handle(item: InboxItem) -> str:
        owed.append((item.message_ts, item.owes_replies))
        if item.message_ts == "1.0":  # Slack is down: this turn's reply waits in the outbox
            store.outbox.queue(KEY, [reply("reply to 1.0")])
        if item.message_ts == "2.0":  # and is back: the waiting reply goes out first
            for waiting in store.outbox.unsent(KEY):
                store.outbox.finish(waiting.id, "sent")
        return "ok"

    assert Drainer(store.inbox).drain(KEY, "r", handle, until_ts="3.0") == 3
    assert owed == [("1.0", False), ("2.0", True), ("3.0", False)]


def test_a_lease_taken_with_its_first_item_is_a_lease_like_any_other(store: Store) -> None:
    minute = timedelta(seconds=60)
    assert store.inbox.take(KEY, "a", minute) == (True, None)  # nothing pending: the lease alone
    store.inbox.enqueue(KEY, "5.0", message("5"))
    store.inbox.enqueue(KEY, "4.0", message("4"))

    assert store.inbox.take(KEY, "b", minute) == (False, None)  # a holds it
    taken, first = store.inbox.take(KEY, "a", minute)

    assert taken and first is not None and first.message_ts == "4.0" and not first.owes_replies
    assert store.inbox.acquire_lease(KEY, "b", minute) is False
    store.inbox.release_lease(KEY, "a")
    assert store.inbox.acquire_lease(KEY, "b", minute) is True
