"""Guidance documents, the index over them, and cited retrieval. Knows nothing of Slack.

The documents, their section index and the errors import at once; the index, the retriever and
the embedding model are imported on first use, so a caller that only cites guide sections does
not load the machinery behind search.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from knowledge.documents import GUIDES, TOPICS, Document
from knowledge.errors import DocumentError, EvalSetError, IndexUnavailable, KnowledgeError
from knowledge.evaluate import evaluate, load_eval_set
from knowledge.sections import GuideSection, SectionIndex, section_index

if TYPE_CHECKING:
    from knowledge.answer import Answer, Citation
    from knowledge.base import KnowledgeBase
    from knowledge.embeddings import SAVED_ENCODER, MiniLMEmbedder
    from knowledge.ingest import IngestReport
    from knowledge.retrieval import Passage

_LAZY = {
    "Answer": "knowledge.answer",
    "Citation": "knowledge.answer",
    "KnowledgeBase": "knowledge.base",
    "SAVED_ENCODER": "knowledge.embeddings",
    "MiniLMEmbedder": "knowledge.embeddings",
    "IngestReport": "knowledge.ingest",
    "Passage": "knowledge.retrieval",
}


# No lazy name may share its name with a submodule: importing the submodule would rebind it.


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'knowledge' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "GUIDES",
    "SAVED_ENCODER",
    "TOPICS",
    "Answer",
    "Citation",
    "Document",
    "DocumentError",
    "EvalSetError",
    "GuideSection",
    "IndexUnavailable",
    "IngestReport",
    "KnowledgeBase",
    "KnowledgeError",
    "MiniLMEmbedder",
    "Passage",
    "SectionIndex",
    "evaluate",
    "load_eval_set",
    "section_index",
]
