"""Log records as one JSON object per line (or plain text), with secrets redacted on the way out."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any, Literal

from bot.observability.context import ContextFilter

LogFormat = Literal["json", "text"]
REDACTED = "[REDACTED]"
TOKEN_PATTERN = re.compile(r"\b(?:xox[a-z]|xapp)-[A-Za-z0-9-]+")
"""Slack bot, user, app-level and legacy tokens (xoxb-, xoxp-, xapp-, ...)."""

# Every attribute a bare LogRecord has; anything else on a record came from `extra` or a filter.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


def record_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The context a record carries beyond the standard attributes (`extra=` and bound fields)."""
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")}


class Redactor:
    """Replaces Slack tokens and the configured secrets in text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a secret that contains another is replaced whole.
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_PATTERN.sub(REDACTED, text)

    def scrub(self, value: Any) -> Any:
        """`value` with every string in it redacted; objects of other types become redacted text."""
        if isinstance(value, str):
            return self(value)
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, dict):
            return {str(k): self.scrub(v) for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.scrub(v) for v in value]
        return self(str(value))


class RedactingFilter(logging.Filter):
    """Redacts the message, its arguments, the traceback and every extra field of a record.

    Installed on the handler, so it covers records from every library, at every level.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.redact = Redactor(secrets)
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: show the template rather than lose the record
            message = str(record.msg)
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for name, value in record_fields(record).items():
            setattr(record, name, self.redact.scrub(value))
        return True


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts (ISO 8601, UTC), level, logger, message, then the context
    fields, then `exception` / `stack` when there are any."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {"ts": _timestamp(record), "level": record.levelname,
                                 "logger": record.name, "message": record.getMessage()}
        for name, value in record_fields(record).items():
            event.setdefault(name, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            event["exception"] = record.exc_text
        if record.stack_info:
            event["stack"] = self.formatStack(record.stack_info)
        return json.dumps(event, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """`<ts> <LEVEL> <logger> <message> key=value ...`, for people reading a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        fields = record_fields(record)
        if not fields:
            return line
        return line + " " + " ".join(f"{k}={json.dumps(v, default=str, ensure_ascii=False)}"
                                     for k, v in fields.items())


PAYLOAD_LOGGERS = ("slack_bolt", "slack_sdk", "bot.slack.bolt", "urllib3")
"""Libraries whose DEBUG records carry request and message bodies: they log at INFO at most."""
_BODY_LOGS = ("Invalid request signature detected",)
"""Library messages that quote a request's body; only their first words are kept."""


class BodylessFilter(logging.Filter):
    """Drops what a library would quote of a request it refused: Bolt logs the whole body of
    every request that fails signature verification. Users' words never reach the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(("slack_bolt", "bot.slack.bolt")):
            return True
        message = str(record.msg)
        for opening in _BODY_LOGS:
            if message.startswith(opening):
                record.msg, record.args = f"{opening} (request not logged)", None
        return True


def build_handler(log_format: LogFormat, secrets: Iterable[str] = (),
                  stream: IO[str] | None = None) -> logging.Handler:
    """A stream handler (stderr by default) that adds the bound context, redacts, and formats."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.addFilter(BodylessFilter())
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactingFilter(secrets))
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    return handler


def configure_logging(log_format: LogFormat, level: str = "INFO", secrets: Iterable[str] = (),
                      stream: IO[str] | None = None) -> logging.Handler:
    """Route every logger through one handler on the root logger, replacing any it had.

    Call once, from the entry point; returns the handler installed.
    """
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    handler = build_handler(log_format, secrets, stream)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # At DEBUG these would write message text and request bodies; our own DEBUG records never do.
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(max(root.level, logging.INFO))
    logging.captureWarnings(True)
    return handler
