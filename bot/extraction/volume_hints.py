"""Volume words that are not a monthly figure: half of a count x size, vague amounts, a corrected period."""

from __future__ import annotations

import re

from bot.extraction import context, numbers, units
from bot.extraction.context import FLAGS
from bot.extraction.model import HINT, Finding, PeriodCorrection, VolumeParts
from bot.extraction.quantities import Quantity

FACT = "monthly_tokens"
HIGH_VOLUME_GUESS = 100_000_000
""""A lot of traffic" read as ~100M tokens/month: above the framework's 50M reference, to confirm."""
LOW_VOLUME_GUESS = 5_000_000
""""Not much traffic" read as ~5M tokens/month: well below the framework's 50M reference, to confirm."""

_HIGH = re.compile(
    r"\b(?:a lot|lots|tons|loads|heaps|a ton|a huge amount|huge amounts|massive amounts"
    r"|a massive amount)\s+of\s+"
    r"(?:traffic|volume|usage|requests|tokens|calls|queries|load)\b"
    r"|\b(?:high|heavy|huge|massive|big|large|serious|insane)\s+(?:traffic|volume|usage|load)\b",
    FLAGS,
)
_LOW = re.compile(
    r"\b(?:not (?:a lot of|much|that much|many)|very little|little|low|light|tiny|small|modest)\s+"
    r"(?:traffic|volume|usage|load)\b",
    FLAGS,
)


def vague_volume(text: str) -> list[Finding]:
    """An estimate from words like "a lot of traffic", which state a volume without a figure."""
    for pattern, guess, side in ((_LOW, LOW_VOLUME_GUESS, "below"), (_HIGH, HIGH_VOLUME_GUESS, "above")):
        for match in pattern.finditer(text):
            around = context.read(text, match.start(), match.end())
            if around.hedged or (around.denied_before is not None and pattern is _HIGH):
                continue
            derivation = (f"no figure given: read as ~{numbers.compact(guess)} tokens/month, {side} the "
                          "framework's 50M/month reference, to confirm")
            return [Finding(FACT, guess, HINT, match.start(), match.end(), derivation, kind="estimate")]
    return []


def bare_counts(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """Unnamed counts at a rate ("a few hundred a day"), too small to be tokens: a count of requests."""
    counts = []
    for q in quantities:
        if q.kind != "bare" or q.period is None or q.value >= 1e6 or q.negative:
            continue
        if units.MONEY_BEFORE.search(context.clause_before(text, q.start)[-40:]) or units.MONEY_AFTER.match(
            text, q.number_end
        ):
            continue
        counts.append(q)
    return counts


def _count_derivation(count: Quantity) -> str:
    period = count.period or units.PERIODS["month"]
    noun = count.noun or "items"
    tail = f" {period.note}" if period.note else ""
    return f"{count.label} {noun}/{period.name}{tail}"


def _items_per_month(count: Quantity) -> float:
    return count.value * (count.period.per_month if count.period else 1.0)


def whole(original: str, count: Quantity, size: Quantity) -> VolumeParts:
    """Both halves of a volume stated together ("20k requests a day at ~1.5k tokens each")."""
    return VolumeParts(
        items_per_month=_items_per_month(count), tokens_per_item=round(size.value), item=count.noun,
        count_words=original[count.start : count.end].strip(),
        size_words=original[size.start : size.end].strip(),
        count_derivation=_count_derivation(count), estimated=count.vague or size.vague,
    )  # fmt: skip


def half(original: str, counts: list[Quantity], sizes: list[Quantity]) -> VolumeParts | None:
    """The one half a message states, a count at a rate or a size per item, for a later one to complete."""
    if len(counts) == 1 and not sizes:
        count = counts[0]
        return VolumeParts(
            items_per_month=_items_per_month(count), item=count.noun,
            count_words=original[count.start : count.end].strip(), count_derivation=_count_derivation(count),
            estimated=count.vague,
        )  # fmt: skip
    if len(sizes) == 1 and not counts:
        size = sizes[0]
        return VolumeParts(tokens_per_item=round(size.value),
                           size_words=original[size.start : size.end].strip(), estimated=size.vague)
    return None


def _period(group: str) -> str:
    return (
        rf"(?:(?:per|a|an|each|every|/)\s*(?P<{group}>{units.UNIT_WORDS})s?"
        rf"|(?P<{group}_adv>hourly|daily|nightly|weekly|monthly|yearly|annually|quarterly))\b"
    )


_CORRECTED_PERIOD = (
    re.compile(rf"{_period('right')}\s*,?\s*(?:not|instead of|rather than)\s+{_period('wrong')}", FLAGS),
    re.compile(rf"\bnot\s+{_period('wrong')}\s*,?\s*(?:but\s+|it's\s+|its\s+)?{_period('right')}", FLAGS),
    re.compile(
        r"\b(?:i meant|i mean|sorry|actually|make (?:it|that)|meant|should be|should have said|that's"
        rf"|that was|it's|it is)\s*,?\s*(?:i meant\s+|it's\s+)?{_period('right')}(?=\W*$)",
        FLAGS,
    ),
)


def _named(match: re.Match[str], group: str) -> units.Period | None:
    if group not in match.re.groupindex:
        return None
    word = match[group] or match[group + "_adv"]
    return units.period_named(word) if word else None


def period_correction(text: str, original: str) -> PeriodCorrection | None:
    """"per week not per day", "sorry, I meant monthly": a new period for the volume already stated."""
    for pattern in _CORRECTED_PERIOD:
        match = pattern.search(text)
        if match is None:
            continue
        right, wrong = _named(match, "right"), _named(match, "wrong")
        if right is None or (wrong is not None and wrong.name == right.name):
            continue
        factor = right.per_month / wrong.per_month if wrong else None
        return PeriodCorrection(period=right.name, replaces=wrong.name if wrong else None,
                                words=original[match.start() : match.end()].strip(), factor=factor)
    return None
