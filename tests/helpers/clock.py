"""A clock that tells the time a test sets."""

from __future__ import annotations

from datetime import datetime


class FakeClock:
    """Returns `now` when called; a test moves it by assigning `now`."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
