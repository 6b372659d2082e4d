"""What the bot does in Slack, in our own terms: each method is one user-visible operation.

Listeners parse payloads and call these; conversation turns go through the delivery loop, and
every Web API call through the poster. Nothing here knows about Bolt.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from bot.conversation import Advice, build_advice
from bot.conversation.attribution import forget_user
from bot.delivery import DeliveryLoop
from bot.observability import Metrics
from bot.observability.probe import Probe
from bot.render.conversation_text import render_advice
from bot.services import Services
from bot.slack import render
from bot.slack.assistant import AssistantThreads
from bot.slack.ids import DM_TOP, Place, Thread
from bot.slack.inbound import AssistantThreadEvent, InboundMessage
from bot.slack.poster import Poster, SlackCallFailed
from bot.slack.render.blocks import escape, truncate
from bot.slack.render.decision import SCHEDULE_MAX_DAYS
from bot.slack.replies import RECOMMENDATION, SlackReplies, text_message
from bot.store import AnchorRef, DecisionRecord, FeedbackVote, QueuedMessage, Store, StoreUnavailable
from scoring import Recommendation, WorkloadFacts, recommend

log = logging.getLogger(__name__)

INTRO_QUOTE_MAX = 2900
"""The most characters of a slash command's text the thread's first message quotes, escaped:
with its opening line the section stays within Slack's 3,000 characters."""


def _quoted(text: str) -> str:
    """`text` escaped for mrkdwn and shortened (on the user's characters, so no escape is cut in
    half) to at most `INTRO_QUOTE_MAX` characters."""
    limit = INTRO_QUOTE_MAX
    quoted = escape(truncate(text, limit))
    while len(quoted) > INTRO_QUOTE_MAX:
        limit = max(1, limit * INTRO_QUOTE_MAX // len(quoted) - 1)
        quoted = escape(truncate(text, limit))
    return quoted


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
CANNOT_POST = frozenset({"not_in_channel", "channel_not_found", "is_archived",
                         "restricted_action"})
"""Slack's answers to a post in a conversation the bot may not write in."""
START_ERRORS = {
    "not_in_channel": "I'm not a member of this channel, so I can't start a thread here. "
                      "Invite me with `/invite @llm-advisor` and run the command again.",
    "channel_not_found": "I can't see this conversation, so I can't start a thread here. "
                         "Invite me with `/invite @llm-advisor`, or send me a DM.",
    "is_archived": "This channel is archived, so I can't post in it. Send me a DM instead.",
    "missing_scope": "This workspace installed me without the permission to post messages "
                     "(chat:write). Ask an admin to reinstall the app from its manifest.",
}
STORE_CHECK_WAIT = 1.0
"""Seconds a slash command waits to learn whether the database answers before starting."""
REMINDER_LEAD = timedelta(days=SCHEDULE_MAX_DAYS) - timedelta(hours=1)
"""When a re-check reminder is due: Slack's limit, less an hour so clocks that differ a little
never make it `time_too_far`."""
FEEDBACK_THANKS = {
    "new": {"positive": "Thanks for the feedback: noted that this recommendation helped.",
            "negative": "Thanks for the feedback: noted that this recommendation didn't help. "
                        "Telling me in the thread what was off helps too."},
    "changed": {"positive": "Thanks: I changed your vote to helpful.",
                "negative": "Thanks: I changed your vote to not helpful."},
    "same": {"positive": "Thanks, your vote (helpful) is already noted.",
             "negative": "Thanks, your vote (not helpful) is already noted."},
}
CONVERSATION_DELETED = (
    "I can't pin this: the conversation was deleted (with `/llm-advisor forget`, or after it "
    "sat idle), so I no longer have its facts. To start again, mention me with the workload "
    "facts or use `/llm-advisor`, then press *Pin decision* under the new recommendation.")
FILES_UNREAD = ("I read text only, so I can't open files or images. Please send the workload "
                "facts as a message, e.g. _support bot, 3M tokens a day, data can't leave our "
                "DC_.")
INCOMPLETE_RECORD = ("This decision was recorded by an earlier version that kept only one of its "
                     "use cases' facts, so it can't be re-checked. Pin it again from its thread.")


HELD = ("I have your message, but my database stopped answering before I could reply. "
        "I'll answer here as soon as it's back; there's no need to send it again.")
COMMAND_LOST = ("Sorry, I can't reach my database right now, so I couldn't take that in. "
                "Please run the command again in a minute.")
EXPIRED = ("This conversation expired under our {days}-day retention; start a new one with "
           "`/llm-advisor`.")


@dataclass(frozen=True)
class Intake:
    """What became of a user message on arrival: queued as a turn of `place`'s conversation, a
    repeat of one queued before, a file share without words, a follow-up in an expired thread,
    or not for the bot."""

    kind: Literal["queued", "repeat", "files", "expired", "ignored"]
    place: Place
    retention_days: int = 0
    """For an expired thread: the retention it expired under."""


def prices_changed(record: DecisionRecord, result: Recommendation) -> str | None:
    """A note when the API price a decision was scored with is not today's."""
    before, now = record.result.cost, result.cost
    if abs(before.blended_api_price_per_mtok - now.blended_api_price_per_mtok) < 1e-9:
        return None
    return (f"Prices changed: the API was priced at ${before.blended_api_price_per_mtok:g} per 1M "
            f"tokens ({before.catalog or 'policy prices'}), today at "
            f"${now.blended_api_price_per_mtok:g} ({now.catalog or 'policy prices'}).")


class SlackAdvisor:
    def __init__(self, services: Services, poster: Poster, bot_user_id: str | None = None,
                 metrics: Metrics | None = None) -> None:
        self.services = services
        self.poster = poster
        self.bot_user_id = bot_user_id
        self.metrics = metrics or Metrics()
        self.assistant = AssistantThreads(services.store.events, poster)
        self.replies = SlackReplies(poster, services.store.events, services.policy,
                                    services.prices, services.store.anchors,
                                    surface=self.assistant)
        self.delivery = DeliveryLoop(services.store, services.conversations, self.replies,
                                     self.metrics, lease=services.lease)
        self._store_probe = Probe(services.store.state, wait=STORE_CHECK_WAIT)

    @property
    def store(self) -> Store:
        return self.services.store

    # -- conversations in threads ---------------------------------------------------------------

    def place(self, team: str, channel: str, thread_ts: str | None, message_ts: str,
              is_dm: bool) -> Place:
        """The conversation a message (or a click on a message) at `message_ts` belongs to.

        In a channel it is the thread's, rooted at the message that started it. In a DM the
        top-level exchange is one conversation; a thread under one of its messages continues
        it (answered in that thread), unless the thread is a conversation of its own (one the
        facts form started there, or an AI app assistant thread)."""
        if not is_dm:
            root = thread_ts or message_ts
            return Place(Thread(team, channel, root), root)
        top = Thread(team, channel, DM_TOP)
        if thread_ts:
            own = Thread(team, channel, thread_ts)
            if (self.store.conversations.exists(own.key) or self.assistant.knows(own)
                    or not self.store.conversations.exists(top.key)):
                return Place(own, thread_ts)
            return Place(top, thread_ts)
        rooted = Thread(team, channel, message_ts)
        if self.store.conversations.exists(rooted.key):
            return Place(rooted, message_ts)
        return Place(top, None)

    def on_message(self, message: InboundMessage) -> None:
        """A user message, received and answered at once (see `receive` and `answer`)."""
        self.answer(message, self.receive(message))

    def receive(self, message: InboundMessage) -> Intake:
        """What to do with a user message, decided when it arrives: a message for the bot is
        queued durably here, before Slack is told it arrived. Raises `StoreUnavailable` when
        the database cannot take it: Slack, not acknowledged, sends it again."""
        place = self.place(message.team, message.channel, message.thread_ts, message.ts,
                           message.is_dm)
        if not (message.is_dm or message.addressed_to_bot):
            if not message.thread_ts:
                return Intake("ignored", place)
            if not self.store.conversations.exists(place.key):
                days = self.store.expired.knows(place.key)
                return Intake("ignored", place) if days is None else Intake("expired", place, days)
            if message.between_people:
                log.info("message between people left alone", extra={
                    "team": message.team, "channel": message.channel, "thread_ts": message.thread_ts})
                return Intake("ignored", place)
        if message.file_only:
            return Intake("files", place)
        queued = QueuedMessage(text=message.text, user=message.user, team=place.thread.team,
                               channel=place.thread.channel, thread_ts=place.reply_ts)
        # One mention arrives as app_mention and as message, and Slack redelivers: the message
        # itself (its conversation and ts) is queued once, and only the delivery that queued it
        # answers.
        if not self.delivery.queue(place.key, message.ts, queued):
            self.metrics.duplicate_delivery()
            log.info("duplicate delivery ignored", extra={
                "team": message.team, "channel": message.channel, "thread_ts": place.reply_ts})
            return Intake("repeat", place)
        return Intake("queued", place)

    def answer(self, message: InboundMessage, intake: Intake) -> None:
        """Act on what `receive` decided, after Slack has been answered."""
        if intake.kind == "queued":
            self._answer(intake.place, message.ts)
        elif intake.kind == "files":
            self.explain_files(intake.place, message)
        elif intake.kind == "expired":
            self.explain_expired(intake.place, message, intake.retention_days)

    def explain_expired(self, place: Place, message: InboundMessage, days: int) -> None:
        """A follow-up in a thread whose conversation was deleted after sitting idle: say so,
        once per thread."""
        if not self.store.events.claim(f"expired:{place.key}"):
            return
        with contextlib.suppress(SlackCallFailed):
            self.poster.post(message.channel, text_message(EXPIRED.format(days=days)),
                             place.reply_ts)

    def explain_files(self, place: Place, message: InboundMessage) -> None:
        """A file shared without words: say that only text is read, once per message."""
        if not self.store.events.claim(f"files:{place.key}:{message.ts}"):
            return
        with contextlib.suppress(SlackCallFailed):
            self.poster.post(message.channel, text_message(FILES_UNREAD), place.reply_ts)

    def turn(self, place: Place, message_ts: str, text: str, user: str) -> bool:
        """Queue one message of `place`'s conversation and answer it in order, in `place`'s
        thread; False for a repeated delivery. Raises `StoreUnavailable` when the message could
        not be queued."""
        thread = place.thread
        queued = QueuedMessage(text=text, user=user, team=thread.team, channel=thread.channel,
                               thread_ts=place.reply_ts)
        if not self.delivery.queue(thread.key, message_ts, queued):
            return False
        self._answer(place, message_ts)
        return True

    def _answer(self, place: Place, message_ts: str) -> None:
        """Answer a queued message; if the database stops answering part way, the message stays
        queued for the sweep, and the thread is told so."""
        try:
            self.delivery.answer(place.key, message_ts)
        except StoreUnavailable as exc:
            log.warning("database unavailable mid-turn: %s", exc)
            with contextlib.suppress(SlackCallFailed):
                self.poster.post(place.thread.channel, text_message(HELD), place.reply_ts)

    def open_assistant_thread(self, started: AssistantThreadEvent) -> None:
        """The user opened a thread in the AI app pane; its messages arrive as DM thread
        messages and go through `on_message` like any other."""
        self.assistant.open(started)

    def command_in_thread(self, place: Place, user: str, text: str, action_ts: str) -> None:
        """A button that stands for a typed message (quick answers, Start over, what-if)."""
        self.turn(place, action_ts, text, user)

    def admits_click(self, place: Place, user: str, is_dm: bool) -> bool:
        """Whether a click by `user` on a message of `place`'s conversation may act on it. A DM
        or AI app thread is its participants' alone: another user's click is refused. In a
        channel thread anyone may click, and so takes part. A conversation not stored (never
        started, or forgotten) admits the click, for the action to say so."""
        if is_dm:
            participants = self.store.conversations.participants(place.key)
            return not participants or user in participants
        self.store.conversations.join(place.key, user)
        return True

    def claim_once(self, what: str) -> bool:
        """True the first time, in any replica, that `what` (a click on a message as it stood,
        a form submission) is handled; False for a repeat."""
        return self.store.events.claim(what)

    # -- slash command and form -------------------------------------------------------------------

    def start_from_text(self, team: str, channel: str, user: str, text: str,
                        response_url: str | None = None) -> None:
        """`/llm-advisor <text>`: a new thread seeded with the text. Where the bot cannot post
        (a channel it has not joined, a DM between other people) the thread starts in the
        user's DM with the bot instead, and the command's `response_url` says so."""
        if not self._store_probe().ok:
            # Slack never sends a command again: the user is told now, and nothing is posted.
            log.warning("database unavailable; command refused")
            lost = text_message(COMMAND_LOST)
            if not (response_url and self.poster.respond(response_url, lost)):
                self.poster.try_ephemeral(channel, user, lost)
            return
        quoted = _quoted(text)
        intro = text_message(f"<@{user}> asked for LLM deployment advice:\n>{quoted}")
        try:
            root = self.poster.post(channel, intro)
        except SlackCallFailed as exc:
            if exc.error not in CANNOT_POST or not self._start_in_dm(team, channel, user, text,
                                                                     response_url):
                self._explain_start_failure(channel, user, exc, response_url)
            return
        self._start_turn(Place(Thread(team, channel, root), root), root, text, user)

    def _start_turn(self, place: Place, root: str, text: str, user: str) -> None:
        """The first turn of a thread the command started; when the database cannot take it,
        the thread says so (Slack does not send a command again)."""
        try:
            self.turn(place, root, text, user)
        except StoreUnavailable as exc:
            log.warning("database unavailable; command not queued: %s", exc)
            with contextlib.suppress(SlackCallFailed):
                self.poster.post(place.thread.channel, text_message(COMMAND_LOST), root)

    def _start_in_dm(self, team: str, channel: str, user: str, text: str,
                     response_url: str | None) -> bool:
        try:
            dm = self.poster.open_dm(user)
            intro = text_message(f"You asked for LLM deployment advice in <#{channel}>, where I'm "
                                 f"not a member, so we'll continue here:\n>{_quoted(text)}")
            root = self.poster.post(dm, intro)
        except SlackCallFailed as exc:
            log.warning("could not move a command to the DM", extra={"error": exc.error})
            return False
        link = self.poster.permalink(dm, root)
        where = f"<{link}|our DM>" if link else "our DM"
        notice = text_message(
            f"I'm not a member of this channel, so I can't start a thread here: I've answered in "
            f"{where} instead. To use me here, invite me with `/invite @llm-advisor` and run the "
            "command again.")
        if not (response_url and self.poster.respond(response_url, notice)):
            self.poster.try_ephemeral(channel, user, notice)
        self._start_turn(Place(Thread(team, dm, root), root), root, text, user)
        return True

    def _explain_start_failure(self, channel: str, user: str, exc: SlackCallFailed,
                               response_url: str | None) -> None:
        message = text_message(START_ERRORS.get(
            exc.error, f"Slack refused my message ({exc.error}), so I couldn't start a thread."))
        if not (response_url and self.poster.respond(response_url, message)):
            self.poster.try_ephemeral(channel, user, message)

    def start_from_facts(self, team: str, channel: str | None, user: str,
                         facts: WorkloadFacts) -> None:
        """The facts modal was submitted: the recommendation becomes a thread the bot owns, in
        `channel`, or in the user's DM with the bot when there is none (the form was opened from
        App Home)."""
        if channel is None or not channel.startswith(("C", "G", "D")):
            try:
                channel = self.poster.open_dm(user)
            except SlackCallFailed as exc:
                log.warning("could not open a DM for the form's answer", extra={"error": exc.error})
                return
        state, replies = self.services.engine.start_with_facts(facts, user=user)
        advice_replies = [r for r in replies if r.advice is not None] or replies
        # The buttons need no conversation key: a click names its message, the thread's root.
        messages = [m for r in advice_replies for m in render.reply_messages(r, None)]
        try:
            root = self.poster.post(channel, messages[0])
        except SlackCallFailed as exc:
            if exc.error not in CANNOT_POST or channel.startswith("D"):
                self._explain_start_failure(channel, user, exc, None)
                return
            # A channel the bot has not joined: the answer goes to the user's DM, saying why.
            try:
                unreachable, channel = channel, self.poster.open_dm(user)
                note = render.SlackMessage(text=messages[0].text, blocks=[
                    {"type": "context", "elements": [{"type": "mrkdwn", "text": (
                        f"I'm not a member of <#{unreachable}>, so here is your answer in our DM. "
                        "Invite me with `/invite @llm-advisor` to use me there.")}]},
                    *messages[0].blocks])
                messages = [note, *messages[1:]]
                root = self.poster.post(channel, messages[0])
            except SlackCallFailed as again:
                log.warning("could not post the form's answer", extra={"error": again.error})
                return
        self.delivery.count_recommendations(advice_replies)
        thread = Thread(team, channel, root)
        self.services.conversations.save_new(thread.key, state, user=user, team=team,
                                             channel=channel)
        posted = [root, *self.poster.post_all(channel, messages[1:], root)]
        for page, ts in enumerate(posted):
            self.store.anchors.record(AnchorRef(key=thread.key, name=RECOMMENDATION, page=page),
                                      channel, ts)
        self.replies.chart(thread.key, channel, root, state)

    # -- decisions --------------------------------------------------------------------------------

    def pin(self, place: Place, user: str, message_ts: str) -> None:
        """Post and pin the decision summary of the thread's last recommendation, and record it
        with every fact it was scored from (all use cases of a portfolio). The same
        recommendation is pinned once, however often Pin is pressed, in any replica."""
        thread, key = place.thread, place.key
        if not self.store.conversations.exists(key):
            self.explain_deleted(place, user)
            return
        state = self.services.conversations.load(key)
        if state.last_result is None:
            self.poster.try_ephemeral(thread.channel, user,
                                      text_message("There is no recommendation to pin yet."),
                                      place.reply_ts)
            return
        result = state.last_result
        facts = state.scored_facts()
        digest = hashlib.sha256(f"{result.model_dump_json()}{facts.model_dump_json()}".encode())
        claim = f"pin:{key}:{digest.hexdigest()[:24]}"
        if not self.claim_once(claim):
            self.poster.try_ephemeral(thread.channel, user, text_message(
                "That decision is already pinned in this channel: nothing has changed since."),
                place.reply_ts)
            return
        advice = build_advice(result, facts, self.services.knowledge,
                              index_version=self._index_version())
        anchor = place.reply_ts or message_ts
        permalink = self.poster.permalink(thread.channel, anchor)
        record = DecisionRecord(
            conversation_key=key, user_id=user, team=thread.team, channel=thread.channel,
            thread_ts=anchor, permalink=permalink, title=state.current.name or "LLM workload",
            facts=facts, result=result,
            policy_version=f"{result.policy.version} ({result.policy.fingerprint})",
            index_version=advice.index_version, created_at=self.store.db.clock())
        summary = render.decision_summary(record, advice, permalink, user)
        try:
            ts = self.poster.post(thread.channel, summary)
            self.poster.pin(thread.channel, ts)
        except SlackCallFailed as exc:
            self.store.events.release(claim)
            self.poster.try_ephemeral(thread.channel, user, text_message(
                PIN_ERRORS.get(exc.error, f"I couldn't pin that ({exc.error}).")), place.reply_ts)
            return
        decision_id = self.store.decisions.add(record)
        self.add_summary_buttons(ts, record.model_copy(update={"id": decision_id}), advice,
                                 permalink, user)
        self.poster.try_ephemeral(thread.channel, user,
                                  text_message("Pinned the decision summary in this channel."),
                                  place.reply_ts)

    def add_summary_buttons(self, ts: str, record: DecisionRecord, advice: Advice,
                            permalink: str | None, user: str) -> None:
        """The pinned summary, once its record has an id, gains its Re-check and reminder
        buttons (and its decision number)."""
        if record.channel is None:
            return
        with contextlib.suppress(SlackCallFailed):
            self.poster.update(record.channel, ts,
                               render.decision_summary(record, advice, permalink, user))

    def remind_recheck(self, decision_id: int, user: str, channel: str) -> None:
        """Schedule one reminder to re-check a pinned decision, as far ahead as Slack allows;
        a second press, from any replica, says it is already scheduled."""
        record = self.store.decisions.get(decision_id)
        if record is None or record.user_id != user or record.channel is None:
            owner = f" Only <@{record.user_id}>, who pinned it, can." if record is not None else ""
            self.poster.try_ephemeral(channel, user, text_message(
                "I can't set a reminder for that decision." + owner))
            return
        post_at = self.store.db.clock() + REMINDER_LEAD
        if not self.store.reminders.claim(decision_id, user, record.channel, post_at):
            known = self.store.reminders.get(decision_id)
            when = known.post_at if known is not None else post_at
            self.poster.try_ephemeral(channel, user,
                                      text_message(render.reminder_already_text(when.date())))
            return
        try:
            scheduled = self.poster.schedule(record.channel, render.reminder_message(record, user),
                                             int(post_at.timestamp()))
        except SlackCallFailed as exc:
            self.store.reminders.release(decision_id)
            self.poster.try_ephemeral(channel, user, text_message(PIN_ERRORS.get(
                exc.error, f"Slack would not schedule the reminder ({exc.error}).")))
            return
        self.store.reminders.scheduled(decision_id, scheduled)
        self.poster.try_ephemeral(channel, user,
                                  text_message(render.reminder_scheduled_text(post_at.date())))

    def record_feedback(self, vote: FeedbackVote, thread_ts: str | None) -> None:
        """A thumbs up or down on a recommendation: kept once per user and message (a changed
        vote replaces the earlier one), counted, and thanked for."""
        outcome = self.store.feedback.record(vote)
        if outcome != "same":
            self.metrics.feedback_given(vote.vote)
        self.poster.try_ephemeral(vote.channel, vote.user_id,
                                  text_message(FEEDBACK_THANKS[outcome][vote.vote]), thread_ts)

    def explain_deleted(self, place: Place, user: str) -> None:
        """A button pressed under a conversation that was deleted: say so, and how to start again."""
        self.poster.try_ephemeral(place.thread.channel, user, text_message(CONVERSATION_DELETED),
                                  place.reply_ts)

    def _index_version(self) -> str:
        try:
            return self.services.knowledge.version
        except Exception:  # an unreachable index only leaves the record's index version blank
            return ""

    def recheck(self, decision_id: int, user: str) -> render.SlackMessage:
        """A decision scored again under today's policy and guidance."""
        record = self.store.decisions.get(decision_id)
        if record is None or record.user_id != user:
            return text_message("I can't find that decision.")
        if not record.facts_complete:
            return text_message(INCOMPLETE_RECORD)
        result = recommend(record.facts, self.services.policy, self.services.prices)
        advice = build_advice(result, record.facts, self.services.knowledge,
                              index_version=self._index_version())
        changed = str(result.recommendation) != record.recommendation
        return render.recheck_message(record, str(result.recommendation), changed,
                                      render_advice(advice), prices_changed(record, result))

    def forget(self, user: str) -> render.SlackMessage:
        """`/llm-advisor forget`, confirmed: everything stored about the user goes, in one
        transaction, and nobody else's data changes."""
        report = self.store.forget(user, forget_user)
        return text_message(render.forget_done_text(report))

    def history(self, user: str, team: str) -> render.SlackMessage:
        return render.history_messages(self.store.decisions.for_user(user, team=team, limit=10))

    def publish_home(self, user: str, team: str | None) -> None:
        decisions = self.store.decisions.for_user(user, team=team, limit=20)
        self.poster.publish_home(user, render.home_view(decisions, user))

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
