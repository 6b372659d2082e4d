"""The engine behind the render tests, cited from a tiny in-memory guidance."""

from __future__ import annotations

import pytest

from bot.conversation import Advice, Engine
from scoring import load_policy
from tests.helpers.render import DESCRIPTION, FakeGuidance, advice_from, say


@pytest.fixture
def engine() -> Engine:
    return Engine(load_policy(), FakeGuidance(), index_version=lambda: "idx-42")


@pytest.fixture
def advice(engine: Engine) -> Advice:
    return advice_from(say(engine, DESCRIPTION))
