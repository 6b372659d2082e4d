"""Mentions, thread messages, DMs and the App Home tab."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse

from bot.slack.advisor import SlackAdvisor
from bot.slack.inbound import parse_message_event
from bot.slack.poster import SlackCallFailed
from bot.slack.render import SlackMessage
from bot.store import StoreUnavailable

OUTAGE = ("Sorry, I can't reach my database right now, so I couldn't take that in. Slack will "
          "send me your message again over the next few minutes and I'll answer it then; if I "
          "haven't answered within 10 minutes, please send it again.")
INTAKE = "llm_advisor_intake"
"""The context key under which a message's intake passes from arrival to its answer."""
NOTICED = 512
"""How many messages' outage notices this process remembers, so Slack's redeliveries of one
message get one notice."""

log = logging.getLogger(__name__)


class _Noticed:
    """The messages told of an outage lately (bounded)."""

    def __init__(self) -> None:
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()

    def first(self, channel: str, ts: str) -> bool:
        with self._lock:
            if (channel, ts) in self._seen:
                return False
            self._seen[(channel, ts)] = None
            while len(self._seen) > NOTICED:
                self._seen.popitem(last=False)
            return True


def intake(advisor: SlackAdvisor) -> Callable[..., BoltResponse | None]:
    """A middleware that takes each user message in before Slack is answered: queued durably
    (or found to be a repeat, or not for the bot), and only then acknowledged. When the database
    cannot take it, Slack gets a 503 and sends the message again (its retries are the buffer),
    and the sender is told once."""
    noticed = _Noticed()

    def take_in(body: dict[str, Any], context: BoltContext,
                next: Callable[[], None]) -> BoltResponse | None:
        event = body.get("event")
        if body.get("type") != "event_callback" or not isinstance(event, dict) or \
                event.get("type") not in ("message", "app_mention"):
            next()
            return None
        message = parse_message_event(body, context.bot_user_id or advisor.bot_user_id)
        if message is None:
            next()
            return None
        try:
            context[INTAKE] = (message, advisor.receive(message))
        except ValueError as exc:  # a timestamp Slack could not have sent
            log.warning("message event refused: %s", type(exc).__name__)
            return BoltResponse(status=400, body="")
        except StoreUnavailable as exc:
            log.warning("database unavailable; message not acknowledged: %s", exc)
            # Only mentions and DMs are told: during an outage we cannot tell which threads are
            # ours, and staying quiet in other people's threads matters more.
            if (message.addressed_to_bot or message.is_dm) and noticed.first(message.channel,
                                                                              message.ts):
                thread = message.thread_ts or (None if message.is_dm else message.ts)
                threading.Thread(target=_tell, args=(advisor, message.channel, thread),
                                 name="outage-notice", daemon=True).start()
            return BoltResponse(status=503, body="")
        next()
        return None

    return take_in


def _tell(advisor: SlackAdvisor, channel: str, thread_ts: str | None) -> None:
    notice = SlackMessage(text=OUTAGE, blocks=[
        {"type": "section", "text": {"type": "mrkdwn", "text": OUTAGE}}])
    with contextlib.suppress(SlackCallFailed):
        advisor.poster.post(channel, notice, thread_ts)


def take_message(advisor: SlackAdvisor, context: BoltContext) -> None:
    """A `message` or `app_mention` event (an assistant thread's messages too), after Slack has
    been answered: the turn `intake` queued, or nothing when it is not for the bot."""
    taken = context.get(INTAKE)
    if taken is None:
        return
    message, received = taken
    advisor.answer(message, received)


def register(app: App, advisor: SlackAdvisor) -> None:
    def ack_event(ack: Ack) -> None:
        ack()

    def handle_message(context: BoltContext) -> None:
        take_message(advisor, context)

    def handle_home(event: dict[str, Any], context: BoltContext) -> None:
        if event.get("tab", "home") == "home" and isinstance(event.get("user"), str):
            advisor.publish_home(event["user"], context.team_id)

    # Not lazy: the listener gets the request's own context, where `intake` left the message;
    # Bolt acknowledges an event before running its listener.
    app.event("app_mention")(handle_message)
    app.event("message")(handle_message)
    app.event("app_home_opened")(ack=ack_event, lazy=[handle_home])
