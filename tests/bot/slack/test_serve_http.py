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

from bot.slack import ids
from tests.bot.slack.conftest import SECRET, TOKEN
from tests.bot.slack.fakes import FakeSlack, payloads
from tests.bot.slack.fakes.signing import action_body, block_action, event_body, post, retry_headers
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

    posted = 2
    for text in ("approved vendors under our DPA are fine", "our internal product codes and jargon",
                 "3 ML engineers who run models in prod"):
        event = event_body(payloads.message(text, ts=payloads.new_ts(), thread_ts=root))
        assert post(f"{base}/slack/events", event, None, SECRET)[0] == 200
        posted = len(fake.wait_for("chat.postMessage", posted + 1, timeout=30))
        time.sleep(0.5)
        posted = len(fake.calls("chat.postMessage"))
    pin = None
    for call in reversed(fake.calls("chat.postMessage")):
        for block in call.params.get("blocks") or []:
            for element in block.get("elements") or []:
                if str(element.get("action_id", "")).startswith(ids.PIN_DECISION):
                    pin = (call, element)
    assert pin is not None, "the recommendation carries a Pin decision button"
    call, element = pin
    action = block_action(element["action_id"], element["value"], thread_ts=root,
                          message_ts=str(call.response["ts"]), message_blocks=call.params["blocks"])
    assert post(f"{base}/slack/events", action_body(action), None, SECRET)[0] == 200
    fake.wait_for("pins.add", timeout=30)
