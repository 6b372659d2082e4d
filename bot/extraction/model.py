"""The extractor's result type and the internal finding it is built from."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from scoring import OPTIONAL_FACTS, REQUIRED_FACTS, WorkloadFacts

CUE = 0
"""Words that bear on a fact without settling it ("HIPAA" for residency): a reason to ask."""
HINT_FROM_NEGATION = 1
"""A reading implied only by a denial ("doesn't need to be real-time" -> relaxed)."""
HINT = 2
"""A contextual clue ("chat UI" -> interactive, "nightly reports" -> relaxed)."""
STATED = 3
"""An explicit statement of the fact."""
MEASURED = 4
"""A figure with its unit ("under 1s to first token"): more specific than a word for the same fact
("latency is critical"), so the figure settles the class instead of contradicting the word."""
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


class Estimate(BaseModel):
    """A reading of vague words ("a few hundred a day", "a lot of traffic"), for the user to confirm."""

    model_config = ConfigDict(extra="forbid")

    value: int | str
    """What the words most plausibly mean, in the fact's own unit (tokens per month for volume)."""
    words: str
    """The words read, copied from the message."""
    derivation: str
    """How the value was read from the words, for people to check."""


class ValueRange(BaseModel):
    """A fact stated as a range ("between 20M and 40M"), kept as both ends."""

    model_config = ConfigDict(extra="forbid")

    low: int
    high: int
    words: str
    """The words read, copied from the message."""
    derivation: str = ""
    """How both ends were converted, when a rate was stated ("2M-3M/day x 30 days")."""


class VolumeParts(BaseModel):
    """The two halves of a volume, a count of items at a rate and their size in tokens.

    A message may state only one half ("a few hundred reports a day"); `merged` joins it with the
    other half from a later message ("each is about 5k tokens").
    """

    model_config = ConfigDict(extra="forbid")

    items_per_month: float | None = None
    """Requests, documents or other items per month, when the message counts them at a rate."""
    tokens_per_item: int | None = None
    """Tokens per item, when the message states a size."""
    item: str = ""
    """What is counted, in the message's words ("reports"), or "" when unnamed."""
    count_words: str = ""
    """The words that state the count, copied from the message."""
    size_words: str = ""
    """The words that state the size, copied from the message."""
    count_derivation: str = ""
    """How the count became items per month ("few hundred (read as ~300) reports/day x 30 days")."""
    estimated: bool = False
    """The count or the size was vague ("a few hundred"): a product of the parts is an estimate."""

    @property
    def words(self) -> str:
        """The words behind both halves, joined when they were stated apart."""
        return " ... ".join(part for part in (self.count_words, self.size_words) if part)

    def monthly_tokens(self) -> int | None:
        """Items per month x tokens per item, or None while a half is missing."""
        if self.items_per_month is None or self.tokens_per_item is None:
            return None
        return round(self.items_per_month * self.tokens_per_item)

    def derivation(self) -> str:
        """The product in words: "9,000 reports/month (few hundred ...) x 5k tokens each"."""
        items = self.item or "items"
        count = f"? {items}/month"
        if self.items_per_month is not None:
            count = f"{self.items_per_month:,.0f} {items}/month"
        if self.count_derivation:
            count += f" ({self.count_derivation})"
        size = "? tokens each" if self.tokens_per_item is None else f"{self.tokens_per_item:,} tokens each"
        return f"{count} x {size}"

    def merged(self, later: VolumeParts) -> VolumeParts:
        """These parts completed or corrected by a later message's: a half the later message states wins."""
        has_count = later.items_per_month is not None
        has_size = later.tokens_per_item is not None
        count = later if has_count else self
        size = later if has_size else self
        return VolumeParts(
            items_per_month=count.items_per_month, tokens_per_item=size.tokens_per_item,
            item=count.item or size.item, count_words=count.count_words, size_words=size.size_words,
            count_derivation=count.count_derivation,
            estimated=(count.estimated and count.items_per_month is not None)
            or (size.estimated and size.tokens_per_item is not None),
        )  # fmt: skip


class PeriodCorrection(BaseModel):
    """A correction of the period a volume was stated in ("per week not per day"), without a new figure."""

    model_config = ConfigDict(extra="forbid")

    period: str
    """The period meant, one of `bot.extraction.units.PERIODS` ("week")."""
    replaces: str | None = None
    """The period it corrects, when the message names it ("day")."""
    words: str
    factor: float | None = None
    """Multiply a monthly volume read per `replaces` by this to read it per `period`; None when the
    replaced period is not named."""


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
    cues: dict[str, str] = Field(default_factory=dict)
    """Fact -> words that bear on a fact without settling it ("regulated data mentioned: HIPAA"):
    a reason to ask about the fact, never a value. Only for facts the message does not state."""
    estimates: dict[str, Estimate] = Field(default_factory=dict)
    """Fact -> a reading of vague words, to confirm before it is used. Only for facts not stated."""
    ranges: dict[str, ValueRange] = Field(default_factory=dict)
    """Fact -> both ends of a range the message states; `facts` holds its midpoint, as the
    derivation says, so the answer can be checked at each end."""
    volume_parts: VolumeParts | None = None
    """The count and size behind the volume, or the one half the message states."""
    corrected: list[str] = Field(default_factory=list)
    """Stated facts the message marks as a correction ("actually", "sorry", "I meant", "not X but Y")."""
    period_correction: PeriodCorrection | None = None
    """A correction of the period of an earlier volume, when the message gives no new figure."""

    def stated(self) -> dict[str, str | int | float]:
        """The stated facts by name, as JSON values, in the order the message states them."""
        values = self.facts.model_dump(mode="json", exclude_none=True)
        return {fact: values[fact] for fact in dict.fromkeys([*self.evidence, *values])
                if fact in values}

    def is_empty(self) -> bool:
        """True when the message states no fact, contradicts none, had none refused, and gives no cue,
        estimate, range, volume part or period correction."""
        return not (self.stated() or self.conflicts or self.rejected or self.cues or self.estimates
                    or self.ranges or self.volume_parts or self.period_correction)

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
    kind: str = "fact"
    """"fact"; "cue" (value is the cue's text); or "estimate" (a reading of vague words)."""
    low: int | None = None
    """With `high`: both ends of a stated range, in the fact's unit; value is the midpoint."""
    high: int | None = None
