"""A quick answer's reply speaks as the user chose: the button's label, never the command behind it."""

from __future__ import annotations

from bot.slack import ids
from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import action_body, block_action, event_body
from tests.helpers.slack import Slack, button


def test_a_quick_answer_is_acknowledged_with_the_label_the_user_pressed(slack: Slack) -> None:
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} about 3M tokens a day",
                                               ts=root)))
    slack.wait_posts(1)
    asked = slack.fake.calls("chat.postMessage")[0]
    question = {**asked.params, "ts": (asked.response or {})["ts"]}
    element = button(question, ids.QUICK_ANSWER)
    label = element["text"]["text"]
    slack.send(action_body(block_action(element["action_id"], element["value"], thread_ts=root,
                                        message_ts=question["ts"],
                                        message_blocks=question["blocks"], button_text=label)))
    reply = slack.wait_posts(2)[1]
    shown = reply["text"] + str(reply["blocks"])
    assert f'(you chose "{label}")' in shown, shown
    assert element["value"] not in reply["text"] and "(from \"set " not in str(reply["blocks"])
