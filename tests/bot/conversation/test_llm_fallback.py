from __future__ import annotations

import json

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from bot.conversation import ConversationState, Engine
from bot.llm_fallback import EVIDENCE, LLMFallbackExtractor, load_fallback
from scoring import load_policy


def _fallback(*answers: str) -> tuple[LLMFallbackExtractor, FakeListChatModel]:
    model = FakeListChatModel(responses=list(answers))
    return LLMFallbackExtractor(model), model


def test_fallback_reads_what_the_rules_cannot() -> None:
    fallback, _ = _fallback(json.dumps({"latency": "critical", "monthly_tokens": 40000000}))
    result = fallback("our users hammer the thing all day and hate waiting on it")
    assert result.facts == {"latency": "critical", "monthly_tokens": 40_000_000}
    assert result.evidence["latency"] == EVIDENCE


def test_fallback_is_not_called_when_rules_find_facts() -> None:
    fallback, model = _fallback(json.dumps({"latency": "relaxed"}))
    result = fallback("about 3M tokens a day")
    assert result.facts == {"monthly_tokens": 90_000_000}
    assert model.i == 0, "the model was never asked"


def test_fallback_skips_questions_and_short_messages() -> None:
    fallback, model = _fallback(json.dumps({"latency": "relaxed"}))
    assert fallback("why does latency matter?").facts == {}
    assert fallback("ok").facts == {}
    assert model.i == 0


def test_fallback_rejects_invalid_model_output() -> None:
    fallback, _ = _fallback(json.dumps({"latency": "warp speed"}))
    assert fallback("our users hammer the thing all day and hate waiting").facts == {}
    fallback, _ = _fallback("not json at all")
    assert fallback("our users hammer the thing all day and hate waiting").facts == {}
    fallback, _ = _fallback(json.dumps({"monthly_tokens": -5}))
    assert fallback("our users hammer the thing all day and hate waiting").facts == {}


def test_fallback_in_the_engine_notes_the_facts() -> None:
    fallback, _ = _fallback(json.dumps({"ml_expertise": "none"}))
    engine = Engine(load_policy(), None, extractor=fallback)
    state, replies = engine.turn(ConversationState(), "frankly our folks are all frontend people")
    assert state.current.values() == {"ml_expertise": "none"}
    assert replies[0].text.startswith("Noted: ML engineering skill: none")


def test_load_fallback_unknown_provider_returns_none() -> None:
    assert load_fallback("no-such-provider:model-x") is None
