"""The Slack test fixtures, re-declared here (imported `x as x`) with an app that records into
its own Metrics; plus a log handler installed on the root logger for the length of a test."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from slack_bolt import App

from bot.observability import Metrics
from bot.services import Services
from bot.slack.app import build_app
from bot.slack.server import AdvisorWSGI
from tests.bot.slack.conftest import fake as fake
from tests.bot.slack.conftest import services as services
from tests.bot.slack.conftest import settings as settings
from tests.bot.slack.fakes import FakeSlack
from tests.helpers.observed import CapturedLogs, capture
from tests.helpers.slack import Slack


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


@pytest.fixture
def info_logs() -> Iterator[CapturedLogs]:
    """JSON lines at INFO, as `serve` writes them."""
    yield from capture("json", logging.INFO)


@pytest.fixture
def debug_logs() -> Iterator[CapturedLogs]:
    """JSON lines at DEBUG, from every library."""
    yield from capture("json", logging.DEBUG)
