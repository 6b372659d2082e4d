from __future__ import annotations

import pytest

from scoring import WorkloadFacts, load_policy, recommend
from scoring.comparison import compare_costs, cost_model
from tests.scoring.policies import rule_of_thumb_policy

M = 1_000_000


def _facts(**extra: object) -> WorkloadFacts:
    base: dict[str, object] = dict(data_residency="unrestricted", specialization="niche",
                                   monthly_tokens=100 * M, ml_expertise="strong",
                                   latency="interactive")
    return WorkloadFacts.model_validate({**base, **extra})


def test_compare_costs_follows_the_published_formula() -> None:
    facts = _facts(api_price_per_mtok=10.0, gpu_profile="a100-8b", engineering_fte=0.25)
    cost = compare_costs(facts, load_policy())
    assert cost.monthly_api_cost == pytest.approx(100 * 10.0)
    gpus = 2 * 1 * 1.80 * 730
    expected = gpus * 1.2 + 0.25 * 15000 + 1.0 * 15000 / 24
    assert cost.monthly_self_host_cost == pytest.approx(expected, abs=0.01)
    assert cost.self_host_breakdown["gpus"] == pytest.approx(gpus)
    assert cost.break_even_basis == "computed"
    assert cost.break_even_tokens == cost.computed_break_even_tokens
    assert cost.break_even_tokens == pytest.approx(expected / 10.0 * M, abs=1)
    assert {a.name for a in cost.assumptions} >= {"api_price_per_mtok", "gpu_profile",
                                                  "engineering_fte", "hours_per_month"}


def test_compare_costs_blends_input_and_output_prices_by_output_share() -> None:
    facts = _facts(api_input_price_per_mtok=2.0, api_output_price_per_mtok=10.0, output_share=0.25)
    cost = compare_costs(facts, load_policy())
    assert cost.blended_api_price_per_mtok == pytest.approx(2.0 * 0.75 + 10.0 * 0.25)


def test_compare_costs_approved_vendors_pay_regional_premium() -> None:
    plain = compare_costs(_facts(api_price_per_mtok=10.0), load_policy())
    regional = compare_costs(_facts(api_price_per_mtok=10.0, data_residency="approved_vendors"),
                             load_policy())
    assert regional.blended_api_price_per_mtok == pytest.approx(11.0)
    assert regional.computed_break_even_tokens < plain.computed_break_even_tokens


def test_break_even_is_exact_and_steps_with_whole_replicas() -> None:
    model = cost_model(_facts(api_price_per_mtok=4.0, gpu_profile="a10g-8b"), load_policy())
    be = model.break_even()
    assert be is not None
    assert model.self_host_cost(be) <= model.api_cost(be)
    assert model.self_host_cost(be - 1) > model.api_cost(be - 1)
    capacity = model.replica_capacity_tokens
    assert model.replicas(int(2 * capacity)) == 2
    assert model.replicas(int(2 * capacity) + 1) == 3


def test_break_even_is_none_when_api_undercuts_full_gpus() -> None:
    cost = compare_costs(_facts(api_price_per_mtok=0.05, gpu_profile="a10g-8b"), load_policy())
    assert cost.computed_break_even_tokens is None
    result = recommend(_facts(api_price_per_mtok=0.05, gpu_profile="a10g-8b"))
    assert any("never costs less" in caveat.text for caveat in result.caveats)


def test_compare_costs_without_prices_under_rule_of_thumb_basis_uses_it_and_says_so() -> None:
    result = recommend(_facts(), rule_of_thumb_policy())
    assert result.cost.break_even_basis == "policy_default"
    assert result.cost.break_even_tokens == 50 * M
    assert any("rule of thumb" in caveat.text for caveat in result.caveats)


def test_compare_costs_without_prices_scores_the_break_even_of_the_default_prices() -> None:
    result = recommend(_facts())
    # Two A10G replicas: 2 x $1.00 x 730 h x 1.2 = $1,752, plus 0.5 x $15,000 engineering and
    # $15,000 / 24 set-up = $9,877 a month; blended API price 3 x 0.7 + 15 x 0.3 = $6.60 per 1M.
    assert result.cost.monthly_self_host_cost == pytest.approx(9877.0)
    assert result.cost.blended_api_price_per_mtok == pytest.approx(6.6)
    assert result.cost.break_even_basis == "computed"
    assert result.cost.break_even_tokens == result.cost.computed_break_even_tokens == 1_496_515_152
    volume = next(f for f in result.factors if f.name == "monthly_tokens")
    assert volume.contribution == -2.5  # 100M is far below 1.5B: full weight toward the API
    assert result.cost.cheaper_at_this_volume == "api"
    assert "computed from the prices in force" in volume.rationale
    assert "rule of thumb is 50M; at these prices the break-even is 1.5B" in volume.rationale
    assert not any("Give your API price" in caveat.text for caveat in result.caveats)


def test_volume_is_neutral_where_extra_replicas_make_the_cheaper_option_alternate() -> None:
    # At $2 per 1M on A10G (876M tokens per replica, $876 per replica, $8,125 fixed), ten replicas
    # ($16,885) break even at 8,442.5M; the eleventh ($17,761) is dearer again from 8,760M until
    # 8,880.5M, and from twelve replicas on every step stays below the API.
    facts = _facts(api_price_per_mtok=2.0, gpu_profile="a10g-8b")
    model = cost_model(facts, load_policy())
    assert (model.break_even(), model.settled_break_even()) == (8_442_500_000, 8_880_500_000)
    for tokens, cheaper, sign in ((8_400 * M, "api", -1), (8_500 * M, "self_host", 0),
                                  (8_800 * M, "api", 0), (9_000 * M, "self_host", 1)):
        result = recommend(facts.model_copy(update={"monthly_tokens": tokens}))
        volume = next(f for f in result.factors if f.name == "monthly_tokens")
        assert result.cost.cheaper_at_this_volume == cheaper, tokens
        assert (volume.contribution > 0) - (volume.contribution < 0) == sign, tokens
        assert ("counts as neutral" in volume.rationale) == (sign == 0), tokens


def test_recommend_unknown_gpu_profile_lists_known_ones() -> None:
    from scoring import PolicyError

    with pytest.raises(PolicyError, match="a10g-8b"):
        recommend(_facts(gpu_profile="tpu-v9"))
