"""What a decision is called where it is listed: its use case's name, or, for an untitled one, a
short description of its facts and the date it was decided."""

from __future__ import annotations

from bot import wording
from bot.store import DecisionRecord
from scoring import Portfolio, WorkloadFacts

UNTITLED = "LLM workload"
"""The title a decision is stored under when its conversation named no use case."""
RESIDENCY = {
    "in_house_only": "data stays in-house",
    "approved_vendors": "approved vendors only",
    "unrestricted": "no data restrictions",
}
SPECIALISATION = {"niche": "niche domain", "moderate": "moderately specialised",
                  "general": "general task"}


def workload_title(facts: WorkloadFacts | Portfolio) -> str:
    """The use case's name if it has one, else its volume, data residency and task in a few
    words: "30M tokens/month, data stays in-house"."""
    if facts.name and facts.name.strip():
        return facts.name.strip()
    if isinstance(facts, Portfolio):
        return f"Portfolio of {len(facts.use_cases)} use cases: " + ", ".join(facts.labels()[:3]) + (
            ", …" if len(facts.use_cases) > 3 else "")
    parts = []
    if facts.monthly_tokens is not None:
        parts.append(wording.fact_value("monthly_tokens", str(facts.monthly_tokens)))
    if facts.data_residency is not None:
        parts.append(RESIDENCY.get(str(facts.data_residency), str(facts.data_residency)))
    if facts.specialization is not None:
        parts.append(SPECIALISATION.get(str(facts.specialization), str(facts.specialization)))
    return ", ".join(parts) or UNTITLED


def is_untitled(record: DecisionRecord) -> bool:
    return not record.title.strip() or record.title == UNTITLED


def decision_title(record: DecisionRecord, dated: bool = True) -> str:
    """The record's own title; an untitled one is described from its facts, with the date it was
    decided when `dated` (so several untitled decisions can be told apart)."""
    if not is_untitled(record):
        return record.title
    title = workload_title(record.facts)
    if dated and record.created_at is not None:
        title += f" ({record.created_at.date().isoformat()})"
    return title
