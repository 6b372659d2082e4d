"""Persistence: conversations, decision records, event de-duplication, the per-conversation inbox
and the outbox of replies waiting for Slack, on SQLite or PostgreSQL."""

from __future__ import annotations

from bot.store.engine import create_store_engine, database_url
from bot.store.errors import StaleState, StoreError, StoreUnavailable
from bot.store.models import Conversation, DecisionRecord, InboxItem, OutboxItem
from bot.store.repository import Clock, Store, utc_now

__all__ = [
    "Clock",
    "Conversation",
    "DecisionRecord",
    "InboxItem",
    "OutboxItem",
    "StaleState",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "create_store_engine",
    "database_url",
    "utc_now",
]
