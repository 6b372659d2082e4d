"""Both options' monthly cost at a workload's volume, like for like, and the hybrid split."""

from __future__ import annotations

from scoring.catalog import PriceCatalog
from scoring.cost import MTOK, CostModel
from scoring.facts import MLExpertise, WorkloadFacts
from scoring.policy import Policy
from scoring.pricing import Pricing, resolve
from scoring.result import CostComparison, HybridRoute, HybridSplit
from scoring.volume import VolumeScale, volume_scale


def cost_model(facts: WorkloadFacts, policy: Policy,
               prices: PriceCatalog | None = None) -> CostModel:
    return resolve(facts, policy, prices).model


def scoring_scale(facts: WorkloadFacts, policy: Policy,
                  prices: PriceCatalog | None = None) -> VolumeScale:
    """The scale the volume factor of `facts` is scored against under `policy`."""
    return volume_scale(facts, policy, resolve(facts, policy, prices).model)


def compare_costs(facts: WorkloadFacts, policy: Policy, prices: PriceCatalog | None = None,
                  pricing: Pricing | None = None) -> CostComparison:
    """Both options' monthly cost at the stated volume, and the break-even volume is scored by."""
    pricing = pricing or resolve(facts, policy, prices)
    model = pricing.model
    scale = volume_scale(facts, policy, model)
    tokens = facts.monthly_tokens
    api = self_host = per_mtok = utilisation = managed = None
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
        utilisation = round(model.utilisation(tokens), 4)
        per_mtok = round(total / (tokens / MTOK), 2) if tokens > 0 else None
        cheaper = "self_host" if model.self_host_no_dearer(tokens) else "api"
        if pricing.managed_open_price is not None:
            managed = round(tokens / MTOK * pricing.managed_open_price, 2)
    return CostComparison(
        monthly_tokens=tokens,
        api_model=pricing.api_model,
        api_price_source=pricing.api_price_source,
        self_host_model=pricing.self_host_model,
        catalog=pricing.catalog,
        blended_api_price_per_mtok=round(model.blended_price, 4),
        monthly_api_cost=api,
        monthly_self_host_cost=self_host,
        self_host_breakdown=breakdown,
        replicas=replicas,
        gpu_profile=model.profile.name,
        gpu_utilisation=utilisation,
        self_host_cost_per_mtok=per_mtok,
        computed_break_even_tokens=model.break_even(),
        break_even_tokens=scale.break_even,
        break_even_basis=scale.basis,
        rule_of_thumb_tokens=scale.rule_of_thumb,
        cheaper_at_this_volume=cheaper,
        cheaper_changes_at=model.cheaper_changes(),
        managed_open_model=pricing.managed_open_model,
        managed_open_price_per_mtok=(None if pricing.managed_open_price is None
                                     else round(pricing.managed_open_price, 4)),
        monthly_managed_open_cost=managed,
        assumptions=pricing.assumptions,
    )


def open_route(facts: WorkloadFacts, pricing: Pricing, tokens: int) -> HybridRoute:
    """Where the open-model share of a workload goes: the team's own GPUs, or a managed host
    when that costs less or the team has nobody to run GPUs."""
    own = pricing.model.self_host_cost(tokens)
    if pricing.managed_open_price is not None:
        managed = tokens / MTOK * pricing.managed_open_price
        if managed < own or facts.ml_expertise == MLExpertise.NONE:
            return HybridRoute(traffic="", destination="managed_open", monthly_tokens=tokens,
                               monthly_cost=round(managed, 2))
    return HybridRoute(traffic="", destination="self_host", monthly_tokens=tokens,
                       monthly_cost=round(own, 2))


def workload_split(facts: WorkloadFacts, policy: Policy, pricing: Pricing) -> HybridSplit | None:
    """One workload's hybrid: routine requests to the open model, complex ones to the API."""
    tokens = facts.monthly_tokens
    if tokens is None:
        return None
    share = policy.cost.hybrid_open_share
    open_tokens = round(tokens * share)
    api_tokens = tokens - open_tokens
    opened = open_route(facts, pricing, open_tokens).model_copy(
        update={"traffic": f"routine {share:.0%} of requests"})
    api = HybridRoute(traffic=f"complex {1 - share:.0%} of requests", destination="api",
                      monthly_tokens=api_tokens,
                      monthly_cost=round(pricing.model.api_cost(api_tokens), 2))
    return HybridSplit(routes=[opened, api],
                       monthly_cost=round(opened.monthly_cost + api.monthly_cost, 2))
