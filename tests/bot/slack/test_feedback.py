"""Thumbs up and down on a recommendation: Block Kit's feedback buttons, acked, kept once per user
and message (a changed vote replaces the earlier one), counted in /metrics and thanked for."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.services import Services
from bot.slack import ids
from bot.slack.app import ObservedApp
from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import action_body, block_action, event_body
from tests.helpers.slack import Slack, button

COMPLETE = "public data, nothing sensitive. generic email summaries, ~2M tokens a month"


def _feedback(message: dict[str, Any]) -> dict[str, Any]:
    [block] = [b for b in message["blocks"] if b["type"] == "context_actions"]
    [element] = block["elements"]
    return dict(element)


def _vote(slack: Slack, element: dict[str, Any], side: str, root: str, message_ts: str,
          user: str = "U1") -> None:
    slack.send(action_body(block_action(
        element["action_id"], element[side]["value"], user=user, thread_ts=root,
        message_ts=message_ts, action_type="feedback_buttons", block_id="feedback")))


def _count(app: App, vote: str) -> float:
    assert isinstance(app, ObservedApp)
    for line in app.metrics.exposition().decode().splitlines():
        if line.startswith(f'llm_advisor_feedback_total{{vote="{vote}"}}'):
            return float(line.split()[-1])
    return 0.0


def test_votes_on_a_recommendation_are_kept_once_counted_and_thanked(
    slack: Slack, services: Services
) -> None:
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} {COMPLETE}", ts=root)))
    slack.wait_posts(1)
    advice_call = slack.fake.calls("chat.postMessage")[-1]
    advice, advice_ts = advice_call.params, str((advice_call.response or {})["ts"])
    key = ids.conversation_key("T1", "C1", root)
    element = _feedback(advice)
    assert element == {
        "type": "feedback_buttons", "action_id": ids.FEEDBACK,
        "positive_button": {"text": {"type": "plain_text", "text": "👍", "emoji": True},
                            "value": "positive",
                            "accessibility_label": "Helpful recommendation"},
        "negative_button": {"text": {"type": "plain_text", "text": "👎", "emoji": True},
                            "value": "negative", "accessibility_label": "Not helpful"},
    }
    assert advice["blocks"][-1]["type"] == "context_actions"

    thanks: list[str] = []

    def vote(side: str, user: str = "U1") -> str:
        _vote(slack, element, side, root, advice_ts, user)
        calls = slack.fake.wait_for("chat.postEphemeral", len(thanks) + 1)
        said = calls[-1].params
        assert (said["user"], said["channel"], said["thread_ts"]) == (user, "C1", root)
        thanks.append(said["text"])
        return str(said["text"])

    assert vote("positive_button") == "Thanks for the feedback: noted that this recommendation helped."
    assert vote("positive_button") == "Thanks, your vote (helpful) is already noted."
    assert vote("negative_button") == "Thanks: I changed your vote to not helpful."
    assert vote("positive_button", user="U2").startswith("Thanks for the feedback")

    votes = services.store.feedback.for_conversation(key)
    assert [(v.user_id, v.message_ts, v.vote) for v in votes] == [
        ("U1", advice_ts, "negative"), ("U2", advice_ts, "positive")]
    assert (_count(slack.app, "positive"), _count(slack.app, "negative")) == (2.0, 1.0)

    # Once pinned, the decision's votes are its conversation's.
    pin = button(advice, ids.PIN_DECISION)
    slack.send(action_body(block_action(pin["action_id"], pin["value"], thread_ts=root,
                                        message_ts=advice_ts)))
    slack.fake.wait_for("pins.add")
    slack.fake.wait_for("chat.postEphemeral", len(thanks) + 1)
    [record] = services.store.decisions.for_user("U1")
    assert record.conversation_key == key
    assert len(services.store.feedback.for_conversation(record.conversation_key)) == 2


def test_a_vote_without_a_known_value_is_acked_and_ignored(slack: Slack, services: Services) -> None:
    response = slack.send(action_body(block_action(ids.FEEDBACK, "maybe:slack:T1:C1:1.0",
                                                   action_type="feedback_buttons")))
    assert response.status == 200
    slack.settle()
    assert slack.fake.calls("chat.postEphemeral") == []
    assert services.store.feedback.for_conversation("slack:T1:C1:1.0") == []
