"""API prices and the output share, as people type them.

"we pay $2.50/M in and $10/M out" gives the input and output prices, "about $2 per million
blended" (or a price with no side named) the blended price, "70% of tokens are output" the
output share. Prices are USD per 1M tokens; "$0.002 per 1k tokens" is converted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.extraction import context
from bot.extraction.context import FLAGS
from bot.extraction.model import CORRECTION_BONUS, STATED, Finding

INPUT, OUTPUT, BLENDED = "api_input_price_per_mtok", "api_output_price_per_mtok", "api_price_per_mtok"
OUTPUT_SHARE = "output_share"
PAIR = (INPUT, OUTPUT)
MAX_PRICE = 1000.0
"""USD per 1M tokens: no list price comes near it, so more is a slip of the unit."""

_AMOUNT = (r"(?:\$\s?(?P<amount>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
           r"|(?<![0-9.])(?P<amount_b>[0-9]+(?:\.[0-9]+)?)\s?(?:usd|dollars?|bucks))")
_PER = (r"\s*(?:/|per|a|an|for|for a|for one|for every|each)\s*"
        r"(?P<unit>1\s?m\b|1\s?mm\b|m\b|mtoks?\b|mtokens?\b|(?:a |one |1 )?million\b|1,000,000\b"
        r"|1\s?k\b|k\b|(?:a |one |1 )?thousand\b|1,000\b)")
_SIDE = r"input|output|in|out|prompt|completion|blended|combined|average|avg"
_PRICE = re.compile(
    rf"{_AMOUNT}{_PER}(?:\s?(?P<side_a>{_SIDE})\b)?(?:\s?(?:tokens?|toks?)\b)?"
    rf"(?:\s?(?:of\s+|for\s+)?(?P<side_b>{_SIDE})\b(?:\s+tokens?\b)?)?",
    FLAGS,
)
_SIDE_BEFORE = re.compile(
    rf"\b(?P<side>{_SIDE})(?:\s+tokens?)?(?:\s+(?:price|pricing|cost|costs|rate))?\s*(?:is|are|at|:|=|-|~|of|for)?"
    r"\s*(?:about|around|roughly|approx\.?|~)?\s*$",
    FLAGS,
)
_SIDES = {"input": INPUT, "in": INPUT, "prompt": INPUT, "output": OUTPUT, "out": OUTPUT,
          "completion": OUTPUT}

_PERCENT = r"(?P<pct>[0-9]{1,3}(?:\.[0-9]+)?)\s?(?:%|percent|per cent)"
_SHARE = re.compile(
    rf"{_PERCENT}\s+(?:of\s+(?:the\s+|our\s+|all\s+)?(?:tokens|traffic|volume|usage)\s+(?:are|is|being)\s+)?"
    r"(?P<side>output|input|completion|prompt|generated)\b"
    rf"|\b(?P<side_b>output|input|completion|prompt)\s+(?:tokens\s+)?(?:share|ratio|fraction)?\s*"
    rf"(?:is|are|of|at|:|=|~)?\s*(?:about|around|roughly|~)?\s*{_PERCENT.replace('pct', 'pct_b')}"
    r"|\boutput[_ ]share\s*(?:is|of|:|=)?\s*(?P<fraction>0?\.[0-9]+|0|1(?:\.0+)?)\b"
    r"|\b(?P<ratio_a>[0-9]{1,3})\s?:\s?(?P<ratio_b>[0-9]{1,3})\s+(?P<ratio_side>input|output|in|out)"
    r"\s*(?:to|/|:|vs\.?)\s*(?:output|input|in|out)\b",
    FLAGS,
)


def _side(match: re.Match[str], text: str) -> tuple[str, int]:
    """The price's fact, and where its words start ("input is $3/M" starts at "input")."""
    side = match["side_a"] or match["side_b"]
    start = match.start()
    if side is None:
        clause = context.clause_before(text, match.start())
        before = _SIDE_BEFORE.search(clause)
        if before is not None:
            side, start = before["side"], match.start() - len(clause) + before.start()
    return _SIDES.get(side or "", BLENDED), start


def _per_million(match: re.Match[str]) -> tuple[float, str | None]:
    amount = float(match["amount"] or match["amount_b"])
    if match["unit"].replace(" ", "").removeprefix("a").removeprefix("one").removeprefix("1") in (
            "k", "thousand", ",000"):
        return amount * 1000, f"${amount:g} per 1k tokens x 1,000"
    return amount, None


def find(text: str, original: str) -> tuple[list[Finding], dict[str, str]]:
    """Every price per token and output share the text states, and refused values."""
    findings: list[Finding] = []
    rejected: dict[str, str] = {}
    for count, match in enumerate(_PRICE.finditer(text)):
        if count == 50:
            break
        around = context.read(text, match.start(), match.end())
        if around.hedged_number:
            continue
        fact, start = _side(match, text)
        value, derivation = _per_million(match)
        said = original[start:match.end()].strip()
        if value > MAX_PRICE or (fact == BLENDED and value <= 0):
            rejected[fact] = f"{said} is not a plausible price per 1M tokens"
            continue
        strength = STATED + (CORRECTION_BONUS if around.correction else 0)
        findings.append(Finding(fact, round(value, 6), strength, start, match.end(), derivation))
    for count, match in enumerate(_SHARE.finditer(text)):
        if count == 50:
            break
        around = context.read(text, match.start(), match.end())
        if around.hedged_number:
            continue
        share = _share(match)
        if share is None or not 0 <= share <= 1:
            rejected[OUTPUT_SHARE] = f"{original[match.start():match.end()]} is not a share of tokens"
            continue
        strength = STATED + (CORRECTION_BONUS if around.correction else 0)
        findings.append(Finding(OUTPUT_SHARE, round(share, 4), strength, match.start(), match.end()))
    return findings, rejected


def _share(match: re.Match[str]) -> float | None:
    if match["fraction"] is not None:
        return float(match["fraction"])
    if match["ratio_a"] is not None:
        first, second = int(match["ratio_a"]), int(match["ratio_b"])
        if first + second == 0:
            return None
        first_is_output = match["ratio_side"] in ("output", "out")
        return (first if first_is_output else second) / (first + second)
    percent = float(match["pct"] or match["pct_b"]) / 100
    side = match["side"] or match["side_b"]
    return percent if side in ("output", "completion", "generated") else 1 - percent


def lone_half(values: Mapping[str, object]) -> str | None:
    """The one price of the input/output pair stated without the other, if any."""
    present = [fact for fact in PAIR if fact in values]
    return present[0] if len(present) == 1 else None


LONE_HALF_REASON = ("input and output prices go together: give both, or one blended price "
                    "such as \"$2 per 1M tokens blended\"")
