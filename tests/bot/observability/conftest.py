"""The Slack test fixtures, re-declared here (imported `x as x`) with an app that records into
its own Metrics; plus a log handler installed on the root logger for the length of a test."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from slack_bolt import App

from bot.observability import Metrics, build_handler
from bot.services import Services
from bot.slack.app import build_app
from bot.slack.server import AdvisorWSGI
from tests.bot.slack.conftest import SECRET, TOKEN, Slack
from tests.bot.slack.conftest import fake as fake
from tests.bot.slack.conftest import services as services
from tests.bot.slack.conftest import settings as settings
from tests.bot.slack.fakes import FakeSlack


@pytest.fixture
def metrics() -> Metrics:
    return Metrics()


@pytest.fixture
def app(services: Services, metrics: Metrics) -> App:
    return build_app(services, metrics=metrics)


@pytest.fixture
def slack(app: App, fake: FakeSlack) -> Slack:
    return Slack(app, fake)


@pytest.fixture
def wsgi(app: App, services: Services, metrics: Metrics) -> AdvisorWSGI:
    return AdvisorWSGI(lambda: (app, services), background=False, metrics=metrics)


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


@pytest.fixture
def info_logs() -> Iterator[CapturedLogs]:
    """JSON lines at INFO, as `serve` writes them."""
    yield from capture("json", logging.INFO)


@pytest.fixture
def debug_logs() -> Iterator[CapturedLogs]:
    """JSON lines at DEBUG, from every library."""
    yield from capture("json", logging.DEBUG)


def wait_until(check: Callable[[], bool], timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout}s")
        time.sleep(0.05)


def samples(exposition: str, name: str, **labels: str) -> list[Any]:
    """The samples called `name` whose labels include `labels`."""
    return [sample for family in text_string_to_metric_families(exposition)
            for sample in family.samples
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())]


def total(exposition: str, name: str, **labels: str) -> float:
    return float(sum(sample.value for sample in samples(exposition, name, **labels)))
