"""Slack as the delivery loop's reply sink: engine replies rendered as Block Kit and posted in the
message's thread, with the cost chart after advice."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence

from bot.conversation import ConversationState, Reply
from bot.render.chart import cost_chart_alt_text, cost_chart_png
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


class SlackReplies:
    """Posts a conversation's replies into its Slack thread."""

    def __init__(self, poster: Poster, events: Events, policy: Policy,
                 prices: PriceCatalog | None = None) -> None:
        self.poster = poster
        self.events = events
        self.policy = policy
        self.prices = prices

    def render(self, key: str, message: QueuedMessage, replies: Sequence[Reply]) -> list[QueuedReply]:
        return [queued_reply(message.channel, rendered, message.thread_ts)
                for reply in replies for rendered in render.reply_messages(reply, key)]

    def deliver(self, message: QueuedMessage, work: Callable[[], list[QueuedReply]]) -> None:
        if message.thread_ts:
            self.poster.post_with_working_signal(message.channel, message.thread_ts, work)
        else:
            self.poster.deliver(work())

    def send(self, reply: QueuedReply) -> None:
        self.poster.send(reply)

    def apologise(self, message: QueuedMessage) -> None:
        self.poster.try_ephemeral(message.channel, message.user, text_message(APOLOGY),
                                  message.thread_ts)

    def after_turn(self, key: str, message: QueuedMessage, state: ConversationState) -> None:
        self.chart(key, message.channel, message.thread_ts, state)

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
            alt = cost_chart_alt_text(facts, self.policy, result.cost.break_even_tokens, self.prices)
            self.poster.upload_file(channel, thread_ts, png, filename="cost-comparison.png",
                                    title="Monthly cost: API vs self-hosted", alt_txt=alt)
        except SlackCallFailed as exc:  # without files:write the text stands alone
            log.info("cost chart not uploaded: %s", exc.error)
