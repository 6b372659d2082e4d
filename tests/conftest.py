from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from knowledge import KnowledgeBase
    from knowledge.embeddings import MiniLMEmbedder

_OWN_VARIABLES = (
    "ADVISOR_DATA_DIR",
    "ADVISOR_POLICY_FILE",
    "DATABASE_URL",
    "CHROMA_URL",
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "ADVISOR_LOG_FORMAT",
    "ADVISOR_LOG_LEVEL",
    "ADVISOR_RETENTION_DAYS",
    "ADVISOR_GUIDES",
    "ADVISOR_LLM_MODEL",
)


@pytest.fixture(autouse=True)
def clean_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    """Each test starts with none of our settings and a private data directory."""
    for name in _OWN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbedder:
    from knowledge.embeddings import MiniLMEmbedder

    return MiniLMEmbedder()


@pytest.fixture(scope="session")
def guide_kb(tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder) -> KnowledgeBase:
    """The shipped guides, indexed once for the whole session."""
    from knowledge import KnowledgeBase

    kb = KnowledgeBase.open(tmp_path_factory.mktemp("index"), embedder=minilm)
    kb.ingest()
    return kb


def pytest_report_header() -> list[str]:
    return [f"llm-advisor tests, data under tmp dirs; cwd {os.getcwd()}"]
