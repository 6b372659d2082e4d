"""Conversation state: plain pydantic data that the store keeps between turns."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_serializer,
)

from bot.extraction.model import VolumeParts
from scoring import Portfolio, Recommendation, WorkloadFacts

FactValue = str | int | float
MAX_NAME: int = next(rule.max_length for rule in WorkloadFacts.model_fields["name"].metadata
                     if hasattr(rule, "max_length"))
"""The longest use-case name `WorkloadFacts` takes; a longer one is shortened for scoring."""


class _Attributed(BaseModel):
    """A model holding someone's words, with `user`, who gave them (None in a conversation
    without users, such as the terminal, or recorded before users were noted). Fields named in
    `_OMITTED_WHEN_NONE` are left out of the stored JSON while None, so states stored before
    read back and dump unchanged."""

    _OMITTED_WHEN_NONE: ClassVar[tuple[str, ...]] = ("user",)

    user: str | None = None

    @model_serializer(mode="wrap")
    def _only_when_known(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        data: dict[str, object] = handler(self)
        for name in self._OMITTED_WHEN_NONE:
            if name in data and data[name] is None:
                data.pop(name)
        return data


class FactNote(_Attributed):
    """A fact as the user gave it, with the words it came from."""

    model_config = ConfigDict(frozen=True)
    _OMITTED_WHEN_NONE: ClassVar[tuple[str, ...]] = ("user", "replaced")

    value: FactValue
    evidence: str = ""
    derivation: str = ""
    turn: int = 0
    replaced: FactNote | None = None
    """The note this one replaced when someone else had given it, so that forgetting this
    note's user brings theirs back; it holds no note of this note's own user."""

    def without(self, user: str) -> FactNote | None:
        """What is left of this fact once `user`'s notes are taken out: this note, or the one it
        replaced, or None."""
        replaced = self.replaced.without(user) if self.replaced is not None else None
        if self.user == user:
            return replaced
        return self if replaced == self.replaced else self.model_copy(update={"replaced": replaced})


class UseCase(BaseModel):
    """One workload of the conversation: its name and what we know about it."""

    name: str | None = None
    facts: dict[str, FactNote] = Field(default_factory=dict)
    named_by: str | None = None
    """Who gave the name, when a user did."""

    @model_serializer(mode="wrap")
    def _named_by_only_when_known(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        data: dict[str, object] = handler(self)
        if data.get("named_by", "") is None:
            data.pop("named_by")
        return data

    def workload(self) -> WorkloadFacts:
        """This use case as scoring's facts, its name included.

        Raises `pydantic.ValidationError` only if a stored note holds a value no version of
        the engine would have noted.
        """
        name = self.name[:MAX_NAME] if self.name else self.name
        return WorkloadFacts.model_validate(
            {fact: note.value for fact, note in self.facts.items()} | {"name": name})


class PendingChange(_Attributed):
    """A tentative statement that would change known facts, held until the user says whether it
    is a fact to record or only a what-if."""

    values: dict[str, FactValue]
    evidence: dict[str, str] = Field(default_factory=dict)
    derivations: dict[str, str] = Field(default_factory=dict)
    words: str = ""
    kind: Literal["tentative", "estimate", "what_if"] = "tentative"
    """A hedged change to known facts, an estimate from vague words waiting for a yes, or the
    change the last what-if imagined, recorded if the user adopts it ("record that")."""


class Sources(BaseModel):
    """Who gave the words held between turns outside facts: a cue, a fact stated two ways, half
    a volume."""

    cues: dict[str, str] = Field(default_factory=dict)
    """Fact -> the user whose message hinted at it (`ConversationState.cues`)."""
    clarifying: str | None = None
    """The user who stated facts two ways (`ConversationState.clarifying`)."""
    volume_parts: list[str] = Field(default_factory=list)
    """The users whose messages gave half a volume (`ConversationState.volume_parts`)."""


_LATER_FIELDS = ("asked_times", "skipped", "pending", "volume_parts", "cues", "sources")
"""Fields added after conversations were first stored: left out while at their defaults, so a
stored conversation reads back and dumps unchanged."""


class ConversationState(BaseModel):
    """Everything the engine needs to continue a conversation where it stopped."""

    current: UseCase = Field(default_factory=UseCase)
    earlier: list[UseCase] = Field(default_factory=list)
    """Use cases finished with `add use case`; with `current` they form a portfolio."""
    asked: str | None = None
    """The fact the last question asked about, so a bare answer ("niche") can be placed."""
    asked_times: int = 0
    """How many times in a row `asked` has been asked."""
    skipped: list[str] = Field(default_factory=list)
    """Facts the user chose not to answer ("don't know", "skip"); not asked again."""
    pending: PendingChange | None = None
    """A tentative change waiting for "record it" or "just a what-if"."""
    volume_parts: VolumeParts | None = None
    """Half of a volume (a count at a rate, or a size per item) waiting for the other half."""
    cues: dict[str, str] = Field(default_factory=dict)
    """Facts hinted at but not stated ("HIPAA" for residency), asked first and explained."""
    clarifying: dict[str, list[str]] = Field(default_factory=dict)
    """Facts stated two ways in one message, waiting for the user to pick."""
    sources: Sources = Field(default_factory=Sources)
    """Who gave `cues`, `clarifying` and `volume_parts`, so one user's words can be removed."""
    stage: Literal["gathering", "advised"] = "gathering"
    last_result: Recommendation | None = None
    """The last recommendation given."""
    turns: int = 0

    def scored_facts(self, current: WorkloadFacts | None = None) -> WorkloadFacts | Portfolio:
        """What advice on this conversation scores: the current use case (or `current`, a
        what-if variant of it), after the use cases finished earlier as one portfolio."""
        workload = current if current is not None else self.current.workload()
        if not self.earlier:
            return workload
        return Portfolio(use_cases=[*(case.workload() for case in self.earlier), workload])

    @model_serializer(mode="wrap")
    def _later_fields_only_when_set(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        data: dict[str, object] = handler(self)
        defaults = ConversationState.model_fields
        for name in _LATER_FIELDS:
            if name in data and getattr(self, name) == defaults[name].get_default(call_default_factory=True):
                data.pop(name)
        return data

    @field_validator("last_result", mode="wrap")
    @classmethod
    def _result_or_none(cls, value: object, handler: ValidatorFunctionWrapHandler
                        ) -> Recommendation | None:
        # A result stored by a version whose Recommendation had another shape is dropped rather
        # than losing the whole conversation: the next advice computes it again from the facts.
        try:
            result: Recommendation | None = handler(value)
        except ValidationError:
            return None
        return result
