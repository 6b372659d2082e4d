"""`/llm-advisor` and its sub-commands."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App

from bot.slack import ids, render
from bot.slack.advisor import SlackAdvisor
from bot.slack.inbound import unescape
from bot.store import StoreUnavailable

HISTORY_LOST = ("Sorry, I can't reach my database right now, so I can't show your decisions. "
                "Please try again in a minute.")


def register(app: App, advisor: SlackAdvisor) -> None:
    def on_command(ack: Ack, command: dict[str, Any]) -> None:
        text = str(command.get("text") or "").strip()
        word = text.lower()
        user, team = str(command.get("user_id", "")), str(command.get("team_id", ""))
        if word == "help":
            message = render.help_message()
            ack(text=message.text, blocks=message.blocks)
        elif word == "history":
            try:
                message = advisor.history(user, team)
            except StoreUnavailable:
                ack(text=HISTORY_LOST)
                return
            ack(text=message.text, blocks=message.blocks)
        elif word == "forget":
            message = render.forget_confirm_message()
            ack(text=message.text, blocks=message.blocks)
        elif not text:
            ack()
            metadata = json.dumps({"channel": command.get("channel_id"), "user": user})
            advisor.poster.open_view(command["trigger_id"],
                                     render.facts_modal(metadata, advisor.services.policy))
        else:
            ack()

    def start_thread(command: dict[str, Any]) -> None:
        text = unescape(str(command.get("text") or "")).strip()
        if text.lower() in ("", "help", "history", "forget"):
            return
        response_url = command.get("response_url")
        advisor.start_from_text(str(command["team_id"]), str(command["channel_id"]),
                                str(command["user_id"]), text,
                                response_url if isinstance(response_url, str) else None)

    app.command(ids.COMMAND)(ack=on_command, lazy=[start_thread])
