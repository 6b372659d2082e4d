"""Observability: structured, redacted logs and Prometheus metrics, injected where they are used."""

from bot.observability.context import log_context
from bot.observability.logs import (
    JsonFormatter,
    LogFormat,
    RedactingFilter,
    TextFormatter,
    build_handler,
    configure_logging,
)
from bot.observability.metrics import CONTENT_TYPE, Metrics
from bot.observability.slack import (
    ApiCallRecorder,
    CountedRetryHandler,
    SlackRequest,
    describe_request,
)

__all__ = [
    "CONTENT_TYPE",
    "ApiCallRecorder",
    "CountedRetryHandler",
    "JsonFormatter",
    "LogFormat",
    "Metrics",
    "RedactingFilter",
    "SlackRequest",
    "TextFormatter",
    "build_handler",
    "configure_logging",
    "describe_request",
    "log_context",
]
