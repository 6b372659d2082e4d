"""The extractor's result type and the internal finding it is built from."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

HINT_FROM_NEGATION = 1
"""A reading implied only by a denial ("doesn't need to be real-time" -> relaxed)."""
HINT = 2
"""A contextual clue ("chat UI" -> interactive, "HIPAA" -> in-house)."""
STATED = 3
"""An explicit statement of the fact."""
CORRECTION_BONUS = 10
"""Added when the words follow "actually", "correction", "no," and the like: a correction
outranks whatever it corrects in the same message."""


class Extraction(BaseModel):
    """What one message states about a workload, with the words that support each fact."""

    model_config = ConfigDict(extra="forbid")

    facts: dict[str, str | int] = Field(default_factory=dict)
    """Only facts the message states; names and values exactly as in `WorkloadFacts`."""
    evidence: dict[str, str] = Field(default_factory=dict)
    """Fact -> the supporting words, copied from the message."""
    derivations: dict[str, str] = Field(default_factory=dict)
    """Fact -> how a number was derived from what was said, for people to check."""
    conflicts: dict[str, list[str]] = Field(default_factory=dict)
    """Fact -> the distinct values the message states; such a fact is left out of `facts`."""
    rejected: dict[str, str] = Field(default_factory=dict)
    """Fact -> why a stated value was not accepted (an impossible volume, say)."""


@dataclass(frozen=True)
class Finding:
    """One reading of one fact from one span of the message."""

    fact: str
    value: str | int
    strength: int
    start: int
    end: int
    derivation: str | None = None
