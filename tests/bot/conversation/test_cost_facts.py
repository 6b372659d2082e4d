"""Prices, the API model, the GPU profile and effort told in chat price the answer."""

from __future__ import annotations

import pytest

from bot.conversation import Engine
from scoring import load_policy
from tests.helpers.dialogue import Dialogue, advice_of, kinds
from tests.helpers.prices import pinned_prices

WORKLOAD = ("data residency: unrestricted, specialization: general, about 50M tokens a month, "
            "no ML team, interactive chat")


@pytest.fixture
def dialogue() -> Dialogue:
    talk = Dialogue(Engine(load_policy(), None, prices=pinned_prices()))
    talk.say(WORKLOAD)
    return talk


@pytest.mark.parametrize(("message", "blended"), [
    # Default output share 30%: 2.50 x 0.7 + 10 x 0.3 = 4.75.
    ("we pay $2.50/M in and $10/M out", 4.75),
    ("input is $3 per 1M tokens, output $15 per 1M tokens", 6.6),
    ("about $2 per million blended", 2.0),
    ("they charge 4 dollars per million tokens", 4.0),
])
def test_chat_prices_price_the_answer(dialogue: Dialogue, message: str, blended: float) -> None:
    replies = dialogue.say(message)
    assert replies[0].kind == "noted"
    cost = advice_of(replies).advice.result.cost  # type: ignore[union-attr]
    assert cost.blended_api_price_per_mtok == pytest.approx(blended)
    assert not any("Give your API price" in reply.text for reply in replies)


def test_chat_output_share_reweights_the_stated_prices(dialogue: Dialogue) -> None:
    dialogue.say("we pay $2.50/M in and $10/M out")
    replies = dialogue.say("70% of tokens are output")
    assert "Output share: 70% of tokens are output" in replies[0].text
    cost = advice_of(replies).advice.result.cost  # type: ignore[union-attr]
    assert cost.blended_api_price_per_mtok == pytest.approx(2.5 * 0.3 + 10 * 0.7)


def test_chat_named_model_is_priced_from_the_catalog(dialogue: Dialogue) -> None:
    replies = dialogue.say("we'd use gpt-4o-mini")
    assert 'Noted: API model: gpt-4o-mini (from "gpt-4o-mini")' in replies[0].text
    cost = advice_of(replies).advice.result.cost  # type: ignore[union-attr]
    assert cost.api_model == "gpt-4o-mini"
    model = pinned_prices().get("gpt-4o-mini")
    assert cost.blended_api_price_per_mtok == pytest.approx(model.blended(0.3))


def test_chat_family_name_is_the_newest_and_the_echo_says_which(dialogue: Dialogue) -> None:
    replies = dialogue.say("Claude Sonnet")
    assert ("API model: claude-sonnet-4-5 (Claude Sonnet: the newest of that family in the "
            "price catalog)") in replies[0].text
    assert dialogue.facts()["api_model"] == "claude-sonnet-4-5"


def test_chat_unknown_model_names_the_closest_and_stores_nothing(dialogue: Dialogue) -> None:
    replies = dialogue.say("we would use gpt-4o-mni")
    assert kinds(replies)[0] == "notice"
    assert "I didn't take that as API model: gpt-4o-mni is not in the price catalog" in replies[0].text
    assert "closest known: gpt-4o-mini" in replies[0].text
    assert "api_model" not in dialogue.facts()


def test_chat_gpu_profile_and_effort_price_the_self_hosted_side(dialogue: Dialogue) -> None:
    replies = dialogue.say("if we self-host it'd be an 8B on A100s, about half an engineer to run it")
    assert 'GPU profile: a100-8b (from "8B on A100s")' in replies[0].text
    assert "Operations effort: 0.5 engineer-months per month" in replies[0].text
    result = advice_of(replies).advice.result  # type: ignore[union-attr]
    assert result.cost.gpu_profile == "a100-8b"
    effort = next(a for a in result.cost.assumptions if a.name == "engineering_fte")
    assert (effort.value, effort.source) == (0.5, "stated by the team")


def test_chat_a_new_price_form_replaces_the_other(dialogue: Dialogue) -> None:
    dialogue.say("we pay $2.50/M in and $10/M out")
    dialogue.say("actually about $2 per million blended")
    assert "api_input_price_per_mtok" not in dialogue.facts()
    dialogue.say("no, $3/M in and $15/M out")
    assert "api_price_per_mtok" not in dialogue.facts()
    assert dialogue.facts()["api_input_price_per_mtok"] == 3.0


def test_chat_two_models_are_asked_and_a_quick_answer_settles_it(dialogue: Dialogue) -> None:
    replies = dialogue.say("gpt-4o for hard ones and gpt-4o-mini for easy ones")
    question = replies[-1]
    assert question.text.startswith("You said two things about API model: gpt-4o or gpt-4o-mini")
    dialogue.say(question.quick_answers[1].value)
    assert dialogue.facts()["api_model"] == "gpt-4o-mini"


def test_chat_set_command_refuses_a_model_the_catalog_lacks(dialogue: Dialogue) -> None:
    replies = dialogue.say("set api_model gpt-9")
    assert "not in the price catalog" in replies[0].text
    assert "api_model" not in dialogue.facts()
