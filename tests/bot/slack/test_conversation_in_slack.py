"""A whole conversation in a Slack thread, through the real Bolt app and a fake Web API."""

from __future__ import annotations

from bot.services import Services
from bot.slack import ids
from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import event_body, retry_headers
from tests.helpers.slack import Slack, button

MENTION = payloads.BOT_MENTION


def _mention(slack: Slack, text: str, ts: str, thread_ts: str | None = None,
             event_id: str | None = None) -> None:
    event = payloads.app_mention(f"{MENTION} {text}", ts=ts, thread_ts=thread_ts)
    slack.send(event_body(event, event_id=event_id))


def _reply(slack: Slack, text: str, thread_ts: str) -> str:
    ts = payloads.new_ts()
    slack.send(event_body(payloads.message(text, ts=ts, thread_ts=thread_ts)))
    return ts


def test_thread_conversation_ends_in_cited_recommendation(slack: Slack, services: Services) -> None:
    root = payloads.new_ts()
    _mention(slack, "we're building a support ticket classifier, ~3M tokens a day", root)
    # One message per turn: what was noted and the next question together.
    [first] = slack.wait_posts(1)
    assert first["thread_ts"] == root
    assert "90M tokens/month" in first["text"]
    assert button(first, ids.QUICK_ANSWER)["value"].startswith("set ")

    for count, text in ((2, "approved vendors under our DPA are fine"),
                        (3, "the tickets use our internal product codes and jargon")):
        _reply(slack, text, root)
        slack.wait_posts(count)
    _reply(slack, "3 ML engineers who run models in prod", root)
    posts = slack.wait_posts(4)
    slack.settle(0.5)
    assert len(slack.posts()) == 4
    headed = [i for i, post in enumerate(posts) if any(b["type"] == "header" for b in post["blocks"])]
    assert headed, "the recommendation starts with a header"
    advice = posts[headed[-1]:]
    key = ids.conversation_key("T1", "C1", root)
    for prefix in (ids.PIN_DECISION, ids.WHAT_IF, ids.START_OVER):
        assert button(advice[-1], prefix)["value"] == key
    text = " ".join(str(post["blocks"]) for post in advice)
    assert "Self-hosted open-weight model" in text
    assert "Sources" in text and "[1]" in text
    slack.fake.wait_for("files.completeUploadExternal")
    assert services.conversations.load(key).stage == "advised"


def test_redelivered_event_gets_exactly_one_reply(slack: Slack) -> None:
    root = payloads.new_ts()
    body = event_body(payloads.app_mention(f"{MENTION} about 3M tokens a day", ts=root),
                      event_id="EvSAME")
    slack.send(body)
    for attempt in (1, 2, 3):
        slack.send(body, headers=retry_headers(attempt))
    slack.wait_posts(1)
    slack.settle(1.0)
    assert len(slack.posts()) == 1


def test_mention_arriving_as_app_mention_and_message_gets_one_reply(slack: Slack) -> None:
    root = payloads.new_ts()
    _mention(slack, "about 3M tokens a day", root)
    slack.wait_posts(1)
    ts = payloads.new_ts()
    text = f"{MENTION} approved vendors only"
    slack.send(event_body(payloads.app_mention(text, ts=ts, thread_ts=root)))
    slack.send(event_body(payloads.message(text, ts=ts, thread_ts=root)))
    slack.wait_posts(2)
    slack.settle(1.0)
    assert len(slack.posts()) == 2


def test_bot_ignores_unowned_threads_bots_edits_and_joins(slack: Slack) -> None:
    stranger = payloads.new_ts()
    slack.send(event_body(payloads.message("about 3M tokens a day", thread_ts=stranger)))
    slack.send(event_body(payloads.message("a top-level message with no mention")))
    slack.send(event_body(payloads.bot_message("another bot says 3M tokens a day")))
    slack.send(event_body(payloads.message_changed("edited: 3M tokens a day")))
    slack.send(event_body(payloads.channel_join()))
    slack.settle(1.5)
    assert slack.posts() == []


def test_dm_messages_are_a_conversation(slack: Slack) -> None:
    slack.send(event_body(payloads.message("about 3M tokens a day", channel="D1",
                                           channel_type="im")))
    posts = slack.wait_posts(1)
    assert posts[0]["channel"] == "D1" and "thread_ts" not in posts[0]


def test_side_question_in_thread_gets_cited_answer(slack: Slack) -> None:
    root = payloads.new_ts()
    _mention(slack, "about 3M tokens a day", root)
    slack.wait_posts(1)
    _reply(slack, "why does latency matter?", root)
    posts = slack.wait_posts(2)
    # The cited answer and the way back to the open question are one message.
    assert "[1]" in str(posts[1]["blocks"])
    assert "Back to where we were" in posts[1]["text"]


def test_cost_chart_is_redrawn_only_when_cost_inputs_change(slack: Slack) -> None:
    root = payloads.new_ts()
    _mention(slack, "public data, nothing sensitive. generic email summaries, ~2M tokens a month",
             root)
    slack.fake.wait_for("files.completeUploadExternal")
    _reply(slack, "latency is critical, real-time", root)
    slack.wait_posts(2)
    slack.settle(1.0)
    assert len(slack.fake.calls("files.completeUploadExternal")) == 1
    _reply(slack, "actually 500M tokens a month", root)
    slack.fake.wait_for("files.completeUploadExternal", 2)
