"""Slack views: the facts modal, the what-if modal and the App Home tab."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot import wording
from bot.render.titles import decision_title, is_untitled
from bot.slack import ids
from bot.slack.render.blocks import (
    OPTION_TEXT_MAX,
    VIEW_BLOCKS_MAX,
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    header,
    plain,
    section,
)
from bot.slack.render.facts_form import (
    DEFAULT_TOKEN_UNIT,
    MODEL_QUERY_MIN,
    TOKEN_UNITS,
    fact_choices,
)
from bot.store import DecisionRecord
from scoring import Policy

View = dict[str, Any]
FACTS_TITLE = "LLM advice"
WHAT_IF_TITLE = "What if..."
HOME_HOW_TO = (f"• `{ids.COMMAND}` opens a form for the facts\n"
               f"• `{ids.COMMAND} <description>` starts a threaded conversation\n"
               "• Mention me in a channel and I'll follow that thread\n"
               f"• `{ids.COMMAND} history` lists your decisions, `{ids.COMMAND} help` the rest")
"""How to start, written plain; escaped once where the Home tab is built."""
HOME_DECISIONS_MAX = 40
"""Decisions listed on App Home; older ones are a `history` command away."""


def option(text: str, value: str, description: str | None = None) -> Block:
    item: Block = {"text": plain(text, OPTION_TEXT_MAX), "value": value}
    if description:
        item["description"] = plain(description, OPTION_TEXT_MAX)
    return item


def _select(block_id: str, choices: Sequence[tuple[str, str, str | None]],
            placeholder: str = "Choose one", initial: str | None = None) -> Block:
    options = [option(text, value, description) for text, value, description in choices][:100]
    element: Block = {"type": "static_select", "action_id": block_id,
                      "placeholder": plain(placeholder), "options": options}
    chosen = [o for o in options if o["value"] == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return element


def _input(block_id: str, label: str, element: Block, optional: bool = False,
           hint: str | None = None) -> Block:
    block: Block = {"type": "input", "block_id": block_id, "label": plain(label, 2000),
                    "element": element, "optional": optional}
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def _fact_input(block_id: str, optional: bool = False, hint: str | None = None) -> Block:
    choices = [(label, value, None) for label, value in fact_choices(block_id)]
    return _input(block_id, wording.FACT_LABELS[block_id], _select(block_id, choices), optional, hint)


def _number(block_id: str, placeholder: str) -> Block:
    return {"type": "number_input", "action_id": block_id, "is_decimal_allowed": True,
            "min_value": "0", "placeholder": plain(placeholder)}


def facts_modal(private_metadata: str, policy: Policy) -> View:
    """The workload facts as a form; `parse_facts_submission` reads it back."""
    units = [(label, value, None) for value, (label, _, _) in TOKEN_UNITS.items()]
    gpus = [(p.name, p.name, p.description) for p in policy.cost.gpu_profiles
            if len(p.name) <= 150]
    blocks = [
        section("Describe one LLM workload. I score it with the team's policy and post the "
                "recommendation, with its cost arithmetic and sources, in this channel."),
        _input(ids.INPUT_NAME, "Name of the use case", {
            "type": "plain_text_input", "action_id": ids.INPUT_NAME, "max_length": 200,
            "placeholder": plain("Support ticket triage")}, optional=True),
        _fact_input(ids.INPUT_RESIDENCY, hint="Where may this workload's data go?"),
        _fact_input(ids.INPUT_SPECIALIZATION),
        _input(ids.INPUT_TOKENS, "Token volume, input plus output",
               _number(ids.INPUT_TOKENS, "3")),
        _input(ids.INPUT_TOKEN_UNIT, "Volume unit",
               _select(ids.INPUT_TOKEN_UNIT, units, initial=DEFAULT_TOKEN_UNIT),
               hint="A month counts as 30 days."),
        _fact_input(ids.INPUT_ML, hint="For deploying, monitoring and tuning models."),
        _fact_input(ids.INPUT_LATENCY),
        _fact_input(ids.INPUT_QUALITY, optional=True),
        _fact_input(ids.INPUT_URGENCY, optional=True),
        _input(ids.INPUT_API_MODEL, "API model", {
            "type": "external_select", "action_id": ids.INPUT_API_MODEL,
            "min_query_length": MODEL_QUERY_MIN,
            "placeholder": plain("Default: matched to the task")}, optional=True,
            hint="Type part of a name, such as gpt-4o or sonnet; priced from the catalog."),
        _input(ids.INPUT_API_PRICE, "Blended API price, USD per 1M tokens",
               _number(ids.INPUT_API_PRICE, "e.g. 6.6"), optional=True,
               hint="Leave empty to price the API model from the catalog."),
    ]
    if gpus:
        blocks.append(_input(ids.INPUT_GPU, "GPU profile for self-hosting", _select(
            ids.INPUT_GPU, gpus, placeholder="Default: matched to the task"),
            optional=True))
    return {"type": "modal", "callback_id": ids.FACTS_MODAL, "title": plain(FACTS_TITLE),
            "submit": plain("Get advice"), "close": plain("Cancel"),
            "private_metadata": private_metadata, "blocks": blocks}


def what_if_modal(private_metadata: str) -> View:
    """One free-text change to try against the conversation's facts."""
    element = {"type": "plain_text_input", "action_id": ids.INPUT_WHAT_IF, "max_length": 500,
               "placeholder": plain("500M tokens a month")}
    block = _input(ids.INPUT_WHAT_IF, "What would change?", element,
                   hint="Your facts stay as they are; I show what the recommendation would be.")
    return {"type": "modal", "callback_id": ids.WHAT_IF_MODAL, "title": plain(WHAT_IF_TITLE),
            "submit": plain("Compare"), "close": plain("Cancel"),
            "private_metadata": private_metadata, "blocks": [block]}


def decision_line(record: DecisionRecord) -> str:
    """One stored decision in mrkdwn: title, recommendation, date, channel and link."""
    label = wording.CHOICE_LABELS.get(record.recommendation, record.recommendation)
    parts = [escape(label)]
    if record.created_at is not None and not is_untitled(record):  # else the title carries it
        parts.append(record.created_at.date().isoformat())
    if record.channel:
        parts.append(f"<#{record.channel}>")
    if record.permalink:
        parts.append(f"<{record.permalink}|thread>")
    return f"*{escape(decision_title(record))}*\n" + " · ".join(parts)


def recheck_button(record: DecisionRecord) -> Block | None:
    if record.id is None:
        return None
    return button("Re-check", f"{ids.RECHECK}:{record.id}", str(record.id))


def home_view(decisions: list[DecisionRecord], user_id: str) -> View:
    """App Home: how to start, then the viewer's recent decisions (newest first, as given)."""
    blocks: list[Block] = [
        header("LLM deployment advice"),
        section(f"Hi <@{user_id}>. I help decide, per workload, between a proprietary model via "
                "API, a self-hosted open-weight model, or both, with the cost arithmetic and "
                "sources behind every answer."),
        section(escape(HOME_HOW_TO)),
        *actions([button("Describe a workload", ids.OPEN_MODAL, "home", style="primary")]),
        divider(),
        header("Your recent decisions"),
    ]
    if not decisions:
        blocks.append(section("None yet. Press *Pin decision* under a recommendation to keep it "
                              "here, with its facts and sources."))
    shown = decisions[: min(HOME_DECISIONS_MAX, VIEW_BLOCKS_MAX - len(blocks) - 1)]
    blocks.extend(section(decision_line(d), recheck_button(d)) for d in shown)
    if len(decisions) > len(shown):
        blocks.append(context(f"…and {len(decisions) - len(shown)} older: "
                              f"`{ids.COMMAND} history` lists them."))
    return {"type": "home", "blocks": blocks}
