"""Policies the scoring tests decide under, read the way an organisation's file would be."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from scoring import Policy, parse_policy
from scoring.policy import DEFAULT_POLICY_RESOURCE

DEFAULT_TEXT = (Path(__file__).resolve().parents[2] / "scoring" / DEFAULT_POLICY_RESOURCE).read_text()


@cache
def rule_of_thumb_policy() -> Policy:
    """The shipped policy with `[volume] basis = "rule_of_thumb"`: the framework's 50M rule."""
    text = DEFAULT_TEXT.replace('basis = "computed"', 'basis = "rule_of_thumb"', 1)
    assert text != DEFAULT_TEXT
    return parse_policy(text, "rule-of-thumb policy")
