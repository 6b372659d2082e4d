"""The Slack Web API, as the bot uses it: every call goes through here, so failures are logged and
raised one way and nothing else in the bot holds the `WebClient`."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.delivery import DeliveryFailed, Undelivered, Working
from bot.slack.render import SlackMessage
from bot.store import QueuedReply

log = logging.getLogger(__name__)
WORKING_AFTER = 1.5
"""Seconds of silence after which a thread gets a visible "working on it" message."""
WORKING_TEXT = ":hourglass_flowing_sand: Working on it…"

UNEDITABLE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})
"""Slack's answers to an edit of a message that is gone or can no longer be edited."""
REPLY_EVENT = "llm_advisor_reply"
"""The metadata event type of the bot's replies; its payload holds the reply's `reply_id`."""
POST_TRIES = 5
"""Tries of a post whose answer never came (or was a server error), looking in between: as
many as the Web API client gives any other call a server error."""
RETRY_PAUSE = 0.25
LOOKUP_PAGES = 10
"""The most pages of a thread (200 messages each) read when looking for a reply."""

Sent = Callable[[QueuedReply, str], None]
"""Told each reply and the ts of the message it became, as it is posted."""


class SlackCallFailed(DeliveryFailed):
    """A Web API call Slack refused (`error` is its error code) or that never reached it.
    `uncertain`: no answer came, or a server error did, so Slack may have done it anyway."""

    def __init__(self, method: str, error: str, transient: bool = False,
                 uncertain: bool = False) -> None:
        super().__init__(method, error, transient)
        self.uncertain = uncertain


def reply_metadata(reply_id: str) -> dict[str, Any]:
    """The message metadata a reply is posted with."""
    return {"event_type": REPLY_EVENT, "event_payload": {"reply_id": reply_id}}


def reply_id_of(message: dict[str, Any]) -> str | None:
    """The reply id in a message Slack returned (with `include_all_metadata`), if it has one."""
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != REPLY_EVENT:
        return None
    payload = metadata.get("event_payload")
    found = payload.get("reply_id") if isinstance(payload, dict) else None
    return found if isinstance(found, str) and found else None


@dataclass(frozen=True)
class SuggestedPrompt:
    """One prompt an AI app's assistant thread offers: `title` is shown, `message` is sent."""

    title: str
    message: str


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
            raise SlackCallFailed(method, error, transient=status == 429 or status >= 500,
                                  uncertain=status >= 500) from None
        except OSError as exc:  # refused, reset or timed out, after the client's retries
            log.warning("slack call failed", extra={"method": method, "error": "connection_error"})
            raise SlackCallFailed(method, "connection_error", transient=True,
                                  uncertain=True) from exc

    # Messages

    def post(self, channel: str, message: SlackMessage, thread_ts: str | None = None) -> str:
        """Post `message` and return its ts."""
        return self.send(queued_reply(channel, message, thread_ts))

    def post_all(self, channel: str, messages: Sequence[SlackMessage],
                 thread_ts: str | None = None) -> list[str]:
        return [self.post(channel, message, thread_ts) for message in messages]

    def send(self, reply: QueuedReply) -> str:
        """Post (or, with `update_ts`, update) a reply; returns the message ts. An anchor whose
        message is gone or can no longer be edited is posted again in its thread. A reply with
        a `reply_id` carries it in its metadata; a post of one whose answer never came is looked
        for in its thread before it is tried again, so it is never posted twice."""
        metadata = {"metadata": reply_metadata(reply.reply_id)} if reply.reply_id else {}
        if reply.update_ts:
            try:
                self.call("chat.update", channel=reply.channel, ts=reply.update_ts,
                          text=reply.text, blocks=reply.blocks, **metadata)
            except SlackCallFailed as exc:
                if reply.anchor is None or exc.error not in UNEDITABLE:
                    raise
                return self.send(reply.model_copy(update={"update_ts": None}))
            return reply.update_ts
        payload: dict[str, Any] = {"channel": reply.channel, "text": reply.text,
                                   "blocks": reply.blocks, **metadata}
        if reply.thread_ts:
            payload["thread_ts"] = reply.thread_ts
        for attempt in range(1, POST_TRIES + 1):
            try:
                return str(self.call("chat.postMessage", **payload).get("ts", ""))
            except SlackCallFailed as exc:
                if not exc.uncertain or attempt == POST_TRIES:
                    raise
                reason = "connection_error" if exc.error == "connection_error" else "server_error"
            log.info("retrying slack call", extra={"method": "chat.postMessage", "reason": reason,
                                                   "attempt": attempt + 1})
            time.sleep(RETRY_PAUSE * attempt)
            if reply.reply_id:
                found = self.find_posted(reply.channel, reply.thread_ts, [reply.reply_id])
                if reply.reply_id in found:
                    log.info("post found in the thread after its answer was lost")
                    return found[reply.reply_id]
        raise AssertionError("unreachable")

    def find_posted(self, channel: str, thread_ts: str | None,
                    reply_ids: Collection[str]) -> dict[str, str]:
        """The bot's messages in thread `thread_ts` (None: the channel's top level, newest
        first) that carry one of `reply_ids`: reply id -> message ts. Raises `SlackCallFailed`."""
        wanted, found = set(reply_ids), dict[str, str]()
        method = "conversations.replies" if thread_ts else "conversations.history"
        args: dict[str, Any] = {"channel": channel, "include_all_metadata": True, "limit": 200}
        if thread_ts:
            args["ts"] = thread_ts
        for _ in range(LOOKUP_PAGES):
            response = self.call(method, **args)
            for message in response.get("messages") or []:
                if isinstance(message, dict) and (rid := reply_id_of(message)) in wanted:
                    found[str(rid)] = str(message.get("ts") or "")
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if wanted <= found.keys() or not response.get("has_more") or not cursor:
                break
            args["cursor"] = cursor
        return found

    def delete(self, channel: str, ts: str) -> None:
        """Delete a message of the bot's; one that is gone already is no failure."""
        try:
            self.call("chat.delete", channel=channel, ts=ts)
        except SlackCallFailed as exc:
            if exc.error != "message_not_found":
                raise

    def deliver(self, replies: Sequence[QueuedReply], on_sent: Sent | None = None) -> list[str]:
        """Send `replies` in order, telling `on_sent` each one's ts as it goes. When Slack fails
        in a way that may pass, raise `Undelivered` with the ones not yet sent; other failures
        raise `SlackCallFailed`."""
        sent: list[str] = []
        for index, reply in enumerate(replies):
            try:
                ts = self.send(reply)
            except SlackCallFailed as exc:
                if exc.transient:
                    raise Undelivered(exc, list(replies[index:])) from None
                raise
            sent.append(ts)
            if on_sent is not None:
                on_sent(reply, ts)
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
                                 work: Callable[[], list[QueuedReply]],
                                 on_sent: Sent | None = None,
                                 status: str | None = None,
                                 working: Working | None = None) -> list[str]:
        """Run `work`; if it takes a while, show a "working on it" message and replace it with
        the first new message, so a slow step is never silent (with only edits to send, the
        placeholder is removed). Sent with `deliver`, so a Slack outage raises `Undelivered`
        with the replies still to send.

        With `working`, the placeholder carries its reply id, `working.posting` is told before
        it is posted and `working.gone` once it is replaced or removed: a placeholder left when
        this process stops can be found and cleared by whoever finishes the turn.

        With `status` (an AI app's assistant thread), the thread shows that status from the
        start instead of any placeholder; Slack clears it when a reply lands, and it is cleared
        here when nothing is posted or the work fails."""
        if status is not None:
            return self._post_with_status(channel, thread_ts, work, status, on_sent)
        placeholder: list[str] = []
        lock = threading.Lock()
        done = threading.Event()
        signal_reply = QueuedReply(channel=channel, text=WORKING_TEXT, thread_ts=thread_ts,
                                   reply_id=working.reply_id if working else None,
                                   placeholder=True)

        def gone() -> None:
            if working is not None:
                working.gone()

        def signal() -> None:
            if done.wait(WORKING_AFTER):
                return
            with lock:
                if not done.is_set():
                    if working is not None:
                        try:
                            working.posting(signal_reply)
                        except Exception:  # unrecorded, it could be left behind: not shown
                            log.warning("working message not recorded; not shown")
                            return
                    payload = {"metadata": reply_metadata(signal_reply.reply_id)} \
                        if signal_reply.reply_id else {}
                    try:
                        placeholder.append(str(self.call(
                            "chat.postMessage", channel=channel, thread_ts=thread_ts,
                            text=WORKING_TEXT, blocks=[], **payload).get("ts", "")))
                    except SlackCallFailed as exc:
                        if not exc.uncertain:
                            gone()  # Slack said no: there is no placeholder to clear

        watcher = threading.Thread(target=signal, daemon=True)
        watcher.start()
        try:
            replies = work()
        finally:
            with lock:
                done.set()
        watcher.join()
        if not placeholder:
            return self.deliver(replies, on_sent)
        first = next((i for i, reply in enumerate(replies) if not reply.update_ts), None)
        if first is None:
            sent = self.deliver(replies, on_sent)
            with contextlib.suppress(SlackCallFailed):
                self.delete(channel, placeholder[0])
                gone()
            return sent
        replies = list(replies)
        replacing = replies[first] = replies[first].model_copy(update={
            "thread_ts": None, "update_ts": placeholder[0]})

        def sent_one(reply: QueuedReply, ts: str) -> None:
            if reply is replacing:
                gone()
            if on_sent is not None:
                on_sent(reply, ts)

        return self.deliver(replies, sent_one)

    def _post_with_status(self, channel: str, thread_ts: str,
                          work: Callable[[], list[QueuedReply]], status: str,
                          on_sent: Sent | None = None) -> list[str]:
        with contextlib.suppress(SlackCallFailed):
            self.set_status(channel, thread_ts, status)
        sent: list[str] = []
        try:
            sent = self.deliver(work(), on_sent)
        finally:
            if not sent:
                with contextlib.suppress(SlackCallFailed):
                    self.set_status(channel, thread_ts, "")
        return sent

    # AI app assistant threads

    def set_status(self, channel: str, thread_ts: str, status: str) -> None:
        """Show `status` under the thread ("<app name> <status>"); "" clears it."""
        self.call("assistant.threads.setStatus", channel_id=channel, thread_ts=thread_ts,
                  status=status)

    def set_suggested_prompts(self, channel: str, thread_ts: str,
                              prompts: Sequence[SuggestedPrompt], title: str | None = None) -> None:
        payload: dict[str, Any] = {
            "channel_id": channel, "thread_ts": thread_ts,
            "prompts": [{"title": p.title, "message": p.message} for p in prompts]}
        if title:
            payload["title"] = title
        self.call("assistant.threads.setSuggestedPrompts", **payload)

    def set_title(self, channel: str, thread_ts: str, title: str) -> None:
        self.call("assistant.threads.setTitle", channel_id=channel, thread_ts=thread_ts, title=title)

    # Everything else the bot asks of Slack

    def permalink(self, channel: str, ts: str) -> str | None:
        """The message's permalink, or None when Slack won't give one."""
        try:
            return str(self.call("chat.getPermalink", channel=channel, message_ts=ts).get("permalink")
                       or "") or None
        except SlackCallFailed:
            return None

    def respond(self, response_url: str, message: SlackMessage) -> bool:
        """Answer a slash command or a click privately through its `response_url` (it works
        where the bot is not a member); False when Slack would not take it."""
        try:
            response = WebhookClient(response_url, timeout=10).send(
                text=message.text, blocks=message.blocks, response_type="ephemeral",
                replace_original=False)
        except OSError:
            log.warning("slack call failed", extra={"method": "response_url",
                                                    "error": "connection_error"})
            return False
        if response.status_code != 200:
            log.warning("slack call failed", extra={"method": "response_url",
                                                    "error": f"http_{response.status_code}"})
            return False
        return True

    def open_dm(self, user: str) -> str:
        """The id (D…) of the bot's DM with `user` (`conversations.open`): messages go to a
        conversation, never to a user id."""
        channel = self.call("conversations.open", users=user).get("channel") or {}
        opened = str(channel.get("id") or "") if isinstance(channel, dict) else ""
        if not opened:
            raise SlackCallFailed("conversations.open", "no_channel")
        return opened

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
