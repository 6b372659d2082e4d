"""The decision policy: weights, thresholds and cost defaults, loaded from TOML."""

from __future__ import annotations

import hashlib
import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scoring.facts import TOWARD_OPEN_SOURCE

DEFAULT_POLICY_RESOURCE = "policy.toml"


class PolicyError(ValueError):
    """The policy file is missing, unreadable or inconsistent."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Frozen):
    open_source_at: float
    proprietary_at: float
    high_confidence_margin: float = Field(gt=0)
    medium_confidence_margin: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.proprietary_at > self.open_source_at:
            raise ValueError("thresholds.proprietary_at must not exceed thresholds.open_source_at")
        if self.medium_confidence_margin > self.high_confidence_margin:
            raise ValueError("medium_confidence_margin must not exceed high_confidence_margin")
        return self


class Rules(_Frozen):
    in_house_data_requires_self_hosting: bool = True
    no_ml_expertise_caps_at_hybrid: bool = True


class VolumePolicy(_Frozen):
    basis: Literal["computed", "rule_of_thumb"] = "computed"
    """What volume is scored against: the break-even computed from the prices in force, or,
    when the facts carry no prices, the framework's rule of thumb."""
    default_break_even_tokens: int = Field(gt=0)
    """The framework's rule of thumb: always shown as the reference point."""
    saturation_ratio: float = Field(gt=1)
    weight: float = Field(ge=0)
    topic: str


class FactorPolicy(_Frozen):
    weight: float = Field(ge=0)
    topic: str
    levels: dict[str, float]


class GpuProfile(_Frozen):
    name: str
    description: str
    open_model: str
    """The open-weight model class this profile serves, as answers name it."""
    gpus_per_replica: int = Field(ge=1)
    gpu_hourly_usd: float = Field(gt=0)
    output_tokens_per_second: float = Field(gt=0)
    """Measured generation throughput of one replica under realistic batching."""
    input_tokens_per_second: float = Field(gt=0)
    """Prefill throughput of one replica: prompt tokens cost capacity too."""
    price_source: str
    throughput_source: str


PAIRING_FACTS = ("specialization", "quality_bar")
"""The facts a pairing may be chosen by; "unknown" matches a fact not stated yet."""


class Pairing(_Frozen):
    """Which open model and which API model a workload's costs compare, like for like."""

    name: str
    when: dict[str, list[str]] = Field(default_factory=dict)
    """Fact -> the values this pairing applies to; empty for the catch-all last pairing."""
    self_host_profile: str
    api_model: str
    api_reference_price: tuple[float, float]
    """Input and output USD per 1M tokens of `api_model`, used only when no catalog is loaded."""
    managed_open_model: str | None = None
    """The same open-model class served per token by a managed host, priced from the catalog."""
    managed_reference_price: tuple[float, float] | None = None
    source: str

    @model_validator(mode="after")
    def _known_facts(self) -> Pairing:
        for fact, values in self.when.items():
            if fact not in PAIRING_FACTS:
                raise ValueError(f"pairing {self.name!r}: cannot choose by {fact!r}")
            allowed = {*TOWARD_OPEN_SOURCE[fact], "unknown"}
            if not set(values) <= allowed:
                raise ValueError(f"pairing {self.name!r}: {fact} values must be among "
                                 f"{', '.join(sorted(allowed))}")
        if (self.managed_open_model is None) != (self.managed_reference_price is None):
            raise ValueError(f"pairing {self.name!r}: managed_open_model and "
                             "managed_reference_price are given together")
        return self

    def applies(self, values: dict[str, str | None]) -> bool:
        return all((values.get(fact) or "unknown") in allowed for fact, allowed in self.when.items())


class CostPolicy(_Frozen):
    hours_per_month: float = Field(gt=0)
    api_input_price_per_mtok: float | None = Field(default=None, ge=0)
    """An organisation's negotiated API price: used instead of the catalog when set."""
    api_output_price_per_mtok: float | None = Field(default=None, ge=0)
    output_share: float = Field(ge=0, le=1)
    typical_request_tokens: int = Field(default=2000, gt=0)
    """Input plus output tokens of one typical request: catalog prices are per request tier."""
    hybrid_open_share: float = Field(default=0.7, ge=0, le=1)
    """In a one-workload hybrid, the share of traffic (routine requests) sent to the open model."""
    max_utilisation: float = Field(default=0.8, gt=0, le=1)
    """The share of measured throughput a replica is run at, at peak; replicas are added past it."""
    approved_vendors_premium: float = Field(ge=0)
    min_replicas: int = Field(ge=1)
    peak_to_average: float = Field(ge=1)
    ops_overhead: float = Field(ge=0)
    engineering_fte: float = Field(ge=0)
    engineer_month_usd: float = Field(ge=0)
    setup_engineer_months: float = Field(ge=0)
    amortisation_months: float = Field(gt=0)
    sources: dict[str, str] = Field(default_factory=dict)
    gpu_profiles: list[GpuProfile] = Field(min_length=1)
    pairing: list[Pairing] = Field(min_length=1)

    @model_validator(mode="after")
    def _profiles_and_pairings_agree(self) -> CostPolicy:
        names = [profile.name for profile in self.gpu_profiles]
        if len(set(names)) != len(names):
            raise ValueError("cost.gpu_profiles names must be unique")
        if (self.api_input_price_per_mtok is None) != (self.api_output_price_per_mtok is None):
            raise ValueError("api_input_price_per_mtok and api_output_price_per_mtok are set together")
        for pairing in self.pairing:
            if pairing.self_host_profile not in names:
                raise ValueError(f"pairing {pairing.name!r}: self_host_profile "
                                 f"{pairing.self_host_profile!r} is not one of {names}")
        if self.pairing[-1].when:
            raise ValueError("the last cost.pairing must apply to every workload (no `when`)")
        return self

    def pairing_for(self, values: dict[str, str | None]) -> Pairing:
        """The first pairing whose conditions `values` meet (the last one meets any)."""
        return next(p for p in self.pairing if p.applies(values))

    def profile(self, name: str) -> GpuProfile:
        wanted = name
        for profile in self.gpu_profiles:
            if profile.name == wanted:
                return profile
        known = ", ".join(profile.name for profile in self.gpu_profiles)
        raise PolicyError(f"unknown gpu_profile {wanted!r}; known profiles: {known}")


class Policy(_Frozen):
    """Everything the scoring engine decides by. Shown in every explanation."""

    name: str
    version: str
    thresholds: Thresholds
    rules: Rules = Rules()
    volume: VolumePolicy
    factors: dict[str, FactorPolicy]
    cost: CostPolicy

    @model_validator(mode="after")
    def _factors_complete_and_monotone(self) -> Policy:
        for fact, order in TOWARD_OPEN_SOURCE.items():
            factor = self.factors.get(fact)
            if factor is None:
                raise ValueError(f"factors.{fact} is missing")
            if set(factor.levels) != set(order):
                raise ValueError(
                    f"factors.{fact}.levels must set exactly {', '.join(order)}; "
                    f"got {', '.join(sorted(factor.levels))}"
                )
            levels = [factor.levels[value] for value in order]
            if any(not -1.0 <= level <= 1.0 for level in levels):
                raise ValueError(f"factors.{fact}.levels must lie between -1 and 1")
            if levels != sorted(levels):
                raise ValueError(
                    f"factors.{fact}.levels must not decrease in the order {' < '.join(order)} "
                    "(a value closer to self-hosting may never count against it)"
                )
        unknown = set(self.factors) - set(TOWARD_OPEN_SOURCE)
        if unknown:
            raise ValueError(f"unknown factors: {', '.join(sorted(unknown))}")
        return self

    @property
    def fingerprint(self) -> str:
        """A short content hash: two policies with the same values share it."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def parse_policy(text: str, origin: str = "policy") -> Policy:
    """Parse TOML text into a validated Policy, or raise PolicyError naming the problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{origin}: not valid TOML ({exc})") from exc
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "policy"
        raise PolicyError(f"{origin}: {where}: {first['msg']}") from exc


def load_policy(path: str | Path | None = None) -> Policy:
    """Load the policy from `path`, or the default policy shipped with the package."""
    if path is None:
        return _default_policy()
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"{file}: cannot read policy file ({exc.strerror})") from exc
    return parse_policy(text, str(file))


_DEFAULT: Policy | None = None


def _default_policy() -> Policy:
    global _DEFAULT
    if _DEFAULT is None:
        text = resources.files("scoring").joinpath(DEFAULT_POLICY_RESOURCE).read_text("utf-8")
        _DEFAULT = parse_policy(text, DEFAULT_POLICY_RESOURCE)
    return _DEFAULT
