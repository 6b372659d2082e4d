"""`llm-advisor serve` over real HTTP: the contract an outside check uses."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.services import store_url
from bot.settings import Settings
from bot.slack import ids
from bot.store import QueuedMessage, Store, utc_now
from tests.bot.slack.fakes import FakeSlack, payloads
from tests.bot.slack.fakes.fake_slack import TEAM_ID
from tests.bot.slack.fakes.signing import action_body, block_action, event_body, post, retry_headers
from tests.helpers.slack import SECRET, TOKEN
from tests.servers import Replica, get_json


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, FakeSlack]]:
    with FakeSlack() as fake:
        replica = Replica({"ADVISOR_DATA_DIR": str(tmp_path / "data"), "SLACK_BOT_TOKEN": TOKEN,
                           "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url})
        try:
            yield replica.start().base, fake
        finally:
            replica.stop()
        fake.assert_accepted()


def _wait_for_pin_button(fake: FakeSlack, timeout: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """The recommendation message as it stands now, and its Pin decision button."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in reversed(fake.calls("chat.postMessage")):
            message = fake.posted(str(call.params["channel"]), str((call.response or {}).get("ts")))
            for block in (message or {}).get("blocks") or []:
                for element in block.get("elements") or []:
                    if str(element.get("action_id", "")).startswith(ids.PIN_DECISION):
                        assert message is not None
                        return message, element
        time.sleep(0.2)
    raise AssertionError("no recommendation with a Pin decision button was posted")


def test_serve_answers_health_and_a_thread_over_http(served: tuple[str, FakeSlack], tmp_path: Path) -> None:
    base, fake = served
    status, health = get_json(f"{base}/healthz")
    assert status == 200 and health["store"] == "ok" and health["index"] == "ok"
    # The first start built the index and compiled the query encoder in a child ingest.
    assert (tmp_path / "data" / "encoder" / "query-encoder.pt").is_file()

    root = payloads.new_ts()
    body = event_body(payloads.app_mention(f"{payloads.BOT_MENTION} about 3M tokens a day", ts=root),
                      event_id="EvHTTP")
    assert post(f"{base}/slack/events", body, None, SECRET)[0] == 200
    assert post(f"{base}/slack/events", body, None, SECRET, retry_headers(1))[0] == 200
    fake.wait_for("chat.postMessage", 1, timeout=30)
    time.sleep(1.0)
    assert len(fake.calls("chat.postMessage")) == 1  # one message for the turn, answered once
    assert all(c.params["thread_ts"] == root for c in fake.calls("chat.postMessage"))

    assert post(f"{base}/slack/events", body, None, "wrong-secret")[0] == 401
    status, _ = get_json(f"{base}/nowhere")
    assert status == 404

    for text in ("approved vendors under our DPA are fine", "our internal product codes and jargon",
                 "3 ML engineers who run models in prod"):
        before = len(fake.calls("chat.postMessage"))
        event = event_body(payloads.message(text, ts=payloads.new_ts(), thread_ts=root))
        assert post(f"{base}/slack/events", event, None, SECRET)[0] == 200
        fake.wait_for("chat.postMessage", before + 1, timeout=60)
    message, element = _wait_for_pin_button(fake, timeout=60)
    assert message["thread_ts"] == root
    action = block_action(element["action_id"], element["value"], thread_ts=root,
                          message_ts=str(message["ts"]), message_blocks=message["blocks"])
    assert post(f"{base}/slack/events", action_body(action), None, SECRET)[0] == 200
    fake.wait_for("pins.add", timeout=30)


def test_serve_answers_at_start_a_message_a_stopped_replica_left_queued(tmp_path: Path) -> None:
    data = tmp_path / "data"
    root = payloads.new_ts()
    key = ids.conversation_key(TEAM_ID, "C1", root)
    earlier = Store(store_url(Settings(_env_file=None, ADVISOR_DATA_DIR=str(data))),
                    clock=lambda: utc_now() - timedelta(minutes=2))
    earlier.migrate()
    earlier.inbox.enqueue(key, root, QueuedMessage(text="about 3M tokens a day", user="U1",
                                                   team=TEAM_ID, channel="C1", thread_ts=root))
    earlier.close()
    with FakeSlack() as fake:
        replica = Replica({"ADVISOR_DATA_DIR": str(data), "SLACK_BOT_TOKEN": TOKEN,
                           "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url})
        try:
            replica.start()
            answered = fake.wait_for("chat.postMessage", 1, timeout=60)  # no event was sent
            assert answered[0].params["thread_ts"] == root
            assert "3M/day" in answered[0].params["text"]
        finally:
            replica.stop()
        fake.assert_accepted()
