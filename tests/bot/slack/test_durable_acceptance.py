"""A message is acknowledged only once it is durably queued. While the database cannot take it,
Slack gets a 5xx (and sends it again), the sender is told once, and nothing is acked and
dropped; a message queued before the database went away is answered once it is back; a thread
whose conversation expired says so."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from slack_bolt import App
from sqlalchemy.engine import make_url

from bot.services import Services, build_services
from bot.settings import Settings
from bot.slack import ids
from bot.slack.app import ObservedApp, build_app
from bot.slack.ids import Thread
from bot.store import StoreUnavailable
from knowledge import KnowledgeBase
from tests import servers
from tests.bot.slack.fakes import FakeSlack, payloads
from tests.bot.slack.fakes.signing import (
    action_body,
    block_action,
    bolt_request,
    command_body,
    event_body,
    retry_headers,
)
from tests.helpers.slack import SECRET, TOKEN

MENTION = payloads.BOT_MENTION
COMPLETE = "public data, nothing sensitive. generic email summaries, ~2M tokens a month"


@pytest.fixture
def proxy(postgres_url: str) -> Iterator[servers.TcpProxy]:
    url = make_url(postgres_url)
    tcp = servers.TcpProxy(url.port or 5432, url.host or "127.0.0.1")
    yield tcp
    tcp.close()


@pytest.fixture
def services(fake: FakeSlack, tmp_path: Path, postgres_url: str, proxy: servers.TcpProxy,
             guide_kb: KnowledgeBase) -> Iterator[Services]:
    proxied = make_url(postgres_url).set(port=proxy.port).render_as_string(hide_password=False)
    settings = Settings.model_validate({
        "ADVISOR_DATA_DIR": str(tmp_path / "data"), "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url, "DATABASE_URL": proxied,
    })
    built = build_services(settings, knowledge=guide_kb)
    built.store.db.watchdog.limit = 1.5
    yield built
    built.store.close()


@pytest.fixture
def app(services: Services) -> App:
    return build_app(services)


def _send(app: App, body: str, headers: dict[str, str] | None = None) -> int:
    return app.dispatch(bolt_request(body, None, SECRET, headers)).status


def _texts(fake: FakeSlack, thread_ts: str) -> list[str]:
    return [str(call.params.get("text")) for call in fake.calls("chat.postMessage")
            if call.params.get("thread_ts") == thread_ts]


def _wait_processed(services: Services, channel: str, root: str) -> None:
    """Until the turn of message `root` is recorded as done (its replies may go out first)."""
    key = Thread(payloads.TEAM_ID, channel, root).key
    deadline = time.monotonic() + 20
    while not services.store.inbox.is_processed(key, root):
        assert time.monotonic() < deadline, "turn never finished"
        time.sleep(0.05)


def _wait_texts(fake: FakeSlack, thread_ts: str, count: int, timeout: float = 30) -> list[str]:
    fake.wait_for("chat.postMessage", count, timeout,
                  where=lambda call: call.params.get("thread_ts") == thread_ts)
    return _texts(fake, thread_ts)


@pytest.mark.parametrize("outage", ["refused", "black hole"])
def test_a_mention_the_database_cannot_take_is_refused_then_answered_on_redelivery(
        app: App, fake: FakeSlack, proxy: servers.TcpProxy, outage: str) -> None:
    ts = payloads.new_ts()
    body = event_body(payloads.app_mention(f"{MENTION} {COMPLETE}", ts=ts))
    proxy.cut() if outage == "refused" else proxy.blackhole()
    started = time.monotonic()
    assert _send(app, body) == 503  # not acknowledged: Slack sends it again
    # Bounded whatever the network does: within Slack's 3 s when refused; a black hole is
    # cut by the watchdog (1.5 s here) and a new connection's connect timeout.
    assert time.monotonic() - started < (3 if outage == "refused" else 6)
    notice = _wait_texts(fake, ts, 1)
    assert "can't reach my database" in notice[0] and "send me your message again" in notice[0]
    # Slack's retry during the outage: refused again, and the sender is not told twice.
    assert _send(app, body, retry_headers(1, "http_error")) == 503
    time.sleep(0.5)
    assert len(_texts(fake, ts)) == 1
    proxy.restore()
    assert _send(app, body, retry_headers(2, "http_error")) == 200
    texts = _wait_texts(fake, ts, 2)
    assert "Recommendation" in texts[1], texts
    time.sleep(1.0)
    assert len(_texts(fake, ts)) == 2, "answered once"


def test_a_follow_up_is_refused_during_the_outage_and_answered_after(
        app: App, services: Services, fake: FakeSlack, proxy: servers.TcpProxy) -> None:
    root = payloads.new_ts()
    assert _send(app, event_body(payloads.app_mention(f"{MENTION} about 3M tokens a day",
                                                      ts=root))) == 200
    _wait_processed(services, "C1", root)
    follow_up = event_body(payloads.message("approved vendors only", ts=payloads.new_ts(),
                                            thread_ts=root))
    proxy.cut()
    assert _send(app, follow_up) == 503
    time.sleep(0.5)
    # Not addressed to the bot: during an outage it cannot tell its threads from others'.
    assert len(_texts(fake, root)) == 1
    proxy.restore()
    assert _send(app, follow_up, retry_headers(1, "http_error")) == 200
    texts = _wait_texts(fake, root, 2)
    assert "Data residency" in texts[1], texts


def test_a_message_queued_before_the_database_went_away_is_answered_by_the_sweep(
        app: ObservedApp, services: Services, fake: FakeSlack, proxy: servers.TcpProxy,
        monkeypatch: pytest.MonkeyPatch) -> None:
    advisor = app.advisor
    assert advisor is not None
    drain = advisor.delivery.drainer.drain

    def lost(*args: object, **kwargs: object) -> int:
        raise StoreUnavailable("database test is unavailable: connection refused")

    monkeypatch.setattr(advisor.delivery.drainer, "drain", lost)
    ts = payloads.new_ts()
    assert _send(app, event_body(payloads.app_mention(f"{MENTION} {COMPLETE}", ts=ts))) == 200
    held = _wait_texts(fake, ts, 1)
    assert "I have your message" in held[0] and "no need to send it again" in held[0]
    monkeypatch.setattr(advisor.delivery.drainer, "drain", drain)
    assert advisor.delivery.sweep(stranded_after=timedelta(0)) == 1
    texts = _wait_texts(fake, ts, 2)
    assert "Recommendation" in texts[1]
    assert advisor.delivery.sweep(stranded_after=timedelta(0)) == 0


def test_a_slash_command_while_the_database_is_away_says_so_and_posts_nothing(
        app: App, fake: FakeSlack, proxy: servers.TcpProxy) -> None:
    proxy.cut()
    response_url = fake.response_url("command")
    assert _send(app, command_body(COMPLETE, response_url=response_url)) == 200
    told = fake.wait_for("response_url", 1, 10)
    assert "couldn't take that in" in json.dumps(told[0].params)
    time.sleep(0.5)
    assert fake.calls("chat.postMessage") == []


def test_a_follow_up_in_an_expired_thread_is_told_so_once(
        app: App, services: Services, fake: FakeSlack) -> None:
    root = payloads.new_ts()
    assert _send(app, event_body(payloads.app_mention(f"{MENTION} about 3M tokens a day",
                                                      ts=root))) == 200
    _wait_texts(fake, root, 1)
    assert services.store.conversations.prune(timedelta(0)) == 1
    for words in ("approved vendors only", "and a team of two ML engineers"):
        assert _send(app, event_body(payloads.message(words, ts=payloads.new_ts(),
                                                      thread_ts=root))) == 200
    texts = _wait_texts(fake, root, 2)
    assert texts[1] == ("This conversation expired under our 0-day retention; start a new one "
                        "with `/llm-advisor`.")
    time.sleep(0.5)
    assert len(_texts(fake, root)) == 2
    # A thread the bot never had stays quiet.
    other = payloads.new_ts()
    assert _send(app, event_body(payloads.message("lunch?", ts=payloads.new_ts(),
                                                  thread_ts=other))) == 200
    time.sleep(0.3)
    assert _texts(fake, other) == []


def test_a_click_and_history_while_the_database_is_away_say_so(
        app: App, services: Services, fake: FakeSlack, proxy: servers.TcpProxy) -> None:
    root = payloads.new_ts()
    assert _send(app, event_body(payloads.app_mention(f"{MENTION} about 3M tokens a day",
                                                      ts=root))) == 200
    _wait_processed(services, "C1", root)
    question = fake.calls("chat.postMessage")[-1]
    reply_ts = str((question.response or {})["ts"])
    proxy.cut()
    click = block_action(ids.START_OVER, "restart", message_ts=reply_ts, thread_ts=root,
                         message_text=str(question.params.get("text")),
                         message_blocks=list(question.params.get("blocks") or []))
    assert _send(app, action_body(click)) == 200
    told = fake.wait_for("chat.postEphemeral", 1, 20)
    assert "couldn't do that" in str(told[0].params.get("text"))
    assert told[0].params.get("thread_ts") == root
    history = app.dispatch(bolt_request(command_body("history"), None, SECRET))
    assert history.status == 200 and "can't show your decisions" in str(history.body)
    proxy.restore()
