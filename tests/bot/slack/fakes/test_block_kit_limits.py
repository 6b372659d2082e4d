from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.bot.slack.fakes import FakeSlack
from tests.bot.slack.fakes.block_kit_limits import check_message, check_options, check_view


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(text: str = "Go", action_id: str = "go", value: str = "v") -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id,
            "value": value}


def test_check_message_accepts_a_small_message() -> None:
    assert check_message({"text": "hi", "blocks": [section("hi"), {"type": "divider"}]}) == []


def test_check_message_reports_each_broken_limit() -> None:
    payload = {"text": "", "blocks": [
        section("x" * 3001),
        {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11},
        {"type": "actions", "elements": [button("b" * 76, "a1"), button(value="v" * 2001, action_id="a1")]},
        {"type": "input", "label": {"type": "plain_text", "text": "l"}, "element": {}},
        section(""),
    ]}
    problems = check_message(payload)
    for expected in ("text: a message needs a non-empty fallback text",
                     "blocks[0].text: text is 3001 characters, more than 3000",
                     "blocks[1].text: text is 151 characters, more than 150",
                     "blocks[2]: context needs 1-10 elements",
                     "blocks[3].elements[0].text: text is 76 characters, more than 75",
                     "blocks[3].elements[1]: action_id 'a1' is used twice",
                     "blocks[3].elements[1]: button value must be a string of at most 2000",
                     "blocks[4]: block type 'input' is not allowed here",
                     "blocks[5].text: text is empty"):
        assert expected in problems, problems
    assert len(problems) == 9


def test_check_message_block_count_and_total_size() -> None:
    many = {"text": "t", "blocks": [section("x")] * 51}
    assert check_message(many) == ["blocks: 51 blocks, more than 50"]
    heavy = {"text": "t", "blocks": [section("x" * 2900)] * 5}
    assert any(p.startswith("message: ") for p in check_message(heavy))
    assert check_message({"text": "t" * 3001, "blocks": []}) == [
        "text: fallback text is 3001 characters, more than 3000"]


def test_check_message_duplicate_block_ids_and_too_many_actions() -> None:
    payload = {"text": "t", "blocks": [
        {**section("a"), "block_id": "same"}, {**section("b"), "block_id": "same"},
        {"type": "actions", "elements": [button(action_id=f"b{i}") for i in range(26)]}]}
    assert check_message(payload) == ["blocks[1]: block_id 'same' is used twice",
                                      "blocks[2]: actions needs 1-25 elements"]


def test_check_view_modal_limits() -> None:
    select = {"type": "static_select", "action_id": "s", "options": [
        {"text": {"type": "plain_text", "text": "o" * 76}, "value": "v"}],
        "initial_option": {"text": {"type": "plain_text", "text": "x"}, "value": "x"}}
    view = {"type": "modal", "title": {"type": "plain_text", "text": "A title that is far too long"},
            "private_metadata": "m" * 3001, "blocks": [
                {"type": "input", "block_id": "s", "label": {"type": "plain_text", "text": "S"},
                 "element": select},
                {"type": "input", "block_id": "n", "label": {"type": "plain_text", "text": "N"},
                 "element": {"type": "number_input", "action_id": "n", "min_value": 0}}]}
    problems = check_view(view)
    assert problems == [
        "title: text is 28 characters, more than 24",
        "submit: a modal with inputs needs a submit button",
        "private_metadata: must be a string of at most 3000",
        "blocks[0].element.options[0].text: text is 76 characters, more than 75",
        "blocks[0].element: initial_option is not one of the options",
        "blocks[1].element: number_input needs is_decimal_allowed",
        "blocks[1].element: number_input min_value must be a string",
    ]


def test_check_view_home_allows_100_blocks_only() -> None:
    assert check_view({"type": "home", "blocks": [section("x")] * 100}) == []
    assert check_view({"type": "home", "blocks": [section("x")] * 101}) == [
        "blocks: 101 blocks, more than 100"]
    assert check_view({"type": "page", "blocks": []}) == ["type: a view is a modal or home"]


@pytest.mark.parametrize(("method", "params"), [
    ("chat_postMessage", {"channel": "C1"}),
    ("chat_update", {"channel": "C1"}),
    ("chat_postEphemeral", {"channel": "C1", "user": "U1"}),
])
def test_fake_slack_refuses_a_message_over_the_limits(method: str, params: dict[str, Any]) -> None:
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.base_url)
        if method == "chat_update":
            params = {**params, "ts": client.chat_postMessage(channel="C1", text="first")["ts"]}
        with pytest.raises(SlackApiError) as refused:
            getattr(client, method)(text="hi", blocks=[section("x" * 3001)], **params)
        assert refused.value.response["error"] == "invalid_blocks"
        assert refused.value.response["errors"] == [
            "blocks[0].text: text is 3001 characters, more than 3000"]
        getattr(client, method)(text="hi", blocks=[section("fits")], **params)
        assert [call.method for call in fake.refusals()] == [method.replace("_", ".")]


@pytest.mark.parametrize(("method", "params"), [
    ("views_open", {"trigger_id": "1.2.3"}),
    ("views_push", {"trigger_id": "1.2.3"}),
    ("views_update", {"view_id": "V1"}),
    ("views_publish", {"user_id": "U1"}),
])
def test_fake_slack_refuses_a_view_over_the_limits(method: str, params: dict[str, Any]) -> None:
    kind = "home" if method == "views_publish" else "modal"
    title = {"type": "plain_text", "text": "Advice"}
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.base_url)
        with pytest.raises(SlackApiError) as refused:
            getattr(client, method)(view={"type": kind, "title": title,
                                          "blocks": [section("x")] * 101}, **params)
        assert refused.value.response["error"] == "invalid_arguments"
        getattr(client, method)(view={"type": kind, "title": title, "blocks": [section("x")]},
                                **params)
        assert len(fake.refusals()) == 1


def test_fake_slack_refuses_a_response_url_post_over_the_limits() -> None:
    with FakeSlack() as fake:
        url = fake.response_url()
        request = urllib.request.Request(
            url, data=json.dumps({"text": "hi", "blocks": [section("")]}).encode(),
            headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        refused.value.close()
        assert refused.value.code == 400
        assert [call.method for call in fake.refusals()] == ["response_url"]


def _modal_with(element: dict[str, Any]) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": "T"},
            "submit": {"type": "plain_text", "text": "Go"},
            "blocks": [{"type": "input", "block_id": "b", "label": {"type": "plain_text", "text": "L"},
                        "element": element}]}


def test_check_view_accepts_an_external_select() -> None:
    element = {"type": "external_select", "action_id": "m", "min_query_length": 2,
               "placeholder": {"type": "plain_text", "text": "Pick"}}
    assert check_view(_modal_with(element)) == []


@pytest.mark.parametrize(("element", "problem"), [
    ({"type": "external_select"}, "needs an action_id"),
    ({"type": "external_select", "action_id": "m", "options": []}, "carries none"),
    ({"type": "external_select", "action_id": "m", "min_query_length": -1}, "min_query_length"),
    ({"type": "external_select", "action_id": "m", "min_query_length": "2"}, "min_query_length"),
    ({"type": "external_select", "action_id": "m", "min_query_length": True}, "min_query_length"),
    ({"type": "external_select", "action_id": "m", "initial_option": {"value": "x"}}, "initial_option"),
])
def test_check_view_refuses_a_broken_external_select(element: dict[str, Any], problem: str) -> None:
    assert any(problem in found for found in check_view(_modal_with(element)))


def test_check_options_limits_an_options_answer() -> None:
    option = {"text": {"type": "plain_text", "text": "o"}, "value": "o"}
    assert check_options({"options": [option] * 100}) == []
    assert check_options({"options": [option] * 101}) == ["options: at most 100 options in a list"]
    assert check_options({"options": [{"text": {"type": "plain_text", "text": "o"}, "value": ""}]})


def _feedback(**changes: Any) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "feedback_buttons", "action_id": "feedback",
        "positive_button": {"text": {"type": "plain_text", "text": "👍"}, "value": "positive",
                            "accessibility_label": "Helpful"},
        "negative_button": {"text": {"type": "plain_text", "text": "👎"}, "value": "negative"},
    }
    element.update(changes)
    return {"type": "context_actions", "elements": [element]}


def test_check_message_accepts_feedback_buttons_in_context_actions() -> None:
    icon = {"type": "icon_button", "icon": "trash", "text": {"type": "plain_text", "text": "Delete"},
            "action_id": "delete", "value": "x"}
    block = _feedback()
    block["elements"].append(icon)
    assert check_message({"text": "hi", "blocks": [section("hi"), block]}) == []


def test_check_message_refuses_malformed_feedback_buttons() -> None:
    no_value = {"text": {"type": "plain_text", "text": "👍"}}
    markdown = {"text": {"type": "mrkdwn", "text": "*yes*"}, "value": "positive"}
    blocks = [
        _feedback(negative_button=None),
        _feedback(positive_button=no_value),
        _feedback(positive_button=markdown),
        _feedback(style="primary"),
        {"type": "context_actions", "elements": [button()]},
        {"type": "context_actions", "elements": []},
        {"type": "actions", "elements": _feedback()["elements"]},
    ]
    problems = check_message({"text": "hi", "blocks": blocks})
    assert problems == [
        "blocks[0].elements[0].negative_button: is required: an object with text and value",
        "blocks[1].elements[0].positive_button: value must be 1-2000 characters",
        "blocks[2].elements[0].positive_button.text: expected a text object of type plain_text",
        "blocks[3].elements[0]: feedback_buttons has unknown fields ['style']",
        "blocks[4].elements[0]: context_actions takes feedback_buttons or icon_button, not 'button'",
        "blocks[5]: context_actions needs 1-5 elements",
        "blocks[6].elements[0]: unknown element type 'feedback_buttons'",
    ]
    view = {"type": "home", "blocks": [_feedback()]}
    assert check_view(view) == ["blocks[0]: block type 'context_actions' is not allowed here"]
