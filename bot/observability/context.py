"""Fields bound to the work in progress, added to every log record made while it runs."""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator, Mapping
from types import MappingProxyType

_fields: contextvars.ContextVar[Mapping[str, object]] = contextvars.ContextVar(
    "llm_advisor_log_fields", default=MappingProxyType({}))


@contextlib.contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Within the block, records logged in this thread carry `fields` (None values are left out).

    Bolt runs lazy listeners in pool threads, which do not inherit these: bind again there.
    """
    token = _fields.set({**_fields.get(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _fields.reset(token)


def bound_fields() -> Mapping[str, object]:
    return _fields.get()


class ContextFilter(logging.Filter):
    """Copies the bound fields onto each record; a field the call passed in `extra` wins."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in bound_fields().items():
            if name not in record.__dict__:
                setattr(record, name, value)
        return True
