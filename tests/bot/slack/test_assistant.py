"""The AI app pane (Agents & AI Apps), end to end: signed events to the real Bolt app, the fake
Slack checking every call as strictly as Slack."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient

from bot.services import Services
from bot.slack import assistant, poster
from bot.slack.app import ObservedApp
from bot.store import Events, QueuedMessage, StoreUnavailable
from tests.bot.slack.fakes import FakeSlack, payloads
from tests.bot.slack.fakes.signing import event_body, retry_headers
from tests.helpers.slack import TOKEN, Slack

PANE_CALLS = ("assistant.threads.setStatus", "chat.postMessage", "chat.update",
              "assistant.threads.setTitle")


@pytest.fixture(autouse=True)
def placeholder_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every turn counts as slow, so a thread that shows the placeholder always gets one."""
    monkeypatch.setattr(poster, "WORKING_AFTER", 0.0)


def _start(slack: Slack) -> str:
    root = payloads.new_ts()
    slack.send(event_body(payloads.assistant_thread_started(thread_ts=root)))
    slack.fake.wait_for("assistant.threads.setSuggestedPrompts")
    return root


def _say(slack: Slack, text: str, root: str) -> dict[str, Any]:
    event = payloads.assistant_message(text, root)
    slack.send(event_body(event))
    return event


def _pane_calls(slack: Slack, since: int = 0) -> list[tuple[str, str]]:
    """(method, status or text) of the calls that show something in the thread, in order."""
    return [(c.method, str(c.get("status", c.get("title", c.get("text")))))
            for c in slack.fake.calls()[since:] if c.method in PANE_CALLS]


def test_assistant_thread_end_to_end(slack: Slack, services: Services, app: ObservedApp) -> None:
    root = _start(slack)
    prompts = slack.fake.last("assistant.threads.setSuggestedPrompts").params
    assert (prompts["channel_id"], prompts["thread_ts"], prompts["title"]) == (
        "D1", root, "Try one of these")
    messages = [p["message"] for p in prompts["prompts"]]
    assert messages[:2] == ["Should we self-host our support classifier?",
                            "Compare API vs self-hosting for 100M tokens/month"]
    assert len(messages) <= 4 and all(p["title"] for p in prompts["prompts"])

    _say(slack, "we're building a support ticket classifier, ~3M tokens a day", root)
    [first] = slack.wait_posts(1)
    assert (first["channel"], first["thread_ts"]) == ("D1", root)
    assert "90M tokens/month" in first["text"] and "?" in first["text"]
    slack.settle(0.5)
    calls = _pane_calls(slack)
    assert calls[0] == ("assistant.threads.setStatus", assistant.SCORING)
    assert [method for method, _ in calls[1:]] == ["chat.postMessage"]
    assert slack.fake.thread_status("D1", root) == ""
    assert not slack.fake.calls("assistant.threads.setTitle")

    seen = len(slack.fake.calls())
    _say(slack, "add use case support triage", root)
    slack.fake.wait_for("assistant.threads.setTitle")
    key = f"slack:T1:D1:{root}"
    state = services.conversations.load(key)
    assert state.current.name == "support triage"
    assert state.earlier[0].facts["monthly_tokens"].value == 90_000_000
    calls = _pane_calls(slack, seen)
    assert calls[0] == ("assistant.threads.setStatus", assistant.SCORING)
    assert calls[-1] == ("assistant.threads.setTitle", "support triage")
    title = slack.fake.last("assistant.threads.setTitle").params
    assert (title["channel_id"], title["thread_ts"]) == ("D1", root)

    posts = len(slack.posts())
    _say(slack, "approved vendors under our DPA are fine", root)
    slack.wait_posts(posts + 1)

    slack.send(event_body(payloads.message("about 3M tokens a day", channel="D1",
                                           channel_type="im")))
    top_level = slack.fake.wait_for("chat.postMessage", where=lambda c: "thread_ts" not in c.params)
    assert top_level[0]["channel"] == "D1"
    slack.settle(1.0)
    assert len(slack.fake.calls("assistant.threads.setTitle")) == 1
    assert len(slack.fake.calls("assistant.threads.setStatus")) == 3
    assert all(post["text"] != poster.WORKING_TEXT for post in slack.posts())
    # Each message was taken once: not also by the `message` listener.
    assert b"llm_advisor_duplicate_deliveries_total 0.0" in app.metrics.exposition()


def test_side_question_reads_the_guidance(slack: Slack) -> None:
    root = _start(slack)
    _say(slack, "why does latency matter?", root)
    slack.wait_posts(1)
    assert _pane_calls(slack)[0] == ("assistant.threads.setStatus", assistant.READING)


def test_redelivered_assistant_message_is_answered_once(slack: Slack) -> None:
    root = _start(slack)
    body = event_body(payloads.assistant_message("about 3M tokens a day", root), event_id="EvONE")
    slack.send(body)
    slack.send(body, headers=retry_headers(1))
    slack.wait_posts(1)
    slack.settle(1.0)
    assert len(slack.posts()) == 1
    assert len(slack.fake.calls("assistant.threads.setStatus")) == 1


def test_failed_turn_clears_the_status(slack: Slack, services: Services,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = _start(slack)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("engine down")

    monkeypatch.setattr(services.conversations, "respond_recorded", broken)
    _say(slack, "about 3M tokens a day", root)
    slack.fake.wait_for("chat.postEphemeral")
    statuses = [c["status"] for c in slack.fake.calls("assistant.threads.setStatus")]
    assert statuses == [assistant.SCORING, ""]
    assert slack.fake.thread_status("D1", root) == ""
    assert slack.posts() == []


def test_dm_thread_not_opened_in_the_pane_keeps_the_placeholder(slack: Slack) -> None:
    root = payloads.new_ts()
    slack.send(event_body(payloads.message("about 3M tokens a day", channel="D1",
                                           channel_type="im", thread_ts=root)))
    slack.fake.wait_for("chat.update")
    assert slack.posts()[0]["text"] == poster.WORKING_TEXT
    assert slack.posts()[0]["thread_ts"] == root
    assert not slack.fake.calls("assistant.threads.setStatus")


def test_context_change_is_acknowledged_and_nothing_else(slack: Slack) -> None:
    root = payloads.new_ts()
    response = slack.send(event_body(payloads.assistant_thread_context_changed(thread_ts=root)))
    assert response.status == 200
    slack.settle(0.5)
    assert {c.method for c in slack.fake.calls()} == {"auth.test"}


@pytest.mark.parametrize(("text", "status"), [
    ("Should we self-host our support classifier?", assistant.READING),
    ("why does latency matter?", assistant.READING),
    ("Compare API vs self-hosting for 100M tokens/month", assistant.SCORING),
    ("approved vendors under our DPA are fine", assistant.SCORING),
    ("what if we had 10x the volume?", assistant.SCORING),
])
def test_the_status_guesses_what_the_turn_does(text: str, status: str) -> None:
    assert assistant.working_status(text) == status


def test_the_title_waits_while_the_database_is_down(fake: FakeSlack) -> None:
    class Down(Events):
        def __init__(self) -> None:
            pass

        def claimed(self, event_key: str) -> bool:
            raise StoreUnavailable("database unreachable")

        def claim(self, event_key: str) -> bool:
            raise StoreUnavailable("database unreachable")

    threads = assistant.AssistantThreads(Down(), poster.Poster(WebClient(token=TOKEN,
                                                                         base_url=fake.base_url)))
    message = QueuedMessage(text="add use case triage", user="U1", team="T1", channel="D1",
                            thread_ts=payloads.new_ts())
    threads.named(message, "triage")
    assert fake.calls() == []
