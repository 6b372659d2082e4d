"""Block Kit primitives: escaping, text objects, blocks, and splitting long content safely."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

Block = dict[str, Any]

SECTION_TEXT_MAX = 3000
HEADER_TEXT_MAX = 150
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
OPTION_TEXT_MAX = 75
ACTIONS_MAX = 25
CONTEXT_MAX = 10
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
FALLBACK_TEXT_MAX = 3000
MESSAGE_CHARS_MAX = 12_000
"""Slack's limit on the serialised size of a message's text plus blocks."""
MESSAGE_CHARS_BUDGET = 11_000
"""What the splitter fills a message to (fallback text included), leaving a margin below the limit."""
_CONTINUATION_RESERVE = 300


@dataclass(frozen=True)
class SlackMessage:
    """One chat.postMessage worth of content: fallback text for notifications plus blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def escape(text: str) -> str:
    """Makes text safe inside mrkdwn: no user-made links, mentions or broadcasts."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, ending in an ellipsis when something was cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def plain(text: str, limit: int | None = None) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit) if limit else text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT_MAX)}


def section(text: str, accessory: Block | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(truncate(text, SECTION_TEXT_MAX))}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def context(*texts: str) -> Block:
    return {"type": "context",
            "elements": [mrkdwn(truncate(t, SECTION_TEXT_MAX)) for t in texts[:CONTEXT_MAX]]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str | None = None, style: str | None = None) -> Block:
    element: Block = {"type": "button", "text": plain(text, BUTTON_TEXT_MAX), "action_id": action_id}
    if value is not None:
        element["value"] = value
    if style is not None:
        element["style"] = style
    return element


def actions(elements: Sequence[Block]) -> list[Block]:
    """Action blocks holding `elements`, at most 25 to a block."""
    return [{"type": "actions", "elements": list(elements[i:i + ACTIONS_MAX])}
            for i in range(0, len(elements), ACTIONS_MAX)]


def _cut_point(line: str, limit: int) -> int:
    """Where to cut an over-long line: at a space, else never inside [12], <link> or &amp;."""
    space = line.rfind(" ", 0, limit + 1)
    if space > 0:
        return space
    cut = limit
    for opener, closer in (("[", "]"), ("<", ">"), ("&", ";")):
        start = line.rfind(opener, 0, cut)
        if start > 0 and line.find(closer, start, cut) == -1:
            cut = start
    return cut


def split_line(line: str, limit: int = SECTION_TEXT_MAX) -> list[str]:
    """A line no longer than `limit`, or several pieces of it, each cut between words."""
    pieces = []
    while len(line) > limit:
        cut = _cut_point(line, limit)
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    if line or not pieces:
        pieces.append(line)
    return pieces


def text_sections(lines: Iterable[str], limit: int = SECTION_TEXT_MAX) -> list[Block]:
    """Section blocks holding `lines` in order, split only between lines, each within `limit`."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        for piece in split_line(line, limit):
            added = len(piece) + (1 if current else 0)
            if current and size + added > limit:
                chunks.append("\n".join(current))
                current, size = [], 0
                added = len(piece)
            current.append(piece)
            size += added
    chunks.append("\n".join(current))
    # Slack rejects a section whose text is empty or only whitespace.
    return [section(chunk) for chunk in chunks if chunk.strip()]


def clip_lines(lines: Sequence[str], limit: int, more: str = "…and {n} more") -> list[str]:
    """The leading whole lines that fit in `limit` characters, then a note of how many were left."""
    if len("\n".join(lines)) <= limit:
        return list(lines)
    kept: list[str] = []
    for index, line in enumerate(lines):
        rest = len(lines) - index - 1
        if len("\n".join([*kept, line, more.format(n=rest)])) > limit:
            return [*kept, more.format(n=rest + 1)]
        kept.append(line)
    return kept


def block_size(block: Block) -> int:
    return len(json.dumps(block, ensure_ascii=False))


def paginate(blocks: Sequence[Block], fallback: str) -> list[SlackMessage]:
    """Blocks spread over as few messages as the limits allow; later ones say they continue.

    `fallback` is plain words for notifications; it is escaped here.
    """
    text = truncate(escape(" ".join(fallback.split())) or "…", FALLBACK_TEXT_MAX - 40)
    budget = MESSAGE_CHARS_BUDGET - len(text) - _CONTINUATION_RESERVE
    pages: list[list[Block]] = [[]]
    size = 0
    for block in blocks:
        cost = block_size(block) + 2
        if pages[-1] and (len(pages[-1]) >= MESSAGE_BLOCKS_MAX - 1 or size + cost > budget):
            pages.append([])
            size = 0
        pages[-1].append(block)
        size += cost
    messages = [SlackMessage(text=text, blocks=pages[0])]
    for number, page in enumerate(pages[1:], start=2):
        note = f"continued, part {number} of {len(pages)}"
        messages.append(SlackMessage(text=f"{text} ({note})",
                                     blocks=[context(f"_{note.capitalize()}_"), *page]))
    return messages
