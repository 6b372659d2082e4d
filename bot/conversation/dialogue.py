"""The turn-by-turn dialogue: turn(state, message) -> (state, replies). No Slack, no I/O of its own."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from pydantic import ValidationError

from bot.conversation import asking
from bot.conversation.advice import Guidance, build_advice, cited_answer
from bot.conversation.commands import Command, looks_like_question, parse_command
from bot.conversation.replies import QuickAnswer, Reply
from bot.conversation.state import ConversationState, FactNote, UseCase
from bot.extraction import Extraction, extract
from bot.render import words
from scoring import Policy, Portfolio, WorkloadFacts, next_questions, recommend
from scoring.facts import CATEGORICAL_FACTS, REQUIRED_FACTS

MAX_CHARS = 4000
TEAM_FACTS = ("ml_expertise",)
"""Facts about the team rather than the workload: a new use case inherits them."""
HELP = (
    "Tell me about an LLM workload in plain words: where its data may go, how specialised the "
    "task is, the monthly token volume, your team's ML skills and how much latency matters. "
    "I ask only for what's missing.\n"
    "Commands: `status`, `restart`, `what if <change>` (e.g. `what if 500M tokens/month`), "
    "`add use case <name>` for a portfolio, `recommend` for an answer with what I know now. "
    "Ask side questions any time (\"why does latency matter?\")."
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(text: str) -> str:
    return unicodedata.normalize("NFC", _CONTROL.sub(" ", text)).strip()


def _describe(fact: str, note: FactNote) -> str:
    label = words.FACT_LABELS.get(fact, fact)
    value = words.fact_value(fact, str(note.value))
    if note.derivation:
        return f"{label}: {value} ({note.derivation})"
    if note.evidence:
        return f"{label}: {value} (from \"{note.evidence}\")"
    return f"{label}: {value}"


class Engine:
    """Gathers facts, asks what matters, answers side questions and gives cited advice."""

    def __init__(self, policy: Policy, guidance: Guidance | None = None, *,
                 extractor: Callable[[str], Extraction] = extract,
                 index_version: Callable[[], str] | None = None) -> None:
        self.policy = policy
        self.guidance = guidance
        self.extractor = extractor
        self.index_version = index_version or (lambda: "")

    def turn(self, state: ConversationState, message: str) -> tuple[ConversationState, list[Reply]]:
        state = state.model_copy(deep=True)
        state.turns += 1
        text = clean(message)
        replies: list[Reply] = []
        if len(text) > MAX_CHARS:
            replies.append(Reply(kind="notice", text=f"That message is {len(text):,} characters "
                                 f"long; I read the first {MAX_CHARS:,}."))
            text = text[:MAX_CHARS]
        if not any(ch.isalnum() for ch in text):
            replies.append(Reply(kind="notice", text="I didn't find any words in that." + (
                "" if state.asked else " Describe the workload, or type `help`.")))
            return state, replies + self._continue(state, force_question=True)
        command = parse_command(text)
        if command is not None:
            return self._command(state, command, replies)
        return self._message(state, text, replies)

    def start_with_facts(self, facts: dict[str, object], name: str | None = None,
                         source: str = "the form") -> tuple[ConversationState, list[Reply]]:
        """A conversation whose facts came all at once (a form); it goes straight to advice
        when nothing that matters is missing."""
        state = ConversationState(turns=1)
        state.current.name = name
        checked = WorkloadFacts.model_validate(facts).model_dump(
            mode="json", exclude_none=True, exclude={"name"})
        for fact, value in checked.items():
            state.current.facts[fact] = FactNote(value=value, evidence=source, turn=1)
        return state, self._continue(state, changed=list(checked))

    # -- messages -----------------------------------------------------------------------------

    def _message(self, state: ConversationState, text: str, replies: list[Reply]
                 ) -> tuple[ConversationState, list[Reply]]:
        extraction = self._read(state, text)
        if not extraction.facts and not extraction.conflicts and not extraction.rejected:
            if looks_like_question(text):
                answer = cited_answer(text, self.guidance)
                replies.append(Reply(kind="answer", text=answer.text, answer=answer))
                return state, replies + self._continue(state, force_question=True, resume=True)
            if not state.current.facts and not state.earlier:
                replies.append(Reply(kind="help", text=HELP))
            else:
                replies.append(Reply(kind="notice", text=(
                    "I couldn't find workload facts in that. I read plain English descriptions "
                    "such as \"about 3M tokens a day\" or \"patient data can't leave our DC\"; "
                    "`help` lists what else I understand.")))
            return state, replies + self._continue(state, force_question=True)
        for fact, reason in extraction.rejected.items():
            label = words.FACT_LABELS.get(fact, fact).lower()
            replies.append(Reply(kind="notice", text=f"I didn't take that as {label}: {reason}."))
        changed = self._apply(state, extraction, replies)
        if extraction.conflicts:
            fact, values = next(iter(extraction.conflicts.items()))
            state.clarifying = dict(extraction.conflicts)
            state.asked = fact
            options = " or ".join(words.fact_value(fact, value) for value in values)
            replies.append(Reply(
                kind="question",
                text=f"You said two things about {words.FACT_LABELS[fact].lower()}: {options}. "
                     "Which one holds?",
                quick_answers=[QuickAnswer(label=words.fact_value(fact, value).capitalize(),
                                           value=f"{asking.SET_PREFIX} {fact} {value}")
                               for value in values]))
            return state, replies
        if not changed and not replies:
            return state, self._continue(state, force_question=True)
        return state, replies + self._continue(state, changed=changed)

    def _read(self, state: ConversationState, text: str) -> Extraction:
        command = asking.read_set_command(text)
        if command is not None:
            fact, value = command
            return self._validated(fact, value, text)
        extraction = self.extractor(text)
        asked = state.asked
        if asked and asked not in extraction.facts and not extraction.conflicts:
            picked = asking.read_bare_answer(asked, text) if text.strip().isdecimal() else None
            if picked is not None:
                return self._validated(asked, picked, text)
            if asked == "monthly_tokens" and any(ch.isdigit() for ch in text):
                retry = self.extractor(f"{text} tokens per month")
                if "monthly_tokens" in retry.facts:
                    extraction.facts["monthly_tokens"] = retry.facts["monthly_tokens"]
                    extraction.evidence["monthly_tokens"] = text
                    extraction.derivations["monthly_tokens"] = retry.derivations.get(
                        "monthly_tokens", "")
                elif "monthly_tokens" in retry.rejected:
                    extraction.rejected["monthly_tokens"] = retry.rejected["monthly_tokens"]
            elif not extraction.facts and len(text.split()) <= 6:
                bare = asking.read_bare_answer(asked, text)
                if bare is not None:
                    extraction.facts[asked] = bare
                    extraction.evidence[asked] = text
        return extraction

    def _validated(self, fact: str, value: str, text: str) -> Extraction:
        extraction = Extraction()
        if fact not in REQUIRED_FACTS and fact not in CATEGORICAL_FACTS:
            extraction.rejected[fact] = "that is not a fact I track"
            return extraction
        try:
            checked = WorkloadFacts.model_validate({fact: value})
        except ValidationError as exc:
            extraction.rejected[fact] = exc.errors()[0]["msg"]
            return extraction
        extraction.facts[fact] = checked.model_dump(mode="json")[fact]
        extraction.evidence[fact] = text
        return extraction

    def _apply(self, state: ConversationState, extraction: Extraction, replies: list[Reply]
               ) -> list[str]:
        noted, updated = [], []
        for fact, value in extraction.facts.items():
            note = FactNote(value=value, evidence=extraction.evidence.get(fact, ""),
                            derivation=extraction.derivations.get(fact, ""), turn=state.turns)
            previous = state.current.facts.get(fact)
            if previous is not None and previous.value == value:
                continue
            state.current.facts[fact] = note
            state.clarifying.pop(fact, None)
            if previous is None:
                noted.append(_describe(fact, note))
            else:
                was = words.fact_value(fact, str(previous.value))
                updated.append(f"{_describe(fact, note)}, was {was}")
        if state.asked in extraction.facts:
            state.asked = None
        lines = [f"Noted: {line}" for line in noted] + [f"Updated: {line}" for line in updated]
        if lines:
            replies.append(Reply(kind="noted", text="\n".join(lines)))
        return [*extraction.facts]

    # -- asking and advising ------------------------------------------------------------------

    def _continue(self, state: ConversationState, changed: list[str] | None = None,
                  force_question: bool = False, resume: bool = False) -> list[Reply]:
        if state.stage == "advised" and not changed:
            return []
        facts = WorkloadFacts.model_validate(state.current.values())
        questions = next_questions(facts, self.policy)
        open_questions = [q for q in questions if q.can_change]
        if open_questions and not (state.stage == "advised" and changed):
            first = open_questions[0].fact
            state.asked = first
            lead = "Back to where we were: " if resume else ""
            return [Reply(kind="question", text=lead + asking.question_text(first),
                          quick_answers=asking.quick_answers(first))]
        if force_question and not changed and state.stage == "gathering" and not state.current.facts:
            return []
        unasked = [q.fact for q in questions if not q.can_change]
        return [self._advise(state, unasked=unasked)]

    def _facts_for_scoring(self, state: ConversationState,
                           overrides: dict[str, object] | None = None) -> WorkloadFacts | Portfolio:
        current = {**state.current.values(), **(overrides or {})}
        if state.current.name:
            current["name"] = state.current.name
        workload = WorkloadFacts.model_validate(current)
        if not state.earlier:
            return workload
        cases = [WorkloadFacts.model_validate({**case.values(), "name": case.name})
                 for case in state.earlier]
        return Portfolio(use_cases=[*cases, workload])

    def _advise(self, state: ConversationState, unasked: list[str] | None = None,
                overrides: dict[str, object] | None = None, what_if: str | None = None) -> Reply:
        facts = self._facts_for_scoring(state, overrides)
        result = recommend(facts, self.policy)
        advice = build_advice(result, facts.model_dump(mode="json", exclude_none=True),
                              self.guidance, what_if=what_if, unasked=unasked or [],
                              index_version=self._safe_index_version())
        if what_if is None:
            state.stage = "advised"
            state.asked = None
            state.last_result = result.model_dump(mode="json")
        return Reply(kind="advice", text=advice.headline, advice=advice)

    def _safe_index_version(self) -> str:
        try:
            return self.index_version()
        except Exception:
            return ""

    # -- commands -----------------------------------------------------------------------------

    def _command(self, state: ConversationState, command: Command, replies: list[Reply]
                 ) -> tuple[ConversationState, list[Reply]]:
        if command.name == "restart":
            fresh = ConversationState(turns=state.turns)
            replies.append(Reply(kind="notice", text="Starting over: I've forgotten this "
                                 "conversation's facts."))
            return fresh, replies + self._continue(fresh, force_question=True)
        if command.name == "help":
            return state, [*replies, Reply(kind="help", text=HELP)]
        if command.name == "status":
            return state, [*replies, self._status(state)]
        if command.name == "advise":
            if not state.current.facts:
                notice = Reply(kind="notice", text="Tell me something about the workload first.")
                return state, [*replies, notice, *self._continue(state, force_question=True)]
            return state, [*replies, self._advise(state, unasked=[])]
        if command.name == "what_if":
            return state, replies + self._what_if(state, command.argument)
        return self._add_use_case(state, command.argument, replies)

    def _status(self, state: ConversationState) -> Reply:
        lines = []
        for index, case in enumerate([*state.earlier, state.current], start=1):
            title = case.name or f"use case {index}"
            known = [_describe(f, n) for f, n in case.facts.items()] or ["nothing yet"]
            lines.append(f"*{title}*: " + "; ".join(known))
        facts = WorkloadFacts.model_validate(state.current.values())
        missing = next_questions(facts, self.policy)
        if missing:
            parts = [f"{words.FACT_LABELS[q.fact].lower()}"
                     + ("" if q.can_change else " (can't change the answer)") for q in missing]
            lines.append("Still missing: " + ", ".join(parts))
        else:
            lines.append("Nothing missing.")
        return Reply(kind="status", text="\n".join(lines))

    def _what_if(self, state: ConversationState, change: str) -> list[Reply]:
        extraction = self.extractor(change)
        if not extraction.facts and any(ch.isdigit() for ch in change):
            retry = self.extractor(f"{change} tokens per month")
            extraction = retry if "monthly_tokens" in retry.facts else extraction
        if not extraction.facts:
            return [Reply(kind="notice", text="I couldn't read a change in that. Try "
                          "`what if 500M tokens/month` or `what if latency is critical`.")]
        if not state.current.facts:
            return [Reply(kind="notice", text="Tell me about the workload first; then I can "
                          "compare what-ifs against it.")]
        overrides: dict[str, object] = dict(extraction.facts)
        described = ", ".join(words.fact_value(f, str(v)) for f, v in overrides.items())
        return [self._advise(state, overrides=overrides, what_if=f"What if {described}")]

    def _add_use_case(self, state: ConversationState, name: str, replies: list[Reply]
                      ) -> tuple[ConversationState, list[Reply]]:
        if not state.current.facts:
            if name:
                state.current.name = name
            notice = Reply(kind="notice", text="This use case has no facts yet; tell me about it first.")
            return state, [*replies, notice, *self._continue(state, force_question=True)]
        finished = state.current.model_copy(deep=True)
        finished.name = finished.name or f"use case {len(state.earlier) + 1}"
        state.earlier.append(finished)
        carried = {f: n for f, n in finished.facts.items() if f in TEAM_FACTS}
        state.current = UseCase(name=name or f"use case {len(state.earlier) + 1}", facts=carried)
        state.stage = "gathering"
        state.asked = None
        replies.append(Reply(kind="notice", text=f"Saved \"{finished.name}\". Now tell me about "
                             f"\"{state.current.name}\"; I kept what you said about the team."))
        return state, replies + self._continue(state, force_question=True)
