"""Conversations that persist: each turn runs against the stored state under a version check."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError

from bot.conversation.dialogue import Engine
from bot.conversation.replies import Reply
from bot.conversation.state import ConversationState
from bot.store import Store

log = logging.getLogger(__name__)


class ConversationService:
    """Runs the engine against the store, so any process can continue any conversation."""

    def __init__(self, engine: Engine, store: Store) -> None:
        self.engine = engine
        self.store = store

    def load(self, key: str) -> ConversationState:
        stored = self.store.load(key)
        return self._state(stored.state if stored else None)

    def _state(self, data: dict[str, Any] | None) -> ConversationState:
        if not data:
            return ConversationState()
        try:
            return ConversationState.model_validate(data)
        except ValidationError:
            # A state written by an incompatible version: start afresh rather than fail every turn.
            log.warning("stored conversation state is unreadable; starting a new one")
            return ConversationState()

    def handle(self, key: str, message: str, *, owner_user: str | None = None,
               team: str | None = None, channel: str | None = None) -> list[Reply]:
        """One user message in, the replies out; the new state is saved before returning."""
        return self.respond(key, message, owner_user=owner_user, team=team, channel=channel)[0]

    def respond(self, key: str, message: str, *, owner_user: str | None = None,
                team: str | None = None, channel: str | None = None
                ) -> tuple[list[Reply], ConversationState]:
        """`handle`, also giving the state it saved, so a caller need not read it back."""
        captured: list[Reply] = []
        saved: list[ConversationState] = []

        def apply(data: dict[str, Any] | None) -> dict[str, Any]:
            state, replies = self.engine.turn(self._state(data), message)
            captured[:], saved[:] = replies, [state]
            return state.model_dump(mode="json")

        self.store.update(key, apply, owner_user=owner_user, team=team, channel=channel)
        return captured, saved[0]
