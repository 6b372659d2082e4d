"""How each missing fact is asked for, its quick answers, and reading a bare reply to it."""

from __future__ import annotations

import re

from bot.conversation.replies import QuickAnswer

SET_PREFIX = "set"

QUESTIONS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "data_residency": (
        "Where may this workload's data go? For example \"patient data can't leave our DC\" or "
        "\"approved vendors under a DPA are fine\".",
        [("Must stay in-house", "in_house_only"), ("Approved vendors only", "approved_vendors"),
         ("Anywhere, not sensitive", "unrestricted")],
    ),
    "specialization": (
        "How specialised is the task? General writing and summaries, or your own jargon, codes "
        "and templates?",
        [("General", "general"), ("Somewhat domain-specific", "moderate"),
         ("Niche domain", "niche")],
    ),
    "monthly_tokens": (
        "Roughly how many tokens a month, input plus output? \"3M a day\" or \"20k requests a day "
        "at 1.5k tokens each\" work too.",
        [("About 5M a month", "5000000"), ("About 50M a month", "50000000"),
         ("About 500M a month", "500000000"), ("5B or more a month", "5000000000")],
    ),
    "ml_expertise": (
        "How much ML engineering skill does the team have for deploying, monitoring and tuning "
        "models?",
        [("None", "none"), ("Some", "some"), ("Strong, runs models in production", "strong")],
    ),
    "latency": (
        "How much does latency matter? Real-time, interactive, or batch?",
        [("Critical (real-time, sub-second)", "critical"),
         ("Interactive (a second or two is fine)", "interactive"),
         ("Relaxed (batch, async)", "relaxed")],
    ),
}

# Bare words that answer a question about one particular fact.
_BARE: dict[str, list[tuple[str, str]]] = {
    "data_residency": [(r"in[- ]?house|on[- ]?prem|internal only|stays? (?:here|inside)",
                        "in_house_only"),
                       (r"approved|vendors?|dpa|regional", "approved_vendors"),
                       (r"anywhere|unrestricted|public|not sensitive|no restrictions?", "unrestricted")],
    "specialization": [(r"general|generic", "general"), (r"moderate|somewhat|a bit", "moderate"),
                       (r"niche|specialis|specializ|domain", "niche")],
    "ml_expertise": [(r"none|nobody|no(?:ne)? (?:one|skills?)|zero|^no$", "none"),
                     (r"some|a bit|a little|basic|junior", "some"),
                     (r"strong|lots|expert|senior|plenty", "strong")],
    "latency": [(r"critical|real[- ]?time|instant", "critical"),
                (r"interactive|chat|a (?:second|sec) or two", "interactive"),
                (r"relaxed|batch|async|doesn'?t matter|not important|overnight", "relaxed")],
}


def quick_answers(fact: str) -> list[QuickAnswer]:
    return [QuickAnswer(label=label, value=f"{SET_PREFIX} {fact} {value}")
            for label, value in QUESTIONS[fact][1]]


def question_text(fact: str) -> str:
    return QUESTIONS[fact][0]


def read_bare_answer(fact: str, text: str) -> str | None:
    """The value a short reply like "niche" or "2" gives the fact that was just asked."""
    cleaned = text.strip().lower().rstrip(".!")
    options = QUESTIONS.get(fact, ("", []))[1]
    if re.fullmatch(r"[0-9]{1,2}", cleaned) and 1 <= int(cleaned) <= len(options):
        return options[int(cleaned) - 1][1]
    for pattern, value in _BARE.get(fact, []):
        if re.search(pattern, cleaned):
            return value
    return None


_SET = re.compile(rf"^\s*{SET_PREFIX}\s+([a-z_]+)\s*(?:=|\s)\s*([\w.:/-]+)\s*$", re.IGNORECASE)


def read_set_command(text: str) -> tuple[str, str] | None:
    """`set latency critical`, the message a quick answer sends."""
    match = _SET.match(text)
    return (match.group(1).lower(), match.group(2)) if match else None
