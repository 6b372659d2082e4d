"""What the bot does in Slack, in our own terms: each method is one user-visible operation.

Listeners parse payloads and call these; these call the engine and the store and post
rendered messages. Nothing here knows about Bolt.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient

from bot.conversation import build_advice
from bot.conversation.replies import Reply
from bot.conversation.state import ConversationState
from bot.observability import Metrics, log_context
from bot.services import Services
from bot.slack import ids, render
from bot.slack.chart import cost_chart_png
from bot.slack.inbound import InboundMessage
from bot.slack.poster import Poster, SlackCallFailed, Undelivered, call, reply_payload
from bot.store import DecisionRecord, InboxItem, Store
from scoring import WorkloadFacts, recommend

log = logging.getLogger(__name__)

PIN_ERRORS = {
    "already_pinned": "That decision summary is already pinned in this channel.",
    "not_in_channel": "I'm not a member of this channel, so I can't post or pin here. "
                      "Invite me with `/invite @llm-advisor` and press Pin decision again.",
    "channel_not_found": "I can't see this channel. Invite me with `/invite @llm-advisor` "
                         "and press Pin decision again.",
    "missing_scope": "This workspace installed me without the permission to pin messages "
                     "(pins:write). Ask an admin to reinstall the app from its manifest.",
    "no_permission": "I'm not allowed to pin messages in this channel.",
}
COST_FACTS = {"monthly_tokens", "data_residency", "api_price_per_mtok", "api_input_price_per_mtok",
              "api_output_price_per_mtok", "output_share", "gpu_profile", "engineering_fte"}
"""The facts the cost chart is drawn from."""
STRANDED_AFTER = timedelta(seconds=30)
"""A message still pending this long after it was queued, with nobody holding its conversation,
was left by a replica that stopped mid-message."""
OUTBOX_LEASE = timedelta(seconds=60)
GIVE_UP_AFTER = timedelta(hours=1)
"""Past this, a stranded message is marked done unanswered, and a reply Slack has not taken is
dropped: a reply that late helps nobody."""
APOLOGY = ("Sorry, something went wrong on my side and I couldn't finish that. "
           "Please try again in a minute.")


def _text(message: str) -> render.SlackMessage:
    return render.SlackMessage(text=message, blocks=[
        {"type": "section", "text": {"type": "mrkdwn", "text": message}}])


class SlackAdvisor:
    def __init__(self, services: Services, client: WebClient, bot_user_id: str | None = None,
                 metrics: Metrics | None = None) -> None:
        self.services = services
        self.client = client
        self.poster = Poster(client)
        self.bot_user_id = bot_user_id
        self.metrics = metrics or Metrics()
        self.holder = f"{socket.gethostname()}:{os.getpid()}"
        # When each message queued here was received, so a turn's latency includes its wait in
        # the queue; an item queued by another replica is timed from when it is processed.
        self._queued_at: dict[tuple[str, str], float] = {}
        self._queued_lock = threading.Lock()

    @property
    def store(self) -> Store:
        return self.services.store

    # -- conversations in threads ---------------------------------------------------------------

    def owns(self, key: str) -> bool:
        return self.store.exists(key)

    def on_message(self, message: InboundMessage) -> None:
        """A user message: turn it into exactly one conversation turn, or ignore it."""
        key = ids.conversation_key(message.team, message.channel, message.thread_root)
        if not message.mention and not message.is_dm and not (message.thread_ts and self.owns(key)):
            return
        thread = None if message.is_dm and not message.thread_ts else message.thread_root
        # One mention arrives as app_mention and as message, and Slack redelivers: the message
        # itself (its conversation and ts) is queued once, and only the delivery that queued it
        # answers.
        if not self.turn(key, message.ts, message.text, message.user, message.team,
                         message.channel, thread):
            self.metrics.duplicate_delivery()
            log.info("duplicate delivery ignored", extra={
                "team": message.team, "channel": message.channel, "thread_ts": message.thread_root})

    def turn(self, key: str, message_ts: str, text: str, user: str, team: str, channel: str,
             thread_ts: str | None) -> bool:
        """Queue the message and process the conversation's queue in message order. False, doing
        nothing, when the message was queued before (a repeated delivery)."""
        with self._queued_lock:
            self._queued_at[(key, message_ts)] = time.monotonic()
        try:
            if not self.store.enqueue(key, message_ts, {"text": text, "user": user, "team": team,
                                                        "channel": channel, "thread_ts": thread_ts}):
                return False
            self.store.drain(key, self.holder, lambda item: self._process(key, item),
                             until_ts=message_ts)
            return True
        finally:
            with self._queued_lock:
                self._queued_at.pop((key, message_ts), None)

    def sweep(self, stranded_after: timedelta = STRANDED_AFTER,
              give_up_after: timedelta = GIVE_UP_AFTER) -> int:
        """Post the replies Slack would not take earlier, and answer messages that a replica
        queued and then died before answering; in order, each once. Returns how many messages
        were answered. Replicas run this every little while."""
        abandoned = self.store.abandon_pending(give_up_after)
        dropped = self.store.abandon_unsent_replies(give_up_after)
        if abandoned or dropped:
            log.warning("gave up on messages and replies left waiting too long",
                        extra={"count": abandoned, "replies": dropped,
                               "older_than_s": give_up_after.total_seconds()})
        for key in self.store.keys_with_unsent_replies():
            token = f"{self.holder}/outbox/{uuid.uuid4().hex[:12]}"
            if not self.store.acquire_lease(key, token, OUTBOX_LEASE):
                continue  # its holder posts them before its own replies
            try:
                if not self._flush_outbox(key):
                    break  # Slack is still unavailable: the next sweep tries again
            finally:
                self.store.release_lease(key, token)
        answered = 0
        for key in self.store.stranded(stranded_after):
            answered += self.store.drain(key, self.holder, functools.partial(self._process, key),
                                         wait=timedelta(0))
        if answered:
            log.info("answered messages a stopped replica left queued", extra={"count": answered})
        return answered

    def _process(self, key: str, item: InboxItem) -> dict[str, Any] | None:
        payload = item.payload
        channel, thread_ts = payload["channel"], payload.get("thread_ts")
        with self._queued_lock:
            started = self._queued_at.get((key, item.message_ts), time.monotonic())
        parsed = ids.parse_conversation_key(key)
        team, _, thread = parsed if parsed else (payload.get("team"), channel, thread_ts)
        outcome = "ok"
        advised: list[str] = []
        after: list[ConversationState] = []
        with log_context(team=team, channel=channel, thread_ts=thread):
            try:
                def work() -> list[render.SlackMessage]:
                    replies, state = self.services.conversations.respond(
                        key, payload["text"], owner_user=payload["user"], team=payload["team"],
                        channel=channel)
                    after[:] = [state]
                    advised.extend(self._count_recommendations(replies))
                    return [m for reply in replies for m in render.reply_messages(reply, key)]

                outcome = self._reply(key, channel, thread_ts, work, item.owes_replies)
                if outcome == "ok":
                    self._chart_for_last_advice(key, channel, thread_ts, after[0] if after else None)
            except SlackCallFailed as exc:
                outcome = "slack_error"
                log.warning("could not answer in Slack",
                            extra={"method": exc.method, "error": exc.error})
                self.poster.try_ephemeral(channel, payload["user"], _text(APOLOGY), thread_ts)
            except Exception:
                outcome = "error"
                log.exception("turn failed")
                self.poster.try_ephemeral(channel, payload["user"], _text(APOLOGY), thread_ts)
            seconds = time.monotonic() - started
            self.metrics.turn_processed(outcome, seconds)
            log.info("turn processed", extra={
                "team": team, "channel": channel, "thread_ts": thread, "outcome": outcome,
                "latency_ms": round(seconds * 1000, 1),
                **({"recommendation": advised[-1]} if advised else {})})
        return None

    def _reply(self, key: str, channel: str, thread_ts: str | None,
               work: Callable[[], list[render.SlackMessage]], owes_replies: bool) -> str:
        """Run the turn and post its replies, after any this conversation still owes
        (`owes_replies`). While Slack is unavailable they join the outbox instead ("queued"), to
        be posted in order by the next turn or sweep that finds Slack back."""
        if owes_replies and not self._flush_outbox(key):
            self.store.queue_replies(key, [reply_payload(channel, m, thread_ts) for m in work()])
            log.warning("replies queued behind earlier ones Slack has not taken yet")
            return "queued"
        try:
            if thread_ts:
                self.poster.post_with_working_signal(channel, thread_ts, work)
            else:
                self.poster.deliver([reply_payload(channel, m) for m in work()])
        except Undelivered as exc:
            self.store.queue_replies(key, exc.replies)
            log.warning("Slack unavailable; replies queued",
                        extra={"method": exc.cause.method, "error": exc.cause.error,
                               "count": len(exc.replies)})
            return "queued"
        return "ok"

    def _flush_outbox(self, key: str) -> bool:
        """Post the replies `key` still owes, in order; True once none is left. The caller holds
        the conversation's lease. A reply Slack refuses for good is dropped and logged."""
        for item in self.store.unsent_replies(key):
            try:
                self.poster.send(item.payload)
            except SlackCallFailed as exc:
                if exc.transient:
                    self.store.reply_attempt_failed(item.id, exc.error)
                    return False
                log.warning("queued reply refused by Slack; dropped",
                            extra={"method": exc.method, "error": exc.error})
                self.store.finish_reply(item.id, "dropped", exc.error)
                continue
            self.store.finish_reply(item.id, "sent")
        return True

    def _count_recommendations(self, replies: Sequence[Reply]) -> list[str]:
        given = [str(reply.advice.result.recommendation) for reply in replies
                 if reply.advice is not None]
        for recommendation in given:
            self.metrics.recommendation_given(recommendation)
        return given

    def _chart_for_last_advice(self, key: str, channel: str, thread_ts: str | None,
                               state: ConversationState | None = None) -> None:
        """The cost chart for the advice this turn gave (`state`, as saved), once per set of
        cost inputs."""
        state = state or self.services.conversations.load(key)
        if state.stage != "advised" or state.last_result is None or state.earlier:
            return
        if state.last_result.kind != "workload":
            return
        facts = state.current.workload()
        # One chart per set of cost inputs: a new answer about latency does not redraw it.
        cost_inputs = facts.model_dump_json(include=COST_FACTS)
        digest = hashlib.sha256(cost_inputs.encode()).hexdigest()[:16]
        if not self.store.claim_event(f"chart:{key}:{digest}"):
            return
        png = cost_chart_png(facts, self.services.policy,
                             state.last_result.cost.break_even_tokens)
        if png is None:
            return
        try:
            self.client.files_upload_v2(content=png, filename="cost-comparison.png",
                                        title="Monthly cost: API vs self-hosted",
                                        channel=channel, thread_ts=thread_ts)
        except Exception as exc:  # without files:write the text stands alone
            log.info("cost chart not uploaded: %s", getattr(exc, "response", {}) and
                     exc.response.get("error"))  # type: ignore[attr-defined]

    # -- slash command ----------------------------------------------------------------------------

    def start_from_text(self, team: str, channel: str, user: str, text: str) -> None:
        """`/llm-advisor <text>`: a new thread seeded with the text."""
        intro = _text(f"<@{user}> asked for LLM deployment advice:\n>{render.escape(text)}")
        try:
            root = self.poster.post(channel, intro)
        except SlackCallFailed as exc:
            self._explain_post_failure(channel, user, exc)
            return
        key = ids.conversation_key(team, channel, root)
        self.turn(key, root, text, user, team, channel, root)

    def start_from_facts(self, team: str, channel: str, user: str, facts: dict[str, Any],
                         name: str | None) -> None:
        """The facts modal was submitted: the recommendation becomes a thread the bot owns."""
        state, replies = self.services.engine.start_with_facts(
            WorkloadFacts.model_validate({**facts, "name": name}))
        advice_replies = [r for r in replies if r.advice is not None] or replies
        messages = [m for r in advice_replies for m in render.reply_messages(r, "pending")]
        try:
            root = self.poster.post(channel, messages[0])
        except SlackCallFailed as exc:
            self._explain_post_failure(channel, user, exc)
            return
        self._count_recommendations(advice_replies)
        key = ids.conversation_key(team, channel, root)
        self.store.save(key, state.model_dump(mode="json"), None, owner_user=user, team=team,
                        channel=channel)
        # The buttons must carry the real key, known only once the root exists.
        keyed = [m for r in advice_replies for m in render.reply_messages(r, key)]
        self.poster.update(channel, root, keyed[0])
        self.poster.post_all(channel, keyed[1:], root)
        self._chart_for_last_advice(key, channel, root, state)

    def _explain_post_failure(self, channel: str, user: str, exc: SlackCallFailed) -> None:
        message = PIN_ERRORS.get(exc.error, f"Slack refused the message ({exc.error}).")
        self.poster.try_ephemeral(channel, user, _text(message))

    # -- buttons ----------------------------------------------------------------------------------

    def pin(self, key: str, user: str) -> None:
        parsed = ids.parse_conversation_key(key)
        stored = self.store.load(key)
        if parsed is None or stored is None:
            return
        team, channel, thread_ts = parsed
        state = self.services.conversations.load(key)
        if state.last_result is None:
            self.poster.try_ephemeral(channel, user, _text("There is no recommendation to pin yet."),
                                      thread_ts)
            return
        result = state.last_result
        facts = {fact: note.value for fact, note in state.current.facts.items()}
        advice = build_advice(result, facts, self.services.knowledge,
                              index_version=self._index_version())
        try:
            permalink = str(call(self.client, "chat.getPermalink", channel=channel,
                                 message_ts=thread_ts).get("permalink") or "") or None
        except SlackCallFailed:
            permalink = None
        record = DecisionRecord(
            conversation_key=key, user_id=user, team=team, channel=channel, thread_ts=thread_ts,
            permalink=permalink, title=state.current.name or "LLM workload", facts=facts,
            result=result.model_dump(mode="json"), recommendation=str(result.recommendation),
            policy_version=f"{result.policy.version} ({result.policy.fingerprint})",
            index_version=advice.index_version)
        summary = render.decision_summary(record, advice, permalink, user)
        try:
            ts = self.poster.post(channel, summary)
            call(self.client, "pins.add", channel=channel, timestamp=ts)
        except SlackCallFailed as exc:
            self.poster.try_ephemeral(channel, user, _text(
                PIN_ERRORS.get(exc.error, f"I couldn't pin that ({exc.error}).")), thread_ts)
            return
        self.store.add_decision(record)
        self.poster.try_ephemeral(channel, user, _text("Pinned the decision summary in this channel."),
                                  thread_ts)

    def _index_version(self) -> str:
        knowledge = self.services.knowledge
        try:
            return knowledge.version if knowledge is not None else ""
        except Exception:
            return ""

    def command_in_thread(self, key: str, user: str, text: str, action_ts: str) -> None:
        """A button that stands for a typed message (quick answers, Start over, what-if)."""
        parsed = ids.parse_conversation_key(key)
        if parsed is None:
            return
        team, channel, thread_ts = parsed
        self.turn(key, action_ts, text, user, team, channel, thread_ts)

    def recheck(self, decision_id: int, user: str, channel: str | None) -> render.SlackMessage:
        record = self.store.get_decision(decision_id)
        if record is None or record.user_id != user:
            return _text("I can't find that decision.")
        facts = WorkloadFacts.model_validate(record.facts)
        result = recommend(facts, self.services.policy)
        advice = build_advice(result, record.facts, self.services.knowledge,
                              index_version=self._index_version())
        from bot.render.conversation_text import render_advice

        changed = str(result.recommendation) != record.recommendation
        return render.recheck_message(record, str(result.recommendation), changed,
                                      render_advice(advice))

    def forget(self, user: str) -> render.SlackMessage:
        conversations = self.store.delete_conversations(user)
        decisions = self.store.delete_decisions(user)
        return _text(f"Done: I deleted {conversations} conversation(s) and {decisions} decision "
                     "record(s) of yours.")

    def history(self, user: str, team: str) -> render.SlackMessage:
        return render.history_messages(self.store.list_decisions(user, team=team, limit=10))

    def publish_home(self, user: str, team: str | None) -> None:
        decisions = self.store.list_decisions(user, team=team, limit=20)
        call(self.client, "views.publish", user_id=user, view=render.home_view(decisions, user))

    def mark_chosen(self, body: dict[str, Any], label: str, user: str) -> None:
        """Replace a question's buttons with the answer chosen, so it can't be pressed twice."""
        message = body.get("message") or {}
        channel = (body.get("container") or {}).get("channel_id")
        if not channel or not message.get("ts"):
            return
        kept = [block for block in message.get("blocks") or [] if block.get("type") != "actions"]
        kept.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": f"<@{user}> chose *{render.escape(label)}*"}]})
        with contextlib.suppress(SlackCallFailed):
            self.poster.update(str(channel), str(message["ts"]),
                               render.SlackMessage(text=str(message.get("text") or label), blocks=kept))
