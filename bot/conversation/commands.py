"""Commands a user can type in a conversation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

CommandName = Literal["restart", "status", "help", "what_if", "add_use_case", "advise", "details"]

_PATTERNS: tuple[tuple[CommandName, re.Pattern[str]], ...] = (
    ("restart", re.compile(r"^(?:restart|start over|reset|new conversation)[.!]?$")),
    ("status", re.compile(r"^(?:status|what do you know\??|summary)[.!?]?$")),
    ("help", re.compile(r"^(?:help|\?|commands)[.!?]?$")),
    ("details", re.compile(r"^(?:details|full answer|the full answer|show (?:me )?(?:the )?"
                           r"(?:full answer|details|whole answer)|more details?)[.!?]?$")),
    ("what_if", re.compile(r"^what if\b[\s,:]*(?P<rest>.*)$")),
    ("add_use_case", re.compile(r"^(?:add|new|another) use[- ]?case\b[\s,:-]*(?P<rest>.*)$")),
    ("advise", re.compile(r"^(?:recommend|advise|just tell me|give me the answer|recommendation)"
                          r"(?: now)?[.!?]?$")),
)


@dataclass(frozen=True)
class Command:
    name: CommandName
    argument: str = ""


def parse_command(text: str) -> Command | None:
    cleaned = " ".join(text.strip().lower().split())
    for name, pattern in _PATTERNS:
        match = pattern.match(cleaned)
        if match:
            rest = match.groupdict().get("rest") or ""
            original = text.strip()
            # Keep the user's own casing for names and numbers.
            argument = original[len(original) - len(rest):].strip() if rest else ""
            return Command(name, argument.rstrip("?").strip())
    return None


_QUESTION_START = re.compile(
    r"^(?:why|what|whats|what's|how|when|which|where|who|should|could|can|is|are|does|do|"
    r"would|will|explain|tell me|any)\b", re.IGNORECASE)


def looks_like_question(text: str) -> bool:
    stripped = text.strip()
    return stripped.endswith("?") or bool(_QUESTION_START.match(stripped))
