"""The store work of one Slack message, on SQLite and on PostgreSQL: the transactions a turn runs
(is the thread ours, queue it, take the lease with the first item, read the state and save it
with the turn's reply in the outbox, mark the reply sent, mark the item done, release), timed and
counted in Python calls, which do not vary from run to run."""

from __future__ import annotations

import cProfile
import itertools
import os
import pstats
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.store import QueuedMessage, QueuedReply, Store, TurnReplies
from tests.bench.table import Row, ms, percentile, timed

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
STATE = {"facts": {"monthly_tokens": 90_000_000, "data_residency": "approved_vendors"},
         "history": [{"role": "user", "text": "about 3M tokens a day"}] * 4, "stage": "asking"}
WARM, TIMED, COUNTED = 200, 1000, 100


def _message(store: Store) -> Callable[[], None]:
    counter = itertools.count()
    run = uuid.uuid4().hex[:8]

    def one() -> None:
        n = next(counter)
        key, holder = f"slack:T1:C{run}:{n % 50}.0", f"bench/{run}"
        store.conversations.exists(key)
        message = QueuedMessage(text="approved vendors are fine", user="U1", team="T1", channel=f"C{run}",
                                thread_ts=f"{n % 50}.0")
        message_ts = f"{1000 + n}.000100"
        store.inbox.enqueue(key, message_ts, message)
        _, item = store.inbox.take(key, holder, timedelta(seconds=60))
        assert item is not None
        current = store.conversations.load(key)
        reply = QueuedReply(channel=f"C{run}", text="Noted: data may go to approved vendors.",
                            thread_ts=f"{n % 50}.0", reply_id=f"{message_ts}:0")
        store.conversations.save(key, STATE, current.version if current else None,
                                 replies=TurnReplies(message_ts=message_ts, replies=[reply]))
        store.outbox.finish_turn(key, message_ts)
        store.inbox.mark_and_next(key, item.id, "ok")
        store.inbox.release_lease(key, holder)

    return one


@contextmanager
def _postgres() -> Iterator[str | None]:
    base = make_url(os.environ.get("ADVISOR_TEST_POSTGRES_URL", POSTGRES_URL))
    admin = create_engine(base, connect_args={"connect_timeout": 5})
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except SQLAlchemyError:
        admin.dispose()
        yield None
        return
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _measure(url: str) -> tuple[list[float], int]:
    store = Store(url)
    try:
        store.migrate()
        message = _message(store)
        timed(message, WARM)
        samples = timed(message, TIMED)
        profile = cProfile.Profile()
        profile.runcall(lambda: [message() for _ in range(COUNTED)])
        return samples, pstats.Stats(profile).total_calls // COUNTED  # type: ignore[attr-defined]
    finally:
        store.close()


def run() -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory() as folder, _postgres() as postgres:
        for name, url in (("SQLite", f"sqlite:///{folder}/bench.sqlite3"), ("PostgreSQL", postgres)):
            if url is None:
                rows.append(Row("store", f"one message's transactions on {name}", "n/a (unreachable)"))
                continue
            samples, calls = _measure(url)
            rows.append(Row("store", f"one message's 8 transactions on {name}: p50 / p95; Python calls",
                            f"{ms(percentile(samples, 50))} / {ms(percentile(samples, 95))}; {calls}"))
    return rows
