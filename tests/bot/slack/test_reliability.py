"""Slow steps are visible, optional scopes degrade gracefully, secrets stay out of logs."""

from __future__ import annotations

import logging
import time

import pytest
from slack_sdk import WebClient

from bot.slack import poster as poster_module
from bot.slack.poster import Poster
from bot.slack.render import SlackMessage
from tests.bot.slack.conftest import SECRET, TOKEN, Slack
from tests.bot.slack.fakes import FakeSlack, payloads
from tests.bot.slack.fakes.signing import event_body

COMPLETE = "public data, nothing sensitive. generic email summaries, ~2M tokens a month"


def _message(text: str) -> SlackMessage:
    return SlackMessage(text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}])


def test_slow_work_shows_working_signal_then_replaces_it(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(poster_module, "WORKING_AFTER", 0.1)
    poster = Poster(WebClient(token=TOKEN, base_url=fake.base_url))

    def slow() -> list[SlackMessage]:
        time.sleep(0.5)
        return [_message("first"), _message("second")]

    poster.post_with_working_signal("C1", "1.0", slow)
    posted = [c.params["text"] for c in fake.calls("chat.postMessage")]
    assert posted[0] == poster_module.WORKING_TEXT and posted[1:] == ["second"]
    assert fake.calls("chat.update")[0].params["text"] == "first"


def test_quick_work_posts_without_working_signal(fake: FakeSlack) -> None:
    poster = Poster(WebClient(token=TOKEN, base_url=fake.base_url))
    poster.post_with_working_signal("C1", "1.0", lambda: [_message("only")])
    assert [c.params["text"] for c in fake.calls("chat.postMessage")] == ["only"]
    assert fake.calls("chat.update") == []


def test_advice_without_files_write_scope_still_stands(slack: Slack) -> None:
    slack.fake.fail("files.getUploadURLExternal", error="missing_scope")
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} {COMPLETE}",
                                               ts=payloads.new_ts())))
    posts = slack.wait_posts(2)
    slack.fake.wait_for("files.getUploadURLExternal")
    assert any(b["type"] == "header" for b in posts[-1]["blocks"])
    assert slack.fake.calls("files.completeUploadExternal") == []


def test_tokens_and_secrets_never_reach_the_logs(slack: Slack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    slack.fake.status("chat.postMessage", code=500, times=1, retry_after=0)
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} {COMPLETE}",
                                               ts=payloads.new_ts())))
    slack.wait_posts(3)
    logged = "\n".join(record.getMessage() + str(record.__dict__) for record in caplog.records)
    assert logged, "the run logged something to inspect"
    assert TOKEN not in logged and SECRET not in logged
