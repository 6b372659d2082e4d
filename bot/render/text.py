"""Plain-text rendering of a recommendation, for the terminal and the CLI."""

from __future__ import annotations

from bot import wording
from scoring import CostComparison, Factor, Recommendation


def _factor_line(factor: Factor) -> str:
    label = wording.FACT_LABELS.get(factor.name, factor.name)
    value = wording.fact_value(factor.name, factor.value)
    return (
        f"  {factor.contribution:+6.2f}  {label}: {value} (weight {factor.weight:g})\n"
        f"          {factor.rationale}"
    )


def _cost_lines(cost: CostComparison) -> list[str]:
    lines = ["Cost comparison (per month):"]
    if cost.monthly_tokens is None:
        lines.append("  Volume unknown, so no monthly figures yet.")
    else:
        lines.append(
            f"  API: {wording.money(cost.monthly_api_cost)} "
            f"({wording.tokens(cost.monthly_tokens)} tokens x "
            f"${cost.blended_api_price_per_mtok:g} per 1M blended)"
        )
        if cost.monthly_self_host_cost is not None:
            parts = ", ".join(
                f"{name.replace('_', ' ')} {wording.money(value)}"
                for name, value in cost.self_host_breakdown.items()
            )
            lines.append(
                f"  Self-hosted: {wording.money(cost.monthly_self_host_cost)} "
                f"({cost.replicas} replicas of {cost.gpu_profile}: {parts})"
            )
        if cost.gpu_utilisation is not None:
            lines.append(f"  GPU utilisation at this volume: {cost.gpu_utilisation:.1%}")
    if cost.computed_break_even_tokens is not None:
        lines.append(
            f"  Computed break-even: {wording.tokens(cost.computed_break_even_tokens)} tokens/month"
        )
    elif cost.break_even_basis == "computed" or cost.monthly_tokens is not None:
        lines.append("  Computed break-even: none (self-hosting never costs less at this price)")
    if cost.break_even_tokens is not None:
        basis = "policy rule of thumb" if cost.break_even_basis == "policy_default" else "computed"
        lines.append(
            f"  Break-even used for scoring: {wording.tokens(cost.break_even_tokens)} ({basis})"
        )
    lines.append("  Assumptions:")
    lines.extend(
        f"    - {a.name} = {a.value} {a.unit} ({a.source})" for a in cost.assumptions
    )
    return lines


def render_recommendation(rec: Recommendation) -> str:
    lines = [
        f"Recommendation: {wording.choice(rec.recommendation)}",
        f"Confidence: {rec.confidence} (score {rec.score:+.2f}; "
        f"open source at >= {rec.policy.open_source_at:+g}, "
        f"proprietary at <= {rec.policy.proprietary_at:+g})",
        "",
    ]
    for constraint in rec.constraints:
        lines.append(f"Hard constraint: {constraint.rationale} -> {constraint.effect}")
    if rec.constraints:
        lines.append("")
    if rec.use_cases:
        lines.append("Use cases:")
        for case in rec.use_cases:
            lines.append(
                f"  - {case.name}: {wording.choice(case.recommendation)} "
                f"({case.confidence} confidence, score {case.score:+.2f})"
            )
            lines.extend("  " + _factor_line(factor) for factor in case.factors)
    else:
        lines.append("Factors (positive favours self-hosting):")
        lines.extend(_factor_line(factor) for factor in rec.factors)
    lines.append("")
    lines.extend(_cost_lines(rec.cost))
    if rec.flip_points:
        lines.append("")
        lines.append("What would change the answer:")
        lines.extend(f"  - {wording.flip_point(flip)}" for flip in rec.flip_points)
    if rec.caveats:
        lines.append("")
        lines.append("Caveats:")
        lines.extend(f"  - {caveat.text}" for caveat in rec.caveats)
    if rec.missing_facts:
        lines.append("")
        settled = "could still change the answer" if rec.answer_can_change else "cannot change it"
        lines.append(f"Still unknown ({settled}): {', '.join(rec.missing_facts)}")
    lines.append("")
    weights = ", ".join(f"{name} {weight:g}" for name, weight in rec.policy.weights.items())
    lines.append(
        f"Policy: {rec.policy.name} {rec.policy.version} ({rec.policy.fingerprint}); "
        f"weights: {weights}"
    )
    return "\n".join(lines)
