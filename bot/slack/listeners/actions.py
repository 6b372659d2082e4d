"""Buttons: quick answers, Pin decision, What if..., Start over, Re-check, re-check reminders,
feedback on recommendations, forget.

A click acts on the conversation of the message it was pressed on (its container), never on one
its value names; and a click on a message as it stood is handled once, however often it is
pressed and whichever replica Slack sends it to."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.slack import ids, render
from bot.slack.advisor import SlackAdvisor
from bot.slack.ids import Place
from bot.slack.replies import text_message
from bot.store import FeedbackVote, StoreUnavailable

log = logging.getLogger(__name__)
CLICK_LOST = ("Sorry, I can't reach my database right now, so I couldn't do that. Please press "
              "the button again in a minute.")


def _prefix(action_id: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(action_id)}(?::.*)?$")


def _action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions") or [{}]
    first = actions[0] if isinstance(actions, list) and actions else {}
    return dict(first) if isinstance(first, dict) else {}


def _user(body: dict[str, Any]) -> str:
    return str((body.get("user") or {}).get("id") or "")


def _container(body: dict[str, Any]) -> tuple[str, str, str | None, str] | None:
    """(team, channel, thread_ts, message_ts) of the message the button is on."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    message_ts = container.get("message_ts") or message.get("ts")
    thread_ts = container.get("thread_ts") or message.get("thread_ts")
    if not (channel and team and message_ts):
        return None
    return str(team), str(channel), str(thread_ts) if thread_ts else None, str(message_ts)


def click_key(body: dict[str, Any]) -> str | None:
    """What makes a click a repeat: the same action on the same message, as it stood."""
    where, message = _container(body), body.get("message")
    if where is None or not isinstance(message, dict):
        return None
    action = _action(body)
    seen = json.dumps([message.get("text"), message.get("blocks")], sort_keys=True)
    digest = hashlib.sha256(seen.encode()).hexdigest()[:24]
    return f"click:{where[1]}:{where[3]}:{action.get('action_id')}:{action.get('value')}:{digest}"


def register(app: App, advisor: SlackAdvisor) -> None:
    def ack_only(ack: Ack) -> None:
        ack()

    def told(handler: Callable[..., None]) -> Callable[..., None]:
        """`handler`, telling the clicker when the database is out of reach (Slack never sends
        a click again, so it is up to them to press again)."""
        @functools.wraps(handler)
        def run(**kwargs: Any) -> None:
            try:
                handler(**kwargs)
            except StoreUnavailable as exc:
                log.warning("database unavailable; click not handled: %s", exc)
                body = kwargs.get("body") or {}
                where = _container(body)
                if where is not None:
                    advisor.poster.try_ephemeral(where[1], _user(body),
                                                 text_message(CLICK_LOST), where[2])
        return run

    def place_of(body: dict[str, Any], once: bool = True) -> Place | None:
        """The conversation the clicked message belongs to, or None when the click is to be
        ignored: it carries no message, repeats an earlier click, its value names another
        conversation, or the clicker may not act on a DM conversation they take no part in.
        A click in a channel thread makes the clicker a participant."""
        where = _container(body)
        if where is None:
            return None
        team, channel, thread_ts, message_ts = where
        is_dm = channel.startswith("D")
        place = advisor.place(team, channel, thread_ts, message_ts, is_dm=is_dm)
        named = str(_action(body).get("value") or "")
        if named.startswith("slack:") and named != place.key:
            log.warning("button refused: its value names another conversation",
                        extra={"team": team, "channel": channel,
                               "action": _action(body).get("action_id")})
            return None
        if not advisor.admits_click(place, _user(body), is_dm):
            log.warning("button refused: the clicker takes no part in this conversation",
                        extra={"team": team, "channel": channel,
                               "action": _action(body).get("action_id")})
            return None
        key = click_key(body)
        if once and key is not None and not advisor.claim_once(key):
            log.info("repeated click ignored", extra={"channel": channel,
                                                      "action": _action(body).get("action_id")})
            return None
        return place

    def quick_answer(body: dict[str, Any]) -> None:
        action = _action(body)
        if not action.get("value"):
            return
        place = place_of(body)
        if place is None:
            return
        user = _user(body)
        advisor.mark_chosen(body, str((action.get("text") or {}).get("text", "")), user)
        advisor.command_in_thread(place, user, str(action["value"]), str(action.get("action_ts")))

    def pin(body: dict[str, Any]) -> None:
        # Pinning is made idempotent by the recommendation it pins, not by the click.
        place, where = place_of(body, once=False), _container(body)
        if place is not None and where is not None:
            advisor.pin(place, _user(body), where[3])

    def start_over(body: dict[str, Any]) -> None:
        place = place_of(body)
        if place is not None:
            advisor.command_in_thread(place, _user(body), "restart",
                                      str(_action(body).get("action_ts")))

    def what_if(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        place = place_of(body, once=False)
        if place is None:
            return
        metadata = json.dumps({"key": place.key, "reply_ts": place.reply_ts})
        advisor.poster.open_view(body["trigger_id"], render.what_if_modal(metadata))

    def open_modal(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        user = _user(body)
        # From a message (the help reply) the answer goes in that channel; from App Home, in
        # the user's DM with the bot, opened when the form is submitted.
        where = _container(body)
        channel = where[1] if where is not None else None
        metadata = json.dumps({"channel": channel, "user": user})
        advisor.poster.open_view(body["trigger_id"],
                                 render.facts_modal(metadata, advisor.services.policy))

    def recheck(body: dict[str, Any], respond: Respond) -> None:
        user = _user(body)
        try:
            decision_id = int(str(_action(body).get("value", "")))
        except ValueError:
            return
        message = advisor.recheck(decision_id, user)
        if body.get("response_url"):
            respond(text=message.text, blocks=message.blocks, replace_original=False,
                    response_type="ephemeral")
        else:
            advisor.poster.post(advisor.poster.open_dm(user), message)

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
        vote = str(_action(body).get("value", "")).partition(":")[0]
        place, where = place_of(body, once=False), _container(body)
        if vote not in ("positive", "negative") or place is None or where is None:
            return
        team, channel, _, message_ts = where
        known = advisor.store.conversations.exists(place.key)
        advisor.record_feedback(FeedbackVote(
            team=team, channel=channel, message_ts=message_ts, user_id=_user(body),
            conversation_key=place.key if known else None,
            vote="positive" if vote == "positive" else "negative"), place.reply_ts)

    def forget_confirm(body: dict[str, Any], respond: Respond) -> None:
        message = advisor.forget(_user(body))
        respond(text=message.text, blocks=message.blocks, replace_original=True)

    def forget_cancel(respond: Respond) -> None:
        respond(text="Nothing was deleted.", replace_original=True)

    app.action(_prefix(ids.QUICK_ANSWER))(ack=ack_only, lazy=[told(quick_answer)])
    app.action(_prefix(ids.PIN_DECISION))(ack=ack_only, lazy=[told(pin)])
    app.action(_prefix(ids.START_OVER))(ack=ack_only, lazy=[told(start_over)])
    app.action(_prefix(ids.WHAT_IF))(what_if)
    app.action(_prefix(ids.OPEN_MODAL))(open_modal)
    app.action(_prefix(ids.OPEN_ANSWER))(ack_only)
    app.action(_prefix(ids.RECHECK))(ack=ack_only, lazy=[told(recheck)])
    app.action(_prefix(ids.REMIND_RECHECK))(ack=ack_only, lazy=[told(remind)])
    app.action(_prefix(ids.FEEDBACK))(ack=ack_only, lazy=[told(feedback)])
    app.action(_prefix(ids.FORGET_CONFIRM))(ack=ack_only, lazy=[told(forget_confirm)])
    app.action(_prefix(ids.FORGET_CANCEL))(ack=ack_only, lazy=[forget_cancel])
