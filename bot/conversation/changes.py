"""Reading the change a hypothetical imagines, relative to the facts in hand.

"10x traffic", "double the volume", "30% more tokens", "we hired two ML engineers",
"latency were relaxed": each becomes fact values for a what-if variant. Values are only ever
taken from the user's words, and each comes with those words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.conversation import asking
from bot.extraction import Extraction
from scoring import WorkloadFacts

_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a few": 3,
                 "a couple": 2, "several": 3, "some": 2}
_VOLUME_NOUN = r"(?:volume|traffic|tokens?|usage|load|requests?|users?|calls?|scale)"
_MULTIPLE = re.compile(
    r"\b(?P<times>\d+(?:\.\d+)?)\s*(?:x|times)\b(?:\s+(?:the|our|as\s+much|more|bigger|larger))*"
    r"(?:\s+" + _VOLUME_NOUN + r")?", re.IGNORECASE)
_WORDS = {"double": 2.0, "doubled": 2.0, "twice": 2.0, "triple": 3.0, "tripled": 3.0,
          "quadruple": 4.0, "half": 0.5, "halved": 0.5, "a tenth": 0.1}
_WORD_MULTIPLE = re.compile(
    r"\b(?P<word>double[d]?|twice|triple[d]?|quadruple|half|halved|a\s+tenth)\b(?:\s+(?:the|our|as\s+much))*"
    r"\s*(?:" + _VOLUME_NOUN + r")?", re.IGNORECASE)
_PERCENT = re.compile(
    r"\b(?P<pct>\d+(?:\.\d+)?)\s*%\s*(?P<dir>more|less|fewer|higher|lower|up|down)\b", re.IGNORECASE)
_HIRE = re.compile(
    r"\b(?:hire[ds]?|hiring|brought\s+on|add(?:ed)?|get|got|had|have)\s+(?P<count>\d+|a|an|one|two|three|"
    r"four|five|a\s+couple(?:\s+of)?|a\s+few|several|some)?\s*(?:more\s+)?(?:senior\s+|experienced\s+)?"
    r"(?:ml|machine\s+learning|mlops|ai)\s*(?:ops\s+)?(?:engineers?|people|folks|experts?|team)\b",
    re.IGNORECASE)
_FACT_WORDS: tuple[tuple[str, str], ...] = (
    ("latency", r"latency|response\s+time|speed"),
    ("quality_bar", r"quality(?:\s+bar)?"),
    ("time_to_market", r"time\s+to\s+market|deadline|timeline|urgency"),
    ("data_residency", r"data\s+residency|residency|the\s+data"),
    ("specialization", r"specialis\w*|specializ\w*|the\s+task"),
    ("ml_expertise", r"ml\s+(?:skills?|expertise|experience)|the\s+team"),
)
_SETTING = (r"\s+(?:is|are|were|was|became|becomes|gets?|got|=|:)\s+(?:more\s+|only\s+|just\s+)?"
            r"(?P<value>[\w\s'-]{2,40})")


@dataclass
class Change:
    """The fact values a what-if imagines, with the user's words for each."""

    values: dict[str, str | int | float] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)
    derivations: dict[str, str] = field(default_factory=dict)

    def add(self, fact: str, value: str | int | float, words: str, derivation: str = "") -> None:
        self.values[fact] = value
        self.words[fact] = words
        if derivation:
            self.derivations[fact] = derivation


def relative_volume(text: str, current: int | None) -> tuple[int, str, str] | None:
    """(monthly tokens, words, derivation) for "10x traffic", "double", "30% more"; None when the
    text names no multiple or there is no volume to multiply."""
    if current is None:
        return None
    factor: float | None = None
    words = ""
    percent = _PERCENT.search(text)
    if percent:
        share = float(percent.group("pct")) / 100
        up = percent.group("dir").lower() in ("more", "higher", "up")
        factor, words = (1 + share if up else 1 - share), percent.group(0)
    else:
        multiple = _MULTIPLE.search(text)
        if multiple:
            factor, words = float(multiple.group("times")), multiple.group(0)
        else:
            word = _WORD_MULTIPLE.search(text)
            if word:
                factor = _WORDS[" ".join(word.group("word").lower().split())]
                words = word.group(0)
    if factor is None or factor <= 0:
        return None
    tokens = max(1, round(current * factor))
    return tokens, words.strip(), f"{factor:g} x {current:,}"


def _hired(text: str, known: str | None) -> tuple[str, str] | None:
    match = _HIRE.search(text)
    if not match:
        return None
    count_words = " ".join((match.group("count") or "one").lower().split())
    count = int(count_words) if count_words.isdigit() else _NUMBER_WORDS.get(count_words, 1)
    value = "strong" if count >= 2 or known in ("some", "strong") else "some"
    return value, match.group(0)


def _named_settings(text: str) -> list[tuple[str, str, str]]:
    """(fact, value, words) for "latency were relaxed", "quality is standard"."""
    found = []
    for fact, names in _FACT_WORDS:
        match = re.search(rf"\b(?:{names}){_SETTING}", text, re.IGNORECASE)
        if not match:
            continue
        value = asking.read_bare_answer(fact, match.group("value"))
        if value is not None:
            found.append((fact, value, match.group(0).strip()))
    return found


_BARE_AMOUNT = re.compile(r"\b\d+(?:\.\d+)?\s*(?:k|m|mm|b|bn|thousand|million|billion)\b(?!\s*(?:tokens?|%))",
                          re.IGNORECASE)


def _bare_amount_as_tokens(text: str) -> list[str]:
    """A bare amount ("120M", "we expect 120M by next year") read as monthly tokens: with the
    unit at the end, then with it right after the first amount with a magnitude."""
    tries = [f"{text} tokens per month"]
    amount = _BARE_AMOUNT.search(text)
    if amount is not None:
        tries.append(f"{text[:amount.end()]} tokens per month{text[amount.end():]}")
    return tries


def read_change(text: str, current: WorkloadFacts,
                extractor: Callable[[str], Extraction]) -> tuple[Change, Extraction]:
    """What `text` imagines changing in `current`, and the extractor's own reading of it."""
    extraction = extractor(text)
    change = Change()
    for fact, value in extraction.stated().items():
        change.add(fact, value, extraction.evidence.get(fact, text),
                   extraction.derivations.get(fact, ""))
    if "monthly_tokens" not in change.values:
        relative = relative_volume(text, current.monthly_tokens)
        if relative is not None:
            change.add("monthly_tokens", *relative)
        elif any(ch.isdigit() for ch in text):
            for retry_text in _bare_amount_as_tokens(text):
                retry = extractor(retry_text)
                if retry.facts.monthly_tokens is not None:
                    change.add("monthly_tokens", retry.facts.monthly_tokens, text,
                               retry.derivations.get("monthly_tokens", ""))
                    break
    if "ml_expertise" not in change.values:
        hired = _hired(text, current.ml_expertise)
        if hired is not None:
            change.add("ml_expertise", *hired)
    for fact, value, words in _named_settings(text):
        if fact not in change.values:
            change.add(fact, value, words)
    return change, extraction
