"""Where the bot answers: DMs and their threads, App Home, people talking to each other, and
clicks pressed twice. Every call must pass the fake Slack, which refuses what Slack refuses."""

from __future__ import annotations

import json
from typing import Any

from bot.services import Services
from bot.slack import ids
from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import action_body, block_action, event_body, view_submission
from tests.helpers.slack import FACTS_FORM as FORM
from tests.helpers.slack import Slack, button

MENTION = payloads.BOT_MENTION
COMPLETE = "public data, nothing sensitive. generic email summaries, ~2M tokens a month"


def _posted(slack: Slack, count: int) -> list[dict[str, Any]]:
    """The first `count` messages the bot posted, with the ts Slack gave each."""
    calls = slack.fake.wait_for("chat.postMessage", count)
    return [{**call.params, "ts": (call.response or {}).get("ts")} for call in calls[:count]]


def _advice(posts: list[dict[str, Any]]) -> dict[str, Any]:
    for post in reversed(posts):
        if any(str(element.get("action_id", "")).startswith(ids.PIN_DECISION)
               for block in post.get("blocks") or [] for element in block.get("elements") or []):
            return post
    raise AssertionError(f"no recommendation among {[p['text'] for p in posts]}")


def _wait_advice(slack: Slack, timeout: float = 20) -> dict[str, Any]:
    calls = slack.fake.wait_for("chat.postMessage", where=lambda c: "Pin decision" in str(
        c.params.get("blocks")), timeout=timeout)
    return {**calls[0].params, "ts": (calls[0].response or {}).get("ts")}


def _press(slack: Slack, message: dict[str, Any], prefix: str, channel: str,
           thread_ts: str | None, user: str = "U1") -> None:
    element = button(message, prefix)
    payload = block_action(element["action_id"], element.get("value"), user=user, channel=channel,
                           thread_ts=thread_ts, message_ts=str(message["ts"]),
                           message_text=str(message.get("text", "")),
                           message_blocks=message.get("blocks"))
    slack.send(action_body(payload))


def _dm(text: str, thread_ts: str | None = None, ts: str | None = None) -> str:
    return event_body(payloads.message(text, channel="D1", channel_type="im", ts=ts,
                                       thread_ts=thread_ts))


# ----------------------------------------------------------------------------- direct messages


def test_buttons_in_a_dm_post_in_the_dm_and_never_name_a_fake_thread(slack: Slack,
                                                                      services: Services) -> None:
    slack.send(_dm(COMPLETE))
    advice = _wait_advice(slack)
    assert advice["channel"] == "D1" and "thread_ts" not in advice

    _press(slack, advice, ids.PIN_DECISION, "D1", None)
    slack.fake.wait_for("pins.add")
    notice = slack.fake.wait_for("chat.postEphemeral")[0].params
    assert notice["channel"] == "D1" and "thread_ts" not in notice
    assert "Pinned" in notice["text"]
    [record] = services.store.decisions.for_user("U1")
    assert record.thread_ts == advice["ts"] and record.permalink

    before = len(slack.fake.calls("chat.postMessage"))
    _press(slack, advice, ids.START_OVER, "D1", None)
    calls = slack.fake.wait_for("chat.postMessage", before + 1)
    restarted = calls[before].params
    assert restarted["channel"] == "D1" and "thread_ts" not in restarted
    assert slack.fake.refusals() == []


def test_a_thread_reply_in_the_dm_continues_the_dm_conversation(slack: Slack) -> None:
    slack.send(_dm(COMPLETE))
    advice = _wait_advice(slack)
    before = len(slack.fake.calls("chat.postMessage"))
    slack.send(_dm("actually 500M tokens a month", thread_ts=str(advice["ts"])))
    calls = slack.fake.wait_for("chat.postMessage", before + 1)
    reply = calls[before].params
    assert reply["channel"] == "D1" and reply.get("thread_ts") == advice["ts"]
    # It knows the earlier facts: the answer compares with them instead of starting over.
    assert "500M tokens/month" in reply["text"] and "was 2M tokens/month" in reply["text"]


def test_app_home_describe_a_workload_posts_in_the_users_dm(slack: Slack,
                                                            services: Services) -> None:
    home_click = block_action(ids.OPEN_MODAL, "open", user="U1")
    for key in ("message", "channel"):
        home_click.pop(key)
    home_click["container"] = {"type": "view", "view_id": "VHOME"}
    slack.send(action_body(home_click))
    view = slack.fake.wait_for("views.open")[0].params["view"]
    slack.send(action_body(view_submission(ids.FACTS_MODAL, FORM, view["private_metadata"])))

    opened = slack.fake.wait_for("conversations.open")[0]
    assert opened.params["users"] == "U1"
    dm = str((opened.response or {})["channel"]["id"])
    advice = _wait_advice(slack)
    assert advice["channel"] == dm
    for call in slack.fake.calls():
        assert not str(call.params.get("channel", "")).startswith("U"), call.method
        assert "pending" not in json.dumps(call.params.get("blocks", []))

    # A reply in that DM thread continues the conversation the form started.
    before = len(slack.fake.calls("chat.postMessage"))
    slack.send(event_body(payloads.message("actually 10M tokens a day", channel=dm,
                                           channel_type="im", thread_ts=str(advice["ts"]))))
    reply = slack.fake.wait_for("chat.postMessage", before + 1)[before].params
    assert reply.get("thread_ts") == advice["ts"]
    assert "300M tokens/month" in reply["text"] and "was 90M tokens/month" in reply["text"]
    key = ids.conversation_key("T1", dm, str(advice["ts"]))
    assert services.conversations.load(key).current.name == "Ticket triage"


# ----------------------------------------------------------------------------- threads with people


def test_people_talking_to_each_other_in_the_thread_are_left_alone(slack: Slack) -> None:
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{MENTION} {COMPLETE}", ts=root)))
    _wait_advice(slack)
    slack.settle(1.0)
    before = len(slack.fake.calls("chat.postMessage"))
    for text in ("<@U3> can you check the invoice first?", "thanks <@U3>!",
                 "hey <@U3|sam>, does this match what finance sees?"):
        slack.send(event_body(payloads.message(text, user="U2", thread_ts=root)))
    slack.settle(1.5)
    assert len(slack.fake.calls("chat.postMessage")) == before

    # Addressed to the bot, or plainly continuing the conversation, it answers.
    slack.send(event_body(payloads.message(f"{MENTION} <@U3> says it is 500M tokens a month",
                                           user="U2", thread_ts=root)))
    reply = slack.fake.wait_for("chat.postMessage", before + 1)[before].params
    assert "500M tokens/month" in reply["text"]
    assert "<@U3>" not in reply["text"] or "&lt;@U3&gt;" not in reply["text"]


# ----------------------------------------------------------------------------- clicks pressed twice


def test_pressing_pin_twice_pins_and_records_once(slack: Slack, services: Services) -> None:
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{MENTION} {COMPLETE}", ts=root)))
    advice = _wait_advice(slack)
    _press(slack, advice, ids.PIN_DECISION, "C1", root)
    _press(slack, advice, ids.PIN_DECISION, "C1", root)
    slack.fake.wait_for("chat.postEphemeral", 2)
    slack.settle(1.0)
    assert len(slack.fake.calls("pins.add")) == 1
    assert len(services.store.decisions.for_user("U1")) == 1
    texts = sorted(call.params["text"] for call in slack.fake.calls("chat.postEphemeral"))
    assert any("already pinned" in text for text in texts), texts


def test_pressing_start_over_twice_restarts_once(slack: Slack) -> None:
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{MENTION} {COMPLETE}", ts=root)))
    advice = _wait_advice(slack)
    slack.settle(1.0)
    before = len(slack.fake.calls("chat.postMessage"))
    _press(slack, advice, ids.START_OVER, "C1", root)
    _press(slack, advice, ids.START_OVER, "C1", root)
    slack.fake.wait_for("chat.postMessage", before + 1)
    slack.settle(1.5)
    assert len(slack.fake.calls("chat.postMessage")) == before + 1
