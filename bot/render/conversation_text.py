"""Plain-text rendering of conversation replies and advice, for the terminal."""

from __future__ import annotations

from collections.abc import Sequence

from bot import wording
from bot.conversation import Advice, CitedAnswer, Reply
from bot.conversation.advice import SourceRef


def _mark(citation: int | None) -> str:
    return f" [{citation}]" if citation else ""


def render_sources(sources: Sequence[SourceRef]) -> list[str]:
    if not sources:
        return []
    return ["Sources:", *(f"  [{s.number}] {s.title} › {s.section} ({s.source})" for s in sources)]


def cost_summary(advice: Advice) -> str:
    cost = advice.result.cost
    if cost.monthly_tokens is None:
        return "Cost: volume unknown, so no monthly figures."
    parts = [f"API {wording.money(cost.monthly_api_cost)} vs self-hosted "
             f"{wording.money(cost.monthly_self_host_cost)} a month at "
             f"{wording.tokens(cost.monthly_tokens)} tokens"]
    if cost.replicas:
        parts.append(f"{cost.replicas} replicas of {cost.gpu_profile}")
    if cost.break_even_tokens is not None:
        basis = "rule of thumb" if cost.break_even_basis == "policy_default" else "computed"
        parts.append(f"break-even {wording.tokens(cost.break_even_tokens)}/month ({basis})")
    return "Cost: " + "; ".join(parts) + _mark(advice.cost_citation)


def assumptions_line(advice: Advice) -> str:
    """The cost model's inputs, each with where it came from when the team stated it."""
    parts = []
    for assumption in advice.result.cost.assumptions:
        mark = " (yours)" if assumption.source == "stated by the team" else ""
        parts.append(f"{assumption.name.replace('_', ' ')} {assumption.value}{mark}")
    return "Assumptions: " + "; ".join(parts)


def render_advice(advice: Advice) -> str:
    lines = []
    if advice.what_if:
        lines.append(f"{advice.what_if} (hypothetical; your facts are unchanged):")
    lines.append(f"Recommendation: {advice.headline}")
    for case in advice.result.use_cases:
        lines.append(f"  - {case.name}: {wording.choice(case.recommendation)} ({case.confidence})")
    for constraint in advice.constraints:
        lines.append(f"Hard constraint: {constraint.text}{_mark(constraint.citation)}")
    if advice.factors:
        lines.append("Why (positive favours self-hosting):")
        lines.extend(f"  {f.contribution:+.2f} {f.label}: {f.value}. {f.rationale}{_mark(f.citation)}"
                     for f in advice.factors)
    lines.append(cost_summary(advice))
    lines.append(f"  {assumptions_line(advice)}")
    if advice.flip_points:
        lines.append("What would change it:")
        lines.extend(f"  - {flip}" for flip in advice.flip_points)
    if advice.caveats:
        lines.append("Caveats:")
        lines.extend(f"  - {c.text}{_mark(c.citation)}" for c in advice.caveats)
    if advice.unasked:
        names = ", ".join(wording.FACT_LABELS[f].lower() for f in advice.unasked)
        lines.append(f"Not asked, because no answer could change this: {names}.")
    if advice.without_sources:
        lines.append("Given without sources: the guidance index is unavailable right now.")
    lines.extend(render_sources(advice.sources))
    policy = advice.result.policy
    lines.append(f"Policy {policy.name} {policy.version} ({policy.fingerprint})")
    return "\n".join(lines)


def render_answer(answer: CitedAnswer) -> str:
    return "\n".join([answer.text, *render_sources(answer.sources)])


def render_reply(reply: Reply) -> str:
    if reply.advice is not None:
        return render_advice(reply.advice)
    if reply.answer is not None:
        return render_answer(reply.answer)
    text = reply.text
    if reply.quick_answers:
        options = "  ".join(f"[{i}] {q.label}" for i, q in enumerate(reply.quick_answers, start=1))
        text = f"{text}\n  {options}"
    return text
