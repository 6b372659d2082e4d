"""build_app: the Bolt app, with our listeners and a Web API client that retries."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.errors import AdvisorError
from bot.observability import Metrics, log_context
from bot.services import Services, SlackConfig
from bot.slack import listeners
from bot.slack.advisor import SlackAdvisor
from bot.slack.observed import ApiCallRecorder, CountedRetryHandler, describe_request
from bot.slack.poster import Poster

request_log = logging.getLogger("bot.slack.requests")


class SlackNotConfigured(AdvisorError, ValueError):
    """A required Slack setting is missing."""


def web_client(config: SlackConfig, metrics: Metrics | None = None) -> WebClient:
    """A client for `SLACK_API_URL` that retries connection errors, 429 (honouring
    Retry-After) and 5xx answers, counting every attempt and retry in `metrics`. A post whose
    answer is lost may have been taken, so the client never repeats one: the poster looks for
    it in its thread first (`Poster.send`)."""
    if config.bot_token is None:
        raise SlackNotConfigured("SLACK_BOT_TOKEN is not set")
    metrics = metrics or Metrics()
    base_url = config.api_url if config.api_url.endswith("/") else config.api_url + "/"
    return WebClient(
        token=config.bot_token.get_secret_value(),
        base_url=base_url,
        timeout=15,
        retry_handlers=[
            ApiCallRecorder(metrics),
            CountedRetryHandler(ConnectionErrorRetryHandler(max_retry_count=2), "connection_error",
                                metrics, never=UNCERTAIN_POSTS),
            CountedRetryHandler(RateLimitErrorRetryHandler(max_retry_count=5), "rate_limited",
                                metrics),
            CountedRetryHandler(ServerErrorRetryHandler(max_retry_count=4), "server_error", metrics,
                                never=UNCERTAIN_POSTS),
        ],
    )


LISTENER_THREADS = 8
UNCERTAIN_POSTS = frozenset({"chat.postMessage"})
"""Calls the client must not repeat after a lost answer or a server error: Slack may have
posted the message already."""


class ObservedApp(App):
    """Bolt's App, timing, counting and logging each request it dispatches: HTTP and Socket
    Mode alike, including those refused before any listener runs (a bad signature)."""

    def __init__(self, *, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics = metrics
        self.advisor: SlackAdvisor | None = None
        """What the listeners call; set once they are registered."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        about = describe_request(req.body if isinstance(req.body, dict) else {})
        retry = next(iter(req.headers.get("x-slack-retry-num") or ()), None)
        status = 500
        try:
            with log_context(**about.log_fields()):
                response = super().dispatch(req)
            status = response.status
            return response
        finally:
            seconds = time.perf_counter() - started
            self.metrics.request_acked(about.kind, status, seconds)
            request_log.log(logging.INFO if status < 400 else logging.WARNING, "slack request",
                            extra={**about.log_fields(), "status": status,
                                   "latency_ms": round(seconds * 1000, 1),
                                   **({"retry_num": retry} if retry else {})})


def build_app(services: Services, client: WebClient | None = None,
              metrics: Metrics | None = None) -> ObservedApp:
    """The Bolt app for this workspace, with every listener group registered.

    `metrics` receives its requests, turns and Web API calls (a given `client` is used as it
    is: only a client built here counts its calls)."""
    config = services.slack
    if config.signing_secret is None and config.app_token is None:
        raise SlackNotConfigured("SLACK_SIGNING_SECRET is not set")
    metrics = metrics or Metrics()
    client = client or web_client(config, metrics)
    signing_secret = (config.signing_secret.get_secret_value()
                      if config.signing_secret else "socket-mode")
    app = ObservedApp(
        metrics=metrics,
        client=client,
        # Bolt's default pool has 5 threads; 8 lets queued turns start sooner, while more only
        # adds threads fighting over the interpreter and memory (measured with make bench).
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS,
                                             thread_name_prefix="listener"),
        signing_secret=signing_secret,
        logger=logging.getLogger("bot.slack.bolt"),
        raise_error_for_unhandled_request=False,
        # auth.test runs on the first request instead of at start-up, so a Web API that is
        # briefly unreachable while the bot boots does not keep it down.
        token_verification_enabled=False,
    )
    poster = Poster(client)
    bot_user_id = poster.bot_user_id()
    if bot_user_id is None:
        logging.getLogger(__name__).warning("auth.test failed; bot user id unknown")
    app.advisor = SlackAdvisor(services, poster, bot_user_id, metrics)
    listeners.register(app, app.advisor)
    return app

