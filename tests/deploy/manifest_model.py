"""Slack's app manifest as typed models, with the field names, required fields and limits of
Slack's published manifest schema (v1): an unknown key, a missing required field or a value over
its limit fails validation, as it would when the manifest is pasted into Slack."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Url = Annotated[str, StringConstraints(pattern=r"^https?://", max_length=3500)]
ScopeOrEvent = Annotated[str, StringConstraints(min_length=1, max_length=50)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class DisplayInformation(_Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=35)]
    description: Annotated[str, StringConstraints(min_length=1, max_length=140)] | None = None
    background_color: Annotated[str, StringConstraints(
        pattern=r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$")] | None = None
    long_description: Annotated[str, StringConstraints(min_length=175, max_length=4000)] | None = None


class AppHome(_Strict):
    home_tab_enabled: bool | None = None
    messages_tab_enabled: bool | None = None
    messages_tab_read_only_enabled: bool | None = None


class BotUser(_Strict):
    display_name: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    always_online: bool | None = None


class SlashCommand(_Strict):
    command: Annotated[str, StringConstraints(min_length=2, max_length=32, pattern=r"^/")]
    description: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    url: Url | None = None
    usage_hint: Annotated[str, StringConstraints(min_length=1, max_length=1000)] | None = None
    should_escape: bool | None = None


class SuggestedPrompt(_Strict):
    title: str
    message: str


class AssistantView(_Strict):
    assistant_description: str
    suggested_prompts: list[SuggestedPrompt] | None = None


class Features(_Strict):
    app_home: AppHome | None = None
    bot_user: BotUser | None = None
    slash_commands: Annotated[list[SlashCommand], Field(min_length=1, max_length=50)] | None = None
    assistant_view: AssistantView | None = None


class Scopes(_Strict):
    bot: Annotated[list[ScopeOrEvent], Field(max_length=255)] | None = None
    user: Annotated[list[ScopeOrEvent], Field(max_length=255)] | None = None


class OAuthConfig(_Strict):
    scopes: Scopes | None = None
    redirect_urls: list[str] | None = None
    token_management_enabled: bool | None = None


class EventSubscriptions(_Strict):
    request_url: Url | None = None
    bot_events: Annotated[list[ScopeOrEvent], Field(max_length=100)] | None = None
    user_events: Annotated[list[ScopeOrEvent], Field(max_length=100)] | None = None


class Interactivity(_Strict):
    is_enabled: bool
    request_url: Url | None = None
    message_menu_options_url: Url | None = None


class Settings(_Strict):
    event_subscriptions: EventSubscriptions | None = None
    interactivity: Interactivity | None = None
    org_deploy_enabled: bool | None = None
    socket_mode_enabled: bool | None = None
    token_rotation_enabled: bool | None = None
    is_hosted: bool | None = None


class Metadata(_Strict):
    major_version: Literal[1, 2] | None = None
    minor_version: int | None = None


class Manifest(_Strict):
    display_information: DisplayInformation
    features: Features | None = None
    oauth_config: OAuthConfig | None = None
    settings: Settings | None = None
    metadata: Metadata | None = Field(default=None, alias="_metadata")
