"""api_model: the API model a team names ("we'd use gpt-4o-mini", "Claude Sonnet").

Names are resolved against the price catalog: an exact name is that model; a family name
("Claude Sonnet", "Gemini Flash") is the newest model of that family the catalog prices, and the
derivation says so; a name the catalog does not price is refused, naming the closest ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extraction import context
from bot.extraction.context import FLAGS
from bot.extraction.model import CORRECTION_BONUS, STATED, Finding
from scoring import CatalogModel, PriceCatalog, normalise

FACT = "api_model"
API_FAMILIES = ("gpt", "chatgpt", "claude", "gemini", "grok", "o1", "o3", "o4")
"""Makers' names of proprietary API models: a name of theirs the catalog lacks is a typo worth
answering. Open-weight families are read only when the catalog knows the name."""
OPEN_FAMILIES = ("llama", "mistral", "mixtral", "codestral", "ministral", "deepseek", "qwen",
                 "gemma")
CLAUDE_TIERS = ("sonnet", "haiku", "opus")
"""Said without "Claude" ("Sonnet 4.5"), still Claude."""
VARIANTS = frozenset({
    "mini", "nano", "turbo", "pro", "flash", "lite", "sonnet", "haiku", "opus", "instant",
    "versatile", "large", "small", "medium", "chat", "coder", "reasoner", "instruct", "omni", "o",
    "preview", "latest", "max", "plus", "ultra", "codex", "thinking", "tiny", "vision", "r1", "v3",
})  # fmt: skip
"""Words that continue a model's name after a space ("gpt 4o mini", "gemini 2.5 pro")."""
MAX_WORDS = 5
MAX_MENTIONS = 50
"""Past this many model names the message is a pasted document; reading more adds nothing."""

_ANCHORS = "|".join(sorted((*API_FAMILIES, *OPEN_FAMILIES, *CLAUDE_TIERS), key=len, reverse=True))
_TOKEN = r"[a-z0-9](?:[a-z0-9.:/]*[a-z0-9])?"
_MENTION = re.compile(
    rf"(?<![\w./-])(?:{_ANCHORS})(?:[0-9][a-z0-9.]*[a-z0-9]|[0-9])?(?![a-z])(?:-{_TOKEN})*"
    rf"(?: {_TOKEN}(?:-{_TOKEN})*){{0,{MAX_WORDS}}}",
    FLAGS,
)
_SELF_HOSTING = re.compile(
    r"\b(?:self[- ]?host\w*|on[- ]?prem\w*|our own (?:gpus?|hardware|servers?)|gpus?|a10g?s?|a100s?"
    r"|h100s?|h200s?|l4s?|l40s?|vllm|tgi)\b", FLAGS)
"""A model named while describing self-hosting is the open model, not the API one."""
_DATE = re.compile(r"^(?:19|20)[0-9]{2}(?:[0-9]{4})?$")


@dataclass(frozen=True)
class Resolved:
    """What a mention resolves to: a catalog model, how it was chosen, or the closest names."""

    model: CatalogModel | None
    family: bool = False
    closest: tuple[str, ...] = ()


def _tokens(name: str) -> list[str]:
    return [token for token in normalise(name).split("-") if token]


def _version(model: CatalogModel) -> tuple[tuple[int, ...], bool]:
    """Version numbers in a model's id, and whether the id is free of a dated snapshot."""
    numbers = [token for token in _tokens(model.id) if token.isdigit()]
    dated = any(_DATE.match(token) for token in numbers)
    return tuple(int(n) for n in numbers if not _DATE.match(n)), not dated


def newest_of_family(words: list[str], prices: PriceCatalog) -> CatalogModel | None:
    """The newest model whose id is exactly these words plus version numbers ("claude sonnet"
    -> claude-sonnet-4-5, not claude-3-7-sonnet-latest nor a provider's regional alias)."""
    wanted = set(words)
    members = []
    for model in prices.models.values():
        tokens = _tokens(model.id)
        names = {token for token in tokens if not token.isdigit()}
        if names == wanted and len(tokens) > len(names):
            members.append(model)
    return max(members, key=lambda m: (_version(m), m.id), default=None)


def resolve(name: str, prices: PriceCatalog) -> Resolved:
    """The catalog model `name` stands for, or the closest names when there is none."""
    found = prices.find(name)
    if found is not None:
        return Resolved(found)
    words = _tokens(name)
    if words and words[0] in CLAUDE_TIERS:
        words = ["claude", *words]
        found = prices.find("-".join(words))
        if found is not None:
            return Resolved(found)
    if len(words) >= 2 and not any(any(ch.isdigit() for ch in word) for word in words):
        newest = newest_of_family(words, prices)
        if newest is not None:
            return Resolved(newest, family=True)
    return Resolved(None, closest=tuple(prices.closest("-".join(words))))


def _candidates(mention: str) -> list[str]:
    """The mention's possible names, longest first: its first word, then each following word
    that can continue a model name."""
    words = mention.split(" ")
    names = [words[0]]
    for word in words[1:]:
        if word not in VARIANTS and not any(ch.isdigit() for ch in word):
            break
        names.append(f"{names[-1]} {word}")
    return names[::-1]


def _is_api_family(name: str) -> bool:
    tokens = _tokens(name)
    return bool(tokens) and (tokens[0].startswith(API_FAMILIES) or tokens[0] in CLAUDE_TIERS)


def _sentence(text: str, start: int, end: int) -> str:
    edge = context.SENTENCE_EDGE.search(text, end)
    return text[context.sentence_start(text, start, 200):edge.start() if edge else len(text)]


def find(text: str, original: str, prices: PriceCatalog | None
         ) -> tuple[list[Finding], dict[str, str]]:
    """Every API model the text names, and why a named one was not taken.

    A bare maker's name ("Claude", "GPT") names no model and is passed over.
    """
    findings: list[Finding] = []
    rejected: dict[str, str] = {}
    if prices is None:
        return findings, rejected
    position = 0
    for _ in range(MAX_MENTIONS):
        match = _MENTION.search(text, position)
        if match is None:
            break
        start = match.start()
        names = _candidates(match.group())
        position = start + len(names[-1])
        if len(names) == 1 and names[0] in (*API_FAMILIES, *OPEN_FAMILIES) and names[0][-1].isalpha():
            continue
        if _SELF_HOSTING.search(_sentence(text, start, match.end())):
            continue
        around = context.read(text, start, position)
        if around.hedged_number or around.denied_before is not None:
            continue
        resolved = Resolved(None)
        for name in names:
            resolved = resolve(name, prices)
            if resolved.model is not None:
                break
        if resolved.model is None:
            if _is_api_family(names[0]) and resolved.closest:
                said = original[start:start + len(names[0])]
                rejected[FACT] = (f"{said} is not in the price catalog ({prices.source}); closest "
                                  f"known: {', '.join(resolved.closest)}")
            position = start + len(names[0])
            continue
        position = end = start + len(name)
        said = original[start:end]
        derivation = (f"{said}: the newest of that family in the price catalog"
                      if resolved.family else None)
        strength = STATED + (CORRECTION_BONUS if around.correction else 0)
        findings.append(Finding(FACT, resolved.model.id, strength, start, end, derivation))
    if findings:
        rejected.pop(FACT, None)
    return findings, rejected
