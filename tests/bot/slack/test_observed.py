"""What a Slack request is about, read from the payloads Slack really sends."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from bot.slack.observed import SlackRequest, api_method, describe_request
from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import (
    action_body,
    block_action,
    command_body,
    event_body,
    url_verification_body,
    view_submission,
)


def _form(body: str) -> dict[str, object]:
    fields = {k: v[0] for k, v in parse_qs(body).items()}
    return json.loads(fields["payload"]) if "payload" in fields else dict(fields)


def test_describe_event_names_team_channel_and_thread() -> None:
    event = payloads.message("secret plans", ts="2.000200", thread_ts="1.000100")
    about = describe_request(json.loads(event_body(event, event_id="Ev9")))
    assert about == SlackRequest(kind="event", type="message", event_id="Ev9", team="T1",
                                 channel="C1", thread_ts="1.000100")
    assert "secret plans" not in json.dumps(about.log_fields())


def test_describe_top_level_mention_threads_under_itself() -> None:
    about = describe_request(json.loads(event_body(payloads.app_mention("hi", ts="3.000300"))))
    assert (about.kind, about.type, about.thread_ts) == ("event", "app_mention", "3.000300")


def test_describe_command_action_view_and_handshake() -> None:
    command = describe_request(_form(command_body("help", channel_id="C7")))
    assert (command.kind, command.type, command.team, command.channel) == (
        "command", "/llm-advisor", "T1", "C7")
    action = describe_request(_form(action_body(block_action("pin_decision", "k", channel="C3",
                                                             thread_ts="4.000400"))))
    assert (action.kind, action.type, action.channel, action.thread_ts) == (
        "action", "block_actions", "C3", "4.000400")
    view = describe_request(_form(action_body(view_submission("facts_modal", {}))))
    assert (view.kind, view.type, view.team) == ("view", "facts_modal", "T1")
    assert describe_request(json.loads(url_verification_body())).kind == "url_verification"
    assert describe_request({}).kind == "other"


def test_api_method_is_the_last_path_segment() -> None:
    assert api_method("https://slack.com/api/chat.postMessage?x=1") == "chat.postMessage"
    assert api_method("http://127.0.0.1:5000/views.open") == "views.open"
    assert api_method("https://files.slack.com/upload/v1/abc") == "other"
