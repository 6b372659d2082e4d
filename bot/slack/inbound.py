"""Slack payloads parsed at the edge into our own types; anything malformed is refused here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]*))?>")
GREETING = re.compile(r"^[\s,.:;!-]*(?:(?:hey|hi|hello|cc|fyi|ok|so|and|thanks|thank you)\b[\s,.:;!-]*)*",
                      re.I)
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
    """Arrived as an `app_mention` event."""
    mentions_bot: bool = False
    """The text names the bot (`<@BOT>`), whichever event carried it."""
    others: tuple[str, ...] = ()
    """Other people the text mentions, in order."""
    leads_with_other: bool = False
    """The text opens (after a greeting) with another person's mention: it is addressed to them."""
    has_figure: bool = False
    """Digits outside any mention: a figure the conversation could read."""
    files: int = 0
    """How many files the message shares."""

    @property
    def is_dm(self) -> bool:
        return self.channel_type == "im"

    @property
    def addressed_to_bot(self) -> bool:
        return self.mention or self.mentions_bot

    @property
    def between_people(self) -> bool:
        """People talking to each other: another person is mentioned and the bot is not, and
        the message is addressed to them or carries no figure the conversation could use
        ("per <@U3>, we're at 3M tokens a day" still reads as facts)."""
        if self.addressed_to_bot or not self.others:
            return False
        return self.leads_with_other or not self.has_figure

    @property
    def file_only(self) -> bool:
        """A file shared without words: nothing the conversation can read."""
        return self.files > 0 and not any(ch.isalnum() for ch in self.text)


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
    files = event.get("files")
    mentioned = [match.group(1) for match in MENTION.finditer(text)]
    # Without knowing who the bot is, nobody can be told apart from it.
    others = tuple(dict.fromkeys(u for u in mentioned if u != bot_user_id)) if bot_user_id else ()
    opening = MENTION.match(text, GREETING.match(text).end())  # type: ignore[union-attr]
    return InboundMessage(
        team=team, channel=channel, user=user, text=unescape(readable_mentions(text, bot_user_id)),
        ts=ts, thread_ts=_str(event.get("thread_ts")),
        channel_type=_str(event.get("channel_type")) or "",
        mention=event.get("type") == "app_mention",
        mentions_bot=bool(bot_user_id) and bot_user_id in mentioned,
        others=others,
        leads_with_other=opening is not None and opening.group(1) != bot_user_id,
        has_figure=any(ch.isdigit() for ch in MENTION.sub(" ", text)),
        files=len(files) if isinstance(files, list) else 0,
    )


def readable_mentions(text: str, bot_user_id: str | None) -> str:
    """The bot's own mention removed; another person's shown as `@name` (or `@U…`), so what the
    conversation reads and quotes back is plain text."""

    def replace(match: re.Match[str]) -> str:
        user, label = match.group(1), match.group(2)
        if bot_user_id is None or user == bot_user_id:
            return ""
        return f"@{label or user}"

    return re.sub(r"[ \t]{2,}", " ", MENTION.sub(replace, text)).strip()


@dataclass(frozen=True)
class AssistantThreadEvent:
    """An AI app's assistant thread that Slack opened (or whose context changed) for a user."""

    team: str
    channel: str
    """The user's direct message channel with the app (D…)."""
    thread_ts: str
    user: str


def parse_assistant_thread(body: dict[str, Any]) -> AssistantThreadEvent | None:
    """The thread of an `assistant_thread_started` or `assistant_thread_context_changed` event,
    or None when the payload lacks what a thread needs."""
    event = body.get("event")
    if not isinstance(event, dict):
        return None
    thread = event.get("assistant_thread")
    if not isinstance(thread, dict):
        return None
    context = thread.get("context")
    context = context if isinstance(context, dict) else {}
    channel, thread_ts = _str(thread.get("channel_id")), _str(thread.get("thread_ts"))
    user = _str(thread.get("user_id"))
    team = _str(body.get("team_id")) or _str(context.get("team_id"))
    if not (team and channel and thread_ts and user):
        return None
    return AssistantThreadEvent(team=team, channel=channel, thread_ts=thread_ts, user=user)
