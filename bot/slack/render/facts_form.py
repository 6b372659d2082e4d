"""The facts form: its choices, and reading a submitted form back into workload facts."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from bot import wording
from bot.conversation.asking import QUESTIONS
from bot.slack import ids
from bot.slack.render.blocks import OPTION_TEXT_MAX, Block, plain
from scoring import CATEGORICAL_FACTS, MAX_MONTHLY_TOKENS, PriceCatalog, WorkloadFacts, normalise

DAYS_PER_MONTH = 30
TOKEN_UNITS: dict[str, tuple[str, Decimal, int]] = {
    "1e3/day": ("thousand tokens per day", Decimal(10**3), DAYS_PER_MONTH),
    "1e6/day": ("million tokens per day", Decimal(10**6), DAYS_PER_MONTH),
    "1e3/month": ("thousand tokens per month", Decimal(10**3), 1),
    "1e6/month": ("million tokens per month", Decimal(10**6), 1),
    "1e9/month": ("billion tokens per month", Decimal(10**9), 1),
}
"""Unit value -> (label, tokens per unit, periods per month)."""
DEFAULT_TOKEN_UNIT = "1e6/month"

SELECT_BLOCKS: dict[str, str] = {
    ids.INPUT_RESIDENCY: "data_residency",
    ids.INPUT_SPECIALIZATION: "specialization",
    ids.INPUT_ML: "ml_expertise",
    ids.INPUT_LATENCY: "latency",
    ids.INPUT_QUALITY: "quality_bar",
    ids.INPUT_URGENCY: "time_to_market",
}
"""Select block id -> the WorkloadFacts field it sets."""
REQUIRED_SELECTS = (ids.INPUT_RESIDENCY, ids.INPUT_SPECIALIZATION, ids.INPUT_ML, ids.INPUT_LATENCY)
BLOCK_FOR_FIELD: dict[str, str] = {
    **{fact: block for block, fact in SELECT_BLOCKS.items()},
    "name": ids.INPUT_NAME,
    "monthly_tokens": ids.INPUT_TOKENS,
    "api_price_per_mtok": ids.INPUT_API_PRICE,
    "gpu_profile": ids.INPUT_GPU,
    "api_model": ids.INPUT_API_MODEL,
}
MODEL_OPTIONS_MAX = 100
"""Slack shows at most 100 options for one typed query."""
OPTION_VALUE_MAX = 150
MODEL_QUERY_MIN = 2
"""Characters typed before Slack asks for options: "4o" and "o3" are whole queries."""


def _price(amount: float) -> str:
    return f"${amount:,.2f}" if amount >= 0.1 or amount == 0 else f"${amount:.3g}"


def model_options(prices: PriceCatalog, query: str) -> list[Block]:
    """The catalog's models matching `query` as external_select options, best matches first.

    Every typed word must appear in the model's id or name ("sonnet 4.5" finds
    claude-sonnet-4-5); ids that start with the query come first, then shorter ids.
    """
    words = [normalise(word) for word in query.split() if word.strip()]
    matches = []
    for model in prices.models.values():
        if len(model.id) > OPTION_VALUE_MAX:
            continue
        haystack = f"{normalise(model.id)} {normalise(model.name)}"
        if all(word in haystack for word in words):
            key = normalise(model.id)
            matches.append((not key.startswith("-".join(words)), len(key), key, model))
    matches.sort(key=lambda match: match[:3])
    return [{"text": plain(model.id, OPTION_TEXT_MAX), "value": model.id,
             "description": plain(f"{model.provider}: {_price(model.input_per_mtok)} in, "
                                  f"{_price(model.output_per_mtok)} out per 1M tokens",
                                  OPTION_TEXT_MAX)}
            for *_, model in matches[:MODEL_OPTIONS_MAX]]


def fact_choices(fact: str) -> list[tuple[str, str]]:
    """(label, value) for each value of a categorical fact, worded as the chat words them."""
    asked = dict((value, label) for label, value in QUESTIONS.get(fact, ("", []))[1])
    return [(asked.get(value.value) or wording.fact_value(fact, value.value).capitalize(), value.value)
            for value in CATEGORICAL_FACTS[fact]]


def _input(state_values: dict[str, Any], block_id: str) -> dict[str, Any]:
    block = state_values.get(block_id) or {}
    value = block.get(block_id)
    if value is None and block:
        value = next(iter(block.values()))
    return value if isinstance(value, dict) else {}


def _selected(state_values: dict[str, Any], block_id: str) -> str | None:
    option = _input(state_values, block_id).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) and value else None


def _typed(state_values: dict[str, Any], block_id: str) -> str | None:
    value = _input(state_values, block_id).get("value")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _number(text: str | None) -> Decimal | None:
    """The number typed, or None; raises ValueError for text that is not a finite number."""
    if text is None:
        return None
    try:
        number = Decimal(text.replace(",", "").replace("_", ""))
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not number.is_finite():
        raise ValueError(text)
    return number


def _monthly_tokens(state_values: dict[str, Any], errors: dict[str, str]) -> int | None:
    unit = _selected(state_values, ids.INPUT_TOKEN_UNIT) or DEFAULT_TOKEN_UNIT
    if unit not in TOKEN_UNITS:
        errors[ids.INPUT_TOKEN_UNIT] = "Choose one of the listed units."
        return None
    try:
        number = _number(_typed(state_values, ids.INPUT_TOKENS))
    except ValueError:
        errors[ids.INPUT_TOKENS] = "Enter a number, such as 3 or 2.5."
        return None
    if number is None:
        errors[ids.INPUT_TOKENS] = "Enter the token volume, input plus output."
        return None
    if number < 0:
        errors[ids.INPUT_TOKENS] = "The volume can't be negative."
        return None
    _, size, periods = TOKEN_UNITS[unit]
    # Compare before multiplying: a typed 1e999999 must not become a billion-digit integer.
    if number > MAX_MONTHLY_TOKENS or number * size * periods > MAX_MONTHLY_TOKENS:
        errors[ids.INPUT_TOKENS] = (f"That is more than {wording.tokens(MAX_MONTHLY_TOKENS)} tokens a "
                                    "month: check the number and the unit.")
        return None
    return int((number * size * periods).to_integral_value())


def _api_price(state_values: dict[str, Any], errors: dict[str, str]) -> float | None:
    try:
        price = _number(_typed(state_values, ids.INPUT_API_PRICE))
    except ValueError:
        errors[ids.INPUT_API_PRICE] = "Enter a price in US dollars, such as 2.5."
        return None
    if price is not None and price <= 0:
        errors[ids.INPUT_API_PRICE] = "The price must be more than zero."
        return None
    return None if price is None else float(price)


def parse_facts_submission(state_values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The submitted facts-modal state (`view["state"]["values"]`) as WorkloadFacts fields.

    Returns (facts, errors); errors maps block ids to messages for
    `ack(response_action="errors", errors=errors)` and is empty when the facts validate.
    Volumes are converted to tokens per month, counting 30 days to a month.
    """
    errors: dict[str, str] = {}
    facts: dict[str, Any] = {"name": _typed(state_values, ids.INPUT_NAME)}
    for block_id, fact in SELECT_BLOCKS.items():
        facts[fact] = _selected(state_values, block_id)
        if facts[fact] is None and block_id in REQUIRED_SELECTS:
            errors[block_id] = "Choose one."
    facts["monthly_tokens"] = _monthly_tokens(state_values, errors)
    facts["api_price_per_mtok"] = _api_price(state_values, errors)
    facts["gpu_profile"] = _selected(state_values, ids.INPUT_GPU)
    facts["api_model"] = _selected(state_values, ids.INPUT_API_MODEL)
    facts = {name: value for name, value in facts.items() if value is not None}
    try:
        checked = WorkloadFacts.model_validate(facts)
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "name"
            errors.setdefault(BLOCK_FOR_FIELD.get(field, ids.INPUT_NAME), error["msg"])
        return facts, errors
    if errors:
        return facts, errors
    return checked.model_dump(mode="json", exclude_none=True), errors
