"""Slash command, modal, buttons, pinning, history, forget and App Home through the real app."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from bot.services import Services
from bot.slack import ids
from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import (
    action_body,
    block_action,
    bolt_request,
    command_body,
    event_body,
    view_submission,
)
from tests.helpers.slack import FACTS_FORM as FORM
from tests.helpers.slack import SECRET, Slack, button

MENTION = payloads.BOT_MENTION
COMPLETE = ("public data, nothing sensitive. generic email summaries, ~2M tokens a month")




def _advised_thread(slack: Slack) -> tuple[str, dict[str, Any]]:
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{MENTION} {COMPLETE}", ts=root)))
    posts = slack.wait_posts(1)
    return root, posts[-1]


def _press(slack: Slack, message: dict[str, Any], prefix: str, thread_ts: str | None,
           **extra: Any) -> None:
    element = button(message, prefix)
    payload = block_action(element["action_id"], element.get("value"), thread_ts=thread_ts,
                           message_ts=str(message.get("ts", payloads.new_ts())),
                           message_blocks=message.get("blocks"), **extra)
    slack.send(action_body(payload))


def test_quick_answer_button_answers_and_freezes_the_question(slack: Slack, services: Services) -> None:
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{MENTION} about 3M tokens a day", ts=root)))
    question = slack.wait_posts(1)[-1]
    _, fact, value = button(question, ids.QUICK_ANSWER)["value"].split()
    _press(slack, question, ids.QUICK_ANSWER, root, button_text="First choice")
    slack.wait_posts(2)
    updated = slack.fake.wait_for("chat.update")[0].params
    assert "chose" in str(updated["blocks"]) and not any(
        b["type"] == "actions" for b in updated["blocks"])
    state = services.conversations.load(ids.conversation_key("T1", "C1", root))
    assert state.current.facts[fact].value == value


def test_pin_posts_summary_pins_it_and_records_decision(slack: Slack, services: Services) -> None:
    root, advice = _advised_thread(slack)
    _press(slack, advice, ids.PIN_DECISION, root)
    ephemeral = slack.fake.wait_for("chat.postEphemeral")[0].params
    assert "Pinned" in ephemeral["text"]
    pin = slack.fake.wait_for("pins.add")[0].params
    summary = [c.params for c in slack.fake.calls("chat.postMessage")
               if c.params.get("ts") == pin["timestamp"] or "thread_ts" not in c.params]
    assert summary and "Decision" in summary[-1]["text"]
    assert "thread_ts" not in summary[-1], "the summary goes in the channel, not the thread"
    decisions = services.store.decisions.for_user("U1", team="T1")
    assert [d.recommendation for d in decisions] == ["proprietary"]
    assert decisions[0].permalink and decisions[0].index_version


@pytest.mark.parametrize(("error", "expected"), [
    ("not_in_channel", "/invite @llm-advisor"),
    ("already_pinned", "already pinned"),
    ("missing_scope", "pins:write"),
])
def test_pin_errors_get_clear_ephemeral_explanations(
    slack: Slack, services: Services, error: str, expected: str
) -> None:
    root, advice = _advised_thread(slack)
    slack.fake.fail("pins.add", error=error)
    _press(slack, advice, ids.PIN_DECISION, root)
    ephemeral = slack.fake.wait_for("chat.postEphemeral")[0].params
    assert expected in ephemeral["text"]
    assert services.store.decisions.for_user("U1") == []


def test_slash_command_without_text_opens_the_facts_modal_and_submission_advises(
    slack: Slack, services: Services
) -> None:
    response = slack.send(command_body(""))
    assert response.body == ""
    view = slack.fake.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == ids.FACTS_MODAL
    submission = view_submission(ids.FACTS_MODAL, FORM, private_metadata=view["private_metadata"])
    slack.send(action_body(submission))
    root = slack.wait_posts(1)[0]
    assert "thread_ts" not in root and root["channel"] == "C1"
    # Posted once, complete: its buttons act on the thread the message roots.
    assert "Self-hosted open-weight model" in root["text"]
    assert slack.fake.calls("chat.update") == []
    key = ids.conversation_key("T1", "C1", str(slack.fake.calls("chat.postMessage")[0].response["ts"]))
    deadline = time.monotonic() + 10
    while not services.store.conversations.exists(key):
        assert time.monotonic() < deadline, "the form's conversation was never saved"
        time.sleep(0.05)
    state = services.conversations.load(key)
    assert state.current.facts["monthly_tokens"].value == 90_000_000
    assert state.current.name == "Ticket triage"
    # The bot owns the thread: a reply in it continues the conversation.
    slack.send(event_body(payloads.message("what if 5M tokens a month", thread_ts=key.split(":")[-1])))
    slack.wait_posts(2)


def test_facts_modal_with_bad_number_is_rejected_with_field_error(slack: Slack) -> None:
    form = {**FORM, ids.INPUT_TOKENS: {ids.INPUT_TOKENS: {"type": "number_input", "value": "-4"}}}
    response = slack.send(action_body(view_submission(ids.FACTS_MODAL, form)))
    body = json.loads(response.body)
    assert body["response_action"] == "errors" and ids.INPUT_TOKENS in body["errors"]
    slack.settle(0.5)
    assert slack.posts() == []


def test_slash_command_with_text_starts_a_thread(slack: Slack) -> None:
    slack.send(command_body("we do about 3M tokens a day"))
    posts = slack.wait_posts(2)
    slack.settle(0.5)
    assert len(slack.posts()) == 2
    root_ts = slack.fake.calls("chat.postMessage")[0].response["ts"]
    assert "thread_ts" not in posts[0] and "asked for LLM deployment advice" in posts[0]["text"]
    assert all(post.get("thread_ts") == root_ts for post in posts[1:])


def test_slash_command_in_channel_without_bot_answers_in_the_dm_and_says_so(slack: Slack) -> None:
    slack.fake.fail("chat.postMessage", error="not_in_channel")
    response_url = slack.fake.response_url("command")
    slack.send(command_body("we do about 3M tokens a day", channel_id="G9",
                            response_url=response_url))
    notice = slack.fake.wait_for("response_url")[0].params
    assert notice["response_type"] == "ephemeral"
    assert "/invite @llm-advisor" in notice["text"] and "our DM" in notice["text"]
    assert "Pin" not in notice["text"]
    dm = str((slack.fake.wait_for("conversations.open")[0].response or {})["channel"]["id"])
    posts = slack.fake.wait_for("chat.postMessage", 3)
    intro, reply = posts[1].params, posts[2].params
    assert intro["channel"] == dm and "not a member" in intro["text"]
    root = str((posts[1].response or {})["ts"])
    assert reply["channel"] == dm and reply["thread_ts"] == root
    assert "90M tokens/month" in reply["text"]


def test_facts_form_for_a_channel_without_bot_answers_in_the_dm(slack: Slack) -> None:
    slack.send(command_body("", channel_id="G9"))
    view = slack.fake.wait_for("views.open")[0].params["view"]
    slack.fake.fail("chat.postMessage", error="not_in_channel")
    slack.send(action_body(view_submission(ids.FACTS_MODAL, FORM,
                                           private_metadata=view["private_metadata"])))
    posts = slack.fake.wait_for("chat.postMessage", 2)
    answer = posts[1].params
    assert answer["channel"].startswith("D") and "thread_ts" not in answer
    assert "not a member of <#G9>" in str(answer["blocks"])
    assert "Self-hosted open-weight model" in answer["text"]


def test_help_history_and_forget(slack: Slack, services: Services) -> None:
    help_body = json.loads(slack.send(command_body("help")).body)
    assert "/llm-advisor" in help_body["text"]
    root, advice = _advised_thread(slack)
    _press(slack, advice, ids.PIN_DECISION, root)
    slack.fake.wait_for("chat.postEphemeral")

    history = json.loads(slack.send(command_body("history")).body)
    recheck = button(history, ids.RECHECK)
    response_url = slack.fake.response_url("recheck")
    slack.send(action_body(block_action(recheck["action_id"], recheck["value"], is_ephemeral=True,
                                        response_url=response_url)))
    answer = slack.fake.wait_for("response_url")[0].params
    assert "still holds" in answer["text"]

    confirm = json.loads(slack.send(command_body("forget")).body)
    element = button(confirm, ids.FORGET_CONFIRM)
    slack.send(action_body(block_action(element["action_id"], element.get("value"),
                                        is_ephemeral=True,
                                        response_url=slack.fake.response_url("forget"))))
    done = slack.fake.wait_for("response_url", 2)[-1].params
    assert done["text"].startswith("Done: I deleted 1 conversation you started, removed your "
                                   "messages and facts from 0 conversations you joined, and "
                                   "deleted 1 decision record of yours.")
    assert services.store.decisions.for_user("U1") == []


def test_what_if_button_opens_modal_and_answers_in_thread(slack: Slack) -> None:
    root, advice = _advised_thread(slack)
    _press(slack, advice, ids.WHAT_IF, root)
    view = slack.fake.wait_for("views.open")[0].params["view"]
    values = {ids.INPUT_WHAT_IF: {ids.INPUT_WHAT_IF: "5B tokens a month"}}
    slack.send(action_body(view_submission(ids.WHAT_IF_MODAL, values,
                                           private_metadata=view["private_metadata"])))
    posts = slack.wait_posts(2)
    assert posts[-1]["thread_ts"] == root
    assert "What if 5B tokens/month" in str(posts[-1]["blocks"])
    with pytest.raises(AssertionError):
        button(posts[-1], ids.PIN_DECISION)


def test_start_over_button_restarts_the_thread(slack: Slack, services: Services) -> None:
    root, advice = _advised_thread(slack)
    _press(slack, advice, ids.START_OVER, root)
    posts = slack.wait_posts(2)
    assert "Starting over" in posts[1]["text"]
    assert services.conversations.load(ids.conversation_key("T1", "C1", root)).current.facts == {}


def test_app_home_shows_the_viewers_decisions(slack: Slack, services: Services) -> None:
    root, advice = _advised_thread(slack)
    _press(slack, advice, ids.PIN_DECISION, root)
    slack.fake.wait_for("chat.postEphemeral")
    slack.send(event_body(payloads.app_home_opened("U1")))
    view = slack.fake.wait_for("views.publish")[0].params
    assert view["user_id"] == "U1" and "proprietary" in json.dumps(view["view"]).lower()
    slack.send(event_body(payloads.app_home_opened("U2")))
    other = slack.fake.wait_for("views.publish", 2)[-1].params
    assert other["user_id"] == "U2"
    assert not any(str(e.get("action_id", "")).startswith(ids.RECHECK)
                   for b in other["view"]["blocks"] for e in b.get("elements") or [])


def test_bad_and_stale_signatures_get_401(slack: Slack) -> None:
    body = event_body(payloads.app_mention(f"{MENTION} hello"))
    assert slack.app.dispatch(bolt_request(body, None, "wrong-secret")).status == 401
    stale = bolt_request(body, None, SECRET, timestamp=int(time.time()) - 600)
    assert slack.app.dispatch(stale).status == 401
    slack.settle(0.3)
    assert slack.posts() == []


@pytest.mark.parametrize("code", [429, 500])
def test_web_api_429_and_500_are_retried(slack: Slack, code: int) -> None:
    slack.fake.status("chat.postMessage", code=code, times=1, retry_after=0)
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{MENTION} about 3M tokens a day", ts=root)))
    slack.wait_posts(2)
    statuses = [c.status for c in slack.fake.calls("chat.postMessage")]
    assert statuses[0] == code and statuses.count(200) == 1


def test_slack_failing_for_a_while_delays_replies_without_losing_them(slack: Slack) -> None:
    slack.fake.status("chat.postMessage", code=503, times=3, retry_after=0)
    slack.fake.status("chat.postMessage", code=429, times=1, retry_after=0)
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{MENTION} about 3M tokens a day", ts=root)))
    deadline = time.monotonic() + 60
    while len([c for c in slack.fake.calls("chat.postMessage") if c.status == 200]) < 1:
        assert time.monotonic() < deadline, slack.fake.summary()
        time.sleep(0.2)
    delivered = [c.params["text"] for c in slack.fake.calls("chat.postMessage") if c.status == 200]
    slack.settle(1.0)
    delivered = [c.params["text"] for c in slack.fake.calls("chat.postMessage") if c.status == 200]
    assert len(delivered) == 1 and "90M tokens/month" in delivered[0]


def test_slash_command_text_is_read_as_typed_and_a_long_one_is_quoted_short(slack: Slack) -> None:
    typed = "latency must be < 200 ms & the data is public; " + "x" * 3950
    escaped = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    slack.send(command_body(escaped))
    posts = slack.wait_posts(2)
    intro = posts[0]["text"]
    assert len(intro) <= 3000 and intro.endswith("…")
    assert "&amp;lt;" not in intro and "must be &lt; 200 ms &amp; the data" in intro
    noted = "\n".join(post["text"] for post in posts[1:])
    assert "Latency needs: critical" in noted, noted
    assert "Data residency: no restriction" in noted


def test_a_mention_with_slack_escapes_reads_the_characters_typed(slack: Slack) -> None:
    text = f"{MENTION} latency must be &lt; 200 ms, and it's R&amp;D data that is public anyway"
    slack.send(event_body(payloads.app_mention(text, ts=payloads.new_ts())))
    posts = slack.wait_posts(1)
    noted = "\n".join(post["text"] for post in posts)
    assert "Latency needs: critical" in noted, noted
    assert "&amp;lt;" not in noted and "&amp;amp;" not in noted
