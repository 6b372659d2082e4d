"""Heading-aware chunks: split on Markdown headings, then pack whole paragraphs, lists and tables."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from knowledge.blocks import Block, announces, blocks, split_sentences
from knowledge.documents import Document

MAX_CHARS = 1500
SECTION_SEPARATOR = " › "
CHUNKING = "2"
"""How chunks and their units are cut. An index whose chunks carry another value is re-chunked
on the next ingest, even where the documents did not change."""


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
    builtin: bool = False
    """Whether the chunk comes from the guides shipped with llm-advisor, not the organisation's."""

    def metadata(self) -> dict[str, str | bool | list[str]]:
        meta: dict[str, str | bool | list[str]] = {
            "doc_id": self.doc_id,
            "title": self.title,
            "section": self.section,
            "source": self.source,
            "topics": list(self.topics),
            "doc_hash": self.doc_hash,
            "root": self.root,
            "builtin": self.builtin,
            "chunking": CHUNKING,
        }
        return meta


def chunk_id(doc_id: str, section: str, text: str) -> str:
    """Stable id from content: the same text in the same place keeps its id across ingests."""
    digest = hashlib.sha256(f"{CHUNKING}\x1f{doc_id}\x1f{section}\x1f{text}".encode()).hexdigest()
    return f"{doc_id}:{digest[:16]}"


_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")


def sections(body: str) -> list[tuple[list[str], str]]:
    """(heading path below the title, Markdown text) for each part of a Markdown body; headings
    inside code fences are text."""
    found: list[tuple[list[str], list[str]]] = []
    path: dict[int, str] = {}
    lines: list[str] = []
    fence = False

    def close() -> None:
        if any(line.strip() for line in lines):
            found.append(([path[level] for level in (2, 3) if level in path], list(lines)))
        lines.clear()

    for line in body.splitlines():
        if line.strip().startswith("```"):
            fence = not fence
        heading = None if fence else _HEADING.match(line)
        if heading is None:
            lines.append(line)
            continue
        close()
        level = len(heading.group(1))
        path = {depth: name for depth, name in path.items() if depth < level}
        path[level] = heading.group(2).strip()
    close()
    return [(names, "\n".join(text).strip("\n")) for names, text in found]


def _pieces(block: Block) -> list[str]:
    """A block as pieces no longer than MAX_CHARS where it can be cut: a long paragraph between
    sentences; a list, a table or code never."""
    if block.kind != "paragraph" or len(block.raw) <= MAX_CHARS:
        return [block.raw]
    pieces: list[str] = []
    for sentence in split_sentences(block.raw):
        if pieces and len(pieces[-1]) + 1 + len(sentence) <= MAX_CHARS:
            pieces[-1] = f"{pieces[-1]} {sentence}"
        else:
            pieces.append(sentence)
    return pieces


def _groups(text: str) -> list[str]:
    """The section's blocks, a lead-in paragraph joined to the list or table it introduces."""
    found = blocks(text)
    groups: list[list[str]] = []
    for index, block in enumerate(found):
        follows = found[index - 1] if index else None
        if (block.kind in ("list", "table") and follows is not None and follows.kind == "paragraph"
                and groups and announces(split_sentences(follows.raw)[-1] if follows.raw else "")):
            groups[-1].append(block.raw)
        else:
            groups.extend([piece] for piece in _pieces(block))
    return ["\n\n".join(group) for group in groups]


def pack(text: str) -> list[str]:
    """Whole blocks packed into chunks of at most MAX_CHARS; a block longer than that on its
    own (a long list or table) is a chunk by itself."""
    chunks: list[str] = []
    for group in _groups(text):
        if chunks and len(chunks[-1]) + 2 + len(group) <= MAX_CHARS:
            chunks[-1] = f"{chunks[-1]}\n\n{group}"
        else:
            chunks.append(group)
    return chunks


def chunk_document(document: Document) -> list[Chunk]:
    """Split a document into chunks that each carry the heading path they sit under."""
    pieces = sections(document.body) if document.markdown else [([], document.body)]
    chunks: list[Chunk] = []
    for path, text in pieces:
        # The document title is the h1; the section path is what sits below it.
        section = SECTION_SEPARATOR.join(path) or "Overview"
        for part in pack(text):
            part = part.strip()
            if not part:
                continue
            chunks.append(Chunk(
                id=chunk_id(document.id, section, part), text=part, doc_id=document.id,
                title=document.title, section=section, source=document.source,
                topics=document.topics, doc_hash=document.content_hash, root=document.root,
                builtin=document.builtin,
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
