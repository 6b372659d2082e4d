"""The turn-by-turn dialogue: turn(state, message) -> (state, replies). No Slack, no I/O of its own."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import partial

from pydantic import ValidationError

from bot import wording
from bot.conversation import about, asking
from bot.conversation.advice import Guidance, build_advice, cited_answer
from bot.conversation.attribution import credited
from bot.conversation.changes import read_change, relative_volume
from bot.conversation.commands import Command, looks_like_question, parse_command
from bot.conversation.intent import Intent, classify, hedged, without_modals
from bot.conversation.replies import QuickAnswer, Reply
from bot.conversation.state import ConversationState, FactNote, PendingChange, UseCase
from bot.conversation.summary import update_text, what_if_text
from bot.extraction import Extraction, extract
from bot.extraction.model import READ_FACTS
from scoring import (
    OPTIONAL_FACTS,
    TOWARD_OPEN_SOURCE,
    Policy,
    PriceCatalog,
    WorkloadFacts,
    next_questions,
    recommend,
)

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
RECORD = "record it"
JUST_WHAT_IF = "just a what-if"
_RECORD = re.compile(r"(?:yes|yep|yeah|y|record(?: it| that)?|it'?s real|real|a fact|fact|save it|"
                     r"keep it|that'?s right|correct)")
_WHAT_IF = re.compile(r"(?:no|nope|n|just a what-?if|what-?if|hypothetical(?:ly)?|just curious|"
                      r"don'?t record(?: it)?|only a what-?if|just asking)")
# Adopting the what-if just shown: "record that", "let's go with that", "make that the plan";
# words after it ("record that, we expect 120M") may restate the change as a fact.
_ADOPT = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|sure|yes|yeah|yep|great|good|fine|alright|right|cool|perfect|then)\W+)*"
    r"(?:(?:(?:please|let'?s|lets|we'?ll|we will|i'?ll)\s+)?(?:record|save|keep|adopt|use|go with|take|make)"
    r"\s+(?:that|it|this|those|them)(?:\s+(?:the|our)\s+(?:new\s+)?(?:plan|figures?|numbers?|baseline))?"
    r"(?:\s+(?:as\s+(?:a\s+)?(?:fact|real|the plan)|for real|official))?"
    r"|(?:that'?s|that is|this is)\s+(?:the\s+|our\s+)(?:new\s+)?plan)\b",
    re.IGNORECASE)
_CORRECTION = re.compile(r"\b(?:actually|correction|sorry|i meant|we meant|scratch that|"
                         r"to be clear|not\b.{1,30}\bbut)\b", re.IGNORECASE)
PRICE_FORMS = (("api_price_per_mtok",), ("api_input_price_per_mtok", "api_output_price_per_mtok"))
"""A blended price, or input and output prices: a newly stated form replaces the other."""


def clean(text: str) -> str:
    return unicodedata.normalize("NFC", _CONTROL.sub(" ", text)).strip()


_AMOUNT = re.compile(r"\d[\d,.]*\s*(?:[kmb]|thousand|million|billion)?\b", re.IGNORECASE)


_LEAD = re.compile(r"^\s*[a-z-]+\s*[,:;-]", re.IGNORECASE)
"""A reply that opens with a one-word answer: "strong, I used to work on inference"."""


def _with(facts: WorkloadFacts, fact: str, value: str | int) -> WorkloadFacts:
    """`facts` with one fact set, validated as any stated fact is."""
    return WorkloadFacts.model_validate(facts.model_dump(exclude_none=True)
                                        | {"name": facts.name, fact: value})


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

    def turn(self, state: ConversationState, message: str, user: str | None = None
             ) -> tuple[ConversationState, list[Reply]]:
        """One message in, the new state and the replies out. `user` is who sent it, when the
        conversation has users (a terminal has none): what the message adds is credited to
        them, so it can be taken out again if they ask to be forgotten."""
        after, replies = self._turn(state, message)
        return credited(state, after, user), replies

    def _turn(self, state: ConversationState, message: str) -> tuple[ConversationState, list[Reply]]:
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

    def start_with_facts(self, facts: WorkloadFacts, source: str = "the form",
                         user: str | None = None) -> tuple[ConversationState, list[Reply]]:
        """A conversation whose facts came all at once (a form filled in by `user`), named as
        `facts` is; it goes straight to advice when nothing that matters is missing."""
        state = ConversationState(turns=1)
        state.current.name = facts.name
        state.current.named_by = user if facts.name else None
        given = facts.model_dump(mode="json", exclude_none=True, exclude={"name"})
        for fact, value in given.items():
            state.current.facts[fact] = FactNote(value=value, evidence=source, turn=1, user=user)
        state.skipped = [fact for fact in OPTIONAL_FACTS if fact not in given]
        return state, self._continue(state, changed=list(given))

    # -- messages -----------------------------------------------------------------------------

    def _message(self, state: ConversationState, text: str, replies: list[Reply]
                 ) -> tuple[ConversationState, list[Reply]]:
        if state.pending is not None:
            settled = self._settle_pending(state, text)
            if settled is not None:
                return state, replies + settled
        if state.asked and asking.is_skip(text):
            return state, replies + self._skip(state, state.asked)
        quick = asking.read_set_command(text) is not None
        extraction = self._read(state, text)
        if extraction.is_empty() and not quick and hedged(text) and state.current.facts:
            sure = self.extractor(without_modals(text))
            if sure.stated():
                extraction = sure.model_copy(update={"evidence": {
                    fact: text for fact in sure.evidence}})
        intent = Intent("facts") if quick else classify(text, not extraction.is_empty())
        if intent.kind == "hypothetical":
            return state, replies + self._what_if(state, intent.change)
        if intent.kind == "about_decision" and (state.current.facts or state.earlier):
            return state, replies + self._about(state, intent, text)
        if intent.kind != "facts" or (extraction.is_empty() and looks_like_question(text)):
            if extraction.is_empty() and state.current.facts and text.rstrip().endswith("?"):
                relative = relative_volume(text, state.current.workload().monthly_tokens)
                if relative is not None:
                    return state, replies + self._what_if(state, text)
            answer = cited_answer(text, self.guidance)
            replies.append(Reply(kind="answer", text=answer.text, answer=answer))
            return state, replies + self._continue(state, force_question=True, resume=True)
        if extraction.is_empty():
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
        extraction, hinted = self._hints(state, extraction)
        asks = any(reply.kind == "question" for reply in hinted)
        if asks:
            self._apply(state, extraction, replies)
            return state, replies + hinted
        if not quick and hedged(text) and not _CORRECTION.search(text) and not extraction.corrected:
            pending = self._tentative(state, extraction, text)
            if pending is not None:
                return state, [*replies, pending]
        changed = self._apply(state, extraction, replies)
        replies.extend(hinted)
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

    # -- tentative statements, skipped questions and questions about the decision -------------

    def _tentative(self, state: ConversationState, extraction: Extraction, text: str
                   ) -> Reply | None:
        """A hedged statement ("we might get 2B") that would change a known fact is held, and the
        user is asked whether it is a fact or a what-if; None when it changes nothing known."""
        stated = extraction.stated()
        known = state.current.facts
        if not any(fact in known and known[fact].value != value for fact, value in stated.items()):
            return None
        state.pending = PendingChange(values=dict(stated), evidence=dict(extraction.evidence),
                                      derivations=dict(extraction.derivations), words=text)
        named = ", ".join(wording.fact_value(fact, str(value)) for fact, value in stated.items())
        return Reply(kind="question",
                     text=f"Should I record {named} as a fact, or was that a what-if?",
                     quick_answers=[QuickAnswer(label="Record it", value=RECORD),
                                    QuickAnswer(label="Just a what-if", value=JUST_WHAT_IF)])

    def _hints(self, state: ConversationState, extraction: Extraction
               ) -> tuple[Extraction, list[Reply]]:
        """What the message hints without stating: half a volume, a vague amount, a range, a
        regulated-data cue. Returns the extraction to apply and what to say first."""
        replies: list[Reply] = []
        known = state.current.facts
        for fact, cue in extraction.cues.items():
            if fact not in known and fact not in extraction.stated():
                state.cues[fact] = cue
        parts = extraction.volume_parts
        if parts is not None and extraction.facts.monthly_tokens is None:
            merged = state.volume_parts.merged(parts) if state.volume_parts is not None else parts
            tokens = merged.monthly_tokens()
            if tokens is not None and not merged.estimated:
                state.volume_parts = None
                try:
                    extraction = extraction.with_fact("monthly_tokens", tokens, merged.words,
                                                      merged.derivation())
                except ValidationError as exc:
                    replies.append(Reply(kind="notice", text=(
                        f"I didn't take that as monthly token volume: {exc.errors()[0]['msg']}.")))
            elif tokens is None:
                state.volume_parts = merged
                item = merged.item or "request"
                missing = (f"Roughly how many tokens is each {item.rstrip('s')}, input plus output?"
                           if merged.tokens_per_item is None else
                           "How many of those a day (or a month)?")
                state.asked = "monthly_tokens"
                replies.append(Reply(kind="question", text=f"Got {merged.words}. {missing}"))
                return extraction, replies
        for fact, estimate in extraction.estimates.items():
            if fact in extraction.stated():
                continue
            shown = wording.fact_value(fact, str(estimate.value))
            if fact == "monthly_tokens" and parts is not None:
                state.volume_parts = parts
            state.pending = PendingChange(values={fact: estimate.value}, kind="estimate",
                                          evidence={fact: estimate.words},
                                          derivations={fact: estimate.derivation},
                                          words=estimate.words)
            state.asked = fact
            replies.append(Reply(
                kind="question",
                text=(f"I read \"{estimate.words}\" as about {shown} ({estimate.derivation}). "
                      "Is that about right? If you know the figure, just give it."),
                quick_answers=[QuickAnswer(label=f"Yes, about {shown}", value=RECORD)]))
            return extraction, replies
        tokens_range = extraction.ranges.get("monthly_tokens")
        if tokens_range is not None and extraction.facts.monthly_tokens is not None:
            extraction, said = self._range(state, extraction, tokens_range.low, tokens_range.high,
                                           tokens_range.words)
            replies.extend(said)
        return extraction, replies

    def _range(self, state: ConversationState, extraction: Extraction, low: int, high: int,
               words: str) -> tuple[Extraction, list[Reply]]:
        """A stated range: its midpoint when the answer is the same across it, else a question."""
        others = extraction.facts.model_dump(exclude_none=True)
        base = state.current.workload().model_dump(exclude_none=True) | others
        ends = []
        for tokens in (low, high):
            facts = WorkloadFacts.model_validate(base | {"monthly_tokens": tokens,
                                                         "name": state.current.name})
            ends.append(recommend(state.scored_facts(facts), self.policy, self.prices))
        span = f"{wording.tokens(low)} to {wording.tokens(high)} tokens/month"
        if ends[0].recommendation == ends[1].recommendation:
            middle = wording.fact_value("monthly_tokens", str(extraction.facts.monthly_tokens))
            return extraction, [Reply(kind="notice", text=(
                f"The answer is the same anywhere from {span}, so I used the midpoint, {middle}."))]
        kept = extraction.model_copy(update={
            "facts": extraction.facts.model_copy(update={"monthly_tokens": None}),
            "evidence": {f: w for f, w in extraction.evidence.items() if f != "monthly_tokens"},
            "derivations": {f: w for f, w in extraction.derivations.items()
                            if f != "monthly_tokens"}})
        state.asked = "monthly_tokens"
        question = Reply(
            kind="question",
            text=(f"You said \"{words}\". Across {span} the answer changes: at "
                  f"{wording.tokens(low)} it is {wording.headline(ends[0])}, at "
                  f"{wording.tokens(high)} {wording.headline(ends[1])}. Which end is nearer, "
                  "or what's your best single figure?"),
            quick_answers=[QuickAnswer(label=f"Nearer {wording.tokens(value)}",
                                       value=f"{asking.SET_PREFIX} monthly_tokens {value}")
                           for value in (low, high)])
        return kept, [question]

    def _settle_pending(self, state: ConversationState, text: str) -> list[Reply] | None:
        pending = state.pending
        assert pending is not None
        answer = " ".join(text.lower().strip(" .!").split())
        if pending.kind == "what_if":
            state.pending = None
            return self._adopt_what_if(state, pending, text)
        if pending.kind == "estimate" and not _RECORD.fullmatch(answer):
            state.pending = None
            return None
        if _RECORD.fullmatch(answer):
            state.pending = None
            extraction = Extraction()
            for fact, value in pending.values.items():
                extraction = extraction.with_fact(fact, value, pending.evidence.get(fact, ""),
                                                  pending.derivations.get(fact, ""))
            replies: list[Reply] = []
            changed = self._apply(state, extraction, replies)
            return replies + self._continue(state, changed=changed)
        if _WHAT_IF.fullmatch(answer):
            state.pending = None
            return self._what_if(state, pending.words, values=pending.values)
        state.pending = None
        return None

    def _adopt_what_if(self, state: ConversationState, pending: PendingChange, text: str
                       ) -> list[Reply] | None:
        """The last what-if recorded as fact when the user adopts it; a change stated in the same
        message ("record that, we expect 120M") takes precedence for the facts it names. None
        when the message does not adopt it."""
        adopted = _ADOPT.match(text)
        if adopted is None:
            return None
        values = dict(pending.values)
        evidence = dict(pending.evidence)
        derivations = dict(pending.derivations)
        rest = text[adopted.end():].strip(" ,.;:!-")
        if rest:
            change, _ = read_change(rest, state.current.workload(), self.extractor)
            values |= change.values
            evidence |= change.words
            derivations = {f: d for f, d in derivations.items() if f not in change.values}
            derivations |= change.derivations
        extraction = Extraction()
        replies: list[Reply] = []
        try:
            for fact, value in values.items():
                extraction = extraction.with_fact(fact, value, evidence.get(fact, text),
                                                  derivations.get(fact, ""))
        except ValidationError as exc:
            return [Reply(kind="notice", text=f"I can't record that: {exc.errors()[0]['msg']}."),
                    *self._continue(state, force_question=True)]
        changed = self._apply(state, extraction, replies)
        return replies + self._continue(state, changed=changed)

    def _skip(self, state: ConversationState, fact: str) -> list[Reply]:
        if fact not in state.skipped:
            state.skipped.append(fact)
        state.asked = None
        state.asked_times = 0
        label = wording.fact_label(fact).lower()
        notice = Reply(kind="notice", text=f"OK, I'll go on without {label} and say how the "
                                           "answer depends on it.")
        return [notice, *self._continue(state, changed=[], force_question=True)]

    def _about(self, state: ConversationState, intent: Intent, text: str) -> list[Reply]:
        result = recommend(state.scored_facts(), self.policy, self.prices)
        if intent.topic == "enough":
            tokens = self._volume_in(text)
            asked = None
            if tokens is not None:
                variant = _with(state.current.workload(), "monthly_tokens", tokens)
                asked = recommend(state.scored_facts(variant), self.policy, self.prices)
            body = about.enough(result, asked, tokens)
        else:
            body = about.answer(intent.topic or "why", result, intent.target)
        if state.stage != "advised" and result.missing_facts:
            missing = ", ".join(wording.fact_label(f).lower() for f in result.missing_facts)
            # The flip points close with what is still unknown themselves: say it once.
            body = (f"On what I know so far:\n{body}" if intent.topic == "flips"
                    else f"On what I know so far (still missing: {missing}):\n{body}")
        return [Reply(kind="answer", text=body),
                *self._continue(state, force_question=True, resume=True)]

    def _volume_in(self, text: str) -> int | None:
        reading = self.extractor(text).facts.monthly_tokens
        amount = _AMOUNT.search(text)
        if reading is None and amount is not None:
            reading = self.extractor(f"{amount.group(0)} tokens per month").facts.monthly_tokens
        return reading

    def _read(self, state: ConversationState, text: str) -> Extraction:
        command = asking.read_set_command(text)
        if command is not None:
            fact, value = command
            return self._validated(fact, value, text, chosen=True)
        extraction = self.extractor(text)
        asked = state.asked
        if asked and asked not in extraction.stated() and not extraction.conflicts:
            picked = asking.read_bare_answer(asked, text) if text.strip().isdecimal() else None
            if picked is not None:
                return self._validated(asked, picked, text)
            hinted = extraction.volume_parts or extraction.estimates or extraction.ranges
            if asked == "monthly_tokens" and any(ch.isdigit() for ch in text) and not hinted:
                retry = self.extractor(f"{text} tokens per month")
                if retry.facts.monthly_tokens is not None:
                    extraction = extraction.with_fact(
                        "monthly_tokens", retry.facts.monthly_tokens, text,
                        retry.derivations.get("monthly_tokens", ""))
                elif "monthly_tokens" in retry.rejected:
                    extraction.rejected["monthly_tokens"] = retry.rejected["monthly_tokens"]
            elif not extraction.stated() and (len(text.split()) <= 6 or _LEAD.match(text)):
                lead = _LEAD.match(text)
                said = text if len(text.split()) <= 6 else lead.group(0) if lead else text
                bare = asking.read_bare_answer(asked, said.strip(" ,:;-"))
                if bare is not None:
                    extraction = extraction.with_fact(asked, bare, said.strip(" ,:;-"))
        return extraction

    def _validated(self, fact: str, value: str, text: str, chosen: bool = False) -> Extraction:
        """`fact` set to `value`; a quick answer (`chosen`) cites the button's label, not the
        command it sent."""
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
            if chosen:
                label = asking.chosen_label(fact, value)
                return Extraction().with_fact(fact, value, label, f"you chose \"{label}\"")
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
        open_facts = [q.fact for q in questions if q.can_change and q.fact not in state.skipped]
        optional = self._open_optional(state, current) if not open_facts else []
        for fact in list(state.cues):
            if fact in state.current.facts:
                state.cues.pop(fact)
        cued = [fact for fact in open_facts if fact in state.cues]
        open_facts = cued + [fact for fact in open_facts if fact not in cued]
        if open_facts and not (state.stage == "advised" and changed):
            return self._ask(state, open_facts[0], progressed=bool(changed), resume=resume)
        if force_question and not changed and state.stage == "gathering" and not state.current.facts:
            return []
        unasked = [q.fact for q in questions if not q.can_change]
        previous = state.last_result if state.stage == "advised" else None
        advice = self._advise(state, current, unasked=unasked)
        replies = [advice]
        if previous is not None and advice.advice is not None:
            replies = [Reply(kind="update", advice=advice.advice,
                             text=update_text(previous, advice.advice.result, changed or []))]
        replies += self._depends_on_skipped(state, current)
        if optional:
            # Asked once, after the answer: the answer stands until the user adds to it.
            fact = optional[0]
            state.skipped.append(fact)
            state.asked = fact
            state.asked_times = 1
            replies.append(Reply(
                kind="question", quick_answers=asking.quick_answers(fact),
                text=f"One more answer could change this. {asking.question_text(fact)}"))
        return replies

    def _ask(self, state: ConversationState, fact: str, progressed: bool, resume: bool
             ) -> list[Reply]:
        """Ask for `fact`. Asked again after a reply that told nothing new, it comes in other
        words with a way to skip it, and a third such time it is skipped; a reply that told
        something else does not count against it."""
        again = state.asked == fact
        if not again:
            state.asked_times = 1
        elif not (resume or progressed):
            state.asked_times += 1
        if state.asked_times > 2 and not progressed:
            notice = Reply(kind="notice", text=(
                f"I've asked about {wording.fact_label(fact).lower()} twice, so I'll go on "
                "without it and say how the answer depends on it."))
            return [notice, *self._skip(state, fact)[1:]]
        state.asked = fact
        lead = "Back to where we were: " if resume else ""
        text = asking.question_text(fact)
        if fact in state.cues and state.asked_times == 1:
            text = asking.cued_question(fact, state.cues[fact])
        elif state.asked_times >= 2 and not resume:
            text = f"{asking.REPHRASED[fact]} {asking.SKIP_HINT}"
        return [Reply(kind="question", text=lead + text, quick_answers=asking.quick_answers(fact))]

    def _open_optional(self, state: ConversationState, current: WorkloadFacts) -> list[str]:
        """The optional facts (quality bar, time to market) still unknown whose answer would
        change the recommendation on the facts known."""
        base = recommend(state.scored_facts(current), self.policy, self.prices).recommendation
        open_facts = []
        for fact in OPTIONAL_FACTS:
            if getattr(current, fact) is not None or fact in state.skipped:
                continue
            for value in TOWARD_OPEN_SOURCE[fact]:
                variant = _with(current, fact, value)
                if recommend(state.scored_facts(variant), self.policy,
                             self.prices).recommendation != base:
                    open_facts.append(fact)
                    break
        return open_facts

    def _depends_on_skipped(self, state: ConversationState, current: WorkloadFacts) -> list[Reply]:
        """For each skipped fact still unknown: the answer under each of its values."""
        lines = []
        for fact in state.skipped:
            if getattr(current, fact, None) is not None or fact in OPTIONAL_FACTS:
                continue
            outcomes = []
            for value in TOWARD_OPEN_SOURCE.get(fact, ()) if fact != "monthly_tokens" else ():
                variant = _with(current, fact, value)
                result = recommend(state.scored_facts(variant), self.policy, self.prices)
                outcomes.append(f"{wording.fact_value(fact, value)} → {wording.headline(result)}")
            label = wording.fact_label(fact)
            if not outcomes:
                lines.append(f"{label} unknown: the answer above uses the policy's assumption; "
                             "the flip points show the volumes that change it.")
            elif len({o.split(" → ")[1] for o in outcomes}) > 1:
                lines.append(f"{label} unknown. The answer depends on it: " + "; ".join(outcomes))
        return [Reply(kind="notice", text="\n".join(lines))] if lines else []

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
            state.asked_times = 0
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
        if command.name == "details":
            if state.stage != "advised":
                notice = Reply(kind="notice", text="There's no recommendation yet to show in full.")
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

    def _what_if(self, state: ConversationState, change_text: str,
                 values: Mapping[str, str | int | float] | None = None) -> list[Reply]:
        """Advice on a variant of the current use case; the stored facts never change."""
        if not state.current.facts:
            return [Reply(kind="notice", text="Tell me about the workload first; then I can "
                          "compare what-ifs against it.")]
        current = state.current.workload()
        change, extraction = read_change(change_text, current, self.extractor)
        if values is not None:
            change.values = dict(values)
        notices = [Reply(kind="notice", text=f"I didn't take that as "
                         f"{wording.fact_label(fact).lower()}: {reason}.")
                   for fact, reason in extraction.rejected.items() if fact not in change.values]
        if not change.values:
            return notices or [Reply(kind="notice", text=(
                "I couldn't read a change in that. Try \"what if we had 10x the volume\", "
                "\"what if latency were relaxed\" or \"what if we hired two ML engineers\"."))]
        already = {f: v for f, v in change.values.items() if getattr(current, f, None) == v}
        different = {f: v for f, v in change.values.items() if f not in already}
        for fact, value in already.items():
            notices.append(Reply(kind="notice", text=(
                f"{wording.fact_label(fact)} is already {wording.fact_value(fact, str(value))}.")))
        if not different:
            return notices
        try:
            variant = WorkloadFacts.model_validate(
                current.model_dump(exclude_none=True) | {"name": current.name} | different)
        except ValidationError as exc:
            return [*notices, Reply(kind="notice", text=f"I can't score that what-if: "
                                    f"{exc.errors()[0]['msg']}.")]
        base = recommend(state.scored_facts(), self.policy, self.prices)
        reply = self._advise(state, variant, what_if=different)
        assert reply.advice is not None
        text = what_if_text(base, reply.advice.result, different, change.words, current)
        state.pending = PendingChange(
            values=dict(different), kind="what_if", words=change_text,
            evidence={fact: change.words.get(fact, change_text) for fact in different},
            derivations={f: d for f, d in change.derivations.items() if f in different})
        return [*notices, Reply(kind="what_if", text=text, advice=reply.advice)]

    def _add_use_case(self, state: ConversationState, name: str, replies: list[Reply]
                      ) -> tuple[ConversationState, list[Reply]]:
        if not state.current.facts:
            if name:
                state.current.name = name
            notice = Reply(kind="notice", text="This use case has no facts yet; tell me about it first.")
            return state, [*replies, notice, *self._continue(state, force_question=True)]
        state.pending = None
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
