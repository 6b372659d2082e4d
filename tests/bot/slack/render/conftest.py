"""The engine behind the render tests, and the fake Slack Web API their payloads are sent to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.conversation import Advice, Engine
from scoring import load_policy
from tests.bot.slack.fakes import FakeSlack
from tests.helpers.render import DESCRIPTION, FakeGuidance, SlackApi, advice_from, say


@pytest.fixture
def engine() -> Engine:
    return Engine(load_policy(), FakeGuidance(), index_version=lambda: "idx-42")


@pytest.fixture
def advice(engine: Engine) -> Advice:
    return advice_from(say(engine, DESCRIPTION))


@pytest.fixture(scope="session")
def slack_api() -> Iterator[SlackApi]:
    with FakeSlack() as fake:
        yield SlackApi(fake)
