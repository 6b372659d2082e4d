"""Run labelled dialogues through the conversation service and compare what it understood."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.conversation.dialogue import Engine
from bot.conversation.service import ConversationService
from bot.conversation.snapshot import TurnSnapshot, take_snapshot
from bot.conversation.state import FactValue
from bot.evaluation.dialogues import LabelledDialogue
from bot.render.conversation_text import render_reply


class Difference(BaseModel):
    """One thing a dialogue left understood differently from its label."""

    model_config = ConfigDict(frozen=True)

    what: str
    """A fact's name, `recommendation`, `use_cases` or `asked`."""
    use_case: int | None = None
    """For a fact of a portfolio, which use case (from 1)."""
    expected: str
    got: str

    def describe(self) -> str:
        where = f" (use case {self.use_case})" if self.use_case is not None else ""
        return f"{self.what}{where}: expected {self.expected}, got {self.got}"


class DialogueResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    differences: list[Difference]
    turns: list[TurnSnapshot]

    @property
    def passed(self) -> bool:
        return not self.differences


class EvaluationReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    results: list[DialogueResult]

    @property
    def passed(self) -> int:
        return sum(result.passed for result in self.results)

    @property
    def share(self) -> float:
        return self.passed / len(self.results) if self.results else 0.0

    def causes(self) -> Counter[str]:
        """How many dialogues each fact (or the recommendation) was wrong in."""
        return Counter(what for result in self.results
                       for what in {difference.what for difference in result.differences})


def _same(expected: FactValue | None, got: FactValue | None) -> bool:
    if expected is None or got is None:
        return expected is got
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return float(expected) == float(got)
    return str(expected) == str(got)


def _shown(value: FactValue | None) -> str:
    return "nothing" if value is None else str(value)


def _fact_differences(expected: dict[str, FactValue | None], got: dict[str, FactValue],
                      use_case: int | None) -> list[Difference]:
    return [Difference(what=fact, use_case=use_case, expected=_shown(value),
                       got=_shown(got.get(fact)))
            for fact, value in expected.items() if not _same(value, got.get(fact))]


def compare(dialogue: LabelledDialogue, turns: Sequence[TurnSnapshot]) -> list[Difference]:
    """Where the conversation's final understanding differs from the dialogue's label."""
    last = turns[-1]
    expect = dialogue.expect
    differences: list[Difference] = []
    if expect.use_cases:
        if len(last.use_cases) != len(expect.use_cases):
            differences.append(Difference(what="use_cases", expected=str(len(expect.use_cases)),
                                          got=str(len(last.use_cases))))
        for number, (wanted, got) in enumerate(zip(expect.use_cases, last.use_cases, strict=False),
                                               start=1):
            differences.extend(_fact_differences(wanted, got, number))
    else:
        differences.extend(_fact_differences(expect.facts, last.facts, None))
    if last.recommendation != expect.recommendation:
        differences.append(Difference(what="recommendation", expected=expect.recommendation.value,
                                      got=_shown(last.recommendation and last.recommendation.value)))
    asked: list[str] = []
    for turn in turns:
        if turn.asked is not None:
            asked.append(turn.asked)
        if turn.recommendation is not None:
            break
    differences.extend(Difference(what="asked", expected=fact, got=", ".join(asked) or "nothing")
                       for fact in expect.asked_first if fact not in asked)
    return differences


def run_dialogue(service: ConversationService, dialogue: LabelledDialogue) -> DialogueResult:
    """`dialogue`, message by message, in a conversation of its own that starts empty."""
    key = f"eval:{dialogue.id}"
    service.reset(key)
    turns = []
    for message in dialogue.messages:
        replies, state = service.respond(key, message)
        turns.append(take_snapshot(message, replies, [render_reply(r) for r in replies], state))
    return DialogueResult(id=dialogue.id, differences=compare(dialogue, turns), turns=turns)


def evaluate(service: ConversationService, dialogues: Sequence[LabelledDialogue]) -> EvaluationReport:
    """Every dialogue run and compared with its label."""
    return EvaluationReport(results=[run_dialogue(service, dialogue) for dialogue in dialogues])


@contextmanager
def fresh_service(engine: Engine) -> Iterator[ConversationService]:
    """A conversation service over `engine` and an empty, temporary store."""
    from bot.store import Store

    with tempfile.TemporaryDirectory(prefix="llm-advisor-eval-") as directory:
        store = Store(f"sqlite:///{Path(directory) / 'eval.sqlite3'}")
        try:
            store.migrate()
            yield ConversationService(engine, store.conversations)
        finally:
            store.close()
