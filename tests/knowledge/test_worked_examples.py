"""Every worked example in the guides, recomputed with the scoring module and the shipped policy.

Each example names its guide section and the facts it works through; the figures the tool
computes for those facts must appear, as printed, in that section. A change to the policy's
defaults, the cost formulas or the pinned catalog therefore fails here until the guide follows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from scoring import (
    CostComparison,
    Policy,
    VolumeFlip,
    WorkloadFacts,
    cost_model,
    load_policy,
    recommend,
)
from tests.helpers.prices import pinned_prices

GUIDES = Path(__file__).resolve().parents[2] / "knowledge" / "guides"
BASE: dict[str, Any] = {"data_residency": "unrestricted", "specialization": "niche",
                        "ml_expertise": "some", "latency": "relaxed"}


def money(value: float) -> str:
    return f"${value:,.2f}"


def tokens(value: float, unit: str, digits: int) -> str:
    """`1.71 billion`, `572.5 million`: a token count as the guides print it."""
    scale = {"billion": 1e9, "million": 1e6}[unit]
    return f"{value / scale:,.{digits}f} {unit}"


def price(value: float) -> str:
    """A price per 1M tokens with the decimals it needs ($6.60, $0.285)."""
    text = f"{value:.3f}".rstrip("0")
    return "$" + (text + "0" if len(text.split(".")[1]) < 2 else text)


@cache
def policy() -> Policy:
    return load_policy(None)


def cost(**facts: Any) -> CostComparison:
    return recommend(WorkloadFacts(**{**BASE, **facts}), policy(), pinned_prices()).cost


def breakdown(c: CostComparison) -> list[str]:
    parts = c.self_host_breakdown
    gpu_line = parts["gpus"] + parts["operations_overhead"]
    return [money(parts["gpus"]), money(parts["operations_overhead"]), money(gpu_line),
            money(parts["engineering"]), money(parts["amortised_setup"]),
            money(c.monthly_self_host_cost or 0)]


def small_tier() -> list[str]:
    c = cost(specialization="moderate", monthly_tokens=30_000_000, api_model="gpt-4o-mini")
    model = cost_model(WorkloadFacts(**{**BASE, "specialization": "moderate"}), policy(),
                       pinned_prices())
    marginal = model.replica_cost() / model.replica_capacity_tokens * 1e6
    assert c.computed_break_even_tokens is None
    a10g = cost(specialization="moderate", monthly_tokens=30_000_000, api_model="gpt-4o-mini",
                gpu_profile="a10g-8b")
    assert a10g.computed_break_even_tokens is None
    return [price(c.blended_api_price_per_mtok), money(c.monthly_api_cost or 0), *breakdown(c),
            "Break-even: none", money(model.replica_cost()), f"${marginal:.3f} per million",
            '"never"', f"${policy().cost.profile('a10g-8b').gpu_hourly_usd:.3f} an hour"]


def frontier() -> list[str]:
    c = cost(monthly_tokens=200_000_000)
    platform = cost(monthly_tokens=200_000_000, engineering_fte=0)
    assert c.cheaper_at_this_volume == "api"
    return [price(c.blended_api_price_per_mtok), money(c.monthly_api_cost or 0), *breakdown(c),
            tokens(c.computed_break_even_tokens or 0, "billion", 2),
            money(platform.monthly_self_host_cost or 0),
            tokens(platform.computed_break_even_tokens or 0, "million", 1)]


def blended() -> list[str]:
    c = cost(monthly_tokens=30_000_000)
    return [price(c.blended_api_price_per_mtok), money(c.monthly_api_cost or 0),
            f"{1 - policy().cost.output_share:.2f} x", f"{policy().cost.output_share:.2f} x"]


def pairing() -> list[str]:
    c = cost(specialization="general", monthly_tokens=200_000_000)
    assert c.self_host_model == "70B open model in FP8" and c.api_model == "claude-sonnet-4-5"
    return [money(c.monthly_api_cost or 0), *breakdown(c)[:2], *breakdown(c)[3:],
            tokens(c.computed_break_even_tokens or 0, "billion", 2),
            price(c.managed_open_price_per_mtok or 0), money(c.monthly_managed_open_cost or 0)]


def rule_of_thumb() -> list[str]:
    a10g = policy().cost.profile("a10g-8b")
    month = a10g.gpu_hourly_usd * policy().cost.hours_per_month
    sonnet = cost(monthly_tokens=1).blended_api_price_per_mtok
    opus = cost(monthly_tokens=1, api_model="claude-opus-4-1").blended_api_price_per_mtok
    return [money(month), f"about {month / sonnet:.0f} million", f"about {month / opus:.0f} million",
            price(opus)]


def steps() -> list[str]:
    model = cost_model(WorkloadFacts(**BASE), policy(), pinned_prices())
    full = model.tokens_per_second * 3600 * model.hours_per_month
    return [f"{model.profile.output_tokens_per_second:,.0f}", f"{model.profile.input_tokens_per_second:,.0f}",
            f"about {model.tokens_per_second:,.0f} tokens per second", tokens(full, "billion", 2),
            tokens(model.replica_capacity_tokens, "billion", 2), money(model.replica_cost())]


def profile_month(name: str) -> float:
    profile = policy().cost.profile(name)
    return profile.gpus_per_replica * profile.gpu_hourly_usd * policy().cost.hours_per_month


def gpu_months() -> list[str]:
    return [money(profile_month(name)) for name in ("a10g-8b", "a100-8b", "h100x2-70b-fp8")]


def capacity() -> list[str]:
    figures = []
    for profile in ("a10g-8b", "a100-8b", "h100x2-70b-fp8"):
        model = cost_model(WorkloadFacts(**{**BASE, "gpu_profile": profile}), policy(),
                           pinned_prices())
        full = model.tokens_per_second * 3600 * model.hours_per_month
        figures += [f"about {model.tokens_per_second:,.0f} tokens per second",
                    tokens(full, "billion", 2)]
    return figures


def utilisation() -> list[str]:
    model = cost_model(WorkloadFacts(**BASE), policy(), pinned_prices())
    c = cost(monthly_tokens=200_000_000)
    ceiling, peak = policy().cost.max_utilisation, policy().cost.peak_to_average
    return [f"Peak to average of {peak:g}", f"Ceiling of {ceiling:.0%}",
            f"about {ceiling / peak:.0%} of measured throughput",
            tokens(model.replica_capacity_tokens, "billion", 2),
            f"about {c.gpu_utilisation or 0:.1%} of their measured throughput"]


def beyond_gpus() -> list[str]:
    two = cost(monthly_tokens=30_000_000, gpu_profile="a10g-8b")
    gpus = two.self_host_breakdown["gpus"]
    return [money(gpus), f"${gpus * 3:,.0f}-{gpus * 5:,.0f}", *breakdown(two)[1:2],
            *breakdown(two)[3:], f"{policy().cost.ops_overhead:.0%}"]


def seventy_b() -> list[str]:
    model = cost_model(WorkloadFacts(**{**BASE, "specialization": "general"}), policy(),
                       pinned_prices())
    return [money(profile_month("h100x2-70b-fp8")), money(model.replica_cost())]


def regional() -> list[str]:
    plain = cost(monthly_tokens=40_000_000)
    regional = cost(monthly_tokens=40_000_000, data_residency="approved_vendors")
    premium = policy().cost.approved_vendors_premium
    extra = (regional.monthly_api_cost or 0) - (plain.monthly_api_cost or 0)
    return [f"+{premium:.0%}", price(plain.blended_api_price_per_mtok),
            money(plain.monthly_api_cost or 0), price(regional.blended_api_price_per_mtok),
            money(regional.monthly_api_cost or 0), money(extra),
            money(regional.monthly_self_host_cost or 0)]


def glossary_blend() -> list[str]:
    share = policy().cost.output_share
    return [f"{1 - share:.0%} input at $3.00", f"{share:.0%} output at $15.00",
            price(cost(monthly_tokens=1).blended_api_price_per_mtok)]


def engineering() -> list[str]:
    month = policy().cost.engineer_month_usd
    c = cost(monthly_tokens=1)
    return [money(month)[:-3], f"${0.25 * month:,.0f}-{2 * month:,.0f}",
            money(c.self_host_breakdown["engineering"]), money(profile_month("a10g-8b")),
            money(c.self_host_breakdown["amortised_setup"])]


def managed_niche() -> list[str]:
    c = cost(monthly_tokens=15_000_000, ml_expertise="none")
    return [money(c.monthly_self_host_cost or 0), f"about {c.gpu_utilisation or 0:.1%}",
            money(c.monthly_api_cost or 0), price(c.managed_open_price_per_mtok or 0),
            money(c.monthly_managed_open_cost or 0)]


def managed_pricing() -> list[str]:
    small = cost(monthly_tokens=200_000_000)
    large = cost(monthly_tokens=200_000_000, specialization="general")
    return [price(small.managed_open_price_per_mtok or 0),
            money(small.monthly_managed_open_cost or 0),
            price(large.managed_open_price_per_mtok or 0),
            money(large.monthly_managed_open_cost or 0)]


def falling_prices() -> list[str]:
    today = cost(monthly_tokens=200_000_000)
    tenth = round(today.blended_api_price_per_mtok / 10, 4)
    later = cost(monthly_tokens=200_000_000, api_price_per_mtok=tenth)
    return [price(today.blended_api_price_per_mtok), money(today.monthly_self_host_cost or 0),
            tokens(today.computed_break_even_tokens or 0, "billion", 2), price(tenth),
            tokens(later.computed_break_even_tokens or 0, "billion", 1)]


def batch() -> list[str]:
    today = cost(monthly_tokens=200_000_000)
    half = round(today.blended_api_price_per_mtok / 2, 4)
    batched = cost(monthly_tokens=200_000_000, api_price_per_mtok=half)
    return [price(today.blended_api_price_per_mtok), price(half),
            money(batched.monthly_api_cost or 0), money(batched.monthly_self_host_cost or 0),
            tokens(batched.computed_break_even_tokens or 0, "billion", 2)]


def escalation() -> list[str]:
    c = cost(monthly_tokens=100_000_000)
    split = c.hybrid
    assert split is not None
    routes = {route.destination: route for route in split.routes}
    share = policy().cost.hybrid_open_share
    return [f"routine {share:.0%}", f"complex {1 - share:.0%}",
            money(routes["api"].monthly_cost), money(c.monthly_api_cost or 0),
            money(routes["managed_open"].monthly_cost), money(c.monthly_self_host_cost or 0),
            money(split.monthly_cost)]


def decision_record() -> list[str]:
    facts = {**BASE, "data_residency": "approved_vendors", "monthly_tokens": 120_000_000,
             "output_share": 0.15}
    rec = recommend(WorkloadFacts(**facts), policy(), pinned_prices())
    c, split = rec.cost, rec.cost.hybrid
    assert split is not None and rec.recommendation == "hybrid"
    routes = {route.destination: route for route in split.routes}
    volume = next(flip for flip in rec.flip_points if isinstance(flip, VolumeFlip))
    growth = math.log((c.computed_break_even_tokens or 0) / 120_000_000) / math.log(1.05)
    return [money(c.monthly_api_cost or 0), money(c.monthly_self_host_cost or 0),
            money(routes["managed_open"].monthly_cost), money(routes["api"].monthly_cost),
            f"hybrid at {rec.confidence} confidence",
            tokens(c.computed_break_even_tokens or 0, "billion", 2), f"about {growth:.0f} months",
            tokens(volume.threshold, "billion", 2)]


@dataclass(frozen=True)
class Example:
    guide: str
    section: str
    figures: Callable[[], list[str]]


EXAMPLES = [
    Example("volume-and-break-even", "Monthly API cost and the blended price", blended),
    Example("volume-and-break-even", "How llm-advisor pairs models like for like", pairing),
    Example("volume-and-break-even",
            "Worked example: 30M tokens a month on a small-model API tier", small_tier),
    Example("volume-and-break-even",
            "Worked example: 200M tokens a month at frontier-class prices", frontier),
    Example("volume-and-break-even", "Does the 50M rule hold? Not on price alone", rule_of_thumb),
    Example("volume-and-break-even", "Why self-hosting cost climbs in steps", steps),
    Example("gpu-costs-and-throughput", "What a GPU-hour costs in 2025-2026", gpu_months),
    Example("gpu-costs-and-throughput", "Turning throughput into monthly capacity", capacity),
    Example("gpu-costs-and-throughput", "Realistic GPU utilisation", utilisation),
    Example("gpu-costs-and-throughput", "Costs beyond the GPU bill", beyond_gpus),
    Example("gpu-costs-and-throughput", "Picking a GPU for the model size", seventy_b),
    Example("data-residency", "Regional and government API endpoints as the middle ground",
            regional),
    Example("glossary", "Cost terms: blended price, break-even volume, operations overhead",
            glossary_blend),
    Example("ml-talent-and-operations", "How much engineering time to budget", engineering),
    Example("managed-open-model-hosting", "A tuned niche model at modest volume", managed_niche),
    Example("managed-open-model-hosting", "How llm-advisor prices managed hosting",
            managed_pricing),
    Example("cost-structures", "What falling prices mean for a self-hosting business case",
            falling_prices),
    Example("cost-structures", "Batch APIs: about half price for work nobody waits on", batch),
    Example("hybrid-patterns", "Escalation: small model first, hard cases upward", escalation),
    Example("revisiting-decisions", "Example decision record", decision_record),
]


def section_text(guide: str, heading: str) -> str:
    text = (GUIDES / f"{guide}.md").read_text(encoding="utf-8")
    match = re.search(rf"^##+ {re.escape(heading)}\s*$(.*?)(?=^##+ |\Z)", text,
                      re.MULTILINE | re.DOTALL)
    assert match, f"{guide}.md has no section {heading!r}"
    return match.group(1)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.guide}: {e.section}")
def test_guide_example_prints_the_figures_the_tool_computes(example: Example) -> None:
    text = section_text(example.guide, example.section)
    missing = [figure for figure in example.figures() if figure not in text]
    assert missing == [], f"{example.guide}.md, {example.section!r} lacks {missing}"


def test_figure_formats_match_the_guides_style() -> None:
    assert (money(11278.6), price(6.6), price(0.285)) == ("$11,278.60", "$6.60", "$0.285")
    assert tokens(1_708_878_788, "billion", 2) == "1.71 billion"
    assert math.isclose(float(price(0.65)[1:]), 0.65)


def test_section_text_stops_at_the_next_heading() -> None:
    text = section_text("volume-and-break-even", "Break-even volume in one division")
    assert "break-even tokens per month" in text and "How llm-advisor pairs" not in text
