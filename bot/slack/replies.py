"""Slack as the delivery loop's reply sink: engine replies rendered as Block Kit and posted in the
message's thread, with the cost chart after advice."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from bot.conversation import ConversationState, Reply
from bot.render.chart import cost_chart_png
from bot.slack import render
from bot.slack.poster import Poster, SlackCallFailed, queued_reply
from bot.store import Events, QueuedMessage, QueuedReply
from scoring import Policy, PriceCatalog

log = logging.getLogger(__name__)

APOLOGY = ("Sorry, something went wrong on my side and I couldn't finish that. "
           "Please try again in a minute.")
COST_FACTS = {"monthly_tokens", "data_residency", "api_price_per_mtok", "api_input_price_per_mtok",
              "api_output_price_per_mtok", "output_share", "gpu_profile", "engineering_fte"}
"""The facts the cost chart is drawn from."""


def text_message(text: str) -> render.SlackMessage:
    """A plain one-section message."""
    return render.SlackMessage(text=text, blocks=[
        {"type": "section", "text": {"type": "mrkdwn", "text": text}}])


class ThreadSurface(Protocol):
    """What a thread shows around a turn besides its replies (an AI app's assistant threads)."""

    def status(self, message: QueuedMessage) -> str | None:
        """The status the thread shows while `message`'s turn runs, instead of a "working on
        it" placeholder; None for a thread that gets the placeholder when a turn is slow."""

    def named(self, message: QueuedMessage, name: str | None) -> None:
        """The conversation's workload is called `name` (None while it has no name)."""


class SlackReplies:
    """Posts a conversation's replies into its Slack thread."""

    def __init__(self, poster: Poster, events: Events, policy: Policy,
                 prices: PriceCatalog | None = None, surface: ThreadSurface | None = None) -> None:
        self.poster = poster
        self.events = events
        self.policy = policy
        self.prices = prices
        self.surface = surface

    def render(self, key: str, message: QueuedMessage, replies: Sequence[Reply]) -> list[QueuedReply]:
        return [queued_reply(message.channel, rendered, message.thread_ts)
                for reply in replies for rendered in render.reply_messages(reply, key)]

    def deliver(self, message: QueuedMessage, work: Callable[[], list[QueuedReply]]) -> None:
        if message.thread_ts:
            status = self.surface.status(message) if self.surface is not None else None
            self.poster.post_with_working_signal(message.channel, message.thread_ts, work, status)
        else:
            self.poster.deliver(work())

    def send(self, reply: QueuedReply) -> None:
        self.poster.send(reply)

    def apologise(self, message: QueuedMessage) -> None:
        self.poster.try_ephemeral(message.channel, message.user, text_message(APOLOGY),
                                  message.thread_ts)

    def after_turn(self, key: str, message: QueuedMessage, state: ConversationState) -> None:
        self.chart(key, message.channel, message.thread_ts, state)
        if self.surface is not None:
            self.surface.named(message, state.current.name)

    def chart(self, key: str, channel: str, thread_ts: str | None, state: ConversationState) -> None:
        """The cost chart for the advice `state` holds, once per set of cost inputs."""
        if state.stage != "advised" or state.last_result is None or state.earlier:
            return
        result = state.last_result
        if result.kind != "workload":
            return
        facts = state.current.workload()
        # One chart per set of cost inputs: a new answer about latency does not redraw it.
        cost_inputs = facts.model_dump_json(include=COST_FACTS)
        digest = hashlib.sha256(cost_inputs.encode()).hexdigest()[:16]
        if not self.events.claim(f"chart:{key}:{digest}"):
            return
        png = cost_chart_png(facts, self.policy, result.cost.break_even_tokens, self.prices)
        if png is None:
            return
        try:
            self.poster.upload_file(channel, thread_ts, png, filename="cost-comparison.png",
                                    title="Monthly cost: API vs self-hosted")
        except SlackCallFailed as exc:  # without files:write the text stands alone
            log.info("cost chart not uploaded: %s", exc.error)
