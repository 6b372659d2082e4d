"""A local stand-in for the Slack Web API that records every call.

Point a ``slack_sdk.WebClient`` at it with ``WebClient(base_url=fake.base_url)``. The
server answers on ``/<method>`` and ``/api/<method>`` alike, so both ``base_url`` and
``base_url + "api/"`` work, and it also accepts the two kinds of URL Slack hands out
itself: file upload URLs (from ``files.getUploadURLExternal``) and ``response_url``\\s.

Like Slack, it refuses a message or view that breaks Block Kit's limits (see
:mod:`block_kit_limits`): ``invalid_blocks`` for messages, ``invalid_arguments`` for views. It is
as strict as Slack about where messages go: a ``thread_ts`` that is not a message timestamp is
``invalid_thread_ts``, a message posted to a user id (``U…``/``W…``, which only
``conversations.open`` turns into a ``D…`` channel) is ``channel_not_found``, and editing or
deleting a message it never posted is ``message_not_found``. The AI app methods
(``assistant.threads.setStatus``, ``setSuggestedPrompts`` and ``setTitle``) take only a ``D…``
channel (else ``channel_not_found``) and a message timestamp as ``thread_ts`` (else
``invalid_thread_ts``), and refuse a missing argument or prompts that are not 1 to 4, each with a
title and a message, with ``invalid_arguments``. Like Slack, a reply posted in a thread clears the
status shown under it. Message ``metadata`` must be an object with a string ``event_type`` and an
object ``event_payload`` (else ``invalid_metadata_format``); ``conversations.replies`` and
``conversations.history`` return it only with ``include_all_metadata``.

Besides scripted answers, it can take a call and then never answer it (:meth:`swallow`): the
message is posted, but the client sees a timeout or a dropped connection, as when Slack took a
post whose answer was lost. :meth:`kill_after` does the same and first SIGKILLs a process, the
moment a replica dies after Slack took its post.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import os
import re
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .block_kit_limits import check_message, check_view

UPLOAD = "upload"
"""Method name recorded for the raw file upload POST to an ``upload_url``."""
RESPONSE_URL = "response_url"
"""Method name recorded for a POST to a ``response_url`` issued by :meth:`FakeSlack.response_url`."""

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T1"
TEAM_DOMAIN = "acme"
TEAM_URL = "https://acme.slack.com/"

# Parameters that Slack takes as JSON; slack_sdk sends them as JSON strings inside form bodies.
JSON_FIELDS = frozenset(
    {
        "attachments",
        "blocks",
        "chunks",
        "files",
        "metadata",
        "outputs",
        "prompts",
        "unfurls",
        "user_auth_blocks",
        "view",
    }
)

MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral",
                             "chat.scheduleMessage", RESPONSE_URL})
VIEW_METHODS = frozenset({"views.open", "views.publish", "views.update", "views.push"})

_FIRST_TS_MICROS = 1_712_345_678_000_100
SCHEDULE_MAX_DAYS = 120
"""How far ahead ``chat.scheduleMessage`` takes a ``post_at``."""
ALT_TEXT_MAX = 1000
"""The longest alt text ``files.getUploadURLExternal`` takes for an image."""

TS = re.compile(r"^\d{9,10}\.\d{6}$")
"""What a Slack message timestamp looks like."""
THREADED_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage",
                              "chat.getPermalink", "conversations.replies",
                              "conversations.history"})
"""Methods whose ``thread_ts`` (or ``message_ts``/``ts``) must be a message timestamp."""
CHANNEL_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.delete", "chat.postEphemeral",
                             "chat.scheduleMessage", "chat.getPermalink", "pins.add",
                             "conversations.replies", "conversations.history",
                             "conversations.info"})
"""Methods that take a conversation id (C…, G…, D…), never a user id."""
EDIT_METHODS = frozenset({"chat.update", "chat.delete"})
MAX_PROMPTS = 4
"""The most suggested prompts an assistant thread takes."""


@dataclass(frozen=True)
class Call:
    """One request the fake received.

    ``headers`` has lower-cased names. ``params`` merges the query string and the body (JSON,
    form-encoded or multipart); JSON-valued fields such as ``blocks`` are decoded. ``status`` and
    ``response`` are what the fake answered (``response`` is ``None`` for non-JSON answers).
    """

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    time: float
    status: int = 200
    response: dict[str, Any] | None = None
    raw: bytes = b""
    refused: bool = False
    """Refused by Slack's rules (Block Kit limits, where a message may go), not by a script."""

    @property
    def ok(self) -> bool:
        return self.status == 200 and (self.response is None or bool(self.response.get("ok")))

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)


@dataclass
class _Script:
    """A scripted answer used ``times`` times before normal answers resume.

    With ``swallow``, the call is handled normally and its answer withheld instead: the client
    waits ``hang`` seconds, then the connection closes unanswered (``then`` runs first)."""

    times: int
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)
    swallow: bool = False
    hang: float = 0.0
    then: Callable[[], None] | None = None
    where: Callable[[dict[str, Any]], bool] | None = None


class _Refused(Exception):
    """Raised by an answer builder for a request Slack would refuse."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass
class _Answer:
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)
    refused: bool = False
    withheld: _Script | None = None
    """Set when the answer is not to be sent (see `_Script.swallow`)."""


def _decode_json_fields(params: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_FIELDS & params.keys():
        value = params[key]
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params


def _parse_form(text: str) -> dict[str, Any]:
    parsed = parse_qs(text, keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in parsed.items()}


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is not None:
            params[name] = {"filename": part.get_filename(), "length": len(data)}
        else:
            params[name] = data.decode("utf-8", "replace")
    return params


def parse_params(content_type: str, body: bytes, query: str = "") -> dict[str, Any]:
    """Decode a Web API request body the way Slack would read it."""
    params: dict[str, Any] = _parse_form(query) if query else {}
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        loaded = json.loads(body.decode("utf-8")) if body.strip() else {}
        if isinstance(loaded, dict):
            params.update(loaded)
        else:
            params["_json"] = loaded
    elif kind == "multipart/form-data":
        params.update(_parse_multipart(content_type, body))
    elif body:
        params.update(_parse_form(body.decode("utf-8", "replace")))
    return _decode_json_fields(params)


def _refusal(method: str, params: dict[str, Any]) -> _Answer | None:
    """Slack's answer to blocks or a view that break its limits, or None when they fit."""
    if method in MESSAGE_METHODS and "blocks" in params:
        problems = check_message(params)
        if problems:
            status = 400 if method == RESPONSE_URL else 200
            return _Answer(status, {"ok": False, "error": "invalid_blocks", "errors": problems},
                           refused=True)
    elif method in VIEW_METHODS and "view" in params:
        view = params["view"]
        problems = check_view(view) if isinstance(view, dict) else ["view: must be an object"]
        if problems:
            return _Answer(200, {"ok": False, "error": "invalid_arguments",
                                 "response_metadata": {"messages": [f"[ERROR] {p}" for p in problems]}},
                           refused=True)
    return None


def _where_refusal(method: str, params: dict[str, Any],
                   posted: dict[tuple[str, str], dict[str, Any]]) -> _Answer | None:
    """Slack's answer to a message sent somewhere it cannot go, or None when the place is valid."""
    channel = str(params.get("channel") or "")
    if method in CHANNEL_METHODS:
        if not channel:
            return _Answer(200, {"ok": False, "error": "channel_not_found"}, refused=True)
        if channel[:1] in ("U", "W"):
            return _Answer(200, {"ok": False, "error": "channel_not_found"}, refused=True)
    if method in THREADED_METHODS:
        for name in ("thread_ts", "message_ts", "ts"):
            value = params.get(name)
            if value not in (None, "") and not TS.match(str(value)):
                error = "invalid_thread_ts" if name == "thread_ts" else "invalid_ts"
                return _Answer(200, {"ok": False, "error": error}, refused=True)
    if method == "chat.postEphemeral" and not params.get("user"):
        return _Answer(200, {"ok": False, "error": "user_not_found"}, refused=True)
    if method in EDIT_METHODS and (channel, str(params.get("ts") or "")) not in posted:
        return _Answer(200, {"ok": False, "error": "message_not_found"}, refused=True)
    return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        answer = self.server.fake._receive(self.path, headers, body)
        if answer.withheld is not None:
            self.server.fake._withhold(answer.withheld)
            self.close_connection = True
            return
        if isinstance(answer.body, dict):
            data = json.dumps(answer.body).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        else:
            data = answer.body.encode("utf-8")
            content_type = "text/plain; charset=utf-8"
        self.send_response(answer.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True


class FakeSlack:
    """A threaded fake of the Slack Web API on 127.0.0.1 with a random port.

    Use as a context manager, or call :meth:`start` and :meth:`stop`. ``latency`` (seconds) delays
    every answer. Every request is recorded as a :class:`Call`, scripted failures included.
    """

    def __init__(self, *, latency: float = 0.0) -> None:
        self.latency = latency
        self._condition = threading.Condition()
        self._calls: list[Call] = []
        self._scripts: dict[str, deque[_Script]] = {}
        self._overrides: dict[str, dict[str, Any]] = {}
        self._ts_micros = _FIRST_TS_MICROS
        self._serial = 0
        self._views: dict[str, dict[str, Any]] = {}
        self._posted: dict[tuple[str, str], dict[str, Any]] = {}
        """Messages the bot posted and has not deleted, by (channel, ts)."""
        self._statuses: dict[tuple[str, str], str] = {}
        """Assistant threads' statuses, by (channel, thread_ts); "" once cleared."""
        self.scheduled: dict[str, dict[str, Any]] = {}
        """Messages scheduled with ``chat.scheduleMessage``, by scheduled message id."""
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeSlack:
        if self._server is None:
            server = _Server(self)
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-slack", daemon=True
            )
            thread.start()
            self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/`` — give this to ``WebClient(base_url=...)`` / ``SLACK_API_URL``."""
        return f"http://127.0.0.1:{self.port}/"

    def response_url(self, name: str = "1") -> str:
        """A ``response_url`` on this server; POSTs to it are recorded as method ``"response_url"``."""
        return f"{self.base_url}respond/{name}"

    # ----------------------------------------------------------------- scripting

    def fail(self, method: str, error: str = "not_in_channel", times: int = 1, **extra: Any) -> None:
        """The next ``times`` calls to ``method`` answer HTTP 200 ``{"ok": false, "error": error}``.

        ``extra`` fields are added to that answer (e.g. ``needed="chat:write"``).
        """
        self._script(method, _Script(times, 200, {"ok": False, "error": error, **extra}))

    def status(
        self,
        method: str,
        code: int = 429,
        times: int = 1,
        retry_after: int = 1,
        body: dict[str, Any] | str | None = None,
    ) -> None:
        """The next ``times`` calls to ``method`` answer HTTP ``code``.

        429 carries ``Retry-After: retry_after`` and ``{"ok": false, "error": "ratelimited"}``;
        other codes answer ``body`` (default: a JSON error naming the status).
        """
        headers: dict[str, str] = {}
        if code == 429:
            headers["Retry-After"] = str(retry_after)
            default: dict[str, Any] | str = {"ok": False, "error": "ratelimited"}
        else:
            default = {"ok": False, "error": f"http_{code}"}
        self._script(method, _Script(times, code, default if body is None else body, headers))

    def swallow(self, method: str, times: int = 1, hang: float = 0.0,
                then: Callable[[], None] | None = None,
                where: Callable[[dict[str, Any]], bool] | None = None) -> None:
        """The next ``times`` calls to ``method`` (those matching ``where``, if given) are done
        as usual (a post is posted) but never answered: the connection closes after ``hang``
        seconds (a timeout, when that is longer than the client waits; at once, a dropped
        connection). ``then`` runs before it closes."""
        self._script(method, _Script(times, 200, {}, swallow=True, hang=hang, then=then,
                                     where=where))

    def kill_after(self, method: str, pid: int,
                   where: Callable[[dict[str, Any]], bool] | None = None) -> None:
        """Take the next call to ``method`` (matching ``where``), then SIGKILL the process group
        of ``pid`` before answering: a replica that dies once Slack took its post."""
        self.swallow(method, then=lambda: os.killpg(pid, signal.SIGKILL), where=where)

    def _withhold(self, script: _Script) -> None:
        if script.then is not None:
            script.then()
        deadline = time.monotonic() + script.hang
        while self._server is not None and time.monotonic() < deadline:
            time.sleep(0.05)

    def override(self, method: str, **fields: Any) -> None:
        """Merge ``fields`` into each normal answer to ``method``.

        E.g. ``override("conversations.info", channel={"id": "C2", "is_member": False})``.
        """
        with self._condition:
            self._overrides.setdefault(method, {}).update(fields)

    def _script(self, method: str, script: _Script) -> None:
        if script.times < 1:
            raise ValueError("times must be at least 1")
        with self._condition:
            self._scripts.setdefault(method, deque()).append(script)

    # ----------------------------------------------------------------- inspection

    def calls(self, method: str | None = None) -> list[Call]:
        with self._condition:
            return [call for call in self._calls if method is None or call.method == method]

    def refusals(self) -> list[Call]:
        """Calls Slack's rules refused: blocks or a view over Block Kit's limits, a message sent
        where it cannot go (scripted failures are not refusals)."""
        return [call for call in self.calls() if call.refused]

    def assert_accepted(self) -> None:
        """Slack refused no payload, and every message it received carried fallback text."""
        refused = [(call.method, call.response) for call in self.refusals()]
        assert not refused, refused
        for call in self.calls():
            if call.method in MESSAGE_METHODS and call.method != RESPONSE_URL:
                assert call.params.get("text"), f"{call.method} without fallback text"

    def last(self, method: str) -> Call:
        found = self.calls(method)
        if not found:
            raise AssertionError(f"no {method} call; received: {self.summary()}")
        return found[-1]

    def __iter__(self) -> Iterator[Call]:
        return iter(self.calls())

    def summary(self) -> str:
        calls = self.calls()
        if not calls:
            return "(nothing)"
        return ", ".join(
            call.method + ("" if call.ok else f"[{call.status}:{(call.response or {}).get('error', '')}]")
            for call in calls
        )

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Wait until at least ``count`` calls to ``method`` (matching ``where``) arrived; return them all."""
        deadline = time.monotonic() + timeout

        def matching() -> list[Call]:
            return [c for c in self._calls if c.method == method and (where is None or where(c))]

        with self._condition:
            while True:
                found = matching()
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._condition.wait(min(remaining, 0.05))
        raise AssertionError(
            f"expected {count} {method} call(s) within {timeout}s, got {len(found)}; "
            f"received: {self.summary()}"
        )

    def reset(self) -> None:
        """Forget recorded calls, scripted failures and overrides."""
        with self._condition:
            self._calls.clear()
            self._scripts.clear()
            self._overrides.clear()
            self._views.clear()
            self._posted.clear()
            self._statuses.clear()
            self.scheduled.clear()

    # ----------------------------------------------------------------- request handling

    def _receive(self, path: str, headers: dict[str, str], body: bytes) -> _Answer:
        started = time.time()
        split = urlsplit(path)
        route = split.path.lstrip("/")
        if route.startswith("api/"):
            route = route[len("api/") :]
        content_type = headers.get("content-type", "")

        if route.startswith("upload/"):
            method = UPLOAD
            params: dict[str, Any] = {"file_id": route[len("upload/") :], "length": len(body)}
        elif route.startswith("respond/"):
            method = RESPONSE_URL
            try:
                params = parse_params(content_type or "application/json", body, split.query)
            except ValueError:
                params = {"_raw": body.decode("utf-8", "replace")}
            params["_name"] = route[len("respond/") :]
        else:
            method = route
            try:
                params = parse_params(content_type, body, split.query)
            except ValueError:
                params = {"_raw": body.decode("utf-8", "replace")}

        with self._condition:
            answer = self._answer(method, params)
            self._calls.append(
                Call(
                    method=method,
                    params=params,
                    headers=headers,
                    time=started,
                    status=answer.status,
                    response=answer.body if isinstance(answer.body, dict) else None,
                    raw=body,
                    refused=answer.refused,
                )
            )
            self._condition.notify_all()
        if self.latency > 0:
            time.sleep(self.latency)
        return answer

    def _answer(self, method: str, params: dict[str, Any]) -> _Answer:
        queue = self._scripts.get(method)
        if queue and (queue[0].where is None or queue[0].where(params)):
            script = queue[0]
            script.times -= 1
            if script.times <= 0:
                queue.popleft()
            if script.swallow:
                answer = self._normal_answer(method, params)
                answer.withheld = script
                return answer
            return _Answer(script.status, script.body, script.headers)
        return self._normal_answer(method, params)

    def _normal_answer(self, method: str, params: dict[str, Any]) -> _Answer:
        refusal = _refusal(method, params) or _where_refusal(method, params, self._posted)
        if refusal is not None:
            return refusal
        if method == UPLOAD:
            return _Answer(200, f"OK - {params['length']}")
        if method == RESPONSE_URL:
            return _Answer(200, {"ok": True})
        builder = getattr(self, "_r_" + method.replace(".", "_"), None)
        result: dict[str, Any] = {"ok": True}
        if builder is not None:
            try:
                result.update(builder(params))
            except _Refused as refused:
                return _Answer(200, {"ok": False, "error": refused.error}, refused=True)
        result.update(self._overrides.get(method, {}))
        return _Answer(200, result)

    # ----------------------------------------------------------------- normal answers
    # Called with the condition held; each returns the fields besides "ok".

    def _next_ts(self) -> str:
        self._ts_micros += 100
        micros = self._ts_micros - 100
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        self._serial += 1
        return f"{prefix}{self._serial:08X}"

    def _message(self, params: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": "A1",
            "team": TEAM_ID,
            "text": params.get("text", ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if key in params:
                message[key] = params[key]
        return message

    def _r_auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": TEAM_URL,
            "team": "Acme",
            "user": "llm-advisor",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    @staticmethod
    def _check_metadata(params: dict[str, Any]) -> None:
        if "metadata" not in params:
            return
        metadata = params["metadata"]
        if not (isinstance(metadata, dict) and isinstance(metadata.get("event_type"), str)
                and metadata["event_type"] and isinstance(metadata.get("event_payload"), dict)):
            raise _Refused("invalid_metadata_format")

    @staticmethod
    def _listed(messages: list[dict[str, Any]], params: dict[str, Any]) -> list[dict[str, Any]]:
        """Messages as a history method lists them: metadata only when asked for."""
        if str(params.get("include_all_metadata", "")).lower() in ("1", "true"):
            return [dict(m) for m in messages]
        return [{k: v for k, v in m.items() if k != "metadata"} for m in messages]

    def _r_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        self._check_metadata(params)
        ts = self._next_ts()
        channel = str(params.get("channel", ""))
        message = self._message(params, ts)
        self._posted[(channel, ts)] = message
        thread = (channel, str(params.get("thread_ts") or ""))
        if thread in self._statuses:
            self._statuses[thread] = ""  # a reply clears the thread's status
        return {"channel": channel, "ts": ts, "message": message}

    def thread_status(self, channel: str, thread_ts: str) -> str | None:
        """The status an assistant thread shows now ("" once cleared), or None if none was set."""
        with self._condition:
            return self._statuses.get((channel, thread_ts))

    @staticmethod
    def _assistant_thread(params: dict[str, Any]) -> tuple[str, str]:
        """The (channel_id, thread_ts) of an AI app call, refused as Slack refuses them."""
        channel, thread_ts = params.get("channel_id"), params.get("thread_ts")
        if not isinstance(channel, str) or not channel or not isinstance(thread_ts, str) or not thread_ts:
            raise _Refused("invalid_arguments")
        if not channel.startswith("D"):
            raise _Refused("channel_not_found")
        if not TS.match(thread_ts):
            raise _Refused("invalid_thread_ts")
        return channel, thread_ts

    def _r_assistant_threads_setStatus(self, params: dict[str, Any]) -> dict[str, Any]:
        thread = self._assistant_thread(params)
        status = params.get("status")
        if not isinstance(status, str):
            raise _Refused("invalid_arguments")
        self._statuses[thread] = status
        return {}

    def _r_assistant_threads_setSuggestedPrompts(self, params: dict[str, Any]) -> dict[str, Any]:
        self._assistant_thread(params)
        prompts = params.get("prompts")
        if not isinstance(prompts, list) or not 1 <= len(prompts) <= MAX_PROMPTS:
            raise _Refused("invalid_arguments")
        for prompt in prompts:
            if not isinstance(prompt, dict) or not all(
                    isinstance(prompt.get(key), str) and prompt[key].strip()
                    for key in ("title", "message")):
                raise _Refused("invalid_arguments")
        if "title" in params and not isinstance(params["title"], str):
            raise _Refused("invalid_arguments")
        return {}

    def _r_assistant_threads_setTitle(self, params: dict[str, Any]) -> dict[str, Any]:
        self._assistant_thread(params)
        title = params.get("title")
        if not isinstance(title, str) or not title.strip():
            raise _Refused("invalid_arguments")
        return {}

    def posted(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The message as it stands now (after any ``chat.update``), or None if never posted or
        deleted."""
        with self._condition:
            return self._posted.get((channel, ts))

    def thread(self, channel: str, thread_ts: str | None) -> list[dict[str, Any]]:
        """The bot's messages in a thread (None: at the channel's top level) as it stands now
        (edits applied, deleted ones gone), in ts order: what a reader sees of the bot."""
        with self._condition:
            return [dict(m) for (c, ts), m in sorted(self._posted.items(), key=lambda kv: kv[0][1])
                    if c == channel and m.get("thread_ts") == thread_ts and ts != thread_ts]

    def _r_chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"message_ts": self._next_ts()}

    def _r_chat_scheduleMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        """Like Slack: ``post_at`` is whole Unix seconds, in the future and at most
        ``SCHEDULE_MAX_DAYS`` ahead (else ``invalid_time``, ``time_in_past``, ``time_too_far``)."""
        post_at = params.get("post_at")
        if isinstance(post_at, str) and post_at.isdigit():
            post_at = int(post_at)
        if isinstance(post_at, bool) or not isinstance(post_at, int):
            raise _Refused("invalid_time")
        now = time.time()
        if post_at <= now:
            raise _Refused("time_in_past")
        if post_at > now + SCHEDULE_MAX_DAYS * 86_400:
            raise _Refused("time_too_far")
        channel = str(params.get("channel", ""))
        scheduled_id = self._next_id("Q")
        message = self._message(params, self._next_ts())
        message.pop("ts")
        self.scheduled[scheduled_id] = {"channel": channel, "post_at": post_at, "message": message}
        return {"channel": channel, "scheduled_message_id": scheduled_id, "post_at": post_at,
                "message": message}

    def _r_chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        self._check_metadata(params)
        ts = str(params.get("ts", ""))
        channel = str(params.get("channel", ""))
        message = self._message(params, ts)
        before = self._posted.get((channel, ts), {})
        for kept in ("thread_ts", "metadata"):
            if kept in before and kept not in message:
                message[kept] = before[kept]
        self._posted[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "text": params.get("text", ""), "message": message}

    def _r_chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        self._posted.pop((channel, ts), None)
        return {"channel": channel, "ts": ts}

    def _r_conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = str(params.get("users") or "")
        channel = str(params.get("channel") or "")
        if channel:
            return {"channel": {"id": channel}}
        first = users.split(",")[0]
        if not first.startswith(("U", "W")):
            raise _Refused("user_not_found")
        if "," in users:
            return {"channel": {"id": "G" + "".join(u[1:] for u in users.split(","))[:10]}}
        return {"channel": {"id": "D" + first[1:]}, "already_open": False, "no_op": False}

    def _r_conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, root = str(params.get("channel", "")), str(params.get("ts", ""))
        messages = [m for (c, ts), m in sorted(self._posted.items(), key=lambda kv: kv[0][1])
                    if c == channel and (ts == root or m.get("thread_ts") == root)]
        return {"messages": self._listed(messages, params), "has_more": False}

    def _r_conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """The channel's top-level messages the bot posted, newest first."""
        channel = str(params.get("channel", ""))
        messages = [m for (c, ts), m in sorted(self._posted.items(), key=lambda kv: kv[0][1],
                                               reverse=True)
                    if c == channel and m.get("thread_ts") in (None, ts)]
        return {"messages": self._listed(messages, params), "has_more": False}

    def _r_chat_getPermalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", "C"))
        ts = str(params.get("message_ts", ""))
        return {"channel": channel, "permalink": f"{TEAM_URL}archives/{channel}/p{ts.replace('.', '')}"}

    def _view(self, params: dict[str, Any], view_id: str | None) -> dict[str, Any]:
        raw = params.get("view")
        requested: dict[str, Any] = dict(raw) if isinstance(raw, dict) else {}
        if view_id is None or view_id not in self._views:
            view_id = view_id or self._next_id("V")
        view: dict[str, Any] = {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": requested.get("type", "modal"),
            "blocks": requested.get("blocks", []),
            "private_metadata": requested.get("private_metadata", ""),
            "callback_id": requested.get("callback_id", ""),
            "external_id": requested.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{time.time():.6f}.{self._next_id('h')}",
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": "A1",
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        for key in ("title", "submit", "close", "clear_on_close", "notify_on_close"):
            if key in requested:
                view[key] = requested[key]
        self._views[view_id] = view
        return view

    def _r_views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"view": self._view(params, None)}

    def _r_views_push(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"view": self._view(params, None)}

    def _r_views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        view_id = params.get("view_id")
        return {"view": self._view(params, str(view_id) if view_id else None)}

    def _r_views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        view = self._view(params, None)
        view["type"] = "home"
        return {"view": view}

    def _r_conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", "C1"))
        is_im = channel.startswith("D")
        info: dict[str, Any] = {
            "id": channel,
            "created": 1_700_000_000,
            "is_channel": channel.startswith("C"),
            "is_group": channel.startswith("G"),
            "is_im": is_im,
            "is_private": not channel.startswith("C"),
            "is_archived": False,
            "is_member": True,
            "is_ext_shared": False,
            "context_team_id": TEAM_ID,
        }
        if is_im:
            info["user"] = "U1"
        else:
            info.update({"name": "general" if channel == "C1" else channel.lower(), "num_members": 3})
        return {"channel": info}

    def _r_users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("user", "U1"))
        name = "llm-advisor" if user == BOT_USER_ID else f"user-{user.lower()}"
        return {
            "user": {
                "id": user,
                "team_id": TEAM_ID,
                "name": name,
                "real_name": name.replace("-", " ").title(),
                "deleted": False,
                "is_bot": user == BOT_USER_ID,
                "is_admin": False,
                "tz": "Europe/Berlin",
                "tz_offset": 3600,
                "profile": {"display_name": name, "real_name": name.replace("-", " ").title()},
            }
        }

    def _r_files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        alt = params.get("alt_txt")
        if alt is not None and (not isinstance(alt, str) or len(alt) > ALT_TEXT_MAX):
            raise _Refused("invalid_arguments")
        file_id = self._next_id("F")
        return {"upload_url": f"{self.base_url}upload/{file_id}", "file_id": file_id}

    def _r_files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        requested = params.get("files")
        entries = requested if isinstance(requested, list) else []
        files = []
        for entry in entries:
            file_id = str(entry.get("id", ""))
            title = entry.get("title") or file_id
            files.append(
                {
                    "id": file_id,
                    "title": title,
                    "name": title,
                    "user": BOT_USER_ID,
                    "permalink": f"{TEAM_URL}files/{BOT_USER_ID}/{file_id}/{title}",
                }
            )
        return {"files": files}
