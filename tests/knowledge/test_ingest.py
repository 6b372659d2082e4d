from __future__ import annotations

from pathlib import Path

from knowledge import KnowledgeBase
from tests.helpers.knowledge import CountingEmbedder, write_guide


def _kb(tmp_path: Path, embedder: CountingEmbedder, folder: Path) -> KnowledgeBase:
    return KnowledgeBase.open(tmp_path / "index", embedder=embedder, extra_folders=[folder])


def test_ingest_is_incremental(tmp_path: Path, embedder: CountingEmbedder) -> None:
    folder = tmp_path / "ours"
    write_guide(folder, "alpha", "## A\n\nOur GPUs sit in Frankfurt.")
    write_guide(folder, "beta", "## B\n\nVendors need a DPA.")
    kb = _kb(tmp_path, embedder, folder)
    first = kb.ingest()
    assert (first.added, first.changed, first.removed) == (16, 0, 0)
    assert not first.problems
    version = first.version

    embedder.embedded = 0
    again = kb.ingest()
    assert (again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 16)
    assert embedder.embedded == 0, "unchanged documents are not embedded again"
    assert again.version == version

    write_guide(folder, "alpha", "## A\n\nOur GPUs moved to Dublin.")
    (folder / "beta.md").unlink()
    changed = kb.ingest()
    assert (changed.added, changed.changed, changed.removed) == (0, 1, 1)
    assert changed.version != version
    texts = " ".join(p.text for p in kb.search("where are our GPUs", k=20))
    assert "Dublin" in texts and "Frankfurt" not in texts
    assert all(p.doc_id != "beta" for p in kb.search("vendors DPA", k=50))


def test_ingest_keeps_previous_version_of_a_document_that_breaks(
    tmp_path: Path, embedder: CountingEmbedder
) -> None:
    folder = tmp_path / "ours"
    path = write_guide(folder, "alpha", "## A\n\nAir-gapped cluster policy.")
    kb = _kb(tmp_path, embedder, folder)
    kb.ingest()
    path.write_bytes(b"\x00garbage")
    report = kb.ingest()
    assert report.removed == 0
    assert any("alpha.md" in problem for problem in report.problems)
    assert any(p.doc_id == "alpha" for p in kb.search("air-gapped cluster", k=5))


def test_ingest_collection_never_gets_an_embedding_function(
    tmp_path: Path, embedder: CountingEmbedder
) -> None:
    kb = _kb(tmp_path, embedder, tmp_path)
    assert kb.collection._embedding_function is None


def test_ingest_extra_folder_documents_are_searchable_by_topic(
    tmp_path: Path, embedder: CountingEmbedder
) -> None:
    folder = tmp_path / "ours"
    write_guide(folder, "house-rules", "## Residency\n\nCustomer chats stay in the EU region.",
                "[data_residency]")
    kb = _kb(tmp_path, embedder, folder)
    kb.ingest()
    hits = kb.search("customer chats EU region", k=3, topics=["data_residency"])
    assert hits[0].doc_id == "house-rules"
    assert all("data_residency" in p.topics for p in hits)
