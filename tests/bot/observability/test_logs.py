"""Log lines: one JSON object each, context fields included, secrets never written."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime

import pytest
from pydantic import ValidationError

from bot.observability import build_handler, configure_logging, log_context
from bot.observability.logs import REDACTED
from bot.settings import Settings

SECRET = "0123456789abcdef-signing"
TOKENS = ("xoxb-1111-2222-abcdefABCDEF", "xoxp-33-44-55-fedcba", "xapp-1-A0-123-deadbeef")


@pytest.fixture
def logger() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A private logger writing JSON lines at DEBUG into a buffer."""
    stream = io.StringIO()
    log = logging.getLogger("tests.observability.private")
    handler = build_handler("json", [SECRET], stream)
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    yield log, stream
    log.removeHandler(handler)
    log.propagate = True


def _events(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_formatter_writes_one_object_per_line_with_fields(
    logger: tuple[logging.Logger, io.StringIO],
) -> None:
    log, stream = logger
    log.info("slack request", extra={"event_id": "Ev1", "team": "T1", "channel": "C1",
                                     "thread_ts": "1.000100", "latency_ms": 12.5})
    try:
        raise RuntimeError("boom\nsecond line")
    except RuntimeError:
        log.exception("turn failed")

    lines = stream.getvalue().splitlines()
    assert len(lines) == 2, "a multi-line traceback still makes one line"
    first, second = _events(stream)
    assert first["level"] == "INFO" and first["logger"] == log.name
    assert first["message"] == "slack request"
    assert {k: first[k] for k in ("event_id", "team", "channel", "thread_ts", "latency_ms")} == {
        "event_id": "Ev1", "team": "T1", "channel": "C1", "thread_ts": "1.000100", "latency_ms": 12.5}
    stamp = str(first["ts"])
    assert stamp.endswith("Z") and datetime.fromisoformat(stamp).utcoffset() is not None
    assert second["level"] == "ERROR" and "RuntimeError: boom" in str(second["exception"])


def test_log_context_fields_apply_inside_the_block_only(
    logger: tuple[logging.Logger, io.StringIO],
) -> None:
    log, stream = logger
    with log_context(team="T1", channel="C1", thread_ts=None):
        log.info("inside")
        log.info("explicit wins", extra={"channel": "C2"})
    log.info("outside")
    inside, explicit, outside = _events(stream)
    assert inside["team"] == "T1" and inside["channel"] == "C1" and "thread_ts" not in inside
    assert explicit["channel"] == "C2"
    assert "team" not in outside


def test_redaction_hides_tokens_and_signing_secret_at_debug(
    logger: tuple[logging.Logger, io.StringIO],
) -> None:
    log, stream = logger
    log.debug("token %s and secret %s", TOKENS[0], SECRET)
    log.debug(f"headers Authorization: Bearer {TOKENS[1]}")
    log.debug("extra", extra={"payload": {"token": TOKENS[2], "nested": [SECRET]}})
    try:
        raise ValueError(f"bad token {TOKENS[0]}")
    except ValueError:
        log.debug("failure", exc_info=True)
    log.debug("stack", stack_info=True, extra={"note": f"secret={SECRET}"})

    written = stream.getvalue()
    for secret in (*TOKENS, SECRET):
        assert secret not in written
    assert written.count(REDACTED) >= 6
    assert _events(stream)[2]["payload"] == {"token": REDACTED, "nested": [REDACTED]}


def test_text_format_shows_message_and_fields() -> None:
    stream = io.StringIO()
    log = logging.getLogger("tests.observability.text")
    handler = build_handler("text", [SECRET], stream)
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("turn processed %s", SECRET, extra={"team": "T1", "latency_ms": 3.0})
    finally:
        log.removeHandler(handler)
        log.propagate = True
    line = stream.getvalue().strip()
    assert "WARNING tests.observability.text turn processed [REDACTED]" in line
    assert line.endswith('team="T1" latency_ms=3.0')


def test_configure_logging_installs_one_root_handler() -> None:
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    stream = io.StringIO()
    try:
        handler = configure_logging("json", "debug", [SECRET], stream)
        assert root.handlers == [handler] and root.level == logging.DEBUG
        logging.getLogger("tests.observability.any").debug("secret is %s", SECRET)
        assert json.loads(stream.getvalue())["message"] == f"secret is {REDACTED}"
    finally:
        logging.captureWarnings(False)
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)


def test_settings_log_format_and_level_are_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADVISOR_LOG_FORMAT", raising=False)
    monkeypatch.delenv("ADVISOR_LOG_LEVEL", raising=False)
    settings = Settings.model_validate({"ADVISOR_LOG_FORMAT": "JSON", "ADVISOR_LOG_LEVEL": "debug"})
    assert settings.log_format == "json" and settings.log_level == "DEBUG"
    defaults = Settings.model_validate({})
    assert defaults.log_format is None and defaults.log_level == "INFO"
    with pytest.raises(ValidationError):
        Settings.model_validate({"ADVISOR_LOG_FORMAT": "xml"})
    with pytest.raises(ValidationError):
        Settings.model_validate({"ADVISOR_LOG_LEVEL": "loud"})


def test_settings_secrets_lists_tokens_and_signing_secret() -> None:
    settings = Settings.model_validate({"SLACK_BOT_TOKEN": TOKENS[0], "SLACK_SIGNING_SECRET": SECRET})
    assert settings.secrets == [TOKENS[0], SECRET]
