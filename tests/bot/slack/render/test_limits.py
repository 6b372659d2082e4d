from __future__ import annotations

from typing import Any

import bot.slack.render as render
from bot.slack.render import check_message, check_view


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


def test_render_public_names_are_exactly_the_intended_ones() -> None:
    assert set(render.__all__) == {
        "SlackMessage", "advice_messages", "check_message", "check_view", "decision_summary",
        "escape", "facts_modal", "forget_confirm_message", "help_message", "history_messages",
        "home_view", "parse_facts_submission", "recheck_message", "reply_messages", "what_if_modal",
    }
    assert all(hasattr(render, name) for name in render.__all__)
