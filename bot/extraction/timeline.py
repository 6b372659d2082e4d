"""time_to_market: whether the workload must ship within weeks, or can take its time."""

from __future__ import annotations

import re

from bot.extraction import numbers
from bot.extraction.context import FLAGS
from bot.extraction.rules import Rule, any_of, rule, stated_outright

FACT = "time_to_market"
URGENT, NORMAL = "urgent", "normal"
URGENT_WITHIN_DAYS = 28
"""A delivery date within four weeks is urgent; "in a month" or later is normal."""

_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}
_UNIT_NAMES = {"d": "day", "wk": "week", "w": "week", "mo": "month", "mth": "month", "qtr": "quarter",
               "yr": "year"}
_UNITS = r"(?:days?|weeks?|wks?|months?|mos?|mths?|quarters?|qtrs?|years?|yrs?)"
_DELIVERY = re.compile(
    r"\b(?:need|needs|needed|ship|shipped|launch|launching|live|deliver|done|ready|deadline|demo|release|prod"
    r"|production|mvp|poc|prototype|pilot|roll\s?out|go|build|working|running|due|have it|get it|out)\b",
    FLAGS,
)
# "I'm out next week": someone's calendar, not the project's.
_AWAY = re.compile(
    r"\b(?:i'm|i am|i'll be|we're|he's|she's|they're|[a-z]+ is)\s+(?:out|off|away|travell?ing"
    r"|on (?:vacation|leave|pto|holiday))\b|\booo\b|\bpto\b",
    FLAGS,
)
_GROWTH = re.compile(
    r"\b(?:expect|expects|expecting|expected|grow|grows|growing|reach|reaching|hit|hitting|scale|scaling"
    r"|projected|projecting|forecast|double|doubling|triple|tripling|ramp|ramping|estimate)\b",
    FLAGS,
)


def _deadline(match: re.Match[str]) -> str | None:
    """A delivery date in N days/weeks/months: urgent within four weeks ("in 2 weeks"), else normal."""
    if not _DELIVERY.search(match.string, max(0, match.start() - 60), match.end() + 30):
        return None  # "in 3 months we expect 100M tokens" dates a forecast, not a delivery
    raw, unit = (match["n"], match["u"]) if match["n"] else (match["n2"], match["u2"])
    count = float(raw) if raw[0].isdigit() else numbers.word_number(raw)
    name = unit.rstrip("s")
    return URGENT if count * _DAYS[_UNIT_NAMES.get(name, name)] <= URGENT_WITHIN_DAYS else NORMAL


def _soon(match: re.Match[str]) -> str | None:
    """Urgent ("need it next week"), unless next week is when someone is away."""
    return None if _AWAY.search(match.string, max(0, match.start() - 40), match.start()) else URGENT


# "doctors read them later, no rush": nobody waits for the answer, which is latency, not delivery.
_READ_LATER = re.compile(r"\b(?:later|whenever they (?:can|like|want)|next morning|by morning)\W*$", FLAGS)


def _unhurried(match: re.Match[str]) -> str | None:
    """Normal ("no rush"), unless it follows when the output is read ("they read them later, no rush")."""
    return None if _READ_LATER.search(match.string, max(0, match.start() - 30), match.start()) else NORMAL


def _calendar(match: re.Match[str]) -> str | None:
    """Normal ("next quarter"), unless the date belongs to a forecast ("100M tokens by next year")."""
    return None if _GROWTH.search(match.string, max(0, match.start() - 50), match.start()) else NORMAL


_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_COUNT = rf"(?:[0-9]+|{numbers.WORD_NUMBER})"

RULES: tuple[Rule, ...] = (
    stated_outright(FACT),
    rule(FACT, r"\bno\s+(?:rush|hurry)\b", _unhurried, self_negating=True),
    rule(FACT, any_of(r"\bno\s+(?:hard deadline|deadline|time pressure|urgency|fixed date)\b",
                      r"\bnot\s+in\s+a\s+(?:rush|hurry)\b", r"\b(?:take|taking)\s+our\s+time\b",
                      r"\bnot\s+(?:urgent|time[- ]sensitive|a priority this quarter)\b"),
         NORMAL, self_negating=True),
    rule(FACT, any_of(rf"\b(?:in|within|by|next|in the next|over the next)\s+(?P<n>{_COUNT})\s*"
                      rf"(?P<u>{_UNITS})\b",
                      rf"\b(?:have|has|got|only|just)\s+(?P<n2>{_COUNT})\s*(?P<u2>{_UNITS})\s+"
                      r"(?:to|until|before|left)\b"),
         _deadline, negated=None),
    rule(FACT, any_of(r"\basap\b", r"\bas\s+soon\s+as\s+(?:possible|we can)\b",
                      r"\b(?<!anything )(?<!something )urgent(?:ly)?\b",
                      r"\bright\s+away\b", r"\bimmediately\b",
                      r"\b(?:needed|need|want(?:ed)?)\s+(?:it|this)\s+yesterday\b",
                      r"\b(?:by|before|until|for|due)\s+(?:the\s+)?(?:end\s+of\s+)?(?:this|next|the)\s+"
                      r"(?:week|sprint)\b",
                      r"\bthis\s+sprint\b", r"\beo[dw]\b",
                      r"\bend of (?:the )?(?:day|week)\b",
                      rf"\bdemo\b[^.;!?\n]{{0,25}}?\b{_WEEKDAY}\b",
                      rf"\b(?:by|before|until|due)\s+(?:this\s+|next\s+)?{_WEEKDAY}\b", r"\btomorrow\b",
                      r"\btight\s+(?:deadline|timeline|timeframe|schedule)\b", r"\bhard\s+deadline\b",
                      r"\btime[- ](?:sensitive|critical|pressure)\b",
                      r"\bunder\s+(?:a lot of\s+)?(?:time\s+)?pressure\b",
                      r"\bship\s+(?:it\s+)?(?:fast|quickly|soon)\b", r"\bquick\s+win\b", r"\bfire\s+drill\b"),
         URGENT, negated=NORMAL),
    rule(FACT, r"\bnext\s+week\b", _soon, negated=None),
    rule(FACT, any_of(r"\bnext\s+(?:quarter|year|half|fiscal year|fy)\b",
                      r"\b(?:later|sometime|some time)\s+(?:this|next)\s+(?:year|quarter)\b",
                      r"\bby the end of (?:the|this) (?:quarter|year)\b",
                      r"\b(?:in|by|for|target(?:ing)?|launch(?:ing)?|ship(?:ping)?|before|until)\s+"
                      r"(?:early\s+|mid[- ]|late\s+|end of\s+)?(?:q[1-4]|h[12])\b",
                      r"\bexploratory\b", r"\bjust exploring\b",
                      r"\b(?:early|exploration|research|evaluation|discovery)\s+(?:phase|stage)\b",
                      r"\bflexible\s+(?:timeline|deadline|timeframe)\b",
                      r"\b(?:timeline|deadline|timeframe|schedule)\s+(?:is|'s)\s+(?:\w+\s+)?(?:flexible|open"
                      r"|relaxed|loose)\b",
                      r"\bwhenever (?:it's|its|it is) ready\b",
                      r"\blong[- ]term\s+(?:project|plan|investment|bet)\b"),
         _calendar, negated=None),
)  # fmt: skip
