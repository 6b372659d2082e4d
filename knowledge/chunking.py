"""Heading-aware chunks: split on Markdown headings, then split long sections further."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from knowledge.documents import Document

HEADINGS = [("#", "h1"), ("##", "h2"), ("###", "h3")]
MAX_CHARS = 1500
OVERLAP = 150
SECTION_SEPARATOR = " › "


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    doc_id: str
    title: str
    section: str
    """The heading path inside the document, e.g. 'Worked example: 30M tokens a month'."""
    source: str
    topics: tuple[str, ...]
    doc_hash: str
    root: str

    def metadata(self) -> dict[str, str | bool | list[str]]:
        meta: dict[str, str | bool | list[str]] = {
            "doc_id": self.doc_id,
            "title": self.title,
            "section": self.section,
            "source": self.source,
            "topics": list(self.topics),
            "doc_hash": self.doc_hash,
            "root": self.root,
        }
        return meta


def chunk_id(doc_id: str, section: str, text: str) -> str:
    """Stable id from content: the same text in the same place keeps its id across ingests."""
    digest = hashlib.sha256(f"{doc_id}\x1f{section}\x1f{text}".encode()).hexdigest()
    return f"{doc_id}:{digest[:16]}"


_header_splitter = MarkdownHeaderTextSplitter(HEADINGS, strip_headers=True)
_long_splitter = RecursiveCharacterTextSplitter(
    chunk_size=MAX_CHARS, chunk_overlap=OVERLAP, separators=["\n\n", "\n", ". ", " ", ""]
)


def chunk_document(document: Document) -> list[Chunk]:
    """Split a document into chunks that each carry the heading path they sit under."""
    if document.markdown:
        pieces = [(piece.page_content, piece.metadata) for piece in
                  _header_splitter.split_text(document.body)]
    else:
        pieces = [(document.body, {})]
    chunks: list[Chunk] = []
    for text, headings in pieces:
        # The document title is the h1; the section path is what sits below it.
        path = [str(headings[key]) for key in ("h2", "h3") if headings.get(key)]
        section = SECTION_SEPARATOR.join(path) or "Overview"
        for part in _long_splitter.split_text(text):
            part = part.strip()
            if not part:
                continue
            chunks.append(Chunk(
                id=chunk_id(document.id, section, part), text=part, doc_id=document.id,
                title=document.title, section=section, source=document.source,
                topics=document.topics, doc_hash=document.content_hash, root=document.root,
            ))
    return _unique(chunks)


def _unique(chunks: list[Chunk]) -> list[Chunk]:
    seen: set[str] = set()
    unique = []
    for chunk in chunks:
        if chunk.id not in seen:
            seen.add(chunk.id)
            unique.append(chunk)
    return unique
