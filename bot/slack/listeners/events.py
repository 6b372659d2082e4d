"""Mentions, thread messages, DMs and the App Home tab."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack.advisor import SlackAdvisor
from bot.slack.inbound import parse_message_event

log = logging.getLogger(__name__)


def register(app: App, advisor: SlackAdvisor) -> None:
    def ack_event(ack: Ack) -> None:
        ack()

    def handle_message(body: dict[str, Any], context: BoltContext) -> None:
        message = parse_message_event(body, context.bot_user_id or advisor.bot_user_id)
        if message is not None:
            advisor.on_message(message)

    def handle_home(event: dict[str, Any], context: BoltContext) -> None:
        if event.get("tab", "home") == "home" and isinstance(event.get("user"), str):
            advisor.publish_home(event["user"], context.team_id)

    app.event("app_mention")(ack=ack_event, lazy=[handle_message])
    app.event("message")(ack=ack_event, lazy=[handle_message])
    app.event("app_home_opened")(ack=ack_event, lazy=[handle_home])
