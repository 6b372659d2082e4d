"""Advice as format-neutral rows: every line a recommendation shows, worded, not yet formatted.

The terminal and Block Kit renderers both read these rows, so the two say the same things; each
only adds its own markup (indents and prefixes, or mrkdwn and escaping).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot import wording
from bot.conversation import Advice
from bot.conversation.advice import CitedLine, FactorLine, SourceRef
from bot.cost_wording import assumptions_line, cost_lines
from scoring import Factor, Recommendation


@dataclass(frozen=True)
class FactorRow:
    """One deciding factor: signed contribution, fact label, worded value, rationale, source."""

    contribution: float
    label: str
    value: str
    rationale: str
    citation: int | None = None


@dataclass(frozen=True)
class CitedRow:
    text: str
    citation: int | None = None


@dataclass(frozen=True)
class UseCaseRow:
    name: str
    choice: str
    confidence: str
    score: float


@dataclass(frozen=True)
class CostRow:
    """The cost comparison: every option's monthly cost in a sentence (its source number apart),
    then the cheaper option, the hybrid split and the break-even, and the model's inputs."""

    summary: str
    details: list[str]
    citation: int | None
    assumptions: str


@dataclass(frozen=True)
class PolicyRow:
    name: str
    version: str
    fingerprint: str


@dataclass(frozen=True)
class AdviceRows:
    headline: str
    confidence: str
    score: float
    what_if: str | None
    use_cases: list[UseCaseRow]
    """One row per use case of a portfolio; empty for one workload."""
    constraints: list[CitedRow]
    factors: list[FactorRow]
    cost: CostRow
    flip_points: list[str]
    caveats: list[CitedRow]
    unasked: str | None
    """The facts never asked, as one lower-case list, or None when every fact was asked."""
    sources: list[SourceRef]
    without_sources: bool
    policy: PolicyRow


def factor_row(factor: FactorLine | Factor, citation: int | None = None) -> FactorRow:
    """A factor worded: its fact's label and its value as people say them."""
    return FactorRow(contribution=factor.contribution, label=wording.fact_label(factor.name),
                     value=wording.fact_value(factor.name, factor.value),
                     rationale=factor.rationale, citation=citation)


def flip_rows(result: Recommendation) -> list[str]:
    return [wording.flip_point(flip) for flip in result.flip_points]


def _cost(advice: Advice) -> CostRow:
    lines = cost_lines(advice.result)
    return CostRow(summary=lines[0], details=lines[1:], citation=advice.cost_citation,
                   assumptions=assumptions_line(advice.result.cost))


def _cited(lines: Sequence[CitedLine]) -> list[CitedRow]:
    return [CitedRow(text=line.text, citation=line.citation) for line in lines]


def advice_rows(advice: Advice) -> AdviceRows:
    """Everything `advice` shows, in the order the renderers show it, worded once."""
    result = advice.result
    use_cases = [UseCaseRow(name=case.name, choice=wording.choice(case.recommendation),
                            confidence=str(case.confidence), score=case.score)
                 for case in result.use_cases] if result.kind == "portfolio" else []
    unasked = ", ".join(wording.fact_label(fact).lower() for fact in advice.unasked)
    policy = result.policy
    return AdviceRows(
        headline=wording.headline(result), confidence=str(result.confidence), score=result.score,
        what_if=wording.what_if(advice.what_if) if advice.what_if else None,
        use_cases=use_cases, constraints=_cited(advice.constraints),
        factors=[factor_row(f, f.citation) for f in advice.factors], cost=_cost(advice),
        flip_points=flip_rows(result), caveats=_cited(advice.caveats), unasked=unasked or None,
        sources=list(advice.sources), without_sources=advice.without_sources,
        policy=PolicyRow(name=policy.name, version=policy.version, fingerprint=policy.fingerprint))
