"""Buttons: quick answers, Pin decision, What if..., Start over, Re-check, re-check reminders,
feedback on recommendations, forget."""

from __future__ import annotations

import json
import re
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.slack import ids, render
from bot.slack.advisor import SlackAdvisor
from bot.slack.ids import Thread
from bot.store import FeedbackVote


def _prefix(action_id: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(action_id)}(?::.*)?$")


def _action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions") or [{}]
    return dict(actions[0])


def _thread_key(body: dict[str, Any]) -> str | None:
    """The conversation a button in a bot message belongs to."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    thread = message.get("thread_ts") or container.get("thread_ts")
    if not thread and str(channel).startswith("D"):
        thread = "dm"
    thread = thread or message.get("ts")
    if not (channel and team and thread):
        return None
    return Thread(str(team), str(channel), str(thread)).key


def register(app: App, advisor: SlackAdvisor) -> None:
    def ack_only(ack: Ack) -> None:
        ack()

    def quick_answer(body: dict[str, Any]) -> None:
        key, action = _thread_key(body), _action(body)
        if key is None or not action.get("value"):
            return
        user = str(body["user"]["id"])
        advisor.mark_chosen(body, str(action.get("text", {}).get("text", "")), user)
        advisor.command_in_thread(key, user, str(action["value"]), str(action.get("action_ts")))

    def pin(body: dict[str, Any]) -> None:
        advisor.pin(str(_action(body).get("value", "")), str(body["user"]["id"]))

    def start_over(body: dict[str, Any]) -> None:
        action = _action(body)
        advisor.command_in_thread(str(action.get("value", "")), str(body["user"]["id"]), "restart",
                                  str(action.get("action_ts")))

    def what_if(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        key = str(_action(body).get("value", ""))
        advisor.poster.open_view(body["trigger_id"], render.what_if_modal(json.dumps({"key": key})))

    def open_modal(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        user = str(body["user"]["id"])
        metadata = json.dumps({"channel": user, "user": user})
        advisor.poster.open_view(body["trigger_id"],
                                 render.facts_modal(metadata, advisor.services.policy))

    def recheck(body: dict[str, Any], respond: Respond) -> None:
        user = str(body["user"]["id"])
        try:
            decision_id = int(str(_action(body).get("value", "")))
        except ValueError:
            return
        message = advisor.recheck(decision_id, user)
        if body.get("response_url"):
            respond(text=message.text, blocks=message.blocks, replace_original=False,
                    response_type="ephemeral")
        else:
            advisor.poster.post(user, message)

    def remind(body: dict[str, Any]) -> None:
        try:
            decision_id = int(str(_action(body).get("value", "")))
        except ValueError:
            return
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        if channel:
            advisor.remind_recheck(decision_id, str(body["user"]["id"]), str(channel))

    def feedback(body: dict[str, Any]) -> None:
        vote, _, key = str(_action(body).get("value", "")).partition(":")
        container = body.get("container") or {}
        channel, message_ts = container.get("channel_id"), container.get("message_ts")
        team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
        if vote not in ("positive", "negative") or not (channel and message_ts and team):
            return
        advisor.record_feedback(FeedbackVote(
            team=str(team), channel=str(channel), message_ts=str(message_ts),
            user_id=str(body["user"]["id"]), conversation_key=key or None,
            vote="positive" if vote == "positive" else "negative"),
            container.get("thread_ts") or (body.get("message") or {}).get("thread_ts"))

    def forget_confirm(body: dict[str, Any], respond: Respond) -> None:
        message = advisor.forget(str(body["user"]["id"]))
        respond(text=message.text, blocks=message.blocks, replace_original=True)

    def forget_cancel(respond: Respond) -> None:
        respond(text="Nothing was deleted.", replace_original=True)

    app.action(_prefix(ids.QUICK_ANSWER))(ack=ack_only, lazy=[quick_answer])
    app.action(_prefix(ids.PIN_DECISION))(ack=ack_only, lazy=[pin])
    app.action(_prefix(ids.START_OVER))(ack=ack_only, lazy=[start_over])
    app.action(_prefix(ids.WHAT_IF))(what_if)
    app.action(_prefix(ids.OPEN_MODAL))(open_modal)
    app.action(_prefix(ids.RECHECK))(ack=ack_only, lazy=[recheck])
    app.action(_prefix(ids.REMIND_RECHECK))(ack=ack_only, lazy=[remind])
    app.action(_prefix(ids.FEEDBACK))(ack=ack_only, lazy=[feedback])
    app.action(_prefix(ids.FORGET_CONFIRM))(ack=ack_only, lazy=[forget_confirm])
    app.action(_prefix(ids.FORGET_CANCEL))(ack=ack_only, lazy=[forget_cancel])
