"""The words around a match: is it denied, hedged, asked, or a correction?

Every helper looks at a bounded window (tens of characters), so the cost per match is
constant however long the message is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FLAGS = re.ASCII
"""Patterns are written in lower case and matched against text lower-cased by `lower_ascii`."""

_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def lower_ascii(text: str) -> str:
    """Lower-case A-Z only, so every character keeps its offset (str.lower can change lengths)."""
    return text.translate(_LOWER)


_WINDOW = 70
"""How far back and forward (in characters) a match's clause is looked for."""
_NEGATION_WORDS = 5
"""A negation governs a phrase only from within the five words before it."""

# Clause edges: a negation or hedge does not reach across them ("no ML team, but 3 MLEs").
_CLAUSE_EDGE = re.compile(
    r"[;:!?\n,()\[\]]|(?<![0-9])\.|\.(?![0-9])|\s-+\s|\b(?:but|however|although|though|whereas|while|"
    r"except|yet|and then)\b",
    FLAGS,
)
SENTENCE_EDGE = re.compile(r"[;!?\n]|(?<![0-9])\.|\.(?![0-9])", FLAGS)
_NEGATOR = re.compile(
    r"\b(?:not|no|never|nothing|none|nobody|noone|neither|nor|without|zero|dont|doesnt|didnt|isnt|"
    r"arent|wasnt|cant|cannot|wont|wouldnt|shouldnt|havent|hasnt|mustnt|no-one)\b|n't\b|\bno one\b",
    FLAGS,
)
# Phrases that contain a negator but do not deny what follows them.
_NOT_A_DENIAL = re.compile(
    r"\b(?:not only|not just|no matter|no doubt|nothing but|not to mention|no later than|"
    r"not more than|no more than|not less than|no less than|not over|not above)\b",
    FLAGS,
)
_HEDGE = re.compile(
    r"\b(?:not sure|unsure|don't know|do not know|dunno|no idea|unclear|not clear|maybe|might|perhaps|"
    r"possibly|wonder(?:ing)?|whether|if|unless|considering|thinking about|in case|tbd|undecided|"
    r"hypothetically|what if|would it|should we|could we|do we need|does it need)\b",
    FLAGS,
)
VOLUME_HEDGE = re.compile(r"\b(?:if|unless|whether|might|what if|in case|hypothetically)\b", FLAGS)
"""Hedges that unsettle a number; "maybe 2M" and "about 2M" are estimates, still worth reading."""

_DENIED_AFTER = re.compile(
    r"\s*(?:is|are|was|were|'s|'re)?\s*(?:really\s+|actually\s+|strictly\s+)?(?:not|n't|never)\s+"
    r"(?:really\s+|strictly\s+|that\s+|very\s+|a\s+(?:big\s+|huge\s+|real\s+)?|an\s+)?"
    r"(?:needed|required|necessary|important|critical|crucial|concern|requirement|priority|issue|problem|"
    r"factor|deal|relevant|thing|must|matter|constraint)\b"
    r"|\s*(?:does\s*n't|does not|do\s*n't|do not)\s+(?:really\s+)?matter\b"
    r"|\s*(?:is|are)\s+(?:irrelevant|a non-issue|no concern|no issue|no problem)\b",
    FLAGS,
)
_CORRECTION = re.compile(
    r"\b(?:actually|correction|scratch that|i mean|i meant|make (?:it|that)|sorry|oops|update|"
    r"on second thought|more like|closer to|turns out|to correct)\b"
    r"|(?:^|(?<=[.!?\n]))\s*(?:no|nope)\s*[,!:-]"
    r"|\bnot\s+(?!only\b|just\b|sure\b|to mention\b)[^.;!?\n]{1,30}?\bbut\b",
    FLAGS,
)
# "40M a month, not a day", "weekly rather than daily": the words before are the correction.
_CORRECTS_AFTER = re.compile(
    r"\s*,?\s*(?:not|instead of|rather than)\s+(?:per\s+|a\s+|an\s+|/\s*)?[0-9a-z]", FLAGS
)


@dataclass(frozen=True)
class Context:
    """How the words around one match qualify it."""

    hedged: bool
    hedged_number: bool
    """Hedged even as an estimate: asked, or conditional ("if we hit 50M")."""
    denied_before: int | None
    """Where a negation before the match starts ("not latency sensitive"), if any."""
    denied_after: int | None
    """Where a denial after the match ends ("real-time isn't needed"), if any."""
    correction: bool


def _last_edge(edges: re.Pattern[str], text: str, start: int, window: int) -> int:
    """End of the last edge before `start`, looking back at most `window` characters."""
    edge = max(0, start - window)
    for mark in edges.finditer(text, edge, start):
        edge = mark.end()
    return edge


def _clause_start(text: str, start: int) -> int:
    return _last_edge(_CLAUSE_EDGE, text, start, _WINDOW)


def clause_end(text: str, end: int) -> int:
    """Index of the first clause edge after `end` (or a bounded window's end)."""
    mark = _CLAUSE_EDGE.search(text, end, min(len(text), end + _WINDOW))
    return mark.start() if mark else min(len(text), end + _WINDOW)


def sentence_start(text: str, start: int, window: int = _WINDOW) -> int:
    """Start of the sentence holding `start`, looking back at most `window` characters."""
    return _last_edge(SENTENCE_EDGE, text, start, window)


def clause_before(text: str, start: int) -> str:
    """The words of the same clause that come before `start`."""
    return text[_clause_start(text, start) : start]


def _negation_start(text: str, begin: int, start: int) -> int | None:
    words = list(re.finditer(r"[a-z']+", text[begin:start]))[-_NEGATION_WORDS:]
    if not words:
        return None
    first = words[0].start() + begin
    scope = _NOT_A_DENIAL.sub(lambda found: "_" * len(found.group()), text[first:start])
    negator = _NEGATOR.search(scope)
    if negator is None:
        return None
    at = first + negator.start()
    while at > 0 and text[at - 1].isalpha():  # "n't" belongs to "doesn't"
        at -= 1
    return at


# A sentence that opens like a question asks ("is 20M enough?", "can we get this by Friday?"); one that
# opens like a statement and ends in "?" states, unsure of itself ("maybe 2-3M a day?").
_ASKING = re.compile(
    r"\s*(?:(?:hmm+|ok(?:ay)?|so|and|but|also|well|oh|hey|quick q|btw|sorry|then|right)\b[\s,:]*)*"
    r"(?:is|are|am|was|were|do|does|did|can|could|should|would|will|shall|may|might|must|has|have|had"
    r"|isn't|aren't|don't|doesn't|didn't|can't|won't|wouldn't|shouldn't|what|what's|whats|which|how"
    r"|how's|why|when|where|who|whose|whom|any|anything|got)\b",
    FLAGS,
)


def is_question(text: str, end: int) -> bool:
    """Whether the clause that holds `end` ends with a question mark and its sentence opens as a question."""
    edge = clause_end(text, end)
    if not (edge < len(text) and text[edge] == "?"):
        return False
    return bool(_ASKING.match(text, sentence_start(text, end, 160)))


def read(text: str, start: int, end: int) -> Context:
    """Qualify the match text[start:end] by the words of its own clause."""
    begin = _clause_start(text, start)
    last_words = " ".join(text[begin:start].split()[-6:])
    asked = is_question(text, end)
    hedged = asked or bool(_HEDGE.search(last_words))
    hedged_number = asked or bool(VOLUME_HEDGE.search(last_words))
    denial = _DENIED_AFTER.match(text, end, min(len(text), end + _WINDOW))
    return Context(
        hedged=hedged,
        hedged_number=hedged_number,
        denied_before=_negation_start(text, begin, start),
        denied_after=denial.end() if denial else None,
        correction=bool(_CORRECTION.search(text, sentence_start(text, start, 45), start))
        or (denial is None and bool(_CORRECTS_AFTER.match(text, end))),
    )
