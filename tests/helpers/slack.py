"""Signed requests to the real Bolt app, and reading what it sent to the fake Slack."""

from __future__ import annotations

import json
import time
from typing import Any

from slack_bolt import App
from slack_bolt.response import BoltResponse

from tests.bot.slack.fakes import FakeSlack
from tests.bot.slack.fakes.fake_slack import Call
from tests.bot.slack.fakes.signing import bolt_request

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"


class Slack:
    """Sends correctly signed requests to the real app, the way Slack would."""

    def __init__(self, app: App, fake: FakeSlack) -> None:
        self.app = app
        self.fake = fake

    def send(self, body: str, content_type: str | None = None,
             headers: dict[str, str] | None = None) -> BoltResponse:
        response = self.app.dispatch(bolt_request(body, content_type, SECRET, headers))
        assert response.status == 200, (response.status, response.body)
        return response

    def posts(self, thread_ts: str | None = None) -> list[dict[str, Any]]:
        """The messages posted (in `thread_ts`), each with the `ts` Slack gave it when it took it."""
        return [_with_ts(c) for c in self.fake.calls("chat.postMessage")
                if thread_ts is None or c.params.get("thread_ts") == thread_ts]

    def wait_posts(self, count: int, timeout: float = 20) -> list[dict[str, Any]]:
        return [_with_ts(c) for c in self.fake.wait_for("chat.postMessage", count, timeout)]

    def settle(self, seconds: float = 0.5) -> None:
        """Give background listeners time to (not) act."""
        time.sleep(seconds)


def _with_ts(call: Call) -> dict[str, Any]:
    ts = (call.response or {}).get("ts")
    return {**call.params, "ts": ts} if ts else dict(call.params)


def button(message: dict[str, Any], prefix: str) -> dict[str, Any]:
    for block in message.get("blocks") or []:
        for element in [*(block.get("elements") or []), block.get("accessory") or {}]:
            if str(element.get("action_id", "")).startswith(prefix):
                return dict(element)
    raise AssertionError(f"no {prefix} button in {json.dumps(message)[:500]}")
