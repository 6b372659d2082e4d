"""recommend(): facts in, an explained recommendation out. Pure and deterministic."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.catalog import PriceCatalog
from scoring.comparison import compare_costs, open_route, workload_split
from scoring.decide import HYBRID, OPEN_SOURCE, Decision, categorical_values, combine, decide
from scoring.facts import Portfolio, WorkloadFacts
from scoring.flips import value_flips, volume_bands, volume_flips
from scoring.policy import Policy, load_policy
from scoring.pricing import Pricing, resolve
from scoring.questions import answer_can_change
from scoring.rationale import (
    FACTOR_REASONS,
    UNKNOWN_REASON,
    compact_tokens,
    cost_outweighed,
    volume_reason,
)
from scoring.result import (
    CHOICES_IN_ORDER,
    Caveat,
    Choice,
    Confidence,
    Constraint,
    CostComparison,
    Factor,
    HybridRoute,
    HybridSplit,
    PolicySummary,
    Recommendation,
    UseCaseResult,
    ValueFlip,
    VolumeFlip,
)
from scoring.volume import VolumeScale, volume_level, volume_scale

LOW_UTILISATION = 0.2


@dataclass(frozen=True)
class _Case:
    facts: WorkloadFacts
    pricing: Pricing
    scale: VolumeScale
    decision: Decision


def _evaluate(facts: WorkloadFacts, policy: Policy, prices: PriceCatalog | None) -> _Case:
    pricing = resolve(facts, policy, prices)
    scale = volume_scale(facts, policy, pricing.model)
    level = volume_level(facts.monthly_tokens, scale, policy)
    return _Case(facts, pricing, scale, decide(policy, categorical_values(facts), level))


class _Decider:
    def __init__(self, policy: Policy, prices: PriceCatalog | None) -> None:
        self.policy, self.prices = policy, prices

    def __call__(self, facts: WorkloadFacts) -> int:
        return _evaluate(facts, self.policy, self.prices).decision.choice


def _factors(case: _Case, policy: Policy) -> list[Factor]:
    facts = case.facts
    factors: list[Factor] = []
    for fact, factor_policy in policy.factors.items():
        value = getattr(facts, fact)
        if value is None:
            if fact not in facts.missing():
                continue
            factors.append(Factor(name=fact, value="unknown", weight=factor_policy.weight, level=0.0,
                                  contribution=0.0, rationale=UNKNOWN_REASON, topic=factor_policy.topic))
            continue
        level = factor_policy.levels[str(value)]
        factors.append(
            Factor(name=fact, value=str(value), weight=factor_policy.weight, level=level,
                   contribution=round(factor_policy.weight * level, 4),
                   rationale=FACTOR_REASONS[fact][str(value)], topic=factor_policy.topic)
        )
    volume = policy.volume
    volume_at = volume_level(facts.monthly_tokens, case.scale, policy)
    if facts.monthly_tokens is None or volume_at is None:
        factors.insert(2, Factor(name="monthly_tokens", value="unknown", weight=volume.weight,
                                 level=0.0, contribution=0.0, rationale=UNKNOWN_REASON,
                                 topic=volume.topic))
    else:
        factors.insert(
            2,
            Factor(name="monthly_tokens", value=str(facts.monthly_tokens), weight=volume.weight,
                   level=round(volume_at, 4), contribution=round(volume.weight * volume_at, 4),
                   rationale=volume_reason(facts.monthly_tokens, case.scale),
                   topic=volume.topic),
        )
    return factors


def _constraints(case: _Case) -> list[Constraint]:
    constraints: list[Constraint] = []
    if case.decision.forced_by_residency:
        constraints.append(Constraint(
            name="data_must_stay_in_house", fact="data_residency", value="in_house_only",
            effect="open_source",
            rationale="Data that may not leave the organisation's infrastructure rules out "
                      "third-party APIs; self-hosting is the only option.",
            topic="data_residency"))
    if case.decision.capped_by_ml_expertise:
        constraints.append(Constraint(
            name="no_ml_expertise_caps_self_hosting", fact="ml_expertise", value="none",
            effect="hybrid",
            rationale="The weighted factors favour self-hosting, but a team with no ML engineering "
                      "skill should not run models alone; the advice is capped at hybrid.",
            topic="ml_expertise"))
    return constraints


def _managed_note(cost: CostComparison) -> str:
    if cost.managed_open_model is None or cost.managed_open_price_per_mtok is None:
        return "a managed host of open weights"
    monthly = ("" if cost.monthly_managed_open_cost is None
               else f", ${cost.monthly_managed_open_cost:,.2f} a month at this volume")
    return (f"a managed host of open weights ({cost.managed_open_model} at "
            f"${cost.managed_open_price_per_mtok:g} per 1M tokens{monthly})")


def cost_settled(case: _Case) -> int | None:
    return case.scale.settled if case.scale.basis == "computed" else None


def _caveats(case: _Case, cost: CostComparison, factors: list[Factor]) -> list[Caveat]:
    facts, decision = case.facts, case.decision
    caveats: list[Caveat] = []
    if (decision.choice == OPEN_SOURCE and not decision.forced_by_residency
            and cost.cheaper_at_this_volume == "api"):
        caveats.append(Caveat(text=cost_outweighed(factors, cost), topic="volume_cost"))
    if decision.forced_by_residency and facts.ml_expertise is not None and facts.ml_expertise != "strong":
        caveats.append(Caveat(
            text="Self-hosting is required, but the team's ML engineering skill is "
                 f"{facts.ml_expertise}: plan to hire, train or bring in a partner, and budget "
                 "0.25-2 engineer-months per month for operations.",
            topic="ml_expertise"))
    if decision.capped_by_ml_expertise:
        caveats.append(Caveat(
            text=f"For the open-model part, {_managed_note(cost)} avoids running GPUs until the "
                 "team has the skills.",
            topic="hybrid"))
    if cost.break_even_basis == "policy_default" and cost.computed_break_even_tokens is not None:
        caveats.append(Caveat(
            text=f"This policy scores volume by the framework's rule of thumb of "
                 f"{compact_tokens(cost.break_even_tokens or 0)} tokens/month; at the prices shown "
                 f"the computed break-even is {compact_tokens(cost.computed_break_even_tokens)}.",
            topic="volume_cost"))
    if cost.computed_break_even_tokens is None:
        caveats.append(Caveat(
            text=f"At ${cost.blended_api_price_per_mtok:g} per 1M tokens, self-hosting on "
                 f"{cost.gpu_profile} never costs less than the API at any volume.",
            topic="volume_cost"))
    if len(cost.cheaper_changes_at) > 1:
        changes = cost.cheaper_changes_at
        settled = ("from there on self-hosting stays cheaper"
                   if changes[-1] == cost_settled(case) else "and it keeps alternating beyond")
        caveats.append(Caveat(
            text=f"The cheaper option changes {len(changes)} times between "
                 f"{compact_tokens(changes[0])} and {compact_tokens(changes[-1])} tokens/month, "
                 f"because each extra replica makes self-hosting dearer again for a while; "
                 f"{settled}.",
            topic="volume_cost"))
    if (decision.choice != 0 and cost.gpu_utilisation is not None
            and cost.gpu_utilisation < LOW_UTILISATION):
        caveats.append(Caveat(
            text=f"At this volume the self-hosted GPUs would be about {cost.gpu_utilisation:.0%} "
                 "utilised; lightly loaded GPUs cost several times more per token than list "
                 "figures suggest.",
            topic="volume_cost"))
    return caveats


def _confidence(case: _Case, policy: Policy, can_change: bool) -> Confidence:
    decision = case.decision
    if decision.forced_by_residency:
        return Confidence.HIGH
    if can_change and case.facts.missing():
        return Confidence.LOW
    thresholds = policy.thresholds
    score = decision.score
    if decision.capped_by_ml_expertise:
        margin = min(score - thresholds.proprietary_at, 1.0)
    elif decision.choice == 2:
        margin = score - thresholds.open_source_at
    elif decision.choice == 0:
        margin = thresholds.proprietary_at - score
    else:
        margin = min(score - thresholds.proprietary_at, thresholds.open_source_at - score)
    if margin >= thresholds.high_confidence_margin:
        return Confidence.HIGH
    if margin >= thresholds.medium_confidence_margin:
        return Confidence.MEDIUM
    return Confidence.LOW


def _policy_summary(policy: Policy) -> PolicySummary:
    weights = {fact: factor.weight for fact, factor in policy.factors.items()}
    weights["monthly_tokens"] = policy.volume.weight
    return PolicySummary(name=policy.name, version=policy.version, fingerprint=policy.fingerprint,
                         open_source_at=policy.thresholds.open_source_at,
                         proprietary_at=policy.thresholds.proprietary_at, weights=weights)


class _TokenDecider:
    """Decision as a function of one use case's volume, everything else held."""

    def __init__(self, policy: Policy, case: _Case, index: int | None, others: list[int]) -> None:
        self.policy = policy
        self.values = categorical_values(case.facts)
        self.scale = case.scale
        self.index = index
        self.others = others

    def __call__(self, tokens: int) -> int:
        level = volume_level(tokens, self.scale, self.policy)
        choice = decide(self.policy, self.values, level).choice
        if self.index is None:
            return choice
        choices = list(self.others)
        choices[self.index] = choice
        return combine(choices)


def _with_split(cost: CostComparison, case: _Case, policy: Policy) -> CostComparison:
    if case.decision.choice != HYBRID:
        return cost
    return cost.model_copy(update={"hybrid": workload_split(case.facts, policy, case.pricing)})


def _use_case_result(name: str, case: _Case, policy: Policy,
                     prices: PriceCatalog | None) -> UseCaseResult:
    cost = _with_split(compare_costs(case.facts, policy, pricing=case.pricing), case, policy)
    can_change = answer_can_change(case.facts, policy, prices)
    return UseCaseResult(
        name=name, recommendation=case.decision.as_choice,
        confidence=_confidence(case, policy, can_change), score=round(case.decision.score, 4),
        factors=_factors(case, policy), constraints=_constraints(case), cost=cost,
        missing_facts=case.facts.missing())


def _recommend_workload(facts: WorkloadFacts, policy: Policy,
                        prices: PriceCatalog | None) -> Recommendation:
    case = _evaluate(facts, policy, prices)
    cost = _with_split(compare_costs(facts, policy, pricing=case.pricing), case, policy)
    can_change = answer_can_change(facts, policy, prices)
    factors = _factors(case, policy)
    decide_tokens = _TokenDecider(policy, case, None, [])
    flips: list[VolumeFlip | ValueFlip] = []
    if facts.monthly_tokens is not None:
        flips.extend(volume_flips(facts.monthly_tokens, decide_tokens))
    flips.extend(value_flips(facts, _Decider(policy, prices)))
    return Recommendation(
        kind="workload", recommendation=case.decision.as_choice,
        confidence=_confidence(case, policy, can_change), score=round(case.decision.score, 4),
        factors=factors, constraints=_constraints(case),
        caveats=_caveats(case, cost, factors), cost=cost, flip_points=flips,
        volume_bands=volume_bands(decide_tokens), missing_facts=facts.missing(),
        answer_can_change=can_change, use_cases=[], policy=_policy_summary(policy))


class _PortfolioDecider:
    def __init__(self, policy: Policy, prices: PriceCatalog | None, choices: list[int],
                 index: int) -> None:
        self.policy, self.prices, self.choices, self.index = policy, prices, choices, index

    def __call__(self, facts: WorkloadFacts) -> int:
        choices = list(self.choices)
        choices[self.index] = _evaluate(facts, self.policy, self.prices).decision.choice
        return combine(choices)


def _portfolio_split(labels: list[str], cases: list[_Case],
                     results: list[UseCaseResult]) -> HybridSplit | None:
    """Each use case where its own answer sends it: the API, the team's GPUs, or both."""
    routes: list[HybridRoute] = []
    for label, case, result in zip(labels, cases, results, strict=True):
        cost, tokens = result.cost, case.facts.monthly_tokens
        if tokens is None or cost.monthly_api_cost is None or cost.monthly_self_host_cost is None:
            return None
        if result.recommendation == Choice.PROPRIETARY:
            routes.append(HybridRoute(traffic=label, destination="api", monthly_tokens=tokens,
                                      monthly_cost=cost.monthly_api_cost))
        elif result.recommendation == Choice.OPEN_SOURCE:
            routes.append(open_route(case.facts, case.pricing, tokens).model_copy(
                update={"traffic": label}))
        elif cost.hybrid is not None:
            routes.extend(route.model_copy(update={"traffic": f"{label}: {route.traffic}"})
                          for route in cost.hybrid.routes)
    return HybridSplit(routes=routes, monthly_cost=round(sum(r.monthly_cost for r in routes), 2))


def _one_or_all(values: list[str]) -> str:
    """The value every use case shares, else each distinct one, in order."""
    return ", ".join(dict.fromkeys(values))


def _portfolio_cost(labels: list[str], cases: list[_Case], results: list[UseCaseResult],
                    overall: int) -> CostComparison:
    tokens = [case.facts.monthly_tokens for case in cases]
    known = all(value is not None for value in tokens)
    api = [result.cost.monthly_api_cost for result in results]
    own = [result.cost.monthly_self_host_cost for result in results]
    total_tokens = sum(value or 0 for value in tokens) if known else None
    first = results[0].cost
    return CostComparison(
        monthly_tokens=total_tokens,
        api_model=_one_or_all([r.cost.api_model or "your price" for r in results]),
        api_price_source=first.api_price_source,
        self_host_model=_one_or_all([r.cost.self_host_model for r in results]),
        catalog=first.catalog,
        blended_api_price_per_mtok=first.blended_api_price_per_mtok,
        monthly_api_cost=round(sum(v or 0.0 for v in api), 2) if known else None,
        monthly_self_host_cost=round(sum(v or 0.0 for v in own), 2) if known else None,
        self_host_breakdown={
            key: round(sum(result.cost.self_host_breakdown.get(key, 0.0) for result in results), 2)
            for key in first.self_host_breakdown
        } if known else {},
        replicas=sum(result.cost.replicas or 0 for result in results) if known else None,
        gpu_profile=_one_or_all([r.cost.gpu_profile for r in results]),
        gpu_utilisation=None, self_host_cost_per_mtok=None,
        computed_break_even_tokens=None, break_even_tokens=None,
        break_even_basis=first.break_even_basis, cheaper_at_this_volume=None,
        monthly_managed_open_cost=(
            round(sum(r.cost.monthly_managed_open_cost or 0.0 for r in results), 2)
            if known and all(r.cost.monthly_managed_open_cost is not None for r in results)
            else None),
        hybrid=_portfolio_split(labels, cases, results) if overall == HYBRID else None,
        assumptions=first.assumptions,
    )


def _recommend_portfolio(portfolio: Portfolio, policy: Policy,
                         prices: PriceCatalog | None) -> Recommendation:
    labels = portfolio.labels()
    cases = [_evaluate(facts, policy, prices) for facts in portfolio.use_cases]
    results = [_use_case_result(label, case, policy, prices)
               for label, case in zip(labels, cases, strict=True)]
    choices = [case.decision.choice for case in cases]
    overall = combine(choices)
    flips: list[VolumeFlip | ValueFlip] = []
    for index, (label, case) in enumerate(zip(labels, cases, strict=True)):
        if case.facts.monthly_tokens is not None:
            flips.extend(volume_flips(case.facts.monthly_tokens,
                                      _TokenDecider(policy, case, index, choices), label))
        flips.extend(value_flips(case.facts, _PortfolioDecider(policy, prices, choices, index),
                                 label))
    factors = [
        Factor(name=f"use_case:{result.name}", value=str(result.recommendation), weight=1.0,
               level=0.0, contribution=result.score,
               rationale=f"{result.name}: {result.recommendation} ({result.confidence} confidence).",
               topic="hybrid")
        for result in results
    ]
    caveats: list[Caveat] = []
    if overall == HYBRID and len(set(choices)) > 1:
        caveats.append(Caveat(
            text="The use cases point different ways: send the complex, low-volume work to an API "
                 "and the high-volume, narrow work to tuned open models.",
            topic="hybrid"))
    for label, case, result in zip(labels, cases, results, strict=True):
        caveats.extend(
            Caveat(text=f"{label}: {caveat.text}", topic=caveat.topic)
            for caveat in _caveats(case, result.cost, result.factors)
        )
    confidence = min((result.confidence for result in results), key=list(Confidence).index)
    missing = sorted({f"{label}.{fact}" for label, result in zip(labels, results, strict=True)
                      for fact in result.missing_facts})
    score = round(sum(case.decision.score for case in cases) / len(cases), 4)
    return Recommendation(
        kind="portfolio", recommendation=CHOICES_IN_ORDER[overall], confidence=confidence,
        score=score, factors=factors,
        constraints=[constraint for result in results for constraint in result.constraints],
        caveats=caveats, cost=_portfolio_cost(labels, cases, results, overall), flip_points=flips,
        volume_bands=[],
        missing_facts=missing,
        answer_can_change=any(answer_can_change(case.facts, policy, prices) for case in cases),
        use_cases=results, policy=_policy_summary(policy))


def recommend(facts: WorkloadFacts | Portfolio, policy: Policy | None = None,
              prices: PriceCatalog | None = None) -> Recommendation:
    """Score one workload or a portfolio of them under `policy` (the shipped default if None),
    with API prices from `prices` (without a catalog, the policy's reference prices).

    Missing facts count as neutral and are listed; the result says whether they could still
    change the answer. Raises UnknownModel for an `api_model` the catalog does not price.
    """
    policy = policy or load_policy()
    if isinstance(facts, Portfolio):
        return _recommend_portfolio(facts, policy, prices)
    return _recommend_workload(facts, policy, prices)
