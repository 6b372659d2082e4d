"""What may follow a number: tokens, requests, people, and a period ("a day", "/mo", "monthly")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extraction.context import FLAGS


@dataclass(frozen=True)
class Period:
    """A time unit and how to turn a rate per that unit into a rate per month."""

    name: str
    per_month: float
    note: str
    """How the conversion reads in a derivation, e.g. "x 30 days"."""


# A month is 30 days, 52/12 weeks, or 22 working days; a year is 12 months.
PERIODS: dict[str, Period] = {
    period.name: period
    for period in (
        Period("second", 86_400 * 30, "x 86,400 s x 30 days"),
        Period("minute", 1_440 * 30, "x 1,440 min x 30 days"),
        Period("hour", 24 * 30, "x 24 h x 30 days"),
        Period("day", 30, "x 30 days"),
        Period("business day", 22, "x 22 business days"),
        Period("week", 52 / 12, "x 52/12 weeks"),
        Period("month", 1, ""),
        Period("quarter", 1 / 3, "/ 3 months"),
        Period("year", 1 / 12, "/ 12 months"),
    )
}
_ALIASES: dict[str, str] = {
    "s": "second", "sec": "second", "second": "second",
    "min": "minute", "minute": "minute", "rpm": "minute",
    "h": "hour", "hr": "hour", "hour": "hour", "hourly": "hour",
    "d": "day", "day": "day", "daily": "day", "night": "day", "nightly": "day",
    "businessday": "business day", "workingday": "business day", "workday": "business day",
    "weekday": "business day",
    "w": "week", "wk": "week", "week": "week", "weekly": "week",
    "mo": "month", "mth": "month", "month": "month", "monthly": "month",
    "q": "quarter", "qtr": "quarter", "quarter": "quarter", "quarterly": "quarter",
    "y": "year", "yr": "year", "year": "year", "yearly": "year", "annually": "year",
    "perannum": "year", "pa": "year", "p.a.": "year",
    "rps": "second", "qps": "second",
}  # fmt: skip


def period_named(word: str) -> Period | None:
    """The Period for a unit word or abbreviation ("daily", "/mo", "per annum"), if any."""
    key = re.sub(r"[\s]+", "", word.lower())
    name = _ALIASES.get(key) or _ALIASES.get(key.rstrip("s"))
    return PERIODS[name] if name else None


_UNIT_WORDS = (
    r"business\s+day|working\s+day|work\s?day|week\s?day|hour|day|week|month|year|minute|second|night|"
    r"quarter|mo|mth|hr|yr|wk|min|sec"
)
UNIT_WORDS = _UNIT_WORDS
"""Period words and their abbreviations, as an alternation for patterns."""
PERIOD_AFTER = re.compile(
    rf"\s*(?:(?:per|a|an|each|every|/)\s*(?P<unit>{_UNIT_WORDS})s?"
    r"|/\s?(?P<abbr>h|d|w|y|q|s|qtr)"
    r"|(?P<adv>hourly|daily|nightly|weekly|monthly|yearly|annually|quarterly|per\s+annum))\b",
    FLAGS,
)
PERIOD_BEFORE = re.compile(
    rf"\b(?:(?:per|a|an|each|every)\s+(?P<unit>{_UNIT_WORDS})"
    r"|(?P<adv>hourly|daily|nightly|weekly|monthly|yearly|annually|quarterly))\b",
    FLAGS,
)
# Words that may sit between "3M tokens" and "a day": "3M tokens through the API a day".
FILLER = re.compile(
    r"\s+(?!(?:and|but|or|so|because|while|with|at|which|that|if|when|plus|per|each|every|from|"
    r"of)\b)[A-Za-z']+",
    FLAGS,
)

REQUEST_NOUNS = (
    r"(?:requests?|reqs?|api\s+calls?|calls?|queries|query|messages?|msgs?|conversations?|convos?|chats?|"
    r"tickets?|documents?|docs?|emails?|e-mails?|pages?|prompts?|completions?|summaries|summary|"
    r"transcripts?|articles?|records?|files?|interactions?|questions?|generations?|invocations?|"
    r"sessions?|reviews?|reports?|contracts?|claims?|notes?|invoices?|descriptions?|listings?|posts?|"
    r"comments?|lookups?|searches|search|jobs?|tasks?|items?|pull\s+requests?|prs?|responses?|replies|"
    r"answers?|translations?|chunks?|pdfs?|turns?|events?|emails?|threads?|cases?|orders?|of them|of those|"
    r"of these)"
)
PEOPLE_NOUNS = (
    r"(?:users?|employees?|agents?|people|persons|staff|customers?|seats?|reps?|analysts?|engineers?|"
    r"developers?|devs?|lawyers?|attorneys?|paralegals?|doctors?|clinicians?|physicians?|nurses?|"
    r"members?|students?|teachers?|writers?|editors?|advisors?|accountants?|merchants?|sellers?)"
)

TOKEN_UNIT = re.compile(
    r"\s?-?\s?(?:(?P<io>input|output|prompt|completion)\s+"
    r"|(?:input|in|prompt)\s*(?:\+|and|/|&)\s*(?:output|out|completion)\s+|total\s+)?"
    r"(?:tokens?|toks?|tkns?|tokns|toekns|tokenz)\b(?:\s(?P<io_after>in|out|input|output)\b(?!\s+(?:the|a|an)\b))?",
    FLAGS,
)
IO_WITHOUT_TOKENS = re.compile(r"\s?(?P<io>input|output|in|out|prompt|completion)\b", FLAGS)
RATE_UNIT = re.compile(r"\s?(?P<rate>rps|qps|rpm)\b", FLAGS)
REQUEST_UNIT = re.compile(
    r"\s?(?:(?P<adj>hourly|daily|nightly|weekly|monthly|yearly)\s+)?"
    r"(?:(?:api|llm|model|inference|user|customer|support|chat|search|incoming|inbound|new|separate)\s+){0,2}"
    rf"(?P<noun>{REQUEST_NOUNS})\b",
    FLAGS,
)
PEOPLE_UNIT = re.compile(
    r"\s?(?:(?:daily|monthly|weekly)\s+)?(?:active\s+)?(?:(?:support|sales|customer|internal|human|"
    rf"service|call\s+center)\s+)?(?P<noun>{PEOPLE_NOUNS})\b",
    FLAGS,
)
PER_PERSON = re.compile(rf"\s*(?:per|/|a|an|each|every)\s*{PEOPLE_NOUNS}\b", FLAGS)
PER_ITEM_AFTER = re.compile(
    r"\s*(?:each|apiece|a piece|a pop|in\s+and\s+out)\b"
    rf"|\s*(?:per|/|a|an|every|each)\s*(?:{REQUEST_NOUNS}|item|one|input|output)\b"
    rf"|\s*-?\s*(?:long\s+|sized?\s+)?{REQUEST_NOUNS}\b"
    r"|\s*(?:of\s+)?(?:context|window|ctx|limit|max)\b",
    FLAGS,
)
PER_ITEM_BEFORE = re.compile(
    r"\b(?:each|per|every)\s+(?!(?:hour|day|week|month|year|night|minute|second|quarter)\b)\w+"
    r"|\b(?:each|apiece)\s*(?:~|about|around|roughly|approx\.?|maybe|like)?\s*$"
    r"|\b(?:avg|average|averages|averaging|up to|max|maximum|context|window|length|size|long|limit|under|"
    r"below|over|above|less than|more than|at most|at least)\b"
    rf"|\b{REQUEST_NOUNS}\b\s*(?:is|are|of|with|at|around|about|have|has|run|runs|contain|ranging)?\s*"
    r"(?:about|around|roughly|approx\.?|~)?\s*$",
    FLAGS,
)
ONE_OFF_BEFORE = re.compile(
    r"\b(?:corpus|dataset|data\s+set|backlog|archive|knowledge\s+base|fine-?tun\w*|training|one[- ]off|"
    r"one[- ]time|in\s+total|total\s+of|history|historical|backfill)\b",
    FLAGS,
)
# A rate per GPU or per user is a capacity or a share, not the workload's total.
PER_UNIT_OF_CAPACITY = re.compile(
    r"\s*(?:per|/|on|on a|on one|each)\s*(?P<unit>gpu|node|replica|instance|card|a100|h100|l4|pod|server|"
    r"machine|stream|core|worker|user|person|seat|employee|customer|agent|dev|developer)s?\b",
    FLAGS,
)
PERSON_SHARES = frozenset({"user", "person", "seat", "employee", "customer", "agent", "dev", "developer"})
DENOMINATOR_BEFORE = re.compile(r"(?:\bper|/|\bevery)\s*$", FLAGS)
VOLUME_CUE = re.compile(
    r"\b(?:tokens?|volume|usage|throughput|traffic|actually|more like|closer to|make (?:it|that)|"
    r"correction|i mean|i meant|scratch that)\b",
    FLAGS,
)
MONEY_BEFORE = re.compile(
    r"[$\u20ac\u00a3\u00a5]|\b(?:usd|eur|gbp|spend|spending|spent|cost|costs|costing|budget|pay|paying|"
    r"paid|bill|billed|invoice|price|pricing|priced|revenue|arr|mrr|salary|funding|raised|valuation)\b",
    FLAGS,
)
MONEY_AFTER = re.compile(r"\s?(?:usd|eur|gbp|dollars?|bucks|euros?)\b", FLAGS)
# Words that may follow a bare volume ("actually 20M for the bot"); any other word makes it a count
# of something else ("20M users", "7B model").
BARE_FOLLOWERS = frozenset({
    "and", "or", "but", "so", "now", "right", "total", "tops", "max", "ish", "for", "is", "are", "was",
    "which", "that", "these", "currently", "today", "instead", "then", "overall", "at", "in", "per", "a",
    "each", "every", "roughly", "give",
})  # fmt: skip
