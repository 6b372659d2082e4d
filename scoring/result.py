"""What the scoring engine returns: typed, serialisable, and free of prose templates."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)


class Choice(StrEnum):
    PROPRIETARY = "proprietary"
    HYBRID = "hybrid"
    OPEN_SOURCE = "open_source"


CHOICES_IN_ORDER: tuple[Choice, ...] = (Choice.PROPRIETARY, Choice.HYBRID, Choice.OPEN_SOURCE)
"""From most pro-API to most pro-self-hosting; the engine is monotone in this order."""


class Confidence(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Factor(_Frozen):
    """One weighted factor. A positive contribution argues for self-hosting."""

    name: str
    value: str
    weight: float
    level: float
    contribution: float
    rationale: str
    topic: str


class Constraint(_Frozen):
    """A hard rule that fired and what it did to the answer."""

    name: str
    fact: str
    value: str
    effect: str
    rationale: str
    topic: str


class Caveat(_Frozen):
    text: str
    topic: str


class Assumption(_Frozen):
    name: str
    value: float | int | str
    unit: str
    source: str


class HybridRoute(_Frozen):
    """One part of a hybrid split: which traffic goes where, and what it costs a month."""

    traffic: str
    """The use case, or the share of one workload's requests, routed this way."""
    destination: Literal["api", "self_host", "managed_open"]
    monthly_tokens: int
    monthly_cost: float


class HybridSplit(_Frozen):
    routes: list[HybridRoute]
    monthly_cost: float


class CostComparison(_Frozen):
    """Monthly cost of the API and of self-hosting, with every assumption named."""

    monthly_tokens: int | None
    api_model: str | None = None
    """The API model priced; None when the team stated a price without naming one."""
    api_price_source: str = "policy"
    self_host_model: str = ""
    """The open model class the self-hosted cost is for."""
    catalog: str | None = None
    """The price catalog and version the prices came from, if any."""
    blended_api_price_per_mtok: float
    monthly_api_cost: float | None
    monthly_self_host_cost: float | None
    self_host_breakdown: dict[str, float]
    replicas: int | None
    gpu_profile: str
    gpu_utilisation: float | None
    self_host_cost_per_mtok: float | None
    computed_break_even_tokens: int | None
    """Smallest monthly volume at which self-hosting costs no more than the API; None if never."""
    break_even_tokens: int | None
    """The break-even the volume factor was scored against."""
    break_even_basis: Literal["policy_default", "computed"]
    rule_of_thumb_tokens: int | None = None
    """The framework's rule of thumb, shown beside the computed break-even as its reference."""
    cheaper_at_this_volume: Literal["api", "self_host"] | None
    cheaper_changes_at: list[int] = []
    """Every volume at which the cheaper option changes; more than one where replica steps
    make self-hosting dearer again past the first break-even."""
    managed_open_model: str | None = None
    managed_open_price_per_mtok: float | None = None
    monthly_managed_open_cost: float | None = None
    """The open model class served per token by a managed host: open weights, no GPUs to run."""
    hybrid: HybridSplit | None = None
    """For a hybrid recommendation: which traffic goes where, and what the split costs."""
    assumptions: list[Assumption]

    @model_serializer(mode="wrap")
    def _unpriced_as_before(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # Results stored before catalog prices were named must read back and dump unchanged.
        data: dict[str, object] = handler(self)
        defaults = CostComparison.model_fields
        if all(data.get(name) == defaults[name].default for name in _LATER_FIELDS):
            for name in _LATER_FIELDS:
                data.pop(name, None)
        return data


_LATER_FIELDS = ("api_model", "api_price_source", "self_host_model", "catalog",
                 "rule_of_thumb_tokens", "cheaper_changes_at", "managed_open_model",
                 "managed_open_price_per_mtok", "monthly_managed_open_cost", "hybrid")


class VolumeFlip(_Frozen):
    """With `above`, `threshold` tokens/month gives `recommendation` and one token fewer does not;
    with `below`, `threshold` gives it and one token more does not.

    Every volume from `threshold` to `far_end` (inclusive) gives `recommendation`, and the
    volumes past `far_end` give `beyond`. Without a `far_end` the run reaches the end of the
    volume axis: no upper limit `above`, down to zero `below`.
    """

    fact: Literal["monthly_tokens"] = "monthly_tokens"
    direction: Literal["above", "below"]
    threshold: int
    recommendation: Choice
    use_case: str | None = None
    far_end: int | None = None
    beyond: Choice | None = None

    @model_validator(mode="after")
    def _far_end_has_a_beyond(self) -> VolumeFlip:
        if (self.far_end is None) != (self.beyond is None):
            raise ValueError("far_end and beyond are given together or not at all")
        if self.far_end is not None and (self.far_end < self.threshold) == (self.direction == "above"):
            raise ValueError("far_end lies on the far side of threshold")
        return self

    @model_serializer(mode="wrap")
    def _open_ended_as_before(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # Results and decision records stored before bands were named must read back unchanged.
        data: dict[str, object] = handler(self)
        if self.far_end is None:
            data.pop("far_end", None)
            data.pop("beyond", None)
        return data


class ValueFlip(_Frozen):
    """Setting `fact` to `value`, all else equal, gives `recommendation`."""

    fact: str
    value: str
    recommendation: Choice
    use_case: str | None = None


class VolumeBand(_Frozen):
    """Between these monthly volumes (inclusive), all else equal, the answer is `recommendation`."""

    from_tokens: int
    to_tokens: int | None
    recommendation: Choice


class PolicySummary(_Frozen):
    name: str
    version: str
    fingerprint: str
    open_source_at: float
    proprietary_at: float
    weights: dict[str, float]


class UseCaseResult(_Frozen):
    name: str
    recommendation: Choice
    confidence: Confidence
    score: float
    factors: list[Factor]
    constraints: list[Constraint]
    cost: CostComparison
    missing_facts: list[str]


class Recommendation(_Frozen):
    kind: Literal["workload", "portfolio"]
    recommendation: Choice
    confidence: Confidence
    score: float
    """Sum of the factor contributions (for a portfolio: the mean over its use cases)."""
    factors: list[Factor]
    constraints: list[Constraint]
    caveats: list[Caveat]
    cost: CostComparison
    flip_points: list[VolumeFlip | ValueFlip]
    volume_bands: list[VolumeBand]
    missing_facts: list[str]
    answer_can_change: bool
    """False once no value of the missing facts could change the recommendation."""
    use_cases: list[UseCaseResult]
    policy: PolicySummary
