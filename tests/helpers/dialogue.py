"""Drive a conversation through the real engine and read its replies."""

from __future__ import annotations

from bot.conversation import ConversationState, Engine, Reply


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


def kinds(replies: list[Reply]) -> list[str]:
    return [reply.kind for reply in replies]


def advice_of(replies: list[Reply]) -> Reply:
    found = [reply for reply in replies if reply.advice is not None]
    assert found, f"expected advice, got {kinds(replies)}"
    return found[-1]
