"""Exactly one reply per message, however a post or the process around it fails: Slack taking a
post whose answer is lost, and a turn stopped after posting or while its "working on it" message
shows. Whoever finishes looks for the replies' ids in the thread before posting anything again."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.services import Services
from bot.slack import ids
from bot.slack import poster as poster_module
from bot.slack.app import ObservedApp, build_app, web_client
from tests.bot.slack.fakes import FakeSlack, payloads
from tests.bot.slack.fakes.fake_slack import TEAM_ID
from tests.bot.slack.fakes.signing import event_body
from tests.helpers.slack import Slack

CLIENT_TIMEOUT = 1
FOLLOW_UP = "public data, nothing sensitive"


class Stopped(BaseException):
    """The process stopping where it stands: nothing after this point runs, not even the
    handlers that answer a failed turn."""


def _wait(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert condition(), "timed out"


def _bot_texts(fake: FakeSlack, root: str) -> list[str]:
    return [str(message.get("text")) for message in fake.thread("C1", root)]


def _start(slack: Slack) -> str:
    """A thread with one answered mention; returns its root."""
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} an email summariser",
                                               ts=root)))
    slack.wait_posts(1)
    slack.settle()
    return root


def _follow_up(slack: Slack, root: str) -> str:
    ts = payloads.new_ts()
    slack.send(event_body(payloads.message(FOLLOW_UP, thread_ts=root, ts=ts)))
    return ts


def _assert_one_reply_each(app: ObservedApp, fake: FakeSlack, root: str) -> None:
    """The thread holds the mention's reply and the follow-up's, once each, and no placeholder;
    nothing is left to post."""
    advisor = app.advisor
    assert advisor is not None
    texts = _bot_texts(fake, root)
    assert len(texts) == 2, texts
    assert poster_module.WORKING_TEXT not in texts
    assert "Noted" in texts[1] and "Data residency" in texts[1]
    assert not advisor.store.outbox.has_unsent(ids.conversation_key(TEAM_ID, "C1", root))


@pytest.fixture
def impatient_app(services: Services) -> ObservedApp:
    """The app with the client `serve` builds, waiting only a second for an answer."""
    client = web_client(services.slack)
    client.timeout = CLIENT_TIMEOUT
    return build_app(services, client=client)


@pytest.mark.parametrize("hang", [0.0, CLIENT_TIMEOUT + 2.0], ids=["dropped", "timed-out"])
def test_a_post_slack_took_without_answering_is_posted_once(
        impatient_app: ObservedApp, fake: FakeSlack, hang: float) -> None:
    advisor = impatient_app.advisor
    assert advisor is not None
    slack = Slack(impatient_app, fake)
    root = _start(slack)
    key = ids.conversation_key(TEAM_ID, "C1", root)
    fake.swallow("chat.postMessage", hang=hang,
                 where=lambda params: params.get("thread_ts") == root)

    ts = _follow_up(slack, root)
    _wait(lambda: advisor.store.inbox.is_processed(key, ts))
    advisor.delivery.sweep(stranded_after=timedelta(0))  # anything owed is posted now

    _assert_one_reply_each(impatient_app, fake, root)
    item = advisor.store.inbox.get(key, ts)
    assert item is not None and item.outcome == "ok"
    assert fake.calls("chat.postEphemeral") == []  # no apology: the reply got through


def test_a_dm_reply_slack_took_without_answering_is_posted_once(
        impatient_app: ObservedApp, fake: FakeSlack) -> None:
    advisor = impatient_app.advisor
    assert advisor is not None
    slack = Slack(impatient_app, fake)
    slack.send(event_body(payloads.message("an email summariser", channel="D1",
                                           channel_type="im", ts=payloads.new_ts())))
    slack.wait_posts(1)
    slack.settle()
    fake.swallow("chat.postMessage", hang=CLIENT_TIMEOUT + 2.0,
                 where=lambda params: params.get("channel") == "D1")

    ts = payloads.new_ts()
    slack.send(event_body(payloads.message(FOLLOW_UP, channel="D1", channel_type="im", ts=ts)))
    key = ids.conversation_key(TEAM_ID, "D1", ids.DM_TOP)
    _wait(lambda: advisor.store.inbox.is_processed(key, ts))
    advisor.delivery.sweep(stranded_after=timedelta(0))

    texts = [str(message.get("text")) for message in fake.thread("D1", None)]
    assert len(texts) == 2, texts  # found at the DM's top level, not posted again
    assert "Noted" in texts[1] and "Data residency" in texts[1]
    assert fake.calls("conversations.history")


def test_a_turn_stopped_after_posting_is_finished_without_posting_again(
        app: ObservedApp, slack: Slack, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    advisor = app.advisor
    assert advisor is not None
    root = _start(slack)
    key = ids.conversation_key(TEAM_ID, "C1", root)
    inbox = advisor.store.inbox
    mark = inbox.mark_and_next

    def stop(*args: Any, **kwargs: Any) -> Any:  # the replies are posted; the item never marked
        monkeypatch.setattr(inbox, "mark_and_next", mark)
        raise Stopped

    monkeypatch.setattr(inbox, "mark_and_next", stop)
    ts = _follow_up(slack, root)
    _wait(lambda: len(_bot_texts(fake, root)) == 2 and inbox.get(key, ts) is not None
          and inbox.next_pending(key) is not None and inbox.acquire_lease(key, "test", timedelta(0)))
    item = inbox.get(key, ts)
    assert item is not None and not item.processed

    assert advisor.delivery.sweep(stranded_after=timedelta(0)) == 1

    _assert_one_reply_each(app, fake, root)
    assert inbox.is_processed(key, ts)
    assert advisor.delivery.sweep(stranded_after=timedelta(0)) == 0
    assert len(_bot_texts(fake, root)) == 2


def test_a_working_message_left_by_a_stopped_turn_becomes_its_reply(
        app: ObservedApp, slack: Slack, fake: FakeSlack, services: Services,
        monkeypatch: pytest.MonkeyPatch) -> None:
    advisor = app.advisor
    assert advisor is not None
    root = _start(slack)
    key = ids.conversation_key(TEAM_ID, "C1", root)
    monkeypatch.setattr(poster_module, "WORKING_AFTER", 0.0)  # every turn is slow enough
    conversations = services.store.conversations
    save = conversations.save

    def save_then_stop(*args: Any, **kwargs: Any) -> Any:
        fake.wait_for("chat.postMessage",
                      where=lambda call: call.params.get("text") == poster_module.WORKING_TEXT)
        monkeypatch.setattr(conversations, "save", save)
        save(*args, **kwargs)
        raise Stopped  # the state is saved; the placeholder still says "working on it"

    monkeypatch.setattr(conversations, "save", save_then_stop)
    ts = _follow_up(slack, root)
    _wait(lambda: poster_module.WORKING_TEXT in _bot_texts(fake, root)
          and advisor.store.inbox.acquire_lease(key, "test", timedelta(0)))
    item = advisor.store.inbox.get(key, ts)
    assert item is not None and not item.processed

    assert advisor.delivery.sweep(stranded_after=timedelta(0)) == 1

    _assert_one_reply_each(app, fake, root)
    assert fake.calls("chat.postEphemeral") == []
