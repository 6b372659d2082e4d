"""Plain-text rendering of a recommendation, for the terminal and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot import wording
from bot.cost_wording import assumption, cost_lines
from scoring import Factor, Recommendation

if TYPE_CHECKING:
    from bot.citations import FactorSource


def _factor_line(factor: Factor, sources: Sequence[FactorSource] = (),
                 use_case: str | None = None) -> str:
    label = wording.FACT_LABELS.get(factor.name, factor.name)
    value = wording.fact_value(factor.name, factor.value)
    lines = [f"  {factor.contribution:+6.2f}  {label}: {value} (weight {factor.weight:g})",
             f"          {factor.rationale}"]
    lines.extend(f"          guide: {source.source} - {source.section}" for source in sources
                 if source.factor == factor.name and source.use_case == use_case)
    return "\n".join(lines)


def _cost_lines(rec: Recommendation) -> list[str]:
    cost = rec.cost
    lines = ["Cost comparison (per month):"]
    lines.extend(f"  {line}" for line in cost_lines(rec))
    if cost.self_host_breakdown:
        parts = ", ".join(f"{name.replace('_', ' ')} {wording.money(value)}"
                          for name, value in cost.self_host_breakdown.items())
        lines.append(f"  Self-hosted cost: {parts}")
    lines.append("  Assumptions:")
    lines.extend(f"    - {assumption(a)}" for a in cost.assumptions)
    return lines


def render_recommendation(rec: Recommendation, sources: Sequence[FactorSource] = ()) -> str:
    """The explanation as plain text; `sources` are listed under the factor each one backs."""
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
            lines.extend("  " + _factor_line(factor, sources, case.name) for factor in case.factors)
    else:
        lines.append("Factors (positive favours self-hosting):")
        lines.extend(_factor_line(factor, sources) for factor in rec.factors)
    lines.append("")
    lines.extend(_cost_lines(rec))
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
