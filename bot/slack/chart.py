"""The cost chart: API cost against volume, self-host cost in replica steps, the team's volume."""

from __future__ import annotations

import io

from scoring import Policy, WorkloadFacts
from scoring.cost import cost_model


def cost_chart_png(facts: WorkloadFacts, policy: Policy, break_even_used: int | None) -> bytes | None:
    """A PNG comparing monthly costs around the team's volume, or None without a volume."""
    if facts.monthly_tokens is None:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model, _ = cost_model(facts, policy)
    volume = facts.monthly_tokens
    top = max(volume, break_even_used or 0, model.break_even() or 0, 1_000_000) * 2
    steps = 120
    xs = [top * i / steps for i in range(steps + 1)]
    millions = [x / 1e6 for x in xs]
    figure, axis = plt.subplots(figsize=(7, 4), dpi=80)
    try:
        axis.plot(millions, [model.api_cost(int(x)) for x in xs], label="API (pay per token)")
        axis.step(millions, [model.self_host_cost(int(x)) for x in xs], where="post",
                  label=f"Self-hosted ({model.profile.name}, whole replicas)")
        axis.axvline(volume / 1e6, color="black", linestyle="--", label="Your volume")
        computed = model.break_even()
        if computed is not None and computed <= top:
            axis.axvline(computed / 1e6, color="green", linestyle=":", label="Computed break-even")
        if break_even_used is not None and break_even_used != computed and break_even_used <= top:
            axis.axvline(break_even_used / 1e6, color="grey", linestyle=":",
                         label="Break-even used for scoring")
        axis.set_xlabel("Tokens per month (millions)")
        axis.set_ylabel("USD per month")
        axis.set_title("Monthly cost: API vs self-hosted")
        axis.legend(fontsize="small")
        axis.grid(alpha=0.3)
        buffer = io.BytesIO()
        figure.tight_layout()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)
