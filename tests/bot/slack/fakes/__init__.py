"""Test doubles for Slack: a recording fake Web API, signed request builders and event payloads."""

from .fake_slack import BOT_ID, BOT_USER_ID, RESPONSE_URL, TEAM_ID, UPLOAD, Call, FakeSlack
from .signing import FORM, JSON, bolt_request, post, signed_headers

__all__ = [
    "BOT_ID",
    "BOT_USER_ID",
    "FORM",
    "JSON",
    "RESPONSE_URL",
    "TEAM_ID",
    "UPLOAD",
    "Call",
    "FakeSlack",
    "bolt_request",
    "post",
    "signed_headers",
]
