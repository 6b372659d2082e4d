"""The guides' sections by heading: an index that needs no embedding model and no vector store.

Built from the Markdown headings and front matter alone, so a command that only cites guide
sections stays quick to start.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.documents import GUIDES, Document, discover

_HEADING = re.compile(r"^(#{2,3}) +(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True)
class GuideSection:
    """One section of one guide: the document it is in and its heading."""

    guide: str
    """The guide's id (its file name without `.md`)."""
    guide_title: str
    heading: str
    source: str
    """Where the guide came from, e.g. guides/latency.md."""
    topics: tuple[str, ...]


def _sections(document: Document) -> list[GuideSection]:
    if not document.markdown:
        return []
    return [GuideSection(guide=document.id, guide_title=document.title, heading=match.group(2),
                         source=document.source, topics=document.topics)
            for match in _HEADING.finditer(document.body)]


@dataclass(frozen=True)
class SectionIndex:
    """Every `##` and `###` section of the guides, in reading order."""

    sections: tuple[GuideSection, ...]

    def find(self, guide: str, heading: str) -> GuideSection | None:
        return next((s for s in self.sections if s.guide == guide and s.heading == heading), None)

    def for_topic(self, topic: str) -> list[GuideSection]:
        """The sections of every guide whose front matter names `topic`, guide by guide."""
        return [section for section in self.sections if topic in section.topics]


def section_index(folders: Sequence[Path] = ()) -> SectionIndex:
    """The index over the shipped guides and any extra `folders`; unreadable files are skipped
    (ingest reports them)."""
    extra = [Path(folder) for folder in folders if Path(folder) != GUIDES]
    documents, _ = discover([GUIDES, *extra])
    return SectionIndex(tuple(s for document in documents for s in _sections(document)))
