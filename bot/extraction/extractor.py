"""One chat message in, the workload facts it states out."""

from __future__ import annotations

from bot.extraction import (
    effort,
    hosting,
    latency,
    models,
    prices,
    quality,
    residency,
    rules,
    specialization,
    team,
    timeline,
    volume,
)
from bot.extraction.context import lower_ascii
from bot.extraction.model import Extraction
from bot.extraction.resolve import resolve
from scoring import Policy, PriceCatalog, load_policy

MAX_CHARS = 50_000
"""Longer input is read up to here: no chat message is longer, and the time per call stays bounded."""

ALL_RULES: tuple[rules.Rule, ...] = (
    *residency.RULES,
    *team.RULES,
    *latency.RULES,
    *specialization.RULES,
    *quality.RULES,
    *timeline.RULES,
)

# One character for one character, so offsets in the normalised text are offsets in the original.
_NORMALISE = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
        "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u00d7": "x", "\u2248": "~", "\u2264": "<",
        **{chr(code): " " for code in range(32) if chr(code) not in "\n\t"},
        "\x7f": " ",
    }
)  # fmt: skip


def extract(text: str, catalog: PriceCatalog | None = None, policy: Policy | None = None
            ) -> Extraction:
    """The facts `text` states, with evidence, derivations, conflicts and rejected values.

    API model names are resolved against `catalog` (without one, none is read); GPU profiles
    against `policy`'s (the shipped policy's if None). Never raises for any string. A fact the
    message does not state is None, never guessed.
    """
    original = text[:MAX_CHARS]
    normalised = lower_ascii(original.translate(_NORMALISE))
    findings = rules.apply(normalised, ALL_RULES)
    volumes = volume.find(normalised, original)
    findings += volumes.findings
    rejected = dict(volumes.rejected)
    for found, refused in (prices.find(normalised, original), effort.find(normalised, original),
                           models.find(normalised, original, catalog),
                           hosting.find(normalised, original, policy or load_policy())):
        findings += found
        rejected.update(refused)
    result = resolve(original, findings, rejected)
    result.volume_parts = volumes.parts
    result.period_correction = volumes.period_correction
    return result
