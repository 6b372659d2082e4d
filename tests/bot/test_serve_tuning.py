"""Process tuning `llm-advisor serve` applies in its worker."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch
from typer.testing import CliRunner

from bot.cli import _register_optional_commands, app
from bot.commands.serve import _limit_model_threads, _prepare_guidance
from bot.settings import Settings
from knowledge.embeddings import SAVED_ENCODER


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


def _settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, ADVISOR_DATA_DIR=str(tmp_path / "data"))  # type: ignore[call-arg]


def test_a_first_start_prepares_the_guidance_in_a_child_ingest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    ran: list[list[str]] = []

    def child(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        ran.append(command)
        return subprocess.CompletedProcess(command, 0, "Ingest: 14 added; index version abc\n", "")

    monkeypatch.setattr(subprocess, "run", child)
    with caplog.at_level(logging.INFO, logger="bot.commands.serve"):
        _prepare_guidance(_settings(tmp_path))

    assert ran == [[sys.executable, "-m", "bot.cli", "ingest"]]
    done = [r for r in caplog.records if r.getMessage().startswith("guidance prepared")]
    assert "Ingest: 14 added" in done[0].getMessage() and isinstance(done[0].peak_rss_mb, int)


def test_a_start_with_the_encoder_saved_runs_no_child(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(tmp_path)
    settings.encoder_dir.mkdir(parents=True)
    (settings.encoder_dir / SAVED_ENCODER).write_bytes(b"saved")

    def child(*_: Any, **__: Any) -> Any:
        raise AssertionError("no child process expected")

    monkeypatch.setattr(subprocess, "run", child)
    _prepare_guidance(settings)


@pytest.mark.parametrize("outcome, logged", [
    (subprocess.CompletedProcess([], 2, "", "error: Chroma server at http://x unreachable\n"),
     "preparing the guidance failed (exit status 2): error: Chroma server at http://x unreachable"),
    (subprocess.TimeoutExpired(["ingest"], 1800.0), "could not prepare the guidance"),
])
def test_a_failed_preparation_is_logged_and_the_start_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        outcome: Any, logged: str) -> None:
    def child(*_: Any, **__: Any) -> Any:
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    monkeypatch.setattr(subprocess, "run", child)
    with caplog.at_level(logging.WARNING, logger="bot.commands.serve"):
        _prepare_guidance(_settings(tmp_path))

    assert logged in caplog.text
