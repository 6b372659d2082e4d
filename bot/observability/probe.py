"""Health checks that answer in bounded time, whatever the thing they check does."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    """What one probe found: `state` ("ok", or what is wrong) and how long it took to learn."""

    state: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.state == "ok"


class Probe:
    """Runs `check` (which returns "ok" or what is wrong, and may block) in a thread of its own
    and waits at most `wait` seconds for it. A check still running when the next request comes
    is not started again: that request waits on the same one, so a hung dependency costs one
    thread, not one per health request."""

    def __init__(self, check: Callable[[], str], wait: float = 0.8, silent_as: str = "no answer",
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._check = check
        self.wait = wait
        self.silent_as = silent_as
        self._clock = clock
        self._lock = threading.Lock()
        self._running: threading.Event | None = None
        self._result: str | None = None
        self._since = 0.0

    def __call__(self) -> Finding:
        started = self._clock()
        with self._lock:
            if self._running is None:
                self._running = threading.Event()
                self._since = started
                threading.Thread(target=self._run, args=(self._running,), name="health-probe",
                                 daemon=True).start()
            running, since = self._running, self._since
        if not running.wait(self.wait):
            waited = self._clock() - since
            return Finding(f"{self.silent_as} for {waited:.1f} s", waited)
        with self._lock:
            result = self._result or self.silent_as
        return Finding(result, self._clock() - started)

    def _run(self, done: threading.Event) -> None:
        try:
            result = self._check()
        except Exception as exc:  # a check that raises found a problem; it never kills health
            log.warning("health check failed: %s", type(exc).__name__)
            result = type(exc).__name__
        with self._lock:
            self._result = result
            self._running = None
        done.set()
