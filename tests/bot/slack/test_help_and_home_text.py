"""Help and App Home show `<description>` as typed: escaped once, so Slack does not read it as
markup, and never twice."""

from __future__ import annotations

import json
from typing import Any

from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import command_body, event_body
from tests.helpers.slack import Slack


def _texts(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(str((block.get("text") or {}).get("text", "")) for block in blocks)


def test_help_escapes_placeholders_once(slack: Slack) -> None:
    body = json.loads(slack.send(command_body("help")).body)
    shown = _texts(body["blocks"])
    assert "`/llm-advisor &lt;description&gt;`: start a threaded conversation" in shown
    assert "`what if &lt;change&gt;`" in shown and "`add use case &lt;name&gt;`" in shown
    assert "<description>" not in shown and "&amp;lt;" not in shown
    assert body["text"] == ("llm-advisor help: /llm-advisor, /llm-advisor &lt;text&gt;, help, "
                            "history, forget")


def test_app_home_escapes_placeholders_once(slack: Slack) -> None:
    slack.send(event_body(payloads.app_home_opened("U1")))
    view = slack.fake.wait_for("views.publish")[0].params["view"]
    shown = _texts(view["blocks"])
    assert "• `/llm-advisor &lt;description&gt;` starts a threaded conversation" in shown
    assert "<description>" not in shown and "&amp;lt;" not in shown
    assert "Hi <@U1>." in shown
