"""Guidance documents, the index over them, and cited retrieval. Knows nothing of Slack."""

from __future__ import annotations

from knowledge.answer import Answer, Citation
from knowledge.base import GUIDES, KnowledgeBase
from knowledge.documents import TOPICS, Document, DocumentError
from knowledge.embeddings import MiniLMEmbedder
from knowledge.ingest import IngestReport
from knowledge.retrieval import Passage
from knowledge.store import IndexUnavailable

__all__ = [
    "GUIDES",
    "TOPICS",
    "Answer",
    "Citation",
    "Document",
    "DocumentError",
    "IndexUnavailable",
    "IngestReport",
    "KnowledgeBase",
    "MiniLMEmbedder",
    "Passage",
]
