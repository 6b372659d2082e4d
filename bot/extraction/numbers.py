"""Numbers as engineers type them: "1.5M", "2,000,000", "20k", "a million", "10^15", "2-3M"."""

from __future__ import annotations

import math
import re

from bot.extraction.context import FLAGS

MAGNITUDES: dict[str, float] = {
    "hundred": 1e2, "k": 1e3, "thousand": 1e3,
    "m": 1e6, "mm": 1e6, "mil": 1e6, "mln": 1e6, "million": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9,
    "t": 1e12, "tn": 1e12, "trillion": 1e12,
}  # fmt: skip
MAGNITUDE = r"(?:thousand|million|billion|trillion|mil|mln|mm|bn|tn|k|m|b|t)"
WORD_NUMBERS: dict[str, float] = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "half a": 0.5, "a couple of": 2, "a couple": 2,
    "couple of": 2, "a few": 3, "few": 3, "several": 4, "a handful of": 4, "some": 2,
}  # fmt: skip
WORD_NUMBER = rf"(?:{'|'.join(sorted(WORD_NUMBERS, key=len, reverse=True))})"
"""Longest first, so "a couple of" is read whole rather than as "a"."""

# Digits only ([0-9], not \d): other scripts' digits are not what people mean by a volume.
NUMBER = (
    r"(?:[0-9]{1,3}(?:\.[0-9]+)?\s?(?:e\+?|x\s?10\^|\*\s?10\^)[0-9]{1,3}"
    r"|10\s?(?:\^|\*\*)\s?[0-9]{1,3}"
    r"|[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?"
    rf"|[0-9]{{1,3}},[0-9]{{1,2}}(?=\s?{MAGNITUDE}\b)"
    r"|[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
)

# A quantity does not start inside a word, a version ("GPT-4", "v2.1"), a price or a path.
QUANTITY = re.compile(
    r"(?<![A-Za-z0-9_.,$\u20ac\u00a3\u00a5#/^])(?<![A-Za-z]-)"
    rf"(?P<neg>-\s?)?(?P<n1>{NUMBER})\s?(?P<m1>{MAGNITUDE})?"
    rf"(?:\s?(?:-|to)\s?(?P<n2>{NUMBER})\s?(?P<m2>{MAGNITUDE})?)?\+?(?![A-Za-z0-9])"
    rf"|(?<![A-Za-z])(?P<w>{WORD_NUMBER})\s+(?P<wm>hundred|thousand|million|billion|trillion)\b"
    r"|(?<![A-Za-z])(?P<wp>(?:tens|hundreds) of (?:thousands|millions)|dozens|hundreds|thousands|millions)"
    r"\s+of\b",
    FLAGS,
)
VAGUE_WORDS = frozenset(
    {"a few", "few", "several", "a handful of", "a couple", "a couple of", "couple of", "some"}
)
"""Number words that give an order of magnitude, not a count: "a few hundred" is read as ~300, to confirm."""
PLURAL_AMOUNTS: dict[str, float] = {
    "dozens": 36, "hundreds": 300, "thousands": 3e3, "millions": 3e6, "tens of thousands": 3e4,
    "hundreds of thousands": 3e5, "tens of millions": 3e7, "hundreds of millions": 3e8,
}  # fmt: skip
""""Hundreds of" read as "a few hundred", like the other vague amounts."""


def parse_number(raw: str) -> float:
    """The value of one NUMBER match; inf for exponents beyond float range."""
    text = raw.replace(" ", "").lower()
    if re.fullmatch(r"[0-9]{1,3},[0-9]{1,2}", text):
        return float(text.replace(",", "."))  # "1,5M": a decimal comma
    text = text.replace(",", "")
    for marker in ("x10^", "*10^", "e+", "e"):
        if marker in text:
            mantissa, exponent = text.split(marker)
            return _power(float(mantissa), int(exponent))
    for marker in ("^", "**"):
        if marker in text:
            base, exponent = text.split(marker)
            return _power(float(base) / 10, int(exponent))
    return float(text)


def _power(mantissa: float, exponent: int) -> float:
    return mantissa * 10.0**exponent if exponent < 300 else math.inf


def magnitude(suffix: str | None) -> float:
    """The multiplier of a suffix like "k", "M", "bn" or "million" (1 when absent)."""
    return MAGNITUDES.get(suffix.lower(), 1.0) if suffix else 1.0


def word_number(word: str) -> float:
    """The value of a small number word ("a couple of" -> 2); 1 if unknown."""
    return WORD_NUMBERS.get(" ".join(word.lower().split()), 1.0)


def compact(value: float) -> str:
    """A short human form: 1500 -> "1.5k", 3e6 -> "3M", 8666666.7 -> "8.667M"."""
    if not math.isfinite(value):
        return "infinity"
    for unit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= unit:
            return f"{value / unit:.4g}{suffix}"
    return f"{value:.4g}"


def scientific(value: float) -> str:
    """A very large number as people write it: 1e15 -> "10^15", 5e15 -> "5x10^15"."""
    if not math.isfinite(value) or value <= 0:
        return compact(value)
    exponent = math.floor(math.log10(value))
    mantissa = value / 10.0**exponent
    return f"10^{exponent}" if round(mantissa, 3) == 1 else f"{mantissa:.3g}x10^{exponent}"
