from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.response import BoltResponse

from bot.services import Services, build_services
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.render import check_message, check_view
from knowledge import KnowledgeBase
from tests.bot.slack.fakes import FakeSlack
from tests.bot.slack.fakes.signing import bolt_request

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral")
VIEW_METHODS = ("views.open", "views.publish", "views.update", "views.push")


def assert_within_block_kit_limits(fake: FakeSlack) -> None:
    """Every message and view Slack received respects Block Kit's limits."""
    for call in fake.calls():
        if call.method in MESSAGE_METHODS:
            assert call.params.get("text"), f"{call.method} without fallback text"
            assert not check_message(call.params), (call.method, check_message(call.params))
        elif call.method in VIEW_METHODS:
            view = call.params.get("view")
            assert isinstance(view, dict) and not check_view(view), (call.method, view)
        elif call.method == "response_url":
            assert not check_message(call.params), check_message(call.params)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server
        assert_within_block_kit_limits(server)


@pytest.fixture
def settings(fake: FakeSlack, tmp_path: Path) -> Settings:
    return Settings.model_validate({
        "ADVISOR_DATA_DIR": str(tmp_path / "data"), "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url,
    })


@pytest.fixture
def services(settings: Settings, guide_kb: KnowledgeBase) -> Iterator[Services]:
    built = build_services(settings, knowledge=guide_kb)
    yield built
    built.store.close()


@pytest.fixture
def app(services: Services) -> App:
    return build_app(services)


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
        return [c.params for c in self.fake.calls("chat.postMessage")
                if thread_ts is None or c.params.get("thread_ts") == thread_ts]

    def wait_posts(self, count: int, timeout: float = 20) -> list[dict[str, Any]]:
        return [c.params for c in self.fake.wait_for("chat.postMessage", count, timeout)]

    def settle(self, seconds: float = 0.5) -> None:
        """Give background listeners time to (not) act."""
        time.sleep(seconds)


@pytest.fixture
def slack(app: App, fake: FakeSlack) -> Slack:
    return Slack(app, fake)


def button(message: dict[str, Any], prefix: str) -> dict[str, Any]:
    for block in message.get("blocks") or []:
        for element in [*(block.get("elements") or []), block.get("accessory") or {}]:
            if str(element.get("action_id", "")).startswith(prefix):
                return dict(element)
    raise AssertionError(f"no {prefix} button in {json.dumps(message)[:500]}")
