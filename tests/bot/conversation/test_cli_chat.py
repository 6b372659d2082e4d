from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.paths import ROOT

SCRIPT = """# a whole conversation
we're building a support ticket classifier, ~3M tokens a day
approved vendors under our DPA are fine
why does latency matter?
the tickets use our internal product codes and jargon
3 ML engineers who run models in prod
what if 5M tokens a month
"""


def _chat(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ADVISOR_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run([sys.executable, "-m", "bot.cli", "chat", *args], input=stdin,
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


def test_chat_script_replays_a_whole_conversation(tmp_path: Path) -> None:
    script = tmp_path / "dialogue.txt"
    script.write_text(SCRIPT)
    done = _chat(tmp_path, "--script", str(script))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.count("you> ") == 6
    assert "One more answer could change this" in out
    assert "Noted: Monthly token volume: 90M tokens/month (3M/day x 30 days)" in out
    assert "Back to where we were" in out
    assert "Recommendation: Self-hosted open-weight model" in out
    assert "What if 5M tokens/month (from \"5M tokens a month\", instead of 90M" in out
    assert "Your recorded facts are unchanged" in out
    assert "Sources:\n  [1]" in out

    resumed = _chat(tmp_path, stdin="status\n")
    assert resumed.returncode == 0, resumed.stderr
    assert "approved vendors only" in resumed.stdout, "a new process continues the conversation"


def test_chat_missing_script_exits_2(tmp_path: Path) -> None:
    done = _chat(tmp_path, "--script", str(tmp_path / "nope.txt"))
    assert done.returncode == 2
    assert "cannot read" in done.stderr
