"""Stored conversation state: typed in memory, the same JSON on disk as before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.conversation import ConversationState, Engine, UseCase
from bot.conversation.state import MAX_NAME, FactNote
from scoring import Recommendation, WorkloadFacts, load_policy, recommend

SAVED = Path(__file__).parent / "data" / "saved_state.json"
"""A portfolio conversation as the version that kept `last_result` as a plain dict saved it."""


def _saved() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAVED.read_text(encoding="utf-8"))
    return data


def test_state_saved_with_a_result_dict_loads_typed() -> None:
    state = ConversationState.model_validate(_saved())
    assert isinstance(state.last_result, Recommendation)
    assert state.last_result.kind == "portfolio" and state.last_result.recommendation == "hybrid"
    assert [case.name for case in state.last_result.use_cases] == ["use case 1", "ticket triage"]
    assert state.current.name == "ticket triage" and len(state.earlier) == 1
    assert state.clarifying == {"data_residency": ["in_house_only", "approved_vendors"]}


def test_state_saved_before_dumps_to_the_same_json() -> None:
    saved = _saved()
    assert ConversationState.model_validate(saved).model_dump(mode="json") == saved


def test_state_saved_before_continues_the_conversation() -> None:
    engine = Engine(load_policy(), None)
    state, replies = engine.turn(ConversationState.model_validate(_saved()), "1")
    assert replies[0].text.startswith("Updated: Data residency")
    assert state.current.facts["data_residency"].value == "in_house_only"
    assert state.last_result is not None and state.last_result.kind == "portfolio"


def test_state_result_of_another_shape_is_dropped_not_the_conversation() -> None:
    saved = _saved()
    saved["last_result"] = {"kind": "workload", "recommendation": "proprietary"}
    state = ConversationState.model_validate(saved)
    assert state.last_result is None
    assert state.current.facts["monthly_tokens"].value == 900_000_000


def test_use_case_workload_is_its_facts_with_its_name() -> None:
    case = UseCase(name="triage", facts={
        "data_residency": FactNote(value="approved_vendors", evidence="approved vendors"),
        "monthly_tokens": FactNote(value=90_000_000, evidence="3M tokens a day")})
    assert case.workload() == WorkloadFacts(name="triage", data_residency="approved_vendors",
                                            monthly_tokens=90_000_000)
    assert UseCase().workload() == WorkloadFacts()


def test_use_case_workload_shortens_a_name_scoring_would_refuse() -> None:
    case = UseCase(name="x" * (MAX_NAME + 50))
    assert case.workload().name == "x" * MAX_NAME


def test_long_use_case_name_still_ends_in_advice() -> None:
    engine = Engine(load_policy(), None)
    state = ConversationState()
    for message in ["public data, generic email summaries, 2M tokens a month",
                    "add use case " + "x" * 300,
                    "on-prem only, niche legal templates, 900M tokens a month, strong ML team, batch"]:
        state, replies = engine.turn(state, message)
    assert replies[-1].advice is not None
    assert state.last_result is not None and state.last_result.kind == "portfolio"


def test_start_with_facts_takes_workload_facts_and_their_name() -> None:
    facts = WorkloadFacts(name="Form", data_residency="unrestricted", specialization="general",
                          monthly_tokens=2_000_000, api_price_per_mtok=3.0)
    state, replies = Engine(load_policy(), None).start_with_facts(facts)
    assert state.current.name == "Form"
    assert state.current.workload() == facts
    assert all(note.evidence == "the form" for note in state.current.facts.values())
    assert replies[-1].advice is not None
    assert state.last_result == recommend(facts, load_policy())

