"""Conversations persist: a restarted process resumes, and concurrent turns lose nothing."""

from __future__ import annotations

from bot.conversation import Engine
from bot.conversation.service import ConversationService
from bot.store import Store
from scoring import load_policy
from tests.helpers.threads import run_in_threads

ENGINE = Engine(load_policy(), None)


def test_service_restarted_process_resumes_conversation(store_url: str) -> None:
    first = Store(store_url)
    first.migrate()
    ConversationService(ENGINE, first).handle("cli:alice", "patient data can't leave our DC",
                                              owner_user="alice")
    first.close()

    restarted = Store(store_url)
    service = ConversationService(ENGINE, restarted)
    replies = service.handle("cli:alice", "about 3M tokens a day", owner_user="alice")
    state = service.load("cli:alice")
    assert state.current.values() == {"data_residency": "in_house_only",
                                      "monthly_tokens": 90_000_000}
    assert state.turns == 2
    assert replies[0].text.startswith("Noted: Monthly token volume")
    restarted.close()


def test_service_concurrent_turns_on_one_conversation_lose_nothing(store_url: str) -> None:
    store = Store(store_url)
    store.migrate()
    messages = ["approved vendors only", "about 3M tokens a day", "our internal ticket codes",
                "3 ML engineers running models in prod", "a few seconds is fine"]

    def send(message: str) -> None:
        own = Store(store_url)
        ConversationService(ENGINE, own).handle("slack:T:C:1.0", message)
        own.close()

    assert not run_in_threads(send, [(message,) for message in messages])
    state = ConversationService(ENGINE, store).load("slack:T:C:1.0")
    assert set(state.current.values()) == {"data_residency", "monthly_tokens", "specialization",
                                           "ml_expertise", "latency"}
    assert state.turns == len(messages)
    store.close()


def test_service_unreadable_stored_state_starts_afresh(store: Store) -> None:
    store.save("cli:bob", {"current": {"facts": "not a mapping"}}, None)
    replies = ConversationService(ENGINE, store).handle("cli:bob", "approved vendors only")
    assert replies[0].kind == "noted"


def test_respond_gives_the_state_it_saved(store_url: str) -> None:
    store = Store(store_url)
    store.migrate()
    service = ConversationService(ENGINE, store)
    service.handle("cli:bob", "approved vendors only")

    replies, state = service.respond("cli:bob", "about 3M tokens a day")

    assert replies and state == service.load("cli:bob")
    assert state.turns == 2 and state.current.values()["monthly_tokens"] == 90_000_000
    store.close()
