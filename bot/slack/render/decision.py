"""The pinned decision record: an ADR-like summary of one recommendation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot import wording
from bot.conversation import Advice
from bot.render.advice_rows import advice_rows, factor_row, flip_rows
from bot.render.titles import decision_title
from bot.slack import ids
from bot.slack.render.blocks import (
    Block,
    SlackMessage,
    actions,
    button,
    clip_lines,
    context,
    escape,
    header,
    mrkdwn,
    section,
    truncate,
)
from bot.slack.render.messages import factor_line, source_lines
from bot.store import DecisionRecord
from scoring import Recommendation, WorkloadFacts

TOP_FACTORS = 3
SCHEDULE_MAX_DAYS = 120
"""How far ahead Slack's chat.scheduleMessage schedules a message (further is `time_too_far`)."""
REMINDER_LABEL = f"Remind me to re-check in {SCHEDULE_MAX_DAYS} days"
INPUT_LABELS: dict[str, str] = {
    "api_price_per_mtok": "API price, USD per 1M tokens",
    "api_input_price_per_mtok": "API input price, USD per 1M tokens",
    "api_output_price_per_mtok": "API output price, USD per 1M tokens",
    "output_share": "Output share of tokens",
    "gpu_profile": "GPU profile",
    "engineering_fte": "Engineer-months per month to operate",
}
"""Cost inputs a team may state, beside the facts wording.FACT_LABELS names."""


def _fact_lines(facts: Mapping[str, Any], indent: str = "") -> list[str]:
    lines = []
    for name, value in facts.items():
        if name in ("name", "use_cases") or value is None:
            continue
        label = wording.FACT_LABELS.get(name) or INPUT_LABELS.get(name) or name.replace("_", " ")
        lines.append(f"{indent}• {escape(label)}: {escape(wording.fact_value(name, str(value)))}")
    return lines


def _given(facts: WorkloadFacts) -> dict[str, Any]:
    return facts.model_dump(mode="json", exclude_none=True)


def context_lines(record: DecisionRecord) -> list[str]:
    """The facts the decision rests on, per use case for a portfolio."""
    facts = record.facts
    if isinstance(facts, WorkloadFacts):
        return [f"Use case: *{escape(facts.name or decision_title(record, dated=False))}*",
                *_fact_lines(_given(facts))]
    lines = [f"Portfolio of {len(facts.use_cases)} use cases"]
    for label, case in zip(facts.labels(), facts.use_cases, strict=True):
        lines.append(f"*{escape(label)}*")
        lines.extend(_fact_lines(_given(case), indent="    "))
    return lines


def _why_lines(advice: Advice | None, result: Recommendation | None) -> list[str]:
    if advice is not None:
        return [factor_line(row) for row in advice_rows(advice).factors[:TOP_FACTORS]]
    if result is None:
        return []
    factors = result.factors or [f for case in result.use_cases for f in case.factors]
    top = sorted(factors, key=lambda f: (-abs(f.contribution), f.name))[:TOP_FACTORS]
    return [factor_line(factor_row(f)) for f in top]


def _titled(title: str, lines: list[str], limit: int) -> Block | None:
    if not lines:
        return None
    return section("\n".join([title, *clip_lines(lines, limit - len(title) - 1)]))


def decision_summary(record: DecisionRecord, advice: Advice | None, thread_link: str | None,
                     who: str) -> SlackMessage:
    """The decision to post and pin: context, decision and why, flip points, sources, who, when."""
    result = advice.result if advice is not None else record.result
    title = decision_title(record, dated=False)
    label = wording.CHOICE_LABELS.get(record.recommendation, record.recommendation)
    confidence = f" ({result.confidence} confidence)" if result is not None else ""
    who_text = who if who.startswith("<@") else f"<@{who}>"
    fields = [mrkdwn(f"*Decision*\n{escape(label)}{confidence}"), mrkdwn(f"*Who*\n{who_text}")]
    if record.created_at is not None:
        fields.append(mrkdwn(f"*Decided*\n{record.created_at.date().isoformat()}"))
    link = thread_link or record.permalink
    if link:
        fields.append(mrkdwn(f"*Thread*\n<{link}|View the conversation>"))
    flips = flip_rows(result) if result is not None else []
    parts = [
        header(f"Decision: {label}"),
        section(f"*{escape(truncate(title, 500))}*"),
        {"type": "section", "fields": fields},
        _titled("*Context*", context_lines(record), 2500),
        _titled("*Decision and why*", _why_lines(advice, result), 2000),
        _titled("*What would flip it*", [f"• {escape(f)}" for f in flips], 1500),
        _titled("*Sources*", source_lines(advice.sources) if advice is not None else [], 2000),
        context(f"Policy {escape(record.policy_version)} · guidance index "
                f"{escape(record.index_version or 'none')}"
                + (f" · decision #{record.id}" if record.id is not None else "")),
    ]
    blocks = [block for block in parts if block is not None]
    if record.id is not None:
        blocks.extend(actions([
            button("Re-check", f"{ids.RECHECK}:{record.id}", str(record.id)),
            button(REMINDER_LABEL, f"{ids.REMIND_RECHECK}:{record.id}", str(record.id))]))
    return SlackMessage(text=truncate(escape(f"Decision: {label}: {title}"), 3000),
                        blocks=blocks)


def reminder_message(record: DecisionRecord, user: str) -> SlackMessage:
    """The reminder Slack posts in the decision's channel when it is due: who, what, and a
    Re-check button."""
    title = escape(decision_title(record, dated=False))
    decided = f", decided {record.created_at.date().isoformat()}" if record.created_at else ""
    text = (f"<@{user}>, time to re-check *{title}*{decided}: policy, prices and guidance may "
            "have changed since.")
    blocks = [section(text)]
    if record.id is not None:
        blocks.extend(actions([button("Re-check", f"{ids.RECHECK}:{record.id}", str(record.id),
                                      style="primary")]))
    return SlackMessage(text=truncate(text, 3000), blocks=blocks)


def reminder_scheduled_text(post_at: date) -> str:
    """The confirmation: when, and honestly why not the six months people expect."""
    return (f"I'll remind you here on {post_at.isoformat()}, {SCHEDULE_MAX_DAYS} days from now, "
            "with a Re-check button. Slack schedules messages at most "
            f"{SCHEDULE_MAX_DAYS} days ahead, so that is as far as a reminder can go, not the six "
            "months a re-check is usually left for.")


def reminder_already_text(post_at: date) -> str:
    return (f"A re-check reminder for this decision is already scheduled for "
            f"{post_at.isoformat()}.")
