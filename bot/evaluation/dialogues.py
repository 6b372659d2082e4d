"""The labelled dialogues: what each conversation says and what it should leave understood."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from bot.conversation.state import FactValue
from bot.errors import UserError
from scoring import Choice, Policy, Portfolio, PriceCatalog, WorkloadFacts, load_policy, recommend

DEFAULT_SET = "dialogues.yaml"
"""The set shipped in this package."""
PRICES = "prices.json"
"""The API price catalog the labels were scored with, pinned so the figure does not move when
the maintained catalog does."""


class Expectation(BaseModel):
    """What a dialogue should leave understood once its last message is answered."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    facts: dict[str, FactValue | None] = Field(default_factory=dict)
    """The current use case's facts that matter; null names a fact that must stay unknown, and
    facts not named here are not compared."""
    use_cases: list[dict[str, FactValue | None]] = Field(default_factory=list)
    """For a portfolio, every use case's facts, in the order they were described."""
    recommendation: Choice
    """The framework's answer on the expected facts (a test re-scores it)."""
    asked_first: list[str] = Field(default_factory=list)
    """Facts the bot should ask for before its first recommendation."""

    @model_validator(mode="after")
    def _one_kind(self) -> Expectation:
        if self.use_cases and self.facts:
            raise ValueError("give either facts (one workload) or use_cases (a portfolio)")
        if not self.use_cases and not self.facts:
            raise ValueError("give the expected facts")
        return self

    def cases(self) -> list[dict[str, FactValue | None]]:
        """The expected facts of every use case, the current one last."""
        return list(self.use_cases) or [dict(self.facts)]

    def scored(self) -> WorkloadFacts | Portfolio:
        """The expected facts as scoring takes them."""
        workloads = [WorkloadFacts.model_validate(case) for case in self.cases()]
        return workloads[0] if len(workloads) == 1 else Portfolio(use_cases=workloads)


class LabelledDialogue(BaseModel):
    """One conversation, typed as a person would, with its expected outcome."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    persona: str = Field(min_length=1)
    messages: list[str] = Field(min_length=1)
    expect: Expectation


_SET = TypeAdapter(list[LabelledDialogue])


def load_dialogues(path: Path | None = None) -> list[LabelledDialogue]:
    """The dialogues in `path` (YAML), or the set shipped with the package; raises UserError
    for a file that cannot be read or does not hold a valid set."""
    name = str(path) if path is not None else DEFAULT_SET
    try:
        text = (path.read_text(encoding="utf-8") if path is not None
                else files("bot.evaluation").joinpath(DEFAULT_SET).read_text(encoding="utf-8"))
        dialogues = _SET.validate_python(yaml.safe_load(text))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UserError(f"{name}: cannot read ({exc})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UserError(f"{name}: not a dialogue set ({where}: {first['msg']})") from None
    ids = [dialogue.id for dialogue in dialogues]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise UserError(f"{name}: dialogue ids repeat: {', '.join(repeated)}")
    return dialogues


@cache
def pinned_catalog() -> PriceCatalog:
    """The price catalog the evaluation scores with."""
    return PriceCatalog.model_validate_json(files("bot.evaluation").joinpath(PRICES).read_text(
        encoding="utf-8"))


def label_recommendation(expectation: Expectation, policy: Policy | None = None,
                         prices: PriceCatalog | None = None) -> Choice:
    """The framework's recommendation on `expectation`'s facts, under the shipped policy and the
    pinned catalog unless told otherwise."""
    return recommend(expectation.scored(), policy or load_policy(), prices or pinned_catalog()
                     ).recommendation
