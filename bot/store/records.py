"""The typed records the store takes and hands out; rows never leave the store as dicts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from scoring import Portfolio, Recommendation, WorkloadFacts

StateDocument = dict[str, Any]
"""A conversation's state as stored JSON. The store keeps it whole and does not read inside it;
`bot.conversation` owns its shape (`ConversationState`) and validates it on load."""


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class QueuedMessage(_Record):
    """One user message waiting in its conversation's inbox: who said what, and where."""

    text: str
    user: str
    team: str
    channel: str
    thread_ts: str | None = None
    """The thread the replies go to; None for a top-level DM exchange."""


class AnchorRef(_Record):
    """Page `page` of a message conversation `key` keeps up to date in place (`name`, e.g.
    "recommendation")."""

    key: str
    name: str
    page: int = 0
    pending: bool = False
    """Rendered before the anchor's message was known (its first posting still waited to be
    sent): when sent, it replaces page `page` as recorded by then, and is dropped if there is
    none."""


class QueuedReply(_Record):
    """A reply waiting in the outbox: posted in `thread_ts`, or replacing message `update_ts`."""

    channel: str
    text: str
    blocks: list[dict[str, Any]] = Field(default_factory=list)
    """Block Kit JSON, built by the Slack renderer and passed through untouched."""
    thread_ts: str | None = None
    update_ts: str | None = None
    anchor: AnchorRef | None = None
    """Once posted, the message becomes this anchor, to be updated in place by later turns."""
    reply_id: str | None = None
    """Posted with this id in the message's metadata, the same whichever replica computes it:
    whoever cannot tell whether Slack took the message looks for the id before posting again."""
    placeholder: bool = False
    """A "working on it" message, replaced by the first new message of its turn or deleted."""


class TurnReplies(_Record):
    """What a turn is to post, recorded in the transaction that saves the turn's state."""

    message_ts: str
    replies: list[QueuedReply]


class InboxItem(_Record):
    """A queued message; `processed_at` is None while it is pending."""

    id: int
    conversation_key: str
    message_ts: str
    message: QueuedMessage
    created_at: datetime
    processed_at: datetime | None = None
    outcome: str | None = None
    """Once processed: "ok", "error", "abandoned" and the like."""
    owes_replies: bool = False
    """Whether, when the item was handed out under the conversation's lease, replies Slack
    had not taken yet were waiting in its outbox (only lease holders add or post them, so this
    holds while the lease does)."""
    begun: bool = False
    """Whether a turn for this message already got as far as recording a reply or a "working on
    it" message (in the outbox): handed out again, its replies may be in Slack already."""

    @property
    def processed(self) -> bool:
        return self.processed_at is not None


OutboxOutcome = Literal["sent", "dropped", "abandoned"]


class OutboxItem(_Record):
    """A reply waiting to be posted; `outcome` is None while it waits."""

    id: int
    conversation_key: str
    reply: QueuedReply
    created_at: datetime
    message_ts: str | None = None
    """The message whose turn wrote it; None for a reply queued on its own."""
    attempts: int = 0
    last_error: str | None = None
    outcome: OutboxOutcome | None = None


class Conversation(_Record):
    """A stored conversation; `version` is what the next `save` must name as expected."""

    key: str
    state: StateDocument
    version: int
    owner_user: str | None = None
    """Who started it; those who spoke since are its participants (`Conversations.participants`)."""
    team: str | None = None
    channel: str | None = None
    updated_at: datetime


class ForgetReport(_Record):
    """What `Store.forget` removed for one user."""

    started: int = 0
    """Conversations the user started, deleted whole."""
    joined: int = 0
    """Conversations the user only joined: their messages, facts and words removed, the rest kept."""
    decisions: int = 0
    """The user's own decision records (the ones they pinned)."""
    votes: int = 0
    reminders: int = 0


class DecisionRecord(BaseModel):
    """A pinned decision: the facts it was given (a workload, or a whole portfolio), the
    recommendation and the versions that produced it."""

    model_config = ConfigDict(extra="forbid")

    id: int | None = None
    conversation_key: str | None = None
    user_id: str
    team: str
    channel: str | None = None
    thread_ts: str | None = None
    permalink: str | None = None
    title: str
    facts: WorkloadFacts | Portfolio
    result: Recommendation
    policy_version: str
    index_version: str
    created_at: datetime | None = None
    """Set from the store's clock when left empty."""

    @property
    def recommendation(self) -> str:
        return str(self.result.recommendation)

    @property
    def facts_complete(self) -> bool:
        """False for a portfolio decision recorded by an earlier version, which kept only the
        last use case's facts beside the portfolio's result: it cannot be re-scored."""
        return not (self.result.kind == "portfolio" and isinstance(self.facts, WorkloadFacts))


class Reminder(_Record):
    """A decision's re-check reminder, claimed before Slack is asked to schedule it;
    `scheduled_message_id` is Slack's id once it is scheduled."""

    decision_id: int
    user_id: str
    channel: str
    post_at: datetime
    scheduled_message_id: str | None = None
    created_at: datetime


Vote = Literal["positive", "negative"]


class FeedbackVote(_Record):
    """One user's thumbs up or down on one recommendation message.

    Filed under the message and its conversation (`conversation_key`). A decision pinned from
    that conversation keeps the same key, so its votes are `Feedback.for_conversation` of the
    record's `conversation_key`: votes cast before and after pinning alike.
    """

    team: str
    channel: str
    message_ts: str
    user_id: str
    conversation_key: str | None = None
    vote: Vote
