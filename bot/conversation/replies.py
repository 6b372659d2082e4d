"""What the engine says back: typed replies that the adapters render."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from bot.conversation.advice import Advice, CitedAnswer


class QuickAnswer(BaseModel):
    """A one-tap answer. Sending `value` as a message has the same effect as tapping it."""

    label: str
    value: str


class Reply(BaseModel):
    kind: Literal["noted", "question", "answer", "advice", "status", "notice", "help", "update",
                  "what_if"]
    text: str
    quick_answers: list[QuickAnswer] = Field(default_factory=list)
    advice: Advice | None = None
    answer: CitedAnswer | None = None
