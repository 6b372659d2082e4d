"""The dialogue evaluation on a tiny set: per-dialogue differences, the share, the exit status."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.commands import register_all
from bot.conversation import Engine
from bot.errors import UserError
from bot.evaluation import evaluate, fresh_service, load_dialogues, pinned_catalog
from scoring import load_policy

register_all(app)
runner = CliRunner()

TINY = """
- id: right
  persona: solo dev
  messages:
    - about 5M tokens a month, the data is public
    - it's a general task
    - no ML experience on the team
    - latency is relaxed
    - what if we had 500M tokens a month
  expect:
    facts:
      data_residency: unrestricted
      specialization: general
      monthly_tokens: 5000000
      ml_expertise: none
      latency: relaxed
    recommendation: proprietary
    asked_first: [specialization]
- id: wrong
  persona: a label that does not match what is said
  messages:
    - "approved vendors only, general task, about 5M tokens a month, no ML people, latency is relaxed"
  expect:
    facts: {data_residency: approved_vendors, monthly_tokens: 50000000}
    recommendation: open_source
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


def test_evaluate_reports_each_difference_and_the_share(tiny: Path) -> None:
    with fresh_service(Engine(load_policy(), None, prices=pinned_catalog())) as service:
        report = evaluate(service, load_dialogues(tiny))
    right, wrong = report.results
    assert right.passed and len(right.turns) == 5
    assert right.turns[-1].facts["monthly_tokens"] == 5_000_000
    assert not wrong.passed
    assert [d.describe() for d in wrong.differences] == [
        "monthly_tokens: expected 50000000, got 5000000",
        "recommendation: expected open_source, got proprietary",
    ]
    assert report.passed == 1 and report.share == 0.5
    assert report.causes() == {"monthly_tokens": 1, "recommendation": 1}


@pytest.mark.slow
def test_eval_dialogues_exits_1_below_the_minimum_and_0_at_it(tiny: Path) -> None:
    below = runner.invoke(app, ["eval", "--dialogues", "--set", str(tiny), "--min", "0.6"])
    assert below.exit_code == 1, below.output
    assert "FAIL wrong: monthly_tokens: expected 50000000, got 5000000" in below.stdout
    assert "FAIL right" not in below.stdout
    assert "Dialogues right: 1/2 (50.0%)" in below.stdout
    assert "below the minimum" in below.stderr
    at = runner.invoke(app, ["eval", "--dialogues", "--set", str(tiny), "--min", "0.5"])
    assert at.exit_code == 0, at.output
    assert "Dialogues right: 1/2 (50.0%)" in at.stdout


def test_eval_min_without_dialogues_exits_2() -> None:
    result = runner.invoke(app, ["eval", "--min", "0.5"])
    assert result.exit_code == 2 and "--dialogues only" in result.stderr


def test_a_set_that_is_not_dialogues_is_a_user_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n  persona: p\n  messages: []\n  expect: {recommendation: hybrid}\n")
    with pytest.raises(UserError, match="not a dialogue set"):
        load_dialogues(bad)
    result = runner.invoke(app, ["eval", "--dialogues", "--set", str(bad)])
    assert result.exit_code == 2 and "not a dialogue set" in result.stderr
