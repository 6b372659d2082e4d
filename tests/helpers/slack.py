"""Signed requests to the real Bolt app, and reading what it sent to the fake Slack."""

from __future__ import annotations

import json
import time
from typing import Any

from slack_bolt import App
from slack_bolt.response import BoltResponse

from bot.slack import ids
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


def selected(value: str) -> dict[str, Any]:
    """A static select's state in a view submission, with `value` chosen."""
    return {"type": "static_select", "selected_option": {"value": value}}


FACTS_FORM: dict[str, dict[str, dict[str, Any]]] = {
    ids.INPUT_NAME: {ids.INPUT_NAME: {"type": "plain_text_input", "value": "Ticket triage"}},
    ids.INPUT_RESIDENCY: {ids.INPUT_RESIDENCY: selected("approved_vendors")},
    ids.INPUT_SPECIALIZATION: {ids.INPUT_SPECIALIZATION: selected("niche")},
    ids.INPUT_TOKENS: {ids.INPUT_TOKENS: {"type": "number_input", "value": "3"}},
    ids.INPUT_TOKEN_UNIT: {ids.INPUT_TOKEN_UNIT: selected("1e6/day")},
    ids.INPUT_ML: {ids.INPUT_ML: selected("strong")},
    ids.INPUT_LATENCY: {ids.INPUT_LATENCY: selected("interactive")},
}
"""The facts form filled in: a named niche workload at 3M tokens a day (90M a month)."""
