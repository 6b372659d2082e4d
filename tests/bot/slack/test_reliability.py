"""Slow steps are visible, optional scopes degrade gracefully, secrets stay out of logs."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack import poster as poster_module
from bot.slack.app import ObservedApp
from bot.slack.poster import Poster, queued_reply
from bot.slack.render import SlackMessage
from bot.slack.sweeper import Sweeper
from bot.store import QueuedMessage, QueuedReply
from tests.bot.slack.fakes import FakeSlack, payloads
from tests.bot.slack.fakes.fake_slack import TEAM_ID
from tests.bot.slack.fakes.signing import event_body
from tests.helpers.slack import SECRET, TOKEN, Slack

COMPLETE = "public data, nothing sensitive. generic email summaries, ~2M tokens a month"


ROOT = "1712345600.000100"
"""A thread root: a real message timestamp, as Slack requires."""

def _message(text: str) -> SlackMessage:
    return SlackMessage(text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}])


def test_slow_work_shows_working_signal_then_replaces_it(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(poster_module, "WORKING_AFTER", 0.1)
    poster = Poster(WebClient(token=TOKEN, base_url=fake.base_url))

    def slow() -> list[QueuedReply]:
        time.sleep(0.5)
        return [queued_reply("C1", _message("first"), ROOT), queued_reply("C1", _message("second"), ROOT)]

    poster.post_with_working_signal("C1", ROOT, slow)
    posted = [c.params["text"] for c in fake.calls("chat.postMessage")]
    assert posted[0] == poster_module.WORKING_TEXT and posted[1:] == ["second"]
    assert fake.calls("chat.update")[0].params["text"] == "first"


def test_quick_work_posts_without_working_signal(fake: FakeSlack) -> None:
    poster = Poster(WebClient(token=TOKEN, base_url=fake.base_url))
    poster.post_with_working_signal("C1", ROOT, lambda: [queued_reply("C1", _message("only"), ROOT)])
    assert [c.params["text"] for c in fake.calls("chat.postMessage")] == ["only"]
    assert fake.calls("chat.update") == []


def test_advice_without_files_write_scope_still_stands(slack: Slack) -> None:
    slack.fake.fail("files.getUploadURLExternal", error="missing_scope")
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} {COMPLETE}",
                                               ts=payloads.new_ts())))
    slack.wait_posts(1)
    slack.fake.wait_for("files.getUploadURLExternal")
    slack.settle()
    [advice] = slack.posts()  # the turn's one message: the recommendation, without the chart
    assert advice["blocks"][0]["type"] == "header"
    assert slack.fake.calls("files.completeUploadExternal") == []


def test_tokens_and_secrets_never_reach_the_logs(slack: Slack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    slack.fake.status("chat.postMessage", code=500, times=1, retry_after=0)
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} {COMPLETE}",
                                               ts=payloads.new_ts())))
    slack.wait_posts(2)  # the refused post, then the turn's one message
    logged = "\n".join(record.getMessage() + str(record.__dict__) for record in caplog.records)
    assert logged, "the run logged something to inspect"
    assert TOKEN not in logged and SECRET not in logged


def test_a_message_left_queued_by_a_stopped_replica_is_answered_by_the_sweep(
        app: ObservedApp, slack: Slack) -> None:
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} an email summariser", ts=root)))
    slack.wait_posts(1)
    slack.settle()
    before = len(slack.posts(root))
    advisor = app.advisor
    assert advisor is not None
    # A replica queued this follow-up, then stopped before answering it.
    key, later = ids.conversation_key(TEAM_ID, "C1", root), payloads.new_ts()
    advisor.store.inbox.enqueue(key, later, QueuedMessage(
        text="public data, nothing sensitive", user="U1", team=TEAM_ID, channel="C1", thread_ts=root))

    assert advisor.delivery.sweep(stranded_after=timedelta(0)) == 1
    answered = slack.posts(root)[before:]
    assert len(answered) == 1 and "Noted" in answered[0]["text"]
    assert advisor.delivery.sweep(stranded_after=timedelta(0)) == 0  # answered once
    assert len(slack.posts(root)) == before + len(answered)


def test_the_sweeper_keeps_sweeping_through_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    class Delivery:
        def sweep(self) -> int:
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("database unreachable")
            return 0

    sweeper = Sweeper(Delivery(), every=0.01).start()  # type: ignore[arg-type]
    deadline = time.monotonic() + 30
    while len(calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    sweeper.stop()
    assert len(calls) >= 3
    with pytest.raises(ValueError):
        Sweeper(Delivery(), every=0)  # type: ignore[arg-type]
