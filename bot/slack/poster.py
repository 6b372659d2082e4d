"""Posting to Slack: every Web API call goes through here, so failures are logged one way."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import AdvisorError
from bot.slack.render import SlackMessage

log = logging.getLogger(__name__)
WORKING_AFTER = 1.5
"""Seconds of silence after which a thread gets a visible "working on it" message."""
WORKING_TEXT = ":hourglass_flowing_sand: Working on it…"


class SlackCallFailed(AdvisorError):
    def __init__(self, method: str, error: str, transient: bool = False) -> None:
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error
        self.transient = transient
        """Slack was unreachable, rate limiting or failing (after the client's own retries):
        the same call may well succeed later."""


class Undelivered(AdvisorError):
    """Slack would not take these replies for now; `replies` are the unsent ones, in order, as
    `reply_payload` dicts, ready to be sent later with `Poster.send`."""

    def __init__(self, cause: SlackCallFailed, replies: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(replies)} repl{'y' if len(replies) == 1 else 'ies'} undelivered: {cause}")
        self.cause = cause
        self.replies = replies


def call(client: WebClient, method: str, **kwargs: Any) -> dict[str, Any]:
    """One Web API call; a failure is logged with method and error code and raised typed."""
    try:
        response = getattr(client, method.replace(".", "_"))(**kwargs)
        return dict(response.data) if isinstance(response.data, dict) else {}
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown_error"))
        status = getattr(exc.response, "status_code", 200)
        log.warning("slack call failed", extra={"method": method, "error": error, "status": status})
        raise SlackCallFailed(method, error, transient=status == 429 or status >= 500) from None
    except OSError as exc:  # refused, reset or timed out, after the client's retries
        log.warning("slack call failed", extra={"method": method, "error": "connection_error"})
        raise SlackCallFailed(method, "connection_error", transient=True) from exc


def reply_payload(channel: str, message: SlackMessage, thread_ts: str | None = None,
                  update_ts: str | None = None) -> dict[str, Any]:
    """A reply as plain JSON: posted in `thread_ts`, or replacing the message `update_ts`."""
    payload: dict[str, Any] = {"channel": channel, "text": message.text, "blocks": message.blocks}
    if thread_ts:
        payload["thread_ts"] = thread_ts
    if update_ts:
        payload["update_ts"] = update_ts
    return payload


class Poster:
    """Posts rendered messages into a channel or thread."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, channel: str, message: SlackMessage, thread_ts: str | None = None) -> str:
        return str(call(self.client, "chat.postMessage",
                        **reply_payload(channel, message, thread_ts)).get("ts", ""))

    def post_all(self, channel: str, messages: Sequence[SlackMessage],
                 thread_ts: str | None = None) -> list[str]:
        return [self.post(channel, message, thread_ts) for message in messages]

    def send(self, payload: dict[str, Any]) -> str:
        """Post (or, with `update_ts`, update) a `reply_payload`; returns the message ts."""
        message = SlackMessage(text=payload["text"], blocks=payload.get("blocks") or [])
        if payload.get("update_ts"):
            self.update(payload["channel"], payload["update_ts"], message)
            return str(payload["update_ts"])
        return self.post(payload["channel"], message, payload.get("thread_ts"))

    def deliver(self, payloads: Sequence[dict[str, Any]]) -> list[str]:
        """Send `payloads` in order. When Slack fails in a way that may pass, raise
        `Undelivered` with the ones not yet sent; other failures raise `SlackCallFailed`."""
        sent: list[str] = []
        for index, payload in enumerate(payloads):
            try:
                sent.append(self.send(payload))
            except SlackCallFailed as exc:
                if exc.transient:
                    raise Undelivered(exc, list(payloads[index:])) from None
                raise
        return sent

    def update(self, channel: str, ts: str, message: SlackMessage) -> None:
        call(self.client, "chat.update", channel=channel, ts=ts, text=message.text,
             blocks=message.blocks)

    def ephemeral(self, channel: str, user: str, message: SlackMessage,
                  thread_ts: str | None = None) -> None:
        payload: dict[str, Any] = {"channel": channel, "user": user, "text": message.text,
                                   "blocks": message.blocks}
        if thread_ts:
            payload["thread_ts"] = thread_ts
        call(self.client, "chat.postEphemeral", **payload)

    def try_ephemeral(self, channel: str, user: str, message: SlackMessage,
                      thread_ts: str | None = None) -> None:
        """Tell the user something if Slack lets us; never raise."""
        with contextlib.suppress(SlackCallFailed):
            self.ephemeral(channel, user, message, thread_ts)

    def post_with_working_signal(self, channel: str, thread_ts: str,
                                 work: Callable[[], list[SlackMessage]]) -> list[str]:
        """Run `work`; if it takes a while, show a "working on it" message and replace it with
        the first result, so a slow step is never silent. Sent with `deliver`, so a Slack
        outage raises `Undelivered` with the replies still to send."""
        placeholder: list[str] = []
        lock = threading.Lock()
        done = threading.Event()

        def signal() -> None:
            if done.wait(WORKING_AFTER):
                return
            with lock:
                if not done.is_set():
                    with contextlib.suppress(SlackCallFailed):
                        placeholder.append(self.post(channel, SlackMessage(text=WORKING_TEXT, blocks=[]),
                                                     thread_ts))

        watcher = threading.Thread(target=signal, daemon=True)
        watcher.start()
        try:
            messages = work()
        finally:
            with lock:
                done.set()
        watcher.join()
        payloads = [reply_payload(channel, message, thread_ts) for message in messages]
        if placeholder and payloads:
            payloads[0] = reply_payload(channel, messages[0], update_ts=placeholder[0])
        return self.deliver(payloads)
