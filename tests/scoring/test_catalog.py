"""API prices from the catalog, like-for-like pairing, managed open hosting and hybrid splits."""

from __future__ import annotations

import pytest

from scoring import Portfolio, UnknownModel, WorkloadFacts, load_policy, recommend
from tests.helpers.prices import pinned_prices

M = 1_000_000


def _facts(**extra: object) -> WorkloadFacts:
    base: dict[str, object] = dict(data_residency="unrestricted", specialization="niche",
                                   monthly_tokens=400 * M, ml_expertise="some",
                                   latency="interactive")
    return WorkloadFacts.model_validate({**base, **extra})


def _cost(facts: WorkloadFacts):  # type: ignore[no-untyped-def]
    return recommend(facts, load_policy(), pinned_prices()).cost


def test_named_model_is_priced_from_the_catalog_blended_at_the_output_share() -> None:
    cost = _cost(_facts(api_model="gpt-4o-mini"))
    # gpt-4o-mini lists $0.15 in and $0.60 out per 1M: 0.15 x 0.7 + 0.60 x 0.3 = $0.285.
    assert cost.api_model == "gpt-4o-mini"
    assert cost.blended_api_price_per_mtok == pytest.approx(0.285)
    assert cost.monthly_api_cost == pytest.approx(400 * 0.285)
    assert cost.catalog == "genai-prices 0.2.3, 2026-12"
    half = _cost(_facts(api_model="gpt-4o-mini", output_share=0.5))
    assert half.blended_api_price_per_mtok == pytest.approx(0.15 * 0.5 + 0.60 * 0.5)


def test_named_model_matches_the_catalog_name_as_people_write_it() -> None:
    assert _cost(_facts(api_model="Claude Sonnet 4.5")).api_model == "claude-sonnet-4-5"


def test_unknown_model_is_an_error_listing_the_closest_known_names() -> None:
    with pytest.raises(UnknownModel) as caught:
        recommend(_facts(api_model="gpt-4o-mni"), load_policy(), pinned_prices())
    assert "gpt-4o-mini" in caught.value.closest
    assert "gpt-4o-mini" in str(caught.value) and "gpt-4o-mni" in str(caught.value)


def test_named_model_without_a_catalog_is_an_error_not_a_guess() -> None:
    with pytest.raises(UnknownModel, match="no price catalog loaded"):
        recommend(_facts(api_model="gpt-4o-mini"))


def test_explicit_prices_win_over_the_catalog() -> None:
    stated = _cost(_facts(api_model="gpt-4o-mini", api_price_per_mtok=0.2))
    assert stated.blended_api_price_per_mtok == pytest.approx(0.2)
    assert stated.api_price_source == "stated by the team"
    pair = _cost(_facts(api_model="gpt-4o", api_input_price_per_mtok=2.0,
                        api_output_price_per_mtok=8.0))
    assert pair.blended_api_price_per_mtok == pytest.approx(2.0 * 0.7 + 8.0 * 0.3)


@pytest.mark.parametrize(("facts", "profile", "open_model"), [
    (dict(specialization="niche"), "a100-8b", "8B open model"),
    (dict(specialization="moderate"), "a100-8b", "8B open model"),
    (dict(specialization="general"), "h100x2-70b-fp8", "70B open model"),
    (dict(specialization="niche", quality_bar="peak"), "h100x2-70b-fp8", "70B open model"),
    (dict(specialization=None), "h100x2-70b-fp8", "70B open model"),
])
def test_pairing_compares_models_of_matching_capability(
        facts: dict[str, object], profile: str, open_model: str) -> None:
    cost = _cost(_facts(**facts))
    assert cost.gpu_profile == profile
    assert open_model in cost.self_host_model
    assert cost.api_model == "claude-sonnet-4-5"


def test_team_gpu_profile_replaces_the_paired_one() -> None:
    assert _cost(_facts(gpu_profile="a10g-8b", specialization="general")).gpu_profile == "a10g-8b"


def test_managed_open_hosting_is_priced_beside_api_and_self_hosting() -> None:
    general = _cost(_facts(specialization="general"))
    # llama-3.3-70b-versatile: 0.59 x 0.7 + 0.79 x 0.3 = $0.65 per 1M; 400M tokens = $260.
    assert general.managed_open_model == "llama-3.3-70b-versatile"
    assert general.monthly_managed_open_cost == pytest.approx(260.0)
    niche = _cost(_facts())
    assert niche.managed_open_model == "llama-3.1-8b-instant"


def test_hybrid_answer_says_which_traffic_goes_where_and_what_it_costs() -> None:
    result = recommend(_facts(data_residency="approved_vendors"), load_policy(), pinned_prices())
    assert result.recommendation == "hybrid"
    split = result.cost.hybrid
    assert split is not None
    assert [r.destination for r in split.routes] == ["managed_open", "api"]
    assert sum(r.monthly_tokens for r in split.routes) == 400 * M
    assert split.monthly_cost == pytest.approx(sum(r.monthly_cost for r in split.routes))
    api_share = next(r for r in split.routes if r.destination == "api")
    assert api_share.monthly_cost == pytest.approx(120 * result.cost.blended_api_price_per_mtok,
                                                   abs=0.01)


def test_no_ml_expertise_sends_the_open_share_to_a_managed_host() -> None:
    result = recommend(_facts(ml_expertise="none", monthly_tokens=50_000 * M), load_policy(),
                       pinned_prices())
    assert result.recommendation == "hybrid"
    assert result.cost.hybrid is not None
    assert result.cost.hybrid.routes[0].destination == "managed_open"
    assert any("llama-3.1-8b-instant" in c.text for c in result.caveats)


def test_portfolio_hybrid_routes_each_use_case_by_its_own_answer() -> None:
    portfolio = Portfolio(use_cases=[
        _facts(name="triage", specialization="niche", monthly_tokens=20_000 * M,
               ml_expertise="strong"),
        _facts(name="research", specialization="general", monthly_tokens=5 * M,
               quality_bar="peak"),
    ])
    result = recommend(portfolio, load_policy(), pinned_prices())
    assert result.recommendation == "hybrid"
    assert [c.recommendation for c in result.use_cases] == ["open_source", "proprietary"]
    split = result.cost.hybrid
    assert split is not None
    routes = {r.traffic: r for r in split.routes}
    assert routes["research"].destination == "api"
    assert routes["research"].monthly_cost == result.use_cases[1].cost.monthly_api_cost
    assert routes["triage"].destination in ("self_host", "managed_open")
    assert result.cost.monthly_tokens == 20_005 * M
    assert split.monthly_cost == pytest.approx(sum(r.monthly_cost for r in split.routes))
