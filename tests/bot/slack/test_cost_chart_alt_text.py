"""The cost chart carries alt text: its numbers in one sentence."""

from __future__ import annotations

from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import event_body
from tests.helpers.slack import Slack

COMPLETE = "public data, nothing sensitive. generic email summaries, ~2M tokens a month"


def test_the_cost_chart_is_uploaded_with_alt_text_giving_its_numbers(slack: Slack) -> None:
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} {COMPLETE}",
                                               ts=payloads.new_ts())))
    upload = slack.fake.wait_for("files.getUploadURLExternal")[0].params
    advice = "\n".join(post["text"] + str(post["blocks"]) for post in slack.wait_posts(1))
    assert upload["alt_txt"] == (
        "Chart of monthly cost against token volume: at your 2M tokens a month the API costs "
        "$13.20 and self-hosting (h100x2-70b-fp8) $16,885 a month; self-hosting breaks even at "
        "2.6B tokens a month.")
    # The same numbers as the advice's cost section.
    assert "$13.20" in advice and "$16,885" in advice and "2.6B" in advice
