"""The bot's Prometheus metrics, each set in a registry of its own.

A fresh `Metrics()` per app (never the process-wide default registry), so several apps in one
process, and tests, never see each other's counts.
"""

from __future__ import annotations

import re

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
"""Prometheus text exposition format 0.0.4."""
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
"""Slack wants an ack within 3 seconds."""
TURN_BUCKETS = (0.1, 0.25, 0.5, 1.0, 1.5, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)
_LABEL = re.compile(r"[^A-Za-z0-9_.]+")


def label(value: str, default: str = "unknown") -> str:
    """A bounded, tidy label value: [A-Za-z0-9_.] only, at most 64 characters."""
    cleaned = _LABEL.sub("_", value).strip("_")[:64]
    return cleaned or default


class Metrics:
    """Counters and histograms for Slack requests, turns, advice and Web API calls."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self._requests = Counter(
            "llm_advisor_slack_requests", "Requests Slack sent to the app, by payload kind "
            "(event, command, action, view, ...) and the HTTP status of the ack.",
            ["kind", "status"], registry=registry)
        self._ack_seconds = Histogram(
            "llm_advisor_slack_ack_seconds", "Time from receiving a Slack request to answering it.",
            ["kind"], buckets=ACK_BUCKETS, registry=registry)
        self._turns = Counter(
            "llm_advisor_turns", "Conversation turns processed, by outcome "
            "(ok, slack_error, error).", ["outcome"], registry=registry)
        self._turn_seconds = Histogram(
            "llm_advisor_turn_seconds", "Time from a user message being queued to the bot's "
            "replies to it being posted.", buckets=TURN_BUCKETS, registry=registry)
        self._recommendations = Counter(
            "llm_advisor_recommendations", "Recommendations given, by recommendation.",
            ["recommendation"], registry=registry)
        self._api_requests = Counter(
            "llm_advisor_slack_api_requests", "Slack Web API HTTP requests, every attempt, by "
            "method and outcome: ok, Slack's error code, http_<status> or connection_error.",
            ["method", "outcome"], registry=registry)
        self._api_retries = Counter(
            "llm_advisor_slack_api_retries", "Slack Web API requests retried, by method and reason.",
            ["method", "reason"], registry=registry)
        self._duplicates = Counter(
            "llm_advisor_duplicate_deliveries", "Deliveries of a message already being answered: "
            "Slack redeliveries, and a mention arriving as both app_mention and message.",
            registry=registry)
        self._feedback = Counter(
            "llm_advisor_feedback", "Votes on recommendations, by vote (positive, negative): "
            "each first vote and each changed vote; a repeated click is not counted again.",
            ["vote"], registry=registry)
        self._ready = Gauge(
            "llm_advisor_ready", "1 once the store, index and model are ready to serve.",
            registry=registry)

    def __deepcopy__(self, memo: dict[int, object]) -> Metrics:
        # A sink shared by whoever holds it: Bolt deep-copies each request for lazy listeners,
        # clients and their retry handlers included, and those copies must count here too.
        return self

    def request_acked(self, kind: str, status: int, seconds: float) -> None:
        self._requests.labels(kind=label(kind), status=str(status)).inc()
        self._ack_seconds.labels(kind=label(kind)).observe(seconds)

    def turn_processed(self, outcome: str, seconds: float) -> None:
        self._turns.labels(outcome=label(outcome)).inc()
        self._turn_seconds.observe(seconds)

    def recommendation_given(self, recommendation: str) -> None:
        self._recommendations.labels(recommendation=label(recommendation)).inc()

    def slack_api_request(self, method: str, outcome: str) -> None:
        self._api_requests.labels(method=label(method), outcome=label(outcome)).inc()

    def slack_api_retry(self, method: str, reason: str) -> None:
        self._api_retries.labels(method=label(method), reason=label(reason)).inc()

    def duplicate_delivery(self) -> None:
        self._duplicates.inc()

    def feedback_given(self, vote: str) -> None:
        self._feedback.labels(vote=label(vote)).inc()

    def set_ready(self, ready: bool) -> None:
        self._ready.set(1 if ready else 0)

    def exposition(self) -> bytes:
        """Every metric, in the Prometheus text format (see CONTENT_TYPE)."""
        return generate_latest(self.registry)
