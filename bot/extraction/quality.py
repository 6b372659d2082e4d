"""quality_bar: whether the output must be the best available, or good enough."""

from __future__ import annotations

import re

from bot.extraction.model import HINT
from bot.extraction.rules import ONLY_DENIED_AFTER, Rule, any_of, rule, stated_outright

FACT = "quality_bar"
PEAK, STANDARD = "peak", "standard"

_BAR = r"(?:quality(?:\s+bar)?|accuracy(?:\s+bar)?|(?:the\s+)?bar)"
_LEVEL_VALUES = {
    "moderate": STANDARD, "medium": STANDARD, "normal": STANDARD, "average": STANDARD, "middling": STANDARD,
    "reasonable": STANDARD, "low": STANDARD, "lowish": STANDARD, "modest": STANDARD, "relaxed": STANDARD,
    "mid": STANDARD, "high": PEAK, "very high": PEAK, "really high": PEAK, "extremely high": PEAK,
    "highest": PEAK, "top": PEAK, "max": PEAK, "maximum": PEAK, "strict": PEAK, "demanding": PEAK,
}  # fmt: skip
_LEVELS = "|".join(sorted(_LEVEL_VALUES, key=len, reverse=True))


def _level(match: re.Match[str]) -> str | None:
    return _LEVEL_VALUES.get(" ".join((match["level"] or match["level2"]).split()))


RULES: tuple[Rule, ...] = (
    stated_outright(FACT),
    rule(FACT, any_of(r"\bgood\s+enough\b", r"\brough\s+(?:drafts?|cuts?|first pass(?:es)?)\b",
                      r"\bfirst\s+drafts?\b", r"\bdrafts?\s+(?:are|is)\s+(?:fine|ok|okay|enough)\b",
                      r"\bbest[- ]effort\b",
                      r"\b(?:ok|okay|fine|decent|reasonable|acceptable|average|mediocre|passable)(?:-ish)?\s+"
                      r"(?:quality|accuracy|output)\b",
                      r"\b(?:some|occasional|minor|a few|the odd|small)\s+(?:mistakes|errors|hallucinations"
                      r"|typos|inaccuracies)\s+(?:are|is)\s+(?:fine|ok|okay|acceptable|tolerable)\b",
                      r"\b(?:mistakes|errors)\s+(?:are|is)\s+(?:fine|ok|okay|acceptable|tolerable"
                      r"|not a big deal)\b",
                      r"\b80%\s+(?:is|would be)\s+(?:fine|good|ok)\b", r"\bmid[- ]tier\b",
                      r"\bcheap(?:er)? models? (?:is|are|would be) fine\b",
                      r"\b(?:don't|do not|doesn't|does not)\s+need\s+(?:the\s+)?(?:best|top|perfect|frontier"
                      r"|sota)\b",
                      r"\b(?:fine|ok|okay|acceptable)\s+(?:if|when)\s+(?:it's|it is|it gets?|the model is"
                      r"|the model gets?)\s+(?:\w+\s+)?wrong\b",
                      r"\b(?:quality|accuracy)\s+(?:can|could|may)\s+be\s+(?:\w+\s+)?(?:average|ok|okay|so-so"
                      r"|mediocre|lower|imperfect|rough|worse)\b"),
         STANDARD, negated=None),
    # Someone checks the output before it matters.
    rule(FACT, any_of(r"\b(?:a\s+)?(?:humans?|agents?|reviewers?|editors?|someone|a person|people|staff"
                      r"|operators?|our team)\s+(?:in the loop|(?:always\s+|will\s+|then\s+)?"
                      r"(?:reviews?|checks?|edits?|approves?|verif(?:y|ies)|signs? off|proofreads?"
                      r"|corrects?))\b",
                      r"\bhuman[- ]in[- ]the[- ]loop\b",
                      r"\b(?:reviewed|checked|edited|approved|proofread|verified|post-edited|corrected)\s+by\s+"
                      r"(?:a\s+)?(?:humans?|people|staff|our team|translators|editors|reviewers|agents"
                      r"|human\s+[a-z]+)\b"),
         STANDARD, HINT, negated=None),
    # The bar named with a level: "quality bar is moderate", "a high accuracy bar".
    rule(FACT, any_of(rf"\b{_BAR}\s+(?:is|'s|=|:|-|would be|will be)\s+"
                      r"(?:only\s+|pretty\s+|fairly\s+|just\s+)?"
                      rf"(?P<level>{_LEVELS})\b",
                      rf"\b(?P<level2>{_LEVELS})\s+(?:quality\s+|accuracy\s+)?bar\b"),
         _level, negated=None),
    rule(FACT, r"\b(?:can't|cannot|can not|couldn't)\s+afford\s+(?:any\s+)?(?:mistakes|errors|to be wrong"
               r"|to get (?:it|this) wrong|hallucinations|inaccurac\w+|screw[- ]?ups"
               r"|bad (?:answers|outputs))\b",
         PEAK, self_negating=True),
    rule(FACT, any_of(r"\b(?:needs?|has|have|must|should|got)\s+to\s+be\s+(?:the\s+)?(?:very\s+)?best\b",
                      r"\b(?:best|highest|top)[- ](?:possible\s+|available\s+)?(?:quality|accuracy)\b",
                      r"\bbest[- ]in[- ]class\b", r"\bbest\s+(?:possible|available)\b",
                      r"\bstate[- ]of[- ]the[- ]art\b", r"\bsota\b",
                      r"\bfrontier[- ](?:level|quality|model)\b",
                      r"\btop[- ](?:tier|notch)\b", r"\bno\s+room\s+for\s+(?:error|mistakes)\b",
                      r"\bzero\s+tolerance\b", r"\bmission[- ]critical\b", r"\bhigh[- ]stakes\b",
                      r"\blife[- ]or[- ]death\b",
                      r"\blegal(?:ly)?\s+(?:review|binding|sign[- ]off|exposure|risk|liability)\b",
                      r"\bregulatory\s+(?:filings?|submissions?)\b",
                      r"\b(?:accuracy|quality|precision|correctness)\s+(?:is|are)\s+(?:\w+\s+)?(?:critical"
                      r"|paramount|crucial|key|everything|essential|non[- ]negotiable|king)\b",
                      r"\b(?:must|has to|needs? to)\s+be\s+(?:100%\s+|extremely\s+|very\s+|highly\s+)?"
                      r"(?:accurate|correct|perfect|right|precise|flawless)\b",
                      r"\b(?:very|extremely|super|really|incredibly|exceptionally|seriously)\s+"
                      r"(?:high|good|great|excellent)[- ](?:quality|accuracy|answers|outputs?|results)\b",
                      r"\b(?:needs?|has|have|must|got)\s+to\s+be\s+(?:really|very|super|extremely|incredibly)\s+"
                      r"(?:good|accurate|high[- ]quality)\b",
                      r"\b(?:mistakes|errors|hallucinations)\s+(?:are|would be|could be)\s+(?:\w+\s+)?"
                      r"(?:costly|expensive|dangerous|unacceptable|catastrophic|a disaster|a big deal)\b"),
         PEAK, negated=STANDARD),
    rule(FACT, r"\bquality\s+(?:matters|is important)\b", PEAK, HINT, negated=STANDARD),
    # Only a denial after it counts: "quality doesn't matter", but not "no quality issues so far".
    rule(FACT, r"\b(?:quality|accuracy|output quality)\b", None,
         negated=STANDARD, denied_by=ONLY_DENIED_AFTER),
)  # fmt: skip
