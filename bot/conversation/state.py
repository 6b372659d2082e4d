"""Conversation state: plain pydantic data that the store keeps between turns."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FactValue = str | int | float


class FactNote(BaseModel):
    """A fact as the user gave it, with the words it came from."""

    model_config = ConfigDict(frozen=True)

    value: FactValue
    evidence: str = ""
    derivation: str = ""
    turn: int = 0


class UseCase(BaseModel):
    """One workload of the conversation: its name and what we know about it."""

    name: str | None = None
    facts: dict[str, FactNote] = Field(default_factory=dict)

    def values(self) -> dict[str, FactValue]:
        return {fact: note.value for fact, note in self.facts.items()}


class ConversationState(BaseModel):
    """Everything the engine needs to continue a conversation where it stopped."""

    current: UseCase = Field(default_factory=UseCase)
    earlier: list[UseCase] = Field(default_factory=list)
    """Use cases finished with `add use case`; with `current` they form a portfolio."""
    asked: str | None = None
    """The fact the last question asked about, so a bare answer ("niche") can be placed."""
    clarifying: dict[str, list[str]] = Field(default_factory=dict)
    """Facts stated two ways in one message, waiting for the user to pick."""
    stage: Literal["gathering", "advised"] = "gathering"
    last_result: dict[str, Any] | None = None
    """The last recommendation given (scoring's Recommendation as JSON)."""
    turns: int = 0
