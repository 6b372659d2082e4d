"""An untitled decision is listed by its facts and date, not as "LLM workload"."""

from __future__ import annotations

import json

from bot.render.titles import UNTITLED, workload_title
from bot.services import Services
from bot.slack import ids
from scoring import Portfolio, WorkloadFacts
from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import action_body, block_action, command_body, event_body
from tests.helpers.slack import Slack, button

COMPLETE = "public data, nothing sensitive. generic email summaries, ~2M tokens a month"


def test_home_and_history_name_an_untitled_decision_by_its_facts_and_date(
    slack: Slack, services: Services
) -> None:
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} {COMPLETE}", ts=root)))
    advice = slack.wait_posts(1)[-1]
    pin = button(advice, ids.PIN_DECISION)
    slack.send(action_body(block_action(pin["action_id"], pin["value"], thread_ts=root,
                                        message_ts=payloads.new_ts())))
    slack.fake.wait_for("chat.postEphemeral")
    [record] = services.store.decisions.for_user("U1")
    assert record.title == UNTITLED and record.created_at is not None
    day = record.created_at.date().isoformat()
    title = f"*2M tokens/month, no data restrictions, general task ({day})*\n"

    history = json.loads(slack.send(command_body("history")).body)
    lines = [b["text"]["text"] for b in history["blocks"] if b.get("accessory")]
    assert lines == [title + "Proprietary model via API · <#C1> · "
                     f"<{record.permalink}|thread>"]

    slack.send(event_body(payloads.app_home_opened("U1")))
    home = slack.fake.wait_for("views.publish")[0].params["view"]
    listed = [b["text"]["text"] for b in home["blocks"]
              if str((b.get("accessory") or {}).get("action_id", "")).startswith(ids.RECHECK)]
    assert listed == lines
    assert UNTITLED not in json.dumps(home) and UNTITLED not in json.dumps(history)


def test_workload_titles() -> None:
    assert workload_title(WorkloadFacts(name=" Ticket triage ", monthly_tokens=5)) == "Ticket triage"
    assert workload_title(WorkloadFacts(monthly_tokens=30_000_000, data_residency="in_house_only",
                                        specialization="niche")) == (
        "30M tokens/month, data stays in-house, niche domain")
    assert workload_title(WorkloadFacts()) == UNTITLED
    portfolio = Portfolio(use_cases=[WorkloadFacts(name=n) for n in ("A", "B", "C", "D")])
    assert workload_title(portfolio) == "Portfolio of 4 use cases: A, B, C, …"
