"""What the delivery loop needs from a chat platform: somewhere to post replies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.conversation import ConversationState, Reply
from bot.errors import AdvisorError
from bot.store import QueuedMessage, QueuedReply


class DeliveryFailed(AdvisorError):
    """The platform refused a call or could not be reached (after its client's own retries)."""

    def __init__(self, method: str, error: str, transient: bool = False) -> None:
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error
        self.transient = transient
        """Unreachable, rate limiting or failing: the same call may well succeed later."""


class Undelivered(AdvisorError):
    """The platform would not take these replies for now; `replies` are the unsent ones, in
    order, ready to be sent later with `ReplySink.send`."""

    def __init__(self, cause: DeliveryFailed, replies: list[QueuedReply]) -> None:
        super().__init__(f"{len(replies)} repl{'y' if len(replies) == 1 else 'ies'} undelivered: {cause}")
        self.cause = cause
        self.replies = replies


@dataclass(frozen=True)
class Working:
    """The "working on it" message a slow turn may show before its replies, under `reply_id`.
    The sink calls `posting` with it just before posting it (so its intent is recorded first),
    and `gone` once the turn's first new message replaced it or it was deleted."""

    reply_id: str
    posting: Callable[[QueuedReply], None]
    gone: Callable[[], None]


class ReplySink(Protocol):
    """Posts a conversation's replies where its messages came from."""

    def render(self, key: str, message: QueuedMessage, replies: Sequence[Reply]) -> list[QueuedReply]:
        """The engine's replies as messages ready to post in `message`'s thread."""

    def deliver(self, message: QueuedMessage, work: Callable[[], list[QueuedReply]],
                working: Working) -> None:
        """Run `work` and post what it returns, in order, telling the user when it takes a while
        (with `working`). Raises `Undelivered` (with the replies not yet posted) when the
        platform is unavailable for now, `DeliveryFailed` when it refuses for good."""

    def send(self, reply: QueuedReply) -> None:
        """Post one queued reply; raises `DeliveryFailed`."""

    def find(self, replies: Sequence[QueuedReply]) -> dict[str, str]:
        """Of `replies` (with reply ids), those the platform holds already: reply id -> the
        message's id there. Raises `DeliveryFailed` when it cannot look."""

    def adopt(self, reply: QueuedReply, posted: str) -> None:
        """`reply` turned out to be posted already, as message `posted`: take it as sent."""

    def discard(self, reply: QueuedReply, posted: str) -> None:
        """Remove the message `posted` (a "working on it" message nobody replaced); never
        raises."""

    def apologise(self, message: QueuedMessage) -> None:
        """Tell the sender their message could not be answered; never raises."""

    def after_turn(self, key: str, message: QueuedMessage, state: ConversationState) -> None:
        """Extras once a turn's replies are posted (a cost chart, say); never raises."""
