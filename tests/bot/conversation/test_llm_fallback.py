from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from pydantic import ValidationError

from bot.conversation import ConversationState, Engine
from bot.extraction.model import STATED_FACTS
from bot.llm_fallback import EVIDENCE, LLMFallbackExtractor, answer_schema, load_fallback, read_answer
from scoring import WorkloadFacts, load_policy


def _fallback(*answers: str) -> tuple[LLMFallbackExtractor, FakeListChatModel]:
    model = FakeListChatModel(responses=list(answers))
    return LLMFallbackExtractor(model), model


def test_fallback_reads_what_the_rules_cannot() -> None:
    fallback, _ = _fallback(json.dumps({"latency": "critical", "monthly_tokens": 40000000}))
    result = fallback("our users hammer the thing all day and hate waiting on it")
    assert result.stated() == {"latency": "critical", "monthly_tokens": 40_000_000}
    assert result.evidence["latency"] == EVIDENCE


def test_fallback_keeps_only_facts_a_message_can_state() -> None:
    answer = {"latency": "relaxed", "name": "triage", "gpu_profile": "a10g-8b", "notes": "batch"}
    fallback, _ = _fallback(json.dumps(answer))
    result = fallback("our users hammer the thing all day and hate waiting")
    assert result.facts == WorkloadFacts(latency="relaxed")
    assert result.evidence == {"latency": EVIDENCE}


def test_fallback_asks_for_the_workload_facts_a_message_can_state() -> None:
    assert list(answer_schema()["properties"]) == list(STATED_FACTS)
    assert read_answer({"latency": None, "monthly_tokens": 5}) == WorkloadFacts(monthly_tokens=5)
    with pytest.raises(ValidationError):
        read_answer(["latency", "critical"])


def test_fallback_is_not_called_when_rules_find_facts() -> None:
    fallback, model = _fallback(json.dumps({"latency": "relaxed"}))
    result = fallback("about 3M tokens a day")
    assert result.stated() == {"monthly_tokens": 90_000_000}
    assert model.i == 0, "the model was never asked"


def test_fallback_skips_questions_and_short_messages() -> None:
    fallback, model = _fallback(json.dumps({"latency": "relaxed"}))
    assert fallback("why does latency matter?").stated() == {}
    assert fallback("ok").stated() == {}
    assert model.i == 0


def test_fallback_rejects_invalid_model_output() -> None:
    fallback, _ = _fallback(json.dumps({"latency": "warp speed"}))
    assert fallback("our users hammer the thing all day and hate waiting").stated() == {}
    fallback, _ = _fallback("not json at all")
    assert fallback("our users hammer the thing all day and hate waiting").stated() == {}
    fallback, _ = _fallback(json.dumps({"monthly_tokens": -5}))
    assert fallback("our users hammer the thing all day and hate waiting").stated() == {}


def test_fallback_in_the_engine_notes_the_facts() -> None:
    fallback, _ = _fallback(json.dumps({"ml_expertise": "none"}))
    engine = Engine(load_policy(), None, extractor=fallback)
    state, replies = engine.turn(ConversationState(), "frankly our folks are all frontend people")
    assert state.current.workload() == WorkloadFacts(ml_expertise="none")
    assert replies[0].text.startswith("Noted: ML engineering skill: none")


def test_load_fallback_unknown_provider_returns_none() -> None:
    assert load_fallback("no-such-provider:model-x") is None
