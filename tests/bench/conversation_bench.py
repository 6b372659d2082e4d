"""One conversation turn in a warm process: extract, store, retrieve where needed, render."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bot.conversation import Engine
from bot.conversation.service import ConversationService
from bot.extraction import extract
from bot.render.chart import cost_chart_png
from bot.render.conversation_text import render_reply
from bot.store import Store
from knowledge import KnowledgeBase
from knowledge.embeddings import MiniLMEmbedder
from scoring import WorkloadFacts, load_policy
from tests.bench.table import Row, ms, percentile, timed

DIALOGUE = [
    "we're building a support ticket classifier, ~3M tokens a day",
    "approved vendors under our DPA are fine",
    "why does latency matter?",
    "the tickets use our internal product codes and jargon",
    "one data scientist on the team",
    "interactive, a second or two is fine",
    "what if 500M tokens/month",
    "actually 20M",
]


def run() -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        kb = KnowledgeBase.open(Path(folder) / "index", embedder=MiniLMEmbedder())
        kb.ingest()
        store = Store(f"sqlite:///{folder}/bench.sqlite3")
        store.migrate()
        service = ConversationService(Engine(load_policy(), kb, index_version=lambda: kb.version),
                                      store.conversations)
        samples: list[float] = []
        for round_ in range(6):
            key = f"bench:{round_}"
            for message in DIALOGUE:
                samples.extend(timed(lambda m=message, k=key: [
                    render_reply(r) for r in service.handle(k, m)], 1))
        samples = samples[len(DIALOGUE):]  # the first round warms caches
        store.close()
    long_message = ("We process about 3M tokens a day, data must stay on-prem, 20k-30k requests "
                    "at ~1.5k tokens each. " * 600)[:50_000]
    extraction = timed(lambda: extract(long_message), 5)
    policy = load_policy()
    volumes = [WorkloadFacts(monthly_tokens=n * 30_000_000, data_residency="approved_vendors")
               for n in range(2, 9)]
    cost_chart_png(volumes[0], policy, None)  # fonts and the shared labels, once per process
    charts = [s for facts in volumes * 3 for s in timed(lambda f=facts: cost_chart_png(f, policy, None), 1)]
    return [
        Row("conversation", f"turn p50 / p95 ({len(samples)} turns, warm)",
            f"{ms(percentile(samples, 50))} / {ms(percentile(samples, 95))}"),
        Row("conversation", "slowest turn", ms(max(samples))),
        Row("conversation", "fact extraction from a 50,000-character message (median)",
            ms(percentile(extraction, 50)), "< 200 ms"),
        Row("conversation", "cost chart PNG, 7 volumes (median)", ms(percentile(charts, 50))),
    ]
