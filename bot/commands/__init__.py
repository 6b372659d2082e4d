"""CLI commands beyond `recommend`. Each module imports its heavy dependencies lazily."""

from __future__ import annotations

import typer


def register_all(app: typer.Typer) -> None:
    """Attach every optional command group to the app."""
    from bot.commands import chat, extract, knowledge, maintenance, serve

    knowledge.register(app)
    extract.register(app)
    chat.register(app)
    serve.register(app)
    maintenance.register(app)
