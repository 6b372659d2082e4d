"""Tiny ratios read aloud as "under", never as a zero that contradicts the figures beside it."""

from __future__ import annotations

from bot.cost_wording import _share
from scoring.rationale import _times


def test_tiny_ratios_are_said_as_under_not_zero() -> None:
    assert _times(0.0028) == "under 0.01x" and _times(0.35) == "0.35x" and _times(2.5) == "2.50x"
    assert _share(0.0001) == "under 0.1%" and _share(0.016) == "1.6%"
