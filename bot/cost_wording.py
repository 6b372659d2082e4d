"""The cost comparison in words: both models priced, every option's monthly cost, the hybrid split,
the break-even and the assumptions behind them. Read by every renderer."""

from __future__ import annotations

from bot import wording
from scoring import Assumption, CostComparison, HybridRoute, Recommendation

STATED = "stated by the team"

DESTINATIONS = {"api": "the API", "self_host": "your own GPUs", "managed_open": "a managed open-model host"}

ASSUMPTION_LABELS: dict[str, str] = {
    "output_share": "Output share",
    "api_model": "API model priced",
    "api_price_per_mtok": "API price",
    "api_input_price_per_mtok": "API input price",
    "api_output_price_per_mtok": "API output price",
    "approved_vendors_premium": "Approved-vendor premium",
    "gpu_profile": "GPU profile",
    "gpu_hourly_usd": "GPU price",
    "output_tokens_per_second": "Generation throughput",
    "input_tokens_per_second": "Prefill throughput",
    "engineering_fte": "Operations effort",
    "hours_per_month": "Hours per month",
    "min_replicas": "Minimum replicas",
    "peak_to_average": "Peak-to-average traffic",
    "max_utilisation": "Utilisation ceiling",
    "ops_overhead": "Operations overhead",
    "engineer_month_usd": "Engineer-month",
    "setup_engineer_months": "Set-up",
    "amortisation_months": "Set-up written off over",
    "managed_open_model": "Managed open model",
    "managed_open_price_per_mtok": "Managed open price",
}


def _number(value: float | int | str) -> str:
    if isinstance(value, str):
        return value
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def _value(a: Assumption) -> str:
    value = a.value
    if isinstance(value, str):
        return f"{value}, {a.unit}" if a.name == "gpu_profile" else value
    if a.name.endswith("_per_mtok"):
        kind = {"api_input_price_per_mtok": "input ", "api_output_price_per_mtok": "output "}
        blended = ", blended" if "blended" in a.unit else ""
        return f"{price(value)} per 1M {kind.get(a.name, '')}tokens{blended}"
    if a.name in ("output_share", "max_utilisation"):
        return f"{value:.0%}" + (" of tokens" if a.name == "output_share" else " of measured throughput")
    if a.name in ("approved_vendors_premium", "ops_overhead"):
        return f"+{value:.0%}" + (" on the API price" if a.name == "approved_vendors_premium"
                                 else " of the GPU bill")
    if a.name == "gpu_hourly_usd":
        return f"${value:,.2f} per GPU-hour"
    if a.name == "engineer_month_usd":
        return f"${value:,.0f}"
    if a.name.endswith("tokens_per_second"):
        side = "output" if a.name.startswith("output") else "input"
        return f"{_number(value)} {side} tokens/s per replica"
    if a.name == "engineering_fte":
        return f"{_number(value)} engineer-months per month"
    if a.name == "setup_engineer_months":
        return f"{_number(value)} engineer-month{'s' if value != 1 else ''}, once"
    if a.name == "amortisation_months":
        return f"{_number(value)} months"
    if a.name == "peak_to_average":
        return f"{_number(value)}x"
    return _number(value)


def price(value: float) -> str:
    """A per-token price: cents shown, and three figures below ten cents ($0.059)."""
    return f"${value:,.2f}" if value >= 0.1 or value == 0 else f"${value:.3g}"


def _source(a: Assumption) -> str:
    if a.source == STATED:
        return "yours"
    if a.source.startswith("pairing "):
        return a.source.split(":", 1)[0]
    return a.source


def assumption(a: Assumption, sources: bool = True) -> str:
    """One input, e.g. 'API input price: $3.00 per 1M input tokens (catalog: claude-sonnet-4-5,
    genai-prices 0.2.3, 2026-12)'."""
    label = ASSUMPTION_LABELS.get(a.name, a.name.replace("_", " ").capitalize())
    text = f"{label}: {_value(a)}"
    if a.source == STATED:
        return f"{text} (yours)"
    if sources or a.source.startswith("catalog"):
        return f"{text} ({_source(a)})"
    return text


def _route(route: HybridRoute) -> str:
    return (f"{route.traffic} ({wording.tokens(route.monthly_tokens)} tokens) to "
            f"{DESTINATIONS[route.destination]}: {wording.money(route.monthly_cost)}")


def api_label(cost: CostComparison) -> str:
    return f"API ({cost.api_model})" if cost.api_model else "API (your price)"



def self_host_label(cost: CostComparison) -> str:
    if ", " in cost.gpu_profile:
        return f"self-hosted ({cost.replicas or 'n'} replicas of {cost.gpu_profile})"
    model = cost.self_host_model or "open model"
    return f"self-hosted {model} on {cost.replicas or 'n'} x {cost.gpu_profile}"


def options_line(cost: CostComparison) -> str:
    """Every option's monthly cost at the stated volume, each naming the model priced."""
    if cost.monthly_tokens is None:
        return (f"{api_label(cost)} at {price(cost.blended_api_price_per_mtok)} per 1M tokens vs "
                f"self-hosted {cost.self_host_model or cost.gpu_profile}; give the monthly volume "
                "for monthly figures")
    parts = [f"{api_label(cost)} {wording.money(cost.monthly_api_cost)}",
             f"{self_host_label(cost)} {wording.money(cost.monthly_self_host_cost)}"]
    if cost.monthly_managed_open_cost is not None and cost.managed_open_model:
        parts.append(f"managed open model ({cost.managed_open_model}) "
                     f"{wording.money(cost.monthly_managed_open_cost)}")
    return (" vs ".join(parts)
            + f" a month at {wording.tokens(cost.monthly_tokens)} tokens")


def hybrid_line(cost: CostComparison) -> str | None:
    if cost.hybrid is None:
        return None
    routes = "; ".join(_route(route) for route in cost.hybrid.routes)
    return f"Hybrid split: {routes}; {wording.money(cost.hybrid.monthly_cost)} a month in all"


def break_even_line(result: Recommendation) -> str:
    """The break-even volume scored by, beside the framework's rule of thumb."""
    cost = result.cost
    if result.kind == "portfolio":
        each = "; ".join(f"{case.name} {_break_even(case.cost)}" for case in result.use_cases)
        return f"Break-even per use case: {each}"
    rule = (f"the framework's rule of thumb is {wording.tokens(cost.rule_of_thumb_tokens)}"
            if cost.rule_of_thumb_tokens else "")
    if cost.break_even_basis == "policy_default":
        computed = (f"; at the prices shown the computed break-even is "
                    f"{wording.tokens(cost.computed_break_even_tokens)}"
                    if cost.computed_break_even_tokens is not None else "")
        return (f"Break-even scored by: {wording.tokens(cost.break_even_tokens)} tokens/month, "
                f"the framework's rule of thumb, as this policy says{computed}")
    line = f"Computed break-even: {_break_even(cost)}" + (f"; {rule}" if rule else "")
    if len(cost.cheaper_changes_at) > 1:
        line += (f"; the cheaper option changes {len(cost.cheaper_changes_at)} times up to "
                 f"{wording.tokens(cost.cheaper_changes_at[-1])}")
    return line


def _break_even(cost: CostComparison) -> str:
    if cost.computed_break_even_tokens is None:
        return "never (self-hosting costs more at every volume)"
    return f"{wording.tokens(cost.computed_break_even_tokens)} tokens/month"


def _share(fraction: float) -> str:
    """A utilisation as read aloud: "1.6%", or "under 0.1%" rather than a misleading "0.0%"."""
    return "under 0.1%" if 0 < fraction < 0.0005 else f"{fraction:.1%}"


def cheaper_line(cost: CostComparison) -> str | None:
    if cost.cheaper_at_this_volume is None:
        return None
    cheaper = "the API" if cost.cheaper_at_this_volume == "api" else "self-hosting"
    utilisation = ("" if cost.gpu_utilisation is None else
                   f"; the GPUs would run at {_share(cost.gpu_utilisation)} of measured throughput")
    return f"Cheaper of the API and self-hosting at this volume: {cheaper}{utilisation}"


def cost_lines(result: Recommendation) -> list[str]:
    """The comparison, line by line, as every renderer shows it (without the assumptions)."""
    cost = result.cost
    lines = [options_line(cost)]
    for line in (cheaper_line(cost), hybrid_line(cost)):
        if line:
            lines.append(line)
    lines.append(break_even_line(result))
    return lines


def assumptions_line(cost: CostComparison) -> str:
    """The inputs in one line, yours marked and catalog prices sourced."""
    return "Assumptions: " + "; ".join(assumption(a, sources=False) for a in cost.assumptions)
