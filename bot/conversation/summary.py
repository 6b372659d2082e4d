"""Short replies after the first recommendation: what a change or a what-if moved, and no more."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot import cost_wording, wording
from scoring import Recommendation, WorkloadFacts

DETAILS_HINT = "`details` shows the full answer with sources."
MOVED = 0.01
"""A factor whose contribution moved less than this did not move."""


def verdict_change(before: Recommendation, after: Recommendation) -> str:
    if before.recommendation == after.recommendation:
        if before.confidence == after.confidence:
            return f"Recommendation unchanged: {wording.headline(after)}."
        return (f"Recommendation unchanged: {wording.choice(after.recommendation)}, now "
                f"{after.confidence} confidence (was {before.confidence}).")
    return f"Recommendation now: {wording.headline(after)} (was {wording.headline(before)})."


def factor_moves(before: Recommendation, after: Recommendation, limit: int = 2) -> list[str]:
    """The factors whose contribution moved most, as "name: +0.30 (was -0.10)"."""
    old = {f.name: f for f in before.factors}
    moves = []
    for factor in after.factors:
        was = old.get(factor.name)
        previous = was.contribution if was is not None else 0.0
        if abs(factor.contribution - previous) >= MOVED:
            before_text = "new" if was is None or was.value in ("", "unknown") else f"was {previous:+.2f}"
            moves.append((abs(factor.contribution - previous), factor.name,
                          f"{wording.fact_label(factor.name)} "
                          f"({wording.fact_value(factor.name, factor.value)}): "
                          f"{factor.contribution:+.2f}, {before_text}"))
    moves.sort(key=lambda move: (-move[0], move[1]))
    return [line for _, _, line in moves[:limit]]


def cost_change(before: Recommendation, after: Recommendation) -> str | None:
    old, new = before.cost, after.cost
    if (old.monthly_api_cost, old.monthly_self_host_cost) == (new.monthly_api_cost,
                                                                new.monthly_self_host_cost):
        return None
    def was(amount: float | None) -> str:
        return "" if amount is None else f" (was {wording.money(amount)})"

    return (f"Cost a month: API {wording.money(new.monthly_api_cost)}{was(old.monthly_api_cost)}, "
            f"self-hosted {wording.money(new.monthly_self_host_cost)}"
            f"{was(old.monthly_self_host_cost)}.")


def not_on_cost(result: Recommendation) -> str | None:
    """When the recommendation goes against the cheaper option: the factors that outweigh cost."""
    cheaper = result.cost.cheaper_at_this_volume
    choice = str(result.recommendation)
    sign = 1 if choice == "open_source" and cheaper == "api" else (
        -1 if choice == "proprietary" and cheaper == "self_host" else 0)
    if sign == 0:
        return None
    reasons = sorted((f for f in result.factors
                      if f.name != "monthly_tokens" and f.contribution * sign > 0),
                     key=lambda f: -abs(f.contribution))[:3]
    named = ", ".join(f"{wording.fact_label(f.name).lower()} "
                      f"{wording.fact_value(f.name, f.value)} ({f.contribution:+.2f})"
                      for f in reasons)
    option = "the API" if cheaper == "api" else "self-hosting"
    if result.constraints:
        return (f"Not the cheaper option: {option} costs less, but a hard constraint decides: "
                f"{result.constraints[0].rationale.rstrip('.')}.")
    return f"Not the cheaper option: {option} costs less, but {named} outweigh the cost."


def update_text(before: Recommendation, after: Recommendation, changed: Sequence[str]) -> str:
    """A reply to a change of facts once advice has been given."""
    lines = [verdict_change(before, after)]
    lines.extend(f"- {line}" for line in factor_moves(before, after))
    cost = cost_change(before, after)
    if cost:
        lines.append(f"- {cost}")
    lines.append(DETAILS_HINT)
    return "\n".join(lines)


def what_if_text(before: Recommendation, after: Recommendation, changes: Mapping[str, str | int | float],
                 words: Mapping[str, str], current: WorkloadFacts) -> str:
    """A what-if's answer beside the real one, each imagined value with the user's words."""
    imagined = []
    for fact, value in changes.items():
        shown = wording.fact_value(fact, str(value))
        if fact != "monthly_tokens":
            shown = f"{wording.fact_label(fact)} were {shown}"
        said = words.get(fact, "")
        now = getattr(current, fact, None)
        was = f", instead of {wording.fact_value(fact, str(now))}" if now is not None else ""
        imagined.append(f"{shown} (from \"{said}\"{was})" if said else f"{shown}{was}")
    lines = [f"What if {'; '.join(imagined)}: {wording.headline(after)}."]
    if before.recommendation == after.recommendation:
        # Named, since the answer on the facts may have moved since the user last saw one.
        lines.append(f"On your facts it is the same: {wording.headline(before)}.")
    else:
        lines.append(f"On your facts it is {wording.headline(before)}.")
    lines.extend(f"- {line}" for line in factor_moves(before, after))
    cheaper = cost_wording.cheaper_line(after.cost)
    options = cost_wording.options_line(after.cost)
    lines.append(f"- Costs then: {options}")
    if cheaper:
        lines.append(f"- {cheaper}.")
    outweighs = not_on_cost(after)
    if outweighs:
        lines.append(f"- {outweighs}")
    lines.append("Your recorded facts are unchanged; say \"record that\" to keep this change.")
    return "\n".join(lines)
