"""The guidance the conversation cites, kept usable when its index is out of reach.

A Chroma server can be down when the bot starts or go down later. Advice is then given from the
scoring engine alone, marked as given without sources; this wrapper reopens the index on a
later request, so sources come back without a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from bot.errors import AdvisorError

if TYPE_CHECKING:
    from knowledge import Answer, KnowledgeBase, Passage

log = logging.getLogger(__name__)
RETRY_AFTER = 10.0
"""Seconds between attempts to reopen an unreachable index."""


class GuidanceUnavailable(AdvisorError):
    """The index is out of reach for now; the message says why."""


class ReconnectingGuidance:
    """A KnowledgeBase opened on demand; failures surface as exceptions the caller degrades on."""

    def __init__(self, opener: Callable[[], KnowledgeBase], initial: KnowledgeBase | None = None,
                 problem: str = "", retry_after: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._opener = opener
        self._kb = initial
        self.problem = problem
        self._retry_after = RETRY_AFTER if retry_after is None else retry_after
        self._clock = clock
        self._last_attempt = clock() if initial is None and problem else float("-inf")
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return self._kb is not None

    def state(self) -> str:
        """"ok" when the index answers now, else what is wrong; may block as long as the index
        does (health checks run it under a deadline)."""
        kb = self._kb
        if kb is None:
            return f"unavailable: {self.problem}" if self.problem else "unavailable"
        try:
            kb.is_empty()
        except Exception as exc:  # whatever Chroma raises, the index does not answer
            return f"unreachable ({type(exc).__name__})"
        return "ok"

    def knowledge(self) -> KnowledgeBase:
        """The open knowledge base, reopening it if the last attempt is old enough."""
        kb = self._kb
        if kb is not None:
            return kb
        with self._lock:
            if self._kb is None:
                now = self._clock()
                if now - self._last_attempt < self._retry_after:
                    raise GuidanceUnavailable(self.problem or "the guidance index is unavailable")
                self._last_attempt = now
                try:
                    self._kb = self._opener()
                    self.problem = ""
                    log.info("guidance index available again")
                except Exception as exc:  # whatever reopening raised, advice goes on without sources
                    self.problem = str(exc)
                    log.warning("guidance index still unavailable: %s", exc)
                    raise GuidanceUnavailable(self.problem) from exc
            return self._kb

    def warm_up(self) -> None:
        """Get the index and the model ready before the first question; an unreachable index
        is left for a later request to reopen."""
        try:
            self.knowledge().warm_up()
        except Exception as exc:  # a warm-up only: the first question does the work instead
            log.warning("guidance not warmed up: %s", exc)

    def search(self, query: str, k: int = 5, topics: Sequence[str] | None = None) -> list[Passage]:
        return self.knowledge().search(query, k=k, topics=topics)

    def ask(self, question: str, k: int = 3) -> Answer:
        return self.knowledge().ask(question, k=k)

    @property
    def version(self) -> str:
        return self.knowledge().version
