from __future__ import annotations

import types
from datetime import UTC, datetime, timedelta

import pytest

from bot.store import DecisionRecord, Store, StoreUnavailable
from scoring import WorkloadFacts, load_policy, recommend

FACTS = WorkloadFacts(monthly_tokens=5_000_000)
RESULT = recommend(FACTS, load_policy())


def _decision(user_id: str, title: str, team: str = "T1", day: int = 1) -> DecisionRecord:
    return DecisionRecord(
        user_id=user_id,
        team=team,
        channel="C1",
        thread_ts="1712345.000100",
        title=title,
        facts=FACTS,
        result=RESULT,
        policy_version="2025.1",
        index_version="abc123",
        created_at=datetime(2025, 1, day, tzinfo=UTC),
    )


def test_claim_event_only_once(store: Store) -> None:
    assert store.events.claim("event:Ev123") is True
    assert store.events.claim("event:Ev123") is False
    assert store.events.claim("msg:C1:1712345.000100") is True


def test_claimed_tells_without_claiming(store: Store) -> None:
    assert store.events.claimed("assistant-thread:k") is False
    assert store.events.claimed("assistant-thread:k") is False
    assert store.events.claim("assistant-thread:k") is True
    assert store.events.claimed("assistant-thread:k") is True
    assert store.events.claimed("assistant-thread:other") is False


def test_claim_event_across_two_stores(store_url: str, store: Store) -> None:
    other = Store(store_url)
    assert store.events.claim("event:Ev1") is True
    assert other.events.claim("event:Ev1") is False
    assert other.events.claim("event:Ev2") is True
    assert store.events.claim("event:Ev2") is False
    other.close()


def test_decisions_listed_newest_first_with_limit(store: Store) -> None:
    ids = [store.decisions.add(_decision("U1", f"d{day}", day=day)) for day in (1, 3, 2)]

    listed = store.decisions.for_user("U1")
    assert [record.title for record in listed] == ["d3", "d2", "d1"]
    assert [record.title for record in store.decisions.for_user("U1", limit=2)] == ["d3", "d2"]
    fetched = store.decisions.get(ids[0])
    assert fetched is not None
    assert fetched.model_dump(exclude={"id"}) == _decision("U1", "d1", day=1).model_dump(exclude={"id"})
    assert store.decisions.get(10_000) is None


def test_decisions_are_per_user_and_team(store: Store) -> None:
    store.decisions.add(_decision("U1", "mine"))
    store.decisions.add(_decision("U2", "theirs"))
    store.decisions.add(_decision("U1", "other team", team="T2"))

    assert {record.title for record in store.decisions.for_user("U1")} == {"mine", "other team"}
    assert [record.title for record in store.decisions.for_user("U1", team="T1")] == ["mine"]
    assert store.decisions.delete_for("U1") == 2
    assert store.decisions.for_user("U1") == []
    assert [record.title for record in store.decisions.for_user("U2")] == ["theirs"]


def test_prune_keeps_decisions(store_url: str, store: Store) -> None:
    clock_now = [datetime(2025, 1, 1, tzinfo=UTC)]
    timed = Store(store_url, clock=lambda: clock_now[0])
    timed.conversations.save("old", {}, None, owner_user="U1")
    timed.decisions.add(_decision("U1", "kept").model_copy(update={"conversation_key": "old"}))
    timed.events.claim("event:old")
    clock_now[0] += timedelta(days=90)

    assert timed.conversations.prune(timedelta(days=30)) == 1
    assert timed.events.prune(timedelta(days=1)) == 1
    assert [record.title for record in timed.decisions.for_user("U1")] == ["kept"]
    assert timed.events.claim("event:old") is True
    timed.close()


def test_unreachable_database_raises_without_password() -> None:
    store = Store("postgresql+psycopg://u:s3cret@127.0.0.1:1/x")

    assert store.ping() is False
    with pytest.raises(StoreUnavailable) as caught:
        store.migrate()
    with pytest.raises(StoreUnavailable):
        store.conversations.load("k")

    message = str(caught.value)
    assert "127.0.0.1:1/x" in message
    assert "s3cret" not in message
    assert "s3cret" not in repr(store)
    store.close()


def test_public_names_are_exactly_what_the_package_face_exposes() -> None:
    import bot.store

    exposed = {name for name, value in vars(bot.store).items()
               if not name.startswith("_") and not isinstance(value, types.ModuleType)
               and name != "annotations"}
    assert all(hasattr(bot.store, name) for name in bot.store.__all__)
    assert set(bot.store.__all__) == exposed
