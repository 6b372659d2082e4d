from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.conversation import Engine, Reply
from knowledge import KnowledgeBase
from scoring import load_policy
from tests.helpers.dialogue import Dialogue

Say = Callable[[str], list[Reply]]


@pytest.fixture
def engine(guide_kb: KnowledgeBase) -> Engine:
    return Engine(load_policy(), guide_kb, index_version=lambda: guide_kb.version)


@pytest.fixture
def dialogue(engine: Engine) -> Dialogue:
    return Dialogue(engine)
