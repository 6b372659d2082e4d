from __future__ import annotations

from bot.conversation import Advice
from bot.render import words
from bot.slack.render import decision_summary
from tests.helpers.render import FakeGuidance, assert_valid, portfolio_advice, record_for, texts

LINK = "https://example.slack.com/archives/C1/p1700000000000100"


def test_decision_summary_reads_like_a_decision_record(advice: Advice) -> None:
    record = record_for(advice)
    message = decision_summary(record, advice, LINK, "U123")
    assert_valid([message])
    label = words.choice(advice.result.recommendation)
    assert message.blocks[0]["text"]["text"] == f"Decision: {label}"
    body = "\n".join(texts(message.blocks))
    assert "*Context*\nUse case: *Email summaries*" in body
    assert "• Data residency: no restriction" in body
    assert "• Monthly token volume: 60M tokens/month" in body
    assert "*Decision and why*\n" + f"{advice.factors[0].contribution:+.2f}" in body
    assert "*What would flip it*\n• " in body
    assert "*Sources*\n[1] *Guide 1* › Section 1" in body
    assert "*Who*\n<@U123>" in body and "*Date*\n2026-03-04" in body
    assert f"<{LINK}|View the conversation>" in body
    assert f"Policy {record.policy_version} · guidance index idx-42 · decision #7" in body
    assert message.text == f"Decision: {label}: Email summaries"


def test_decision_summary_without_advice_uses_the_stored_result(advice: Advice) -> None:
    record = record_for(advice).model_copy(update={"permalink": None})
    message = decision_summary(record, None, None, "<@U9>")
    assert_valid([message])
    body = "\n".join(texts(message.blocks))
    top = max(advice.result.factors, key=lambda f: abs(f.contribution))
    assert f"{top.contribution:+.2f} *{words.FACT_LABELS[top.name]}*" in body
    assert "*Who*\n<@U9>" in body and "View the conversation" not in body
    assert "*Sources*" not in body


def test_decision_summary_stale_result_still_renders(advice: Advice) -> None:
    record = record_for(advice).model_copy(update={"result": {"schema": "old"}})
    message = decision_summary(record, None, LINK, "U1")
    assert_valid([message])
    assert "*Decision and why*" not in "\n".join(texts(message.blocks))


def test_decision_summary_big_portfolio_fits_one_message() -> None:
    advice = portfolio_advice(30, FakeGuidance(text_chars=2500), name="<script> & co")
    message = decision_summary(record_for(advice, title="<script> & co"), advice, LINK, "U1")
    assert_valid([message])
    body = "\n".join(texts(message.blocks))
    assert "Portfolio of 30 use cases" in body and "more" in body
    assert "&lt;script&gt; &amp; co" in body and "<script>" not in body
