"""A thread stays quiet: one recommendation message, updated in place as facts change, and one
short message per later turn."""

from __future__ import annotations

from typing import Any

from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import event_body
from tests.helpers.slack import Slack

MENTION = payloads.BOT_MENTION


def _say(slack: Slack, text: str, root: str) -> list[dict[str, Any]]:
    """Send `text` in the thread and return the messages the turn posted (after it settled)."""
    before = len(slack.fake.calls("chat.postMessage"))
    updates = len(slack.fake.calls("chat.update"))
    slack.send(event_body(payloads.message(text, thread_ts=root)))
    slack.fake.wait_for("chat.postMessage", before + 1)
    slack.settle(1.0)
    assert len(slack.fake.calls("chat.update")) >= updates
    return [c.params for c in slack.fake.calls("chat.postMessage")[before:]]


def _recommendations(slack: Slack) -> list[Any]:
    return [c for c in slack.fake.calls("chat.postMessage") if any(
        block.get("type") == "header" for block in c.params.get("blocks") or [])]


def test_a_threaded_conversation_posts_one_recommendation_and_updates_it_in_place(
        slack: Slack) -> None:
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(
        f"{MENTION} support ticket classifier, about 3M tokens a day", ts=root)))
    slack.fake.wait_for("chat.postMessage")
    slack.settle(1.0)
    first = [c.params for c in slack.fake.calls("chat.postMessage")]
    assert len(first) == 1, [p["text"] for p in first]
    assert "90M tokens/month" in first[0]["text"] and "?" in first[0]["text"]

    assert len(_say(slack, "public data, nothing sensitive", root)) == 1
    turn = _say(slack, "generic summaries, nothing specialised, 2 ML engineers, no rush", root)
    assert len(turn) == 1
    [advice_call] = _recommendations(slack)
    advice_ts = str((advice_call.response or {})["ts"])

    for text, expected in (("actually 10M tokens a day", "300M tokens/month"),
                           ("we'd use gpt-4o-mini", "gpt-4o-mini")):
        [short] = _say(slack, text, root)
        assert expected in short["text"]
        size = len(short["text"]) + sum(len(str(b)) for b in short["blocks"])
        assert size <= 1500, size
        assert not any(block.get("type") == "header" for block in short["blocks"])
        link = [element for block in short["blocks"] if block["type"] == "actions"
                for element in block["elements"] if element.get("url")]
        assert link and link[0]["text"]["text"] == "Full answer"

    assert len(_recommendations(slack)) == 1
    edits = [c for c in slack.fake.calls("chat.update") if c.params["ts"] == advice_ts]
    assert len(edits) == 2
    now = slack.fake.posted("C1", advice_ts)
    assert now is not None and "300M tokens/month" in str(now["blocks"])
    assert "gpt-4o-mini" in str(now["blocks"])
