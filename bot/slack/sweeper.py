"""A replica's background sweep for messages another replica queued and then died holding."""

from __future__ import annotations

import logging
import threading

from bot.delivery import DeliveryLoop

log = logging.getLogger(__name__)

SWEEP_EVERY = 30.0
"""Seconds between sweeps; the first runs at start-up."""


class Sweeper:
    """Calls `delivery.sweep()` at start and then every `every` seconds, on a daemon thread."""

    def __init__(self, delivery: DeliveryLoop, every: float = SWEEP_EVERY) -> None:
        if every <= 0:
            raise ValueError("every must be positive")
        self.delivery = delivery
        self.every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Sweeper:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="inbox-sweeper", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.delivery.sweep()
            except Exception as exc:  # a database outage: try again next time
                log.warning("inbox sweep failed, next try in %.0f s: %s", self.every, exc)
            self._stop.wait(self.every)
