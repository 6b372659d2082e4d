"""The guide sections behind each factor of a recommendation, found without the search index.

A factor and its value name the sections that explain them (the table below); the section index
built from the guides' headings confirms each one exists. A factor whose sections are all
missing (an organisation's own guides renamed a heading) falls back to the first section of a
guide on the factor's topic, so every factor keeps a source.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from knowledge import SectionIndex
from scoring import Factor, Recommendation

Ref = tuple[str, str]
"""A guide id and one of its headings."""
ANY = "*"
"""The entry used for a value the table does not name (an unknown fact, a token count)."""

RESIDENCY = "data-residency"
SPECIALISATION = "specialization-and-fine-tuning"
VOLUME = "volume-and-break-even"
GPUS = "gpu-costs-and-throughput"
TALENT = "ml-talent-and-operations"
QUALITY = "where-proprietary-leads"
SPEED = "speed-to-market"

FACTOR_SECTIONS: dict[str, dict[str, tuple[Ref, ...]]] = {
    "data_residency": {
        "in_house_only": ((RESIDENCY, "Why in-house-only data leaves open weights as the only route"),),
        "approved_vendors": ((RESIDENCY, "What a BAA or DPA does to data residency"),
                             (RESIDENCY, "Regional and government API endpoints as the middle ground")),
        "unrestricted": ((RESIDENCY, "The three residency levels llm-advisor asks about"),),
        ANY: ((RESIDENCY, "Why the data question comes before every other"),),
    },
    "specialization": {
        "niche": ((SPECIALISATION, "What the LoRA studies show, and what they do not"),
                  (SPECIALISATION, "The contracts example: a tuned 7B against a 400B generalist")),
        "moderate": ((SPECIALISATION, "Moderate specialisation: try prompting and retrieval first"),),
        "general": ((QUALITY, "Broad quality versus narrow quality"),),
        ANY: ((SPECIALISATION, "General, moderate or niche: placing your task"),),
    },
    "monthly_tokens": {
        "unknown": ((VOLUME, "Counting your monthly tokens"),),
        ANY: ((VOLUME, "Break-even volume in one division"),
              (VOLUME, "How llm-advisor pairs models like for like"),
              (VOLUME, "Does the 50M rule hold? Not on price alone"),
              (GPUS, "Realistic GPU utilisation")),
    },
    "ml_expertise": {
        "none": ((TALENT, "A team with no ML engineers"),
                 ("managed-open-model-hosting", "Teams it suits best")),
        "some": ((TALENT, "A team with some experience: what to watch"),),
        "strong": ((TALENT, "How much engineering time to budget"),),
        ANY: ((TALENT, "What running your own model involves day to day"),),
    },
    "latency": {
        "critical": (("latency", "What sub-100 ms does and does not mean"),
                     ("latency", "Self-hosted first-token latency")),
        "interactive": (("latency", "Interactive chat: how fast is fast enough?"),),
        "relaxed": (("latency", "Batch and relaxed workloads"),
                    ("cost-structures", "Batch APIs: about half price for work nobody waits on")),
        ANY: (("latency", "Time to first token versus time to the full answer"),),
    },
    "quality_bar": {
        "peak": ((QUALITY, "Tasks where top quality pays for itself"),
                 (QUALITY, "Checking the quality gap on your own data")),
        "standard": ((QUALITY, "When standard quality is enough"),),
        ANY: ((QUALITY, "The capabilities where frontier models are ahead"),),
    },
    "time_to_market": {
        "urgent": ((SPEED, "From sign-up to first call in an afternoon"),
                   (SPEED, "Time to production for self-hosting")),
        "normal": ((SPEED, "Prototype on an API, then revisit"),),
        ANY: ((SPEED, "Time to production for self-hosting"),),
    },
}


class FactorSource(BaseModel):
    """One guide section behind one factor."""

    model_config = ConfigDict(frozen=True)

    factor: str
    value: str
    use_case: str | None = None
    """For a portfolio: the use case whose factor this is."""
    guide: str
    section: str
    source: str
    """The guide's file, e.g. guides/latency.md."""


def mapped_sections(factor: str, value: str) -> tuple[Ref, ...]:
    """The sections the table names for this factor value."""
    by_value = FACTOR_SECTIONS.get(factor, {})
    return by_value.get(value) or by_value.get(ANY, ())


def factor_sources(factor: Factor, index: SectionIndex,
                   use_case: str | None = None) -> list[FactorSource]:
    """The sections behind `factor` that exist in `index`, else one on the factor's topic."""
    found = [index.find(guide, heading) for guide, heading in mapped_sections(factor.name, factor.value)]
    sections = [section for section in found if section is not None]
    if not sections:
        sections = index.for_topic(factor.topic)[:1]
    return [FactorSource(factor=factor.name, value=factor.value, use_case=use_case,
                         guide=section.guide, section=section.heading, source=section.source)
            for section in sections]


def recommendation_sources(rec: Recommendation, index: SectionIndex) -> list[FactorSource]:
    """The sections behind every factor of `rec`, factor by factor (use case by use case for a
    portfolio)."""
    if rec.use_cases:
        return [source for case in rec.use_cases for factor in case.factors
                for source in factor_sources(factor, index, case.name)]
    return [source for factor in rec.factors for source in factor_sources(factor, index)]
