"""The bot's errors: one base class, and one clear line for a person from a validation error."""

from __future__ import annotations

from pydantic import ValidationError


class AdvisorError(Exception):
    """Base class of every error the bot raises on purpose."""


class UserError(AdvisorError):
    """A problem with what the user gave us or configured; the CLI prints it as one line and
    exits with status 2."""


def describe_validation_error(error: ValidationError, allowed: list[str] | None = None) -> str:
    """One line naming the first offending field and what it accepts."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "input"
    if first["type"] == "extra_forbidden":
        known = f" (known fields: {', '.join(allowed)})" if allowed else ""
        return f"{where}: unknown field{known}"
    message = str(first.get("ctx", {}).get("error", "")) if first["type"] == "value_error" else ""
    message = message or first["msg"]
    extra = len(error.errors()) - 1
    suffix = f" (and {extra} more problem{'s' if extra > 1 else ''})" if extra else ""
    return f"{where}: {message}{suffix}"
