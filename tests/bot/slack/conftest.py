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
from knowledge import KnowledgeBase
from tests.bot.slack.fakes import FakeSlack
from tests.bot.slack.fakes.signing import bolt_request

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server
        server.assert_accepted()


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
def app(settings: Settings, services: Services) -> App:
    return build_app(settings, services)


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
