"""Extractive answers: the most relevant sentences of the best passages, each with its citation."""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from knowledge.embeddings import Embedder
from knowledge.lexical import tokenize
from knowledge.retrieval import HybridRetriever, Passage

MIN_SIMILARITY = 0.3
"""Below this question-passage similarity, with no lexical support, nothing relevant was found."""
MAX_SENTENCES = 3
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
SUGGESTED_TOPICS = (
    "data residency and regulated data",
    "fine-tuning for specialised tasks",
    "token volume, pricing and break-even",
    "GPU costs and throughput",
    "ML skills needed to self-host",
    "latency",
    "hybrid setups",
    "speed to market",
    "where proprietary models lead",
    "managed hosting of open models",
)


@dataclass(frozen=True)
class Citation:
    number: int
    passage: Passage

    def as_json(self) -> dict[str, object]:
        p = self.passage
        return {"id": p.id, "title": p.title, "source": p.source, "section": p.section,
                "text": p.text, "score": p.score}


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    citations: list[Citation]
    found: bool

    def as_json(self) -> dict[str, object]:
        return {"question": self.question, "answer": self.answer,
                "citations": [citation.as_json() for citation in self.citations]}


def sentences(text: str) -> list[str]:
    """Sentences and list items of a passage, without Markdown markers."""
    parts: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.)\s)", text):
        block = re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", block.strip())
        block = re.sub(r"\*\*|__|`", "", block).replace("\n", " ")
        if block.startswith("|"):
            continue
        parts.extend(s.strip() for s in _SENTENCE_END.split(block) if len(s.strip()) > 20)
    return parts


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def not_found(question: str) -> Answer:
    topics = "; ".join(SUGGESTED_TOPICS)
    return Answer(
        question=question,
        answer=("I found nothing in the guidance that answers that, so I won't guess. "
                f"I can speak to: {topics}."),
        citations=[], found=False)


def relevant(question: str, passages: list[Passage]) -> list[Passage]:
    """Passages that are plausibly about the question at all."""
    terms = set(tokenize(question))
    keep = []
    for passage in passages:
        overlap = terms & set(tokenize(f"{passage.title} {passage.section} {passage.text}"))
        if passage.similarity >= MIN_SIMILARITY or (passage.similarity >= 0.2 and len(overlap) >= 2):
            keep.append(passage)
    return keep


class SentenceVectors:
    """Each passage's sentences with their embeddings, computed once per passage."""

    def __init__(self, embedder: Embedder, size: int = 2048) -> None:
        self.embedder = embedder
        self.size = size
        self._cache: OrderedDict[str, list[tuple[str, list[float]]]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, passages: list[Passage]) -> list[list[tuple[str, list[float]]]]:
        with self._lock:
            missing = [p for p in passages if p.id not in self._cache]
        if missing:
            texts = [sentences(p.text) for p in missing]
            flat = [sentence for group in texts for sentence in group]
            vectors = iter(self.embedder.embed_documents(flat))
            with self._lock:
                for passage, group in zip(missing, texts, strict=True):
                    self._cache[passage.id] = [(sentence, next(vectors)) for sentence in group]
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        with self._lock:
            return [self._cache.get(p.id, []) for p in passages]


def answer_question(question: str, retriever: HybridRetriever, embedder: Embedder,
                    k: int = 3, vectors_of: SentenceVectors | None = None) -> Answer:
    """An extractive answer from the top `k` passages, or a plain 'not found'."""
    passages = relevant(question, retriever.search(question, k=k))
    if not passages:
        return not_found(question)
    citations = [Citation(number, passage) for number, passage in enumerate(passages, start=1)]
    groups = (vectors_of or SentenceVectors(embedder)).of(passages)
    candidates = [(citation.number, sentence, vector)
                  for citation, group in zip(citations, groups, strict=True)
                  for sentence, vector in group]
    if not candidates:
        return not_found(question)
    question_vector = retriever.query_vector(question)
    terms = set(tokenize(question))
    scored = []
    for number, sentence, vector in candidates:
        overlap = len(terms & set(tokenize(sentence))) / (len(terms) or 1)
        rank_bonus = 0.05 * (len(citations) - number)
        scored.append((_cosine(question_vector, vector) + 0.2 * overlap + rank_bonus, number, sentence))
    scored.sort(key=lambda item: -item[0])
    picked = scored[:MAX_SENTENCES]
    text = " ".join(f"{sentence} [{number}]" for _, number, sentence in picked)
    return Answer(question=question, answer=text, citations=citations, found=True)
