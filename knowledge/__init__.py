"""Guidance documents, the index over them, and cited retrieval. Knows nothing of Slack."""

from __future__ import annotations

from knowledge.answer import Answer, Citation
from knowledge.base import GUIDES, KnowledgeBase
from knowledge.documents import TOPICS, Document
from knowledge.embeddings import SAVED_ENCODER, MiniLMEmbedder
from knowledge.errors import DocumentError, EvalSetError, IndexUnavailable, KnowledgeError
from knowledge.evaluate import evaluate, load_eval_set
from knowledge.ingest import IngestReport
from knowledge.retrieval import Passage

__all__ = [
    "GUIDES",
    "SAVED_ENCODER",
    "TOPICS",
    "Answer",
    "Citation",
    "Document",
    "DocumentError",
    "EvalSetError",
    "IndexUnavailable",
    "IngestReport",
    "KnowledgeBase",
    "KnowledgeError",
    "MiniLMEmbedder",
    "Passage",
    "evaluate",
    "load_eval_set",
]
