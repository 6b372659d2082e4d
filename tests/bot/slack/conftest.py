from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import App

from bot.services import Services, build_services
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.render import check_message, check_view
from knowledge import KnowledgeBase
from tests.bot.slack.fakes import FakeSlack
from tests.helpers.slack import SECRET, TOKEN, Slack

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


@pytest.fixture
def slack(app: App, fake: FakeSlack) -> Slack:
    return Slack(app, fake)
