"""Extractive answers read each chunk's sentence vectors from the index instead of encoding them."""

from __future__ import annotations

from pathlib import Path

from knowledge import KnowledgeBase
from knowledge.answer import sentences
from knowledge.query import expand_query
from tests.knowledge.conftest import CountingEmbedder, write_guide

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
