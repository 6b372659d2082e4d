"""The Slack app manifests subscribe to every conversation type the bot follows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = [ROOT / "deploy" / "slack-manifest.yaml", ROOT / "deploy" / "slack-manifest-socket-mode.yaml"]
FOLLOWED = {"channels": "message.channels", "groups": "message.groups", "im": "message.im",
            "mpim": "message.mpim"}
"""Conversation type: the history scope `<type>:history` and the message event it needs."""


def _load(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text())
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_every_followed_conversation_type_has_its_scope_and_message_event(path: Path) -> None:
    manifest = _load(path)
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    for kind, event in FOLLOWED.items():
        assert f"{kind}:history" in scopes, (path.name, kind)
        assert event in events, (path.name, event)


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_each_manifest_is_valid_against_slacks_manifest_schema(path: Path) -> None:
    from tests.deploy.manifest_model import Manifest

    manifest = Manifest.model_validate(_load(path))
    assert manifest.features is not None and manifest.features.assistant_view is not None
    prompts = manifest.features.assistant_view.suggested_prompts or []
    assert 1 <= len(prompts) <= 4  # what assistant.threads.setSuggestedPrompts takes


def test_the_manifest_model_refuses_what_slack_refuses() -> None:
    from pydantic import ValidationError

    from tests.deploy.manifest_model import Manifest

    good = _load(MANIFESTS[0])
    broken = [
        {**good, "display_information": {**good["display_information"], "name": "x" * 36}},
        {**good, "features": {**good["features"], "assistant_view": {"suggested_prompts": []}}},
        {**good, "settings": {**good["settings"], "interactivity": {"request_url": "https://a"}}},
        {**good, "oauth_config": {"scopes": {"bot": ["chat:write"], "bots": []}}},
        {**good, "features": {**good["features"], "slash_commands": [{"command": "llm-advisor",
                                                                      "description": "x"}]}},
    ]
    for manifest in broken:
        with pytest.raises(ValidationError):
            Manifest.model_validate(manifest)
