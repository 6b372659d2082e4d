"""Plain-text rendering of conversation replies and advice, for the terminal."""

from __future__ import annotations

from collections.abc import Sequence

from bot.conversation import Advice, CitedAnswer, Reply
from bot.conversation.advice import SourceRef
from bot.render.advice_rows import advice_rows


def _mark(citation: int | None) -> str:
    return f" [{citation}]" if citation else ""


def render_sources(sources: Sequence[SourceRef]) -> list[str]:
    if not sources:
        return []
    return ["Sources:", *(f"  [{s.number}] {s.title} › {s.section} ({s.source})" for s in sources)]


def render_advice(advice: Advice) -> str:
    """The whole recommendation as terminal text, one line per row."""
    rows = advice_rows(advice)
    lines = []
    if rows.what_if:
        lines.append(f"{rows.what_if} (hypothetical; your facts are unchanged):")
    lines.append(f"Recommendation: {rows.headline}")
    lines.extend(f"  - {case.name}: {case.choice} ({case.confidence})" for case in rows.use_cases)
    lines.extend(f"Hard constraint: {c.text}{_mark(c.citation)}" for c in rows.constraints)
    if rows.factors:
        lines.append("Why (positive favours self-hosting):")
        lines.extend(f"  {f.contribution:+.2f} {f.label}: {f.value}. {f.rationale}{_mark(f.citation)}"
                     for f in rows.factors)
    lines.append(f"Cost: {rows.cost.summary}{_mark(rows.cost.citation)}")
    lines.extend(f"  {detail}" for detail in rows.cost.details)
    lines.append(f"  {rows.cost.assumptions}")
    if rows.flip_points:
        lines.append("What would change it:")
        lines.extend(f"  - {flip}" for flip in rows.flip_points)
    if rows.caveats:
        lines.append("Caveats:")
        lines.extend(f"  - {c.text}{_mark(c.citation)}" for c in rows.caveats)
    if rows.unasked:
        lines.append(f"Not asked, because no answer could change this: {rows.unasked}.")
    if rows.without_sources:
        lines.append("Given without sources: the guidance index is unavailable right now.")
    lines.extend(render_sources(rows.sources))
    policy = rows.policy
    lines.append(f"Policy {policy.name} {policy.version} ({policy.fingerprint})")
    return "\n".join(lines)


def render_answer(answer: CitedAnswer) -> str:
    return "\n".join([answer.text, *render_sources(answer.sources)])


def render_reply(reply: Reply) -> str:
    if reply.kind in ("update", "what_if"):
        return reply.text
    if reply.advice is not None:
        return render_advice(reply.advice)
    if reply.answer is not None:
        return render_answer(reply.answer)
    text = reply.text
    if reply.quick_answers:
        options = "  ".join(f"[{i}] {q.label}" for i, q in enumerate(reply.quick_answers, start=1))
        text = f"{text}\n  {options}"
    return text
