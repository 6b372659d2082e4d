"""The conversation evaluation: labelled multi-turn dialogues run through the real engine."""

from __future__ import annotations

from bot.evaluation.dialogues import (
    DEFAULT_SET,
    Expectation,
    LabelledDialogue,
    label_recommendation,
    load_dialogues,
    pinned_catalog,
)
from bot.evaluation.runner import (
    DialogueResult,
    Difference,
    EvaluationReport,
    evaluate,
    fresh_service,
    run_dialogue,
)

__all__ = [
    "DEFAULT_SET",
    "DialogueResult",
    "Difference",
    "EvaluationReport",
    "Expectation",
    "LabelledDialogue",
    "evaluate",
    "fresh_service",
    "label_recommendation",
    "load_dialogues",
    "pinned_catalog",
    "run_dialogue",
]
