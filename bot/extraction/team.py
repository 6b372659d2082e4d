"""ml_expertise: what the team can do with models, from roles, head counts and track record.

Several statements are combined by taking the strongest capability mentioned: "no ML team,
but one data scientist" is some expertise, not none.
"""

from __future__ import annotations

import re

from bot.extraction import numbers
from bot.extraction.rules import Rule, any_of, one_of, rule, stated_outright

FACT = "ml_expertise"
NONE, SOME, STRONG = "none", "some", "strong"
LEVELS = (NONE, SOME, STRONG)

# People who build and run models, and people who analyse data with them.
_BUILDERS = any_of(
    r"(?:ml|machine learning|mlops|ml ops|ml platform|ml infra(?:structure)?|llm|ai|applied ml)\s+"
    r"(?:engineers?|engs?|researchers?|specialists?|experts?|people|ppl|peeps|folks|guys|devs?|developers?|persons?)",
    "mles?", r"research(?:ers| scientists?| engineers?)", "applied scientists?",
)  # fmt: skip
_ANALYSTS = any_of("data scientists?", "ds folks", "data science folks", r"ml (?:hobbyists?|enthusiasts?)")
_COUNT = rf"(?P<count>[0-9]+|{numbers.WORD_NUMBER}|a team of [0-9]+|dozens of|lots of|many)"
_SENIORITY = r"(?:senior\s+|experienced\s+|full[- ]time\s+|dedicated\s+|in[- ]house\s+|strong\s+|junior\s+)?"


def _head_count(match: re.Match[str]) -> str:
    """Two or more people who build and run models is strong expertise; one is some."""
    raw = match["count"]
    if raw.strip() == "some":
        return SOME
    digits = re.search(r"[0-9]+", raw)
    count = float(digits.group()) if digits else numbers.word_number(raw)
    if raw in {"dozens of", "lots of", "many"}:
        count = 12
    return STRONG if count >= 2 else SOME


# "we already serve", "who run", "researchers training and serving": someone on the team does it.
_SUBJECT = (
    r"\b(?:we|we've|we're|they|they've|they're|who|which|team|i|i've|folks|engineers|people|researchers"
    r"|scientists|mles|of us)\s+(?:of\s+[0-9]+\s+)?"
    r"(?:(?:already|currently|also|actively|successfully|regularly|routinely|have|has|do|been|all|both)\s+){0,2}"
    r"(?:[a-z]+\s+and\s+)?"
)
_MODELS = (
    r"(?:our\s+own\s+|our\s+|open[- ]source\s+|open[- ]weights?\s+|several\s+|multiple\s+|many\s+|a\s+few\s+"
    r"|a\s+couple\s+(?:of\s+)?|some\s+|custom\s+|[0-9]+\s+|an?\s+)?"
    r"(?:ml\s+|llm\s+|ai\s+|custom\s+|open\s+|fine-?tuned\s+|small\s+)?"
    r"(?:models?|llms?|ml|inference|gpu clusters?|model servers?|vllm|tgi|triton|kserve|llama\w*|mistral|bert"
    r"|transformers?)"
)
_IN_PRODUCTION = (
    r"(?:(?:in|to|into)\s+prod(?:uction)?|at\s+scale"
    r"|on\s+our\s+(?:own\s+)?(?:gpus?|infra\w*|clusters?|k8s|kubernetes|servers?|hardware))"
)
_OPERATE = one_of(
    "serve", "serves", "serving", "served", "deploy", "deploys", "deploying", "deployed", "host", "hosts",
    "hosting", "hosted", "operate", "operates", "operating", "operated", "self-host", "self-hosts",
    "self-hosted", "self-hosting", "maintain", "maintains", "maintained",
)  # fmt: skip
# People run clusters; "the app, which runs on our k8s cluster" is about the app.
_PEOPLE = _SUBJECT.replace("|which", "", 1)
_RUN_INFRA = one_of(
    "run", "runs", "running", "ran", "manage", "manages", "managing", "managed", "operate", "operates",
    "operating", "operated", "maintain", "maintains", "maintaining", "administer", "administers", "own",
    "owns", "look after", "looks after",
)  # fmt: skip
_INFRA = (r"(?:k8s|kubernetes|eks|gke|aks|gpu (?:clusters?|nodes|fleet|servers|boxes|machines)|gpus?"
          r"|clusters?)")
_NOT_INFRA = r"\b(?:models?|llms?|inference|vllm|tgi|triton|ml)\b"
_WEB_DEVS = (
    r"(?:web|frontend|front-end|backend|back-end|full[- ]?stack|app|mobile|product|rails|react|java|php"
    r"|\.net|devops|software|sre|ios|android|python|node)"
)
_LEVEL_WORDS = {
    "none": NONE, "zero": NONE, "no": NONE, "nil": NONE, "minimal": SOME, "limited": SOME, "some": SOME,
    "basic": SOME, "moderate": SOME, "decent": SOME, "strong": STRONG, "lots": STRONG, "plenty": STRONG,
    "deep": STRONG, "solid": STRONG,
}  # fmt: skip
# Someone on the team has done the work before: "one of our guys did mlops at his last job".
_ONE_OF_US = (
    r"\b(?:one of (?:us|our (?:\w+\s+)?(?:guys|devs|engineers|folks|people|team)|the (?:guys|devs|engineers))"
    r"|someone (?:on|in) (?:the|our) team|somebody (?:on|in) (?:the|our) team|a colleague|a coworker"
    r"|a co-worker|one (?:\w+\s+)?(?:engineer|dev|developer|guy|person)|our (?:cto|lead|tech lead|architect))"
)


_IN_THE_PAST = (r"\s+(?:before|in the past|previously|at (?:a|an|their|his|her|my|our)"
                r" (?:previous|last|old|former))")


def _level(match: re.Match[str]) -> str | None:
    return _LEVEL_WORDS.get(match["level"])


RULES: tuple[Rule, ...] = (
    stated_outright(FACT),
    rule(FACT, r"\b(?:ml|machine learning|mlops)\s+(?:experience|expertise|skills?|background|level"
               r"|knowledge|talent|chops)\s*(?:[:=-]|is|are|'s|would be)\s*"
               r"(?:more like\s+|probably\s+|actually\s+|really\s+|pretty\s+|only\s+)?"
               rf"(?P<level>{'|'.join(_LEVEL_WORDS)})\b", _level),
    rule(FACT, rf"{_ONE_OF_US}\b[^.;!?\n]{{0,20}}?\b(?:did|does|has done|used to do|worked (?:in|on|with)"
               r"|has experience (?:in|with)|knows|ran|has run|led)\s+(?:some\s+)?"
               r"(?:ml|mlops|ml ops|machine learning|model serving|ml infra\w*|llm ops|data science)\b",
         SOME, negated=NONE),
    # None: nobody has done it, or the team is described as something else.
    rule(FACT, r"\b(?:nobody|no one|no-one|noone|none of us|not a single person|not one of us)\b"
               r"[^.;!?\n,]{0,40}?\b(?:deployed|trained|served|hosted|run|ran|fine-?tuned|operated"
               r"|worked with|touched|knows?|done|has experience|have experience|has any experience|shipped"
               r"|used)\b"
               r"[^.;!?\n,]{0,20}?\b(?:models?|ml|llms?|machine learning|gpus?|hugging ?face|inference|ai"
               r"|self-host\w*|mlops|open[- ]source|production|prod|this)\b",
         NONE, self_negating=True),
    rule(FACT, rf"\b(?:we're|we are|were|team is|team's|everyone is|everyone's|we're basically|it's)\s+"
               r"(?:all|just|only|mostly|entirely|purely|a bunch of|a team of|a small team of|a few"
               r"|basically)\s+"
               rf"(?:[a-z0-9]+\s+){{0,2}}?{_WEB_DEVS}\s*(?:devs?|developers|engineers|folks|people|team|shop|ppl"
               r"|guys)\b", NONE),
    rule(FACT, rf"\ball\s+(?:[a-z-]+\s+)?{_WEB_DEVS}\s*(?:devs?|developers|engineers|folks|people)\b", NONE),
    rule(FACT, r"\b(?:new to|no experience (?:with|in|running|deploying|hosting)|zero experience (?:with|in)"
               r"|never (?:done|touched|used|worked with|deployed|run|hosted|served|operated|shipped"
               r"|self-hosted|trained|fine-?tuned)|don't know|do not know|no clue about|no background in)\s+"
               r"(?:any\s+|an?\s+)?(?:ml|machine learning|llms?"
               r"|models?|ai|self[- ]hosting|hosting models|gpus?|mlops|model serving)\b",
         NONE, self_negating=True),
    rule(FACT, any_of(r"\bzero\s+(?:ml|machine learning|data science)\b",
                      r"\bno\s+(?:ml|machine learning|data science)"
                      r"(?:\s+(?:at all|whatsoever|here|on the team|in[- ]house))?(?=\s*[,.;!?\n)]|\s*$)"),
         NONE, self_negating=True),
    # Roles and head counts.
    rule(FACT, rf"\b{_COUNT}\s+{_SENIORITY}(?:{_BUILDERS})\b", _head_count, negated=NONE),
    rule(FACT, rf"\b{_COUNT}\s+{_SENIORITY}(?:{_ANALYSTS})\b", SOME, negated=NONE),
    rule(FACT, rf"\b(?:{_BUILDERS})\b", SOME, negated=NONE),
    rule(FACT, rf"\b(?:{_ANALYSTS})\b", SOME, negated=NONE),
    rule(FACT, r"\b(?:strong|deep|solid|lots of|plenty of|extensive|significant|serious|mature|seasoned"
               r"|experienced|senior|dedicated|big|large|established)\s+(?:in[- ]house\s+)?"
               r"(?:ml|machine learning|ai|mlops|llm|data science)\s+(?:expertise|experience|background"
               r"|skills|team|talent|chops|capabilit\w+|org|organi[sz]ation|group|function|platform)\b",
         STRONG, negated=SOME),
    rule(FACT, r"\b(?:ml|machine learning|mlops|ml ops|ml platform|ml infra(?:structure)?|ai/ml|ml/ai"
               r"|model serving|llm ?ops)\s+(?:platform\s+|infra\s+|infrastructure\s+|engineering\s+)?"
               r"(?:team|teams|org|department|group|function|squad|guild|platform)\b",
         STRONG, negated=NONE),
    rule(FACT, r"\bdata science\s+(?:team|teams|org|department|group|function)\b", SOME, negated=NONE),
    # Running GPUs or clusters without models is infrastructure skill: some, not strong. Read
    # before the track record so "we operate GPU clusters" is not taken for serving models.
    rule(FACT, rf"(?:{_PEOPLE}|\b(?:platform|infra|infrastructure|devops|sre|ops|cloud)\s+"
               r"(?:team|folks|engineers)\s+(?:already\s+|also\s+|currently\s+)?)"
               rf"{_RUN_INFRA}\s+(?!(?:on|in|inside|within|atop|under)\b)(?:(?!{_NOT_INFRA})[^.;!?\n]){{0,30}}?"
               rf"\b{_INFRA}\b",
         SOME),
    # Track record: running models is strong, training or tinkering is some.
    rule(FACT, any_of(rf"{_SUBJECT}{_OPERATE}\s+{_MODELS}\b(?!{_IN_THE_PAST})",
                      rf"{_SUBJECT}(?:run|runs|running|ran|ship|ships|shipped|shipping|have|has|had)\s+{_MODELS}\b"
                      rf"[^.;!?\n,]{{0,30}}?\b{_IN_PRODUCTION}",
                      r"\b(?:several|multiple|many|[0-9]+|a few|a couple of|some|other|existing|our)\s+"
                      rf"(?:ml\s+|llm\s+|ai\s+|own\s+)?(?:models?|llms?)\s+(?:running\s+|deployed\s+|live\s+)?"
                      rf"{_IN_PRODUCTION}"),
         STRONG, negated=NONE),
    rule(FACT, rf"{_SUBJECT}(?:trained|fine-?tuned|fine tuned|built|train|fine-?tune)\s+"
               r"(?:our\s+own\s+|some\s+|a\s+few\s+|a\s+couple\s+(?:of\s+)?|custom\s+|a\s+)?"
               r"(?:[a-z0-9-]+\s+){0,2}?(?:models?|classifiers?|bert|llms?|llama\w*)\b",
         SOME, negated=NONE),
    rule(FACT, r"\b(?:played|playing|plays|tinkered|tinkering|experimented|experimenting|dabbled|dabbling"
               r"|toyed|toying|messed|messing|poked|poking|hacked|hacking|fiddled|fiddling)\s+(?:around\s+)?"
               r"(?:with|in|at|on|out)?\b[^.;!?\n,]{0,30}?\b(?:hugging ?face|hf|models?|llms?|llama\w*|ollama"
               r"|pytorch|transformers|fine-?tun\w*|ml|langchain|notebooks?|colab|kaggle|local models?"
               r"|open[- ]source models?|open models?)\b",
         SOME, negated=NONE),
    rule(FACT, r"\b(?:some|a bit of|a little|limited|basic|junior|beginner|entry-level|modest|light)\s+"
               r"(?:ml|machine learning|data science|mlops|ai)\s+(?:experience|background|knowledge|skills"
               r"|expertise|exposure|know-how)\b", SOME),
    rule(FACT, r"\b(?:ml|machine learning|mlops|model serving|model hosting)\s+(?:experience|expertise"
               r"|background|skills|knowledge|talent|capacity|know-how|chops)\b", SOME, negated=NONE),
)  # fmt: skip


EXTRA_RULES: tuple[Rule, ...] = (
    rule(FACT, r"\b(?:nobody|no one|no-one|none of us)\s+(?:here\s+|on the team\s+)?"
               r"(?:does|do|knows?|has done|understands|is into)\s+(?:any\s+)?(?:ml|machine learning|ai)\b",
         NONE, self_negating=True),
    rule(FACT, r"\b(?:i|we)\s+(?:don'?t|do not|dont)\s+(?:really\s+)?know\s+(?:any\s+|much\s+)?"
               r"(?:ml|machine learning)\b|\bknow nothing about\s+(?:ml|machine learning|models)\b",
         NONE, self_negating=True),
    rule(FACT, rf"{_SUBJECT}(?:{_OPERATE})\s+{_MODELS}{_IN_THE_PAST}", SOME, negated=NONE),
    rule(FACT, r"\b(?:i've|i have|we've|we have|i|we)\s+(?:used|use|tried|played with)\s+hugging ?face\b",
         SOME, negated=NONE),
    rule(FACT, r"^\s*(?:some|a bit of|a little)\s+(?:ml|machine learning)\b", SOME),
)
RULES = (*RULES, *EXTRA_RULES)


def strongest(values: list[str]) -> str:
    """The highest expertise among several statements about the same team."""
    return max(values, key=LEVELS.index)
