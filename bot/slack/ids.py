"""Identifiers shared by the Block Kit builders and the listeners that handle their actions."""

from __future__ import annotations

from dataclasses import dataclass

COMMAND = "/llm-advisor"

# Buttons. Each action_id may carry a ":<n>" suffix to stay unique within one message;
# listeners match on the prefix.
QUICK_ANSWER = "quick_answer"
"""value: the message text the engine should receive, e.g. "set latency critical"."""
PIN_DECISION = "pin_decision"
"""value: the conversation key (when known); the click pins the last recommendation of the
conversation its message belongs to."""
WHAT_IF = "what_if"
"""value: the conversation key (when known); opens the what-if modal."""
START_OVER = "start_over"
"""value: the conversation key (when known)."""
RECHECK = "recheck_decision"
"""value: the decision record id."""
REMIND_RECHECK = "remind_recheck"
"""value: the decision record id; schedules a reminder to re-check it."""
FEEDBACK = "advice_feedback"
"""A feedback_buttons element; each button's value: "<positive|negative>:<conversation key>"."""
FORGET_CONFIRM = "forget_confirm"
FORGET_CANCEL = "forget_cancel"
OPEN_ANSWER = "open_full_answer"
"""A link button to the thread's recommendation message; the click only needs an ack."""
OPEN_MODAL = "open_facts_modal"
"""A button (App Home, help) that opens the facts modal."""

# Views.
FACTS_MODAL = "facts_modal"
"""private_metadata: JSON {"channel": channel id or null (answer in the user's DM), "user": id}."""
WHAT_IF_MODAL = "what_if_modal"
"""private_metadata: JSON {"key": conversation key, "reply_ts": the thread answered in, or null}."""

# Block and action ids of the facts modal inputs (block_id == action_id).
INPUT_NAME = "name"
INPUT_RESIDENCY = "data_residency"
INPUT_SPECIALIZATION = "specialization"
INPUT_TOKENS = "monthly_tokens"
INPUT_TOKEN_UNIT = "token_unit"
INPUT_ML = "ml_expertise"
INPUT_LATENCY = "latency"
INPUT_QUALITY = "quality_bar"
INPUT_URGENCY = "time_to_market"
INPUT_API_PRICE = "api_price_per_mtok"
INPUT_GPU = "gpu_profile"
INPUT_API_MODEL = "api_model"
"""An external_select: its options come from the price catalog as the user types."""
INPUT_WHAT_IF = "what_if_change"


DM_TOP = "dm"
"""The thread part of the key of a DM's top-level exchange; never sent to Slack as a ts."""


@dataclass(frozen=True)
class Thread:
    """A Slack thread: the conversation a message, a button or a decision belongs to."""

    team: str
    channel: str
    ts: str
    """The thread's root message ts; "dm" for the top-level exchange in a direct message."""

    @property
    def key(self) -> str:
        """The conversation key the store files this thread under."""
        return f"slack:{self.team}:{self.channel}:{self.ts}"

    @property
    def reply_ts(self) -> str | None:
        """Where replies go: the thread, or None at a DM's top level."""
        return None if self.ts == DM_TOP else self.ts

    @classmethod
    def from_key(cls, key: str) -> Thread | None:
        """The thread a conversation key (as carried by a button's value) names; None for a key
        that names no Slack thread."""
        parts = key.split(":")
        if len(parts) != 4 or parts[0] != "slack" or not all(parts[1:]):
            return None
        return cls(parts[1], parts[2], parts[3])


@dataclass(frozen=True)
class Place:
    """Where a message was written or a button pressed: the conversation it belongs to, and the
    thread the answer goes in (None at a DM's top level). They differ in a DM, where a thread
    under one of the DM's own messages continues the DM's conversation."""

    thread: Thread
    reply_ts: str | None

    @property
    def key(self) -> str:
        return self.thread.key


def conversation_key(team: str, channel: str, thread_ts: str) -> str:
    """Slack conversations are keyed by workspace, channel and thread."""
    return Thread(team, channel, thread_ts).key
