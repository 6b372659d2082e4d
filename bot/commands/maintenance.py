"""`llm-advisor prune`: the retention job operators schedule."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from bot.settings import Settings

MIN_EVENT_DAYS = 1
"""Delivery records must outlive Slack's retry window, whatever the retention."""
EXPIRED_KEPT = timedelta(days=365)
"""How long a thread whose conversation expired is remembered as such (its key only)."""


def prune(
    ctx: typer.Context,
    days: Annotated[int | None, typer.Option(
        min=0, help="Delete conversations idle for longer than this (default: ADVISOR_RETENTION_DAYS).")
    ] = None,
) -> None:
    """Delete old conversations and delivery records. Decision records are kept; `forget`
    deletes a user's own."""
    from bot.services import open_store

    settings: Settings = ctx.obj
    keep = days if days is not None else settings.retention_days
    store = open_store(settings)
    try:
        conversations = store.conversations.prune(timedelta(days=keep))
        store.anchors.delete_orphans()
        events_age = timedelta(days=max(keep, MIN_EVENT_DAYS))
        events = store.events.prune(events_age)
        inbox = store.inbox.prune(events_age)
        replies = store.outbox.prune(events_age)
        store.expired.prune(EXPIRED_KEPT)
    finally:
        store.close()
    typer.echo(f"Pruned {conversations} conversation(s) idle for over {keep} day(s), "
               f"{events} delivery record(s), {inbox} processed message(s) and {replies} outbox "
               "record(s); decisions kept.")


def register(app: typer.Typer) -> None:
    app.command()(prune)
