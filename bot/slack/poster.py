"""The Slack Web API, as the bot uses it: every call goes through here, so failures are logged and
raised one way and nothing else in the bot holds the `WebClient`."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.delivery import DeliveryFailed, Undelivered
from bot.slack.render import SlackMessage
from bot.store import QueuedReply

log = logging.getLogger(__name__)
WORKING_AFTER = 1.5
"""Seconds of silence after which a thread gets a visible "working on it" message."""
WORKING_TEXT = ":hourglass_flowing_sand: Working on it…"


class SlackCallFailed(DeliveryFailed):
    """A Web API call Slack refused (`error` is its error code) or that never reached it."""


def queued_reply(channel: str, message: SlackMessage, thread_ts: str | None = None,
                 update_ts: str | None = None) -> QueuedReply:
    """A rendered message as a reply: posted in `thread_ts`, or replacing the message `update_ts`."""
    return QueuedReply(channel=channel, text=message.text, blocks=list(message.blocks),
                       thread_ts=thread_ts or None, update_ts=update_ts)


class Poster:
    """Posts, updates, pins, uploads and opens views for the bot."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def call(self, method: str, **kwargs: Any) -> dict[str, Any]:
        """One Web API call; a failure is logged with method and error code and raised typed."""
        try:
            response = getattr(self.client, method.replace(".", "_"))(**kwargs)
            return dict(response.data) if isinstance(response.data, dict) else {}
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            status = getattr(exc.response, "status_code", 200)
            log.warning("slack call failed", extra={"method": method, "error": error, "status": status})
            raise SlackCallFailed(method, error, transient=status == 429 or status >= 500) from None
        except OSError as exc:  # refused, reset or timed out, after the client's retries
            log.warning("slack call failed", extra={"method": method, "error": "connection_error"})
            raise SlackCallFailed(method, "connection_error", transient=True) from exc

    # Messages

    def post(self, channel: str, message: SlackMessage, thread_ts: str | None = None) -> str:
        """Post `message` and return its ts."""
        return self.send(queued_reply(channel, message, thread_ts))

    def post_all(self, channel: str, messages: Sequence[SlackMessage],
                 thread_ts: str | None = None) -> list[str]:
        return [self.post(channel, message, thread_ts) for message in messages]

    def send(self, reply: QueuedReply) -> str:
        """Post (or, with `update_ts`, update) a reply; returns the message ts."""
        if reply.update_ts:
            self.call("chat.update", channel=reply.channel, ts=reply.update_ts, text=reply.text,
                      blocks=reply.blocks)
            return reply.update_ts
        payload: dict[str, Any] = {"channel": reply.channel, "text": reply.text, "blocks": reply.blocks}
        if reply.thread_ts:
            payload["thread_ts"] = reply.thread_ts
        return str(self.call("chat.postMessage", **payload).get("ts", ""))

    def deliver(self, replies: Sequence[QueuedReply]) -> list[str]:
        """Send `replies` in order. When Slack fails in a way that may pass, raise `Undelivered`
        with the ones not yet sent; other failures raise `SlackCallFailed`."""
        sent: list[str] = []
        for index, reply in enumerate(replies):
            try:
                sent.append(self.send(reply))
            except SlackCallFailed as exc:
                if exc.transient:
                    raise Undelivered(exc, list(replies[index:])) from None
                raise
        return sent

    def schedule(self, channel: str, message: SlackMessage, post_at: int) -> str:
        """Have Slack post `message` in `channel` at `post_at` (Unix seconds); returns Slack's
        scheduled message id."""
        response = self.call("chat.scheduleMessage", channel=channel, post_at=post_at,
                             text=message.text, blocks=message.blocks)
        return str(response.get("scheduled_message_id") or "")

    def update(self, channel: str, ts: str, message: SlackMessage) -> None:
        self.send(queued_reply(channel, message, update_ts=ts))

    def ephemeral(self, channel: str, user: str, message: SlackMessage,
                  thread_ts: str | None = None) -> None:
        payload: dict[str, Any] = {"channel": channel, "user": user, "text": message.text,
                                   "blocks": message.blocks}
        if thread_ts:
            payload["thread_ts"] = thread_ts
        self.call("chat.postEphemeral", **payload)

    def try_ephemeral(self, channel: str, user: str, message: SlackMessage,
                      thread_ts: str | None = None) -> None:
        """Tell the user something if Slack lets us; never raise."""
        with contextlib.suppress(SlackCallFailed):
            self.ephemeral(channel, user, message, thread_ts)

    def post_with_working_signal(self, channel: str, thread_ts: str,
                                 work: Callable[[], list[QueuedReply]]) -> list[str]:
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
            replies = work()
        finally:
            with lock:
                done.set()
        watcher.join()
        if placeholder and replies:
            replies = [replies[0].model_copy(update={"thread_ts": None, "update_ts": placeholder[0]}),
                       *replies[1:]]
        return self.deliver(replies)

    # Everything else the bot asks of Slack

    def permalink(self, channel: str, ts: str) -> str | None:
        """The message's permalink, or None when Slack won't give one."""
        try:
            return str(self.call("chat.getPermalink", channel=channel, message_ts=ts).get("permalink")
                       or "") or None
        except SlackCallFailed:
            return None

    def pin(self, channel: str, ts: str) -> None:
        self.call("pins.add", channel=channel, timestamp=ts)

    def upload_file(self, channel: str, thread_ts: str | None, content: bytes, filename: str,
                    title: str, alt_txt: str | None = None) -> None:
        """Upload a file into the thread; `files_upload_v2` is several calls, made by the client.
        `alt_txt` describes an image for those who can't see it."""
        try:
            self.client.files_upload_v2(content=content, filename=filename, title=title,
                                        channel=channel, thread_ts=thread_ts, alt_txt=alt_txt)
        except SlackApiError as exc:
            raise SlackCallFailed("files.upload", str(exc.response.get("error", "unknown_error"))) from None
        except OSError as exc:
            raise SlackCallFailed("files.upload", "connection_error", transient=True) from exc

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        self.call("views.open", trigger_id=trigger_id, view=view)

    def publish_home(self, user: str, view: dict[str, Any]) -> None:
        self.call("views.publish", user_id=user, view=view)

    def bot_user_id(self) -> str | None:
        """Who the bot is (`auth.test`), or None when Slack can't say right now."""
        try:
            return str(self.call("auth.test").get("user_id") or "") or None
        except SlackCallFailed:
            return None
