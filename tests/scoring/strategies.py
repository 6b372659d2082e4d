"""Hypothesis strategies for workload facts."""

from __future__ import annotations

from hypothesis import strategies as st

from scoring import Portfolio, WorkloadFacts
from scoring.facts import TOWARD_OPEN_SOURCE

volumes = st.one_of(
    st.integers(min_value=0, max_value=10**13),
    st.integers(min_value=0, max_value=3 * 10**9),
    st.sampled_from([0, 1, 49_999_999, 50_000_000, 50_000_001, 10**13]),
    # The paired defaults' computed break-evens (specialised, general), without and with the
    # approved-vendor premium.
    st.sampled_from([1_708_878_787, 1_708_878_788, 1_553_526_170, 1_553_526_171,
                     2_558_333_333, 2_558_333_334, 2_325_757_575, 2_325_757_576]),
)

cost_inputs = st.fixed_dictionaries(
    {},
    optional={
        "api_price_per_mtok": st.floats(min_value=0.05, max_value=80, allow_nan=False),
        "api_model": st.sampled_from(["gpt-4o-mini", "gpt-4o", "claude-sonnet-4-5",
                                      "claude-haiku-4-5", "gemini-2.5-flash"]),
        "gpu_profile": st.sampled_from(["a10g-8b", "a100-8b", "h100x2-70b-fp8"]),
        "engineering_fte": st.floats(min_value=0, max_value=3, allow_nan=False),
        "output_share": st.floats(min_value=0.05, max_value=0.9, allow_nan=False),
    },
)


@st.composite
def complete_facts(draw: st.DrawFn, with_costs: bool = True) -> WorkloadFacts:
    data: dict[str, object] = {
        fact: draw(st.sampled_from(order))
        for fact, order in TOWARD_OPEN_SOURCE.items()
        if fact not in ("quality_bar", "time_to_market")
    }
    for optional in ("quality_bar", "time_to_market"):
        data[optional] = draw(st.one_of(st.none(), st.sampled_from(TOWARD_OPEN_SOURCE[optional])))
    data["monthly_tokens"] = draw(volumes)
    if with_costs and draw(st.booleans()):
        data.update(draw(cost_inputs))
    return WorkloadFacts.model_validate(data)


@st.composite
def partial_facts(draw: st.DrawFn) -> WorkloadFacts:
    full = draw(complete_facts(with_costs=False))
    dropped = draw(
        st.sets(st.sampled_from(["data_residency", "specialization", "monthly_tokens",
                                 "ml_expertise", "latency"]))
    )
    return full.model_copy(update=dict.fromkeys(dropped))


@st.composite
def portfolios(draw: st.DrawFn) -> Portfolio:
    cases = draw(st.lists(complete_facts(), min_size=1, max_size=3))
    return Portfolio(use_cases=cases)
