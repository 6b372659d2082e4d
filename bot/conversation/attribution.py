"""Who said what in a conversation several people take part in: what a turn adds is credited to
its sender, so that one person's facts and words can later be taken out again."""

from __future__ import annotations

import logging

from pydantic import ValidationError

from bot.conversation.state import ConversationState, FactNote, PendingChange
from bot.store import StateDocument

log = logging.getLogger(__name__)


def credited(before: ConversationState, after: ConversationState, user: str | None
             ) -> ConversationState:
    """`after` (the state a turn left, starting from `before`) with what the turn added credited
    to `user`. A fact recorded from a held change ("record it") is credited to whoever made the
    change, since the words are theirs. A fact someone else gave before is kept inside the note
    that replaced it, to come back if the replacing note's user is forgotten. Nothing changes
    when `user` is None."""
    if user is None:
        return after
    state = after.model_copy(deep=True)
    if state.current.name and state.current.name != before.current.name:
        state.current.named_by = user
    known = {note for case in (before.current, *before.earlier) for note in case.facts.values()}
    settled = before.pending if after.pending != before.pending else None
    for case, was in zip((state.current, *state.earlier), (before.current, *before.earlier),
                         strict=False):
        for fact, note in case.facts.items():
            if note.user is None and note not in known:
                giver = _giver(fact, note, settled, user)
                previous = was.facts.get(fact)
                replaced = previous.without(giver) if previous is not None else None
                case.facts[fact] = note.model_copy(update={"user": giver, "replaced": replaced})
    if state.pending is not None and state.pending.user is None and state.pending != before.pending:
        state.pending = state.pending.model_copy(update={"user": user})
    sources = state.sources
    sources.cues = {fact: sources.cues.get(fact, user) if before.cues.get(fact) == cue else user
                    for fact, cue in state.cues.items()}
    if not state.clarifying:
        sources.clarifying = None
    elif state.clarifying != before.clarifying:
        sources.clarifying = user
    if state.volume_parts is None:
        sources.volume_parts = []
    elif state.volume_parts != before.volume_parts and user not in sources.volume_parts:
        sources.volume_parts.append(user)
    return state


def _giver(fact: str, note: FactNote, settled: PendingChange | None, user: str) -> str:
    if settled is not None and settled.user and settled.values.get(fact) == note.value:
        return settled.user
    return user


def without_user(state: ConversationState, user: str) -> ConversationState:
    """`state` without the facts and words `user` gave. When that changes what the last
    recommendation was scored on, the recommendation is dropped and the conversation goes back
    to gathering, so the next turn scores the facts left afresh."""
    kept = state.model_copy(deep=True)
    for number, case in enumerate((kept.current, *kept.earlier)):
        case.facts = {fact: left for fact, note in case.facts.items()
                      if (left := note.without(user)) is not None}
        if case.named_by == user:
            case.name = None if number == 0 else f"use case {number}"
            case.named_by = None
    kept.earlier = [case for case in kept.earlier if case.facts]
    if kept.pending is not None and kept.pending.user == user:
        kept.pending = None
    sources = kept.sources
    for fact in [fact for fact, giver in sources.cues.items() if giver == user]:
        kept.cues.pop(fact, None)
        sources.cues.pop(fact)
    if sources.clarifying == user:
        kept.clarifying = {}
        sources.clarifying = None
    if user in sources.volume_parts:
        kept.volume_parts = None
        sources.volume_parts = []
    if _scored(kept) != _scored(state):
        kept.last_result = None
        kept.stage = "gathering"
        kept.asked = None
        kept.asked_times = 0
    return kept


def _scored(state: ConversationState) -> object:
    try:
        return state.scored_facts()
    except ValidationError:
        return None


def forget_user(data: StateDocument, user: str) -> StateDocument:
    """A stored state without what `user` gave it (the store's `Scrub`). A state no version can
    read is emptied: what in it is the user's cannot be told apart."""
    if not data:
        return data
    try:
        state = ConversationState.model_validate(data)
    except ValidationError:
        log.warning("stored conversation state is unreadable; emptied to forget a participant")
        return {}
    kept = without_user(state, user)
    return data if kept == state else kept.model_dump(mode="json")
