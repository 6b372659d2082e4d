"""build_app: the Bolt app, with our listeners and a Web API client that retries."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.services import Services
from bot.settings import Settings
from bot.slack import listeners
from bot.slack.advisor import SlackAdvisor


class SlackNotConfigured(ValueError):
    """A required Slack setting is missing."""


def web_client(settings: Settings) -> WebClient:
    """A client for `SLACK_API_URL` that retries connection errors, 429 (honouring
    Retry-After) and 5xx answers."""
    if settings.slack_bot_token is None:
        raise SlackNotConfigured("SLACK_BOT_TOKEN is not set")
    base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") \
        else settings.slack_api_url + "/"
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=base_url,
        timeout=15,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=5),
            ServerErrorRetryHandler(max_retry_count=4),
        ],
    )


def build_app(settings: Settings, services: Services, client: WebClient | None = None) -> App:
    """The Bolt app for this workspace, with every listener group registered."""
    if settings.slack_signing_secret is None and settings.slack_app_token is None:
        raise SlackNotConfigured("SLACK_SIGNING_SECRET is not set")
    client = client or web_client(settings)
    signing_secret = (settings.slack_signing_secret.get_secret_value()
                      if settings.slack_signing_secret else "socket-mode")
    app = App(
        client=client,
        signing_secret=signing_secret,
        logger=logging.getLogger("bot.slack.bolt"),
        raise_error_for_unhandled_request=False,
        # auth.test runs on the first request instead of at start-up, so a Web API that is
        # briefly unreachable while the bot boots does not keep it down.
        token_verification_enabled=False,
    )
    bot_user_id = _bot_user_id(client)
    listeners.register(app, SlackAdvisor(services, client, bot_user_id))
    return app


def _bot_user_id(client: WebClient) -> str | None:
    try:
        return str(client.auth_test().get("user_id") or "") or None
    except Exception:
        logging.getLogger(__name__).warning("auth.test failed; bot user id unknown")
        return None
