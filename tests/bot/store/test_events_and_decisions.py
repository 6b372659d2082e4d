from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.store import DecisionRecord, Store, StoreUnavailable


def _decision(user_id: str, title: str, team: str = "T1", day: int = 1) -> DecisionRecord:
    return DecisionRecord(
        user_id=user_id,
        team=team,
        channel="C1",
        thread_ts="1712345.000100",
        title=title,
        facts={"monthly_tokens": 5_000_000},
        result={"recommendation": "proprietary", "confidence": 0.8},
        recommendation="proprietary",
        policy_version="2025.1",
        index_version="abc123",
        created_at=datetime(2025, 1, day, tzinfo=UTC),
    )


def test_claim_event_only_once(store: Store) -> None:
    assert store.claim_event("event:Ev123") is True
    assert store.claim_event("event:Ev123") is False
    assert store.claim_event("msg:C1:1712345.000100") is True


def test_claim_event_across_two_stores(store_url: str, store: Store) -> None:
    other = Store(store_url)
    assert store.claim_event("event:Ev1") is True
    assert other.claim_event("event:Ev1") is False
    assert other.claim_event("event:Ev2") is True
    assert store.claim_event("event:Ev2") is False
    other.close()


def test_decisions_listed_newest_first_with_limit(store: Store) -> None:
    ids = [store.add_decision(_decision("U1", f"d{day}", day=day)) for day in (1, 3, 2)]

    listed = store.list_decisions("U1")
    assert [record.title for record in listed] == ["d3", "d2", "d1"]
    assert [record.title for record in store.list_decisions("U1", limit=2)] == ["d3", "d2"]
    fetched = store.get_decision(ids[0])
    assert fetched is not None
    assert fetched.model_dump(exclude={"id"}) == _decision("U1", "d1", day=1).model_dump(exclude={"id"})
    assert store.get_decision(10_000) is None


def test_decisions_are_per_user_and_team(store: Store) -> None:
    store.add_decision(_decision("U1", "mine"))
    store.add_decision(_decision("U2", "theirs"))
    store.add_decision(_decision("U1", "other team", team="T2"))

    assert {record.title for record in store.list_decisions("U1")} == {"mine", "other team"}
    assert [record.title for record in store.list_decisions("U1", team="T1")] == ["mine"]
    assert store.delete_decisions("U1") == 2
    assert store.list_decisions("U1") == []
    assert [record.title for record in store.list_decisions("U2")] == ["theirs"]


def test_prune_keeps_decisions(store_url: str, store: Store) -> None:
    clock_now = [datetime(2025, 1, 1, tzinfo=UTC)]
    timed = Store(store_url, clock=lambda: clock_now[0])
    timed.save("old", {}, None, owner_user="U1")
    timed.add_decision(_decision("U1", "kept").model_copy(update={"conversation_key": "old"}))
    timed.claim_event("event:old")
    clock_now[0] += timedelta(days=90)

    assert timed.prune_conversations(timedelta(days=30)) == 1
    assert timed.prune_events(timedelta(days=1)) == 1
    assert [record.title for record in timed.list_decisions("U1")] == ["kept"]
    assert timed.claim_event("event:old") is True
    timed.close()


def test_unreachable_database_raises_without_password() -> None:
    store = Store("postgresql+psycopg://u:s3cret@127.0.0.1:1/x")

    assert store.ping() is False
    with pytest.raises(StoreUnavailable) as caught:
        store.migrate()
    with pytest.raises(StoreUnavailable):
        store.load("k")

    message = str(caught.value)
    assert "127.0.0.1:1/x" in message
    assert "s3cret" not in message
    assert "s3cret" not in repr(store)
    store.close()



def test_public_names_are_exactly_the_intended_ones() -> None:
    import bot.store

    assert set(bot.store.__all__) == {
        "Clock", "Conversation", "DecisionRecord", "InboxItem", "OutboxItem", "StaleState", "Store",
        "StoreError", "StoreUnavailable", "create_store_engine", "database_url", "utc_now",
    }
