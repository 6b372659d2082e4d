"""Guidance documents: Markdown with YAML front matter, or plain text."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.errors import DocumentError

TOPICS: tuple[str, ...] = (
    "data_residency",
    "specialization",
    "volume_cost",
    "ml_expertise",
    "latency",
    "quality",
    "time_to_market",
    "hybrid",
    "general",
)
SUFFIXES = (".md", ".markdown", ".txt")
GUIDES = Path(__file__).resolve().parent / "guides"
"""The guidance shipped with llm-advisor; every other folder holds the organisation's own."""
REQUIRED_KEYS = ("id", "title", "topics")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.DOTALL)
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Problem:
    """A file that could not be used, and why."""

    path: Path
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    topics: tuple[str, ...]
    body: str
    source: str
    """Where the document came from, relative to its folder's parent (e.g. guides/latency.md)."""
    root: str
    """The folder the document was found in; deletions are scoped to the folders ingested."""
    updated: str = ""
    sources: tuple[str, ...] = ()
    markdown: bool = True

    @property
    def builtin(self) -> bool:
        return Path(self.root).resolve() == GUIDES

    @property
    def content_hash(self) -> str:
        data = "\x1f".join((self.id, self.title, ",".join(self.topics), self.body))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-") or "document"


def _front_matter(path: Path, text: str) -> tuple[dict[str, object], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise DocumentError(f"{path}: front matter is not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise DocumentError(f"{path}: front matter must be a mapping of keys to values")
    return data, text[match.end():]


def _topics(path: Path, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    if not isinstance(value, list) or not value:
        raise DocumentError(f"{path}: 'topics' must be a non-empty list")
    unknown = [str(topic) for topic in value if topic not in TOPICS]
    if unknown:
        raise DocumentError(
            f"{path}: unknown topics {', '.join(unknown)}; allowed: {', '.join(TOPICS)}"
        )
    return tuple(str(topic) for topic in value)


def load_document(path: Path, root: Path) -> Document:
    """Read one guidance document, or raise DocumentError naming the file and the problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror})") from exc
    if "\x00" in text:
        raise DocumentError(f"{path}: looks like a binary file")
    data, body = _front_matter(path, text)
    markdown = path.suffix.lower() != ".txt"
    source = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
    if not body.strip():
        raise DocumentError(f"{path}: the document has no text")
    if data:
        missing = [key for key in REQUIRED_KEYS if not data.get(key)]
        if missing:
            raise DocumentError(f"{path}: front matter lacks {', '.join(missing)}")
        sources = data.get("sources") or []
        return Document(
            id=_slug(str(data["id"])),
            title=str(data["title"]).strip(),
            topics=_topics(path, data["topics"]),
            body=body,
            source=source,
            root=str(root),
            updated=str(data.get("updated", "")),
            sources=tuple(str(s) for s in sources) if isinstance(sources, list) else (str(sources),),
            markdown=markdown,
        )
    # Organisations drop in plain policies without front matter: derive what we can.
    first_line = next((line for line in body.splitlines() if line.strip()), path.stem)
    title = first_line.lstrip("#").strip() or path.stem
    return Document(id=_slug(path.stem), title=title, topics=("general",), body=body,
                    source=source, root=str(root), markdown=markdown)


def discover(folders: list[Path]) -> tuple[list[Document], list[Problem]]:
    """Every readable document under `folders`, and one message per file that failed.

    A broken file never stops the others from loading.
    """
    documents: list[Document] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for folder in folders:
        if not folder.is_dir():
            problems.append(Problem(folder, f"{folder}: not a folder"))
            continue
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.suffix.lower() not in SUFFIXES:
                continue
            try:
                document = load_document(path, folder)
            except DocumentError as exc:
                problems.append(Problem(path, str(exc)))
                continue
            if document.id in seen:
                problems.append(Problem(
                    path, f"{path}: id {document.id!r} is already used by {seen[document.id]}; skipped"
                ))
                continue
            seen[document.id] = str(path)
            documents.append(document)
    return documents, problems
