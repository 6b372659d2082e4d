from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.conversation import ConversationState, Engine, Reply
from knowledge import KnowledgeBase
from scoring import load_policy

Say = Callable[[str], list[Reply]]


@pytest.fixture
def engine(guide_kb: KnowledgeBase) -> Engine:
    return Engine(load_policy(), guide_kb, index_version=lambda: guide_kb.version)


class Dialogue:
    """Drives one conversation through the engine, keeping the state between turns."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.state = ConversationState()

    def say(self, message: str) -> list[Reply]:
        self.state, replies = self.engine.turn(self.state, message)
        assert replies, f"no reply to {message!r}"
        return replies

    def facts(self) -> dict[str, object]:
        return {fact: note.value for fact, note in self.state.current.facts.items()}


@pytest.fixture
def dialogue(engine: Engine) -> Dialogue:
    return Dialogue(engine)


def kinds(replies: list[Reply]) -> list[str]:
    return [reply.kind for reply in replies]


def advice_of(replies: list[Reply]) -> Reply:
    found = [reply for reply in replies if reply.advice is not None]
    assert found, f"expected advice, got {kinds(replies)}"
    return found[-1]
