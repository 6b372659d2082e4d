"""A file shared without words gets told the bot reads text only, and asked for the facts."""

from __future__ import annotations

from bot.slack.advisor import FILES_UNREAD
from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import event_body
from tests.helpers.slack import Slack


def test_a_bare_file_in_a_dm_is_answered_that_only_text_is_read(slack: Slack) -> None:
    share = payloads.file_share(channel="D1", channel_type="im")
    slack.send(event_body(share))
    slack.send(event_body(share))  # Slack redelivers
    [post] = slack.wait_posts(1)
    assert post["channel"] == "D1" and "thread_ts" not in post
    assert post["text"] == FILES_UNREAD
    assert "can't open files" in post["text"] and "as a message" in post["text"]
    slack.settle()
    assert len(slack.posts()) == 1
    assert not any("didn't find any words" in p["text"] for p in slack.posts())


def test_a_bare_file_in_a_followed_thread_is_answered_in_the_thread(slack: Slack) -> None:
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} about 3M tokens a day",
                                               ts=root)))
    slack.wait_posts(1)
    slack.send(event_body(payloads.file_share(thread_ts=root)))
    post = slack.wait_posts(2)[1]
    assert (post["text"], post["thread_ts"]) == (FILES_UNREAD, root)


def test_a_file_in_someone_elses_thread_is_left_alone(slack: Slack) -> None:
    slack.send(event_body(payloads.file_share(thread_ts=payloads.new_ts())))
    slack.send(event_body(payloads.file_share()))
    slack.settle()
    assert slack.posts() == []
