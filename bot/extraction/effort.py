"""engineering_fte: the engineering time self-hosting would take ("half an engineer to run it").

The fact counts engineer-months per month, so "0.5 FTE", "half an engineer" and "2 engineer-
months a month" all read directly. A head count is read only with words saying the people run
the model ("two engineers to operate it"); otherwise it describes the team (see `team`).
"""

from __future__ import annotations

import re

from bot.extraction import context, numbers
from bot.extraction.context import FLAGS
from bot.extraction.model import CORRECTION_BONUS, STATED, Finding

FACT = "engineering_fte"
MAX_FTE = 50.0

_FRACTIONS = {"half": 0.5, "a half": 0.5, "half of": 0.5, "a quarter": 0.25, "quarter": 0.25,
              "a quarter of": 0.25, "a third": 1 / 3, "a third of": 1 / 3, "a tenth of": 0.1,
              "a fifth of": 0.2, "three quarters of": 0.75}
_FRACTION = "|".join(sorted((re.escape(f) for f in _FRACTIONS), key=len, reverse=True))
_AMOUNT = (rf"(?P<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:\s?(?P<percent>%|percent))?(?:\s+of)?"
           rf"|(?P<fraction>{_FRACTION})|(?P<word>{numbers.WORD_NUMBER})")
_PEOPLE = (r"(?:(?:ml|mle|devops|ops|platform|infra|sre|mlops|backend|full[- ]time)\s+)?"
           r"(?:engineers?|people|persons?|heads?|sres?|devs?|developers?|person)")
_EFFORT = re.compile(
    rf"(?<![\w.$])(?:{_AMOUNT})\s*(?:(?:a|an|one)\s+)?"
    rf"(?:(?P<fte>ftes?\b|full[- ]time equivalents?\b)"
    rf"|(?P<months>engineer[- ]months?\s*(?:per|a|/)\s*month\b)"
    rf"|(?P<people>{_PEOPLE}\b)(?:'s time)?)",
    FLAGS,
)
_OPERATING = re.compile(
    # A purpose ("to run it") says the people operate the model; "engineers running models"
    # describes the team instead.
    r"\s*(?:(?:needed|required|dedicated|would|will|just|be)\s+){0,2}(?:to|for|on)\s+(?:help\s+)?"
    r"(?:run|running|operate|operating|operations|ops|maintain|maintaining|maintenance|support"
    r"|supporting|look after|looking after|keep it|babysit"
    r"|manage|managing|on[- ]call|self[- ]host\w*|host it|serve it|serving)\b"
    r"(?:\s+(?:it|this|the model|them))?",
    FLAGS,
)


def _amount(match: re.Match[str]) -> float:
    if match["number"] is not None:
        value = float(match["number"])
        return value / 100 if match["percent"] else value
    if match["fraction"] is not None:
        return _FRACTIONS[" ".join(match["fraction"].split())]
    return numbers.word_number(match["word"])


def find(text: str, original: str) -> tuple[list[Finding], dict[str, str]]:
    """Every statement of engineering time for self-hosting, and refused values."""
    findings: list[Finding] = []
    rejected: dict[str, str] = {}
    for count, match in enumerate(_EFFORT.finditer(text)):
        if count == 50:
            break
        end = match.end()
        if match["people"] is not None:
            operating = _OPERATING.match(text, end, min(len(text), end + 60))
            if operating is None:
                continue
            end = operating.end()
        around = context.read(text, match.start(), end)
        if around.hedged_number or context.is_question(text, end):
            continue
        value = _amount(match)
        said = original[match.start():end]
        if value > MAX_FTE:
            rejected[FACT] = f"{said} is more engineering time than one workload takes"
            continue
        strength = STATED + (CORRECTION_BONUS if around.correction else 0)
        findings.append(Finding(FACT, round(value, 4), strength, match.start(), end))
    return findings, rejected
