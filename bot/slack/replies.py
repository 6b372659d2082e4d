"""Slack as the delivery loop's reply sink: engine replies rendered as Block Kit and posted in the
message's thread, with the cost chart after advice."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from bot.conversation import ConversationState, Reply
from bot.delivery import Working
from bot.render.chart import cost_chart_alt_text, cost_chart_png
from bot.slack import render
from bot.slack.poster import Poster, SlackCallFailed, queued_reply
from bot.slack.render import SlackMessage
from bot.slack.render.messages import advice_messages, turn_messages
from bot.store import AnchorRef, Anchors, Events, QueuedMessage, QueuedReply
from scoring import Policy, PriceCatalog

log = logging.getLogger(__name__)

APOLOGY = ("Sorry, something went wrong on my side and I couldn't finish that. "
           "Please try again in a minute.")
COST_FACTS = {"monthly_tokens", "data_residency", "api_price_per_mtok", "api_input_price_per_mtok",
              "api_output_price_per_mtok", "output_share", "gpu_profile", "engineering_fte"}
"""The facts the cost chart is drawn from."""
RECOMMENDATION = "recommendation"
"""The anchor name of a thread's recommendation message(s)."""


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
                 prices: PriceCatalog | None = None, anchors: Anchors | None = None,
                 surface: ThreadSurface | None = None) -> None:
        self.poster = poster
        self.events = events
        self.policy = policy
        self.prices = prices
        self.anchors = anchors
        self.surface = surface

    def render(self, key: str, message: QueuedMessage, replies: Sequence[Reply]) -> list[QueuedReply]:
        """One new message per turn; the thread's recommendation is posted once and from then
        on updated in place (see `turn_messages`)."""
        channel, thread_ts = message.channel, message.thread_ts
        pages = self.anchors.pages(key, RECOMMENDATION) if self.anchors is not None else []
        link = self.poster.permalink(channel, pages[0]) if pages and any(
            r.advice is not None for r in replies) else None
        turn = turn_messages(replies, key, has_recommendation=bool(pages), link=link)
        posts = [queued_reply(channel, rendered, thread_ts) for rendered in turn.message]
        recommendation = self._recommendation(key, channel, thread_ts, turn.recommendation, pages)
        if not pages and not turn.recommendation:
            recommendation = self._pending(key, channel, thread_ts, replies)
        return [*posts, *recommendation] if turn.message_first else [*recommendation, *posts]

    def _pending(self, key: str, channel: str, thread_ts: str | None,
                 replies: Sequence[Reply]) -> list[QueuedReply]:
        """A changed recommendation for a thread whose recommendation message is not known yet
        (it still waits to be posted): edits resolved against it when they are sent."""
        updates = [r for r in replies if r.kind == "update" and r.advice is not None]
        if not updates or updates[-1].advice is None:
            return []
        return [QueuedReply(channel=channel, text=page.text, blocks=list(page.blocks),
                            thread_ts=thread_ts,
                            anchor=AnchorRef(key=key, name=RECOMMENDATION, page=index, pending=True))
                for index, page in enumerate(advice_messages(updates[-1].advice, key))]

    def _resolved(self, reply: QueuedReply) -> QueuedReply | None:
        """A pending recommendation edit as an edit of the page it now replaces, or None when
        the thread holds no such page; any other reply as it is."""
        anchor = reply.anchor
        if anchor is None or not anchor.pending:
            return reply
        pages = self.anchors.pages(anchor.key, anchor.name) if self.anchors is not None else []
        if anchor.page >= len(pages):
            return None
        return reply.model_copy(update={"update_ts": pages[anchor.page],
                                        "anchor": anchor.model_copy(update={"pending": False})})

    def _resolve_all(self, replies: Sequence[QueuedReply]) -> list[QueuedReply]:
        return [resolved for reply in replies if (resolved := self._resolved(reply)) is not None]

    def _recommendation(self, key: str, channel: str, thread_ts: str | None,
                        rendered: Sequence[SlackMessage],
                        pages: Sequence[str]) -> list[QueuedReply]:
        """The recommendation as edits of the messages that hold it, or as new messages when
        there are none or its length in pages changed (the old ones then say so)."""
        if not rendered:
            return []
        if len(pages) == len(rendered):
            return [QueuedReply(channel=channel, text=page.text, blocks=list(page.blocks),
                                thread_ts=thread_ts, update_ts=ts,
                                anchor=AnchorRef(key=key, name=RECOMMENDATION, page=index))
                    for index, (page, ts) in enumerate(zip(rendered, pages, strict=True))]
        superseded = SlackMessage(text="An earlier recommendation, replaced below.",
                                         blocks=[{"type": "context", "elements": [{
                                             "type": "mrkdwn",
                                             "text": "_An earlier recommendation, replaced "
                                                     "by the one below._"}]}])
        edits = [queued_reply(channel, superseded, update_ts=ts) for ts in pages]
        return [*edits, *(queued_reply(channel, page, thread_ts).model_copy(update={
            "anchor": AnchorRef(key=key, name=RECOMMENDATION, page=index)})
            for index, page in enumerate(rendered))]

    def _sent(self, reply: QueuedReply, ts: str) -> None:
        if reply.anchor is not None and self.anchors is not None and ts:
            self.anchors.record(reply.anchor, reply.channel, ts)

    def deliver(self, message: QueuedMessage, work: Callable[[], list[QueuedReply]],
                working: Working) -> None:
        def resolved_work() -> list[QueuedReply]:
            return self._resolve_all(work())

        if message.thread_ts:
            status = self.surface.status(message) if self.surface is not None else None
            self.poster.post_with_working_signal(message.channel, message.thread_ts,
                                                 resolved_work, self._sent, status, working)
        else:
            self.poster.deliver(resolved_work(), self._sent)

    def send(self, reply: QueuedReply) -> None:
        resolved = self._resolved(reply)
        if resolved is not None:
            self._sent(resolved, self.poster.send(resolved))

    def find(self, replies: Sequence[QueuedReply]) -> dict[str, str]:
        """Looks in each thread the replies' posts (edits need no looking: they can be made
        again) and placeholders would be in, once."""
        threads: dict[tuple[str, str | None], set[str]] = {}
        for reply in replies:
            if reply.reply_id and not reply.update_ts:
                threads.setdefault((reply.channel, reply.thread_ts), set()).add(reply.reply_id)
        found: dict[str, str] = {}
        for (channel, thread_ts), reply_ids in threads.items():
            found.update(self.poster.find_posted(channel, thread_ts, reply_ids))
        return found

    def adopt(self, reply: QueuedReply, posted: str) -> None:
        resolved = self._resolved(reply)
        if resolved is not None:
            self._sent(resolved, posted)

    def discard(self, reply: QueuedReply, posted: str) -> None:
        try:
            self.poster.delete(reply.channel, posted)
        except SlackCallFailed as exc:
            log.info("working message not removed: %s", exc.error)

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
            alt = cost_chart_alt_text(facts, self.policy, result.cost.break_even_tokens, self.prices)
            self.poster.upload_file(channel, thread_ts, png, filename="cost-comparison.png",
                                    title="Monthly cost: API vs self-hosted", alt_txt=alt)
        except SlackCallFailed as exc:  # without files:write the text stands alone
            log.info("cost chart not uploaded: %s", exc.error)
