from __future__ import annotations

from bot.conversation import build_advice
from bot.render.advice_rows import advice_rows
from bot.render.conversation_text import render_advice
from scoring import Portfolio, WorkloadFacts, load_policy, recommend

FACTS = WorkloadFacts(data_residency="unrestricted", specialization="niche", monthly_tokens=60_000_000,
                      ml_expertise="some", latency="interactive")


def with_facts(**changes: object) -> WorkloadFacts:
    return WorkloadFacts.model_validate({**FACTS.model_dump(), **changes})


def test_advice_rows_word_the_data_advice_carries() -> None:
    advice = build_advice(recommend(FACTS, load_policy()), FACTS, None, unasked=["quality_bar"])
    assert advice.facts == FACTS
    niche = next(f for f in advice.factors if f.name == "specialization")
    assert niche.value == "niche"
    rows = advice_rows(advice)
    row = next(r for r in rows.factors if r.label == "Task specialisation")
    assert (row.value, row.contribution, row.citation) == ("niche domain", niche.contribution, None)
    assert rows.headline.endswith(f"({advice.result.confidence} confidence)")
    assert rows.unasked == "quality bar"
    assert rows.what_if is None and rows.without_sources
    assert rows.cost.summary.startswith("API (claude-sonnet-4-5) $") and "at 60M tokens" in rows.cost.summary
    assert "self-hosted fine-tuned 8B open model on 2 x a100-8b" in rows.cost.summary
    assert any(d.startswith("Computed break-even: ") for d in rows.cost.details)
    assert rows.flip_points and all("→" in flip for flip in rows.flip_points)


def test_advice_rows_word_a_hypothetical_from_the_facts_it_changed() -> None:
    changed = with_facts(monthly_tokens=5_000_000_000, latency="critical")
    advice = build_advice(recommend(changed, load_policy()), changed, None,
                          what_if={"monthly_tokens": 5_000_000_000, "latency": "critical"})
    assert advice_rows(advice).what_if == "What if 5B tokens/month, critical"
    assert render_advice(advice).startswith(
        "What if 5B tokens/month, critical (hypothetical; your facts are unchanged):\n")


def test_advice_rows_list_a_portfolio_use_cases_and_unknown_volume() -> None:
    unknown = with_facts(name="search", monthly_tokens=None)
    portfolio = Portfolio(use_cases=[with_facts(name="mail"), unknown])
    rows = advice_rows(build_advice(recommend(portfolio, load_policy()), portfolio, None))
    assert [case.name for case in rows.use_cases] == ["mail", "search"]
    single = advice_rows(build_advice(recommend(unknown, load_policy()), unknown, None))
    assert single.use_cases == []
    assert single.cost.summary.endswith("give the monthly volume for monthly figures")
    assert single.cost.citation is None
