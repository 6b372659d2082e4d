"""Build or update the index from folders of guidance documents, incrementally."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from knowledge.chunking import CHUNKING, Chunk, chunk_document
from knowledge.documents import Document, discover
from knowledge.embeddings import Embedder
from knowledge.vector_index import index_version

Progress = Callable[[int, int], None]
"""Called with (chunks embedded so far, chunks to embed)."""


class SentenceIndex(Protocol):
    """Where each chunk's sentence vectors are kept (see `knowledge.answer.SentenceVectors`)."""

    def index(self, chunks: list[tuple[str, str]]) -> object: ...

    def forget(self, chunk_ids: list[str]) -> None: ...

BATCH = 64


@dataclass
class IngestReport:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0
    version: str = ""
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.changed} changed, {self.removed} removed, "
            f"{self.unchanged} unchanged; {self.chunks} chunks in the index "
            f"({self.embedded} embedded) in {self.seconds:.1f}s"
        )


def embedding_text(chunk: Chunk) -> str:
    """What gets embedded: the passage with its title and section, which carry its subject."""
    return f"{chunk.title}. {chunk.section}.\n{chunk.text}"


@dataclass
class _Indexed:
    doc_hash: str
    root: str
    path: Path
    chunking: str
    ids: list[str] = field(default_factory=list)


def _indexed_documents(collection: Any) -> dict[str, _Indexed]:
    stored = collection.get(include=["metadatas"])
    documents: dict[str, _Indexed] = {}
    for chunk_id, meta in zip(stored["ids"], stored["metadatas"] or [], strict=True):
        doc_id = str(meta.get("doc_id", ""))
        root = str(meta.get("root", ""))
        entry = documents.setdefault(
            doc_id,
            _Indexed(str(meta.get("doc_hash", "")), root,
                     Path(root).parent / str(meta.get("source", "")), str(meta.get("chunking", ""))),
        )
        entry.ids.append(chunk_id)
    return documents


def ingest(
    collection: Any,
    embedder: Embedder,
    folders: list[Path],
    progress: Progress | None = None,
    clock: Callable[[], float] = time.perf_counter,
    sentences: SentenceIndex | None = None,
) -> IngestReport:
    """Bring the index in line with the documents under `folders`.

    Unchanged documents (same content hash, chunked the current way) are skipped without
    embedding anything; changed ones, and those chunked by an earlier version, are replaced;
    documents that disappeared from these folders are removed. A document that fails to parse
    is reported and its previous version, if any, is kept. With `sentences`, each chunk's
    sentence vectors are kept in step.
    """
    started = clock()
    folders = [folder.resolve() for folder in folders]
    documents, problems = discover(folders)
    report = IngestReport(problems=[str(problem) for problem in problems])
    indexed = _indexed_documents(collection)
    failed_paths = {problem.path.resolve() for problem in problems}
    roots = {str(folder) for folder in folders}

    to_add: list[Chunk] = []
    stale_ids: list[str] = []
    current: dict[str, Document] = {document.id: document for document in documents}
    for document in documents:
        previous = indexed.get(document.id)
        if (previous is not None and previous.doc_hash == document.content_hash
                and previous.chunking == CHUNKING):
            report.unchanged += 1
            continue
        if previous is None:
            report.added += 1
        else:
            report.changed += 1
            stale_ids.extend(previous.ids)
        to_add.extend(chunk_document(document))
    for doc_id, previous in indexed.items():
        if doc_id in current or previous.root not in roots:
            continue
        if previous.path.resolve() in failed_paths:
            continue
        report.removed += 1
        stale_ids.extend(previous.ids)

    if stale_ids:
        for start in range(0, len(stale_ids), 1000):
            collection.delete(ids=stale_ids[start:start + 1000])
            if sentences is not None:
                sentences.forget(stale_ids[start:start + 1000])
    for start in range(0, len(to_add), BATCH):
        batch = to_add[start:start + BATCH]
        vectors = embedder.embed_documents([embedding_text(chunk) for chunk in batch])
        collection.upsert(
            ids=[chunk.id for chunk in batch],
            embeddings=vectors,
            documents=[chunk.text for chunk in batch],
            metadatas=[chunk.metadata() for chunk in batch],
        )
        if sentences is not None:
            sentences.index([(chunk.id, chunk.text) for chunk in batch])
        report.embedded += len(batch)
        if progress is not None:
            progress(report.embedded, len(to_add))

    ids = collection.get(include=[])["ids"]
    report.chunks = len(ids)
    report.version = index_version(ids, embedder.name)
    report.seconds = clock() - started
    return report
