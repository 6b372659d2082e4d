"""The structure of a passage: paragraphs, lists and tables, and the units answers quote.

Chunking packs whole blocks, so a list or a table is never cut in two; answers rank units
(sentences, list items, table rows) and render them back as prose, list items and rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

BlockKind = Literal["paragraph", "list", "table", "code"]
UnitKind = Literal["sentence", "item", "row"]

_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|vs|approx|cf)\.$", re.IGNORECASE)
_EMPHASIS = re.compile(r"\*\*|__|`")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
_ANNOUNCES = re.compile(
    r"^(?:\w+\s+){0,3}?(?:two|three|four|five|six|seven|several|a few|these|the following)\b"
    r"|\bthe following\b|:$", re.IGNORECASE)
_OPENERS = frozenset((
    "it", "its", "this", "these", "that", "those", "they", "them", "their", "such", "but",
    "however", "so", "also", "yet", "still", "instead", "otherwise", "then", "thus", "hence",
    "therefore", "and", "or", "nor", "again", "likewise", "similarly", "meanwhile", "both", "none",
    "neither", "either", "here", "besides", "moreover", "furthermore", "plus", "conversely", "which",
))
_DEMONSTRATIVES = frozenset(("this", "these", "that", "those", "such", "it", "they"))
_PREPOSITIONS = frozenset((
    "for", "in", "at", "of", "with", "from", "by", "on", "beyond", "after", "before", "despite",
    "given", "under", "without", "unlike", "to",
))
_CLAUSE_PRONOUN = re.compile(
    r"(?:[,;]|\b(?:so|and|but|because|since|until|while|though|although|when|if|whether|once|"
    r"unless))\s+(?:it|they)\b",
    re.IGNORECASE)
MIN_SENTENCE = 20
"""Shorter pieces of prose are labels or debris, not sentences worth quoting (a lead-in ending
in ':' is kept: its list needs it)."""


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    raw: str
    """The block's Markdown, as written."""


@dataclass(frozen=True)
class Unit:
    """One quotable piece of a passage: a sentence, a list item or a table row."""

    kind: UnitKind
    block: int
    text: str
    """Plain text, what is embedded and matched: Markdown markers removed, list punctuation
    trimmed, a table row with its column names."""
    display: str = ""
    """How the unit reads in an answer, when shorter than `text` (a row under its lead-in)."""

    @property
    def shown(self) -> str:
        return self.display or self.text


def blocks(text: str) -> list[Block]:
    """The paragraphs, lists, tables and code of Markdown `text`, in order. A list runs on
    across blank lines between its items; a paragraph line directly before an item ends the
    paragraph."""
    found: list[tuple[BlockKind, list[str]]] = []
    fence = False
    for line in text.splitlines():
        stripped = line.strip()
        previous = found[-1] if found else None
        if fence or stripped.startswith("```"):
            if previous is not None and previous[0] == "code" and (fence or not stripped):
                previous[1].append(line)
            else:
                found.append(("code", [line]))
            if stripped.startswith("```"):
                fence = not fence
            continue
        if not stripped:
            if previous is not None and previous[1][-1].strip():
                previous[1].append("")
            continue
        closed = previous is not None and not previous[1][-1].strip()
        kind: BlockKind = ("table" if stripped.startswith("|") else
                           "list" if _ITEM.match(line) else "paragraph")
        continues = previous is not None and (
            (previous[0] == kind and kind == "list")
            or (previous[0] == kind and not closed)
            or (previous[0] == "list" and kind == "paragraph" and not closed))
        if continues and previous is not None:
            previous[1].append(line)
        else:
            found.append((kind, [line]))
    return [Block(kind, "\n".join(lines).strip("\n")) for kind, lines in found]


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", _EMPHASIS.sub("", text)).strip()


def split_sentences(text: str) -> list[str]:
    pieces: list[str] = []
    for piece in _SENTENCE_END.split(_plain(text)):
        if pieces and _ABBREVIATION.search(pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return [piece.strip() for piece in pieces if piece.strip()]


def list_items(raw: str) -> list[str]:
    items: list[list[str]] = []
    for line in raw.splitlines():
        if _ITEM.match(line):
            items.append([_ITEM.sub("", line)])
        elif line.strip() and items:
            items[-1].append(line.strip())
    return [re.sub(r"\s*(?:[;,]|;\s*(?:and|or))$", "", _plain(" ".join(item))) for item in items]


def table_rows(raw: str) -> list[tuple[str, str]]:
    """Each row of a Markdown table as (text with its column names, shorter display text):
    ('H100 - price per GPU-hour: $2.50', 'H100: $2.50'); with more columns both name them."""
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    cells = [[_plain(cell) for cell in line.strip("|").split("|")] for line in lines
             if not _TABLE_RULE.match(line)]
    if not cells:
        return []
    header, rows = (cells[0], cells[1:]) if len(cells) > 1 else ([], cells)
    readable = []
    for row in rows:
        named = ", ".join(f"{name}: {cell}" if name else cell
                          for name, cell in zip(header[1:], row[1:], strict=False) if cell)
        if len(row) <= 2:
            plain = ": ".join(cell for cell in row if cell)
            readable.append((f"{row[0]} - {named}" if named and len(header) > 1 else plain, plain))
        else:
            readable.append((f"{row[0]}: {named}", ""))
    return readable


@lru_cache(maxsize=4096)
def units(text: str) -> tuple[Unit, ...]:
    """The quotable units of a passage in reading order."""
    found: list[Unit] = []
    for index, block in enumerate(blocks(text)):
        if block.kind == "paragraph":
            found.extend(Unit("sentence", index, sentence) for sentence in split_sentences(block.raw)
                         if len(sentence) > MIN_SENTENCE or sentence.endswith(":"))
        elif block.kind == "list":
            found.extend(Unit("item", index, item) for item in list_items(block.raw) if item)
        elif block.kind == "table":
            found.extend(Unit("row", index, text, display) for text, display in table_rows(block.raw)
                         if text)
    return tuple(found)


def sentences(text: str) -> list[str]:
    """The text of each unit of a passage (what the sentence index embeds), in order."""
    return [unit.text for unit in units(text)]


def refers_back(sentence: str) -> bool:
    """Whether a sentence leans on the one before it: it opens with a pronoun or a connective
    ('It', 'But', 'For these'), or makes 'it' or 'they' the subject of a later clause."""
    words = re.findall(r"[a-z']+", sentence.lower())
    if not words:
        return False
    if words[0] in _OPENERS or (words[0] in _PREPOSITIONS and _DEMONSTRATIVES & set(words[1:3])):
        return True
    if {"this", "these", "those"} & set(words[1:5]):
        return True
    return bool(_CLAUSE_PRONOUN.search(sentence))


def announces(sentence: str) -> bool:
    """Whether a sentence introduces what follows it ('Two latency numbers matter', '...:')."""
    return bool(_ANNOUNCES.search(sentence.strip()))
