"""Slack's documented Block Kit limits, as the fake Web API applies them to what it receives."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.slack.render.blocks import (
    ACTIONS_MAX,
    BUTTON_TEXT_MAX,
    BUTTON_VALUE_MAX,
    CONTEXT_MAX,
    FALLBACK_TEXT_MAX,
    HEADER_TEXT_MAX,
    MESSAGE_BLOCKS_MAX,
    MESSAGE_CHARS_MAX,
    OPTION_TEXT_MAX,
    SECTION_TEXT_MAX,
    VIEW_BLOCKS_MAX,
)

ID_MAX = 255
FIELDS_MAX = 10
FIELD_TEXT_MAX = 2000
LABEL_MAX = 2000
PLACEHOLDER_MAX = 150
OPTIONS_MAX = 100
OPTION_VALUE_MAX = 150
VIEW_TITLE_MAX = 24
MIN_QUERY_LENGTH_DEFAULT = 3
MIN_QUERY_LENGTH_MAX = OPTION_TEXT_MAX
"""A query longer than any option's text could match nothing; Slack documents only the default."""
PRIVATE_METADATA_MAX = 3000
CONTEXT_ACTIONS_MAX = 5
ACCESSIBILITY_LABEL_MAX = 75
FEEDBACK_BUTTON_FIELDS = {"text", "value", "accessibility_label"}
MESSAGE_BLOCK_TYPES = {"section", "header", "context", "actions", "divider", "image", "rich_text",
                       "context_actions"}
VIEW_BLOCK_TYPES = (MESSAGE_BLOCK_TYPES - {"context_actions"}) | {"input"}
"""Context actions (feedback and icon buttons) are for messages only."""


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.block_ids: set[str] = set()
        self.action_ids: set[str] = set()

    def fail(self, where: str, problem: str) -> None:
        self.problems.append(f"{where}: {problem}")

    def text(self, where: str, obj: Any, limit: int, kinds: tuple[str, ...] = ("plain_text", "mrkdwn")
             ) -> None:
        if not isinstance(obj, Mapping) or obj.get("type") not in kinds:
            self.fail(where, f"expected a text object of type {' or '.join(kinds)}")
            return
        value = obj.get("text")
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "text is empty")
        elif len(value) > limit:
            self.fail(where, f"text is {len(value)} characters, more than {limit}")

    def identifier(self, where: str, kind: str, value: Any, seen: set[str]) -> None:
        if value is None:
            return
        if not isinstance(value, str) or not value or len(value) > ID_MAX:
            self.fail(where, f"{kind} must be 1-{ID_MAX} characters")
        elif value in seen:
            self.fail(where, f"{kind} {value!r} is used twice")
        else:
            seen.add(value)

    def option(self, where: str, option: Any) -> None:
        if not isinstance(option, Mapping):
            self.fail(where, "option is not an object")
            return
        self.text(f"{where}.text", option.get("text"), OPTION_TEXT_MAX, ("plain_text",))
        value = option.get("value")
        if not isinstance(value, str) or not value or len(value) > OPTION_VALUE_MAX:
            self.fail(where, f"option value must be 1-{OPTION_VALUE_MAX} characters")
        if "description" in option:
            self.text(f"{where}.description", option["description"], OPTION_TEXT_MAX, ("plain_text",))

    def element(self, where: str, element: Any) -> None:
        if not isinstance(element, Mapping):
            self.fail(where, "element is not an object")
            return
        kind = element.get("type")
        self.identifier(where, "action_id", element.get("action_id"), self.action_ids)
        if "placeholder" in element:
            self.text(f"{where}.placeholder", element["placeholder"], PLACEHOLDER_MAX, ("plain_text",))
        if kind == "button":
            self.text(f"{where}.text", element.get("text"), BUTTON_TEXT_MAX, ("plain_text",))
            value = element.get("value")
            if value is not None and (not isinstance(value, str) or len(value) > BUTTON_VALUE_MAX):
                self.fail(where, f"button value must be a string of at most {BUTTON_VALUE_MAX}")
            if element.get("style") not in (None, "primary", "danger"):
                self.fail(where, "button style must be primary or danger")
        elif kind == "static_select":
            options = element.get("options")
            if not isinstance(options, list) or not 1 <= len(options) <= OPTIONS_MAX:
                self.fail(where, f"static_select needs 1-{OPTIONS_MAX} options")
                options = []
            for index, option in enumerate(options):
                self.option(f"{where}.options[{index}]", option)
            initial = element.get("initial_option")
            if initial is not None and initial not in options:
                self.fail(where, "initial_option is not one of the options")
        elif kind == "external_select":
            self._external_select(where, element)
        elif kind == "number_input":
            if not isinstance(element.get("is_decimal_allowed"), bool):
                self.fail(where, "number_input needs is_decimal_allowed")
            for name in ("min_value", "max_value", "initial_value"):
                if name in element and not isinstance(element[name], str):
                    self.fail(where, f"number_input {name} must be a string")
        elif kind not in ("plain_text_input", "image", "overflow", "datepicker", "checkboxes",
                          "radio_buttons", "users_select", "conversations_select", "channels_select"):
            self.fail(where, f"unknown element type {kind!r}")

    def _external_select(self, where: str, element: Mapping[str, Any]) -> None:
        # Slack asks the app's options load URL for choices, matched to the listener by action_id.
        action_id = element.get("action_id")
        if not isinstance(action_id, str) or not action_id:
            self.fail(where, "external_select needs an action_id for its options listener")
        if "options" in element or "option_groups" in element:
            self.fail(where, "external_select loads its options; it carries none")
        length = element.get("min_query_length", MIN_QUERY_LENGTH_DEFAULT)
        if isinstance(length, bool) or not isinstance(length, int) \
                or not 0 <= length <= MIN_QUERY_LENGTH_MAX:
            self.fail(where, f"min_query_length must be an integer 0-{MIN_QUERY_LENGTH_MAX}")
        if "initial_option" in element:
            self.option(f"{where}.initial_option", element["initial_option"])

    def block(self, where: str, block: Any, allowed: set[str]) -> None:
        if not isinstance(block, Mapping) or block.get("type") not in allowed:
            kind = block.get("type") if isinstance(block, Mapping) else None
            self.fail(where, f"block type {kind!r} is not allowed here")
            return
        kind = block["type"]
        self.identifier(where, "block_id", block.get("block_id"), self.block_ids)
        # Slack wants action ids unique within their block; listeners match them by prefix.
        self.action_ids = set()
        if kind == "section":
            self._section(where, block)
        elif kind == "header":
            self.text(f"{where}.text", block.get("text"), HEADER_TEXT_MAX, ("plain_text",))
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= CONTEXT_MAX:
                self.fail(where, f"context needs 1-{CONTEXT_MAX} elements")
                elements = []
            for index, element in enumerate(elements):
                if isinstance(element, Mapping) and element.get("type") == "image":
                    continue
                self.text(f"{where}.elements[{index}]", element, SECTION_TEXT_MAX)
        elif kind == "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= ACTIONS_MAX:
                self.fail(where, f"actions needs 1-{ACTIONS_MAX} elements")
                elements = []
            for index, element in enumerate(elements):
                self.element(f"{where}.elements[{index}]", element)
        elif kind == "context_actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= CONTEXT_ACTIONS_MAX:
                self.fail(where, f"context_actions needs 1-{CONTEXT_ACTIONS_MAX} elements")
                elements = []
            for index, element in enumerate(elements):
                self._context_action(f"{where}.elements[{index}]", element)
        elif kind == "input":
            self.text(f"{where}.label", block.get("label"), LABEL_MAX, ("plain_text",))
            if "hint" in block:
                self.text(f"{where}.hint", block["hint"], LABEL_MAX, ("plain_text",))
            self.element(f"{where}.element", block.get("element"))

    def _context_action(self, where: str, element: Any) -> None:
        """A feedback_buttons or icon_button element: the only ones a context_actions block takes."""
        if not isinstance(element, Mapping) or element.get("type") not in ("feedback_buttons",
                                                                           "icon_button"):
            kind = element.get("type") if isinstance(element, Mapping) else None
            self.fail(where, f"context_actions takes feedback_buttons or icon_button, not {kind!r}")
            return
        self.identifier(where, "action_id", element.get("action_id"), self.action_ids)
        if element["type"] == "icon_button":
            if not isinstance(element.get("icon"), str) or not element["icon"]:
                self.fail(where, "icon_button needs an icon")
            self.text(f"{where}.text", element.get("text"), BUTTON_TEXT_MAX, ("plain_text",))
            return
        extra = set(element) - {"type", "action_id", "positive_button", "negative_button"}
        if extra:
            self.fail(where, f"feedback_buttons has unknown fields {sorted(extra)}")
        for side in ("positive_button", "negative_button"):
            self._feedback_button(f"{where}.{side}", element.get(side))

    def _feedback_button(self, where: str, button: Any) -> None:
        if not isinstance(button, Mapping):
            self.fail(where, "is required: an object with text and value")
            return
        extra = set(button) - FEEDBACK_BUTTON_FIELDS
        if extra:
            self.fail(where, f"unknown fields {sorted(extra)}")
        self.text(f"{where}.text", button.get("text"), BUTTON_TEXT_MAX, ("plain_text",))
        value = button.get("value")
        if not isinstance(value, str) or not value or len(value) > BUTTON_VALUE_MAX:
            self.fail(where, f"value must be 1-{BUTTON_VALUE_MAX} characters")
        label = button.get("accessibility_label")
        if label is not None and (not isinstance(label, str) or not label
                                  or len(label) > ACCESSIBILITY_LABEL_MAX):
            self.fail(where, f"accessibility_label must be 1-{ACCESSIBILITY_LABEL_MAX} characters")

    def _section(self, where: str, block: Mapping[str, Any]) -> None:
        fields = block.get("fields")
        if "text" in block or fields is None:
            self.text(f"{where}.text", block.get("text"), SECTION_TEXT_MAX)
        if fields is not None:
            if not isinstance(fields, list) or not 1 <= len(fields) <= FIELDS_MAX:
                self.fail(where, f"section needs 1-{FIELDS_MAX} fields")
                fields = []
            for index, item in enumerate(fields):
                self.text(f"{where}.fields[{index}]", item, FIELD_TEXT_MAX)
        if "accessory" in block:
            self.element(f"{where}.accessory", block["accessory"])

    def blocks(self, blocks: Any, limit: int, allowed: set[str]) -> None:
        if not isinstance(blocks, list):
            self.fail("blocks", "must be a list")
            return
        if len(blocks) > limit:
            self.fail("blocks", f"{len(blocks)} blocks, more than {limit}")
        for index, block in enumerate(blocks):
            self.block(f"blocks[{index}]", block, allowed)


def check_message(payload: Mapping[str, Any]) -> list[str]:
    """Every limit a chat.postMessage-style payload (text + blocks) breaks; empty when it fits."""
    checker = _Checker()
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        checker.fail("text", "a message needs a non-empty fallback text")
    elif len(text) > FALLBACK_TEXT_MAX:
        checker.fail("text", f"fallback text is {len(text)} characters, more than {FALLBACK_TEXT_MAX}")
    checker.blocks(payload.get("blocks", []), MESSAGE_BLOCKS_MAX, MESSAGE_BLOCK_TYPES)
    size = len(json.dumps({"text": text, "blocks": payload.get("blocks", [])}, ensure_ascii=False))
    if size > MESSAGE_CHARS_MAX:
        checker.fail("message", f"{size} characters in all, more than {MESSAGE_CHARS_MAX}")
    return checker.problems


def check_view(view: Mapping[str, Any]) -> list[str]:
    """Every limit a modal or App Home view breaks; empty when it fits."""
    checker = _Checker()
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.fail("type", "a view is a modal or home")
    if kind == "modal":
        checker.text("title", view.get("title"), VIEW_TITLE_MAX, ("plain_text",))
        for name in ("submit", "close"):
            if name in view:
                checker.text(name, view[name], VIEW_TITLE_MAX, ("plain_text",))
        has_input = any(isinstance(b, Mapping) and b.get("type") == "input"
                        for b in view.get("blocks", []))
        if has_input and "submit" not in view:
            checker.fail("submit", "a modal with inputs needs a submit button")
    checker.identifier("callback_id", "callback_id", view.get("callback_id"), set())
    metadata = view.get("private_metadata")
    if metadata is not None and (not isinstance(metadata, str) or len(metadata) > PRIVATE_METADATA_MAX):
        checker.fail("private_metadata", f"must be a string of at most {PRIVATE_METADATA_MAX}")
    checker.blocks(view.get("blocks"), VIEW_BLOCKS_MAX, VIEW_BLOCK_TYPES)
    return checker.problems


def check_options(response: Any) -> list[str]:
    """Every limit an options-load answer (for an external_select) breaks; empty when it fits."""
    checker = _Checker()
    if not isinstance(response, Mapping) or set(response) - {"options", "option_groups"}:
        checker.fail("response", "an options answer is {\"options\": [...]} or option_groups")
        return checker.problems
    options = response.get("options")
    if not isinstance(options, list) or len(options) > OPTIONS_MAX:
        checker.fail("options", f"at most {OPTIONS_MAX} options in a list")
        options = []
    for index, option in enumerate(options):
        checker.option(f"options[{index}]", option)
    return checker.problems
