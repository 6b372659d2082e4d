from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.chunking import chunk_document
from knowledge.documents import discover, load_document
from knowledge.errors import DocumentError
from tests.helpers.knowledge import write_guide


def test_load_document_reads_front_matter(tmp_path: Path) -> None:
    path = write_guide(tmp_path, "gpu-notes", "## Prices\n\nA100s cost money.", "[volume_cost, latency]")
    document = load_document(path, tmp_path)
    assert (document.id, document.topics, document.updated) == (
        "gpu-notes", ("volume_cost", "latency"), "2026-11-28")
    assert document.source == f"{tmp_path.name}/gpu-notes.md"


@pytest.mark.parametrize(("text", "message"), [
    ("---\nid: [unclosed\n---\n\nbody", "front matter is not valid YAML"),
    ("---\ntitle: T\ntopics: [general]\n---\n\nbody", "front matter lacks id"),
    ("---\nid: a\ntitle: T\ntopics: [weather]\n---\n\nbody", "unknown topics weather"),
    ("---\nid: a\ntitle: T\ntopics: [general]\n---\n\n   ", "has no text"),
])
def test_load_document_names_file_and_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "broken.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError, match=message) as caught:
        load_document(path, tmp_path)
    assert str(path) in str(caught.value)


def test_load_document_plain_text_gets_title_and_general_topic(tmp_path: Path) -> None:
    path = tmp_path / "Our AI Policy.txt"
    path.write_text("Our AI policy\n\nCustomer data never goes to vendors without review.\n")
    document = load_document(path, tmp_path)
    assert (document.id, document.title, document.topics) == (
        "our-ai-policy", "Our AI policy", ("general",))


def test_discover_reports_bad_files_and_keeps_the_rest(tmp_path: Path) -> None:
    write_guide(tmp_path, "good", "## One\n\nFine text here.")
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin1.md").write_bytes("caf\xe9".encode("latin-1"))
    documents, problems = discover([tmp_path, tmp_path / "missing"])
    assert [d.id for d in documents] == ["good"]
    messages = sorted(str(p) for p in problems)
    assert any("binary.md: looks like a binary file" in m for m in messages)
    assert any("latin1.md: not UTF-8 text" in m for m in messages)
    assert any("missing: not a folder" in m for m in messages)


def test_chunk_document_keeps_heading_path_and_stable_ids(tmp_path: Path) -> None:
    long_text = " ".join(f"Sentence number {i} about GPUs and tokens." for i in range(120))
    path = write_guide(tmp_path, "costs", f"## Prices\n\n### Detail\n\nShort.\n\n## Long\n\n{long_text}")
    chunks = chunk_document(load_document(path, tmp_path))
    sections = [c.section for c in chunks]
    assert sections[0] == "Prices › Detail"
    assert sections.count("Long") >= 3, "a long section is split further"
    assert all(len(c.text) <= 1500 for c in chunks)
    again = chunk_document(load_document(path, tmp_path))
    assert [c.id for c in chunks] == [c.id for c in again]
    assert chunks[0].metadata()["topics"] == ["general"]
