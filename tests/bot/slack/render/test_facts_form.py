from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from bot.slack import ids
from bot.slack.render import facts_modal, parse_facts_submission
from scoring import WorkloadFacts, load_policy
from scoring.facts import CATEGORICAL_FACTS
from tests.helpers.render import SlackApi


def state_values(view: dict[str, Any], typed: Mapping[str, str | None]) -> dict[str, Any]:
    """What Slack sends back in view["state"]["values"] after the user fills the form in."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        chosen = typed.get(block["block_id"])
        if element["type"] == "static_select":
            option = next((o for o in element["options"] if o["value"] == chosen),
                          element.get("initial_option"))
            entry = {"type": "static_select", "selected_option": option}
        else:
            entry = {"type": element["type"], "value": chosen}
        values[block["block_id"]] = {element["action_id"]: entry}
    return values


FILLED = {ids.INPUT_NAME: "  Claims coding ", ids.INPUT_RESIDENCY: "in_house_only",
          ids.INPUT_SPECIALIZATION: "niche", ids.INPUT_ML: "strong", ids.INPUT_LATENCY: "relaxed",
          ids.INPUT_TOKENS: "3", ids.INPUT_TOKEN_UNIT: "1e6/day"}


def test_facts_modal_is_a_valid_modal_with_every_fact(slack_api: SlackApi) -> None:
    view = facts_modal('{"channel": "C1", "user": "U1"}', load_policy())
    slack_api.open(view)
    assert (view["type"], view["callback_id"]) == ("modal", ids.FACTS_MODAL)
    assert view["submit"]["text"] == "Get advice" and len(view["title"]["text"]) <= 24
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert all(b["element"]["action_id"] == block_id for block_id, b in inputs.items())
    required = {ids.INPUT_RESIDENCY, ids.INPUT_SPECIALIZATION, ids.INPUT_ML, ids.INPUT_LATENCY,
                ids.INPUT_TOKENS, ids.INPUT_TOKEN_UNIT}
    assert {k for k, b in inputs.items() if not b["optional"]} == required
    for fact, enum in CATEGORICAL_FACTS.items():
        assert [o["value"] for o in inputs[fact]["element"]["options"]] == [v.value for v in enum]
    tokens = inputs[ids.INPUT_TOKENS]["element"]
    assert (tokens["type"], tokens["is_decimal_allowed"], tokens["min_value"]) == ("number_input", True, "0")
    unit = inputs[ids.INPUT_TOKEN_UNIT]["element"]
    assert unit["initial_option"]["text"]["text"] == "million tokens per month"
    assert inputs[ids.INPUT_API_PRICE]["label"]["text"] == "Blended API price, USD per 1M tokens"
    gpus = inputs[ids.INPUT_GPU]["element"]["options"]
    assert [o["value"] for o in gpus] == [p.name for p in load_policy().cost.gpu_profiles]
    assert gpus[0]["description"]["text"] == load_policy().cost.gpu_profiles[0].description


def test_parse_facts_submission_round_trip_converts_volume_to_monthly() -> None:
    view = facts_modal("{}", load_policy())
    facts, errors = parse_facts_submission(state_values(view, FILLED))
    assert errors == {}
    assert WorkloadFacts.model_validate(facts) == WorkloadFacts(
        name="Claims coding", data_residency="in_house_only", specialization="niche",
        monthly_tokens=90_000_000, ml_expertise="strong", latency="relaxed")


@pytest.mark.parametrize(("number", "unit", "expected"), [
    ("2.5", "1e9/month", 2_500_000_000), ("20", "1e3/day", 600_000), ("750", "1e3/month", 750_000),
    ("0", "1e6/month", 0), ("1,500", "1e6/month", 1_500_000_000)])
def test_parse_facts_submission_units(number: str, unit: str, expected: int) -> None:
    typed = {**FILLED, ids.INPUT_TOKENS: number, ids.INPUT_TOKEN_UNIT: unit}
    facts, errors = parse_facts_submission(state_values(facts_modal("{}", load_policy()), typed))
    assert errors == {} and facts["monthly_tokens"] == expected


def test_parse_facts_submission_optional_inputs() -> None:
    typed = {**FILLED, ids.INPUT_QUALITY: "peak", ids.INPUT_URGENCY: "urgent",
             ids.INPUT_API_PRICE: "6.6", ids.INPUT_GPU: "a100-8b"}
    facts, errors = parse_facts_submission(state_values(facts_modal("{}", load_policy()), typed))
    assert errors == {}
    optional = ("quality_bar", "time_to_market", "api_price_per_mtok", "gpu_profile")
    assert {name: facts[name] for name in optional} == {
        "quality_bar": "peak", "time_to_market": "urgent", "api_price_per_mtok": 6.6,
        "gpu_profile": "a100-8b"}


@pytest.mark.parametrize(("block_id", "typed", "words"), [
    (ids.INPUT_TOKENS, "-5", "negative"),
    (ids.INPUT_TOKENS, "lots", "number"),
    (ids.INPUT_TOKENS, "NaN", "number"),
    (ids.INPUT_TOKENS, "99999999", "more than 10T"),
    (ids.INPUT_TOKENS, "1e999999999", "more than 10T"),
    (ids.INPUT_TOKENS, None, "token volume"),
    (ids.INPUT_API_PRICE, "0", "more than zero"),
    (ids.INPUT_API_PRICE, "free", "price"),
    (ids.INPUT_API_PRICE, "5000", "less than or equal to 1000"),
])
def test_parse_facts_submission_bad_numbers_name_their_block(block_id: str, typed: str | None,
                                                             words: str) -> None:
    values = state_values(facts_modal("{}", load_policy()),
                          {**FILLED, ids.INPUT_TOKEN_UNIT: "1e6/day", block_id: typed})
    _, errors = parse_facts_submission(values)
    assert list(errors) == [block_id]
    assert words in errors[block_id]


def test_parse_facts_submission_missing_required_choice_and_bad_unit() -> None:
    values = state_values(facts_modal("{}", load_policy()), {**FILLED, ids.INPUT_LATENCY: None})
    values[ids.INPUT_TOKEN_UNIT][ids.INPUT_TOKEN_UNIT]["selected_option"] = {"value": "1e12/hour"}
    _, errors = parse_facts_submission(values)
    assert set(errors) == {ids.INPUT_LATENCY, ids.INPUT_TOKEN_UNIT}


def test_parse_facts_submission_unknown_select_value_is_reported() -> None:
    values = state_values(facts_modal("{}", load_policy()), FILLED)
    values[ids.INPUT_RESIDENCY][ids.INPUT_RESIDENCY]["selected_option"] = {"value": "moon"}
    _, errors = parse_facts_submission(values)
    assert list(errors) == [ids.INPUT_RESIDENCY]
