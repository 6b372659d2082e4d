"""The terminal as a user meets it: whole processes, each beside the `recommend` process in the
same run. A cold first `ask` (fresh data directory: it builds the index), then rounds of a warm
`ask`, a `chat` first reply to one fact message and `recommend`, taken in turn so the machine's
drift touches all three alike."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.bench.table import Row, median
from tests.servers import ROOT

ROUNDS = 3
QUESTION = "why does latency matter?"
FACT_MESSAGE = "support bot, about 3M tokens a day\n"


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float


def _run(command: list[str], env: dict[str, str], stdin: str = "") -> Run:
    """One whole process: wall time from start to exit, and its peak RSS (the OS's accounting)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert process.stdin is not None
    process.stdin.write(stdin.encode())
    process.stdin.close()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command[2:4])} exited with {process.returncode}")
    return Run(seconds, usage.ru_maxrss / 1024)


def run() -> list[Row]:
    cli = [sys.executable, "-m", "bot.cli"]
    example = str(ROOT / "bot" / "examples" / "support-triage.json")
    with tempfile.TemporaryDirectory(prefix="terminal-bench-") as folder:
        env = {**os.environ, "ADVISOR_DATA_DIR": folder, "HF_HUB_OFFLINE": "1",
               "TRANSFORMERS_OFFLINE": "1"}
        script = Path(folder) / "one-fact.txt"
        script.write_text(FACT_MESSAGE)
        cold = _run([*cli, "ask", QUESTION, "--json"], env)
        asks, chats, recommends = [], [], []
        for n in range(ROUNDS):
            asks.append(_run([*cli, "ask", QUESTION, "--json"], env))
            chats.append(_run([*cli, "chat", "--new", "--session", f"bench-{n}", "--script",
                               str(script)], env))
            recommends.append(_run([*cli, "recommend", "--facts", example, "--json"], env))
    base = median([r.seconds for r in recommends])

    def row(name: str, runs: list[Run], aim: str) -> Row:
        seconds = median([r.seconds for r in runs])
        peak = max(r.peak_mb for r in runs)
        return Row("terminal", f"{name} (median of {len(runs)}); peak RSS",
                   f"{seconds:.2f} s ({seconds / base:.1f}x recommend); {peak:.0f} MB", aim)

    return [
        Row("terminal", f"`llm-advisor recommend` process (median of {ROUNDS})", f"{base:.2f} s", ""),
        row("warm `ask --json` process", asks, "<= 1.5 s, <= 4x recommend, <= 400 MB"),
        row("`chat --script`, first reply to one fact message", chats, "<= 2 s, <= 400 MB"),
        Row("terminal", "cold first `ask` (fresh data dir, builds the index); peak RSS",
            f"{cold.seconds:.1f} s; {cold.peak_mb:.0f} MB", "<= 20 s"),
    ]
