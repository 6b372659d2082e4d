from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.services import store_url as settings_store_url
from bot.settings import Settings
from bot.store import StaleState, Store
from bot.store.database import normalize_url
from tests.helpers.clock import FakeClock
from tests.helpers.threads import run_in_threads


def test_migrate_twice_is_idempotent(store: Store) -> None:
    store.migrate()
    assert store.ping()
    assert store.conversations.load("cli:default") is None


def test_save_load_round_trip(store: Store) -> None:
    state: dict[str, Any] = {"facts": {"monthly_tokens": 20_000_000, "latency": None}, "turns": ["hi"]}
    version = store.conversations.save("slack:T1:C1:1.0", state, None, owner_user="U1", team="T1",
                                       channel="C1")

    loaded = store.conversations.load("slack:T1:C1:1.0")

    assert version == 1
    assert loaded is not None
    assert (loaded.state, loaded.version) == (state, 1)
    assert (loaded.owner_user, loaded.team, loaded.channel) == ("U1", "T1", "C1")
    assert loaded.updated_at.tzinfo is not None


def test_save_with_stale_version_raises(store: Store) -> None:
    store.conversations.save("k", {"n": 0}, None)
    assert store.conversations.save("k", {"n": 1}, 1) == 2

    with pytest.raises(StaleState):
        store.conversations.save("k", {"n": 99}, 1)
    with pytest.raises(StaleState):
        store.conversations.save("k", {"n": 99}, None)
    loaded = store.conversations.load("k")
    assert loaded is not None
    assert (loaded.state, loaded.version) == ({"n": 1}, 2)


def test_save_keeps_owner_fields_left_unset(store: Store) -> None:
    store.conversations.save("k", {}, None, owner_user="U1", team="T1")
    store.conversations.save("k", {"a": 1}, 1)
    loaded = store.conversations.load("k")
    assert loaded is not None
    assert (loaded.owner_user, loaded.team) == ("U1", "T1")


def test_update_from_two_threads_loses_nothing(store_url: str, store: Store) -> None:
    def increment(state: dict[str, Any] | None) -> dict[str, Any]:
        return {"count": (state or {"count": 0})["count"] + 1}

    def worker() -> None:
        own = Store(store_url)
        try:
            for _ in range(20):
                own.conversations.update("shared", increment)
        finally:
            own.close()

    assert run_in_threads(worker, [()] * 2) == []
    loaded = store.conversations.load("shared")
    assert loaded is not None
    assert loaded.state == {"count": 40}
    assert loaded.version == 40


def test_update_creates_then_changes(store: Store) -> None:
    seen = store.conversations.update("k", lambda state: {"seen": state is not None}, user="U1")
    assert seen == {"seen": False}
    assert store.conversations.update("k", lambda state: {"seen": state is not None}) == {"seen": True}
    loaded = store.conversations.load("k")
    assert loaded is not None
    assert loaded.owner_user == "U1"


def test_a_later_speaker_joins_and_never_becomes_the_starter(store: Store) -> None:
    store.conversations.update("k", lambda state: {"turn": 1}, user="U1")
    store.conversations.update("k", lambda state: {"turn": 2}, user="U3")
    store.conversations.update("k", lambda state: {"turn": 3}, user="U1")

    loaded = store.conversations.load("k")
    assert loaded is not None and loaded.owner_user == "U1" and loaded.state == {"turn": 3}
    assert store.conversations.participants("k") == ["U1", "U3"]


def test_a_stale_save_records_no_participant(store: Store) -> None:
    store.conversations.save("k", {}, None, owner_user="U1")
    store.conversations.save("k", {"n": 1}, 1, participant="U2")
    with pytest.raises(StaleState):
        store.conversations.save("k", {"n": 99}, 1, participant="U3")

    assert store.conversations.participants("k") == ["U1", "U2"]


def test_prune_removes_idle_conversations(store_url: str, store: Store) -> None:
    clock = FakeClock(datetime(2025, 1, 1, tzinfo=UTC))
    timed = Store(store_url, clock=clock)
    timed.conversations.save("old", {}, None)
    clock.now += timedelta(days=40)
    timed.conversations.save("fresh", {}, None)

    assert timed.conversations.prune(timedelta(days=30)) == 1
    assert timed.conversations.load("old") is None
    assert timed.conversations.load("fresh") is not None
    timed.close()


def test_restart_sees_saved_conversation(tmp_path: Path) -> None:
    settings = Settings()
    first = Store(settings_store_url(settings))
    first.migrate()
    first.conversations.save("cli:default", {"facts": {"ml_expertise": "some"}}, None)
    first.close()

    second = Store(settings_store_url(settings))
    second.migrate()
    loaded = second.conversations.load("cli:default")
    second.close()

    assert settings.sqlite_path.is_file()
    assert loaded is not None
    assert loaded.state == {"facts": {"ml_expertise": "some"}}


def test_store_url_prefers_database_url_and_the_store_routes_it_to_psycopg(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings_store_url(Settings()).startswith("sqlite:///")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:s3cret@db.internal:5432/advisor")
    url = settings_store_url(Settings())
    assert normalize_url(url) == "postgresql+psycopg://u:s3cret@db.internal:5432/advisor"
    store = Store(url)
    assert store.db.engine.url.drivername == "postgresql+psycopg"
    assert "s3cret" not in repr(store)
    store.close()


def test_migrate_from_many_stores_at_once_on_an_empty_database(store_url: str) -> None:
    from bot.store import Store

    stores = [Store(store_url) for _ in range(4)]
    errors = run_in_threads(Store.migrate, [(store,) for store in stores])
    for store in stores:
        store.close()
    assert errors == []
