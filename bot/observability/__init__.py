"""Observability: structured, redacted logs and Prometheus metrics, injected where they are used.

Generic: what is specific to Slack (its requests, its Web API's retries) is in `bot.slack.observed`.
"""

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

__all__ = [
    "CONTENT_TYPE",
    "JsonFormatter",
    "LogFormat",
    "Metrics",
    "RedactingFilter",
    "TextFormatter",
    "build_handler",
    "configure_logging",
    "log_context",
]
