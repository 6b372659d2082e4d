"""What a conversation understands after one turn, as plain data: the `chat --json` lines and
what the dialogue evaluation compares."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from bot.conversation.replies import Reply
from bot.conversation.state import ConversationState, FactValue, UseCase
from scoring import Choice


class TurnSnapshot(BaseModel):
    """One message and the conversation's understanding right after it."""

    model_config = ConfigDict(frozen=True)

    message: str
    replies: list[str]
    """The replies as the terminal shows them."""
    facts: dict[str, FactValue]
    """The current use case's known facts, field to value."""
    use_cases: list[dict[str, FactValue]]
    """Every use case's facts, the ones finished earlier first and the current one last."""
    recommendation: Choice | None
    """The recommendation standing for the conversation (a portfolio's, when there are several
    use cases); a what-if's answer does not replace it."""
    asked: str | None
    """The fact the bot asked for in this turn, if it asked for one."""


def case_facts(case: UseCase) -> dict[str, FactValue]:
    return {fact: note.value for fact, note in case.facts.items()}


def asked_in(state: ConversationState, replies: Sequence[Reply]) -> str | None:
    """The fact a question among `replies` asked for: the state keeps the last one asked, but
    only a turn that put a question holds it as this turn's."""
    if not any(reply.kind == "question" for reply in replies):
        return None
    return state.asked


def take_snapshot(message: str, replies: Sequence[Reply], rendered: Sequence[str],
                  state: ConversationState) -> TurnSnapshot:
    """The snapshot after `message` was answered with `replies` (shown as `rendered`), leaving
    the conversation in `state`."""
    standing = state.last_result.recommendation if state.last_result is not None else None
    return TurnSnapshot(
        message=message,
        replies=list(rendered),
        facts=case_facts(state.current),
        use_cases=[case_facts(case) for case in [*state.earlier, state.current]],
        recommendation=standing,
        asked=asked_in(state, replies),
    )
