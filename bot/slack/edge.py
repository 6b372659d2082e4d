"""The HTTP edge of POST /slack/events: a request Slack could not have sent is refused here with
a 4xx and one log line (method, path, size, reason), before Bolt reads it; its body is never
logged. What passes is well-formed for Bolt: UTF-8 without NULs, bounded in size and depth, a
JSON object (or a form whose `payload` is one), shaped like the request type it claims."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

MAX_BODY = 1024 * 1024
"""The largest body taken (1 MiB); Slack's own payloads are far smaller."""
MAX_DEPTH = 40
"""How deeply a payload's JSON may nest; Slack's nest a dozen levels at most."""


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str

    @property
    def status_line(self) -> str:
        return {400: "400 Bad Request", 411: "411 Length Required",
                413: "413 Content Too Large"}.get(self.status, f"{self.status} Bad Request")


def _depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply `value` nests, counting no further than `limit` + 1."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > limit:
            return level
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def _json_object(text: str, what: str) -> dict[str, Any] | Refusal:
    try:
        loaded = json.loads(text)
    except (ValueError, RecursionError):
        return Refusal(400, f"{what} is not JSON")
    if not isinstance(loaded, dict):
        return Refusal(400, f"{what} is not a JSON object")
    if _depth(loaded) > MAX_DEPTH:
        return Refusal(400, f"{what} nests too deeply")
    return loaded


SLACK_TS = re.compile(r"\d{1,16}(?:\.\d{1,9})?")
"""A message timestamp as Slack writes it ("1712345678.123456")."""


def _shape(payload: dict[str, Any]) -> Refusal | None:
    """The fields Bolt relies on for the request type the payload claims."""
    kind = payload.get("type")
    if kind is not None and not isinstance(kind, str):
        return Refusal(400, "type is not a string")
    if kind == "event_callback":
        event = payload.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return Refusal(400, "event_callback without an event object")
        for name in ("ts", "thread_ts", "event_ts"):
            if name in event and event[name] is not None and not (
                    isinstance(event[name], str) and SLACK_TS.fullmatch(event[name])):
                return Refusal(400, f"event {name} is not a Slack timestamp")
    if kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions or not all(isinstance(a, dict)
                                                                    for a in actions):
            return Refusal(400, "block_actions without actions")
    if kind in ("view_submission", "view_closed") and not isinstance(payload.get("view"), dict):
        return Refusal(400, f"{kind} without a view object")
    for name in ("user", "team", "channel", "container"):
        if name in payload and payload[name] is not None and not isinstance(
                payload[name], dict | str):
            return Refusal(400, f"{name} is neither an object nor an id")
    return None


def check(headers: dict[str, str], length: int | None, body: bytes | None) -> Refusal | None:
    """Why a request to the events endpoint is refused, or None to hand it to Bolt.

    `headers` have lower-case names; `body` is None when it was not read (too long)."""
    if length is None:
        return Refusal(411, "no valid Content-Length")
    if length > MAX_BODY or body is None:
        return Refusal(413, f"body over {MAX_BODY} bytes")
    timestamp = headers.get("x-slack-request-timestamp")
    if timestamp is not None and not timestamp.strip().isdigit():
        return Refusal(400, "request timestamp is not a number")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "body is not UTF-8")
    if "\x00" in text:
        return Refusal(400, "body holds a NUL character")
    if not text.strip():
        return Refusal(400, "empty body")
    content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type == "application/json":
        loaded = _json_object(text, "body")
        return loaded if isinstance(loaded, Refusal) else _shape(loaded)
    form = parse_qs(text, keep_blank_values=True)
    if "payload" in form:
        loaded = _json_object(form["payload"][0], "payload")
        return loaded if isinstance(loaded, Refusal) else _shape(loaded)
    if "\x00" in "".join(v for values in form.values() for v in values):
        return Refusal(400, "form holds a NUL character")
    return None
