"""One chat message in, the workload facts it states out."""

from __future__ import annotations

from bot.extraction import latency, quality, residency, rules, specialization, team, timeline, volume
from bot.extraction.context import lower_ascii
from bot.extraction.model import Extraction
from bot.extraction.resolve import resolve

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


def extract(text: str) -> Extraction:
    """The facts `text` states, with evidence, derivations, conflicts and rejected values.

    Never raises for any string. A fact the message does not state is None, never guessed.
    """
    original = text[:MAX_CHARS]
    normalised = lower_ascii(original.translate(_NORMALISE))
    findings = rules.apply(normalised, ALL_RULES)
    volumes = volume.find(normalised, original)
    result = resolve(original, findings + volumes.findings, volumes.rejected)
    result.volume_parts = volumes.parts
    result.period_correction = volumes.period_correction
    return result
