from __future__ import annotations

from bot import wording
from bot.conversation import Advice
from bot.slack.render import decision_summary
from scoring import Portfolio
from tests.helpers.render import (
    FakeGuidance,
    SlackApi,
    portfolio_advice,
    record_for,
    texts,
)

LINK = "https://example.slack.com/archives/C1/p1700000000000100"


def test_decision_summary_reads_like_a_decision_record(advice: Advice, slack_api: SlackApi) -> None:
    record = record_for(advice)
    message = decision_summary(record, advice, LINK, "U123")
    slack_api.post([message])
    label = wording.choice(advice.result.recommendation)
    assert message.blocks[0]["text"]["text"] == f"Decision: {label}"
    body = "\n".join(texts(message.blocks))
    assert "*Context*\nUse case: *Email summaries*" in body
    assert "• Data residency: no restriction" in body
    assert "• Monthly token volume: 60M tokens/month" in body
    assert "*Decision and why*\n" + f"{advice.factors[0].contribution:+.2f}" in body
    assert "*What would flip it*\n• " in body
    assert "*Sources*\n[1] *Guide 1* › Section 1" in body
    assert "*Who*\n<@U123>" in body and "*Decided*\n2026-03-04" in body
    assert f"<{LINK}|View the conversation>" in body
    assert f"Policy {record.policy_version} · guidance index idx-42 · decision #7" in body
    assert message.text == f"Decision: {label}: Email summaries"


def test_decision_summary_without_advice_uses_the_stored_result(advice: Advice, slack_api: SlackApi) -> None:
    record = record_for(advice).model_copy(update={"permalink": None})
    message = decision_summary(record, None, None, "<@U9>")
    slack_api.post([message])
    body = "\n".join(texts(message.blocks))
    top = max(advice.result.factors, key=lambda f: abs(f.contribution))
    assert f"{top.contribution:+.2f} *{wording.FACT_LABELS[top.name]}*" in body
    assert "*Who*\n<@U9>" in body and "View the conversation" not in body
    assert "*Sources*" not in body


def test_decision_summary_of_an_old_portfolio_record_still_renders(slack_api: SlackApi) -> None:
    advice = portfolio_advice(3, FakeGuidance())
    whole = record_for(advice)
    assert isinstance(whole.facts, Portfolio)
    # An earlier version kept only the last use case's facts beside the portfolio's result.
    record = whole.model_copy(update={"facts": whole.facts.use_cases[-1]})
    assert not record.facts_complete
    message = decision_summary(record, None, LINK, "U1")
    slack_api.post([message])
    body = "\n".join(texts(message.blocks))
    assert "*Decision and why*" in body and "Use case:" in body


def test_decision_summary_big_portfolio_fits_one_message(slack_api: SlackApi) -> None:
    advice = portfolio_advice(30, FakeGuidance(text_chars=2500), name="<script> & co")
    message = decision_summary(record_for(advice, title="<script> & co"), advice, LINK, "U1")
    slack_api.post([message])
    body = "\n".join(texts(message.blocks))
    assert "Portfolio of 30 use cases" in body and "more" in body
    assert "&lt;script&gt; &amp; co" in body and "<script>" not in body
