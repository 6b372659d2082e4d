"""Conversations persist: a restarted process resumes, and concurrent turns lose nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest

from bot.conversation import Engine
from bot.conversation.service import ConversationService
from bot.store import StateDocument, Store
from knowledge import Answer, Citation, Passage
from scoring import WorkloadFacts, load_policy
from tests.helpers.threads import run_in_threads

ENGINE = Engine(load_policy(), None)


def test_service_restarted_process_resumes_conversation(store_url: str) -> None:
    first = Store(store_url)
    first.migrate()
    ConversationService(ENGINE, first.conversations).handle("cli:alice", "patient data can't leave our DC",
                                              user="alice")
    first.close()

    restarted = Store(store_url)
    service = ConversationService(ENGINE, restarted.conversations)
    replies = service.handle("cli:alice", "about 3M tokens a day", user="alice")
    state = service.load("cli:alice")
    assert state.current.workload() == WorkloadFacts(data_residency="in_house_only",
                                                     monthly_tokens=90_000_000)
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
        ConversationService(ENGINE, own.conversations).handle("slack:T:C:1.0", message)
        own.close()

    assert not run_in_threads(send, [(message,) for message in messages])
    state = ConversationService(ENGINE, store.conversations).load("slack:T:C:1.0")
    assert set(state.current.facts) == {"data_residency", "monthly_tokens", "specialization",
                                           "ml_expertise", "latency"}
    assert state.turns == len(messages)
    store.close()


def test_service_unreadable_stored_state_starts_afresh(store: Store) -> None:
    store.conversations.save("cli:bob", {"current": {"facts": "not a mapping"}}, None)
    replies = ConversationService(ENGINE, store.conversations).handle("cli:bob", "approved vendors only")
    assert replies[0].kind == "noted"


def test_respond_gives_the_state_it_saved(store_url: str) -> None:
    store = Store(store_url)
    store.migrate()
    service = ConversationService(ENGINE, store.conversations)
    service.handle("cli:bob", "approved vendors only")

    replies, state = service.respond("cli:bob", "about 3M tokens a day")

    assert replies and state == service.load("cli:bob")
    assert state.turns == 2 and state.current.workload().monthly_tokens == 90_000_000
    store.close()


class CountingGuidance:
    """A guidance that counts every lookup it is asked for, by query."""

    def __init__(self) -> None:
        self.searches: Counter[tuple[str, tuple[str, ...] | None]] = Counter()
        self.questions: Counter[str] = Counter()

    def search(self, query: str, k: int = 5, topics: Sequence[str] | None = None) -> list[Passage]:
        self.searches[(query, tuple(topics) if topics is not None else None)] += 1
        topic = topics[0] if topics else "general"
        return [Passage(id=f"p-{topic}", text=f"About {topic}.", doc_id=f"d-{topic}", title="Guide",
                        section=topic, source=f"{topic}.md", topics=(topic,), score=1.0,
                        similarity=0.8)]

    def ask(self, question: str, k: int = 3) -> Answer:
        self.questions[question] += 1
        passage = self.search(question, k=k)[0]
        return Answer(question=question, answer="Latency decides the hosting [1].",
                      citations=[Citation(1, passage)], found=True)


def conflict_once(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make the next save of a conversation lose to a write that lands just before it; returns
    the keys each save was called for."""
    conversations = store.conversations
    save = conversations.save
    saves: list[str] = []

    def save_after_a_concurrent_write(key: str, state: StateDocument, expected_version: int | None,
                                      *args: Any, **kwargs: Any) -> int:
        saves.append(key)
        if len(saves) == 1:
            current = conversations.load(key)
            save(key, current.state if current else {}, current.version if current else None)
        return save(key, state, expected_version, *args, **kwargs)

    monkeypatch.setattr(conversations, "save", save_after_a_concurrent_write)
    return saves


def test_respond_rerun_on_a_version_conflict_does_not_repeat_guidance_lookups(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    guidance = CountingGuidance()
    service = ConversationService(Engine(load_policy(), guidance), store.conversations)
    service.handle("slack:T:C:2.0", "approved vendors only")

    saves = conflict_once(store, monkeypatch)
    replies, _ = service.respond("slack:T:C:2.0", "why does latency matter?")

    assert saves == ["slack:T:C:2.0", "slack:T:C:2.0"]  # the turn ran again after the conflict
    assert list(guidance.questions.values()) == [1]
    assert replies[0].answer is not None and replies[0].answer.found

    saves = conflict_once(store, monkeypatch)
    replies, state = service.respond(
        "slack:T:C:2.0", "generic email summaries, 60M tokens a month, one data scientist, chat UI")

    assert saves == ["slack:T:C:2.0", "slack:T:C:2.0"]
    assert any(reply.advice is not None for reply in replies)
    assert state.last_result is not None
    assert guidance.searches and set(guidance.searches.values()) == {1}
    assert list(guidance.questions.values()) == [1]
