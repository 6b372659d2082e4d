"""Answers to questions about the decision in hand, from the recommendation itself.

"What would change this?" lists the flip points; "why?" the deciding factors; "why not an API?"
what argues against that option and what would lead to it; "is 20M enough to self-host?" the
answer at that volume; "what would it cost?" the cost comparison. Every line is a number the
scoring computed or a rationale it gave.
"""

from __future__ import annotations

from bot import cost_wording, wording
from bot.conversation.intent import AboutTopic
from scoring import Recommendation, ValueFlip, VolumeFlip

_TOWARD = {"open_source": 1, "proprietary": -1}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _factor_lines(result: Recommendation, sign: int | None = None, limit: int = 3) -> list[str]:
    factors = [f for f in result.factors if abs(f.contribution) >= 0.01
               and (sign is None or f.contribution * sign > 0)]
    factors.sort(key=lambda f: -abs(f.contribution))
    return [f"- {wording.fact_label(f.name)} ({wording.fact_value(f.name, f.value)}, "
            f"{f.contribution:+.2f}): {f.rationale}" for f in factors[:limit]]


def _flips_to(result: Recommendation, target: str | None) -> list[str]:
    flips: list[VolumeFlip | ValueFlip] = [
        flip for flip in result.flip_points if target is None or str(flip.recommendation) == target
        or (isinstance(flip, VolumeFlip) and flip.beyond is not None and str(flip.beyond) == target)]
    return [f"- {_cap(wording.flip_point(flip))}" for flip in flips]


def _missing_line(result: Recommendation) -> str | None:
    if not result.missing_facts or not result.answer_can_change:
        return None
    names = ", ".join(wording.fact_label(f).lower() for f in result.missing_facts)
    return f"Still unknown, and able to change it: {names}."


def flips(result: Recommendation) -> str:
    headline = wording.headline(result)
    lines = _flips_to(result, None)
    if not lines:
        parts = [f"Now: {headline}. No single change to one fact I track would change it."]
        if result.constraints:
            parts.append(f"A hard constraint decides it: {result.constraints[0].rationale.rstrip('.')}.")
    else:
        parts = [f"Now: {headline}. What would change it, all else equal:", *lines]
    missing = _missing_line(result)
    if missing:
        parts.append(missing)
    return "\n".join(parts)


def why(result: Recommendation) -> str:
    parts = [f"{wording.headline(result)}, because:"]
    parts.extend(f"- Hard constraint: {c.rationale}" for c in result.constraints)
    parts.extend(_factor_lines(result))
    cheaper = cost_wording.cheaper_line(result.cost)
    if cheaper:
        parts.append(f"- {cheaper}.")
    parts.append("Positive numbers favour self-hosting, negative the API. `details` shows the "
                 "whole answer with sources.")
    return "\n".join(parts)


def why_not(result: Recommendation, target: str) -> str:
    name = wording.choice(target)
    if str(result.recommendation) == target:
        return f"{name} is the recommendation.\n" + why(result)
    parts = [f"Why not {name[0].lower() + name[1:]}: the answer is {wording.headline(result)}."]
    parts.extend(f"- Hard constraint: {c.rationale}" for c in result.constraints)
    sign = _TOWARD.get(target)
    against = _factor_lines(result, -sign) if sign is not None else _factor_lines(result)
    if against:
        parts.append("What argues against it:")
        parts.extend(against)
    cheaper = cost_wording.cheaper_line(result.cost)
    if cheaper:
        parts.append(f"{cheaper}.")
    route = _flips_to(result, target)
    if route:
        parts.append(f"What would lead to {name[0].lower() + name[1:]}:")
        parts.extend(route)
    elif not result.constraints:
        parts.append("No single change to one fact would lead to it.")
    return "\n".join(parts)


def enough(result: Recommendation, asked: Recommendation | None, tokens: int | None) -> str:
    """`asked` is the answer at `tokens` tokens/month, when the question named a volume."""
    cost = result.cost
    parts = []
    if asked is not None and tokens is not None:
        parts.append(f"At {wording.tokens(tokens)} tokens/month, all else as you've told me: "
                     f"{wording.headline(asked)}.")
        cheaper = cost_wording.cheaper_line(asked.cost)
        if cheaper:
            parts.append(f"{cheaper}.")
    parts.append(cost_wording.break_even_line(result) + ".")
    volume_flips = [f for f in result.flip_points if isinstance(f, VolumeFlip)]
    if volume_flips:
        parts.append("By volume, all else equal:")
        parts.extend(f"- {_cap(wording.flip_point(f))}" for f in volume_flips)
    elif cost.monthly_tokens is not None and not result.constraints:
        parts.append("No volume changes the answer while the other facts stay as they are.")
    return "\n".join(parts)


def cost(result: Recommendation) -> str:
    lines = cost_wording.cost_lines(result)
    return "\n".join([*lines, cost_wording.assumptions_line(result.cost)])


def answer(topic: AboutTopic, result: Recommendation, target: str | None = None) -> str:
    if topic == "flips":
        return flips(result)
    if topic == "why_not" and target is not None:
        return why_not(result, target)
    if topic == "cost":
        return cost(result)
    return why(result)
