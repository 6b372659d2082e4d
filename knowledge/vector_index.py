"""The Chroma collection behind the index: embedded on disk by default, or a Chroma server."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from knowledge.errors import IndexUnavailable

COLLECTION = "llm-advisor-guidance"
SENTENCES = f"{COLLECTION}-sentences"
"""Each chunk's sentences with their embeddings, which extractive answers rank."""


def _settings() -> Any:
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


def open_client(index_dir: Path, chroma_url: str | None = None) -> Any:
    """A Chroma client: a server when `chroma_url` is set, else a directory on disk."""
    import chromadb

    if chroma_url:
        url = urlparse(chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise IndexUnavailable(f"CHROMA_URL {chroma_url!r} is not an http(s) URL")
        port = url.port or (443 if url.scheme == "https" else 8000)
        try:
            client = chromadb.HttpClient(host=url.hostname, port=port, ssl=url.scheme == "https",
                                         settings=_settings())
            client.heartbeat()
        except Exception as exc:  # Chroma's client raises many types for one cause: unreachable
            raise IndexUnavailable(
                f"cannot reach the Chroma server at {chroma_url} ({type(exc).__name__}); "
                "start it or unset CHROMA_URL to use the local index"
            ) from exc
        return client
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(index_dir), settings=_settings())
    except Exception as exc:  # a damaged or foreign directory fails in Chroma's own ways
        raise IndexUnavailable(
            f"cannot open the index in {index_dir} ({exc}); remove that folder and run "
            "`llm-advisor ingest` to rebuild it"
        ) from exc


def open_collection(client: Any, embedding_model: str, name: str = COLLECTION) -> Any:
    """The guidance collection (or, by `name`, its sentences). Embeddings are always supplied by
    us: Chroma gets no embedding function, so it can never fall back to downloading its default
    model."""
    try:
        return client.get_or_create_collection(
            name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedding_model": embedding_model},
        )
    except Exception as exc:  # as above: whatever Chroma raises means the index is unusable
        raise IndexUnavailable(f"cannot open the guidance collection ({exc})") from exc


def index_version(ids: list[str], embedding_model: str) -> str:
    """A hash of every chunk id and the embedding model: equal indexes share it."""
    digest = hashlib.sha256(embedding_model.encode())
    for chunk_id in sorted(ids):
        digest.update(b"\x1f" + chunk_id.encode())
    return digest.hexdigest()[:16]
