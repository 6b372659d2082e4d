"""Slack outages longer than the Web API client's retries: replies wait in the outbox, in order."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.delivery import Undelivered
from bot.services import Services
from bot.settings import Settings
from bot.slack import ids
from bot.slack.app import ObservedApp, build_app
from bot.slack.poster import POST_TRIES, Poster, SlackCallFailed, queued_reply
from bot.slack.render import SlackMessage
from tests.bot.slack.fakes import FakeSlack, payloads
from tests.bot.slack.fakes.fake_slack import TEAM_ID
from tests.bot.slack.fakes.signing import event_body
from tests.helpers.slack import TOKEN, Slack
from tests.servers import free_port


def _message(text: str) -> SlackMessage:
    return SlackMessage(text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}])


@pytest.fixture
def bare_app(settings: Settings, services: Services, fake: FakeSlack) -> ObservedApp:
    """The app with a client that does not retry, so each outage answer is final at once."""
    return build_app(services, client=WebClient(token=TOKEN, base_url=fake.base_url))


@pytest.fixture
def bare_slack(bare_app: ObservedApp, fake: FakeSlack) -> Iterator[Slack]:
    yield Slack(bare_app, fake)


def _wait(condition: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.05)
    assert condition(), "timed out"  # type: ignore[operator]


def test_call_tells_passing_failures_from_lasting_ones(fake: FakeSlack) -> None:
    poster = Poster(WebClient(token=TOKEN, base_url=fake.base_url))
    fake.status("chat.postMessage", code=503)
    with pytest.raises(SlackCallFailed) as unavailable:
        poster.call("chat.postMessage", channel="C1", text="x")
    fake.status("chat.postMessage", code=429, retry_after=0)
    with pytest.raises(SlackCallFailed) as limited:
        poster.call("chat.postMessage", channel="C1", text="x")
    fake.fail("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackCallFailed) as refused:
        poster.call("chat.postMessage", channel="C1", text="x")
    closed = Poster(WebClient(token=TOKEN, base_url=f"http://127.0.0.1:{free_port()}/api/", timeout=2))
    with pytest.raises(SlackCallFailed) as unreachable:
        closed.call("chat.postMessage", channel="C1", text="x")

    assert unavailable.value.transient and limited.value.transient and unreachable.value.transient
    assert unreachable.value.error == "connection_error"
    assert not refused.value.transient and refused.value.error == "channel_not_found"


def test_deliver_hands_back_the_unsent_replies_in_order(fake: FakeSlack) -> None:
    poster = Poster(WebClient(token=TOKEN, base_url=fake.base_url))
    placeholder = poster.post("C1", _message("working"), "1712345600.000100")
    replies = [queued_reply("C1", _message("one"), update_ts=placeholder),
               *(queued_reply("C1", _message(text), "1712345600.000100") for text in ("two", "three"))]
    fake.status("chat.postMessage", code=503, times=POST_TRIES)  # outlasting the poster's tries

    with pytest.raises(Undelivered) as undelivered:
        poster.deliver(replies)

    assert fake.last("chat.update").params["text"] == "one"
    assert [r.text for r in undelivered.value.replies] == ["two", "three"]
    assert undelivered.value.cause.transient
    fake.fail("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackCallFailed):  # a lasting refusal is not queued
        poster.deliver(replies[1:])


def test_replies_during_an_outage_are_posted_in_order_once_slack_is_back(
        bare_app: ObservedApp, bare_slack: Slack, fake: FakeSlack) -> None:
    advisor = bare_app.advisor
    assert advisor is not None
    root = payloads.new_ts()
    bare_slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} an email summariser", ts=root)))
    bare_slack.wait_posts(1)
    bare_slack.settle()
    key = ids.conversation_key(TEAM_ID, "C1", root)

    fake.status("chat.postMessage", code=503, times=1000)
    bare_slack.send(event_body(payloads.message("public data, nothing sensitive", thread_ts=root,
                                                ts=payloads.new_ts())))
    _wait(lambda: advisor.store.outbox.has_unsent(key))
    bare_slack.send(event_body(payloads.message("about 2M tokens a month", thread_ts=root,
                                                ts=payloads.new_ts())))
    _wait(lambda: len(advisor.store.outbox.unsent(key)) >= 2)
    bare_slack.settle()
    queued = advisor.store.outbox.unsent(key)
    assert fake.calls("chat.postEphemeral") == []  # no apology: the replies are only late

    fake.reset()  # Slack is back
    assert advisor.delivery.sweep() == 0  # nothing stranded: only replies were owed
    posted = [c.params for c in fake.calls("chat.postMessage")]
    assert [p["text"] for p in posted] == [q.reply.text for q in queued]
    assert len(posted) == 2  # one message per turn
    assert all(p["thread_ts"] == root for p in posted)
    assert "Noted" in posted[0]["text"] and "?" in posted[0]["text"]
    # The second turn's message is the recommendation, what was noted leading into it.
    advice = posted[1]
    assert advice["text"].startswith("Recommendation:") and advice["blocks"][0]["type"] == "header"
    assert "Noted" in str(advice["blocks"]) and "2M" in str(advice["blocks"])
    # Posted late, it is still the recommendation later turns edit in place.
    ts = str((fake.calls("chat.postMessage")[1].response or {})["ts"])
    assert advisor.store.anchors.pages(key, "recommendation") == [ts]
    assert not advisor.store.outbox.has_unsent(key)
    advisor.delivery.sweep()
    assert len(fake.calls("chat.postMessage")) == len(posted)  # each posted once


def test_a_turn_after_the_outage_posts_what_was_owed_first(
        bare_app: ObservedApp, bare_slack: Slack, fake: FakeSlack) -> None:
    advisor = bare_app.advisor
    assert advisor is not None
    root = payloads.new_ts()
    key = ids.conversation_key(TEAM_ID, "C1", root)
    advisor.store.outbox.queue(key, [queued_reply("C1", _message("owed from before"), root)])

    bare_slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} public data, an email "
                                                    "summariser", ts=root)))
    bare_slack.wait_posts(2)
    bare_slack.settle()
    posts = bare_slack.posts()
    assert len(posts) == 2  # what was owed, then the turn's one message
    assert posts[0]["text"] == "owed from before"
    assert posts[1]["thread_ts"] == root and posts[1]["text"] != "owed from before"


def test_a_queued_reply_slack_refuses_for_good_is_dropped_and_the_rest_still_go(
        bare_app: ObservedApp, fake: FakeSlack) -> None:
    advisor = bare_app.advisor
    assert advisor is not None
    key = ids.conversation_key(TEAM_ID, "C1", "1712345600.000500")
    advisor.store.outbox.queue(key, [queued_reply("C1", _message(text), "1712345600.000500")
                                      for text in ("gone", "kept")])
    fake.fail("chat.postMessage", error="channel_not_found")

    advisor.delivery.sweep()

    assert [c.params["text"] for c in fake.calls("chat.postMessage")] == ["gone", "kept"]
    assert not advisor.store.outbox.has_unsent(key)


def test_the_sweep_stops_at_the_first_conversation_slack_still_refuses(
        bare_app: ObservedApp, fake: FakeSlack) -> None:
    advisor = bare_app.advisor
    assert advisor is not None
    for thread in ("1712345600.000600", "1712345600.000700"):
        advisor.store.outbox.queue(ids.conversation_key(TEAM_ID, "C1", thread),
                                    [queued_reply("C1", _message(f"reply in {thread}"), thread)])
    fake.status("chat.postMessage", code=503, times=POST_TRIES)

    advisor.delivery.sweep()

    assert len(fake.calls("chat.postMessage")) == POST_TRIES  # one post, not one per conversation
    waiting = advisor.store.outbox.unsent(ids.conversation_key(TEAM_ID, "C1", "1712345600.000600"))
    assert waiting[0].attempts == 1 and waiting[0].last_error
    advisor.delivery.sweep()
    assert [c.params["text"] for c in fake.calls("chat.postMessage")][POST_TRIES:] == [
        "reply in 1712345600.000600", "reply in 1712345600.000700"]


def test_advice_given_and_changed_during_an_outage_is_one_recommendation_once_slack_is_back(
        bare_app: ObservedApp, bare_slack: Slack, fake: FakeSlack) -> None:
    advisor = bare_app.advisor
    assert advisor is not None
    root = payloads.new_ts()
    bare_slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} an email summariser", ts=root)))
    bare_slack.wait_posts(1)
    bare_slack.settle()
    key = ids.conversation_key(TEAM_ID, "C1", root)

    fake.status("chat.postMessage", code=503, times=1000)
    bare_slack.send(event_body(payloads.message(
        "public data, nothing sensitive. generic summaries, ~2M tokens a month", thread_ts=root,
        ts=payloads.new_ts())))
    _wait(lambda: advisor.store.outbox.has_unsent(key))
    bare_slack.send(event_body(payloads.message("actually 10M tokens a day", thread_ts=root,
                                                ts=payloads.new_ts())))
    _wait(lambda: len(advisor.store.outbox.unsent(key)) >= 2)
    bare_slack.settle()

    fake.reset()  # Slack is back
    advisor.delivery.sweep()
    posted = fake.calls("chat.postMessage")
    recommendations = [c for c in posted if c.params["blocks"][0]["type"] == "header"]
    assert len(posted) == 2 and len(recommendations) == 1, [c.params["text"] for c in posted]
    ts = str((recommendations[0].response or {})["ts"])
    assert advisor.store.anchors.pages(key, "recommendation") == [ts]
    short = posted[1].params
    assert "300M tokens/month" in short["text"] and len(short["text"]) <= 1500
    assert not advisor.store.outbox.has_unsent(key)
    # The one recommendation message holds the facts as they stand after both turns.
    now = fake.posted("C1", ts)
    assert now is not None and "300M tokens/month" in str(now["blocks"])
