"""/healthz answers within a second whatever the database and the index do, and says what each
one's state really is."""

from __future__ import annotations

import io
import json
import threading
import time
from types import SimpleNamespace
from typing import Any

from bot.observability.probe import Probe
from bot.slack.server import AdvisorWSGI


class _Store:
    def __init__(self) -> None:
        self.answering = threading.Event()
        self.answering.set()
        self.pings = 0

    def ping(self) -> bool:
        self.pings += 1
        self.answering.wait()  # a database that stopped answering holds the call
        return True

    def state(self) -> str:
        return "ok" if self.ping() else "unreachable"


class _Index:
    def __init__(self) -> None:
        self.reachable = True

    def state(self) -> str:
        return "ok" if self.reachable else "unreachable (ConnectionError)"


def _health(wsgi: AdvisorWSGI) -> tuple[str, dict[str, Any], float]:
    answer: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answer["status"] = status
        return lambda chunk: None

    started = time.monotonic()
    body = b"".join(wsgi({"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz",
                          "wsgi.input": io.BytesIO(b"")}, start_response))
    return answer["status"], json.loads(body), time.monotonic() - started


def _wsgi(store: _Store, index: _Index) -> AdvisorWSGI:
    services = SimpleNamespace(store=store, knowledge=index)
    return AdvisorWSGI(lambda: (SimpleNamespace(), services), background=False)  # type: ignore[arg-type, return-value]


def test_health_says_ok_when_everything_answers() -> None:
    store, index = _Store(), _Index()
    status, body, _ = _health(_wsgi(store, index))
    assert status.startswith("200")
    assert body == {"status": "ok", "store": "ok", "index": "ok"}


def test_health_answers_within_a_second_while_the_database_hangs() -> None:
    store, index = _Store(), _Index()
    wsgi = _wsgi(store, index)
    store.answering.clear()
    try:
        for _ in range(3):
            status, body, seconds = _health(wsgi)
            assert seconds < 1.0, seconds
            assert status.startswith("503")
            assert body["status"] == "degraded" and body["store"].startswith("no answer for")
        # One hung ping is waited on, not one more per request.
        assert store.pings == 1
    finally:
        store.answering.set()
    deadline = time.monotonic() + 5
    while _health(wsgi)[0].startswith("503") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _health(wsgi)[1]["store"] == "ok"


def test_health_reports_the_index_down_as_degraded_but_ready() -> None:
    store, index = _Store(), _Index()
    wsgi = _wsgi(store, index)
    index.reachable = False
    status, body, _ = _health(wsgi)
    # Advice is still given without the index (marked as without sources): still ready.
    assert status.startswith("200")
    assert body == {"status": "degraded", "store": "ok",
                    "index": "unreachable (ConnectionError)"}
    index.reachable = True
    assert _health(wsgi)[1]["index"] == "ok"


def test_a_probe_whose_check_raises_reports_it() -> None:
    def broken() -> str:
        raise ConnectionResetError("peer reset")

    finding = Probe(broken, wait=1.0)()
    assert finding.state == "ConnectionResetError" and not finding.ok
