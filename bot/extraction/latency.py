"""latency: how long a user can wait for an answer.

Budgets in time units are read by threshold: up to 300 ms is critical (autocomplete, voice,
inline UI), up to 10 s is interactive (a person waiting in a chat), longer is relaxed.
"""

from __future__ import annotations

import re

from bot.extraction import numbers
from bot.extraction.model import HINT, HINT_FROM_NEGATION, MEASURED
from bot.extraction.rules import Rule, any_of, rule, stated_outright

FACT = "latency"
CRITICAL, INTERACTIVE, RELAXED = "critical", "interactive", "relaxed"
CRITICAL_UP_TO_S = 0.3
"""A budget up to 300 ms leaves no room for a network hop to a distant API and a queue."""
INTERACTIVE_UP_TO_S = 10.0
"""Up to 10 s a person still waits for the answer; beyond that the work is effectively offline."""

_UNIT = r"ms|msecs?|milli(?:second)?s?|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?"


def _amount(tag: str) -> str:
    """A time amount with named groups suffixed by `tag`, so the pattern can use it twice."""
    number = r"[0-9]+(?:\.[0-9]+)?"
    return (
        rf"(?P<low{tag}>{number}|{numbers.WORD_NUMBER})(?:\s?(?:-|to)\s?(?P<high{tag}>{number}))?"
        rf"\s?(?P<unit{tag}>{_UNIT})\b"
    )


# "under 200 ms", "p95 < 300ms", "latency budget is 2 s", "sub-100 ms" ...
_CUE_BEFORE = (
    r"(?:\b(?:under|below|less than|fewer than|within|sub-?|max(?:imum)?|at most|no more than"
    r"|no longer than|tops|p50|p90|p95|p99|budget|latency|response times?|responds?|answers?|reply|ttft"
    r"|time to first token|turnaround(?: time)?|sla|in under)|<=?|\u2264)"
)
_JOIN = (
    r"(?:\s*(?:<=?|\u2264|[:=~])\s*|\s+(?:of|is|are|under|below|around|about|in|within|target|budget"
    r"|needs to be|must be|should be)\s+|\s+){0,3}"
)
# ... or "1-2 s is fine", "200ms p95", "5-10 second responses".
_CUE_AFTER = (
    r"(?:is|are|would be|should be|'s)\s+(?:totally\s+|perfectly\s+|still\s+)?(?:fine|ok|okay|acceptable"
    r"|good enough|enough|tolerable)|max|tops|or less|or faster|budget|latency|p50|p95|p99|response time"
    r"|round[- ]?trip|ttft|end[- ]to[- ]end|e2e|sla|turnaround|responses?|replies|answers?|waits?|delay"
    r"|feels?\s+(?:right|fine|ok|okay|good|acceptable)"
)
_BUDGET = rf"{_CUE_BEFORE}{_JOIN}{_amount('')}|(?<![\w.-]){_amount('_b')}(?=\s+(?:{_CUE_AFTER})\b)"


def _unit_seconds(unit: str) -> float:
    if unit.startswith(("ms", "milli")):
        return 0.001
    if unit.startswith("min"):
        return 60.0
    return 3600.0 if unit.startswith("h") else 1.0


def budget_class(seconds: float) -> str:
    """The latency class of a response-time budget, by the module's thresholds."""
    if seconds <= CRITICAL_UP_TO_S:
        return CRITICAL
    return INTERACTIVE if seconds <= INTERACTIVE_UP_TO_S else RELAXED


def _budget(match: re.Match[str]) -> str | None:
    tag = "" if match["unit"] else "_b"
    raw = match["high" + tag] or match["low" + tag]  # a range is read by its upper end: "1-2 s" -> 2 s
    amount = float(raw) if raw[0].isdigit() else numbers.word_number(raw)
    return budget_class(amount * _unit_seconds(match["unit" + tag]))


RULES: tuple[Rule, ...] = (
    rule(FACT, r"\blatency\s+is\s+critical\b", CRITICAL, HINT, negated=RELAXED),
    rule(FACT, r"\b(?:relaxed|loose|lax)\s+latency\b", RELAXED),
    rule(FACT, r"\b(?:critical|real[- ]?time)\s+latency\b", CRITICAL),
    stated_outright(FACT),
    rule(FACT, _BUDGET, _budget, MEASURED),
    rule(FACT, r"\bsub[- ]?second\b|\b(?:under|within|less than|in under)\s+(?:a|one)\s+second\b",
         INTERACTIVE),
    rule(FACT, r"\b(?:a\s+)?(?:few|couple(?:\s+of)?|several)\s+(?:seconds|secs)\b", INTERACTIVE),
    rule(FACT, any_of(r"\b(?:a\s+)?(?:few|couple(?:\s+of)?|several)\s+(?:minutes|mins|hours)\b",
                      r"\b(?:minutes|hours)\s+(?:is|are)\s+(?:fine|ok|okay|acceptable)\b",
                      r"\bcan take (?:a while|minutes|hours|some time|as long as)",
                      r"\b(?:can|could|may)\s+be\s+(?:a few\s+|several\s+)?(?:hours|minutes|days)\b"),
         RELAXED),
    rule(FACT, r"\bnear[- ]?real[- ]?time\b", INTERACTIVE),
    rule(FACT, r"\breal[- ]?time\b", CRITICAL, negated=RELAXED, negated_strength=HINT_FROM_NEGATION,
         unless_after=r"[- ]?(?:api|endpoint|sdk)s?\b"),  # a product's name, not a requirement
    rule(FACT, any_of(r"\b(?:latency|latancy|lantency)[- ](?:sensitive|sensitve|senstive|critical)\b",
                      r"\blow[- ]latency\b", r"\bultra[- ]low latency\b",
                      r"\bevery (?:ms|millisecond) (?:counts|matters)\b"),
         CRITICAL, negated=RELAXED),
    # How much latency matters, not which class: a stated budget settles the class.
    rule(FACT, r"\blatency (?:is|matters)\s+(?:\w+\s+)?(?:critical|crucial|key|everything)\b", CRITICAL, HINT,
         negated=RELAXED),
    rule(FACT, any_of(r"\bvoice\s+(?:assistant|agent|bot|calls?|app|interface|channel|product|ui|pipeline"
                      r"|interaction|use case|conversations?)\b",
                      r"\bvoicebots?\b", r"\bivr\b", r"\blive (?:phone )?calls?\b",
                      r"\bspeech[- ]to[- ]speech\b",
                      r"\bphone (?:agent|bot|support line)\b"),
         CRITICAL, negated=None),
    rule(FACT, any_of(r"\bauto-?complet(?:e|ion|ions)\b", r"\bcode completions?\b",
                      r"\binline (?:completions?|suggestions?)\b", r"\btype-?ahead\b",
                      r"\bas (?:they|you|the user|users|people) types?\b",
                      r"\binstant(?:ly|aneous)?\b(?!\s+messag)"),
         CRITICAL, negated=None),
    rule(FACT, r"\binteractive(?:ly)?\b", INTERACTIVE, negated=RELAXED),
    rule(FACT, r"\b(?:daily|weekly|monthly|nightly|quarterly)\s+(?:reports?|digests?|summaries|jobs?|runs?"
               r"|exports?|newsletters?|roll-?ups?)\b",
         RELAXED, HINT, negated=None),
    # Someone waiting on the answer.
    rule(FACT, any_of(r"\b(?:users?|customers?|people|someone|agents?|a human|humans)\s+(?:are\s+|is\s+)?"
                      r"(?:waiting|waits?)\s+(?:for|on)\b",
                      r"\bwaits?\s+on\s+it\b", r"\bwhile (?:they|the user|users|you) wait\b"),
         INTERACTIVE, HINT, negated=RELAXED),
    rule(FACT, r"\b(?:nobody|no one|no-one|noone)(?:'s|\s+is)?\s+(?:[a-z]+\s+){0,2}?(?:waiting|waits?)\b",
         RELAXED, self_negating=True),
    rule(FACT, r"\bwait(?:s|ing)?\s+for\s+(?:the|an|a|their)\s+(?:answer|response|reply|result"
               r"|completion)s?\b",
         INTERACTIVE, HINT, negated=None),
    rule(FACT, any_of(r"\b(?:users?|customers?|people|employees|agents|staff)\s+(?:can\s+|will\s+|would\s+)?"
                      r"chat\s+with\b",
                      r"\b(?:feel|be|stay)\s+(?:snappy|responsive)\b"),
         INTERACTIVE, HINT, negated=None),
    rule(FACT, any_of(r"\bchat\s?(?:ui|interface|widget|window|assistant|experience|frontend|app)\b",
                      r"\bchat ?bots?\b", r"\bin-app chat\b", r"\blive chat\b", r"\bsupport chat\b",
                      r"\bconversational (?:ui|interface|assistant|agent)\b",
                      r"\buser[- ]facing\b", r"\bcustomer[- ]facing\b"),
         INTERACTIVE, HINT, negated=RELAXED),
    # Nobody waiting at all.
    rule(FACT, any_of(r"\b(?:read|reads|review|reviews|look at|looks at|check|checks|get to|gets to"
                      r"|open|opens)\s+"
                      r"(?:them|it|those|these|the \w+|their \w+)\s+later\b",
                      r"\b(?:read|reviewed|looked at|checked)\s+later\b"),
         RELAXED, negated=None),
    rule(FACT, any_of(r"\bnightly\b", r"\bovernight\b",
                      r"\bbatch(?:es|ed)?\b(?!\s+(?:of|size|sizes)\b)",
                      r"\boffline\s+(?:jobs?|processing|pipelines?|batch|tasks?|workloads?|inference|use)\b",
                      r"\bin the background\b",
                      r"\bbackground (?:jobs?|tasks?|process(?:es|ing)?|workers?)\b",
                      r"\basync(?:hronous(?:ly)?)?\b", r"\bcron(?: jobs?)?\b", r"\b(?:next|same)[- ]day\b",
                      r"\bend[- ]of[- ]day\b", r"\b(?:the\s+)?(?:next|following)\s+morning\b",
                      r"\bby morning\b",
                      r"\bover the weekend\b", r"\bonce (?:a|per) (?:day|night|week)\b",
                      r"\b(?:every|each|per|a)\s+night\b",
                      r"\bthroughput (?:over|matters more than|not) latency\b",
                      r"\blatency[- ](?:insensitive|tolerant)\b",
                      r"\bno (?:hard )?latency (?:requirements?|constraints?|concerns?|sla)\b"),
         RELAXED, negated=None),
    rule(FACT, r"\b(?:latency|speed|response times?)\b", None, negated=RELAXED),
    rule(FACT, r"\b(?:don't|do not|doesn't|does not)\s+(?:really\s+)?(?:care|matter)\s+(?:about|how)\s+"
               r"(?:latency|fast|long|speed|quick)", RELAXED, self_negating=True),
)  # fmt: skip
