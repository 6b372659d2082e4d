"""The snapshot of a turn: facts, use cases, the standing recommendation and what was asked."""

from __future__ import annotations

from bot.conversation import ConversationState, Engine, Reply
from bot.conversation.snapshot import take_snapshot
from bot.evaluation import pinned_catalog
from scoring import load_policy


def _run(messages: list[str]) -> tuple[ConversationState, list[Reply]]:
    engine = Engine(load_policy(), None, prices=pinned_catalog())
    state, replies = ConversationState(), []
    for message in messages:
        state, replies = engine.turn(state, message)
    return state, replies


def test_snapshot_names_the_fact_asked_only_in_the_turn_that_asks() -> None:
    state, replies = _run(["about 3M tokens a day of support tickets"])
    asked = take_snapshot("m", replies, [r.text for r in replies], state)
    assert asked.asked == state.asked == "data_residency"
    state, replies = _run(["about 3M tokens a day of support tickets", "status"])
    assert state.asked == "data_residency", "the state still remembers the earlier question"
    assert take_snapshot("status", replies, [r.text for r in replies], state).asked is None


def test_snapshot_of_a_portfolio_lists_every_use_case_and_the_portfolio_answer() -> None:
    state, replies = _run([
        "board memo drafting, 1M tokens a month, approved vendors, general, strong ML team, "
        "interactive",
        "add use case tagging",
        "800M tokens a month, approved vendors, niche domain, latency is relaxed",
    ])
    snapshot = take_snapshot("last", replies, [r.text for r in replies], state)
    assert len(snapshot.use_cases) == 2
    assert snapshot.use_cases[0]["monthly_tokens"] == 1_000_000
    assert snapshot.use_cases[1] == snapshot.facts
    assert snapshot.use_cases[1]["ml_expertise"] == "strong", "the team's skills carry over"
    assert state.last_result is not None and state.last_result.use_cases
    assert snapshot.recommendation == state.last_result.recommendation
