"""KnowledgeBase: the index, its documents and its retriever behind one small interface."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from knowledge.answer import Answer, SentenceVectors, answer_question
from knowledge.documents import GUIDES
from knowledge.embeddings import Embedder, MiniLMEmbedder
from knowledge.ingest import IngestReport, Progress, ingest
from knowledge.retrieval import HybridRetriever, Mode, Passage
from knowledge.vector_index import SENTENCES, open_client, open_collection


class KnowledgeBase:
    """Guidance documents in folders, indexed in Chroma, searched by a hybrid retriever."""

    def __init__(self, collection: Any, embedder: Embedder, folders: Sequence[Path],
                 sentences: Any = None) -> None:
        self.collection = collection
        self.embedder = embedder
        self.folders = [GUIDES, *(Path(folder) for folder in folders if Path(folder) != GUIDES)]
        self.retriever = HybridRetriever(collection, embedder)
        self.sentence_vectors = SentenceVectors(embedder, collection=sentences)

    @classmethod
    def open(cls, index_dir: Path, chroma_url: str | None = None,
             extra_folders: Sequence[Path] = (), embedder: Embedder | None = None
             ) -> KnowledgeBase:
        """Open (or create) the index; raises IndexUnavailable with a clear message."""
        embedder = embedder or MiniLMEmbedder()
        client = open_client(index_dir, chroma_url)
        return cls(open_collection(client, embedder.name), embedder, extra_folders,
                   sentences=open_collection(client, embedder.name, SENTENCES))

    def is_empty(self) -> bool:
        return int(self.collection.count()) == 0

    def ingest(self, folders: Sequence[Path] = (), progress: Progress | None = None) -> IngestReport:
        """Update the index from the shipped guides, the configured folders and `folders`."""
        extra = [Path(folder) for folder in folders if Path(folder) not in self.folders]
        report = ingest(self.collection, self.embedder, [*self.folders, *extra], progress,
                        sentences=self.sentence_vectors)
        self.retriever = HybridRetriever(self.collection, self.embedder)
        if report.embedded and getattr(self.embedder, "saves_queries", False):
            # The model is loaded now anyway: save its compiled query encoder, so the commands
            # after this one answer without loading the model.
            self.embedder.compile_queries()  # type: ignore[attr-defined]
        return report

    def ensure_built(self, progress: Progress | None = None) -> IngestReport | None:
        """Build the index on first use; None when it already had content."""
        return self.ingest(progress=progress) if self.is_empty() else None

    @property
    def version(self) -> str:
        return self.retriever.version

    def search(self, query: str, k: int = 5, topics: Sequence[str] | None = None,
               mode: Mode = "hybrid") -> list[Passage]:
        return self.retriever.search(query, k=k, topics=topics, mode=mode)

    def warm_up(self) -> None:
        """Do a first question's one-off work now: read the chunks, load the model (compiling
        its query encoder) and read the sentence vectors."""
        self.retriever.corpus()
        compile_queries = getattr(self.embedder, "compile_queries", None)
        if compile_queries is not None:
            compile_queries()
        self.embedder.embed_query("how much does self-hosting cost?")
        self.sentence_vectors.preload()

    def ask(self, question: str, k: int = 3) -> Answer:
        return answer_question(question, self.retriever, self.embedder, k=k,
                               vectors_of=self.sentence_vectors)
