"""The Slack-free delivery loop: inbox turns under a lease, the outbox, and the sweep."""

from __future__ import annotations

from bot.delivery.drain import Drainer, Handler
from bot.delivery.loop import GIVE_UP_AFTER, OUTBOX_LEASE, STRANDED_AFTER, DeliveryLoop, holder_name
from bot.delivery.sink import DeliveryFailed, ReplySink, Undelivered, Working

__all__ = [
    "GIVE_UP_AFTER",
    "OUTBOX_LEASE",
    "STRANDED_AFTER",
    "DeliveryFailed",
    "DeliveryLoop",
    "Drainer",
    "Handler",
    "ReplySink",
    "Undelivered",
    "Working",
    "holder_name",
]
