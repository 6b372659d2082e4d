"""gpu_profile: how the team would self-host ("an 8B on A100s", "70b on h100s").

The words are matched to the policy's GPU profiles by GPU type and model size class, so an
organisation's own profiles are read the same way. Said as a condition ("if we self-host it'd
be ...") it still states the profile: the profile only prices the self-hosted side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extraction import context
from bot.extraction.context import FLAGS
from bot.extraction.model import CORRECTION_BONUS, STATED, Finding
from scoring import Policy

FACT = "gpu_profile"
SMALL_UP_TO_B = 20.0
"""Models up to 20B parameters are one size class (7-8B, 13B); larger ones another (70B)."""

_GPU = r"a100|a10g|a10|h100|h200|l40s|l40|l4"
_GPU_IN_NAME = re.compile(rf"(?<![a-z0-9])(?P<gpu>{_GPU})(?![0-9])", FLAGS)
_SIZE_IN_NAME = re.compile(r"(?<![a-z0-9.])(?P<size>[0-9]+(?:\.[0-9]+)?)\s?b(?![a-z])", FLAGS)
_GPU_SAID = re.compile(
    rf"(?<![a-z0-9-])(?:(?:[0-9]+|two|four|eight|a pair of|a couple of)\s?x?\s?)?(?P<gpu>{_GPU})"
    r"(?:s|'s)?(?![a-z0-9])", FLAGS)
_SIZE_SAID = re.compile(r"(?<![a-z0-9.$-])(?P<size>[0-9]+(?:\.[0-9]+)?)\s?b(?:n|illion)?(?![a-z0-9])"
                        r"(?:\s+(?:param(?:eter)?s?|model|open model|llama|model class))?", FLAGS)


@dataclass(frozen=True)
class _Shape:
    gpu: str
    small: bool | None


def _gpu(name: str) -> str:
    return "a10" if name == "a10g" else name


def _small(size: str) -> bool:
    return float(size) <= SMALL_UP_TO_B


def shape(name: str, description: str) -> _Shape | None:
    """The GPU type and size class a profile serves, read from its name and description."""
    words = f"{name} {description}".lower()
    gpu = _GPU_IN_NAME.search(words)
    if gpu is None:
        return None
    size = _SIZE_IN_NAME.search(words)
    return _Shape(_gpu(gpu["gpu"]), None if size is None else _small(size["size"]))


def find(text: str, original: str, policy: Policy) -> tuple[list[Finding], dict[str, str]]:
    """Every GPU profile of `policy` the text describes, and why a described one matched none."""
    findings: list[Finding] = []
    rejected: dict[str, str] = {}
    profiles = policy.cost.gpu_profiles
    shapes = [(profile.name, shape(profile.name, profile.description)) for profile in profiles]
    for profile in profiles:
        for match in re.finditer(rf"(?<![\w-]){re.escape(profile.name.lower())}(?![\w-])", text):
            findings.append(Finding(FACT, profile.name, STATED, *match.span()))
    for count, match in enumerate(_GPU_SAID.finditer(text)):
        if count == 50:
            break
        if context.is_question(text, match.end()):
            continue
        begin = context.sentence_start(text, match.start())
        edge = context.SENTENCE_EDGE.search(text, match.end())
        sentence_end = edge.start() if edge else len(text)
        sizes = list(_SIZE_SAID.finditer(text, begin, sentence_end))
        size = min(sizes, key=lambda s: abs(s.start() - match.start()), default=None)
        if size is None:
            continue  # "we have 4 H100s" says what the team owns, not how it would serve a model
        gpu = _gpu(match["gpu"])
        small = _small(size["size"])
        fits = [name for name, found in shapes if found is not None and found.gpu == gpu
                and (small is None or found.small in (None, small))]
        start, end = min(match.start(), size.start()), max(match.end(), size.end())
        said = original[start:end]
        if len(fits) == 1:
            correction = context.read(text, start, end).correction
            findings.append(Finding(FACT, fits[0], STATED + (CORRECTION_BONUS if correction else 0),
                                    start, end))
        elif not fits:
            known = ", ".join(profile.name for profile in profiles)
            rejected[FACT] = f"no GPU profile of the policy serves {said} (profiles: {known})"
    if findings:
        rejected.pop(FACT, None)
    return findings, rejected
