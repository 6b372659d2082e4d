"""`chat --script --json`: one JSON object per message, in the shape checks outside rely on."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

from scoring import OPTIONAL_FACTS, REQUIRED_FACTS
from tests.helpers.paths import ROOT

SCRIPT = """# comments and blank lines are not messages
we're building a support ticket classifier, ~3M tokens a day

approved vendors under our DPA are fine
why does latency matter?
the tickets use our internal product codes and jargon
3 ML engineers who run models in prod
interactive, a second or two is fine
what if 5M tokens a month
"""
MESSAGES = [line for line in SCRIPT.splitlines() if line.strip() and not line.startswith("#")]
KEYS = {"message", "replies", "facts", "use_cases", "recommendation", "asked"}
CHOICES = {"proprietary", "open_source", "hybrid"}


def test_chat_json_prints_one_object_per_message_with_the_contract_fields(tmp_path: Path) -> None:
    script = tmp_path / "dialogue.txt"
    script.write_text(SCRIPT)
    env = {**os.environ, "ADVISOR_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--new", "--session", "json", "--script",
         str(script), "--json"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(MESSAGES)
    turns = [json.loads(line) for line in lines]
    for message, turn in zip(MESSAGES, turns, strict=True):
        assert set(turn) == KEYS
        assert turn["message"] == message
        assert turn["replies"] and all(isinstance(reply, str) and reply for reply in turn["replies"])
        assert isinstance(turn["facts"], dict)
        assert all(isinstance(value, str | int | float) for value in turn["facts"].values())
        assert isinstance(turn["use_cases"], list) and turn["use_cases"][-1] == turn["facts"]
        assert turn["recommendation"] is None or turn["recommendation"] in CHOICES
        assert turn["asked"] is None or turn["asked"] in (*REQUIRED_FACTS, *OPTIONAL_FACTS)

    for before, after in itertools.pairwise(turns):
        assert before["facts"].items() <= after["facts"].items(), "facts accumulate"
    assert turns[0]["facts"] == {"monthly_tokens": 90_000_000}
    assert turns[0]["asked"] == "data_residency" and turns[0]["recommendation"] is None
    assert turns[1]["facts"]["data_residency"] == "approved_vendors"
    assert turns[1]["asked"] is not None and turns[1]["asked"] != "data_residency"
    advised = turns[5]
    assert set(REQUIRED_FACTS) <= set(advised["facts"])
    assert advised["recommendation"] == "open_source"
    assert advised["asked"] is None or advised["asked"] in OPTIONAL_FACTS, (
        "after the answer only an optional fact that could change it is asked")
    what_if = turns[6]
    assert what_if["facts"] == advised["facts"], "a what-if leaves the facts as they were"
    assert what_if["recommendation"] == advised["recommendation"]
    assert "Your recorded facts are unchanged" in what_if["replies"][-1]
