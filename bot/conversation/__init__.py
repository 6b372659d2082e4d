"""The Slack-free conversation: gather facts, ask what matters, advise with citations."""

from __future__ import annotations

from bot.conversation.advice import Advice, CitedAnswer, Guidance, build_advice
from bot.conversation.dialogue import Engine
from bot.conversation.replies import QuickAnswer, Reply
from bot.conversation.state import ConversationState, FactNote, UseCase

__all__ = [
    "Advice",
    "CitedAnswer",
    "ConversationState",
    "Engine",
    "FactNote",
    "Guidance",
    "QuickAnswer",
    "Reply",
    "UseCase",
    "build_advice",
]
