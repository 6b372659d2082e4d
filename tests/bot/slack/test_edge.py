"""Bad requests to POST /slack/events get a 4xx, never a 500, before and after the signature
check; the process keeps serving; and no request body reaches the logs, at INFO or DEBUG."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App

from bot.observability.logs import configure_logging
from bot.services import Services
from bot.slack.server import AdvisorWSGI
from tests.bot.slack.fakes import FakeSlack, payloads
from tests.bot.slack.fakes.signing import event_body
from tests.helpers.slack import SECRET

MARKER = "zebracrossing"
"""A word only users type: it must never appear in a log line."""


def _sign(body: bytes, timestamp: str) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()


def _call(server: AdvisorWSGI, body: bytes, *, content_type: str = "application/json",
          signed: bool = True, timestamp: str | None = None,
          length: str | None = None) -> tuple[int, dict[str, Any]]:
    stamp = timestamp if timestamp is not None else str(int(time.time()))
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "QUERY_STRING": "",
        "CONTENT_TYPE": content_type, "CONTENT_LENGTH": length if length is not None else str(len(body)),
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "3000", "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp,
    }
    if signed:
        environ["HTTP_X_SLACK_SIGNATURE"] = _sign(body, stamp)
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> Any:
        answer["status"] = int(status.split()[0])
        return lambda data: None

    data = b"".join(server(environ, start_response))  # type: ignore[arg-type]
    try:
        parsed = json.loads(data) if data else {}
    except ValueError:
        parsed = {"raw": data.decode("utf-8", "replace")}
    return answer["status"], parsed if isinstance(parsed, dict) else {"raw": parsed}


@pytest.fixture
def server(app: App, services: Services) -> AdvisorWSGI:
    return AdvisorWSGI(lambda: (app, services), background=False)


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging("json", "DEBUG", stream=stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])


def _deep(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


MALFORMED: list[tuple[str, bytes, str]] = [
    ("bad JSON", b'{"type": "event_callback", ', "application/json"),
    ("a JSON array", b"[1, 2, 3]", "application/json"),
    ("invalid UTF-8", b'{"text": "\xff\xfe"}', "application/json"),
    ("a NUL byte", b'{"type": "event_callback", "text": "a\x00b"}', "application/json"),
    ("deep nesting", _deep(5000).encode(), "application/json"),
    ("event null", json.dumps({"type": "event_callback", "team_id": "T1", "event": None}).encode(),
     "application/json"),
    ("a non-object payload", b"payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
    ("actions empty", b"payload=" + json.dumps({"type": "block_actions", "actions": [],
                                                 "user": {"id": "U1"}}).encode(),
     "application/x-www-form-urlencoded"),
    ("an empty body", b"", "application/json"),
    ("a malformed message ts", json.dumps({"type": "event_callback", "team_id": "T1", "event": {
        "type": "message", "user": "U1", "channel": "C1", "text": "hi", "ts": "soon"}}).encode(),
     "application/json"),
    ("a thread ts that is a number", json.dumps({"type": "event_callback", "team_id": "T1",
                                                 "event": {"type": "message", "user": "U1",
                                                           "channel": "C1", "text": "hi",
                                                           "ts": "1.5", "thread_ts": 1.5}}
                                                ).encode(), "application/json"),
]


@pytest.mark.parametrize(("name", "body", "content_type"), MALFORMED, ids=[m[0] for m in MALFORMED])
@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
def test_a_malformed_request_gets_a_4xx_and_the_process_keeps_serving(
        server: AdvisorWSGI, name: str, body: bytes, content_type: str, signed: bool) -> None:
    status, _ = _call(server, body, content_type=content_type, signed=signed)
    assert 400 <= status < 500, (name, status)
    ok = event_body(payloads.app_mention(f"{payloads.BOT_MENTION} hello")).encode()
    assert _call(server, ok)[0] == 200


def test_a_non_numeric_timestamp_and_a_bad_length_are_4xx(server: AdvisorWSGI) -> None:
    body = event_body(payloads.app_mention(f"{payloads.BOT_MENTION} hello")).encode()
    assert _call(server, body, timestamp="soon")[0] == 400
    assert _call(server, body, length="lots")[0] == 411


def test_a_body_over_the_limit_is_413_without_reading_it(server: AdvisorWSGI,
                                                          logs: io.StringIO) -> None:
    body = b'{"text": "' + MARKER.encode() * 90_000 + b'"}'
    status, answer = _call(server, body)
    assert status == 413 and "1048576" in answer["error"]
    lines = [json.loads(line) for line in logs.getvalue().splitlines()]
    refused = [line for line in lines if line["message"] == "slack request refused"]
    assert refused and refused[0]["size"] == len(body) and refused[0]["status"] == 413
    assert MARKER not in logs.getvalue()


def test_a_request_with_a_bad_signature_is_logged_without_its_body(server: AdvisorWSGI,
                                                                   logs: io.StringIO) -> None:
    body = event_body(payloads.app_mention(f"{payloads.BOT_MENTION} {MARKER} data")).encode()
    status, _ = _call(server, body, signed=False)
    assert status == 401
    text = logs.getvalue()
    assert "Invalid request signature detected (request not logged)" in text
    assert MARKER not in text


def test_debug_logging_never_writes_message_text(server: AdvisorWSGI, logs: io.StringIO,
                                                 fake: FakeSlack) -> None:
    body = event_body(payloads.app_mention(f"{payloads.BOT_MENTION} {MARKER} 3M tokens a day"))
    assert _call(server, body.encode())[0] == 200
    [reply] = fake.wait_for("chat.postMessage")
    assert "90M tokens/month" in reply.params["text"]  # the message was read and answered
    time.sleep(0.5)
    assert logging.getLogger("slack_sdk").getEffectiveLevel() >= logging.INFO
    assert "turn processed" in logs.getvalue()  # DEBUG logging was on and writing
    assert MARKER not in logs.getvalue()

