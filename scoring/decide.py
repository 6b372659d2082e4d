"""The decision rule itself: hard constraints first, then the weighted sum of factor levels.

Everything here works on plain values so that flip-point and question searches can call it
many thousands of times cheaply; `engine.py` builds the explained result around it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scoring.facts import WorkloadFacts
from scoring.policy import Policy
from scoring.result import CHOICES_IN_ORDER, Choice

PROPRIETARY, HYBRID, OPEN_SOURCE = 0, 1, 2


@dataclass(frozen=True)
class Decision:
    choice: int
    score: float
    forced_by_residency: bool
    capped_by_ml_expertise: bool

    @property
    def as_choice(self) -> Choice:
        return CHOICES_IN_ORDER[self.choice]


def categorical_values(facts: WorkloadFacts) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for fact in ("data_residency", "specialization", "ml_expertise", "latency",
                 "quality_bar", "time_to_market"):
        value = getattr(facts, fact)
        values[fact] = None if value is None else str(value)
    return values


def factor_score(policy: Policy, values: Mapping[str, str | None]) -> float:
    """The weighted sum of the known categorical factors: the score before volume."""
    score = 0.0
    for fact, factor in policy.factors.items():
        value = values.get(fact)
        if value is not None:
            score += factor.weight * factor.levels[value]
    return score


def decide(policy: Policy, values: Mapping[str, str | None], level: float | None) -> Decision:
    score = factor_score(policy, values)
    if level is not None:
        score += policy.volume.weight * level
    return decide_score(policy, values, score)


def decide_score(policy: Policy, values: Mapping[str, str | None], score: float) -> Decision:
    """The decision for a total `score` (factors and volume) and the rules' facts in `values`."""
    rules = policy.rules
    if rules.in_house_data_requires_self_hosting and values.get("data_residency") == "in_house_only":
        return Decision(OPEN_SOURCE, score, True, False)
    thresholds = policy.thresholds
    if score >= thresholds.open_source_at:
        choice = OPEN_SOURCE
    elif score <= thresholds.proprietary_at:
        choice = PROPRIETARY
    else:
        choice = HYBRID
    capped = (
        rules.no_ml_expertise_caps_at_hybrid
        and choice == OPEN_SOURCE
        and values.get("ml_expertise") == "none"
    )
    return Decision(HYBRID if capped else choice, score, False, capped)


def combine(choices: list[int]) -> int:
    """A portfolio whose use cases point the same way goes that way; otherwise it is hybrid."""
    first = choices[0]
    return first if all(choice == first for choice in choices) else HYBRID
