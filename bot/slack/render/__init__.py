"""Block Kit rendering: engine replies, decisions and views as Slack payloads. Pure, no I/O."""

from __future__ import annotations

from bot.slack.render.blocks import SlackMessage, escape
from bot.slack.render.command_replies import (
    forget_confirm_message,
    forget_done_text,
    help_message,
    history_messages,
    recheck_message,
)
from bot.slack.render.decision import (
    decision_summary,
    reminder_already_text,
    reminder_message,
    reminder_scheduled_text,
)
from bot.slack.render.facts_form import model_options, parse_facts_submission
from bot.slack.render.messages import advice_messages, reply_messages
from bot.slack.render.views import facts_modal, home_view, what_if_modal

__all__ = [
    "SlackMessage",
    "advice_messages",
    "decision_summary",
    "escape",
    "facts_modal",
    "forget_confirm_message",
    "forget_done_text",
    "help_message",
    "history_messages",
    "home_view",
    "model_options",
    "parse_facts_submission",
    "recheck_message",
    "reminder_already_text",
    "reminder_message",
    "reminder_scheduled_text",
    "reply_messages",
    "what_if_modal",
]
