"""The cost model: monthly API cost, monthly self-host cost, and the break-even between them.

API cost      = tokens / 1M x blended price per 1M tokens
Self-host     = replicas x GPUs per replica x GPU $/h x hours x (1 + operations overhead)
                + engineering time + amortised set-up
Replicas      = max(minimum replicas, whole replicas needed to serve the peak output rate)
Break-even    = the smallest monthly volume at which self-hosting costs no more than the API;
                settled where it stays so at every larger volume (replica steps can part them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scoring.facts import MAX_MONTHLY_TOKENS, DataResidency, WorkloadFacts
from scoring.policy import GpuProfile, Policy
from scoring.result import Assumption, CostComparison
from scoring.volume import VolumeScale, volume_scale

MTOK = 1_000_000
SECONDS_PER_HOUR = 3600


@dataclass(frozen=True)
class CostModel:
    """The resolved inputs for one workload; all money in USD per month."""

    blended_price: float
    profile: GpuProfile
    output_share: float
    engineering_fte: float
    hours_per_month: float
    min_replicas: int
    peak_to_average: float
    ops_overhead: float
    engineer_month_usd: float
    setup_engineer_months: float
    amortisation_months: float

    @property
    def replica_capacity_tokens(self) -> float:
        """Monthly tokens (input + output) one replica serves when sized for peak traffic."""
        output_per_month = (
            self.profile.output_tokens_per_second * SECONDS_PER_HOUR * self.hours_per_month
        )
        share = max(self.output_share, 1e-9)
        return output_per_month / self.peak_to_average / share

    def replicas(self, tokens: int) -> int:
        return max(self.min_replicas, math.ceil(tokens / self.replica_capacity_tokens))

    def replica_cost(self) -> float:
        profile = self.profile
        gpu = profile.gpus_per_replica * profile.gpu_hourly_usd * self.hours_per_month
        return gpu * (1 + self.ops_overhead)

    def fixed_cost(self) -> float:
        engineering = self.engineering_fte * self.engineer_month_usd
        setup = self.setup_engineer_months * self.engineer_month_usd / self.amortisation_months
        return engineering + setup

    def self_host_cost(self, tokens: int) -> float:
        return self.replicas(tokens) * self.replica_cost() + self.fixed_cost()

    def api_cost(self, tokens: int) -> float:
        return tokens / MTOK * self.blended_price

    def self_host_no_dearer(self, tokens: int) -> bool:
        return self.self_host_cost(tokens) <= self.api_cost(tokens)

    def break_even(self) -> int | None:
        """Smallest volume at which self-hosting costs no more than the API, or None if never.

        Self-host cost is flat within one replica count, so the crossing is searched replica
        step by replica step, then confirmed against the cost functions themselves.
        """
        if self.blended_price <= 0:
            return None
        capacity = self.replica_capacity_tokens
        marginal_per_token = self.replica_cost() / capacity
        replicas = self.min_replicas
        low = 0
        while low <= MAX_MONTHLY_TOKENS:
            high = math.floor(replicas * capacity)
            cost = replicas * self.replica_cost() + self.fixed_cost()
            crossing = max(low, math.ceil(cost * MTOK / self.blended_price))
            if crossing <= high:
                return self._confirm(crossing)
            if marginal_per_token * MTOK >= self.blended_price:
                return None
            low = high + 1
            replicas = max(replicas + 1, math.ceil(low / capacity))
        return None

    def settled_break_even(self) -> int | None:
        """Smallest volume from which self-hosting costs no more than the API at every larger
        volume, or None if it never settles so.

        Equal to `break_even()` unless the jump to an extra replica makes self-hosting dearer
        again just past the break-even; then the cheaper option alternates until this volume.
        """
        first = self.break_even()
        if first is None or not self.self_host_no_dearer(MAX_MONTHLY_TOKENS):
            return None
        lowest, top = self.replicas(first), self.replicas(MAX_MONTHLY_TOKENS)
        if self.replica_cost() / self.replica_capacity_tokens * MTOK >= self.blended_price:
            return self._crossing_in(top)
        # When a replica's capacity is worth more at the API price than the replica costs, each
        # band opens with more room than the one before: once one opens no dearer, all later do.
        low, high = lowest + 1, top + 1
        while low < high:
            middle = (low + high) // 2
            if self.self_host_no_dearer(self._band(middle)[0]):
                high = middle
            else:
                low = middle + 1
        if low == lowest + 1:
            return first
        if low > top:
            return self._crossing_in(top)
        crossing = self._crossing_in(low - 1)
        return self._band(low)[0] if crossing is None else crossing

    def _band(self, replicas: int) -> tuple[int, int]:
        """The first and last volume served by exactly `replicas` replicas."""
        capacity = self.replica_capacity_tokens
        first = 0 if replicas <= self.min_replicas else math.floor((replicas - 1) * capacity) + 1
        while first > 0 and self.replicas(first - 1) >= replicas:
            first -= 1
        while self.replicas(first) < replicas:
            first += 1
        last = min(math.floor(replicas * capacity), MAX_MONTHLY_TOKENS)
        while last < MAX_MONTHLY_TOKENS and self.replicas(last + 1) <= replicas:
            last += 1
        while self.replicas(last) > replicas:
            last -= 1
        return first, last

    def _crossing_in(self, replicas: int) -> int | None:
        """Smallest volume in that replica band at which self-hosting costs no more, if any.

        Within one band the self-host cost is flat and the API cost rises, so once self-hosting
        costs no more it stays so to the end of the band.
        """
        first, last = self._band(replicas)
        cost = replicas * self.replica_cost() + self.fixed_cost()
        tokens = max(first, math.ceil(cost * MTOK / self.blended_price))
        while tokens > first and self.self_host_no_dearer(tokens - 1):
            tokens -= 1
        while tokens <= last and not self.self_host_no_dearer(tokens):
            tokens += 1
        return tokens if tokens <= last else None

    def _confirm(self, tokens: int) -> int | None:
        while tokens > 0 and self.self_host_no_dearer(tokens - 1):
            tokens -= 1
        while tokens <= MAX_MONTHLY_TOKENS and not self.self_host_no_dearer(tokens):
            tokens += 1
        return tokens if tokens <= MAX_MONTHLY_TOKENS else None


def cost_model(facts: WorkloadFacts, policy: Policy) -> tuple[CostModel, list[Assumption]]:
    """Resolve the facts' cost inputs against the policy defaults, naming each assumption."""
    cost = policy.cost
    sources = cost.sources
    assumptions: list[Assumption] = []

    def given_or_default(value: float | None, key: str, unit: str) -> float:
        if value is not None:
            assumptions.append(Assumption(name=key, value=value, unit=unit, source="stated by the team"))
            return value
        default = float(getattr(cost, key))
        assumptions.append(
            Assumption(name=key, value=default, unit=unit, source=sources.get(key, "policy default"))
        )
        return default

    output_share = given_or_default(facts.output_share, "output_share", "fraction of tokens")
    if facts.api_price_per_mtok is not None:
        blended = facts.api_price_per_mtok
        assumptions.append(
            Assumption(
                name="api_price_per_mtok", value=blended, unit="USD per 1M tokens",
                source="stated by the team",
            )
        )
    else:
        price_in = given_or_default(
            facts.api_input_price_per_mtok, "api_input_price_per_mtok", "USD per 1M input tokens"
        )
        price_out = given_or_default(
            facts.api_output_price_per_mtok, "api_output_price_per_mtok", "USD per 1M output tokens"
        )
        blended = price_in * (1 - output_share) + price_out * output_share
    if facts.data_residency == DataResidency.APPROVED_VENDORS:
        blended *= 1 + cost.approved_vendors_premium
        assumptions.append(
            Assumption(
                name="approved_vendors_premium", value=cost.approved_vendors_premium,
                unit="fraction added to the API price",
                source=sources.get("approved_vendors_premium", "policy default"),
            )
        )
    profile = cost.profile(facts.gpu_profile)
    assumptions.append(
        Assumption(
            name="gpu_profile", value=profile.name, unit=profile.description,
            source="stated by the team" if facts.gpu_profile else "policy default",
        )
    )
    assumptions.append(
        Assumption(name="gpu_hourly_usd", value=profile.gpu_hourly_usd, unit="USD per GPU-hour",
                   source=profile.source)
    )
    assumptions.append(
        Assumption(name="output_tokens_per_second", value=profile.output_tokens_per_second,
                   unit="output tokens/s per replica", source=profile.source)
    )
    fte = given_or_default(facts.engineering_fte, "engineering_fte", "engineer-months per month")
    for key, unit in (
        ("hours_per_month", "hours"),
        ("min_replicas", "replicas"),
        ("peak_to_average", "ratio"),
        ("ops_overhead", "fraction of the GPU bill"),
        ("engineer_month_usd", "USD per engineer-month"),
        ("setup_engineer_months", "engineer-months, once"),
        ("amortisation_months", "months"),
    ):
        assumptions.append(
            Assumption(name=key, value=getattr(cost, key), unit=unit,
                       source=sources.get(key, "policy default"))
        )
    model = CostModel(
        blended_price=blended,
        profile=profile,
        output_share=output_share,
        engineering_fte=fte,
        hours_per_month=cost.hours_per_month,
        min_replicas=cost.min_replicas,
        peak_to_average=cost.peak_to_average,
        ops_overhead=cost.ops_overhead,
        engineer_month_usd=cost.engineer_month_usd,
        setup_engineer_months=cost.setup_engineer_months,
        amortisation_months=cost.amortisation_months,
    )
    return model, assumptions


def scoring_scale(facts: WorkloadFacts, policy: Policy) -> VolumeScale:
    """The scale the volume factor of `facts` is scored against under `policy`."""
    model, _ = cost_model(facts, policy)
    return volume_scale(facts, policy, model)


def compare_costs(facts: WorkloadFacts, policy: Policy) -> CostComparison:
    """Both options' monthly cost at the stated volume, and the break-even volume is scored by."""
    model, assumptions = cost_model(facts, policy)
    computed = model.break_even()
    scale = volume_scale(facts, policy, model)
    tokens = facts.monthly_tokens
    api = self_host = per_mtok = utilisation = None
    replicas: int | None = None
    breakdown: dict[str, float] = {}
    cheaper = None
    if tokens is not None:
        replicas = model.replicas(tokens)
        api = round(model.api_cost(tokens), 2)
        total = model.self_host_cost(tokens)
        self_host = round(total, 2)
        gpu = replicas * model.profile.gpus_per_replica * model.profile.gpu_hourly_usd
        gpu *= model.hours_per_month
        breakdown = {
            "gpus": round(gpu, 2),
            "operations_overhead": round(gpu * model.ops_overhead, 2),
            "engineering": round(model.engineering_fte * model.engineer_month_usd, 2),
            "amortised_setup": round(
                model.setup_engineer_months * model.engineer_month_usd / model.amortisation_months,
                2,
            ),
        }
        capacity = replicas * model.replica_capacity_tokens * model.peak_to_average
        utilisation = round(tokens / capacity, 4)
        per_mtok = round(total / (tokens / MTOK), 2) if tokens > 0 else None
        cheaper = "self_host" if model.self_host_no_dearer(tokens) else "api"
    return CostComparison(
        monthly_tokens=tokens,
        blended_api_price_per_mtok=round(model.blended_price, 4),
        monthly_api_cost=api,
        monthly_self_host_cost=self_host,
        self_host_breakdown=breakdown,
        replicas=replicas,
        gpu_profile=model.profile.name,
        gpu_utilisation=utilisation,
        self_host_cost_per_mtok=per_mtok,
        computed_break_even_tokens=computed,
        break_even_tokens=scale.break_even,
        break_even_basis=scale.basis,
        cheaper_at_this_volume=cheaper,
        assumptions=assumptions,
    )
