"""The extractor's result type and the internal finding it is built from."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from scoring import OPTIONAL_FACTS, REQUIRED_FACTS, WorkloadFacts

HINT_FROM_NEGATION = 1
"""A reading implied only by a denial ("doesn't need to be real-time" -> relaxed)."""
HINT = 2
"""A contextual clue ("chat UI" -> interactive, "HIPAA" -> in-house)."""
STATED = 3
"""An explicit statement of the fact."""
CORRECTION_BONUS = 10
"""Added when the words follow "actually", "correction", "no," and the like: a correction
outranks whatever it corrects in the same message."""
STATED_FACTS: tuple[str, ...] = (*REQUIRED_FACTS, *OPTIONAL_FACTS)
"""The facts of the framework a message can state."""
COST_FACTS: tuple[str, ...] = ("api_model", "api_price_per_mtok", "api_input_price_per_mtok",
                               "api_output_price_per_mtok", "output_share", "gpu_profile",
                               "engineering_fte")
"""The cost inputs a message can state: what the comparison prices, when the team knows it."""
READ_FACTS: tuple[str, ...] = (*STATED_FACTS, *COST_FACTS)
"""Every fact a message can state; a workload's name comes from elsewhere."""


class Extraction(BaseModel):
    """What one message states about a workload, with the words that support each fact."""

    model_config = ConfigDict(extra="forbid")

    facts: WorkloadFacts = Field(default_factory=WorkloadFacts)
    """Only facts the message states, all of them `READ_FACTS`; every other field is None."""
    evidence: dict[str, str] = Field(default_factory=dict)
    """Fact -> the supporting words, copied from the message: one entry per stated fact, in the
    order the message states them."""
    derivations: dict[str, str] = Field(default_factory=dict)
    """Fact -> how a number was derived from what was said, for people to check."""
    conflicts: dict[str, list[str]] = Field(default_factory=dict)
    """Fact -> the distinct values the message states; such a fact is left out of `facts`."""
    rejected: dict[str, str] = Field(default_factory=dict)
    """Fact -> why a stated value was not accepted (an impossible volume, say)."""

    def stated(self) -> dict[str, str | int | float]:
        """The stated facts by name, as JSON values, in the order the message states them."""
        values = self.facts.model_dump(mode="json", exclude_none=True)
        return {fact: values[fact] for fact in dict.fromkeys([*self.evidence, *values])
                if fact in values}

    def is_empty(self) -> bool:
        """True when the message states no fact, contradicts none and had none refused."""
        return not (self.stated() or self.conflicts or self.rejected)

    def with_fact(self, fact: str, value: object, evidence: str, derivation: str = "") -> Extraction:
        """A copy that also states `fact` as `value`, citing `evidence`.

        Raises `pydantic.ValidationError` when `WorkloadFacts` does not accept the value.
        """
        facts = WorkloadFacts.model_validate(
            {**self.facts.model_dump(exclude_none=True), fact: value})
        derivations = {name: how for name, how in self.derivations.items() if name != fact}
        if derivation:
            derivations[fact] = derivation
        return self.model_copy(deep=True, update={
            "facts": facts, "evidence": {**self.evidence, fact: evidence}, "derivations": derivations})


@dataclass(frozen=True)
class Finding:
    """One reading of one fact from one span of the message."""

    fact: str
    value: str | int | float
    strength: int
    start: int
    end: int
    derivation: str | None = None
