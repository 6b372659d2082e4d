"""Correctly signed requests of the three kinds Slack sends to the app's request URL.

Builders return the raw body as a ``str``; its content type is :data:`JSON` for
:func:`event_body` / :func:`url_verification_body` and :data:`FORM` for :func:`command_body` /
:func:`action_body`. Every function that takes ``content_type`` accepts ``None`` and then
guesses it from the body (``{`` → JSON, otherwise form).
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import ProxyHandler, Request, build_opener

from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from .fake_slack import BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"

_serial = itertools.count(1)


def _unique() -> str:
    return f"{next(_serial):04d}{uuid.uuid4().hex[:6].upper()}"


def new_trigger_id() -> str:
    """A trigger_id shaped like Slack's (``<digits>.<digits>.<hex>``)."""
    return f"{int(time.time() * 1000)}.{next(_serial)}.{uuid.uuid4().hex}"


def guess_content_type(body: str) -> str:
    return JSON if body.lstrip().startswith("{") else FORM


# ---------------------------------------------------------------------------- signing


def signed_headers(
    secret: str,
    body: str,
    timestamp: int | None = None,
    *,
    content_type: str | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Headers Slack sends with ``body``: content-type, x-slack-request-timestamp, x-slack-signature.

    ``timestamp`` defaults to now; pass ``int(time.time()) - 600`` for a stale request.
    ``extra_headers`` (e.g. ``x-slack-retry-num``, ``x-slack-retry-reason``) are added unsigned,
    as Slack does.
    """
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    if signature is None:  # pragma: no cover - only when timestamp is None
        raise RuntimeError("slack_sdk produced no signature")
    headers = {
        "content-type": content_type or guess_content_type(body),
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": signature,
    }
    if extra_headers:
        headers.update({name.lower(): value for name, value in extra_headers.items()})
    return headers


def retry_headers(num: int = 1, reason: str = "http_timeout") -> dict[str, str]:
    """The headers Slack adds when it redelivers an event."""
    return {"x-slack-retry-num": str(num), "x-slack-retry-reason": reason}


def bolt_request(
    body: str,
    content_type: str | None,
    secret: str,
    extra_headers: Mapping[str, str] | None = None,
    *,
    timestamp: int | None = None,
) -> BoltRequest:
    """A signed ``BoltRequest`` for ``app.dispatch(...)``."""
    headers = signed_headers(secret, body, timestamp, content_type=content_type, extra_headers=extra_headers)
    return BoltRequest(body=body, headers=dict(headers))


def post(
    url: str,
    body: str,
    content_type: str | None,
    secret: str,
    extra_headers: Mapping[str, str] | None = None,
    *,
    timestamp: int | None = None,
    timeout: float = 10,
) -> tuple[int, str]:
    """POST a signed request over real HTTP; return ``(status, response body)`` (no raise on 4xx/5xx)."""
    headers = signed_headers(secret, body, timestamp, content_type=content_type, extra_headers=extra_headers)
    request = Request(url, data=body.encode("utf-8"), headers=headers, method="POST")
    opener = build_opener(ProxyHandler({}))  # never route the local server through a proxy
    try:
        with opener.open(request, timeout=timeout) as response:
            return int(response.status), response.read().decode("utf-8")
    except HTTPError as error:
        with error:
            return int(error.code), error.read().decode("utf-8")


# ---------------------------------------------------------------------------- Events API


def event_body(
    event: Mapping[str, Any],
    event_id: str | None = None,
    team: str = TEAM_ID,
    api_app_id: str = "A1",
    event_time: int | None = None,
) -> str:
    """The JSON ``event_callback`` envelope around ``event``."""
    envelope: dict[str, Any] = {
        "token": "verification-token-unused",
        "team_id": team,
        "context_team_id": team,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id or f"Ev{_unique()}",
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{uuid.uuid4().hex}",
    }
    return json.dumps(envelope)


def url_verification_body(challenge: str = "challenge-token") -> str:
    """The JSON body of Slack's request URL handshake."""
    return json.dumps(
        {"token": "verification-token-unused", "challenge": challenge, "type": "url_verification"}
    )


# ---------------------------------------------------------------------------- slash commands


def command_body(
    text: str,
    user_id: str = "U1",
    channel_id: str = "C1",
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    command: str = "/llm-advisor",
    response_url: str | None = None,
    *,
    user_name: str | None = None,
    channel_name: str | None = None,
    api_app_id: str = "A1",
) -> str:
    """The form body of a slash command invocation, with the fields Slack sends."""
    fields = {
        "token": "verification-token-unused",
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name or _channel_name(channel_id),
        "user_id": user_id,
        "user_name": user_name or f"user-{user_id.lower()}",
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url or f"https://hooks.slack.com/commands/{team_id}/{_unique()}/x",
        "trigger_id": trigger_id or new_trigger_id(),
    }
    return urlencode(fields)


# ---------------------------------------------------------------------------- interactivity


def action_body(payload: Mapping[str, Any]) -> str:
    """The form body Slack sends for interactivity: ``payload=<json>``."""
    return urlencode({"payload": json.dumps(dict(payload))})


def _channel_name(channel_id: str) -> str:
    if channel_id.startswith("D"):
        return "directmessage"
    return "general" if channel_id == "C1" else channel_id.lower()


def _user(user: str, team: str) -> dict[str, Any]:
    name = f"user-{user.lower()}"
    return {"id": user, "username": name, "name": name, "team_id": team}


def block_action(
    action_id: str,
    value: str | None = None,
    user: str = "U1",
    channel: str = "C1",
    message_ts: str = "1712345678.000100",
    thread_ts: str | None = None,
    *,
    trigger_id: str | None = None,
    block_id: str = "actions",
    action_type: str = "button",
    button_text: str = "Button",
    message_text: str = "",
    message_blocks: list[dict[str, Any]] | None = None,
    state_values: dict[str, Any] | None = None,
    response_url: str | None = None,
    is_ephemeral: bool = False,
    team: str = TEAM_ID,
    api_app_id: str = "A1",
) -> dict[str, Any]:
    """A ``block_actions`` payload for a click on a button in a bot message (``action_body`` it)."""
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": action_type,
        "action_ts": f"{time.time():.6f}",
    }
    if action_type == "button":
        action["text"] = {"type": "plain_text", "text": button_text, "emoji": True}
    if value is not None:
        action["value"] = value
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel,
        "is_ephemeral": is_ephemeral,
    }
    message: dict[str, Any] = {
        "type": "message",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "app_id": api_app_id,
        "text": message_text,
        "ts": message_ts,
        "team": team,
        "blocks": message_blocks or [],
    }
    if thread_ts is not None:
        container["thread_ts"] = thread_ts
        message["thread_ts"] = thread_ts
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user, team),
        "api_app_id": api_app_id,
        "token": "verification-token-unused",
        "container": container,
        "trigger_id": trigger_id or new_trigger_id(),
        "team": {"id": team, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": _channel_name(channel)},
        "state": {"values": state_values or {}},
        "response_url": response_url or f"https://hooks.slack.com/actions/{team}/{_unique()}/x",
        "actions": [action],
    }
    if not is_ephemeral:
        payload["message"] = message
    return payload


def _state_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Accept Slack's shape, or the shorthand ``{block_id: {action_id: "text"}}`` for plain text inputs."""
    state: dict[str, Any] = {}
    for block_id, actions in values.items():
        state[block_id] = {
            action_id: {"type": "plain_text_input", "value": element} if isinstance(element, str) else element
            for action_id, element in actions.items()
        }
    return state


def view_submission(
    callback_id: str,
    values: Mapping[str, Any],
    private_metadata: str = "",
    user: str = "U1",
    *,
    view_id: str = "V0000001",
    trigger_id: str | None = None,
    blocks: list[dict[str, Any]] | None = None,
    team: str = TEAM_ID,
    api_app_id: str = "A1",
) -> dict[str, Any]:
    """A ``view_submission`` payload (``action_body`` it).

    ``values`` is ``view.state.values``: ``{block_id: {action_id: {"type": ..., "value": ...}}}``;
    a bare string element is shorthand for a plain_text_input value.
    """
    return {
        "type": "view_submission",
        "team": {"id": team, "domain": TEAM_DOMAIN},
        "user": _user(user, team),
        "api_app_id": api_app_id,
        "token": "verification-token-unused",
        "trigger_id": trigger_id or new_trigger_id(),
        "view": {
            "id": view_id,
            "team_id": team,
            "type": "modal",
            "blocks": blocks or [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": _state_values(values)},
            "hash": f"{int(time.time())}.{uuid.uuid4().hex[:8]}",
            "title": {"type": "plain_text", "text": "LLM Advisor", "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
            "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": api_app_id,
            "external_id": "",
            "app_installed_team_id": team,
            "bot_id": BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def block_suggestion(
    action_id: str,
    value: str,
    user: str = "U1",
    *,
    block_id: str | None = None,
    view_id: str = "V0000001",
    callback_id: str = "",
    team: str = TEAM_ID,
    api_app_id: str = "A1",
) -> dict[str, Any]:
    """A ``block_suggestion`` payload: the user typed ``value`` into an external_select in a
    modal (``action_body`` it). Slack answers it from the options load URL."""
    return {
        "type": "block_suggestion",
        "user": _user(user, team),
        "container": {"type": "view", "view_id": view_id},
        "api_app_id": api_app_id,
        "token": "verification-token-unused",
        "action_id": action_id,
        "block_id": block_id or action_id,
        "value": value,
        "team": {"id": team, "domain": TEAM_DOMAIN},
        "view": {
            "id": view_id, "team_id": team, "type": "modal", "blocks": [],
            "private_metadata": "", "callback_id": callback_id, "state": {"values": {}},
            "hash": f"{int(time.time())}.{uuid.uuid4().hex[:8]}",
            "title": {"type": "plain_text", "text": "LLM Advisor", "emoji": True},
            "root_view_id": view_id, "app_id": api_app_id, "bot_id": BOT_ID,
        },
        "is_enterprise_install": False,
        "enterprise": None,
    }
