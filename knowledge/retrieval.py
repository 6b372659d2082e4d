"""Hybrid retrieval: dense search in Chroma and BM25, fused by reciprocal rank fusion."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from knowledge.embeddings import Embedder
from knowledge.lexical import LexicalIndex, terms
from knowledge.query import expand_query
from knowledge.vector_index import index_version

Mode = Literal["hybrid", "dense", "bm25"]
RRF_K = 10
CANDIDATES = 20
WEIGHTS = {"dense": 1.0, "bm25": 0.3}
"""Dense ranks weigh more: lexical matches on common words are weaker evidence."""
LEXICAL_FLOOR = 0.5
"""BM25 hits scoring below this share of the best hit are noise, not candidates."""
ORG_MARGIN = 0.05
"""An organisation's passage whose similarity to the question is within this of the best
built-in passage's is ranked first: the organisation's own rule is what applies to it."""
NEAR_DUPLICATE = 0.8
RECHECK_SECONDS = 30.0
CACHE_SIZE = 512
"""Recent searches kept per index version: the advice cites the same topics over and over."""


@dataclass(frozen=True)
class Passage:
    """One retrieved chunk of guidance, ready to cite."""

    id: str
    text: str
    doc_id: str
    title: str
    section: str
    source: str
    topics: tuple[str, ...]
    score: float
    """Fused rank score (higher is better); comparable only within one result list."""
    similarity: float
    """Cosine similarity between the question and the passage (0 when not dense-matched)."""


@dataclass
class _Corpus:
    ids: list[str]
    texts: list[str]
    metas: list[dict[str, Any]]
    lexical: list[tuple[list[int], LexicalIndex]]
    """One BM25 index per source (built-in guides, the organisation's documents), each over
    its own chunks: a small organisation corpus keeps its own term weights instead of being
    measured against the guides' vocabulary."""
    version: str

    def builtin(self, index: int) -> bool:
        return bool(self.metas[index].get("builtin", True))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _organisation_first(corpus: _Corpus, order: list[str], similarity: dict[str, float]
                        ) -> list[str]:
    """`order` with the organisation's passages that are about as close to the question as the
    best built-in one (within ORG_MARGIN) moved to the front, keeping their relative order."""
    position = {chunk_id: index for index, chunk_id in enumerate(corpus.ids)}
    known = [c for c in order if c in similarity and c in position]
    builtin = [similarity[c] for c in known if corpus.builtin(position[c])]
    if not builtin:
        return order
    best = max(builtin)
    first = [c for c in known if not corpus.builtin(position[c]) and similarity[c] >= best - ORG_MARGIN]
    return first + [c for c in order if c not in first]


class HybridRetriever:
    """Searches the guidance collection. Safe to share between threads."""

    def __init__(self, collection: Any, embedder: Embedder,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.collection = collection
        self.embedder = embedder
        self._clock = clock
        self._lock = threading.Lock()
        self._corpus: _Corpus | None = None
        self._checked = 0.0
        self._cache: OrderedDict[tuple[object, ...], list[Passage]] = OrderedDict()
        self._vectors: OrderedDict[str, list[float]] = OrderedDict()

    def query_vector(self, text: str) -> list[float]:
        return self.query_vectors([text])[0]

    def query_vectors(self, texts: list[str]) -> list[list[float]]:
        """The embeddings of `texts`, those not among the most recent queries encoded together
        in one pass: people in different threads ask the same things, and an answer needs both
        the question and its search form."""
        with self._lock:
            known = {text: self._vectors[text] for text in texts if text in self._vectors}
            for text in known:
                self._vectors.move_to_end(text)
        missing = list(dict.fromkeys(text for text in texts if text not in known))
        if missing:
            batched = getattr(self.embedder, "embed_queries", None)  # coalesces concurrent queries
            computed = (batched(missing) if batched is not None
                        else self.embedder.embed_documents(missing) if len(missing) > 1
                        else [self.embedder.embed_query(missing[0])])
            known.update(zip(missing, computed, strict=True))
            with self._lock:
                self._vectors.update(zip(missing, computed, strict=True))
                while len(self._vectors) > CACHE_SIZE:
                    self._vectors.popitem(last=False)
        return [known[text] for text in texts]

    def _load(self) -> _Corpus:
        stored = self.collection.get(include=["documents", "metadatas"])
        ids = list(stored["ids"])
        metas = [dict(meta) for meta in stored["metadatas"] or []]
        texts = list(stored["documents"] or [])
        searchable = [f"{m.get('title', '')} {m.get('section', '')} {t}" for m, t in
                      zip(metas, texts, strict=True)]
        sources: dict[bool, list[int]] = {}
        for index, meta in enumerate(metas):
            sources.setdefault(bool(meta.get("builtin", True)), []).append(index)
        lexical = [(members, LexicalIndex([searchable[i] for i in members]))
                   for _, members in sorted(sources.items(), reverse=True)]
        return _Corpus(ids, texts, metas, lexical, index_version(ids, self.embedder.name))

    def corpus(self) -> _Corpus:
        """The chunks as last loaded; reloaded when another process changed the index."""
        with self._lock:
            now = self._clock()
            if self._corpus is None:
                self._corpus, self._checked = self._load(), now
            elif now - self._checked >= RECHECK_SECONDS:
                ids = self.collection.get(include=[])["ids"]
                if index_version(ids, self.embedder.name) != self._corpus.version:
                    self._corpus = self._load()
                self._checked = now
            return self._corpus

    @property
    def version(self) -> str:
        return self.corpus().version

    def __len__(self) -> int:
        return len(self.corpus().ids)

    def _dense(self, vector: list[float], topics: Sequence[str] | None, limit: int
               ) -> list[tuple[str, float]]:
        where: dict[str, Any] | None = None
        if topics:
            clauses = [{"topics": {"$contains": topic}} for topic in topics]
            where = clauses[0] if len(clauses) == 1 else {"$or": clauses}
        result = self.collection.query(query_embeddings=[vector], n_results=limit, where=where,
                                       include=["distances"])
        return [(chunk_id, 1.0 - float(distance)) for chunk_id, distance in
                zip(result["ids"][0], result["distances"][0], strict=True)]

    def _lexical(self, corpus: _Corpus, query: str, topics: Sequence[str] | None, limit: int
                 ) -> list[list[str]]:
        """One BM25 ranking per source, each cut at its own floor."""
        rankings = []
        for members, lexical in corpus.lexical:
            scores = lexical.scores(query)
            ranked = sorted(range(len(scores)), key=lambda i: (-scores[i], corpus.ids[members[i]]))
            hits: list[str] = []
            floor = LEXICAL_FLOOR * max(scores, default=0.0)
            for position in ranked:
                if scores[position] <= 0 or scores[position] < floor or len(hits) >= limit:
                    break
                index = members[position]
                if topics and not set(topics) & set(corpus.metas[index].get("topics") or []):
                    continue
                hits.append(corpus.ids[index])
            rankings.append(hits)
        return rankings

    def search(self, query: str, k: int = 5, topics: Sequence[str] | None = None,
               mode: Mode = "hybrid") -> list[Passage]:
        """The `k` best passages for `query`, best first, without near-duplicates."""
        corpus = self.corpus()
        if not corpus.ids or not query.strip():
            return []
        key = (corpus.version, query, k, tuple(topics or ()), mode)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return list(self._cache[key])
        found = self._search(corpus, query, k, topics, mode)
        with self._lock:
            self._cache[key] = found
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return list(found)

    def _search(self, corpus: _Corpus, query: str, k: int, topics: Sequence[str] | None,
                mode: Mode) -> list[Passage]:
        limit = min(max(CANDIDATES, 2 * k), len(corpus.ids))
        expanded = expand_query(query)
        similarity: dict[str, float] = {}
        rankings: list[tuple[float, list[str]]] = []
        if mode in ("hybrid", "dense"):
            dense = self._dense(self.query_vector(expanded), topics, limit)
            similarity = dict(dense)
            rankings.append((WEIGHTS["dense"], [chunk_id for chunk_id, _ in dense]))
        if mode in ("hybrid", "bm25"):
            rankings.extend((WEIGHTS["bm25"], ranking)
                            for ranking in self._lexical(corpus, expanded, topics, limit))
        fused: dict[str, float] = {}
        for weight, ranking in rankings:
            for rank, chunk_id in enumerate(ranking, start=1):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (RRF_K + rank)
        order = sorted(fused, key=lambda chunk_id: (-fused[chunk_id], chunk_id))
        return self._distinct(corpus, _organisation_first(corpus, order, similarity), fused,
                              similarity, k)

    def _distinct(self, corpus: _Corpus, order: list[str], fused: dict[str, float],
                  similarity: dict[str, float], k: int) -> list[Passage]:
        position = {chunk_id: index for index, chunk_id in enumerate(corpus.ids)}
        chosen: list[Passage] = []
        chosen_tokens: list[frozenset[str]] = []
        for chunk_id in order:
            index = position.get(chunk_id)
            if index is None:
                continue
            tokens = terms(corpus.texts[index])
            if any(_jaccard(tokens, other) >= NEAR_DUPLICATE for other in chosen_tokens):
                continue
            meta = corpus.metas[index]
            chosen.append(Passage(
                id=chunk_id, text=corpus.texts[index], doc_id=str(meta.get("doc_id", "")),
                title=str(meta.get("title", "")), section=str(meta.get("section", "")),
                source=str(meta.get("source", "")), topics=tuple(meta.get("topics") or ()),
                score=round(fused[chunk_id], 6), similarity=round(similarity.get(chunk_id, 0.0), 4),
            ))
            chosen_tokens.append(tokens)
            if len(chosen) >= k:
                break
        return chosen
