"""Posting to Slack: every Web API call goes through here, so failures are logged one way."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.render import SlackMessage

log = logging.getLogger(__name__)
WORKING_AFTER = 1.5
"""Seconds of silence after which a thread gets a visible "working on it" message."""
WORKING_TEXT = ":hourglass_flowing_sand: Working on it…"


class SlackCallFailed(Exception):
    def __init__(self, method: str, error: str) -> None:
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error


def call(client: WebClient, method: str, **kwargs: Any) -> dict[str, Any]:
    """One Web API call; a failure is logged with method and error code and raised typed."""
    try:
        response = getattr(client, method.replace(".", "_"))(**kwargs)
        return dict(response.data) if isinstance(response.data, dict) else {}
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown_error"))
        log.warning("slack call failed", extra={"method": method, "error": error})
        raise SlackCallFailed(method, error) from None


class Poster:
    """Posts rendered messages into a channel or thread."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, channel: str, message: SlackMessage, thread_ts: str | None = None) -> str:
        payload: dict[str, Any] = {"channel": channel, "text": message.text, "blocks": message.blocks}
        if thread_ts:
            payload["thread_ts"] = thread_ts
        return str(call(self.client, "chat.postMessage", **payload).get("ts", ""))

    def post_all(self, channel: str, messages: Sequence[SlackMessage],
                 thread_ts: str | None = None) -> list[str]:
        return [self.post(channel, message, thread_ts) for message in messages]

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
        the first result, so a slow step is never silent."""
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
        if not messages:
            return []
        posted: list[str] = []
        if placeholder:
            self.update(channel, placeholder[0], messages[0])
            posted.append(placeholder[0])
            messages = messages[1:]
        return posted + self.post_all(channel, messages, thread_ts)
