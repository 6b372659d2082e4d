"""Rule-based extraction of workload facts from one chat message.

`extract(text)` reads what the message states (data residency, specialization, monthly
tokens, ML expertise, latency, quality bar, time to market) as a partial `WorkloadFacts` and
cites the words behind each fact. Imports only the standard library, pydantic and `scoring`.
"""

from __future__ import annotations

from bot.extraction.extractor import extract
from bot.extraction.model import Extraction

__all__ = ["Extraction", "extract"]
