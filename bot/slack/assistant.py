"""Slack's AI app pane (Agents & AI Apps): the assistant threads a user opens beside Slack.

An assistant thread is a thread in the user's direct message channel with the app, and it runs
the same conversation as any other DM thread. What differs is what the user sees around it:
suggested prompts when the thread opens, a status under the thread ("llm-advisor is scoring…")
instead of a "Working on it…" placeholder while a turn runs, and the thread's title once the
workload has a name. Slack says a thread is an assistant thread only when it starts, so each
one is recorded then; a DM thread never recorded keeps the placeholder.
"""

from __future__ import annotations

import contextlib
import logging
import re

from bot.conversation.intent import classify
from bot.slack.ids import Thread
from bot.slack.inbound import AssistantThreadEvent
from bot.slack.poster import Poster, SlackCallFailed, SuggestedPrompt
from bot.slack.render.blocks import truncate
from bot.store import Events, QueuedMessage, StoreUnavailable

log = logging.getLogger(__name__)

PROMPTS_TITLE = "Try one of these"
SUGGESTED_PROMPTS = (
    SuggestedPrompt(title="Should we self-host our support classifier?",
                    message="Should we self-host our support classifier?"),
    SuggestedPrompt(title="Compare API vs self-hosting for 100M tokens/month",
                    message="Compare API vs self-hosting for 100M tokens/month"),
    SuggestedPrompt(title="Patient notes that must stay in the EU",
                    message="We summarise patient notes, about 2M tokens a day, and the data "
                            "must stay in the EU"),
    SuggestedPrompt(title="What does self-hosting cost besides GPUs?",
                    message="What does self-hosting cost besides GPUs?"),
)
"""What a new assistant thread offers (Slack shows at most four)."""

SCORING = "is scoring…"
READING = "is reading the guidance…"
"""Statuses, shown by Slack after the app's name."""
TITLE_MAX = 100

_NUMBER = re.compile(r"\d")
_THREAD = "assistant-thread:"
_TITLED = "assistant-title:"


def working_status(text: str) -> str:
    """What the thread shows while the turn for `text` runs, judged before the turn: a question
    that names no number is most likely a side question answered from the guidance; anything
    else is scored."""
    intent = classify(text, states_facts=_NUMBER.search(text) is not None)
    return READING if intent.kind == "side_question" else SCORING


class AssistantThreads:
    """The assistant threads Slack opened for users, and what they show around a turn."""

    def __init__(self, events: Events, poster: Poster) -> None:
        self.events = events
        self.poster = poster

    def open(self, started: AssistantThreadEvent) -> None:
        """A user opened a new assistant thread: remember it and offer the suggested prompts."""
        thread = Thread(started.team, started.channel, started.thread_ts)
        try:
            self.events.claim(_THREAD + thread.key)
        except StoreUnavailable as exc:
            # The thread still works as a DM thread; only its status falls back to a placeholder.
            log.warning("assistant thread not recorded: %s", exc)
        with contextlib.suppress(SlackCallFailed):
            self.poster.set_suggested_prompts(started.channel, started.thread_ts,
                                              SUGGESTED_PROMPTS, PROMPTS_TITLE)

    def knows(self, thread: Thread) -> bool:
        """Whether `thread` is an assistant thread Slack opened (a conversation of its own)."""
        return self.events.claimed(_THREAD + thread.key)

    def _thread(self, message: QueuedMessage) -> Thread | None:
        """The assistant thread `message` was sent in, or None for any other place."""
        if not message.thread_ts or not message.channel.startswith("D"):
            return None
        thread = Thread(message.team, message.channel, message.thread_ts)
        return thread if self.knows(thread) else None

    def status(self, message: QueuedMessage) -> str | None:
        """The status to show while `message`'s turn runs; None outside assistant threads."""
        return None if self._thread(message) is None else working_status(message.text)

    def named(self, message: QueuedMessage, name: str | None) -> None:
        """Title the assistant thread after its workload, once, when the workload has a name."""
        if not name or not name.strip():
            return
        try:
            thread = self._thread(message)
            if thread is None or not self.events.claim(_TITLED + thread.key):
                return
        except StoreUnavailable as exc:  # the replies are posted; the title can wait a turn
            log.warning("assistant thread title skipped: %s", exc)
            return
        with contextlib.suppress(SlackCallFailed):
            self.poster.set_title(thread.channel, thread.ts, truncate(name.strip(), TITLE_MAX))
