"""What a message is, decided before any value is read from it.

A message states facts (even when it ends in "?"), imagines a change (a hypothetical, with or
without the words "what if"), asks about the decision in hand ("what would change this?",
"why not an API?", "is 20M enough to self-host?"), or asks a general side question. Commands are
recognised earlier, by `bot.conversation.commands`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

IntentKind = Literal["facts", "hypothetical", "about_decision", "side_question"]
AboutTopic = Literal["flips", "why", "why_not", "enough", "cost"]

_FILLER = (r"(?:(?:hmm+|hm+|ok(?:ay)?|so|and|but|well|also|just curious|curious|out of curiosity|q)"
           r"[\s,:.!-]*)*")
_HYPOTHETICAL = re.compile(
    _FILLER + r"(?:what\s+(?:if|about|happens\s+if|would\s+happen\s+if)|how\s+about|suppose|"
    r"supposing|imagine|hypothetically|say\s+we|let'?s\s+say|in\s+a\s+world\s+where|"
    r"if\s+(?!we\s+(?:self[- ]?host|go\s+self[- ]?hosted|host\s+it\b|run\s+it\s+ourselves))"
    r"(?:we|our|the|it|latency|quality|data|volume|traffic|usage|there|i|they))\b",
    re.IGNORECASE)
"""Openings that imagine a change rather than report one."""
_TRAILING_ASK = re.compile(
    r"[\s,;:-]*(?:(?:would|does|could|will)\s+(?:that|it|this)\s+(?:change|flip|matter|"
    r"make\s+a\s+difference)(?:\s+(?:anything|the\s+answer|the\s+recommendation|your\s+answer))?|"
    r"(?:what|how)\s+(?:then|would\s+change))\s*\??\s*$", re.IGNORECASE)
"""A closing "would that change it?" that turns a statement into a hypothetical."""
_FLIPS = re.compile(
    r"\b(?:what\s+(?:would|could|might|will)\s+(?:change|flip|alter|swing|move)\b|"
    r"what\s+(?:would\s+it\s+take|changes?\s+(?:the|this|your)\s+(?:answer|mind|recommendation))|"
    r"(?:when|under\s+what\s+conditions?)\s+(?:would|does|do|will)\s+(?:this|that|it|the\s+"
    r"(?:answer|recommendation))\s+(?:change|flip)|flip\s*points?|tipping\s+points?|"
    r"change\s+your\s+mind)", re.IGNORECASE)
_WHY_NOT = re.compile(
    r"^\W*(?:but\s+|so\s+)?why\s+(?:not|wouldn'?t\s+(?:we|i)|shouldn'?t\s+(?:we|i)|no|isn'?t\s+it)"
    r"\s+(?:just\s+)?(?:go\s+(?:with\s+)?|use\s+|pick\s+|choose\s+)?(?:an?\s+|the\s+)?"
    r"(?P<target>.+?)\W*$", re.IGNORECASE)
_WHY = re.compile(
    r"^\W*(?:(?:but|so|ok|okay)\s+)?(?:why(?:\s+(?:this|that|so|is\s+that|is\s+it|that\s+one|"
    r"self[- ]?host(?:ing|ed)?|hybrid|(?:an?\s+)?api|proprietary|open[- ]?(?:source|weights?))"
    r"(?:\s+(?:then|here|for\s+us))?)?|how\s+did\s+you\s+(?:decide|get\s+(?:that|there))|"
    r"what(?:'s|\s+is)\s+(?:driving|behind)\s+(?:this|that|the\s+(?:answer|recommendation))|"
    r"explain\s+(?:the|this|that|your)\s+(?:answer|recommendation|choice))\W*$", re.IGNORECASE)
_ENOUGH = re.compile(
    r"\b(?:(?:is|are|would)\s+.{0,40}?\b(?:enough|sufficient|too\s+(?:little|low|small))\b|"
    r"(?:at\s+)?what\s+volume|how\s+(?:much|many)\s+(?:volume|tokens|traffic)\s+"
    r"(?:do\s+we|would\s+we|before|until|to)|break[- ]?even|pays?\s+off)", re.IGNORECASE)
_COST = re.compile(
    r"\b(?:how\s+much\s+(?:would|will|does|do)\s+(?:it|this|that|each|we|they)\b.{0,30}"
    r"\b(?:cost|pay|spend)|what\s+(?:would|will|does)\s+(?:it|this|that|each)\s+cost|"
    r"cost\s+(?:breakdown|comparison|difference)|(?:monthly|total)\s+(?:bill|cost)s?\s*\?)",
    re.IGNORECASE)
_TARGETS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("hybrid", re.compile(r"hybrid|both|mix", re.IGNORECASE)),
    ("open_source", re.compile(r"self[- ]?host|open[- ]?(?:source|weights?)|our\s+own|"
                               r"on[- ]?prem|in[- ]?house|llama|mistral|qwen|local", re.IGNORECASE)),
    ("proprietary", re.compile(r"\bapi\b|proprietary|openai|anthropic|claude|gpt|gemini|vendor|"
                               r"hosted|managed", re.IGNORECASE)),
)
_QUESTION_WORD = re.compile(
    r"^\W*(?:why|what|whats|what's|how|when|which|where|who|whom|should|could|can|is|are|does|"
    r"do|did|would|will|explain|any|tell\s+me)\b", re.IGNORECASE)
_MODAL = re.compile(
    r"\b(?:might|could|would|may|maybe|perhaps|possibly|probably|eventually|someday|one\s+day|"
    r"later\s+on|next\s+year|in\s+the\s+future|down\s+the\s+(?:road|line)|could\s+grow|"
    r"plan(?:ning)?\s+to|hoping|hope\s+to|if\s+things\s+go\s+well|considering)\b|'d\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class Intent:
    kind: IntentKind
    change: str = ""
    """For a hypothetical: the change in the user's words, its "what if" opening removed."""
    topic: AboutTopic | None = None
    target: str | None = None
    """For "why not …?": the option asked about (a scoring choice)."""


def is_question(text: str) -> bool:
    """Opens with a question word: a question even when it also names values."""
    return bool(_QUESTION_WORD.match(text))


def hedged(text: str) -> bool:
    """The statement is tentative ("we might get 2B", "could be 50M"): stated as a possibility."""
    return bool(_MODAL.search(text))


def without_modals(text: str) -> str:
    """`text` with its hedging words removed, to read what it would state if it were sure."""
    return " ".join(_MODAL.sub(" ", text).split())


def hypothetical_change(text: str) -> str | None:
    """The change a hypothetical imagines, or None when `text` is not one."""
    match = _HYPOTHETICAL.match(text)
    if match:
        return text[match.end():].strip(" ,:?!.") or None
    trailing = _TRAILING_ASK.search(text)
    if trailing and trailing.start() > 0 and not is_question(text):
        return text[:trailing.start()].strip(" ,:?!.") or None
    return None


def about_decision(text: str) -> tuple[AboutTopic, str | None] | None:
    """The part of the decision in hand a question asks about, if it asks about one."""
    if _FLIPS.search(text):
        return "flips", None
    why_not = _WHY_NOT.match(text)
    if why_not:
        target = why_not.group("target")
        for choice, pattern in _TARGETS:
            if pattern.search(target):
                return "why_not", choice
        return "why", None
    if _WHY.match(text):
        return "why", None
    if not is_question(text) and not text.rstrip().endswith("?"):
        return None
    if _COST.search(text):
        return "cost", None
    if _ENOUGH.search(text):
        return "enough", None
    return None


def classify(text: str, states_facts: bool) -> Intent:
    """What `text` is; `states_facts` says whether the extractor read any value from it."""
    change = hypothetical_change(text)
    if change is not None:
        return Intent("hypothetical", change=change)
    about = about_decision(text)
    if about is not None:
        topic, target = about
        return Intent("about_decision", topic=topic, target=target)
    if states_facts:
        return Intent("facts")
    if is_question(text) or text.rstrip().endswith("?"):
        return Intent("side_question")
    return Intent("facts")
