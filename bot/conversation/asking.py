"""How each missing fact is asked for, its quick answers, and reading a bare reply to it."""

from __future__ import annotations

import re

from bot import wording
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
    "quality_bar": (
        "What quality bar does it need? The best available (hard reasoning, writing customers "
        "judge closely), or standard quality that a good mid-size model meets?",
        [("Best available", "peak"), ("Standard is fine", "standard")],
    ),
    "time_to_market": (
        "How soon must it be in production? Within weeks, or is there time to build?",
        [("Urgent, within weeks", "urgent"), ("Normal, months are fine", "normal")],
    ),
}

REPHRASED: dict[str, str] = {
    "data_residency": (
        "Put another way: may this data be sent to an outside API? \"It's public\" means no "
        "restriction; \"only vendors we have a DPA or BAA with\" means approved vendors; \"it "
        "can't leave our servers\" means in-house only."),
    "specialization": (
        "Put another way: would a general assistant do the task well with a good prompt "
        "(general), does it need your documents or style (somewhat specific), or your own codes, "
        "jargon and formats it has never seen (niche)?"),
    "monthly_tokens": (
        "Put another way: how many requests a day, and roughly how long is each? For example "
        "\"2k requests a day, about 1,500 tokens each\", or a monthly figure like \"50M a month\"."),
    "ml_expertise": (
        "Put another way: has anyone on the team deployed and run a model in production? "
        "\"No ML people\" is none; \"one of us did MLOps before\" is some; \"we run models in "
        "prod\" is strong."),
    "latency": (
        "Put another way: does a person wait for each answer (interactive), does it need to feel "
        "instant, like autocomplete or voice (critical), or does it run in the background "
        "(relaxed)?"),
    "quality_bar": (
        "Put another way: would a wrong or clumsy answer be costly (best available), or is "
        "good-enough fine (standard)?"),
    "time_to_market": (
        "Put another way: is there a launch date in the next few weeks (urgent), or a few months "
        "to build (normal)?"),
}
CUED: dict[str, str] = {
    "data_residency": (
        "You mentioned {cue}. That alone doesn't decide where the data may go; your agreements "
        "do. Which holds? In-house only: it may not leave your own servers, so only open weights "
        "you run yourselves. Approved vendors: providers you have a BAA or DPA with (for "
        "example Azure OpenAI in your tenant, AWS Bedrock, Google Vertex) may process it. "
        "Unrestricted: it isn't sensitive and may go to any API."),
}


def cued_question(fact: str, cue: str) -> str:
    """The question for `fact` when the user hinted at it: the hint named, the options explained."""
    said = cue.split(":", 1)[-1].strip() or cue
    return CUED[fact].format(cue=said) if fact in CUED else question_text(fact)


SKIP_HINT = "If you don't know, say \"skip\" and I'll go on without it."

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
    "quality_bar": [(r"best|peak|top|frontier|high(?:est)?|really good|critical", "peak"),
                    (r"standard|normal|good enough|decent|fine|average|ok", "standard")],
    "time_to_market": [(r"urgent|asap|weeks?|soon|rush|yesterday|deadline", "urgent"),
                       (r"normal|months?|no rush|not urgent|whenever|plenty of time", "normal")],
}

_SKIP = re.compile(
    r"^\W*(?:skip(?:\s+(?:it|this|that))?|pass|no\s+idea|not\s+sure|unsure|dunno|idk|"
    r"(?:i\s+|we\s+)?(?:don'?t|do\s+not)\s+know(?:\s+yet)?|no\s+clue|not\s+known|unknown|"
    r"can'?t\s+say|hard\s+to\s+say|next(?:\s+question)?|move\s+on)\W*$", re.IGNORECASE)


def is_skip(text: str) -> bool:
    """The user declines to answer the question asked: "don't know", "skip"."""
    return bool(_SKIP.match(text.strip()))


def label(fact: str, value: str) -> str | None:
    """The quick answer's label for `value`, as the user saw it."""
    for shown, option in QUESTIONS.get(fact, ("", []))[1]:
        if option == value:
            return shown
    return None


def chosen_label(fact: str, value: str) -> str:
    """The label of the quick answer that sets `fact` to `value`: the question's own, else the
    value in words (as the buttons that settle two conflicting values read)."""
    return label(fact, value) or wording.fact_value(fact, value).capitalize()


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
