"""Guidance written for a test, and an embedder that counts its work."""

from __future__ import annotations

from pathlib import Path

from knowledge import MiniLMEmbedder


class CountingEmbedder:
    """The real model, counting how many texts it was asked to embed."""

    def __init__(self, inner: MiniLMEmbedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.embedded = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def write_guide(folder: Path, doc_id: str, body: str, topics: str = "[general]") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{doc_id}.md"
    path.write_text(
        f"---\nid: {doc_id}\ntitle: {doc_id.replace('-', ' ').title()}\ntopics: {topics}\n"
        f"updated: 2026-11-28\nsources: [team]\n---\n\n# {doc_id}\n\n{body}\n",
        encoding="utf-8",
    )
    return path
