"""Bolt listeners, registered by group. Each acks first, then hands over to SlackAdvisor."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.advisor import SlackAdvisor
from bot.slack.listeners import actions, assistant, commands, events, views


def register(app: App, advisor: SlackAdvisor) -> None:
    assistant.register(app, advisor)
    events.register(app, advisor)
    commands.register(app, advisor)
    actions.register(app, advisor)
    views.register(app, advisor)
