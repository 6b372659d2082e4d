"""Who may press a conversation's buttons: in a DM (or an AI app thread) only those taking part
in it; in a channel thread anyone, who by clicking takes part."""

from __future__ import annotations

from typing import Any

import pytest

from bot.services import Services
from bot.slack import ids
from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import action_body, block_action, event_body
from tests.helpers.slack import Slack, button

COMPLETE = "public data, nothing sensitive. generic email summaries, ~2M tokens a month"
DM_KEY = ids.conversation_key("T1", "D1", ids.DM_TOP)


def _wait_advice(slack: Slack) -> dict[str, Any]:
    calls = slack.fake.wait_for("chat.postMessage", where=lambda c: "Pin decision" in str(
        c.params.get("blocks")), timeout=20)
    return {**calls[0].params, "ts": (calls[0].response or {}).get("ts")}


def _press(slack: Slack, message: dict[str, Any], prefix: str, channel: str,
           thread_ts: str | None, user: str) -> None:
    element = button(message, prefix)
    slack.send(action_body(block_action(
        element["action_id"], element.get("value"), user=user, channel=channel,
        thread_ts=thread_ts, message_ts=str(message["ts"]), message_text=str(message["text"]),
        message_blocks=message.get("blocks"))))


def test_a_click_on_someone_elses_dm_conversation_changes_nothing(
        slack: Slack, services: Services, caplog: pytest.LogCaptureFixture) -> None:
    slack.send(event_body(payloads.message(COMPLETE, channel="D1", channel_type="im")))
    advice = _wait_advice(slack)
    before = services.store.conversations.load(DM_KEY)
    posted = len(slack.fake.calls("chat.postMessage"))

    _press(slack, advice, ids.START_OVER, "D1", None, user="U2")
    _press(slack, advice, ids.PIN_DECISION, "D1", None, user="U2")
    slack.settle(1.0)

    assert services.store.conversations.load(DM_KEY) == before
    assert services.store.conversations.participants(DM_KEY) == ["U1"]
    assert len(slack.fake.calls("chat.postMessage")) == posted
    assert slack.fake.calls("pins.add") == [] and services.store.decisions.for_user("U2") == []
    refused = [r for r in caplog.records if "takes no part" in r.getMessage()]
    assert len(refused) == 2 and all(r.__dict__.get("channel") == "D1" for r in refused)

    _press(slack, advice, ids.START_OVER, "D1", None, user="U1")
    slack.fake.wait_for("chat.postMessage", posted + 1)
    assert services.conversations.load(DM_KEY).current.facts == {}


def test_a_click_in_a_channel_thread_makes_the_clicker_take_part(
        slack: Slack, services: Services) -> None:
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} {COMPLETE}", ts=root)))
    advice = _wait_advice(slack)
    key = ids.conversation_key("T1", "C1", root)

    _press(slack, advice, ids.PIN_DECISION, "C1", root, user="U3")
    slack.fake.wait_for("chat.postEphemeral", where=lambda c: "Pinned" in str(c.params["text"]))

    assert services.store.conversations.participants(key) == ["U1", "U3"]
    [record] = services.store.decisions.for_user("U3")
    assert record.conversation_key == key
    facts = services.conversations.load(key).current.facts

    report = services.store.forget("U3", lambda state, user: state)

    assert (report.started, report.joined, report.decisions) == (0, 1, 1)
    assert services.store.conversations.participants(key) == ["U1"]
    assert services.conversations.load(key).current.facts == facts
