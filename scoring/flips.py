"""Flip points: the nearest change in one fact that changes the recommendation.

Each one is found by searching the decision function itself, so every reported flip point holds
when the function is called with it. Monotonicity makes binary search exact, and it is what lets
a volume flip speak for every volume of the band it names.
"""

from __future__ import annotations

from collections.abc import Callable

from scoring.facts import MAX_MONTHLY_TOKENS, TOWARD_OPEN_SOURCE, WorkloadFacts
from scoring.result import CHOICES_IN_ORDER, ValueFlip, VolumeBand, VolumeFlip

DecideTokens = Callable[[int], int]
DecideFacts = Callable[[WorkloadFacts], int]


def _first_at_least(decide: DecideTokens, target: int, low: int, high: int) -> int:
    """Smallest volume in [low, high] whose decision is at least `target` (decide(high) is)."""
    while low < high:
        middle = (low + high) // 2
        if decide(middle) >= target:
            high = middle
        else:
            low = middle + 1
    return low


def volume_steps(decide: DecideTokens) -> list[int]:
    """Volumes at which the decision steps up: decide(v) > decide(v - 1)."""
    steps: list[int] = []
    low = 0
    bottom, top = decide(0), decide(MAX_MONTHLY_TOKENS)
    for target in range(bottom + 1, top + 1):
        if steps and decide(steps[-1]) >= target:
            continue
        step = _first_at_least(decide, target, low, MAX_MONTHLY_TOKENS)
        steps.append(step)
        low = step
    return steps


def volume_bands(decide: DecideTokens) -> list[VolumeBand]:
    """The volume axis cut into runs of one recommendation, from zero upwards, gap-free."""
    starts = [0, *volume_steps(decide)]
    bands = []
    for index, start in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else None
        bands.append(
            VolumeBand(from_tokens=start, to_tokens=end, recommendation=CHOICES_IN_ORDER[decide(start)])
        )
    return bands


def volume_flips(tokens: int, decide: DecideTokens, use_case: str | None = None) -> list[VolumeFlip]:
    """The bands next to the one holding `tokens`, above and below, each with what lies past it.

    A flip names its whole band, not only its nearest edge, so that "from here up" is never
    claimed for volumes where a further step changes the answer again.
    """
    bands = volume_bands(decide)
    here = next(index for index, band in enumerate(bands)
                if band.to_tokens is None or tokens <= band.to_tokens)
    flips: list[VolumeFlip] = []
    if here + 1 < len(bands):
        band = bands[here + 1]
        beyond = bands[here + 2].recommendation if here + 2 < len(bands) else None
        flips.append(
            VolumeFlip(direction="above", threshold=band.from_tokens,
                       recommendation=band.recommendation, use_case=use_case,
                       far_end=band.to_tokens if beyond is not None else None, beyond=beyond)
        )
    if here > 0:
        band = bands[here - 1]
        beyond = bands[here - 2].recommendation if here > 1 else None
        flips.append(
            VolumeFlip(direction="below", threshold=bands[here].from_tokens - 1,
                       recommendation=band.recommendation, use_case=use_case,
                       far_end=band.from_tokens if beyond is not None else None, beyond=beyond)
        )
    return flips


def with_fact(facts: WorkloadFacts, fact: str, value: object) -> WorkloadFacts:
    """A validated copy of `facts` with one fact changed."""
    return WorkloadFacts.model_validate({**facts.model_dump(), fact: value})


def value_flips(
    facts: WorkloadFacts, decide: DecideFacts, use_case: str | None = None
) -> list[ValueFlip]:
    """For each categorical fact, the nearest other value (each way) that changes the answer.

    Unstated optional facts (quality bar, time to market) report every value that would change
    it; unstated required facts are questions, not flip points.
    """
    current = decide(facts)
    flips: list[ValueFlip] = []
    for fact, order in TOWARD_OPEN_SOURCE.items():
        value = getattr(facts, fact)
        if value is None:
            if fact in ("quality_bar", "time_to_market"):
                candidates = [list(order)]
            else:
                continue
        else:
            position = order.index(str(value))
            candidates = [list(order[position + 1:]), list(reversed(order[:position]))]
        for direction in candidates:
            for candidate in direction:
                changed = decide(with_fact(facts, fact, candidate))
                if changed != current:
                    flips.append(
                        ValueFlip(fact=fact, value=candidate,
                                  recommendation=CHOICES_IN_ORDER[changed], use_case=use_case)
                    )
                    if value is not None:
                        break
    return flips
