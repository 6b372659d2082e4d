"""One-line reasons for each factor value. Each names the guidance topic that backs it."""

from __future__ import annotations

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


def volume_reason(tokens: int, break_even: int | None, basis: str) -> str:
    millions = tokens / 1_000_000
    if break_even is None:
        return (
            f"{millions:,.1f}M tokens/month, but at this API price self-hosting never costs less, "
            "whatever the volume."
        )
    ratio = tokens / break_even
    where = "above" if ratio >= 1 else "below"
    source = "the policy's rule of thumb" if basis == "policy_default" else "computed from the prices"
    return (
        f"{millions:,.1f}M tokens/month is {ratio:,.2f}x the break-even of "
        f"{break_even / 1_000_000:,.1f}M ({source}): {where} it."
    )
