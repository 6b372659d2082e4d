"""Mentions, thread messages, DMs and the App Home tab."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack.advisor import SlackAdvisor
from bot.slack.inbound import parse_message_event
from bot.slack.poster import SlackCallFailed
from bot.slack.render import SlackMessage
from bot.store import StoreUnavailable

OUTAGE = ("Sorry, I can't reach my database right now, so I can't take that in. "
          "Please send it again in a minute.")

log = logging.getLogger(__name__)


def take_message(advisor: SlackAdvisor, body: dict[str, Any], context: BoltContext) -> None:
    """A `message` or `app_mention` event (an assistant thread's messages too): one turn of its
    conversation, or nothing when it is not for the bot."""
    message = parse_message_event(body, context.bot_user_id or advisor.bot_user_id)
    if message is None:
        return
    try:
        advisor.on_message(message)
    except StoreUnavailable as exc:
        # Only mentions and DMs are apologised for: during an outage we cannot tell which
        # threads are ours, and staying quiet in other people's threads matters more.
        log.warning("database unavailable: %s", exc)
        if message.addressed_to_bot or message.is_dm:
            thread = message.thread_ts or (None if message.is_dm else message.ts)
            apology = SlackMessage(text=OUTAGE, blocks=[
                {"type": "section", "text": {"type": "mrkdwn", "text": OUTAGE}}])
            with contextlib.suppress(SlackCallFailed):
                advisor.poster.post(message.channel, apology, thread)


def register(app: App, advisor: SlackAdvisor) -> None:
    def ack_event(ack: Ack) -> None:
        ack()

    def handle_message(body: dict[str, Any], context: BoltContext) -> None:
        take_message(advisor, body, context)

    def handle_home(event: dict[str, Any], context: BoltContext) -> None:
        if event.get("tab", "home") == "home" and isinstance(event.get("user"), str):
            advisor.publish_home(event["user"], context.team_id)

    app.event("app_mention")(ack=ack_event, lazy=[handle_message])
    app.event("message")(ack=ack_event, lazy=[handle_message])
    app.event("app_home_opened")(ack=ack_event, lazy=[handle_home])
