"""Deterministic decision logic: workload facts in, an explained recommendation out.

Imports only the standard library and pydantic; no I/O beyond reading the shipped policy file.
"""

from __future__ import annotations

from scoring.catalog import CatalogModel, PriceCatalog, UnknownModel, normalise
from scoring.comparison import cost_model
from scoring.engine import recommend
from scoring.facts import (
    CATEGORICAL_FACTS,
    MAX_MONTHLY_TOKENS,
    OPTIONAL_FACTS,
    REQUIRED_FACTS,
    TOWARD_OPEN_SOURCE,
    DataResidency,
    Latency,
    MLExpertise,
    Portfolio,
    QualityBar,
    Specialization,
    TimeToMarket,
    WorkloadFacts,
)
from scoring.policy import Policy, PolicyError, load_policy, parse_policy
from scoring.questions import Question, answer_can_change, next_questions
from scoring.rationale import compact_tokens
from scoring.result import (
    Assumption,
    Choice,
    Confidence,
    CostComparison,
    Factor,
    HybridRoute,
    Recommendation,
    ValueFlip,
    VolumeFlip,
)

__all__ = [
    "CATEGORICAL_FACTS",
    "MAX_MONTHLY_TOKENS",
    "OPTIONAL_FACTS",
    "REQUIRED_FACTS",
    "TOWARD_OPEN_SOURCE",
    "Assumption",
    "CatalogModel",
    "Choice",
    "Confidence",
    "CostComparison",
    "DataResidency",
    "Factor",
    "HybridRoute",
    "Latency",
    "MLExpertise",
    "Policy",
    "PolicyError",
    "Portfolio",
    "PriceCatalog",
    "QualityBar",
    "Question",
    "Recommendation",
    "Specialization",
    "TimeToMarket",
    "UnknownModel",
    "ValueFlip",
    "VolumeFlip",
    "WorkloadFacts",
    "answer_can_change",
    "compact_tokens",
    "cost_model",
    "load_policy",
    "next_questions",
    "normalise",
    "parse_policy",
    "recommend",
]
