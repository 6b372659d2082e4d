"""bot.observability exposes exactly the names its users need."""

from __future__ import annotations

import bot.observability


def test_observability_public_names_are_exactly_the_intended_ones() -> None:
    assert set(bot.observability.__all__) == {
        "CONTENT_TYPE", "ApiCallRecorder", "CountedRetryHandler", "JsonFormatter", "LogFormat",
        "Metrics", "RedactingFilter", "SlackRequest", "TextFormatter", "build_handler",
        "configure_logging", "describe_request", "log_context",
    }
    assert all(hasattr(bot.observability, name) for name in bot.observability.__all__)
