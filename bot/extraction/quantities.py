"""Find the numbers in a message and what each one counts: tokens, requests, people, or nothing named."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extraction import numbers, units
from bot.extraction.context import FLAGS
from bot.extraction.units import Period


@dataclass
class Quantity:
    """One number in the message with the unit and period that follow it."""

    start: int
    end: int
    """End of the number and its unit and period: the evidence span is text[start:end]."""
    value: float
    label: str
    """How the number reads in a derivation: "1.5k", or "2.5M (midpoint of 2M-3M)"."""
    negative: bool = False
    kind: str = "bare"
    """One of tokens, requests, people, counted (some other noun, at a rate) or bare (no unit)."""
    number_end: int = 0
    """End of the number itself, before any unit."""
    noun: str = ""
    io: str | None = None
    """Set to input or output when the message splits tokens that way."""
    io_needs_partner: bool = False
    """Labelled "in"/"out" without the word tokens: only a volume if its counterpart is there too."""
    period: Period | None = None
    per_item: bool = False
    """Tokens stated per request or document ("1.5k tokens each"), not per unit of time."""
    per_person: bool = False
    """Requests counted per person ("40 tickets per agent a day")."""
    share: str | None = None
    """Tokens counted per GPU, per user...: a capacity or a share, not the workload's total."""
    low: float = 0.0
    high: float = 0.0
    written_large: bool = False
    """Written with a magnitude ("20M", "a million"), thousands commas or an exponent."""
    range_from: bool = False
    """A "from X to Y" range: a change of volume, not an estimate between two values."""
    vague: bool = False
    """Stated as an order of magnitude ("a few hundred", "thousands of"): a volume from it is an estimate."""
    between: bool = False
    """A "between X and Y" range."""


_AND_NUMBER = re.compile(
    rf"\s*(?:and|&)\s*(?P<n2>{numbers.NUMBER})\s?(?P<m2>{numbers.MAGNITUDE})?\+?(?![A-Za-z0-9])", FLAGS
)
_BETWEEN_BEFORE = re.compile(r"\bbetween\s*$", FLAGS)


def _between(text: str, match: re.Match[str]) -> re.Match[str] | None:
    """The "and Y" that completes "between X and Y", if this number is X."""
    if not match["n1"] or match["n2"]:
        return None
    if not _BETWEEN_BEFORE.search(text, max(0, match.start() - 10), match.start()):
        return None
    return _AND_NUMBER.match(text, match.end())


def _between_value(first: re.Match[str], second: re.Match[str]) -> tuple[float, str, float, float]:
    low = numbers.parse_number(first["n1"]) * numbers.magnitude(first["m1"] or second["m2"])
    high = numbers.parse_number(second["n2"]) * numbers.magnitude(second["m2"] or first["m1"])
    low, high = min(low, high), max(low, high)
    middle = (low + high) / 2
    label = f"{numbers.compact(middle)} (midpoint of {numbers.compact(low)}-{numbers.compact(high)})"
    return middle, label, low, high


def _value(match: re.Match[str]) -> tuple[float, str, float, float]:
    if match["wp"]:
        words = " ".join(match["wp"].split())
        value = numbers.PLURAL_AMOUNTS[words]
        return value, f"{words} (read as ~{numbers.compact(value)})", value, value
    if match["w"]:
        value = numbers.word_number(match["w"]) * numbers.magnitude(match["wm"])
        if " ".join(match["w"].split()) in numbers.VAGUE_WORDS:
            words = " ".join(match.group().split())
            return value, f"{words} (read as ~{numbers.compact(value)})", value, value
        return value, numbers.compact(value), value, value
    high_suffix = match["m2"]
    low = numbers.parse_number(match["n1"]) * numbers.magnitude(match["m1"] or high_suffix)
    if not match["n2"]:
        return low, numbers.compact(low), low, low
    high = numbers.parse_number(match["n2"]) * numbers.magnitude(high_suffix or match["m1"])
    middle = (low + high) / 2
    label = f"{numbers.compact(middle)} (midpoint of {numbers.compact(low)}-{numbers.compact(high)})"
    return middle, label, low, high


def _period_after(text: str, pos: int) -> tuple[Period | None, int]:
    """The period stated at `pos`, allowing a few filler words before it ("tokens through the API a day")."""
    cursor = pos
    for _ in range(4):
        found = units.PERIOD_AFTER.match(text, cursor)
        if found:
            word = found["unit"] or found["abbr"] or found["adv"]
            period = units.period_named(word)
            if period:
                return period, found.end()
            return None, pos
        filler = units.FILLER.match(text, cursor)
        if not filler:
            break
        cursor = filler.end()
    return None, pos


def _classify(text: str, quantity: Quantity) -> None:
    """Fill in the unit, period and per-item flags from the words after the number."""
    pos = quantity.end
    if unit := units.TOKEN_UNIT.match(text, pos):
        quantity.kind, quantity.io = "tokens", _io(unit["io"] or unit["io_after"])
        pos = unit.end()
        if marker := units.PER_ITEM_AFTER.match(text, pos):
            quantity.per_item = True
            quantity.end = marker.end()
            return
    elif unit := units.RATE_UNIT.match(text, pos):
        quantity.kind, quantity.noun = "requests", "requests"
        quantity.period = units.period_named(unit["rate"])
        quantity.end = unit.end()
        return
    elif unit := units.REQUEST_UNIT.match(text, pos):
        noun = " ".join(unit["noun"].split())
        quantity.kind, quantity.noun = "requests", "requests" if noun.startswith("of ") else noun
        quantity.period = units.period_named(unit["adj"]) if unit["adj"] else None
        pos = unit.end()
        if per_person := units.PER_PERSON.match(text, pos):
            quantity.per_person, pos = True, per_person.end()
    elif unit := units.PEOPLE_UNIT.match(text, pos):
        quantity.kind, quantity.noun = "people", unit["noun"]
        pos = unit.end()
    elif unit := units.IO_WITHOUT_TOKENS.match(text, pos):
        quantity.kind, quantity.io, quantity.io_needs_partner = "tokens", _io(unit["io"]), True
        pos = unit.end()
    if quantity.period is None:
        period, after = _period_after(text, pos)
        if period:
            quantity.period, pos = period, after
            counted = re.match(r"\s+([a-z][a-z-]*)", text[quantity.number_end : after])
            thing = counted.group(1) if counted else None
            if quantity.kind in {"bare", "people"} and thing and thing not in units.BARE_FOLLOWERS:
                # "2M transactions/day", "20k users a day": a rate of things, which becomes a volume
                # once a size in tokens per thing is stated.
                quantity.kind, quantity.noun = "counted", quantity.noun or thing
    if quantity.kind == "tokens" and (share := units.PER_UNIT_OF_CAPACITY.match(text, pos)):
        quantity.share, pos = share["unit"], share.end()
    quantity.end = pos


def _io(word: str | None) -> str | None:
    if not word:
        return None
    return "input" if word.lower() in {"input", "in", "prompt"} else "output"


MAX_QUANTITIES = 200
"""A chat message states a handful of numbers; past this many the text is a data dump, not a statement."""


def scan(text: str) -> list[Quantity]:
    """The quantities in `text` (the first MAX_QUANTITIES), in order, with unit and period."""
    found: list[Quantity] = []
    consumed = 0
    for match in numbers.QUANTITY.finditer(text):
        if len(found) == MAX_QUANTITIES:
            break
        if match.start() < consumed:
            continue  # the "Y" of "between X and Y", already read
        value, label, low, high = _value(match)
        end = match.end()
        second = _between(text, match)
        if second is not None:
            value, label, low, high = _between_value(match, second)
            end = consumed = second.end()
        begin = match.start()
        if second is not None:
            begin = text.rindex("between", max(0, begin - 10), begin)
        quantity = Quantity(
            begin, end, value, label, negative=bool(match["neg"]), low=low, high=high,
            number_end=end,
        )  # fmt: skip
        quantity.between = second is not None
        quantity.vague = bool(match["wp"]) or bool(
            match["w"] and " ".join(match["w"].split()) in numbers.VAGUE_WORDS
        )
        quantity.written_large = bool(match["w"] or match["wp"] or match["m1"] or match["m2"]) or bool(
            re.search(r"[,e^*]", match["n1"] or "")
        ) or bool(second and second["m2"])
        if match["n2"] and re.search(r"\bfrom\s*$", text[max(0, match.start() - 12) : match.start()]):
            quantity.range_from = True
        _classify(text, quantity)
        found.append(quantity)
    return found


def before(text: str, quantity: Quantity, since: int, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The last match of `pattern` in the text between `since` and the quantity (at most 60 chars)."""
    start = max(since, quantity.start - 60)
    found = None
    for found in pattern.finditer(text, start, quantity.start):  # noqa: B007 - keep the last one
        pass
    return found
