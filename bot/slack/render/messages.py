"""Engine replies and cited advice as Block Kit messages, split to fit Slack's limits."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.conversation import Advice, CitedAnswer, Reply
from bot.conversation.advice import SourceRef
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


def advice_buttons(advice: Advice, key: str) -> list[Block]:
    """Pin decision (not for a what-if), What if..., Start over; each carries the conversation key.
    Then thumbs up and down on the recommendation."""
    elements = []
    if not advice.what_if:
        elements.append(button("Pin decision", ids.PIN_DECISION, key, style="primary"))
    elements += [button("What if...", ids.WHAT_IF, key), button("Start over", ids.START_OVER, key)]
    return [*actions(elements), feedback_block(key)]


def _feedback_button(emoji: str, vote: str, label: str, key: str) -> Block:
    return {"text": {"type": "plain_text", "text": emoji, "emoji": True},
            "value": f"{vote}:{key}"[:BUTTON_VALUE_MAX], "accessibility_label": label}


def feedback_block(key: str) -> Block:
    """Block Kit's feedback buttons (a context_actions block), each carrying its vote and the
    conversation key."""
    return {"type": "context_actions", "elements": [{
        "type": "feedback_buttons", "action_id": ids.FEEDBACK,
        "positive_button": _feedback_button("👍", "positive", "Helpful recommendation", key),
        "negative_button": _feedback_button("👎", "negative", "Not helpful", key),
    }]}


def advice_messages(advice: Advice, key: str) -> list[SlackMessage]:
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


def reply_messages(reply: Reply, key: str) -> list[SlackMessage]:
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
