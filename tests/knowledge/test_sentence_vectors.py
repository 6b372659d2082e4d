"""Extractive answers read each chunk's sentence vectors from the index instead of encoding them."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import KnowledgeBase
from knowledge.answer import SentenceVectors, sentences
from knowledge.query import expand_query
from tests.helpers.knowledge import CountingEmbedder, write_guide

QUESTION = "what does self-hosting cost in GPUs?"
QUERY_TEXTS = len({QUESTION, expand_query(QUESTION)})
"""Texts the question itself costs: it and its search form, encoded together (none are sentences)."""


def _kb(tmp_path: Path, embedder: CountingEmbedder, folder: Path) -> KnowledgeBase:
    return KnowledgeBase.open(tmp_path / "index", embedder=embedder, extra_folders=[folder])


def _stored(kb: KnowledgeBase) -> dict[str, list[str]]:
    got = kb.sentence_vectors.collection.get(include=["metadatas", "documents"])
    rows: dict[str, list[tuple[int, str]]] = {}
    for meta, document in zip(got["metadatas"], got["documents"], strict=True):
        rows.setdefault(str(meta["chunk_id"]), []).append((int(meta["position"]), str(document)))
    return {chunk_id: [text for _, text in sorted(group)] for chunk_id, group in rows.items()}


def test_ingest_keeps_every_chunks_sentences_in_order(tmp_path: Path, embedder: CountingEmbedder) -> None:
    folder = tmp_path / "ours"
    write_guide(folder, "alpha", "## A\n\nOur GPUs sit in Frankfurt. They are rented by the hour "
                                 "from a provider in the same city.")
    kb = _kb(tmp_path, embedder, folder)
    kb.ingest()

    chunks = kb.collection.get(include=["documents"])
    expected = {chunk_id: sentences(text) for chunk_id, text in zip(chunks["ids"], chunks["documents"],
                                                                     strict=True) if sentences(text)}
    assert _stored(kb) == expected
    assert any("Frankfurt" in sentence for group in expected.values() for sentence in group)


def test_answers_from_another_process_read_the_vectors_and_match_fresh_ones(
        tmp_path: Path, embedder: CountingEmbedder) -> None:
    kb = _kb(tmp_path, embedder, tmp_path / "none")
    kb.ingest()
    replica = _kb(tmp_path, embedder, tmp_path / "none")  # another replica, caches empty
    embedder.embedded = 0

    answer = replica.ask(QUESTION)

    assert answer.found and embedder.embedded == (QUERY_TEXTS if QUERY_TEXTS > 1 else 0)
    unkept = KnowledgeBase(replica.collection, embedder, [tmp_path / "none"])  # encodes every time
    assert unkept.ask(QUESTION).answer == answer.answer
    assert embedder.embedded > QUERY_TEXTS


def test_an_index_built_before_sentences_were_kept_fills_them_in_once(
        tmp_path: Path, embedder: CountingEmbedder) -> None:
    kb = _kb(tmp_path, embedder, tmp_path / "none")
    kb.ingest()
    kept = kb.sentence_vectors.collection
    kept.delete(ids=kept.get(include=[])["ids"])

    first = _kb(tmp_path, embedder, tmp_path / "none")
    embedder.embedded = 0
    answer = first.ask(QUESTION)
    assert embedder.embedded > QUERY_TEXTS and kept.count() > 0

    second = _kb(tmp_path, embedder, tmp_path / "none")
    embedder.embedded = 0
    assert second.ask(QUESTION).answer == answer.answer
    assert embedder.embedded == (QUERY_TEXTS if QUERY_TEXTS > 1 else 0)


def test_removed_and_changed_documents_take_their_sentences_with_them(
        tmp_path: Path, embedder: CountingEmbedder) -> None:
    folder = tmp_path / "ours"
    write_guide(folder, "alpha", "## A\n\nOur GPUs sit in Frankfurt, in a rented cage.")
    write_guide(folder, "beta", "## B\n\nEvery vendor needs a signed DPA before any pilot.")
    kb = _kb(tmp_path, embedder, folder)
    kb.ingest()
    before = _stored(kb)
    assert any("Frankfurt" in s for group in before.values() for s in group)

    write_guide(folder, "alpha", "## A\n\nOur GPUs moved to Dublin, in a rented cage.")
    (folder / "beta.md").unlink()
    kb.ingest()

    after = " ".join(s for group in _stored(kb).values() for s in group)
    assert "Dublin" in after
    assert "Frankfurt" not in after and "signed DPA before any pilot" not in after
    assert set(_stored(kb)) <= set(kb.collection.get(include=[])["ids"])


class _Refusing:
    """A sentence collection that has become unreachable."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.reads = 0

    def count(self) -> int:
        return self.inner.count()  # type: ignore[attr-defined, no-any-return]

    def get(self, **_: object) -> dict[str, object]:
        self.reads += 1
        raise ConnectionError("sentence collection unreachable")


def test_the_first_answer_loads_every_sentence_so_later_ones_need_no_read(
        tmp_path: Path, embedder: CountingEmbedder) -> None:
    kb = _kb(tmp_path, embedder, tmp_path / "none")
    kb.ingest()
    replica = _kb(tmp_path, embedder, tmp_path / "none")
    assert replica.ask(QUESTION).found
    chunks = int(kb.collection.count())
    assert len(replica.sentence_vectors._cache) == len(_stored(kb)) > 3  # all, not just three

    refusing = _Refusing(replica.sentence_vectors.collection)
    replica.sentence_vectors.collection = refusing
    embedder.embedded = 0
    other = "how long does fine-tuning take?"
    answer = replica.ask(other)

    assert answer.found and refusing.reads == 0
    assert embedder.embedded <= 2  # the question and its search form; no sentence encoded
    fresh = KnowledgeBase(kb.collection, embedder, [tmp_path / "none"])
    assert fresh.ask(other).answer == answer.answer
    assert chunks >= len(_stored(kb))


def test_a_collection_too_large_to_hold_is_read_per_passage(
        tmp_path: Path, embedder: CountingEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = _kb(tmp_path, embedder, tmp_path / "none")
    kb.ingest()
    monkeypatch.setattr(SentenceVectors, "PRELOAD_ROWS", 5)
    replica = _kb(tmp_path, embedder, tmp_path / "none")
    embedder.embedded = 0

    answer = replica.ask(QUESTION)

    assert answer.found and 0 < len(replica.sentence_vectors._cache) <= 3
    assert embedder.embedded == (QUERY_TEXTS if QUERY_TEXTS > 1 else 0)
    assert KnowledgeBase(kb.collection, embedder, [tmp_path / "none"]).ask(QUESTION).answer == answer.answer


def test_an_unreachable_sentence_collection_falls_back_to_encoding_and_retries_the_preload(
        tmp_path: Path, embedder: CountingEmbedder) -> None:
    kb = _kb(tmp_path, embedder, tmp_path / "none")
    kb.ingest()
    replica = _kb(tmp_path, embedder, tmp_path / "none")
    kept = replica.sentence_vectors.collection
    refusing = _Refusing(kept)
    replica.sentence_vectors.collection = refusing
    embedder.embedded = 0

    answer = replica.ask(QUESTION)

    assert answer.found and refusing.reads >= 1 and embedder.embedded > QUERY_TEXTS
    replica.sentence_vectors.collection = kept  # back again
    replica.sentence_vectors._cache.clear()
    embedder.embedded = 0
    assert replica.ask(QUESTION).answer == answer.answer
    assert embedder.embedded == 0  # the question's vectors are remembered; sentences were read
    assert len(replica.sentence_vectors._cache) == len(_stored(kb))  # the preload was tried again
