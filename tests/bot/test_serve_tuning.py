"""Process tuning `llm-advisor serve` applies in its worker."""

from __future__ import annotations

import torch
from typer.testing import CliRunner

from bot.cli import _register_optional_commands, app
from bot.commands.serve import _limit_model_threads


def test_model_threads_caps_torch_intra_op_threads() -> None:
    before = torch.get_num_threads()
    try:
        _limit_model_threads(1)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def test_serve_offers_model_threads_and_refuses_nonsense() -> None:
    _register_optional_commands()
    runner = CliRunner()
    assert "--model-threads" in runner.invoke(app, ["serve", "--help"]).output
    result = runner.invoke(app, ["serve", "--model-threads", "0"])
    assert result.exit_code == 2 and "model-threads" in result.output
