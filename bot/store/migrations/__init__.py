"""Alembic migrations, run in code: no alembic.ini, the script location is this package."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

SCRIPT_LOCATION = Path(__file__).resolve().parent
MIGRATION_LOCK = 0x6C6C6D61
"""PostgreSQL advisory lock key: replicas starting together migrate one after the other."""
_IN_PROCESS = threading.Lock()
"""Alembic's migration context is process-global, so one process migrates one engine at a time."""


def alembic_config() -> Config:
    """A Config pointing at this package; `env.py` expects a connection in `attributes`."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to the newest revision; a no-op when it is already there."""
    config = alembic_config()
    with _IN_PROCESS, engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Held until this transaction ends; a second replica waits, then finds nothing to do.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
