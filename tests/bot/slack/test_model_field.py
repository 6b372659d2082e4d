"""The facts form's API model field: searchable options from the catalog, submitted as a fact."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.services import Services, build_services
from bot.settings import Settings
from bot.slack import ids
from knowledge import KnowledgeBase
from tests.bot.slack.fakes.block_kit_limits import check_options
from tests.bot.slack.fakes.signing import (
    action_body,
    block_suggestion,
    command_body,
    view_submission,
)
from tests.helpers.prices import pinned_prices
from tests.helpers.slack import FACTS_FORM as FORM
from tests.helpers.slack import Slack


@pytest.fixture
def services(settings: Settings, guide_kb: KnowledgeBase) -> Iterator[Services]:
    built = build_services(settings, knowledge=guide_kb, prices=pinned_prices())
    yield built
    built.store.close()


def _options(slack: Slack, typed: str) -> list[dict[str, Any]]:
    response = slack.send(action_body(block_suggestion(ids.INPUT_API_MODEL, typed)))
    body = json.loads(response.body)
    assert check_options(body) == []
    return list(body["options"])


def test_model_search_returns_catalog_models_matching_what_was_typed(slack: Slack) -> None:
    values = [option["value"] for option in _options(slack, "sonnet")]
    assert set(values) == {"claude-sonnet-4-5", "claude-sonnet-4-0", "claude-3-5-sonnet"}
    assert [o["value"] for o in _options(slack, "4o mini")] == ["gpt-4o-mini"]
    assert _options(slack, "no-such-model") == []


def test_model_search_options_carry_their_prices(slack: Slack) -> None:
    (option,) = _options(slack, "gpt-4o-mini")
    assert option["text"]["text"] == "gpt-4o-mini"
    assert option["description"]["text"] == "openai: $0.15 in, $0.60 out per 1M tokens"


def test_facts_modal_offers_the_model_as_a_searchable_external_select(slack: Slack) -> None:
    slack.send(command_body(""))
    view = slack.fake.wait_for("views.open")[0].params["view"]  # the fake checks every element
    block = next(b for b in view["blocks"] if b.get("block_id") == ids.INPUT_API_MODEL)
    assert block["optional"] is True
    element = block["element"]
    assert (element["type"], element["action_id"]) == ("external_select", ids.INPUT_API_MODEL)
    assert 0 <= element["min_query_length"] <= 3


def _with_model(model: str) -> dict[str, Any]:
    chosen = {"type": "external_select",
              "selected_option": {"text": {"type": "plain_text", "text": model}, "value": model}}
    return {**FORM, ids.INPUT_API_MODEL: {ids.INPUT_API_MODEL: chosen}}


def test_form_model_is_recorded_and_prices_the_answer(slack: Slack, services: Services) -> None:
    slack.send(action_body(view_submission(ids.FACTS_MODAL, _with_model("gpt-4o-mini"),
                                           private_metadata='{"channel": "C1", "user": "U1"}')))
    [root] = slack.wait_posts(1)
    posted = slack.fake.calls("chat.postMessage")[0].response
    assert posted is not None
    # The recommendation is posted once, complete, and the model's price is in it.
    assert "Recommendation" in root["text"] and "gpt-4o-mini" in str(root["blocks"])
    slack.settle(0.5)
    assert slack.fake.calls("chat.update") == []
    key = ids.conversation_key("T1", "C1", str(posted["ts"]))
    state = services.conversations.load(key)
    assert state.current.facts["api_model"].value == "gpt-4o-mini"
    assert state.last_result is not None and state.last_result.cost.api_model == "gpt-4o-mini"


def test_form_model_no_longer_in_the_catalog_is_a_field_error(slack: Slack) -> None:
    response = slack.send(action_body(view_submission(ids.FACTS_MODAL, _with_model("gpt-0-retired"))))
    body = json.loads(response.body)
    assert body["response_action"] == "errors" and ids.INPUT_API_MODEL in body["errors"]
    slack.settle(0.5)
    assert slack.posts() == []
