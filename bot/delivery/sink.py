"""What the delivery loop needs from a chat platform: somewhere to post replies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


class ReplySink(Protocol):
    """Posts a conversation's replies where its messages came from."""

    def render(self, key: str, message: QueuedMessage, replies: Sequence[Reply]) -> list[QueuedReply]:
        """The engine's replies as messages ready to post in `message`'s thread."""

    def deliver(self, message: QueuedMessage, work: Callable[[], list[QueuedReply]]) -> None:
        """Run `work` and post what it returns, in order, telling the user when it takes a while.
        Raises `Undelivered` (with the replies not yet posted) when the platform is unavailable
        for now, `DeliveryFailed` when it refuses for good."""

    def send(self, reply: QueuedReply) -> None:
        """Post one queued reply; raises `DeliveryFailed`."""

    def apologise(self, message: QueuedMessage) -> None:
        """Tell the sender their message could not be answered; never raises."""

    def after_turn(self, key: str, message: QueuedMessage, state: ConversationState) -> None:
        """Extras once a turn's replies are posted (a cost chart, say); never raises."""
