"""What a Slack request is about, for logs and metrics; and Web API calls counted as they happen.

The Web API side hooks into slack_sdk's retry handlers, because every WebClient, including the
per-request clients Bolt makes for listeners, copies its retry handlers from the app's client:
so every attempt of every call is seen, whichever client made it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.observability import Metrics

log = logging.getLogger(__name__)
ACTION_TYPES = frozenset({"block_actions", "interactive_message", "dialog_submission",
                          "dialog_cancellation", "workflow_step_edit"})
VIEW_TYPES = frozenset({"view_submission", "view_closed"})
SHORTCUT_TYPES = frozenset({"shortcut", "message_action"})
OPTIONS_TYPES = frozenset({"block_suggestion", "dialog_suggestion"})


@dataclass(frozen=True)
class SlackRequest:
    """Who and where a request is about; never its text."""

    kind: str
    """event, command, action, view, shortcut, options, url_verification, ssl_check or other."""
    type: str | None = None
    """The event type, interaction type or command name."""
    event_id: str | None = None
    team: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    """The thread a reply would go to: the message's thread, or the message itself."""

    def log_fields(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _kind(body: Mapping[str, Any]) -> str:
    kind = body.get("type")
    if kind == "url_verification":
        return "url_verification"
    if body.get("ssl_check"):
        return "ssl_check"
    if isinstance(body.get("event"), Mapping):
        return "event"
    if body.get("command"):
        return "command"
    if kind in ACTION_TYPES:
        return "action"
    if kind in VIEW_TYPES:
        return "view"
    if kind in SHORTCUT_TYPES:
        return "shortcut"
    if kind in OPTIONS_TYPES:
        return "options"
    return "other"


def describe_request(body: Mapping[str, Any]) -> SlackRequest:
    """The kind of a parsed request body (Events API, slash command or interactivity payload)
    and the team, channel and thread it concerns, as far as the body says."""
    kind = _kind(body)
    event, user = _dict(body.get("event")), _dict(body.get("user"))
    container, message = _dict(body.get("container")), _dict(body.get("message"))
    channel_field = body.get("channel")
    team = (_str(body.get("team_id")) or _str(_dict(body.get("team")).get("id"))
            or _str(user.get("team_id")) or _str(event.get("team")))
    channel = (_str(event.get("channel")) or _str(body.get("channel_id"))
               or _str(container.get("channel_id")) or _str(_dict(channel_field).get("id"))
               or _str(channel_field))
    thread_ts = (_str(event.get("thread_ts")) or _str(event.get("ts"))
                 or _str(container.get("thread_ts")) or _str(message.get("thread_ts"))
                 or _str(message.get("ts")) or _str(container.get("message_ts")))
    if kind == "event":
        type_ = _str(event.get("type"))
    elif kind == "command":
        type_ = _str(body.get("command"))
    elif kind == "view":
        type_ = _str(_dict(body.get("view")).get("callback_id")) or _str(body.get("type"))
    else:
        type_ = _str(body.get("type"))
    return SlackRequest(kind=kind, type=type_, event_id=_str(body.get("event_id")), team=team,
                        channel=channel, thread_ts=thread_ts)


def api_method(url: str) -> str:
    """`chat.postMessage` from `https://slack.com/api/chat.postMessage?...`."""
    name = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return name if "." in name else "other"


def _outcome(response: HttpResponse | None, error: Exception | None) -> str:
    if response is None:
        return "connection_error" if isinstance(error, OSError) else "exception"
    if response.status_code != 200:
        return f"http_{response.status_code}"
    body = response.body if isinstance(response.body, Mapping) else {}
    if body.get("ok"):
        return "ok"
    return str(body.get("error") or "invalid_response")


class ApiCallRecorder(RetryHandler):
    """Counts each Web API attempt by method and outcome; never asks for a retry itself.

    Goes first in a client's retry handlers, which slack_sdk consults after every attempt."""

    def __init__(self, metrics: Metrics) -> None:
        super().__init__(max_retry_count=0)
        self.metrics = metrics

    def can_retry(self, *, state: RetryState, request: HttpRequest,
                  response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        self.metrics.slack_api_request(api_method(request.url), _outcome(response, error))
        return False

    def _can_retry(self, *, state: RetryState, request: HttpRequest,
                   response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        return False


class CountedRetryHandler(RetryHandler):
    """`inner`, with each retry it makes counted under `reason` and logged; calls to the
    methods in `never` are not retried (the caller decides, knowing more)."""

    def __init__(self, inner: RetryHandler, reason: str, metrics: Metrics,
                 never: frozenset[str] = frozenset()) -> None:
        super().__init__(max_retry_count=inner.max_retry_count,
                         interval_calculator=inner.interval_calculator)
        self.inner = inner
        self.reason = reason
        self.metrics = metrics
        self.never = never

    def can_retry(self, *, state: RetryState, request: HttpRequest,
                  response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        if api_method(request.url) in self.never:
            return False
        return self.inner.can_retry(state=state, request=request, response=response, error=error)

    def _can_retry(self, *, state: RetryState, request: HttpRequest,
                   response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        return self.can_retry(state=state, request=request, response=response, error=error)

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: HttpResponse | None = None,
                                 error: Exception | None = None) -> None:
        method = api_method(request.url)
        self.metrics.slack_api_retry(method, self.reason)
        log.info("retrying slack call", extra={"method": method, "reason": self.reason,
                                               "attempt": state.current_attempt + 1})
        self.inner.prepare_for_next_attempt(state=state, request=request, response=response,
                                            error=error)
