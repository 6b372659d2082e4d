"""The turn-by-turn dialogue: turn(state, message) -> (state, replies). No Slack, no I/O of its own."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import partial

from pydantic import ValidationError

from bot import wording
from bot.conversation import asking
from bot.conversation.advice import Guidance, build_advice, cited_answer
from bot.conversation.commands import Command, looks_like_question, parse_command
from bot.conversation.replies import QuickAnswer, Reply
from bot.conversation.state import ConversationState, FactNote, UseCase
from bot.extraction import Extraction, extract
from bot.extraction.model import READ_FACTS
from scoring import Policy, PriceCatalog, WorkloadFacts, next_questions, recommend

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
PRICE_FORMS = (("api_price_per_mtok",), ("api_input_price_per_mtok", "api_output_price_per_mtok"))
"""A blended price, or input and output prices: a newly stated form replaces the other."""


def clean(text: str) -> str:
    return unicodedata.normalize("NFC", _CONTROL.sub(" ", text)).strip()


def _lower_label(fact: str) -> str:
    """A fact's label inside a sentence: "latency needs", but "API model" keeps its capitals."""
    label = wording.FACT_LABELS.get(fact, fact)
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _describe(fact: str, note: FactNote) -> str:
    label = wording.FACT_LABELS.get(fact, fact)
    value = wording.fact_value(fact, str(note.value))
    if note.derivation:
        return f"{label}: {value} ({note.derivation})"
    if note.evidence:
        return f"{label}: {value} (from \"{note.evidence}\")"
    return f"{label}: {value}"


class Engine:
    """Gathers facts, asks what matters, answers side questions and gives cited advice."""

    def __init__(self, policy: Policy, guidance: Guidance | None = None, *,
                 extractor: Callable[[str], Extraction] | None = None,
                 index_version: Callable[[], str] | None = None,
                 prices: PriceCatalog | None = None) -> None:
        self.policy = policy
        self.prices = prices
        """The API price catalog scoring prices models from; None uses the policy's reference
        prices."""
        self.guidance = guidance
        self.extractor = extractor or partial(extract, catalog=prices, policy=policy)
        """Reads facts from a message; by default the rules, naming models from `prices`."""
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

    def start_with_facts(self, facts: WorkloadFacts, source: str = "the form"
                         ) -> tuple[ConversationState, list[Reply]]:
        """A conversation whose facts came all at once (a form), named as `facts` is; it goes
        straight to advice when nothing that matters is missing."""
        state = ConversationState(turns=1)
        state.current.name = facts.name
        given = facts.model_dump(mode="json", exclude_none=True, exclude={"name"})
        for fact, value in given.items():
            state.current.facts[fact] = FactNote(value=value, evidence=source, turn=1)
        return state, self._continue(state, changed=list(given))

    # -- messages -----------------------------------------------------------------------------

    def _message(self, state: ConversationState, text: str, replies: list[Reply]
                 ) -> tuple[ConversationState, list[Reply]]:
        extraction = self._read(state, text)
        if extraction.is_empty():
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
            replies.append(Reply(kind="notice",
                                 text=f"I didn't take that as {_lower_label(fact)}: {reason}."))
        changed = self._apply(state, extraction, replies)
        if extraction.conflicts:
            fact, values = next(iter(extraction.conflicts.items()))
            state.clarifying = dict(extraction.conflicts)
            state.asked = fact
            options = " or ".join(wording.fact_value(fact, value) for value in values)
            replies.append(Reply(
                kind="question",
                text=f"You said two things about {_lower_label(fact)}: {options}. "
                     "Which one holds?",
                quick_answers=[QuickAnswer(label=wording.fact_value(fact, value).capitalize(),
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
        if asked and asked not in extraction.stated() and not extraction.conflicts:
            picked = asking.read_bare_answer(asked, text) if text.strip().isdecimal() else None
            if picked is not None:
                return self._validated(asked, picked, text)
            if asked == "monthly_tokens" and any(ch.isdigit() for ch in text):
                retry = self.extractor(f"{text} tokens per month")
                if retry.facts.monthly_tokens is not None:
                    extraction = extraction.with_fact(
                        "monthly_tokens", retry.facts.monthly_tokens, text,
                        retry.derivations.get("monthly_tokens", ""))
                elif "monthly_tokens" in retry.rejected:
                    extraction.rejected["monthly_tokens"] = retry.rejected["monthly_tokens"]
            elif not extraction.stated() and len(text.split()) <= 6:
                bare = asking.read_bare_answer(asked, text)
                if bare is not None:
                    extraction = extraction.with_fact(asked, bare, text)
        return extraction

    def _validated(self, fact: str, value: str, text: str) -> Extraction:
        if fact not in READ_FACTS:
            return Extraction(rejected={fact: "that is not a fact I track"})
        if fact == "api_model":
            known = self.prices.find(value) if self.prices is not None else None
            if known is None:
                closest = self.prices.closest(value) if self.prices is not None else []
                return Extraction(rejected={fact: "that model is not in the price catalog" + (
                    f"; closest known: {', '.join(closest)}" if closest else "")})
            value = known.id
        try:
            return Extraction().with_fact(fact, value, text)
        except ValidationError as exc:
            return Extraction(rejected={fact: exc.errors()[0]["msg"]})

    def _apply(self, state: ConversationState, extraction: Extraction, replies: list[Reply]
               ) -> list[str]:
        noted, updated = [], []
        stated = extraction.stated()
        for form in PRICE_FORMS:
            if set(form) <= set(stated):  # the team's latest word on its price replaces the other form
                for other in (f for other_form in PRICE_FORMS if other_form != form for f in other_form):
                    state.current.facts.pop(other, None)
        for fact, value in stated.items():
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
                was = wording.fact_value(fact, str(previous.value))
                updated.append(f"{_describe(fact, note)}, was {was}")
        if state.asked in stated:
            state.asked = None
        lines = [f"Noted: {line}" for line in noted] + [f"Updated: {line}" for line in updated]
        if lines:
            replies.append(Reply(kind="noted", text="\n".join(lines)))
        return [*stated]

    # -- asking and advising ------------------------------------------------------------------

    def _continue(self, state: ConversationState, changed: list[str] | None = None,
                  force_question: bool = False, resume: bool = False) -> list[Reply]:
        if state.stage == "advised" and not changed:
            return []
        current = state.current.workload()
        questions = next_questions(current, self.policy, self.prices)
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
        return [self._advise(state, current, unasked=unasked)]

    def _advise(self, state: ConversationState, current: WorkloadFacts,
                unasked: list[str] | None = None,
                what_if: dict[str, str | int | float] | None = None) -> Reply:
        """Advice on `current` (the current use case, or a what-if variant of it, `what_if`
        naming the facts it changed)."""
        facts = state.scored_facts(current)
        result = recommend(facts, self.policy, self.prices)
        advice = build_advice(result, facts, self.guidance, what_if=what_if, unasked=unasked or [],
                              index_version=self._safe_index_version())
        if what_if is None:
            state.stage = "advised"
            state.asked = None
            state.last_result = result
        return Reply(kind="advice", text=wording.headline(result), advice=advice)

    def _safe_index_version(self) -> str:
        try:
            return self.index_version()
        except Exception:  # an unreachable index only leaves the advice's index version blank
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
            return state, [*replies, self._advise(state, state.current.workload(), unasked=[])]
        if command.name == "what_if":
            return state, replies + self._what_if(state, command.argument)
        return self._add_use_case(state, command.argument, replies)

    def _status(self, state: ConversationState) -> Reply:
        lines = []
        for index, case in enumerate([*state.earlier, state.current], start=1):
            title = case.name or f"use case {index}"
            known = [_describe(f, n) for f, n in case.facts.items()] or ["nothing yet"]
            lines.append(f"*{title}*: " + "; ".join(known))
        missing = next_questions(state.current.workload(), self.policy, self.prices)
        if missing:
            parts = [f"{wording.FACT_LABELS[q.fact].lower()}"
                     + ("" if q.can_change else " (can't change the answer)") for q in missing]
            lines.append("Still missing: " + ", ".join(parts))
        else:
            lines.append("Nothing missing.")
        return Reply(kind="status", text="\n".join(lines))

    def _what_if(self, state: ConversationState, change: str) -> list[Reply]:
        extraction = self.extractor(change)
        if not extraction.stated() and any(ch.isdigit() for ch in change):
            retry = self.extractor(f"{change} tokens per month")
            extraction = retry if retry.facts.monthly_tokens is not None else extraction
        changes = extraction.stated()
        if not changes:
            return [Reply(kind="notice", text="I couldn't read a change in that. Try "
                          "`what if 500M tokens/month` or `what if latency is critical`.")]
        if not state.current.facts:
            return [Reply(kind="notice", text="Tell me about the workload first; then I can "
                          "compare what-ifs against it.")]
        variant = state.current.workload().model_copy(
            update=extraction.facts.model_dump(exclude_none=True))
        return [self._advise(state, variant, what_if=changes)]

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
