"""Pressing Pin decision under a conversation that was deleted says so, and how to start again."""

from __future__ import annotations

import json

from bot.services import Services
from bot.slack import ids
from bot.slack.advisor import CONVERSATION_DELETED
from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import action_body, block_action, command_body, event_body
from tests.helpers.slack import Slack, button

COMPLETE = "public data, nothing sensitive. generic email summaries, ~2M tokens a month"


def test_pin_after_forget_tells_the_user_the_conversation_was_deleted(
    slack: Slack, services: Services
) -> None:
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} {COMPLETE}", ts=root)))
    advice = slack.wait_posts(1)[-1]
    confirm = json.loads(slack.send(command_body("forget")).body)
    element = button(confirm, ids.FORGET_CONFIRM)
    slack.send(action_body(block_action(element["action_id"], element.get("value"),
                                        is_ephemeral=True,
                                        response_url=slack.fake.response_url("forget"))))
    slack.fake.wait_for("response_url")
    assert not services.store.conversations.exists(ids.conversation_key("T1", "C1", root))

    pin = button(advice, ids.PIN_DECISION)
    slack.send(action_body(block_action(pin["action_id"], pin["value"], thread_ts=root,
                                        message_ts=payloads.new_ts())))
    ephemeral = slack.fake.wait_for("chat.postEphemeral")[0].params
    assert (ephemeral["text"], ephemeral["user"], ephemeral["channel"], ephemeral["thread_ts"]) == (
        CONVERSATION_DELETED, "U1", "C1", root)
    assert "deleted" in ephemeral["text"] and "/llm-advisor" in ephemeral["text"]
    assert slack.fake.calls("pins.add") == []
    assert services.store.decisions.for_user("U1") == []
