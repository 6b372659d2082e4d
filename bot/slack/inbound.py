"""Slack payloads parsed at the edge into our own types; anything malformed is refused here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
IGNORED_SUBTYPES = frozenset({
    "bot_message", "message_changed", "message_deleted", "message_replied", "channel_join",
    "channel_leave", "group_join", "group_leave", "channel_topic", "channel_purpose",
    "channel_name", "pinned_item", "unpinned_item", "ekm_access_denied", "me_message",
})
"""Edits, joins and other bots' posts are not user turns; file shares and broadcasts are."""


@dataclass(frozen=True)
class InboundMessage:
    """One user message the conversation should see."""

    team: str
    channel: str
    user: str
    text: str
    ts: str
    thread_ts: str | None
    channel_type: str
    mention: bool
    files: int = 0
    """How many files the message shares."""

    @property
    def is_dm(self) -> bool:
        return self.channel_type == "im"

    @property
    def file_only(self) -> bool:
        """A file shared without words: nothing the conversation can read."""
        return self.files > 0 and not any(ch.isalnum() for ch in self.text)

    @property
    def thread_root(self) -> str:
        """The thread this message belongs to; a new thread starts at a top-level mention."""
        if self.is_dm:
            return self.thread_ts or "dm"
        return self.thread_ts or self.ts


def unescape(text: str) -> str:
    """Text as the user typed it: Slack sends `<`, `>` and `&` as `&lt;`, `&gt;` and `&amp;`
    (its own markup, such as `<@U123>`, arrives with real angle brackets)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_message_event(body: dict[str, Any], bot_user_id: str | None) -> InboundMessage | None:
    """The user message in an `app_mention` or `message` event, or None if it isn't one.

    None for other bots (message events can carry bot_id without user), the bot's own posts,
    edits, joins and any payload missing the fields a turn needs.
    """
    event = body.get("event")
    if not isinstance(event, dict):
        return None
    if event.get("bot_id") or event.get("subtype") in IGNORED_SUBTYPES:
        return None
    user, channel, ts = _str(event.get("user")), _str(event.get("channel")), _str(event.get("ts"))
    team = _str(body.get("team_id")) or _str(event.get("team"))
    text = event.get("text")
    if not (user and channel and ts and team) or not isinstance(text, str):
        return None
    if bot_user_id and user == bot_user_id:
        return None
    mention = event.get("type") == "app_mention"
    files = event.get("files")
    return InboundMessage(
        team=team, channel=channel, user=user, text=unescape(MENTION.sub("", text)).strip(), ts=ts,
        thread_ts=_str(event.get("thread_ts")), channel_type=_str(event.get("channel_type")) or "",
        mention=mention, files=len(files) if isinstance(files, list) else 0,
    )
