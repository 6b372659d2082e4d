"""How long a recommendation takes, in-process and as a whole CLI process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scoring import Portfolio, WorkloadFacts, next_questions, recommend
from tests.bench.table import Row, median, ms, timed

ROOT = Path(__file__).resolve().parents[2]
WORKLOAD = WorkloadFacts(
    data_residency="approved_vendors", specialization="moderate", monthly_tokens=80_000_000,
    ml_expertise="some", latency="interactive", api_price_per_mtok=8.0,
)


def run() -> list[Row]:
    portfolio = Portfolio.model_validate_json(
        (ROOT / "bot" / "examples" / "portfolio.json").read_text()
    )
    recommend(WORKLOAD)
    single = median(timed(lambda: recommend(WORKLOAD), 200))
    several = median(timed(lambda: recommend(portfolio), 100))
    questions = median(timed(lambda: next_questions(WorkloadFacts()), 50))
    example = str(ROOT / "bot" / "examples" / "support-triage.json")
    command = [sys.executable, "-m", "bot.cli", "recommend", "--facts", example, "--json"]
    process = median(timed(lambda: subprocess.run(command, check=True, capture_output=True), 7))
    return [
        Row("scoring", "recommend(), one workload, with flip points (median)", ms(single), "< 50 ms"),
        Row("scoring", "recommend(), 2-use-case portfolio (median)", ms(several), ""),
        Row("scoring", "next_questions() with nothing known (median)", ms(questions), ""),
        Row("scoring", "whole `llm-advisor recommend` process (median of 7)", ms(process), "< 1 s"),
    ]
