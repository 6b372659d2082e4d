"""GET /metrics: a Prometheus exposition of what the bot did, per app."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterable
from typing import Any

from bot.observability import CONTENT_TYPE, Metrics
from bot.slack.server import AdvisorWSGI
from tests.bot.slack.fakes import FakeSlack, payloads
from tests.bot.slack.fakes.signing import command_body, event_body, retry_headers, signed_headers
from tests.helpers.observed import samples, total
from tests.helpers.slack import SECRET
from tests.helpers.waiting import wait_until

COMPLETE = "public data, nothing sensitive. generic email summaries, ~2M tokens a month"
RECOMMENDATIONS = {"proprietary", "open_source", "hybrid"}


def _call(app: AdvisorWSGI, method: str, path: str, body: str = "",
          headers: dict[str, str] | None = None) -> tuple[str, dict[str, str], bytes]:
    """One request through the WSGI interface, the way gunicorn would make it."""
    data = body.encode()
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "test",
        "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(data), "CONTENT_LENGTH": str(len(data))}
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]],
                       exc_info: Any = None) -> Any:
        answer.update(status=status, headers=dict(response_headers))
        return lambda chunk: None

    chunks: Iterable[bytes] = app(environ, start_response)
    return answer["status"], answer["headers"], b"".join(chunks)


def _post(app: AdvisorWSGI, body: str, extra: dict[str, str] | None = None,
          secret: str = SECRET) -> str:
    status, _, _ = _call(app, "POST", "/slack/events", body,
                         signed_headers(secret, body, extra_headers=extra))
    return status


def _scrape(app: AdvisorWSGI) -> str:
    status, headers, body = _call(app, "GET", "/metrics")
    assert status == "200 OK" and headers["Content-Type"] == CONTENT_TYPE
    return body.decode()


def test_metrics_registries_are_private_to_each_instance() -> None:
    first, second = Metrics(), Metrics()
    first.turn_processed("ok", 0.3)
    first.slack_api_request("chat.postMessage", "ok")
    assert total(first.exposition().decode(), "llm_advisor_turns_total", outcome="ok") == 1
    assert samples(second.exposition().decode(), "llm_advisor_turns_total") == []
    assert total(second.exposition().decode(), "llm_advisor_slack_api_requests_total") == 0
    assert copy.deepcopy(first) is first, "copies (as Bolt makes of clients) count in one place"


def test_metrics_labels_stay_bounded() -> None:
    metrics = Metrics()
    metrics.slack_api_request("chat.postMessage", "weird error!" * 20)
    [sample] = samples(metrics.exposition().decode(), "llm_advisor_slack_api_requests_total")
    assert sample.labels["method"] == "chat.postMessage"
    assert len(sample.labels["outcome"]) <= 64 and " " not in sample.labels["outcome"]


def test_metrics_endpoint_counts_a_conversation(wsgi: AdvisorWSGI, fake: FakeSlack) -> None:
    assert total(_scrape(wsgi), "llm_advisor_ready") == 1
    fake.status("chat.postMessage", code=429, times=1, retry_after=0)
    body = event_body(payloads.app_mention(f"{payloads.BOT_MENTION} {COMPLETE}",
                                           ts=payloads.new_ts()), event_id="EvMETRICS")
    assert _post(wsgi, body) == "200 OK"
    assert _post(wsgi, body, retry_headers(1)) == "200 OK"
    assert _post(wsgi, command_body("help")) == "200 OK"
    assert _post(wsgi, body, secret="wrong-secret") == "401 Unauthorized"

    def done() -> bool:
        text = _scrape(wsgi)
        return (total(text, "llm_advisor_turns_total") >= 1
                and total(text, "llm_advisor_duplicate_deliveries_total") >= 1)

    wait_until(done, what="a turn and a de-duplicated delivery")
    text = _scrape(wsgi)

    assert total(text, "llm_advisor_slack_requests_total", kind="event", status="200") == 2
    assert total(text, "llm_advisor_slack_requests_total", kind="command", status="200") == 1
    assert total(text, "llm_advisor_slack_requests_total", kind="event", status="401") == 1
    assert total(text, "llm_advisor_turns_total", outcome="ok") >= 1
    given = samples(text, "llm_advisor_recommendations_total")
    assert given and {s.labels["recommendation"] for s in given} <= RECOMMENDATIONS
    assert sum(s.value for s in given) >= 1
    assert total(text, "llm_advisor_slack_api_requests_total", method="chat.postMessage",
                 outcome="ok") >= 1
    assert total(text, "llm_advisor_slack_api_requests_total", method="chat.postMessage",
                 outcome="http_429") == 1
    assert total(text, "llm_advisor_slack_api_retries_total", method="chat.postMessage",
                 reason="rate_limited") == 1
    assert total(text, "llm_advisor_duplicate_deliveries_total") >= 1

    acks = samples(text, "llm_advisor_slack_ack_seconds_bucket", kind="event")
    assert {s.labels["le"] for s in acks} >= {"0.005", "3.0", "+Inf"}
    assert total(text, "llm_advisor_slack_ack_seconds_bucket", kind="event", le="+Inf") == 3
    assert total(text, "llm_advisor_slack_ack_seconds_count", kind="event") == 3
    turns = samples(text, "llm_advisor_turn_seconds_bucket", le="+Inf")
    assert turns and turns[0].value >= 1 and total(text, "llm_advisor_turn_seconds_sum") > 0


def test_metrics_and_health_before_the_app_is_ready() -> None:
    def never() -> Any:
        raise RuntimeError("index unreachable")

    wsgi = AdvisorWSGI(never, background=False)
    status, _, body = _call(wsgi, "GET", "/healthz")
    assert status.startswith("503") and json.loads(body)["status"] == "failed"
    assert _post(wsgi, event_body(payloads.app_mention("hi"))).startswith("503")
    text = _scrape(wsgi)
    assert total(text, "llm_advisor_ready") == 0
    assert total(text, "llm_advisor_slack_requests_total", kind="unknown", status="503") == 1
