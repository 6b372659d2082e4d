"""Group DMs (mpim) are followed like private channels: a mention starts a thread, and replies in
a thread the bot owns continue it; other messages there are left alone."""

from __future__ import annotations

from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import event_body
from tests.helpers.slack import Slack

GROUP_DM = "G0MPIM1"


def test_a_mention_in_a_group_dm_starts_a_thread_that_replies_continue(slack: Slack) -> None:
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} about 3M tokens a day",
                                               channel=GROUP_DM, ts=root)))
    first = slack.wait_posts(1)
    assert {(p["channel"], p["thread_ts"]) for p in first} == {(GROUP_DM, root)}
    slack.send(event_body(payloads.message("patient data can't leave our DC", channel=GROUP_DM,
                                           thread_ts=root, channel_type="mpim",
                                           parent_user_id="U1")))
    later = slack.wait_posts(2)[1:]
    assert later and all((p["channel"], p["thread_ts"]) == (GROUP_DM, root) for p in later)
    # The recommendation came with this turn: what was noted leads into it.
    assert "Data residency: must stay in-house" in str(later[0]["blocks"])


def test_other_messages_in_a_group_dm_are_left_alone(slack: Slack) -> None:
    slack.send(event_body(payloads.message("lunch?", channel=GROUP_DM, channel_type="mpim")))
    slack.send(event_body(payloads.message("sure", channel=GROUP_DM, channel_type="mpim",
                                           thread_ts=payloads.new_ts())))
    slack.settle()
    assert slack.posts() == []
