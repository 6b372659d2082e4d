"""Volume flip points as printed: every range the words name gives the answer they name."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import scoring
from bot import wording
from scoring import Choice, Recommendation, VolumeFlip, WorkloadFacts
from scoring.facts import MAX_MONTHLY_TOKENS
from tests.helpers.prices import pinned_prices
from tests.scoring.strategies import complete_facts


def recommend(facts: WorkloadFacts) -> Recommendation:
    return scoring.recommend(facts, None, pinned_prices())

BY_LABEL = {label: Choice(value) for value, label in wording.CHOICE_LABELS.items()}
OPEN_ENDED = re.compile(r"at \S+ tokens/month \(([\d,]+)\) or (more|less) → (.+)")
BAND = re.compile(r"from \S+ to \S+ tokens/month \(([\d,]+) to ([\d,]+)\) → (.+); (above|below) \S+ → (.+)")

def _number(text: str) -> int:
    return int(text.replace(",", ""))


def claims(words: str) -> list[tuple[int, int, Choice]]:
    """The inclusive volume ranges a worded volume flip speaks for, read back from its words."""
    if match := OPEN_ENDED.fullmatch(words):
        at, side, label = match.groups()
        span = (_number(at), MAX_MONTHLY_TOKENS) if side == "more" else (0, _number(at))
        return [(*span, BY_LABEL[label])]
    match = BAND.fullmatch(words)
    assert match is not None, words
    low, high, label, side, beyond = match.groups()
    past = (_number(high) + 1, MAX_MONTHLY_TOKENS) if side == "above" else (0, _number(low) - 1)
    return [(_number(low), _number(high), BY_LABEL[label]), (*past, BY_LABEL[beyond])]


def _at(facts: WorkloadFacts, volume: int) -> Choice:
    return recommend(facts.model_copy(update={"monthly_tokens": volume})).recommendation


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(complete_facts(), st.data())
def test_flip_point_every_worded_volume_flip_is_true(facts: WorkloadFacts, data: st.DataObject) -> None:
    for flip in recommend(facts).flip_points:
        if not isinstance(flip, VolumeFlip):
            continue
        for low, high, answer in claims(wording.flip_point(flip)):
            drawn = data.draw(st.integers(min_value=low, max_value=high))
            for volume in (low, (low + high) // 2, high, drawn):
                assert _at(facts, volume) == answer, (wording.flip_point(flip), volume)


def test_flip_point_states_the_band_and_what_lies_below_it() -> None:
    flip = VolumeFlip(direction="below", threshold=75_785_828, recommendation=Choice.HYBRID,
                      far_end=43_527_529, beyond=Choice.PROPRIETARY)
    assert wording.flip_point(flip) == (
        "from 43.5M to 75.8M tokens/month (43,527,529 to 75,785,828) → Hybrid: API and open models "
        "side by side; below 43.5M → Proprietary model via API")


def test_flip_point_states_the_band_and_what_lies_above_it() -> None:
    flip = VolumeFlip(direction="above", threshold=43_527_529, recommendation=Choice.HYBRID,
                      far_end=75_785_828, beyond=Choice.OPEN_SOURCE, use_case="triage")
    assert wording.flip_point(flip) == (
        "triage: from 43.5M to 75.8M tokens/month (43,527,529 to 75,785,828) → Hybrid: API and "
        "open models side by side; above 75.8M → Self-hosted open-weight model")


def test_flip_point_reaching_the_end_of_the_axis_names_only_its_threshold() -> None:
    up = VolumeFlip(direction="above", threshold=75_785_829, recommendation=Choice.OPEN_SOURCE)
    down = VolumeFlip(direction="below", threshold=43_527_528, recommendation=Choice.PROPRIETARY)
    assert wording.flip_point(up) == \
        "at 75.8M tokens/month (75,785,829) or more → Self-hosted open-weight model"
    assert wording.flip_point(down) == \
        "at 43.5M tokens/month (43,527,528) or less → Proprietary model via API"


def test_flip_point_from_a_record_without_a_band_end_keeps_its_threshold_wording() -> None:
    stored = VolumeFlip.model_validate(
        {"fact": "monthly_tokens", "direction": "above", "threshold": 57434918,
         "recommendation": "open_source", "use_case": "use case 1"})
    assert wording.flip_point(stored) == \
        "use case 1: at 57.4M tokens/month (57,434,918) or more → Self-hosted open-weight model"


def test_volume_flip_rejects_a_far_end_without_what_lies_beyond_it() -> None:
    with pytest.raises(ValidationError):
        VolumeFlip(direction="above", threshold=10, recommendation=Choice.HYBRID, far_end=20)
    with pytest.raises(ValidationError):
        VolumeFlip(direction="above", threshold=10, recommendation=Choice.HYBRID, far_end=5,
                   beyond=Choice.OPEN_SOURCE)
