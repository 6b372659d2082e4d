"""`llm-advisor serve` over real HTTP: the contract an outside check uses."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.slack.conftest import SECRET, TOKEN
from tests.bot.slack.fakes import FakeSlack, payloads
from tests.bot.slack.fakes.signing import event_body, post, retry_headers
from tests.conftest import ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, FakeSlack]]:
    port = _free_port()
    with FakeSlack() as fake:
        env = {**os.environ, "ADVISOR_DATA_DIR": str(tmp_path / "data"),
               "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
               "SLACK_API_URL": fake.base_url}
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 240
            status = 0
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    status, _ = _get(f"{base}/healthz")
                except OSError:
                    status = 0
                if status == 200:
                    break
                time.sleep(0.5)
            assert status == 200, f"never became healthy: {process.stderr and process.poll()}"
            yield base, fake
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            finally:
                if process.stderr:
                    process.stderr.close()


def test_serve_answers_health_and_a_thread_over_http(served: tuple[str, FakeSlack]) -> None:
    base, fake = served
    status, health = _get(f"{base}/healthz")
    assert status == 200 and health["store"] == "ok" and health["index"] == "ok"

    root = payloads.new_ts()
    body = event_body(payloads.app_mention(f"{payloads.BOT_MENTION} about 3M tokens a day", ts=root),
                      event_id="EvHTTP")
    assert post(f"{base}/slack/events", body, None, SECRET)[0] == 200
    assert post(f"{base}/slack/events", body, None, SECRET, retry_headers(1))[0] == 200
    fake.wait_for("chat.postMessage", 2, timeout=30)
    time.sleep(1.0)
    assert len(fake.calls("chat.postMessage")) == 2
    assert all(c.params["thread_ts"] == root for c in fake.calls("chat.postMessage"))

    assert post(f"{base}/slack/events", body, None, "wrong-secret")[0] == 401
    status, _ = _get(f"{base}/nowhere")
    assert status == 404
