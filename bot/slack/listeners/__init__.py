"""Bolt listeners, registered by group. Each acks first, then hands over to SlackAdvisor; user
messages are queued by a middleware before that ack."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.advisor import SlackAdvisor
from bot.slack.listeners import actions, assistant, commands, events, views


def register(app: App, advisor: SlackAdvisor) -> None:
    # First: every user message is queued (or refused with a 503) before any listener, the AI
    # app pane's included, acknowledges it.
    app.use(events.intake(advisor))
    assistant.register(app, advisor)
    events.register(app, advisor)
    commands.register(app, advisor)
    actions.register(app, advisor)
    views.register(app, advisor)
