"""Fixtures shared by the bot tests: every store test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.store import Store

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_schema_url() -> Iterator[str]:
    base = make_url(os.environ.get("ADVISOR_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    shown = base.render_as_string(hide_password=True)
    admin = create_engine(base, connect_args={"connect_timeout": 5})
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except SQLAlchemyError as error:
        admin.dispose()
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        if os.environ.get("ADVISOR_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"ADVISOR_REQUIRE_POSTGRES=1 but PostgreSQL at {shown} failed: {reason}")
        pytest.skip(f"PostgreSQL not reachable at {shown}; ran the SQLite half only")
    try:
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL schema, private to this test (skips or fails as the store tests do)."""
    yield from _postgres_schema_url()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database, private to this test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store' / 'advisor.sqlite3'}"
    else:
        yield from _postgres_schema_url()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A migrated store on each backend."""
    instance = Store(store_url)
    instance.migrate()
    yield instance
    instance.close()
