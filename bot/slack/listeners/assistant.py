"""The AI app pane (Agents & AI Apps), through Bolt's `Assistant`.

Bolt's `Assistant` takes every message in a thread of a direct message with the app (that is
how Slack delivers an assistant thread's messages) before the `message` listener sees it, so
each such message is handled here, once, by the same code as any other message. Whether the
thread shows a status or a placeholder while its turn runs is decided when the replies are
delivered (`bot.slack.assistant`).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Assistant, BoltContext

from bot.slack.advisor import SlackAdvisor
from bot.slack.inbound import parse_assistant_thread
from bot.slack.listeners.events import take_message


def register(app: App, advisor: SlackAdvisor) -> None:
    assistant = Assistant(logger=logging.getLogger("bot.slack.bolt"))

    def thread_started(body: dict[str, Any]) -> None:
        started = parse_assistant_thread(body)
        if started is not None:
            advisor.open_assistant_thread(started)

    def context_changed() -> None:
        """The user looked at another channel while the pane was open. Acknowledged only: the
        advice depends on the workload described, not on the channel beside it."""

    def user_message(context: BoltContext) -> None:
        take_message(advisor, context)

    assistant.thread_started(thread_started)
    assistant.thread_context_changed(context_changed)
    assistant.user_message(user_message)
    app.assistant(assistant)
