from __future__ import annotations

import itertools
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.store import InboxItem, Store
from tests.helpers.threads import run_in_threads

KEY = "slack:T1:C1:1712345678.000100"


class Boom(Exception):
    pass


def recorder(seen: list[str]) -> Any:
    def handle(item: InboxItem) -> dict[str, Any]:
        seen.append(item.message_ts)
        return {"handled": item.payload}

    return handle


def test_drain_processes_in_ts_order_when_enqueued_out_of_order(store: Store) -> None:
    for ts in ["10.0", "9.0", "100.0", "9.5"]:
        store.enqueue(KEY, ts, {"ts": ts})
    store.enqueue("other", "1.0", {})
    seen: list[str] = []

    assert store.drain(KEY, "replica-1", recorder(seen), until_ts="9.0") == 4

    assert seen == ["9.0", "9.5", "10.0", "100.0"]
    item = store.get_item(KEY, "100.0")
    assert item is not None and item.result == {"handled": {"ts": "100.0"}}
    assert store.acquire_lease(KEY, "someone else", timedelta(seconds=60)) is True  # released
    assert store.drain(KEY, "replica-1", recorder(seen), wait=timedelta(0)) == 0  # lease is taken
    other = store.next_pending("other")
    assert other is not None and other.message_ts == "1.0"


def test_redelivered_message_is_not_processed_twice(store: Store) -> None:
    seen: list[str] = []
    assert store.enqueue(KEY, "1.0", {}) is True
    store.drain(KEY, "r", recorder(seen), until_ts="1.0")
    assert store.enqueue(KEY, "1.0", {}) is False
    assert store.drain(KEY, "r", recorder(seen), until_ts="1.0") == 0
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

    def handle(item: InboxItem) -> dict[str, Any]:
        with lock:
            running[0] += 1
            if running[0] > 1:
                overlapped.append(item.message_ts)
        time.sleep(0.002)
        with lock:
            seen.append(item.message_ts)
            running[0] -= 1
        return {"n": item.payload["n"]}

    def worker(name: str, holder: str) -> None:
        own = Store(store_url)
        done = 0
        try:
            for _ in range(20):
                # Enqueue in ts order across both threads; "9.x" < "10.x" tests numeric order.
                with enqueue_lock:
                    n = next(numbers)
                    ts = f"{n}.000100"
                    assert own.enqueue(KEY, ts, {"n": n}) is True
                done += own.drain(KEY, holder, handle, until_ts=ts)
                item = own.get_item(KEY, ts)
                assert item is not None and item.processed
        finally:
            processed_by[name] = done
            own.close()

    assert run_in_threads(worker, [(f"t{i}", holder) for i, holder in enumerate(holders)]) == []
    assert overlapped == []
    assert seen == [f"{n}.000100" for n in range(1, 41)]
    assert sum(processed_by.values()) == 40
    assert store.next_pending(KEY) is None
    item = store.get_item(KEY, "33.000100")
    assert item is not None and item.result == {"n": 33}


def test_handle_raising_leaves_item_pending_and_releases_lease(store: Store) -> None:
    store.enqueue(KEY, "1.0", {})
    store.enqueue(KEY, "2.0", {})
    seen: list[str] = []

    def fail_on_two(item: InboxItem) -> None:
        if item.message_ts == "2.0":
            raise Boom(item.message_ts)
        seen.append(item.message_ts)

    with pytest.raises(Boom):
        store.drain(KEY, "r", fail_on_two)

    failed = store.get_item(KEY, "2.0")
    assert failed is not None and not failed.processed
    assert seen == ["1.0"]
    assert store.acquire_lease(KEY, "another replica", timedelta(seconds=60)) is True
    store.release_lease(KEY, "another replica")
    assert store.drain(KEY, "r", recorder(seen)) == 1
    assert seen == ["1.0", "2.0"]


def test_drain_gives_up_after_wait_while_someone_else_holds_the_lease(store: Store) -> None:
    store.enqueue(KEY, "1.0", {})
    store.acquire_lease(KEY, "busy replica", timedelta(seconds=60))
    seen: list[str] = []

    started = time.monotonic()
    assert store.drain(KEY, "r", recorder(seen), wait=timedelta(seconds=0.3), until_ts="1.0") == 0

    assert 0.3 <= time.monotonic() - started < 5
    assert seen == []
    pending = store.next_pending(KEY)
    assert pending is not None and pending.message_ts == "1.0"


def test_drain_returns_once_its_message_was_processed_by_someone_else(store_url: str, store: Store) -> None:
    store.enqueue(KEY, "1.0", {})
    store.acquire_lease(KEY, "busy replica", timedelta(seconds=60))
    other = Store(store_url)
    results: list[int] = []
    waiter = threading.Thread(
        target=lambda: results.append(other.drain(KEY, "r", recorder([]), until_ts="1.0"))
    )

    started = time.monotonic()
    waiter.start()
    time.sleep(0.2)
    item = store.next_pending(KEY)
    assert item is not None
    store.mark_processed(item.id, {"by": "busy replica"})
    waiter.join(timeout=10)

    assert results == [0]
    assert time.monotonic() - started < 5  # well before the 30 s wait ran out
    other.close()


def test_drain_takes_over_an_expired_lease(store_url: str, store: Store) -> None:
    now = [datetime(2025, 1, 1, tzinfo=UTC)]
    timed = Store(store_url, clock=lambda: now[0])
    timed.enqueue(KEY, "1.0", {})
    timed.acquire_lease(KEY, "crashed replica", timedelta(seconds=60))
    now[0] += timedelta(seconds=61)
    seen: list[str] = []

    assert timed.drain(KEY, "r", recorder(seen), wait=timedelta(0)) == 1
    assert seen == ["1.0"]
    timed.close()


def test_drain_rechecks_after_release(store_url: str, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A message queued after our last look but before our release (its drain gave up) is not stranded."""
    store.enqueue(KEY, "1.0", {})
    other = Store(store_url)
    release = store.release_lease
    late = iter(["2.0"])

    def release_after_a_late_enqueue(key: str, holder: str) -> bool:
        for ts in late:
            other.enqueue(key, ts, {})
        return release(key, holder)

    monkeypatch.setattr(store, "release_lease", release_after_a_late_enqueue)
    seen: list[str] = []

    assert store.drain(KEY, "r", recorder(seen)) == 2
    assert seen == ["1.0", "2.0"]
    other.close()


def test_drain_rejects_a_non_positive_ttl(store: Store) -> None:
    with pytest.raises(ValueError, match="ttl"):
        store.drain(KEY, "r", recorder([]), ttl=timedelta(0))


def test_a_waiting_drain_in_the_same_process_takes_over_at_release_not_at_its_next_poll(
        store: Store) -> None:
    store.enqueue(KEY, "1.0", {})
    store.enqueue(KEY, "2.0", {})
    entered, release = threading.Event(), threading.Event()
    seen: list[str] = []

    def slow(item: InboxItem) -> None:
        seen.append(item.message_ts)
        if item.message_ts == "1.0":
            entered.set()
            release.wait(30)

    def first() -> None:
        store.drain(KEY, "a", slow, until_ts="1.0")

    holder = threading.Thread(target=first)
    holder.start()
    assert entered.wait(30)
    finished: list[float] = []

    def second() -> None:
        # With an hour between polls, only the release can wake this drain in time.
        store.drain(KEY, "b", recorder(seen), until_ts="2.0", poll=3600, wait=timedelta(hours=2))
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
    timed.enqueue("crashed", "1.0", {})            # its holder died: lease expires below
    timed.acquire_lease("crashed", "dead replica", timedelta(seconds=60))
    timed.enqueue("busy", "1.0", {})                # someone is on it right now
    timed.enqueue("done", "1.0", {})
    timed.enqueue("gave-up", "5.0", {})              # queued, its drain timed out, no lease
    done = timed.next_pending("done")
    assert done is not None
    timed.mark_processed(done.id)
    now[0] += timedelta(seconds=61)
    timed.acquire_lease("busy", "live replica", timedelta(seconds=60))
    timed.enqueue("fresh", "1.0", {})               # just queued: its drain is about to run

    assert timed.stranded(timedelta(seconds=30)) == ["crashed", "gave-up"]
    assert timed.stranded(timedelta(seconds=30), limit=1) == ["crashed"]
    assert timed.stranded(timedelta(0)) == ["crashed", "gave-up"]  # "fresh" was queued this instant
    now[0] += timedelta(seconds=1)
    assert timed.stranded(timedelta(0)) == ["crashed", "gave-up", "fresh"]
    timed.close()


def test_abandon_pending_marks_only_old_pending_messages(store_url: str, store: Store) -> None:
    now = [datetime(2025, 1, 1, tzinfo=UTC)]
    timed = Store(store_url, clock=lambda: now[0])
    timed.enqueue(KEY, "1.0", {})
    now[0] += timedelta(hours=2)
    timed.enqueue(KEY, "2.0", {})

    assert timed.abandon_pending(timedelta(hours=1)) == 1
    old, recent = timed.get_item(KEY, "1.0"), timed.get_item(KEY, "2.0")
    assert old is not None and old.processed and old.result == {"abandoned": True}
    assert recent is not None and not recent.processed
    assert timed.abandon_pending(timedelta(hours=1)) == 0
    timed.close()


def test_each_item_handed_out_says_whether_its_conversation_still_owes_replies(store: Store) -> None:
    store.enqueue(KEY, "1.0", {})
    store.enqueue(KEY, "2.0", {})
    store.enqueue(KEY, "3.0", {})
    store.queue_replies("other conversation", [{"text": "not ours"}])
    owed: list[tuple[str, bool]] = []

    def handle(item: InboxItem) -> None:
        owed.append((item.message_ts, item.owes_replies))
        if item.message_ts == "1.0":  # Slack is down: this turn's reply waits in the outbox
            store.queue_replies(KEY, [{"text": "reply to 1.0"}])
        if item.message_ts == "2.0":  # and is back: the waiting reply goes out first
            for waiting in store.unsent_replies(KEY):
                store.finish_reply(waiting.id, "sent")

    assert store.drain(KEY, "r", handle, until_ts="3.0") == 3
    assert owed == [("1.0", False), ("2.0", True), ("3.0", False)]


def test_a_lease_taken_with_its_first_item_is_a_lease_like_any_other(store: Store) -> None:
    minute = timedelta(seconds=60)
    assert store._take(KEY, "a", minute) == (True, None)  # nothing pending: the lease alone
    store.enqueue(KEY, "5.0", {"n": 5})
    store.enqueue(KEY, "4.0", {"n": 4})

    assert store._take(KEY, "b", minute) == (False, None)  # a holds it
    taken, first = store._take(KEY, "a", minute)

    assert taken and first is not None and first.message_ts == "4.0" and not first.owes_replies
    assert store.acquire_lease(KEY, "b", minute) is False
    store.release_lease(KEY, "a")
    assert store.acquire_lease(KEY, "b", minute) is True
