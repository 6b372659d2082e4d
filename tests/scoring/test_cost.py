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


def test_compare_costs_without_prices_scores_the_break_even_of_the_paired_models() -> None:
    result = recommend(_facts())
    # A niche task pairs a fine-tuned 8B on A100 with the frontier API it replaces. Two A100
    # replicas: 2 x $1.80 x 730 h x 1.2 = $3,153.60, plus 0.5 x $15,000 engineering and
    # $15,000 / 24 set-up = $11,278.60 a month; blended API price 3 x 0.7 + 15 x 0.3 = $6.60 per
    # 1M, so the break-even is 11,278.60 / 6.60 x 1M = 1,708,878,788 tokens a month.
    assert result.cost.monthly_self_host_cost == pytest.approx(11278.6)
    assert result.cost.blended_api_price_per_mtok == pytest.approx(6.6)
    assert (result.cost.api_model, result.cost.gpu_profile) == ("claude-sonnet-4-5", "a100-8b")
    assert result.cost.break_even_basis == "computed"
    assert result.cost.break_even_tokens == result.cost.computed_break_even_tokens == 1_708_878_788
    volume = next(f for f in result.factors if f.name == "monthly_tokens")
    assert volume.contribution == -2.5  # 100M is far below 1.7B: full weight toward the API
    assert result.cost.cheaper_at_this_volume == "api"
    assert "computed from the prices in force" in volume.rationale
    assert "rule of thumb is 50M; at these prices the break-even is 1.7B" in volume.rationale
    assert not any("Give your API price" in caveat.text for caveat in result.caveats)


def test_capacity_counts_input_tokens_as_well_as_output() -> None:
    # Before prefill counted, output_share 0 made a replica's capacity unbounded.
    prompts_only = cost_model(_facts(output_share=0.0, gpu_profile="a100-8b"), load_policy())
    # 7,800 input tok/s x 3,600 s x 730 h x 0.8 utilisation ceiling / 3 peak-to-average.
    assert prompts_only.replica_capacity_tokens == pytest.approx(7800 * 3600 * 730 * 0.8 / 3)
    assert prompts_only.replicas(10**12) == 183  # 10^12 / 5.466B per replica, rounded up
    mixed = cost_model(_facts(output_share=0.3, gpu_profile="a100-8b"), load_policy())
    seconds_per_token = 0.3 / 1520 + 0.7 / 7800
    assert mixed.tokens_per_second == pytest.approx(1 / seconds_per_token)


def test_utilisation_stays_under_the_ceiling_as_replicas_are_added() -> None:
    for tokens in (10**9, 10**10, 10**11, 10**12):
        cost = compare_costs(_facts(monthly_tokens=tokens), load_policy())
        assert cost.gpu_utilisation is not None
        assert cost.gpu_utilisation <= 0.8 / 3 + 1e-9


def test_volume_is_neutral_where_extra_replicas_make_the_cheaper_option_alternate() -> None:
    # At $2.50 per 1M on A10G (500.6M tokens per replica, $881.26 per replica, $8,125 fixed) the
    # cheaper option changes several times between 11.0B and 12.1B tokens a month.
    facts = _facts(api_price_per_mtok=2.5, gpu_profile="a10g-8b")
    model = cost_model(facts, load_policy())
    assert (model.break_even(), model.settled_break_even()) == (11_005_052_800, 12_062_560_000)
    for tokens, cheaper, sign in ((10_900 * M, "api", -1), (11_006 * M, "self_host", 0),
                                  (11_100 * M, "api", 0), (12_100 * M, "self_host", 1)):
        result = recommend(facts.model_copy(update={"monthly_tokens": tokens}))
        volume = next(f for f in result.factors if f.name == "monthly_tokens")
        assert result.cost.cheaper_at_this_volume == cheaper, tokens
        assert (volume.contribution > 0) - (volume.contribution < 0) == sign, tokens
        assert ("counts as neutral" in volume.rationale) == (sign == 0), tokens
    changes = recommend(facts).cost.cheaper_changes_at
    assert changes[0] == 11_005_052_800 and changes[-1] == 12_062_560_000 and len(changes) > 2
    assert any("changes 7 times between 11B and 12.1B" in c.text for c in recommend(facts).caveats)


def test_recommend_unknown_gpu_profile_lists_known_ones() -> None:
    from scoring import PolicyError

    with pytest.raises(PolicyError, match="a10g-8b"):
        recommend(_facts(gpu_profile="tpu-v9"))
