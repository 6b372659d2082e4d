"""What the volume factor is scored against, and where a volume sits on that scale.

Under the computed basis (the default) volume is scored against the break-even computed from
the prices in force, so the factor argues for self-hosting only where the cost comparison says
it costs less, and for the API only where the API does. The framework's rule of thumb stays on
the scale as the reference point the explanation cites.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from scoring.facts import WorkloadFacts
from scoring.policy import Policy

if TYPE_CHECKING:
    from scoring.cost import CostModel

Basis = Literal["computed", "policy_default"]


@dataclass(frozen=True)
class VolumeScale:
    """The break-even points one workload's volume is scored against.

    Below `break_even` volume argues for the API; from `settled` on, for self-hosting; between
    them (where whole-replica steps make the cheaper option alternate) it is neutral. Both are
    None when self-hosting never costs less; `settled` alone is None when it never stays cheaper.
    """

    basis: Basis
    break_even: int | None
    settled: int | None
    rule_of_thumb: int


def volume_scale(facts: WorkloadFacts, policy: Policy, model: CostModel) -> VolumeScale:
    """The scale for `facts` under the policy's basis, from the cost model of those facts.

    The rule-of-thumb basis keeps the framework's figure for facts that carry no prices of
    their own, and computes it for those that do.
    """
    rule_of_thumb = policy.volume.default_break_even_tokens
    if policy.volume.basis == "rule_of_thumb" and not facts.has_cost_inputs():
        return VolumeScale("policy_default", rule_of_thumb, rule_of_thumb, rule_of_thumb)
    return VolumeScale("computed", model.break_even(), model.settled_break_even(), rule_of_thumb)


def volume_level(tokens: int | None, scale: VolumeScale, policy: Policy) -> float | None:
    """Where the volume sits on `scale`, from -1 (far below) to 1 (far above); None if unknown.

    Logarithmic, because a workload at twice the break-even is as far above it as one at half is
    below. With no break-even at all (self-hosting never costs less at these prices) volume
    argues fully for the API at any size. The level never falls as the volume grows.
    """
    if tokens is None:
        return None
    if scale.break_even is None or tokens == 0:
        return -1.0
    ratio = policy.volume.saturation_ratio
    if tokens < scale.break_even:
        return max(-1.0, math.log(tokens / scale.break_even) / math.log(ratio))
    if scale.settled is None or tokens < scale.settled:
        return 0.0
    return min(1.0, math.log(tokens / scale.settled) / math.log(ratio))
