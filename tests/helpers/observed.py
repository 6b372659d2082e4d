"""What the bot logged and what its metrics say."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from bot.observability import build_handler
from tests.helpers.slack import SECRET, TOKEN


class CapturedLogs:
    """What a root-logger handler wrote, one line per record."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[str]:
        return [line for line in self.text.splitlines() if line.strip()]


def capture(log_format: str, level: int) -> Iterator[CapturedLogs]:
    stream = io.StringIO()
    handler = build_handler("json" if log_format == "json" else "text", [TOKEN, SECRET], stream)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(level)
    try:
        yield CapturedLogs(stream)
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def samples(exposition: str, name: str, **labels: str) -> list[Any]:
    """The samples called `name` whose labels include `labels`."""
    return [sample for family in text_string_to_metric_families(exposition)
            for sample in family.samples
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())]


def total(exposition: str, name: str, **labels: str) -> float:
    return float(sum(sample.value for sample in samples(exposition, name, **labels)))
