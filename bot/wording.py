"""Wording shared by every renderer: numbers, choices, facts and flip points. Imports only scoring."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from scoring import Choice, Recommendation, ValueFlip, VolumeFlip, compact_tokens

CHOICE_LABELS: dict[str, str] = {
    "proprietary": "Proprietary model via API",
    "open_source": "Self-hosted open-weight model",
    "hybrid": "Hybrid: API and open models side by side",
}

FACT_LABELS: dict[str, str] = {
    "data_residency": "Data residency",
    "specialization": "Task specialisation",
    "monthly_tokens": "Monthly token volume",
    "ml_expertise": "ML engineering skill",
    "latency": "Latency needs",
    "quality_bar": "Quality bar",
    "time_to_market": "Time to market",
    "api_model": "API model",
    "api_price_per_mtok": "API price",
    "api_input_price_per_mtok": "API input price",
    "api_output_price_per_mtok": "API output price",
    "output_share": "Output share",
    "gpu_profile": "GPU profile",
    "engineering_fte": "Operations effort",
}

VALUE_LABELS: dict[str, str] = {
    "in_house_only": "must stay in-house",
    "approved_vendors": "approved vendors only",
    "unrestricted": "no restriction",
    "general": "general",
    "moderate": "moderately specialised",
    "niche": "niche domain",
    "none": "none",
    "some": "some",
    "strong": "strong",
    "critical": "critical",
    "interactive": "interactive",
    "relaxed": "relaxed",
    "peak": "best available",
    "standard": "standard",
    "urgent": "urgent",
    "normal": "normal",
    "unknown": "unknown",
}


def tokens(count: int | None) -> str:
    """A compact token count: 950k, 90M, 1.2B, as scoring's own reasons write it."""
    return "unknown" if count is None else compact_tokens(count)


def money(amount: float | None) -> str:
    if amount is None:
        return "n/a"
    if amount >= 100:
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"


def choice(value: Choice | str) -> str:
    return CHOICE_LABELS[str(value)]


def fact_label(fact: str) -> str:
    """A fact's name as people say it, e.g. 'Monthly token volume'; unknown names as they are."""
    return FACT_LABELS.get(fact, fact)


def headline(result: Recommendation) -> str:
    """The answer in a line, e.g. 'Proprietary model via API (low confidence)'."""
    return f"{choice(result.recommendation)} ({result.confidence} confidence)"


def what_if(changes: Mapping[str, str | int | float]) -> str:
    """A hypothetical's changes as a question, e.g. 'What if 5B tokens/month, critical'."""
    return "What if " + ", ".join(fact_value(fact, str(value)) for fact, value in changes.items())


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def fact_value(fact: str, value: str) -> str:
    if fact == "monthly_tokens" and value.isdigit():
        return f"{tokens(int(value))} tokens/month"
    number = _number(value) if fact in COST_UNITS else None
    if number is not None:
        return COST_UNITS[fact](number)
    if fact in ("api_model", "gpu_profile"):
        return value
    return VALUE_LABELS.get(value, value)


def _price(amount: float) -> str:
    shown = f"${amount:,.2f}" if amount >= 0.1 or amount == 0 else f"${amount:.3g}"
    return f"{shown} per 1M tokens"


COST_UNITS: dict[str, Callable[[float], str]] = {
    "api_price_per_mtok": lambda n: f"{_price(n)}, blended",
    "api_input_price_per_mtok": lambda n: _price(n).replace("tokens", "input tokens"),
    "api_output_price_per_mtok": lambda n: _price(n).replace("tokens", "output tokens"),
    "output_share": lambda n: f"{n:.0%} of tokens are output",
    "engineering_fte": lambda n: f"{n:g} engineer-months per month",
}
"""How a stated cost input reads: "$2.50 per 1M input tokens", "0.5 engineer-months per month"."""


def flip_point(flip: VolumeFlip | ValueFlip) -> str:
    """A flip point in words, true for every volume or value it names.

    e.g. 'at 57.4M tokens/month (57,434,918) or more → Self-hosted open-weight model', or, when a
    further step lies past it, 'from 43.5M to 75.8M tokens/month (43,527,529 to 75,785,828) →
    Hybrid: ...; below 43.5M → Proprietary model via API'.
    """
    prefix = f"{flip.use_case}: " if flip.use_case else ""
    target = choice(flip.recommendation)
    if isinstance(flip, VolumeFlip):
        return prefix + _volume_flip(flip, target)
    label = FACT_LABELS.get(flip.fact, flip.fact).lower()
    return f"{prefix}if {label} were {fact_value(flip.fact, flip.value)} → {target}"


def _volume_flip(flip: VolumeFlip, target: str) -> str:
    if flip.far_end is None or flip.beyond is None:
        side = "more" if flip.direction == "above" else "less"
        return f"at {tokens(flip.threshold)} tokens/month ({flip.threshold:,}) or {side} → {target}"
    low, high = sorted((flip.threshold, flip.far_end))
    band = f"from {tokens(low)} to {tokens(high)} tokens/month ({low:,} to {high:,}) → {target}"
    if flip.direction == "above":
        return f"{band}; above {tokens(high)} → {choice(flip.beyond)}"
    return f"{band}; below {tokens(low)} → {choice(flip.beyond)}"
