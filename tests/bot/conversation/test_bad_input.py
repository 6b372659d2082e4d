"""Bad input gets a short, clear reply and never loses state."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.conversation import ConversationState, Engine
from scoring import load_policy
from tests.helpers.dialogue import Dialogue

ENGINE = Engine(load_policy(), None)


@pytest.mark.parametrize(("message", "expected"), [
    ("", "didn't find any words"),
    ("   \n\t ", "didn't find any words"),
    ("🙂🚀🔥", "didn't find any words"),
    ("\x00\x07\x1b", "didn't find any words"),
    ("x" * 50_000, "50,000 characters"),
    ("Nuestros datos de pacientes no pueden salir del centro de datos", "couldn't find workload facts"),
    ("we do 10^15 tokens a month", "I didn't take that as monthly token volume"),
])
def test_turn_bad_input_gets_clear_reply_and_keeps_facts(message: str, expected: str) -> None:
    dialogue = Dialogue(ENGINE)
    dialogue.say("approved vendors only, about 10M tokens a month")
    before = dialogue.facts()
    replies = dialogue.say(message)
    assert any(expected in reply.text for reply in replies), [r.text for r in replies]
    assert dialogue.facts() == before


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=300), min_size=1, max_size=6))
def test_turn_random_messages_always_reply_and_keep_state_valid(messages: list[str]) -> None:
    state = ConversationState()
    for message in messages:
        state, replies = ENGINE.turn(state, message)
        assert replies
        assert all(reply.text for reply in replies)
        state = ConversationState.model_validate_json(state.model_dump_json())
        state.current.workload()
