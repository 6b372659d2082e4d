"""Every PostgreSQL call is bounded: a database behind a network that stops answering makes a
call fail with `StoreUnavailable` within the limits, never hang, and the store works again once
the network is back."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.store import QueuedMessage, Store, StoreUnavailable
from bot.store.database import POSTGRES_CONNECT_TIMEOUT_S, POSTGRES_STATEMENT_TIMEOUT_MS
from bot.store.watchdog import Watchdog
from tests import servers

LIMIT = 1.5
"""The watchdog's limit in these tests (the product's is a few seconds)."""
MESSAGE = QueuedMessage(text="hello", user="U1", team="T1", channel="C1", thread_ts="1.0")


@pytest.fixture
def proxied(postgres_url: str) -> Iterator[tuple[Store, servers.TcpProxy]]:
    url = make_url(postgres_url)
    proxy = servers.TcpProxy(url.port or 5432, url.host or "127.0.0.1")
    store = Store(url.set(port=proxy.port).render_as_string(hide_password=False))
    store.db.watchdog.limit = LIMIT
    store.migrate()
    try:
        yield store, proxy
    finally:
        proxy.close()
        store.close()


@pytest.mark.timeout(60)
def test_a_call_into_a_black_hole_fails_within_the_limits(
        proxied: tuple[Store, servers.TcpProxy]) -> None:
    store, proxy = proxied
    assert store.inbox.enqueue("k", "1.0", MESSAGE)  # a pooled connection exists
    proxy.blackhole()
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as raised:
        store.inbox.enqueue("k", "2.0", MESSAGE)
    elapsed = time.monotonic() - started
    # The pooled connection's ping is cut at the limit; the new connection that replaces it
    # gives up at the connect timeout.
    assert elapsed < LIMIT + POSTGRES_CONNECT_TIMEOUT_S + 2, elapsed
    assert "is unavailable" in str(raised.value)
    started = time.monotonic()
    assert store.ping() is False
    assert time.monotonic() - started < LIMIT + POSTGRES_CONNECT_TIMEOUT_S + 2
    proxy.restore()
    assert store.inbox.enqueue("k", "3.0", MESSAGE)
    assert store.ping() is True
    assert store.inbox.get("k", "2.0") is None  # the failed call wrote nothing


@pytest.mark.timeout(60)
def test_a_network_that_stops_answering_mid_transaction_fails_it(
        proxied: tuple[Store, servers.TcpProxy]) -> None:
    store, proxy = proxied
    started = time.monotonic()
    with pytest.raises(StoreUnavailable), store.db.transaction() as connection:
        connection.execute(text("SELECT 1"))
        proxy.blackhole()
        connection.execute(text("SELECT 2"))
    assert time.monotonic() - started < LIMIT + 1
    proxy.restore()
    assert store.ping() is True


def test_a_refused_database_fails_fast(proxied: tuple[Store, servers.TcpProxy]) -> None:
    store, proxy = proxied
    proxy.cut()
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        store.conversations.load("k")
    assert time.monotonic() - started < 2
    proxy.restore()
    assert store.conversations.load("k") is None


def test_the_server_cancels_a_statement_past_its_timeout(postgres_url: str) -> None:
    store = Store(postgres_url)
    try:
        with store.db.transaction() as connection:
            shown = connection.execute(text("SHOW statement_timeout")).scalar_one()
        assert shown == f"{POSTGRES_STATEMENT_TIMEOUT_MS // 1000}s"
        # The schema the test URL selects is kept alongside the timeout.
        with store.db.transaction() as connection:
            path = connection.execute(text("SHOW search_path")).scalar_one()
        assert path.startswith("t_")
    finally:
        store.close()


def test_the_watchdog_cuts_only_connections_past_their_deadline() -> None:
    import socket

    now = [0.0]
    watchdog = Watchdog(5.0, clock=lambda: now[0])
    late, early = socket.socketpair(), socket.socketpair()
    try:
        watchdog.arm(1, late[0].fileno())
        now[0] = 3.0
        watchdog.arm(2, early[0].fileno())
        watchdog.arm(3, early[1].fileno())
        watchdog.disarm(3)
        now[0] = 6.0
        assert watchdog.check() == 1
        assert late[1].recv(1) == b""  # shut down: the peer sees the end of the stream
        early[1].sendall(b"x")
        assert early[0].recv(1) == b"x"  # still open
        now[0] = 9.0
        assert watchdog.check() == 1 and watchdog.fired == 2
        assert watchdog.check() == 0
    finally:
        for pair in (late, early):
            for end in pair:
                end.close()
