"""The two ways a store call can fail that callers are expected to handle."""

from __future__ import annotations

from bot.errors import AdvisorError


class StoreError(AdvisorError):
    """Base class for store failures."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or opened; the message names it without its password."""


class StaleState(StoreError):
    """Someone else changed (or created) the conversation since it was read."""
