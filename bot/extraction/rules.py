"""Phrase rules: a pattern, the reading it gives, and the reading when it is denied."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.extraction import context
from bot.extraction.context import FLAGS
from bot.extraction.model import CORRECTION_BONUS, CUE, STATED, Finding
from scoring import CATEGORICAL_FACTS

Reading = str | Callable[[re.Match[str]], str | None] | None
"""A fixed value, a function of the match (for numbers and counts), or None for "no reading"."""


@dataclass(frozen=True)
class Rule:
    """One way of stating a fact. Rules for a fact are tried in order; earlier ones claim their words."""

    fact: str
    pattern: re.Pattern[str]
    value: Reading
    strength: int = STATED
    negated: str | None = None
    """The reading when a negation governs the phrase ("not latency sensitive")."""
    negated_strength: int = STATED
    self_negating: bool = False
    """The pattern spells out its own negation ("can't leave our DC"); do not look for another."""
    unless_after: re.Pattern[str] | None = None
    denied_by: re.Pattern[str] | None = None
    """If set, the only negation before the match that counts is this pattern, ending right there
    ("no PII", but not "can't send PII"): for nouns, where a nearby negation usually governs a verb
    instead. A denial after the match ("quality doesn't matter") still counts."""
    cue: str | None = None
    """When set, an undenied match gives this cue ("regulated data mentioned") instead of a value:
    words that make the fact worth asking about without settling it."""


ONLY_DENIED_AFTER = r"(?!)"
"""A `denied_by` that never matches: only a denial after the phrase counts."""


def one_of(*choices: str) -> str:
    """A group of alternatives: one_of("a", "b") == "(?:a|b)"."""
    return "(?:" + "|".join(choices) + ")"


def any_of(*patterns: str) -> str:
    """Whole patterns as alternatives of one pattern, so a rule can list its phrasings one per line."""
    return "|".join(patterns)


def rule(
    fact: str,
    pattern: str,
    value: Reading,
    strength: int = STATED,
    *,
    negated: str | None = None,
    negated_strength: int = STATED,
    self_negating: bool = False,
    unless_after: str | None = None,
    denied_by: str | None = None,
    cue: str | None = None,
) -> Rule:
    """Build a Rule. Patterns are lower case: they are matched against lower-cased text."""
    return Rule(
        fact=fact,
        pattern=re.compile(pattern, FLAGS),
        value=value,
        strength=strength,
        negated=negated,
        negated_strength=negated_strength,
        self_negating=self_negating,
        unless_after=re.compile(unless_after, FLAGS) if unless_after else None,
        denied_by=re.compile(denied_by, FLAGS) if denied_by else None,
        cue=cue,
    )


def _spelled(name: str) -> str:
    return r"[_ ]".join(re.escape(word) for word in name.split("_"))


def _enum_value(match: re.Match[str]) -> str:
    return "_".join(match["value"].replace("_", " ").split())


def stated_outright(fact: str) -> Rule:
    """The fact named with one of its values, as in a form or the bot's own summary: "latency: relaxed"."""
    values = "|".join(_spelled(value) for value in CATEGORICAL_FACTS[fact].__members__.values())
    return rule(fact, rf"\b{_spelled(fact)}\s*(?:[:=]|is|-)\s*(?P<value>{values})\b", _enum_value)


MAX_MATCHES_PER_RULE = 50
"""Past this many uses of one phrasing the message is a pasted document; reading more adds nothing."""


def _plain_value(found: Rule, match: re.Match[str]) -> str | None:
    return found.value(match) if callable(found.value) else found.value


def _reading(
    text: str, found: Rule, match: re.Match[str], around: context.Context
) -> tuple[str | None, int, tuple[int, int], bool]:
    """The value, strength and evidence span of one match, and whether it is denied."""
    start, end = match.span()
    before = around.denied_before
    if found.denied_by is not None:
        denial = found.denied_by.search(text, max(0, start - 40), start)
        before = denial.start() if denial else None
    if found.self_negating or (before is None and around.denied_after is None):
        return _plain_value(found, match), found.strength, (start, end), False
    span = (before, end) if before is not None else (start, around.denied_after or end)
    return found.negated, found.negated_strength, span, True


def apply(text: str, rules: Iterable[Rule]) -> list[Finding]:
    """Every reading the rules give for `text`, one per matched phrase.

    A phrase that is hedged ("maybe real-time") or asked ("does it need to be real-time?")
    gives no reading. A phrase wholly inside words an earlier rule for the same fact has read
    is skipped, so "somewhat domain-specific" is read once, as moderate, not also as niche.
    """
    findings: list[Finding] = []
    claimed: dict[str, bytearray] = {}
    for found in rules:
        mask = claimed.setdefault(found.fact, bytearray(len(text)))
        for count, match in enumerate(found.pattern.finditer(text)):
            if count == MAX_MATCHES_PER_RULE:
                break
            start, end = match.span()
            if end <= start or mask.find(0, start, end) == -1:
                continue  # every word already read by an earlier rule for this fact
            if found.unless_after and found.unless_after.match(text, end):
                continue
            mask[start:end] = b"\x01" * (end - start)
            around = context.read(text, start, end)
            if around.hedged:
                continue
            value, strength, span, denied = _reading(text, found, match, around)
            if value is None and found.cue is not None and not denied:
                findings.append(Finding(found.fact, found.cue, CUE, *span, kind="cue"))
                continue
            if value is None:
                continue
            if around.correction:
                strength += CORRECTION_BONUS
            findings.append(Finding(found.fact, value, strength, *span))
    return findings
