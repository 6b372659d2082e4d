"""Properties every policy-conformant result must have, over generated facts."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring import Portfolio, Question, Recommendation, WorkloadFacts, load_policy
from scoring.comparison import cost_model
from scoring.facts import MAX_MONTHLY_TOKENS, REQUIRED_FACTS, TOWARD_OPEN_SOURCE
from scoring.result import CHOICES_IN_ORDER, Choice, ValueFlip, VolumeFlip
from tests.helpers.prices import pinned_prices
from tests.scoring.strategies import complete_facts, partial_facts, portfolios


def recommend(facts: WorkloadFacts | Portfolio) -> Recommendation:
    """Scored the way the product scores: API prices from the (pinned) catalog."""
    return scoring.recommend(facts, None, pinned_prices())


def next_questions(facts: WorkloadFacts) -> list[Question]:
    return scoring.next_questions(facts, None, pinned_prices())

RANK = {choice: index for index, choice in enumerate(CHOICES_IN_ORDER)}
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _with(facts: WorkloadFacts, **changes: object) -> WorkloadFacts:
    return WorkloadFacts.model_validate({**facts.model_dump(), **changes})


@PROPERTY
@given(complete_facts())
def test_recommend_is_byte_identical_for_equal_input(facts: WorkloadFacts) -> None:
    first = recommend(facts).model_dump_json()
    again = recommend(WorkloadFacts.model_validate_json(facts.model_dump_json())).model_dump_json()
    assert first == again


@PROPERTY
@given(complete_facts(), st.data())
def test_recommend_more_of_any_fact_never_moves_away_from_open_source(
    facts: WorkloadFacts, data: st.DataObject
) -> None:
    base = RANK[recommend(facts).recommendation]
    tokens = facts.monthly_tokens or 0
    more = data.draw(st.integers(min_value=tokens, max_value=MAX_MONTHLY_TOKENS))
    assert RANK[recommend(_with(facts, monthly_tokens=more)).recommendation] >= base
    for fact in ("specialization", "ml_expertise", "latency", "data_residency"):
        order = TOWARD_OPEN_SOURCE[fact]
        position = order.index(str(getattr(facts, fact)))
        for higher in order[position + 1:]:
            assert RANK[recommend(_with(facts, **{fact: higher})).recommendation] >= base, fact


@PROPERTY
@given(complete_facts())
def test_recommend_in_house_data_is_always_open_source(facts: WorkloadFacts) -> None:
    result = recommend(_with(facts, data_residency="in_house_only"))
    assert result.recommendation == "open_source"
    assert result.constraints[0].name == "data_must_stay_in_house"


CONTRACT = settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_volume_agrees_with_costs(facts: WorkloadFacts) -> None:
    result = recommend(facts)
    volume = next(f for f in result.factors if f.name == "monthly_tokens")
    cheaper = result.cost.cheaper_at_this_volume
    if volume.contribution > 0:
        assert cheaper == "self_host", volume.rationale
    if volume.contribution < 0:
        assert cheaper == "api", volume.rationale


@CONTRACT
@given(complete_facts())
def test_recommend_volume_factor_argues_only_for_the_cheaper_option(facts: WorkloadFacts) -> None:
    _check_volume_agrees_with_costs(facts)


@CONTRACT
@given(complete_facts())
def test_recommend_self_hosting_beside_a_cheaper_api_says_what_outweighs_the_cost(
        facts: WorkloadFacts) -> None:
    result = recommend(facts)
    stated = [c.text for c in result.caveats if c.text.startswith("The API costs less at this volume")]
    beside_cheaper_api = (result.recommendation == "open_source" and not result.constraints
                          and result.cost.cheaper_at_this_volume == "api")
    assert bool(stated) == beside_cheaper_api, (result.recommendation, result.cost.cheaper_at_this_volume)
    if stated:
        reasons = [f for f in result.factors if f.name != "monthly_tokens" and f.contribution > 0]
        assert reasons, "self-hosting advised beside a cheaper API with nothing arguing for it"
        assert all(f"({f.contribution:+.2f})" in stated[0] for f in reasons)


@CONTRACT
@given(complete_facts(), st.sampled_from(["first", "settled"]),
       st.integers(min_value=-(10**7), max_value=10**7))
def test_recommend_volume_factor_agrees_with_costs_beside_each_break_even(
    facts: WorkloadFacts, which: str, offset: int
) -> None:
    model = cost_model(facts, load_policy(), pinned_prices())
    point = model.break_even() if which == "first" else model.settled_break_even()
    tokens = min(max((point or 0) + offset, 0), MAX_MONTHLY_TOKENS)
    _check_volume_agrees_with_costs(_with(facts, monthly_tokens=tokens))


def _check_flip(facts: WorkloadFacts, flip: VolumeFlip | ValueFlip) -> None:
    current = recommend(facts).recommendation
    if isinstance(flip, VolumeFlip):
        at = recommend(_with(facts, monthly_tokens=flip.threshold)).recommendation
        beside = flip.threshold - 1 if flip.direction == "above" else flip.threshold + 1
        other = recommend(_with(facts, monthly_tokens=beside)).recommendation
        assert at == flip.recommendation != other
        # Nearest: everything between the current volume and the flip keeps today's answer.
        assert other == current
    else:
        assert recommend(_with(facts, **{flip.fact: flip.value})).recommendation \
            == flip.recommendation != current


@PROPERTY
@given(complete_facts())
def test_recommend_every_flip_point_is_confirmed(facts: WorkloadFacts) -> None:
    for flip in recommend(facts).flip_points:
        _check_flip(facts, flip)


def volume_claims(flip: VolumeFlip) -> list[tuple[int, int, Choice]]:
    """The volume ranges (inclusive) a volume flip speaks for, each with the answer it names."""
    if flip.direction == "above":
        if flip.far_end is None or flip.beyond is None:
            return [(flip.threshold, MAX_MONTHLY_TOKENS, flip.recommendation)]
        return [(flip.threshold, flip.far_end, flip.recommendation),
                (flip.far_end + 1, MAX_MONTHLY_TOKENS, flip.beyond)]
    if flip.far_end is None or flip.beyond is None:
        return [(0, flip.threshold, flip.recommendation)]
    return [(flip.far_end, flip.threshold, flip.recommendation), (0, flip.far_end - 1, flip.beyond)]


def volumes_inside(low: int, high: int, data: st.DataObject) -> list[int]:
    """Both ends, the middle and two drawn volumes of [low, high]."""
    drawn = [data.draw(st.integers(min_value=low, max_value=high)) for _ in range(2)]
    return [low, (low + high) // 2, high, *drawn]


@PROPERTY
@given(complete_facts(), st.data())
def test_recommend_volume_flips_hold_over_the_whole_range_they_name(
    facts: WorkloadFacts, data: st.DataObject
) -> None:
    for flip in recommend(facts).flip_points:
        if not isinstance(flip, VolumeFlip):
            continue
        assert VolumeFlip.model_validate_json(flip.model_dump_json()) == flip
        for low, high, answer in volume_claims(flip):
            for volume in volumes_inside(low, high, data):
                assert recommend(_with(facts, monthly_tokens=volume)).recommendation == answer, \
                    (flip, volume)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios())
def test_recommend_portfolio_flip_points_are_confirmed(portfolio: Portfolio) -> None:
    result = recommend(portfolio)
    labels = portfolio.labels()
    for flip in result.flip_points:
        index = labels.index(flip.use_case or "")
        case = portfolio.use_cases[index]
        change = ({"monthly_tokens": flip.threshold} if isinstance(flip, VolumeFlip)
                  else {flip.fact: flip.value})
        cases = list(portfolio.use_cases)
        cases[index] = _with(case, **change)
        assert recommend(Portfolio(use_cases=cases)).recommendation == flip.recommendation
        if isinstance(flip, VolumeFlip):
            beside = flip.threshold - 1 if flip.direction == "above" else flip.threshold + 1
            cases[index] = _with(case, monthly_tokens=beside)
            assert recommend(Portfolio(use_cases=cases)).recommendation != flip.recommendation


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios(), st.data())
def test_recommend_portfolio_volume_flips_hold_over_the_whole_range_they_name(
    portfolio: Portfolio, data: st.DataObject
) -> None:
    labels = portfolio.labels()
    for flip in recommend(portfolio).flip_points:
        if not isinstance(flip, VolumeFlip):
            continue
        index = labels.index(flip.use_case or "")
        cases = list(portfolio.use_cases)
        for low, high, answer in volume_claims(flip):
            for volume in volumes_inside(low, high, data):
                cases[index] = _with(portfolio.use_cases[index], monthly_tokens=volume)
                assert recommend(Portfolio(use_cases=cases)).recommendation == answer, (flip, volume)


@PROPERTY
@given(complete_facts())
def test_recommend_volume_bands_cover_every_volume_and_agree(facts: WorkloadFacts) -> None:
    bands = recommend(facts).volume_bands
    assert bands[0].from_tokens == 0 and bands[-1].to_tokens is None
    for band in bands:
        assert recommend(_with(facts, monthly_tokens=band.from_tokens)).recommendation \
            == band.recommendation
        if band.to_tokens is not None:
            assert recommend(_with(facts, monthly_tokens=band.to_tokens)).recommendation \
                == band.recommendation


SAMPLE_VOLUMES = (0, 10**6, 20 * 10**6, 40 * 10**6, 50 * 10**6, 70 * 10**6, 10**8, 10**9, 10**12)


def _completions(facts: WorkloadFacts) -> list[WorkloadFacts]:
    missing = facts.missing()
    options = [SAMPLE_VOLUMES if fact == "monthly_tokens" else TOWARD_OPEN_SOURCE[fact]
               for fact in missing]
    return [_with(facts, **dict(zip(missing, combo, strict=True)))
            for combo in itertools.product(*options)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partial_facts())
def test_next_questions_marks_settled_facts_truthfully(facts: WorkloadFacts) -> None:
    questions = next_questions(facts)
    assert {q.fact for q in questions} == set(facts.missing())
    flags = [q.can_change for q in questions]
    assert flags == sorted(flags, reverse=True), "facts that still matter come first"
    answers = {recommend(option).recommendation for option in _completions(facts)}
    if not any(q.can_change for q in questions):
        assert len(answers) <= 1
    for question in questions:
        if question.can_change:
            continue
        for option in _completions(facts):
            base = recommend(option).recommendation
            values = (SAMPLE_VOLUMES if question.fact == "monthly_tokens"
                      else TOWARD_OPEN_SOURCE[question.fact])
            for value in values:
                assert recommend(_with(option, **{question.fact: value})).recommendation == base


def test_next_questions_asks_residency_first_when_nothing_is_known() -> None:
    questions = next_questions(WorkloadFacts())
    assert questions[0].fact == "data_residency"
    assert [q.fact for q in questions] != list(REQUIRED_FACTS)[::-1]
    assert all(q.can_change for q in questions)


def test_next_questions_stops_once_the_answer_is_settled() -> None:
    facts = WorkloadFacts(data_residency="unrestricted", specialization="general",
                          monthly_tokens=2_000_000)
    questions = next_questions(facts)
    assert {q.fact for q in questions} == {"ml_expertise", "latency"}
    assert not any(q.can_change for q in questions)
    assert not recommend(facts).answer_can_change
