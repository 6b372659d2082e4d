from __future__ import annotations

import pytest

from knowledge.embeddings import MiniLMEmbedder
from tests.helpers.knowledge import CountingEmbedder


@pytest.fixture
def embedder(minilm: MiniLMEmbedder) -> CountingEmbedder:
    return CountingEmbedder(minilm)
