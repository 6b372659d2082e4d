"""A pinned portfolio keeps every use case's facts, and Re-check scores the same portfolio."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.services import Services
from bot.slack import ids
from bot.store import DecisionRecord
from scoring import Portfolio, WorkloadFacts, recommend
from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import action_body, block_action, command_body, event_body
from tests.helpers.slack import Slack, button

FIRST = "public data, nothing sensitive. generic email summaries, ~2M tokens a month"
SECOND = ("approved vendors only, our internal ticket codes, 600M tokens a month, "
          "3 ML engineers running models in prod, batch is fine")


def _portfolio_advice(slack: Slack) -> tuple[str, dict[str, Any]]:
    """The thread's one recommendation message, as it stands once the portfolio is scored."""
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} {FIRST}", ts=root)))
    slack.wait_posts(1)
    first = slack.fake.calls("chat.postMessage")[0].response
    assert first is not None
    recommendation_ts = str(first["ts"])
    slack.send(event_body(payloads.message("add use case ticket tagging", thread_ts=root)))
    slack.wait_posts(2)
    slack.send(event_body(payloads.message(SECOND, thread_ts=root)))
    posts = slack.wait_posts(3)
    slack.fake.wait_for("chat.update", where=lambda c: c.params["ts"] == recommendation_ts
                        and "Hybrid" in str(c.params.get("text")))
    slack.settle(0.5)
    assert len(slack.posts(root)) == 3
    assert "Hybrid" not in str(posts[1].get("text")) and "Hybrid" in str(posts[2].get("text"))
    advice = slack.fake.posted("C1", recommendation_ts)
    assert advice is not None and "Hybrid" in str(advice.get("text"))
    return root, advice


def _recheck(slack: Slack, name: str) -> str:
    history = json.loads(slack.send(command_body("history")).body)
    element = button(history, ids.RECHECK)
    slack.send(action_body(block_action(element["action_id"], element["value"], is_ephemeral=True,
                                        response_url=slack.fake.response_url(name))))
    return str(slack.fake.wait_for("response_url")[-1].params["text"])


def test_pinned_portfolio_records_every_use_case_and_rechecks_unchanged(
        slack: Slack, services: Services) -> None:
    root, advice = _portfolio_advice(slack)
    element = button(advice, ids.PIN_DECISION)
    slack.send(action_body(block_action(element["action_id"], element.get("value"), thread_ts=root,
                                        message_ts=str(advice.get("ts")),
                                        message_blocks=advice.get("blocks"))))
    slack.fake.wait_for("pins.add")
    # The record is written once the pin holds; the ephemeral confirmation comes after it.
    assert "Pinned" in slack.fake.wait_for("chat.postEphemeral")[0].params["text"]

    [record] = services.store.decisions.for_user("U1", team="T1")
    assert isinstance(record.facts, Portfolio)
    assert [case.name for case in record.facts.use_cases] == ["use case 1", "ticket tagging"]
    assert record.facts.use_cases[1].monthly_tokens == 600_000_000
    assert record.result.kind == "portfolio" and record.recommendation == "hybrid"
    assert recommend(record.facts, services.policy).recommendation == record.result.recommendation

    assert "still holds" in _recheck(slack, "recheck")


def test_recheck_of_an_old_portfolio_record_says_it_cannot_be_rescored(
        slack: Slack, services: Services) -> None:
    portfolio = Portfolio(use_cases=[
        WorkloadFacts.model_validate({"name": "summaries", "data_residency": "unrestricted",
                                      "specialization": "general", "monthly_tokens": 2_000_000}),
        WorkloadFacts.model_validate({"name": "tagging", "data_residency": "approved_vendors",
                                      "specialization": "niche", "monthly_tokens": 600_000_000,
                                      "ml_expertise": "strong", "latency": "relaxed"})])
    result = recommend(portfolio, services.policy)
    # What an earlier version wrote: the last use case's facts beside the portfolio's result.
    services.store.decisions.add(DecisionRecord(
        user_id="U1", team="T1", channel="C1", title="LLM workload", facts=portfolio.use_cases[-1],
        result=result, policy_version="old", index_version="", created_at=datetime.now(UTC)))

    text = _recheck(slack, "recheck-old")

    assert "can't be re-checked" in text and "has changed" not in text
