"""Which prices and models one workload's costs compare, each named as an assumption.

The pairing rules of the policy pick an open model and an API model of matching capability;
what the team states (an API model, prices, a GPU profile) replaces the side it names. API
prices come from the price catalog passed in, else the pairing's reference prices.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.catalog import PriceCatalog, UnknownModel
from scoring.cost import CostModel
from scoring.facts import DataResidency, WorkloadFacts
from scoring.policy import Pairing, Policy
from scoring.result import Assumption

STATED = "stated by the team"


@dataclass(frozen=True)
class Pricing:
    """The resolved comparison for one workload."""

    model: CostModel
    pairing: Pairing
    api_model: str | None
    """The API model priced; None when the team stated a price without naming a model."""
    api_price_source: str
    self_host_model: str
    managed_open_model: str | None
    managed_open_price: float | None
    """Blended USD per 1M tokens of the managed open model, at the workload's output share."""
    catalog: str | None
    assumptions: list[Assumption]


def pairing_for(facts: WorkloadFacts, policy: Policy) -> Pairing:
    values = {"specialization": facts.specialization, "quality_bar": facts.quality_bar}
    return policy.cost.pairing_for({k: None if v is None else str(v) for k, v in values.items()})


def _catalog_price(name: str, prices: PriceCatalog | None,
                   reference: tuple[float, float] | None) -> tuple[str, float, float, str]:
    """The model's id, input and output price per 1M tokens, and where they come from."""
    if prices is not None:
        found = prices.get(name)
        return (found.id, found.input_per_mtok, found.output_per_mtok,
                f"catalog: {found.id}, {prices.label}")
    if reference is None:
        raise UnknownModel(name, [], "no price catalog loaded")
    return name, reference[0], reference[1], "policy reference price (no catalog loaded)"


def resolve(facts: WorkloadFacts, policy: Policy, prices: PriceCatalog | None = None) -> Pricing:
    """The cost model for `facts`, with every input named; raises UnknownModel for a name the
    catalog does not price."""
    cost = policy.cost
    sources = cost.sources
    assumptions: list[Assumption] = []

    def named(key: str, value: float | int | str, unit: str, source: str) -> None:
        assumptions.append(Assumption(name=key, value=value, unit=unit, source=source))

    def given_or_default(value: float | None, key: str, unit: str) -> float:
        if value is not None:
            named(key, value, unit, STATED)
            return value
        default = float(getattr(cost, key))
        named(key, default, unit, sources.get(key, "policy default"))
        return default

    pairing = pairing_for(facts, policy)
    output_share = given_or_default(facts.output_share, "output_share", "fraction of tokens")
    api_model: str | None
    if facts.api_price_per_mtok is not None:
        api_model, source = facts.api_model, STATED
        blended = facts.api_price_per_mtok
        named("api_price_per_mtok", blended, "USD per 1M tokens, blended", STATED)
    elif facts.api_input_price_per_mtok is not None and facts.api_output_price_per_mtok is not None:
        api_model, source = facts.api_model, STATED
        price_in, price_out = facts.api_input_price_per_mtok, facts.api_output_price_per_mtok
        named("api_input_price_per_mtok", price_in, "USD per 1M input tokens", STATED)
        named("api_output_price_per_mtok", price_out, "USD per 1M output tokens", STATED)
        blended = price_in * (1 - output_share) + price_out * output_share
    elif facts.api_model is None and cost.api_input_price_per_mtok is not None \
            and cost.api_output_price_per_mtok is not None:
        api_model, source = pairing.api_model, "the organisation's negotiated price (policy)"
        price_in, price_out = cost.api_input_price_per_mtok, cost.api_output_price_per_mtok
        named("api_input_price_per_mtok", price_in, "USD per 1M input tokens", source)
        named("api_output_price_per_mtok", price_out, "USD per 1M output tokens", source)
        blended = price_in * (1 - output_share) + price_out * output_share
    else:
        wanted = facts.api_model or pairing.api_model
        reference = None if facts.api_model else pairing.api_reference_price
        api_model, price_in, price_out, source = _catalog_price(wanted, prices, reference)
        chosen = STATED if facts.api_model else f"pairing {pairing.name!r}: {pairing.source}"
        named("api_model", api_model, "API model priced", chosen)
        named("api_input_price_per_mtok", price_in, "USD per 1M input tokens", source)
        named("api_output_price_per_mtok", price_out, "USD per 1M output tokens", source)
        blended = price_in * (1 - output_share) + price_out * output_share
    if facts.data_residency == DataResidency.APPROVED_VENDORS:
        blended *= 1 + cost.approved_vendors_premium
        named("approved_vendors_premium", cost.approved_vendors_premium,
              "fraction added to the API price",
              sources.get("approved_vendors_premium", "policy default"))

    profile = cost.profile(facts.gpu_profile or pairing.self_host_profile)
    named("gpu_profile", profile.name, profile.description,
          STATED if facts.gpu_profile else f"pairing {pairing.name!r}: {pairing.source}")
    named("gpu_hourly_usd", profile.gpu_hourly_usd, "USD per GPU-hour", profile.price_source)
    named("output_tokens_per_second", profile.output_tokens_per_second,
          "output tokens/s per replica", profile.throughput_source)
    named("input_tokens_per_second", profile.input_tokens_per_second,
          "input tokens/s per replica", profile.throughput_source)
    fte = given_or_default(facts.engineering_fte, "engineering_fte", "engineer-months per month")
    for key, unit in (
        ("hours_per_month", "hours"),
        ("min_replicas", "replicas"),
        ("peak_to_average", "ratio"),
        ("max_utilisation", "fraction of measured throughput"),
        ("ops_overhead", "fraction of the GPU bill"),
        ("engineer_month_usd", "USD per engineer-month"),
        ("setup_engineer_months", "engineer-months, once"),
        ("amortisation_months", "months"),
    ):
        named(key, getattr(cost, key), unit, sources.get(key, "policy default"))

    managed_model = managed_price = None
    if pairing.managed_open_model is not None:
        try:
            managed_model, m_in, m_out, m_source = _catalog_price(
                pairing.managed_open_model, prices, pairing.managed_reference_price)
        except UnknownModel:
            managed_model = None
        else:
            managed_price = m_in * (1 - output_share) + m_out * output_share
            named("managed_open_model", managed_model, "open model served per token", m_source)
            named("managed_open_price_per_mtok", round(managed_price, 4),
                  "USD per 1M tokens, blended", m_source)

    model = CostModel(
        blended_price=blended,
        profile=profile,
        output_share=output_share,
        engineering_fte=fte,
        hours_per_month=cost.hours_per_month,
        min_replicas=cost.min_replicas,
        peak_to_average=cost.peak_to_average,
        max_utilisation=cost.max_utilisation,
        ops_overhead=cost.ops_overhead,
        engineer_month_usd=cost.engineer_month_usd,
        setup_engineer_months=cost.setup_engineer_months,
        amortisation_months=cost.amortisation_months,
    )
    return Pricing(model=model, pairing=pairing, api_model=api_model, api_price_source=source,
                   self_host_model=profile.open_model, managed_open_model=managed_model,
                   managed_open_price=managed_price,
                   catalog=prices.label if prices is not None else None,
                   assumptions=assumptions)
