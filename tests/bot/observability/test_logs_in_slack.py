"""The logs of a real conversation through the Bolt app: context on every request and turn,
no user text at INFO, no token or signing secret at any level."""

from __future__ import annotations

import json
import logging
from typing import Any

from bot.slack import ids
from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import (
    action_body,
    block_action,
    command_body,
    event_body,
    retry_headers,
)
from tests.helpers.observed import CapturedLogs
from tests.helpers.slack import SECRET, TOKEN, Slack, button
from tests.helpers.waiting import wait_until

USER_TEXTS = (
    "we're building a quokka-ticket classifier, ~3M tokens a day",
    "approved vendors under our DPA are fine",
    "the tickets use our internal product codes and jargon",
    "3 ML engineers who run models in prod",
)
COMMAND_TEXT = "quokka summaries for our wombat team, about 2M tokens a month"


def _events(logs: CapturedLogs) -> list[dict[str, Any]]:
    return [json.loads(line) for line in logs.lines()]


def _named(logs: CapturedLogs, message: str) -> list[dict[str, Any]]:
    return [event for event in _events(logs) if event["message"] == message]


def _converse(slack: Slack) -> str:
    """A mention, three answers in the thread (ending in a recommendation), a redelivery,
    a slash command with text and a Pin decision click. Returns the thread root."""
    root = payloads.new_ts()
    first = event_body(payloads.app_mention(f"{payloads.BOT_MENTION} {USER_TEXTS[0]}", ts=root),
                       event_id="EvLOGS")
    slack.send(first)
    slack.send(first, headers=retry_headers(1))
    slack.fake.wait_for("chat.postMessage", 1, timeout=20, where=lambda call: call.ok)
    for count, text in zip((2, 3, 4), USER_TEXTS[1:], strict=True):
        slack.send(event_body(payloads.message(text, ts=payloads.new_ts(), thread_ts=root)))
        # One message per turn (a first attempt Slack failed and the client retried aside).
        slack.fake.wait_for("chat.postMessage", count, timeout=20, where=lambda call: call.ok)
    slack.fake.wait_for("files.completeUploadExternal")
    [advice_ts] = [str((call.response or {})["ts"]) for call in slack.fake.calls("chat.postMessage")
                   if call.ok and ids.PIN_DECISION in json.dumps(call.params.get("blocks") or [])]
    advice = slack.fake.posted("C1", advice_ts)  # the recommendation message as it stands
    assert advice is not None and advice["thread_ts"] == root
    pin = button(advice, ids.PIN_DECISION)
    slack.send(action_body(block_action(pin["action_id"], pin["value"], thread_ts=root,
                                        message_ts=advice_ts, message_blocks=advice["blocks"])))
    slack.fake.wait_for("pins.add")
    slack.send(command_body(COMMAND_TEXT))
    return root


def test_info_logs_of_a_conversation_carry_context_and_no_user_text(
    slack: Slack, info_logs: CapturedLogs,
) -> None:
    root = _converse(slack)
    wait_until(lambda: len(_named(info_logs, "turn processed")) >= 5, what="five turn log lines")

    events = _events(info_logs)  # every line is one JSON object
    assert all({"ts", "level", "logger", "message"} <= event.keys() for event in events)
    assert not [e for e in events if e["level"] == "DEBUG"]
    for text in (*USER_TEXTS, COMMAND_TEXT):
        assert text not in info_logs.text
    assert "quokka" not in info_logs.text and "wombat" not in info_logs.text

    requests = _named(info_logs, "slack request")
    kinds = {event["kind"] for event in requests}
    assert {"event", "action", "command"} <= kinds
    first = next(e for e in requests if e.get("event_id") == "EvLOGS")
    assert first["team"] == "T1" and first["channel"] == "C1" and first["thread_ts"] == root
    assert first["type"] == "app_mention" and first["status"] == 200
    assert isinstance(first["latency_ms"], float)
    assert any(e.get("retry_num") == "1" for e in requests if e.get("event_id") == "EvLOGS")

    turns = [e for e in _named(info_logs, "turn processed") if e.get("thread_ts") == root]
    assert len(turns) == 4
    assert all(e["team"] == "T1" and e["channel"] == "C1" and e["outcome"] == "ok" for e in turns)
    assert all(isinstance(e["latency_ms"], float) and e["latency_ms"] > 0 for e in turns)
    assert turns[-1]["recommendation"] in {"proprietary", "open_source", "hybrid"}
    assert _named(info_logs, "duplicate delivery ignored")


def test_debug_logs_never_show_tokens_or_signing_secret(
    slack: Slack, debug_logs: CapturedLogs,
) -> None:
    slack.fake.status("chat.postMessage", code=500, times=1, retry_after=0)
    _converse(slack)
    wait_until(lambda: len(_named(debug_logs, "turn processed")) >= 5, what="five turn log lines")
    # Something careless logging a secret outright is redacted as well.
    logging.getLogger("bot.careless").debug("token=%s secret=%s", TOKEN, SECRET,
                                            extra={"headers": {"Authorization": f"Bearer {TOKEN}"}})

    assert _named(debug_logs, "retrying slack call"), "the 500 was retried and logged"
    assert any(e["level"] == "DEBUG" for e in _events(debug_logs))
    assert TOKEN not in debug_logs.text and SECRET not in debug_logs.text
    [careless] = [e for e in _events(debug_logs) if e["logger"] == "bot.careless"]
    assert careless["message"] == "token=[REDACTED] secret=[REDACTED]"
    assert careless["headers"] == {"Authorization": "Bearer [REDACTED]"}
