"""Extractive answers: the most relevant sentences of the best passages, each with its citation."""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from knowledge.embeddings import Embedder
from knowledge.lexical import tokenize
from knowledge.query import expand_query
from knowledge.retrieval import HybridRetriever, Passage

log = logging.getLogger(__name__)

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
    """Each passage's sentences with their embeddings. Ingest computes them with the chunks and
    keeps them in the index's sentence collection, so an answer only reads them; a passage
    missing there (an index built before they were kept) is encoded once and stored."""

    def __init__(self, embedder: Embedder, size: int = 2048, collection: Any = None) -> None:
        self.embedder = embedder
        self.size = size
        self.collection = collection
        self._cache: OrderedDict[str, list[tuple[str, list[float]]]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, passages: list[Passage]) -> list[list[tuple[str, list[float]]]]:
        with self._lock:
            known = {p.id: self._cache[p.id] for p in passages if p.id in self._cache}
            for chunk_id in known:
                self._cache.move_to_end(chunk_id)
        missing = [p for p in passages if p.id not in known]
        if missing:
            found = self._stored([p.id for p in missing])
            found.update(self.index([(p.id, p.text) for p in missing if p.id not in found]))
            known.update(found)
            with self._lock:
                self._cache.update(found)
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        return [known.get(p.id, []) for p in passages]

    def index(self, chunks: list[tuple[str, str]]) -> dict[str, list[tuple[str, list[float]]]]:
        """Encode the sentences of `chunks` (id, text) and keep them in the collection."""
        texts = [sentences(text) for _, text in chunks]
        flat = [sentence for group in texts for sentence in group]
        vectors = iter(self.embedder.embed_documents(flat))
        computed = {chunk_id: [(sentence, next(vectors)) for sentence in group]
                    for (chunk_id, _), group in zip(chunks, texts, strict=True)}
        rows = [(f"{chunk_id}/{position}", chunk_id, position, sentence, vector)
                for chunk_id, group in computed.items() for position, (sentence, vector) in enumerate(group)]
        if self.collection is not None and rows:
            try:
                self.collection.upsert(
                    ids=[row[0] for row in rows], embeddings=[row[4] for row in rows],
                    documents=[row[3] for row in rows],
                    metadatas=[{"chunk_id": row[1], "position": row[2]} for row in rows])
            except Exception as exc:  # answers still work; the next one encodes again
                log.warning("could not store sentence vectors: %s", exc)
        return computed

    def forget(self, chunk_ids: list[str]) -> None:
        """Drop the sentences of chunks that left the index."""
        if self.collection is not None and chunk_ids:
            self.collection.delete(where={"chunk_id": {"$in": chunk_ids}})
        with self._lock:
            for chunk_id in chunk_ids:
                self._cache.pop(chunk_id, None)

    def _stored(self, chunk_ids: list[str]) -> dict[str, list[tuple[str, list[float]]]]:
        if self.collection is None or not chunk_ids:
            return {}
        try:
            got = self.collection.get(where={"chunk_id": {"$in": chunk_ids}},
                                      include=["documents", "metadatas", "embeddings"])
        except Exception as exc:  # fall back to encoding
            log.warning("could not read sentence vectors: %s", exc)
            return {}
        rows: dict[str, list[tuple[int, str, list[float]]]] = {}
        for meta, document, vector in zip(got["metadatas"] or [], got["documents"] or [],
                                          got["embeddings"] if got["embeddings"] is not None else [],
                                          strict=True):
            rows.setdefault(str(meta["chunk_id"]), []).append(
                (int(meta["position"]), str(document), [float(x) for x in vector]))
        return {chunk_id: [(sentence, vector) for _, sentence, vector in sorted(group, key=lambda r: r[0])]
                for chunk_id, group in rows.items()}


def answer_question(question: str, retriever: HybridRetriever, embedder: Embedder,
                    k: int = 3, vectors_of: SentenceVectors | None = None) -> Answer:
    """An extractive answer from the top `k` passages, or a plain 'not found'."""
    retriever.query_vectors([expand_query(question), question])  # both in one pass of the model
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
