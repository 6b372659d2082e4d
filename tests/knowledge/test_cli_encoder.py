"""Every path that builds the index saves the compiled query encoder; the commands after it
answer with that encoder alone, and with the model when it is missing or stale."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.commands import register_all
from knowledge import SAVED_ENCODER, MiniLMEmbedder
from tests.helpers.paths import ROOT

if not any(command.name == "ask" for command in app.registered_commands):
    register_all(app)

QUESTION = "why does latency matter?"
CHECK = ("import sys, runpy; sys.argv = ['llm-advisor', 'ask', %r, '--json']\n"
         "try:\n    runpy.run_module('bot.cli', run_name='__main__')\n"
         "except SystemExit as end:\n    assert not end.code, end.code\n"
         "print('MODEL LOADED' if 'sentence_transformers' in sys.modules else 'NO MODEL')\n")


def _ask_in_a_process(data_dir: Path) -> tuple[dict[str, object], str]:
    env = {**os.environ, "ADVISOR_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", CHECK % QUESTION], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    answer, _, marker = done.stdout.rstrip("\n").rpartition("\n")
    return json.loads(answer), marker


def _stale_copy(path: Path) -> None:
    """Rewrite the saved encoder as one made from other model files."""
    import warnings

    import torch

    extra = {"advisor.json": ""}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TorchScript is, as the app knows
        module = torch.jit.load(str(path), _extra_files=extra)  # type: ignore[no-untyped-call]
        meta = json.loads(extra["advisor.json"])
        meta["model"] = "an-older-model/0.1/1"
        torch.jit.save(module, str(path), _extra_files={"advisor.json": json.dumps(meta)})


def test_chat_builds_the_index_and_saves_the_encoder_which_ask_then_uses_without_the_model(
        minilm: MiniLMEmbedder, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    minilm.embed_query("loads the shared model once for this process")
    data = tmp_path / "data"
    script = tmp_path / "script.txt"
    script.write_text("We run a support chatbot, about 3M tokens a day\n", encoding="utf-8")

    built = CliRunner().invoke(app, ["chat", "--script", str(script)])

    assert built.exit_code == 0, built.output
    encoder = data / "encoder" / SAVED_ENCODER
    assert encoder.is_file()
    answer, marker = _ask_in_a_process(data)
    assert marker == "NO MODEL" and answer["citations"]

    # Stale: made from other model files. The command answers with the model, and as it builds
    # nothing it leaves the file for an index build to replace.
    _stale_copy(encoder)
    with caplog.at_level(logging.INFO, logger="knowledge.embeddings"):
        stale = CliRunner().invoke(app, ["ask", QUESTION, "--json"])
    assert stale.exit_code == 0, stale.output
    assert "saved query encoder is for another model" in caplog.text
    assert json.loads(stale.stdout)["citations"] == answer["citations"]

    # Missing: the same answer from the model.
    encoder.unlink()
    missing = CliRunner().invoke(app, ["ask", QUESTION, "--json"])
    assert missing.exit_code == 0, missing.output
    assert json.loads(missing.stdout)["citations"] == answer["citations"]
    assert not encoder.exists()

    # An ingest with nothing to embed still saves it again.
    again = CliRunner().invoke(app, ["ingest"])
    assert again.exit_code == 0, again.output
    assert "0 embedded" in again.stdout and encoder.is_file()


def test_ask_on_a_fresh_data_directory_saves_the_encoder(minilm: MiniLMEmbedder,
                                                         tmp_path: Path) -> None:
    minilm.embed_query("loads the shared model once for this process")

    first = CliRunner().invoke(app, ["ask", QUESTION])

    assert first.exit_code == 0, first.output
    assert "Sources:" in first.stdout
    assert (tmp_path / "data" / "encoder" / SAVED_ENCODER).is_file()
    assert "Loading weights" not in first.output and "ForCausalLMLoss" not in first.output
