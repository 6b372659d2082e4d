"""Persistence: conversations, decision records, event de-duplication and the per-conversation inbox,
on SQLite or PostgreSQL."""

from __future__ import annotations

from bot.store.engine import create_store_engine, database_url
from bot.store.errors import StaleState, StoreError, StoreUnavailable
from bot.store.models import Conversation, DecisionRecord, InboxItem
from bot.store.repository import Clock, Store, utc_now

__all__ = [
    "Clock",
    "Conversation",
    "DecisionRecord",
    "InboxItem",
    "StaleState",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "create_store_engine",
    "database_url",
    "utc_now",
]
