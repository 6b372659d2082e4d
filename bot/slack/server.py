"""HTTP mode: one WSGI app (POST /slack/events, GET /healthz, GET /metrics) under gunicorn's
threaded worker."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from bot.observability import CONTENT_TYPE, Metrics
from bot.observability.probe import Probe
from bot.slack import edge

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    from slack_bolt import App

    from bot.services import Services

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
Builder = Callable[[], "tuple[App, Services]"]
HEALTH_WAIT = 0.4
"""Seconds /healthz waits for each of the database and the index (asked at once)."""


def _respond(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


class AdvisorWSGI:
    """Serves at once; answers 503 until the index, model and store are ready (built in the
    background, so a first start that builds the index never blocks health checks).

    `/metrics` shows `metrics`: pass the same object to the app that `build` makes."""

    def __init__(self, build: Builder, background: bool = True, metrics: Metrics | None = None) -> None:
        self._build = build
        self.metrics = metrics or Metrics()
        self._ready = threading.Event()
        self._error = ""
        self._handler: Any = None
        self._services: Services | None = None
        self._store_probe: Probe | None = None
        self._index_probe: Probe | None = None
        if background:
            threading.Thread(target=self._start, name="advisor-startup", daemon=True).start()
        else:
            self._start()

    def _start(self) -> None:
        from slack_bolt.adapter.wsgi import SlackRequestHandler

        try:
            app, services = self._build()
        except Exception as exc:  # reported by /healthz as "failed" instead of a dead worker
            self._error = f"{type(exc).__name__}: {exc}"
            log.exception("startup failed")
            return
        self._handler = SlackRequestHandler(app, path=EVENTS_PATH)
        self._services = services
        # Each dependency is asked in a thread of its own, so /healthz answers within a second
        # even while the database or the index does not answer at all.
        self._store_probe = Probe(services.store.state, wait=HEALTH_WAIT)
        self._index_probe = Probe(services.knowledge.state, wait=HEALTH_WAIT)
        self._ready.set()
        self.metrics.set_ready(True)

    def wait_ready(self, timeout: float) -> bool:
        return self._ready.wait(timeout)

    def health(self) -> tuple[bool, dict[str, Any]]:
        if not self._ready.is_set():
            return False, {"status": "starting" if not self._error else "failed",
                           "error": self._error or None}
        assert self._store_probe is not None and self._index_probe is not None
        store, index = self._store_probe(), self._index_probe()
        # Ready while the database answers: without the index, advice is still given (marked
        # as given without sources), so it only makes the status degraded.
        return store.ok, {"status": "ok" if store.ok and index.ok else "degraded",
                          "store": store.state, "index": index.state}

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            ok, body = self.health()
            return _respond(start_response, "200 OK" if ok else "503 Service Unavailable", body)
        if path == METRICS_PATH and method in ("GET", "HEAD"):
            data = self.metrics.exposition()
            start_response("200 OK", [("Content-Type", CONTENT_TYPE),
                                      ("Content-Length", str(len(data)))])
            return [data]
        if path == EVENTS_PATH and method == "POST":
            if not self._ready.is_set():
                # The app (which counts every request it dispatches) does not exist yet.
                self.metrics.request_acked("unknown", 503, 0.0)
                return _respond(start_response, "503 Service Unavailable", {"status": "starting"})
            return self._events(environ, start_response)
        return _respond(start_response, "404 Not Found", {"error": "not found"})

    def _events(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Refuse at the edge what Slack could not have sent, then let Bolt verify and answer;
        whatever a bad request does inside Bolt, it gets a 4xx, never a 500."""
        try:
            length: int | None = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = None
        body = None
        if length is not None and 0 <= length <= edge.MAX_BODY:
            body = environ["wsgi.input"].read(length) if length else b""
        elif length is not None and length < 0:
            length = None
        headers = {key[5:].replace("_", "-").lower(): str(value) for key, value in environ.items()
                   if key.startswith("HTTP_")}
        headers["content-type"] = str(environ.get("CONTENT_TYPE") or "")
        refusal = edge.check(headers, length, body)
        if refusal is not None:
            return self._refuse(start_response, environ, length, refusal)
        assert body is not None
        environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        try:
            return self._handler(environ, start_response)  # type: ignore[no-any-return]
        except Exception:  # a signed payload Bolt could not read: refused, and the worker lives
            log.exception("slack request could not be read")
            return self._refuse(start_response, environ, length,
                                edge.Refusal(400, "payload Bolt could not read"))

    def _refuse(self, start_response: StartResponse, environ: WSGIEnvironment,
                length: int | None, refusal: edge.Refusal) -> list[bytes]:
        self.metrics.request_acked("refused", refusal.status, 0.0)
        log.warning("slack request refused", extra={
            "method": environ.get("REQUEST_METHOD"), "path": environ.get("PATH_INFO"),
            "size": length, "reason": refusal.reason, "status": refusal.status})
        return _respond(start_response, refusal.status_line, {"error": refusal.reason})


def run_gunicorn(build: Builder, host: str, port: int, threads: int,
                 metrics: Metrics | None = None) -> None:
    """Serve with gunicorn: one worker process (the model and index are loaded once) and a
    thread pool, which suits Bolt's threaded listener runner. The app is built inside the worker,
    after the fork, so its startup thread and connections belong to the process that serves.
    Gunicorn's own messages go through the root logger, so they share the configured format."""
    from gunicorn.app.base import BaseApplication
    from gunicorn.glogging import Logger

    class _RootLogger(Logger):  # type: ignore[misc]
        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            for handler in list(self.error_log.handlers):
                self.error_log.removeHandler(handler)
            self.error_log.propagate = True

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in {"bind": f"{host}:{port}", "workers": 1, "threads": threads,
                               "worker_class": "gthread", "timeout": 60, "graceful_timeout": 10,
                               "accesslog": None, "loglevel": "warning",
                               "logger_class": _RootLogger}.items():
                self.cfg.set(key, value)

        def load(self) -> AdvisorWSGI:
            return AdvisorWSGI(build, metrics=metrics)

    _Server().run()
