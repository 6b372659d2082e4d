"""Extractive answers: the most relevant sentences of the best passages, each with its citation."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from knowledge.blocks import Unit, units
from knowledge.blocks import sentences as sentences
from knowledge.embeddings import Embedder
from knowledge.excerpts import asks_for_figures, context, has_figures, render
from knowledge.lexical import terms
from knowledge.query import expand_query
from knowledge.retrieval import HybridRetriever, Passage

log = logging.getLogger(__name__)

MIN_SIMILARITY = 0.3
"""Below this question-passage similarity, with no lexical support, nothing relevant was found."""
MAX_SENTENCES = 3
"""Units picked on their own merit; each may bring the context it needs."""
MAX_CHARS = 900
"""Past this length, a further pick is left out rather than making the answer a wall of text."""
SPREAD = 0.2
"""A unit scoring this far below the best one is off the question."""
FIGURE_BONUS = 0.1
"""For how-much and how-many questions, a unit carrying figures ranks this much higher."""
NOT_COVERED = "The guidance doesn't cover that."
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


def not_found(question: str) -> Answer:
    topics = "; ".join(SUGGESTED_TOPICS)
    return Answer(
        question=question,
        answer=f"{NOT_COVERED} I can speak to: {topics}.",
        citations=[], found=False)


def relevant(question: str, passages: list[Passage]) -> list[Passage]:
    """Passages that are plausibly about the question at all."""
    asked = terms(question)
    keep = []
    for passage in passages:
        overlap = asked & terms(f"{passage.title} {passage.section} {passage.text}")
        if passage.similarity >= MIN_SIMILARITY or (passage.similarity >= 0.2 and len(overlap) >= 2):
            keep.append(passage)
    return keep


@dataclass(frozen=True)
class SentenceGroup:
    """One passage's sentences and their unit-length embeddings, one row per sentence."""

    sentences: tuple[str, ...]
    vectors: np.ndarray

    @classmethod
    def of(cls, pairs: Sequence[tuple[str, Sequence[float]]]) -> SentenceGroup:
        if not pairs:
            return cls((), np.zeros((0, 0), np.float32))
        matrix = np.asarray([vector for _, vector in pairs], dtype=np.float32).reshape(len(pairs), -1)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return cls(tuple(sentence for sentence, _ in pairs), matrix / np.where(norms > 0, norms, 1.0))

    def __len__(self) -> int:
        return len(self.sentences)

    def similarities(self, vector: Sequence[float]) -> np.ndarray:
        """Cosine similarity of each sentence to `vector`."""
        query = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(query))
        return self.vectors @ (query / norm) if norm else np.zeros(len(self.sentences), np.float32)


EMPTY = SentenceGroup.of([])


class SentenceVectors:
    """Each passage's sentences with their embeddings. Ingest computes them with the chunks and
    keeps them in the index's sentence collection, so an answer only reads them; a passage
    missing there (an index built before they were kept) is encoded once and stored.

    The first answer reads the whole collection in one request when it is small enough to hold
    (PRELOAD_ROWS), so later answers touch neither the index nor the model for sentences."""

    PRELOAD_ROWS = 20_000  # about 30 MB of float32 vectors

    def __init__(self, embedder: Embedder, size: int = 2048, collection: Any = None) -> None:
        self.embedder = embedder
        self.size = size
        self.collection = collection
        self._cache: OrderedDict[str, SentenceGroup] = OrderedDict()
        self._lock = threading.Lock()
        self._preloaded = collection is None

    def of(self, passages: list[Passage]) -> list[SentenceGroup]:
        if not self._preloaded:
            self.preload()
        with self._lock:
            known = {p.id: self._cache[p.id] for p in passages if p.id in self._cache}
            for chunk_id in known:
                self._cache.move_to_end(chunk_id)
        missing = [p for p in passages if p.id not in known]
        if missing:
            found = self._stored([p.id for p in missing])
            found.update(self.index([(p.id, p.text) for p in missing if p.id not in found]))
            known.update(found)
            self._keep(found)
        return [known.get(p.id, EMPTY) for p in passages]

    def preload(self) -> int:
        """Read every stored sentence vector into memory if the collection is small enough;
        the number of chunks loaded. An unreachable index is tried again on the next answer."""
        if self.collection is None:
            return 0
        try:
            rows = int(self.collection.count())
            found = self._read(None) if 0 < rows <= self.PRELOAD_ROWS else {}
        except Exception as exc:  # a warm-up only: any index failure leaves answers to read later
            log.warning("could not preload sentence vectors: %s", exc)
            return 0
        self._preloaded = True
        self._keep(found)
        return len(found)

    def _keep(self, found: dict[str, SentenceGroup]) -> None:
        with self._lock:
            self._cache.update(found)
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)

    def index(self, chunks: list[tuple[str, str]]) -> dict[str, SentenceGroup]:
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
        return {chunk_id: SentenceGroup.of(group) for chunk_id, group in computed.items()}

    def forget(self, chunk_ids: list[str]) -> None:
        """Drop the sentences of chunks that left the index."""
        if self.collection is not None and chunk_ids:
            self.collection.delete(where={"chunk_id": {"$in": chunk_ids}})
        with self._lock:
            for chunk_id in chunk_ids:
                self._cache.pop(chunk_id, None)

    def _stored(self, chunk_ids: list[str]) -> dict[str, SentenceGroup]:
        """The stored sentences of `chunk_ids`; none when the index cannot be read."""
        if self.collection is None or not chunk_ids:
            return {}
        try:
            return self._read(chunk_ids)
        except Exception as exc:  # fall back to encoding
            log.warning("could not read sentence vectors: %s", exc)
            return {}

    def _read(self, chunk_ids: list[str] | None) -> dict[str, SentenceGroup]:
        """The stored sentences of `chunk_ids`, or of every chunk when None."""
        where = None if chunk_ids is None else {"chunk_id": {"$in": chunk_ids}}
        got = self.collection.get(where=where, include=["documents", "metadatas", "embeddings"])
        rows: dict[str, list[tuple[int, str, Sequence[float]]]] = {}
        for meta, document, vector in zip(got["metadatas"] or [], got["documents"] or [],
                                          got["embeddings"] if got["embeddings"] is not None else [],
                                          strict=True):
            rows.setdefault(str(meta["chunk_id"]), []).append((int(meta["position"]), str(document), vector))
        return {chunk_id: SentenceGroup.of([(sentence, vector) for _, sentence, vector
                                            in sorted(group, key=lambda r: r[0])])
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
    if not any(len(group) for group in groups):
        return not_found(question)
    question_vector = retriever.query_vector(question)
    text = compose(question, question_vector, citations, groups)
    if not text:
        return not_found(question)
    return Answer(question=question, answer=text, citations=citations, found=True)


def _passage_units(passage: Passage, group: SentenceGroup) -> tuple[Unit, ...]:
    """The passage's units, aligned with its stored sentences (which an index built by an
    earlier version may have cut differently: then each stands as its own paragraph)."""
    found = units(passage.text)
    if tuple(unit.text for unit in found) == group.sentences:
        return found
    return tuple(Unit("sentence", index, sentence) for index, sentence in enumerate(group.sentences))


def compose(question: str, question_vector: Sequence[float], citations: list[Citation],
            groups: list[SentenceGroup]) -> str:
    """The best units across the passages, each with its context, grouped by passage (best
    first) and marked with the passage's number; empty when none can stand on its own."""
    asked = terms(question)
    figures = asks_for_figures(question)
    scored: list[tuple[float, int, int]] = []
    passage_units: dict[int, tuple[Unit, ...]] = {}
    for citation, group in zip(citations, groups, strict=True):
        if not len(group):
            continue
        found = passage_units[citation.number] = _passage_units(citation.passage, group)
        rank_bonus = 0.05 * (len(citations) - citation.number)
        for position, similarity in enumerate(group.similarities(question_vector).tolist()):
            text = found[position].text
            overlap = len(asked & terms(text)) / (len(asked) or 1)
            bonus = FIGURE_BONUS if figures and has_figures(text) else 0.0
            scored.append((similarity + 0.2 * overlap + rank_bonus + bonus, citation.number, position))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    picked: dict[int, set[int]] = {}
    size = picks = 0
    for score, number, position in scored:
        if picks >= MAX_SENTENCES or score < scored[0][0] - SPREAD:
            break
        shown = picked.get(number, set())
        if position in shown:
            continue
        needed = context(passage_units[number], position)
        if needed is None:
            continue
        added = sum(len(passage_units[number][index].text) for index in needed - shown)
        if picks and size + added > MAX_CHARS:
            continue
        picked[number] = shown | needed
        size += added
        picks += 1
    parts = []
    for number, chosen in picked.items():
        lines = render(passage_units[number], chosen)
        lines[-1] = f"{lines[-1]} [{number}]"
        parts.extend(lines)
    return "\n".join(parts)
