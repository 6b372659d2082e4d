"""Engine replies and cited advice as Block Kit messages, split to fit Slack's limits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.conversation import Advice, CitedAnswer, Reply
from bot.conversation.advice import SourceRef
from bot.conversation.summary import DETAILS_HINT
from bot.render.advice_rows import AdviceRows, CitedRow, FactorRow, advice_rows
from bot.slack import ids
from bot.slack.render.blocks import (
    BUTTON_VALUE_MAX,
    Block,
    SlackMessage,
    actions,
    button,
    context,
    escape,
    header,
    paginate,
    text_sections,
)

EXCERPT_CHARS = 160
"""How much of each cited passage a source line quotes."""
_MARKUP = re.compile(r"\*\*|__|`|^#+\s*|\|", re.MULTILINE)


def _mark(citation: int | None) -> str:
    return f" [{citation}]" if citation else ""


def _excerpt(text: str) -> str:
    flat = " ".join(_MARKUP.sub(" ", text).split())
    if len(flat) <= EXCERPT_CHARS:
        return flat
    cut = flat.rfind(" ", 0, EXCERPT_CHARS)
    return flat[: cut if cut > 0 else EXCERPT_CHARS] + " …"


def source_lines(sources: Sequence[SourceRef], excerpts: bool = False) -> list[str]:
    """Numbered source lines, "[n] *Title* › Section", optionally quoting the passage."""
    lines = []
    for source in sources:
        line = f"[{source.number}] *{escape(source.title)}* › {escape(source.section)}"
        if excerpts and source.text.strip():
            line += f" — “{escape(_excerpt(source.text))}”"
        lines.append(line)
    return lines


def _cited(heading: str, rows: Sequence[CitedRow]) -> list[str]:
    if not rows:
        return []
    return [heading, *(f"• {escape(row.text)}{_mark(row.citation)}" for row in rows)]


def _use_case_lines(rows: AdviceRows) -> list[str]:
    if not rows.use_cases:
        return []
    return ["*Use cases*", *(f"• *{escape(case.name)}*: {case.choice} "
                            f"({case.confidence} confidence, score {case.score:+.2f})"
                            for case in rows.use_cases)]


def factor_line(factor: FactorRow) -> str:
    """"+2.00 *Task specialisation*: niche domain — rationale [1]"."""
    return (f"{factor.contribution:+.2f} *{escape(factor.label)}*: {escape(factor.value)} — "
            f"{escape(factor.rationale)}{_mark(factor.citation)}")


def _factor_lines(rows: AdviceRows) -> list[str]:
    if not rows.factors:
        return []
    return ["*Why* (a positive contribution favours self-hosting)",
            *(factor_line(f) for f in rows.factors)]


def _cost_lines(rows: AdviceRows) -> list[str]:
    cost = rows.cost
    return ["*Cost*", escape(f"{cost.summary}{_mark(cost.citation)}"),
            *(escape(detail) for detail in cost.details), f"_{escape(cost.assumptions)}_"]


def _closing_lines(rows: AdviceRows) -> list[list[str]]:
    groups: list[list[str]] = []
    if rows.flip_points:
        groups.append(["*What would change it*", *(f"• {escape(f)}" for f in rows.flip_points)])
    groups.append(_cited("*Caveats*", rows.caveats))
    if rows.unasked:
        groups.append([f"Not asked, because no answer could change this: {rows.unasked}."])
    sources = source_lines(rows.sources, excerpts=True)
    if rows.without_sources:
        sources.append("_Given without sources: the guidance index is unavailable right now._")
    groups.append(["*Sources*", *sources] if rows.sources else sources)
    return groups


def _context_line(rows: AdviceRows) -> Block:
    policy = rows.policy
    parts = [f"Confidence: *{rows.confidence}* · score {rows.score:+.2f} · "
             f"policy {escape(policy.name)} {escape(policy.version)} (`{policy.fingerprint}`)"]
    if rows.what_if:
        parts.append(f"_{escape(rows.what_if)}: hypothetical, your facts are unchanged._")
    return context(*parts)


def advice_buttons(advice: Advice, key: str | None) -> list[Block]:
    """Pin decision (not for a what-if), What if..., Start over, then thumbs up and down on the
    recommendation. Each button carries the conversation key when it is known; the listeners act
    on the conversation of the message clicked and refuse a key that names another."""
    elements = []
    if not advice.what_if:
        elements.append(button("Pin decision", ids.PIN_DECISION, key, style="primary"))
    elements += [button("What if...", ids.WHAT_IF, key), button("Start over", ids.START_OVER, key)]
    return [*actions(elements), feedback_block()]


def _feedback_button(emoji: str, vote: str, label: str) -> Block:
    return {"text": {"type": "plain_text", "text": emoji, "emoji": True}, "value": vote,
            "accessibility_label": label}


def feedback_block() -> Block:
    """Block Kit's feedback buttons (a context_actions block), each carrying its vote; the vote
    is filed under the conversation of the message it is on."""
    return {"type": "context_actions", "elements": [{
        "type": "feedback_buttons", "action_id": ids.FEEDBACK,
        "positive_button": _feedback_button("👍", "positive", "Helpful recommendation"),
        "negative_button": _feedback_button("👎", "negative", "Not helpful"),
    }]}


def advice_messages(advice: Advice, key: str | None) -> list[SlackMessage]:
    """The whole recommendation; long advice spans several messages, buttons on the last."""
    rows = advice_rows(advice)
    groups = [_use_case_lines(rows), _cited("*Hard constraints*", rows.constraints),
              _factor_lines(rows), _cost_lines(rows), *_closing_lines(rows)]
    blocks = [header(rows.headline), _context_line(rows)]
    for group in groups:
        blocks.extend(text_sections(group))
    blocks.extend(advice_buttons(advice, key))
    fallback = f"Recommendation: {rows.headline}"
    if rows.what_if:
        fallback = f"{rows.what_if} (hypothetical): {rows.headline}"
    return paginate(blocks, fallback)


def answer_messages(answer: CitedAnswer) -> list[SlackMessage]:
    blocks = text_sections(escape(answer.text).splitlines() or ["…"])
    if answer.sources:
        blocks.extend(text_sections(["*Sources*", *source_lines(answer.sources)]))
    return paginate(blocks, answer.text)


def _question_messages(reply: Reply) -> list[SlackMessage]:
    # A value Slack would reject is left off: the user can still type the answer.
    buttons = [button(q.label, f"{ids.QUICK_ANSWER}:{i}", q.value)
               for i, q in enumerate(reply.quick_answers) if len(q.value) <= BUTTON_VALUE_MAX]
    return paginate([*text_sections(escape(reply.text).splitlines()), *actions(buttons)], reply.text)


def change_messages(reply: Reply) -> list[SlackMessage]:
    """A short reply after the first recommendation; an update offers the full answer."""
    blocks = text_sections(escape(reply.text).splitlines() or ["…"])
    if reply.kind == "update":
        blocks.extend(actions([button("Full answer", f"{ids.QUICK_ANSWER}:details", "details")]))
    return paginate(blocks, reply.text)


def reply_messages(reply: Reply, key: str | None) -> list[SlackMessage]:
    """Any engine reply as one or more messages; `key` is the conversation the buttons act on."""
    if reply.kind in ("update", "what_if"):
        return change_messages(reply)
    if reply.advice is not None:
        return advice_messages(reply.advice, key)
    if reply.answer is not None:
        return answer_messages(reply.answer)
    if reply.quick_answers:
        return _question_messages(reply)
    return paginate(text_sections(escape(reply.text).splitlines() or ["…"]), reply.text)


SHORT_MAX = 1500
"""The most characters a later turn's message about what changed may hold."""


@dataclass(frozen=True)
class TurnMessages:
    """One turn's replies as Slack shows them: at most one new message in the thread, and the
    thread's recommendation (every page of it) when this turn gives or changes it."""

    message: list[SlackMessage]
    """The turn's one message (pages of it, only when a cited answer outgrows one message)."""
    recommendation: list[SlackMessage] = field(default_factory=list)
    """The full recommendation to post (first time) or put in place of the earlier one."""
    message_first: bool = True
    """Whether `message` goes before the recommendation (False: the recommendation is the
    turn's message, with `message` empty)."""


def _full_answer_button(link: str | None) -> list[Block]:
    if link:
        return actions([{**button("Full answer", ids.OPEN_ANSWER), "url": link}])
    return actions([button("Full answer", f"{ids.QUICK_ANSWER}:details", "details")])


def _reply_blocks(reply: Reply, key: str | None) -> list[Block]:
    if reply.kind in ("update", "what_if"):
        lines = [line for line in reply.text.splitlines() if line.strip() != DETAILS_HINT]
        return text_sections(escape("\n".join(lines)).splitlines() or ["…"])
    return [block for message in reply_messages(reply, key) for block in message.blocks]


def _fallback(texts: Sequence[str]) -> str:
    lines = [line for text in texts for line in text.splitlines() if line.strip() != DETAILS_HINT]
    return " ".join(lines)


def turn_messages(replies: Sequence[Reply], key: str | None, *, has_recommendation: bool,
                  link: str | None) -> TurnMessages:
    """Compose a turn for a thread that stays quiet: the first recommendation is one message
    (what was noted leads into it); after it, each turn is one short message saying what
    changed, with a Full answer button (`link`, the recommendation's permalink, when known),
    while the recommendation itself is updated in place (`has_recommendation`)."""
    full = [r for r in replies if r.advice is not None and r.kind not in ("update", "what_if")]
    rest = [r for r in replies if not (r.advice is not None and r.kind not in ("update", "what_if"))]
    if full and not has_recommendation:
        advice = full[-1].advice
        assert advice is not None
        pages = advice_messages(advice, key)
        if rest:
            lead = text_sections(escape("\n".join(r.text for r in rest)).splitlines())
            head, *more = pages
            pages = [SlackMessage(text=head.text, blocks=[*head.blocks[:2], *lead,
                                                          *head.blocks[2:]]), *more]
            pages = [page for message in pages for page in paginate(message.blocks, message.text)]
        return TurnMessages(message=[], recommendation=pages, message_first=False)
    blocks = [block for reply in rest for block in _reply_blocks(reply, key)]
    texts = [reply.text for reply in rest]
    changed = [r for r in rest if r.kind in ("update", "what_if") and r.advice is not None]
    recommendation: list[SlackMessage] = []
    if full:
        advice = full[-1].advice
        assert advice is not None
        recommendation = advice_messages(advice, key)
        note = (f"The full answer is kept up to date in the recommendation message: "
                f"*{escape(recommendation[0].text)}*")
        blocks.extend(text_sections([note]))
        texts.append(recommendation[0].text)
    else:
        updates = [r for r in changed if r.kind == "update"]
        if updates and updates[-1].advice is not None and has_recommendation:
            recommendation = advice_messages(updates[-1].advice, key)
    if changed or full:
        blocks.extend(_full_answer_button(link if has_recommendation else None))
    if not blocks:
        return TurnMessages(message=[], recommendation=recommendation)
    return TurnMessages(message=paginate(blocks, _fallback(texts)), recommendation=recommendation)
