"""One-line reasons for each factor value. Each names the guidance topic that backs it."""

from __future__ import annotations

from collections.abc import Sequence

from scoring.result import CostComparison, Factor
from scoring.volume import VolumeScale

FACTOR_REASONS: dict[str, dict[str, str]] = {
    "data_residency": {
        "unrestricted": "The data may go to any vendor, so residency does not narrow the choice.",
        "approved_vendors": (
            "Only approved vendors may process the data: an API works through an approved or "
            "regional endpoint at a premium, while self-hosting removes the question."
        ),
        "in_house_only": (
            "The data may not leave the organisation's infrastructure, so only a model the team "
            "runs itself can serve it."
        ),
    },
    "specialization": {
        "general": "General-purpose work is where large proprietary models are strongest.",
        "moderate": "Some domain language: a tuned open model may help, a strong general model may do.",
        "niche": (
            "A niche domain: a small open model fine-tuned on the team's data can beat a much "
            "larger general model on the narrow task."
        ),
    },
    "ml_expertise": {
        "none": (
            "Nobody on the team has deployed or operated models; self-hosting needs deployment, "
            "monitoring and optimisation skills."
        ),
        "some": "Some ML engineering skill: self-hosting is feasible with care or a managed platform.",
        "strong": "A strong ML engineering team can deploy, monitor and optimise its own models.",
    },
    "latency": {
        "critical": (
            "Latency is critical: a small self-hosted model on a good GPU can return its first token "
            "far sooner than an API call that crosses the network."
        ),
        "interactive": "Interactive use: API response times usually suffice; self-hosting helps a little.",
        "relaxed": "Latency hardly matters, so network overhead is no argument for self-hosting.",
    },
    "quality_bar": {
        "peak": (
            "The work needs the best available quality: proprietary models still lead on complex "
            "reasoning, nuanced instructions and multilingual work."
        ),
        "standard": "A standard quality bar, which capable open models meet for many tasks.",
    },
    "time_to_market": {
        "urgent": "Time to market is urgent: an API needs no infrastructure, only a key.",
        "normal": "No rush: there is time to stand up infrastructure if the other factors favour it.",
    },
}

UNKNOWN_REASON = "Not stated yet, so it counts as neutral."


def _times(ratio: float) -> str:
    """A volume's multiple of a break-even as read aloud: "0.35x", or "under 0.01x" rather
    than a misleading "0.00x"."""
    return "under 0.01x" if 0 < ratio < 0.005 else f"{ratio:,.2f}x"


def compact_tokens(count: int) -> str:
    """A compact token count: 950k, 50M, 1.4B."""
    for size, unit in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "k")):
        if count >= size:
            value = count / size
            text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 100 else f"{value:.0f}"
            return f"{text}{unit}"
    return str(count)


def volume_reason(tokens: int, scale: VolumeScale) -> str:
    """Why the volume scores as it does, naming the basis and the framework's rule of thumb."""
    volume = f"{compact_tokens(tokens)} tokens/month"
    reference = f"The framework's rule of thumb is {compact_tokens(scale.rule_of_thumb)}"
    if scale.break_even is None:
        return (
            f"{volume}, but at these prices self-hosting never costs less than the API, whatever "
            f"the volume. {reference}; at these prices there is no break-even."
        )
    if scale.basis == "policy_default":
        ratio = tokens / scale.break_even
        where = "above" if ratio >= 1 else "below"
        return (
            f"{volume} is {_times(ratio)} the break-even of {compact_tokens(scale.break_even)} "
            f"(the framework's rule of thumb, which this policy scores by): {where} it."
        )
    at_these_prices = f"{reference}; at these prices the break-even is {compact_tokens(scale.break_even)}."
    if tokens < scale.break_even:
        return (
            f"{volume} is {_times(tokens / scale.break_even)} the break-even computed from the prices "
            f"in force: below it, so the API costs less. {at_these_prices}"
        )
    if scale.settled is not None and tokens >= scale.settled:
        return (
            f"{volume} is {_times(tokens / scale.settled)} the break-even computed from the prices "
            f"in force: at or above it, so self-hosting costs no more. {at_these_prices}"
        )
    until = (f"at some volumes up to {compact_tokens(scale.settled)}" if scale.settled is not None
             else "at higher volumes")
    return (
        f"{volume} is past the computed break-even, but each extra replica makes self-hosting "
        f"dearer again {until}, so volume counts as neutral here. {at_these_prices}"
    )


FACT_NAMES: dict[str, str] = {
    "data_residency": "data residency", "specialization": "task specialisation",
    "ml_expertise": "ML engineering skill", "latency": "latency needs", "quality_bar": "quality bar",
    "time_to_market": "time to market",
}


def cost_outweighed(factors: Sequence[Factor], cost: CostComparison) -> str:
    """Why self-hosting is advised although the API costs less: the factors that argue for it."""
    reasons = sorted((f for f in factors if f.name != "monthly_tokens" and f.contribution > 0),
                     key=lambda f: (-f.contribution, f.name))
    named = ", ".join(f"{FACT_NAMES.get(f.name, f.name)} ({f.contribution:+.2f})" for f in reasons)
    return (f"The API costs less at this volume (${cost.monthly_api_cost:,.0f} against "
            f"${cost.monthly_self_host_cost:,.0f} a month self-hosted); self-hosting is advised "
            f"because {named or 'the other factors'} outweigh that cost.")
