"""Realistic Events API ``event`` dicts (wrap them with ``signing.event_body``).

Omitted ``ts`` values are fresh, unique and increasing. ``app_mention`` text is used as given:
Slack's real text contains the mention, so write e.g. ``f"{BOT_MENTION} which model?"``.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from .fake_slack import BOT_ID, BOT_USER_ID, TEAM_ID

BOT_MENTION = f"<@{BOT_USER_ID}>"
OTHER_BOT_ID = "BOTHER"

_lock = threading.Lock()
_last_micros = 0


def new_ts() -> str:
    """A unique, increasing Slack timestamp (``"<seconds>.<6 digits>"``) near now."""
    global _last_micros
    with _lock:
        _last_micros = max(_last_micros + 1, int(time.time() * 1_000_000))
        micros = _last_micros
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def _thread(event: dict[str, Any], thread_ts: str | None, parent_user_id: str | None) -> dict[str, Any]:
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
        if parent_user_id is not None and thread_ts != event["ts"]:
            event["parent_user_id"] = parent_user_id
    return event


def app_mention(
    text: str,
    user: str = "U1",
    channel: str = "C1",
    ts: str | None = None,
    thread_ts: str | None = None,
    *,
    team: str = TEAM_ID,
    parent_user_id: str | None = None,
) -> dict[str, Any]:
    ts = ts or new_ts()
    event = {
        "type": "app_mention",
        "client_msg_id": str(uuid.uuid4()),
        "text": text,
        "user": user,
        "ts": ts,
        "team": team,
        "channel": channel,
        "event_ts": ts,
    }
    return _thread(event, thread_ts, parent_user_id)


def message(
    text: str,
    user: str = "U1",
    channel: str = "C1",
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "channel",
    *,
    team: str = TEAM_ID,
    parent_user_id: str | None = None,
) -> dict[str, Any]:
    """A plain user message; ``channel_type`` is ``channel``, ``group``, ``im`` or ``mpim``."""
    ts = ts or new_ts()
    event = {
        "type": "message",
        "client_msg_id": str(uuid.uuid4()),
        "text": text,
        "user": user,
        "ts": ts,
        "team": team,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
    }
    return _thread(event, thread_ts, parent_user_id)


def file_share(
    text: str = "",
    user: str = "U1",
    channel: str = "C1",
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "channel",
    *,
    team: str = TEAM_ID,
    filename: str = "workload.pdf",
) -> dict[str, Any]:
    """A user sharing a file (``subtype: file_share``), with ``text`` as its message, often empty."""
    event = message(text, user, channel, ts, thread_ts, channel_type, team=team)
    event["subtype"] = "file_share"
    event["upload"] = False
    event["files"] = [{
        "id": f"F{uuid.uuid4().hex[:10].upper()}", "name": filename, "title": filename,
        "mimetype": "application/pdf", "filetype": "pdf", "user": user, "mode": "hosted",
        "url_private": f"https://files.slack.com/files-pri/{team}-F1/{filename}",
    }]
    return event


def bot_message(
    text: str,
    bot_id: str = OTHER_BOT_ID,
    channel: str = "C1",
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "channel",
    *,
    username: str = "other-bot",
    user: str | None = None,
    subtype: str | None = "bot_message",
) -> dict[str, Any]:
    """A message from a bot. Defaults to another bot; ``bot_id=BOT_ID`` makes it our own echo
    (Bolt's IgnoringSelfEvents drops those). ``subtype=None`` gives the modern app-bot shape.
    """
    ts = ts or new_ts()
    event: dict[str, Any] = {"type": "message"}
    if subtype is not None:
        event["subtype"] = subtype
    event.update(
        {
            "text": text,
            "username": username,
            "bot_id": bot_id,
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
            "channel_type": channel_type,
        }
    )
    if user is not None:
        event["user"] = user
    elif bot_id == BOT_ID:
        event["user"] = BOT_USER_ID
    return _thread(event, thread_ts, None)


def message_changed(
    text: str,
    previous_text: str = "",
    user: str = "U1",
    channel: str = "C1",
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "channel",
    *,
    edit_ts: str | None = None,
) -> dict[str, Any]:
    """An edit of message ``ts`` (the original) at ``edit_ts`` (the event's own ts)."""
    ts = ts or new_ts()
    edit_ts = edit_ts or new_ts()
    client_msg_id = str(uuid.uuid4())
    edited: dict[str, Any] = {
        "type": "message",
        "client_msg_id": client_msg_id,
        "text": text,
        "user": user,
        "ts": ts,
        "team": TEAM_ID,
        "edited": {"user": user, "ts": edit_ts},
    }
    previous: dict[str, Any] = {
        "type": "message",
        "client_msg_id": client_msg_id,
        "text": previous_text,
        "user": user,
        "ts": ts,
        "team": TEAM_ID,
    }
    if thread_ts is not None:
        edited["thread_ts"] = previous["thread_ts"] = thread_ts
    return {
        "type": "message",
        "subtype": "message_changed",
        "message": edited,
        "previous_message": previous,
        "channel": channel,
        "hidden": True,
        "ts": edit_ts,
        "event_ts": edit_ts,
        "channel_type": channel_type,
    }


def channel_join(
    user: str = BOT_USER_ID,
    channel: str = "C1",
    ts: str | None = None,
    inviter: str | None = "U1",
    channel_type: str = "channel",
) -> dict[str, Any]:
    """The ``channel_join`` message Slack posts when someone (by default: the bot) joins."""
    ts = ts or new_ts()
    event: dict[str, Any] = {
        "type": "message",
        "subtype": "channel_join",
        "user": user,
        "text": f"<@{user}> has joined the channel",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
    }
    if inviter is not None:
        event["inviter"] = inviter
    return event


def member_joined_channel(
    user: str = BOT_USER_ID, channel: str = "C1", inviter: str | None = "U1", channel_type: str = "C"
) -> dict[str, Any]:
    """The ``member_joined_channel`` event (Bolt does not drop it even for the bot itself)."""
    event: dict[str, Any] = {
        "type": "member_joined_channel",
        "user": user,
        "channel": channel,
        "channel_type": channel_type,
        "team": TEAM_ID,
        "event_ts": new_ts(),
    }
    if inviter is not None:
        event["inviter"] = inviter
    return event


def app_home_opened(
    user: str = "U1", channel: str = "D1", tab: str = "home", view: dict[str, Any] | None = None
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user,
        "channel": channel,
        "tab": tab,
        "event_ts": new_ts(),
    }
    if view is not None:
        event["view"] = view
    return event


# ---------------------------------------------------------------- AI app pane (assistant threads)


def _assistant_thread(user: str, channel: str, thread_ts: str, context_channel: str | None,
                      team: str) -> dict[str, Any]:
    context: dict[str, Any] = {"team_id": team, "enterprise_id": None}
    if context_channel is not None:
        context = {"channel_id": context_channel, **context}
    return {"user_id": user, "context": context, "channel_id": channel, "thread_ts": thread_ts}


def assistant_thread_started(
    user: str = "U1",
    channel: str = "D1",
    thread_ts: str | None = None,
    context_channel: str | None = "C1",
    *,
    team: str = TEAM_ID,
) -> dict[str, Any]:
    """The user opened a new thread in the AI app pane (``thread_ts`` is its root message)."""
    thread_ts = thread_ts or new_ts()
    return {
        "type": "assistant_thread_started",
        "assistant_thread": _assistant_thread(user, channel, thread_ts, context_channel, team),
        "event_ts": new_ts(),
    }


def assistant_thread_context_changed(
    user: str = "U1",
    channel: str = "D1",
    thread_ts: str | None = None,
    context_channel: str | None = "C2",
    *,
    team: str = TEAM_ID,
) -> dict[str, Any]:
    """The user looked at another channel (``context_channel``) while the pane was open."""
    thread_ts = thread_ts or new_ts()
    return {
        "type": "assistant_thread_context_changed",
        "assistant_thread": _assistant_thread(user, channel, thread_ts, context_channel, team),
        "event_ts": new_ts(),
    }


def assistant_message(
    text: str,
    thread_ts: str,
    user: str = "U1",
    channel: str = "D1",
    ts: str | None = None,
    *,
    team: str = TEAM_ID,
) -> dict[str, Any]:
    """A user's message in an assistant thread: to Slack, a ``message.im`` reply in the thread,
    its parent the user's own (the thread's root)."""
    ts = ts or new_ts()
    return {
        "user": user,
        "type": "message",
        "ts": ts,
        "client_msg_id": str(uuid.uuid4()),
        "text": text,
        "team": team,
        "user_team": team,
        "source_team": team,
        "user_profile": {},
        "thread_ts": thread_ts,
        "parent_user_id": user,
        "channel": channel,
        "event_ts": ts,
        "channel_type": "im",
    }
