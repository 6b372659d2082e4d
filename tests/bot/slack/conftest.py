from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import App

from bot.services import Services, build_services
from bot.settings import Settings
from bot.slack.app import build_app
from knowledge import KnowledgeBase
from tests.bot.slack.fakes import FakeSlack
from tests.helpers.slack import SECRET, TOKEN, Slack


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
def app(services: Services) -> App:
    return build_app(services)


@pytest.fixture
def slack(app: App, fake: FakeSlack) -> Slack:
    return Slack(app, fake)
