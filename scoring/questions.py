"""Which missing fact to ask about next, and whether asking can still change the answer."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict

from scoring.catalog import PriceCatalog
from scoring.comparison import scoring_scale
from scoring.decide import categorical_values, decide_score, factor_score
from scoring.facts import REQUIRED_FACTS, TOWARD_OPEN_SOURCE, WorkloadFacts
from scoring.policy import Policy, load_policy
from scoring.result import CHOICES_IN_ORDER, Choice
from scoring.volume import VolumeScale, volume_level

COST_FACTS = ("data_residency", "specialization")
"""The missing facts whose answer changes the prices compared, and so the volume scale."""


class Question(BaseModel):
    """A missing fact, with how much its answer could still move the recommendation."""

    model_config = ConfigDict(frozen=True)

    fact: str
    can_change: bool
    impact: float
    """Share of the possible answers to the other missing facts in which this fact decides."""
    reachable: list[Choice]
    """The recommendations its possible values lead to, over all possible other answers."""


class _Space:
    """The facts still open, and the decision for any way of filling them in."""

    def __init__(self, facts: WorkloadFacts, policy: Policy, prices: PriceCatalog | None) -> None:
        self.facts = facts
        self.policy = policy
        self.prices = prices
        self.values = categorical_values(facts)
        self.missing = facts.missing()
        self._scales: dict[tuple[str | None, str | None], VolumeScale] = {}
        # Each fact's examination walks the same completions: score each one once.
        self._scores: dict[tuple[tuple[str, str | None], ...], float] = {}

    def scale(self, values: dict[str, str | None]) -> VolumeScale:
        """The volume scale under `values`: residency changes the API price and specialisation
        the pairing of models compared."""
        key = (values.get("data_residency"), values.get("specialization"))
        if key not in self._scales:
            update = {fact: value for fact, value in zip(COST_FACTS, key, strict=True)
                      if value is not None and getattr(self.facts, fact) is None}
            variant = self.facts.model_copy(update=update) if update else self.facts
            self._scales[key] = scoring_scale(variant, self.policy, self.prices)
        return self._scales[key]

    def known_level(self, values: dict[str, str | None]) -> float | None:
        """Volume level of the stated volume under `values`."""
        return volume_level(self.facts.monthly_tokens, self.scale(values), self.policy)

    def token_range(self, values: dict[str, str | None]) -> tuple[float, float]:
        """The volume levels an unstated volume could take under `values`."""
        scale = self.scale(values)
        if scale.break_even is None:
            return (-1.0, -1.0)
        return (-1.0, 0.0 if scale.settled is None else 1.0)

    def completions(self, free: list[str]) -> Iterator[dict[str, str | None]]:
        categorical = [fact for fact in free if fact != "monthly_tokens"]
        for combo in itertools.product(*(TOWARD_OPEN_SOURCE[fact] for fact in categorical)):
            values = dict(self.values)
            values.update(zip(categorical, combo, strict=True))
            yield values

    def score_without_volume(self, values: dict[str, str | None]) -> float:
        key = tuple(values.items())
        score = self._scores.get(key)
        if score is None:
            score = self._scores[key] = factor_score(self.policy, values)
        return score

    def choice(self, values: dict[str, str | None], level: float | None) -> int:
        """`decide(policy, values, level).choice`, from the remembered factor score."""
        score = self.score_without_volume(values)
        if level is not None:
            score += self.policy.volume.weight * level
        return decide_score(self.policy, values, score).choice

    def critical_levels(self, scores: list[float], bounds: tuple[float, float]) -> list[float]:
        """Volume levels at and between which the decision for any of `scores` can step."""
        low, high = bounds
        weight = self.policy.volume.weight
        points = {low, high}
        if weight > 0:
            for score in scores:
                for threshold in (self.policy.thresholds.open_source_at,
                                  self.policy.thresholds.proprietary_at):
                    level = (threshold - score) / weight
                    if low <= level <= high:
                        points.add(level)
        ordered = sorted(points)
        middles = [(a + b) / 2 for a, b in itertools.pairwise(ordered)]
        return sorted(set(ordered) | set(middles))


def _examine(space: _Space, fact: str) -> Question:
    others = [other for other in space.missing if other != fact]
    tokens_open = "monthly_tokens" in space.missing
    contexts = deciding = 0
    reachable: set[int] = set()
    for values in space.completions(others):
        contexts += 1
        decided_here = False
        if fact == "monthly_tokens":
            low, high = space.token_range(values)
            choices = {space.choice(values, level) for level in (low, high)}
            reachable |= choices
            decided_here = len(choices) > 1
        else:
            variants = [{**values, fact: option} for option in TOWARD_OPEN_SOURCE[fact]]
            if tokens_open and fact in COST_FACTS:
                # The variants score the same volume on different scales: compare every choice
                # each can reach over the whole volume axis (this may overstate, never miss).
                options = [{space.choice(variant, level)
                            for level in space.critical_levels(
                                [space.score_without_volume(variant)], space.token_range(variant))}
                           for variant in variants]
                reachable |= set().union(*options)
                decided_here = len(set().union(*options)) > 1
            elif tokens_open:
                bounds = space.token_range(values)
                scores = [space.score_without_volume(variant) for variant in variants]
                for level in space.critical_levels(scores, bounds):
                    choices = {space.choice(variant, level) for variant in variants}
                    reachable |= choices
                    decided_here = decided_here or len(choices) > 1
            else:
                choices = {space.choice(variant, space.known_level(variant)) for variant in variants}
                reachable |= choices
                decided_here = len(choices) > 1
        deciding += decided_here
    impact = deciding / contexts if contexts else 0.0
    return Question(fact=fact, can_change=deciding > 0, impact=round(impact, 4),
                    reachable=[CHOICES_IN_ORDER[choice] for choice in sorted(reachable)])


def next_questions(facts: WorkloadFacts, policy: Policy | None = None,
                   prices: PriceCatalog | None = None) -> list[Question]:
    """The missing required facts, most decision-relevant first.

    A fact whose every possible answer leads to the same recommendation, whatever the other
    missing facts turn out to be, comes last and is marked `can_change=False`.
    """
    space = _Space(facts, policy or load_policy(), prices)
    questions = [_examine(space, fact) for fact in space.missing]
    return sorted(
        questions,
        key=lambda q: (not q.can_change, -q.impact, REQUIRED_FACTS.index(q.fact)),
    )


def answer_can_change(facts: WorkloadFacts, policy: Policy | None = None,
                      prices: PriceCatalog | None = None) -> bool:
    """Whether any answer to the missing facts could still change the recommendation."""
    return any(question.can_change for question in next_questions(facts, policy, prices))
