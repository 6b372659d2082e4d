"""A deadline for every PostgreSQL connection in use: past it, the connection's socket is shut
down, so a call blocked on a database that stopped answering (a network black hole, a stuck
proxy) fails at once with a connection error instead of holding its thread for ever.

The server's `statement_timeout` bounds a slow query and libpq's `connect_timeout` a connection
attempt; neither helps when the network itself stops answering mid-call, which is what this is for.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Watchdog:
    """Watches connections from checkout to checkin (`arm`, `disarm`), in one thread started on
    first use; a connection still armed `limit` seconds after `arm` has its socket shut down."""

    def __init__(self, limit: float, tick: float = 0.1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if limit <= 0:
            raise ValueError("limit must be positive")
        self.limit = limit
        self._tick = tick
        self._clock = clock
        self._armed: dict[int, tuple[float, int]] = {}
        """Per connection id: its deadline and its socket's file descriptor."""
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.fired = 0
        """How many connections were cut so far."""

    def arm(self, connection_id: int, fd: int) -> None:
        with self._lock:
            self._armed[connection_id] = (self._clock() + self.limit, fd)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="db-watchdog", daemon=True)
                self._thread.start()

    def disarm(self, connection_id: int) -> None:
        with self._lock:
            self._armed.pop(connection_id, None)

    def check(self) -> int:
        """Cut every connection past its deadline; returns how many."""
        now = self._clock()
        cut = 0
        # Under the lock: a connection disarmed (checked in) meanwhile keeps its socket, and a
        # descriptor is never reused while its connection is still armed.
        with self._lock:
            for connection_id, (deadline, fd) in list(self._armed.items()):
                if deadline > now:
                    continue
                del self._armed[connection_id]
                if _shut_down(fd):
                    cut += 1
        if cut:
            self.fired += cut
            log.warning("database did not answer in time; connection closed",
                        extra={"count": cut, "limit_s": self.limit})
        return cut

    def _run(self) -> None:
        while True:
            time.sleep(self._tick)
            self.check()


def _shut_down(fd: int) -> bool:
    """Shut the socket `fd` down both ways (its owner's blocked read then returns), leaving the
    descriptor itself to its owner."""
    try:
        duplicate = os.dup(fd)
    except OSError:
        return False
    try:
        with socket.socket(fileno=duplicate) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        return False
    return True
