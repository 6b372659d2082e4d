"""Workload facts: what the team tells us about one LLM use case, or several."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_MONTHLY_TOKENS = 10**13
"""Ten trillion tokens a month: far above any single workload, so larger values are typos."""


class DataResidency(StrEnum):
    IN_HOUSE_ONLY = "in_house_only"
    APPROVED_VENDORS = "approved_vendors"
    UNRESTRICTED = "unrestricted"


class Specialization(StrEnum):
    GENERAL = "general"
    MODERATE = "moderate"
    NICHE = "niche"


class MLExpertise(StrEnum):
    NONE = "none"
    SOME = "some"
    STRONG = "strong"


class Latency(StrEnum):
    CRITICAL = "critical"
    INTERACTIVE = "interactive"
    RELAXED = "relaxed"


class QualityBar(StrEnum):
    PEAK = "peak"
    STANDARD = "standard"


class TimeToMarket(StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"


REQUIRED_FACTS: tuple[str, ...] = (
    "data_residency",
    "specialization",
    "monthly_tokens",
    "ml_expertise",
    "latency",
)
"""The five facts the framework asks about, in its own order."""

OPTIONAL_FACTS: tuple[str, ...] = ("quality_bar", "time_to_market")

CATEGORICAL_FACTS: dict[str, type[StrEnum]] = {
    "data_residency": DataResidency,
    "specialization": Specialization,
    "ml_expertise": MLExpertise,
    "latency": Latency,
    "quality_bar": QualityBar,
    "time_to_market": TimeToMarket,
}

TOWARD_OPEN_SOURCE: dict[str, tuple[str, ...]] = {
    "data_residency": ("unrestricted", "approved_vendors", "in_house_only"),
    "specialization": ("general", "moderate", "niche"),
    "ml_expertise": ("none", "some", "strong"),
    "latency": ("relaxed", "interactive", "critical"),
    "quality_bar": ("peak", "standard"),
    "time_to_market": ("urgent", "normal"),
}
"""Each categorical fact's values, ordered from most pro-API to most pro-self-hosting."""


class WorkloadFacts(BaseModel):
    """One use case. A fact the team has not stated is None, never guessed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(default=None, max_length=200)
    data_residency: DataResidency | None = None
    specialization: Specialization | None = None
    monthly_tokens: int | None = Field(default=None, ge=0, le=MAX_MONTHLY_TOKENS)
    ml_expertise: MLExpertise | None = None
    latency: Latency | None = None
    quality_bar: QualityBar | None = None
    time_to_market: TimeToMarket | None = None

    api_model: str | None = Field(default=None, min_length=1, max_length=100)
    """The API model the team would use, such as "gpt-4o-mini", priced from the catalog."""
    api_price_per_mtok: float | None = Field(default=None, gt=0, le=1000)
    """Blended API price in USD per 1M tokens (input and output together)."""
    api_input_price_per_mtok: float | None = Field(default=None, ge=0, le=1000)
    api_output_price_per_mtok: float | None = Field(default=None, ge=0, le=1000)
    output_share: float | None = Field(default=None, ge=0, le=1)
    """Share of the monthly tokens that are output tokens."""
    gpu_profile: str | None = Field(default=None, max_length=64)
    """Name of a GPU profile from the policy, such as "a10g-8b"."""
    engineering_fte: float | None = Field(default=None, ge=0, le=50)
    """Engineer-months per month spent operating the self-hosted model."""

    @field_validator("monthly_tokens", "api_price_per_mtok", "api_input_price_per_mtok",
                     "api_output_price_per_mtok", "output_share", "engineering_fte", mode="before")
    @classmethod
    def _numbers_are_not_booleans(cls, value: object) -> object:
        # JSON true is a Python bool, and so an int of 1: a number field must not take it.
        if isinstance(value, bool):
            raise ValueError(f"expected a number, not {str(value).lower()}")
        return value

    @model_validator(mode="after")
    def _prices_come_in_pairs(self) -> WorkloadFacts:
        pair = (self.api_input_price_per_mtok, self.api_output_price_per_mtok)
        if (pair[0] is None) != (pair[1] is None):
            raise ValueError(
                "api_input_price_per_mtok and api_output_price_per_mtok must be given together"
            )
        return self

    def missing(self) -> list[str]:
        """The required facts that are still unknown, in the framework's order."""
        return [name for name in REQUIRED_FACTS if getattr(self, name) is None]

    def has_cost_inputs(self) -> bool:
        return any(
            value is not None
            for value in (
                self.api_model,
                self.api_price_per_mtok,
                self.api_input_price_per_mtok,
                self.gpu_profile,
                self.engineering_fte,
            )
        )


class Portfolio(BaseModel):
    """Several use cases of one team, decided together."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(default=None, max_length=200)
    use_cases: list[WorkloadFacts] = Field(min_length=1, max_length=50)

    def labels(self) -> list[str]:
        """A unique, human-readable label per use case."""
        labels: list[str] = []
        for index, case in enumerate(self.use_cases, start=1):
            label = case.name or f"use case {index}"
            if label in labels:
                label = f"{label} ({index})"
            labels.append(label)
        return labels
