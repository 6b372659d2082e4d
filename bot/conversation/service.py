"""Conversations that persist: each turn runs against the stored state under a version check."""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bot.conversation.advice import Guidance
from bot.conversation.dialogue import Engine
from bot.conversation.replies import Reply
from bot.conversation.state import ConversationState
from bot.extraction import Extraction
from bot.store import Conversations, QueuedReply, StateDocument, TurnReplies

if TYPE_CHECKING:
    from knowledge import Answer, Passage

log = logging.getLogger(__name__)


class _Remembered:
    """A guidance that answers each distinct lookup once: a turn re-run after a storage conflict
    reuses what the first run retrieved."""

    def __init__(self, guidance: Guidance) -> None:
        self._guidance = guidance
        self._searches: dict[tuple[str, int, tuple[str, ...] | None], list[Passage]] = {}
        self._answers: dict[tuple[str, int], Answer] = {}

    def search(self, query: str, k: int = 5, topics: Sequence[str] | None = None) -> list[Passage]:
        key = (query, k, tuple(topics) if topics is not None else None)
        if key not in self._searches:
            self._searches[key] = self._guidance.search(query, k=k, topics=topics)
        return list(self._searches[key])

    def ask(self, question: str, k: int = 3) -> Answer:
        if (question, k) not in self._answers:
            self._answers[(question, k)] = self._guidance.ask(question, k=k)
        return self._answers[(question, k)]


def _remembered_extractor(extract: Callable[[str], Extraction]) -> Callable[[str], Extraction]:
    """`extract`, run once per distinct text (the optional LLM fallback is slow and costs money);
    each caller gets its own copy, since the engine refines what it is given."""
    seen: dict[str, Extraction] = {}

    def once(text: str) -> Extraction:
        if text not in seen:
            seen[text] = extract(text)
        return seen[text].model_copy(deep=True)

    return once


class ConversationService:
    """Runs the engine against the stored conversations, so any process can continue any one."""

    def __init__(self, engine: Engine, conversations: Conversations) -> None:
        self.engine = engine
        self.conversations = conversations

    def load(self, key: str) -> ConversationState:
        stored = self.conversations.load(key)
        return self._state(stored.state if stored else None)

    def _state(self, data: StateDocument | None) -> ConversationState:
        if not data:
            return ConversationState()
        try:
            return ConversationState.model_validate(data)
        except ValidationError:
            # A state written by an incompatible version: start afresh rather than fail every turn.
            log.warning("stored conversation state is unreadable; starting a new one")
            return ConversationState()

    def save_new(self, key: str, state: ConversationState, *, user: str | None = None,
                 team: str | None = None, channel: str | None = None) -> None:
        """Store a conversation `user` starts with `state` (the facts form); raises `StaleState`
        if `key` exists already."""
        self.conversations.save(key, state.model_dump(mode="json"), None, user, team, channel,
                                participant=user)

    def reset(self, key: str) -> None:
        """Forget conversation `key`'s state, keeping the row (and its owner)."""
        stored = self.conversations.load(key)
        self.conversations.save(key, {}, stored.version if stored else None)

    def handle(self, key: str, message: str, *, user: str | None = None,
               team: str | None = None, channel: str | None = None) -> list[Reply]:
        """One message from `user` in, the replies out; the new state is saved before returning.
        `user` starts the conversation if it is new, and takes part in it either way."""
        return self.respond(key, message, user=user, team=team, channel=channel)[0]

    def respond(self, key: str, message: str, *, user: str | None = None,
                team: str | None = None, channel: str | None = None
                ) -> tuple[list[Reply], ConversationState]:
        """`handle`, also giving the state it saved, so a caller need not read it back.

        A concurrent write makes the turn run again on the fresh state; its guidance lookups and
        extractions are remembered from the first run, never repeated."""
        replies, state, _ = self._respond(key, message, None, user=user, team=team,
                                          channel=channel)
        return replies, state

    def respond_recorded(
        self, key: str, message: str, message_ts: str,
        render: Callable[[list[Reply], ConversationState], list[QueuedReply]], *,
        user: str | None = None, team: str | None = None, channel: str | None = None,
    ) -> tuple[list[Reply], ConversationState, list[QueuedReply]]:
        """`respond` to the message at `message_ts`, also rendering the replies as messages to
        post (`render`) and queueing those in the conversation's outbox in the transaction
        that saves the new state: a turn whose state is saved always has its replies recorded,
        so it never needs to run again."""
        replies, state, rendered = self._respond(key, message, (message_ts, render),
                                                 user=user, team=team, channel=channel)
        return replies, state, rendered

    def _respond(
        self, key: str, message: str,
        recording: tuple[str, Callable[[list[Reply], ConversationState], list[QueuedReply]]] | None,
        *, user: str | None, team: str | None, channel: str | None,
    ) -> tuple[list[Reply], ConversationState, list[QueuedReply]]:
        engine = copy.copy(self.engine)
        if engine.guidance is not None:
            engine.guidance = _Remembered(engine.guidance)
        engine.extractor = _remembered_extractor(engine.extractor)
        captured: list[Reply] = []
        saved: list[ConversationState] = []
        rendered: list[QueuedReply] = []

        def apply(data: StateDocument | None) -> StateDocument:
            state, replies = engine.turn(self._state(data), message, user)
            captured[:], saved[:] = replies, [state]
            return state.model_dump(mode="json")

        def recorded() -> TurnReplies:
            assert recording is not None
            message_ts, render = recording
            rendered[:] = render(captured, saved[0])
            return TurnReplies(message_ts=message_ts, replies=rendered)

        self.conversations.update(key, apply, user=user, team=team, channel=channel,
                                  replies=recorded if recording is not None else None)
        return captured, saved[0], rendered
