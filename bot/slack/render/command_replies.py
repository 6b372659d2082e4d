"""Replies to `/llm-advisor help|history|forget` and to a decision's Re-check button."""

from __future__ import annotations

from bot import wording
from bot.render.titles import decision_title
from bot.slack import ids
from bot.slack.render.blocks import (
    FALLBACK_TEXT_MAX,
    MESSAGE_BLOCKS_MAX,
    MESSAGE_CHARS_BUDGET,
    Block,
    SlackMessage,
    actions,
    block_size,
    button,
    clip_lines,
    context,
    escape,
    header,
    section,
    text_sections,
    truncate,
)
from bot.slack.render.views import decision_line, recheck_button
from bot.store import DecisionRecord, ForgetReport
from scoring import Choice

HISTORY_MAX = MESSAGE_BLOCKS_MAX - 3


def history_messages(decisions: list[DecisionRecord]) -> SlackMessage:
    """The user's decisions, each with a Re-check button, or how to make one."""
    if not decisions:
        return SlackMessage(text="You have no pinned decisions yet.", blocks=[section(
            "You have no pinned decisions yet. Press *Pin decision* under a recommendation to "
            f"keep it, with its facts, policy and sources. Start with `{ids.COMMAND}`.")])
    blocks: list[Block] = [section(f"*Your decisions* ({len(decisions)})")]
    size = block_size(blocks[0])
    shown = 0
    for record in decisions[:HISTORY_MAX]:
        block = section(decision_line(record), recheck_button(record))
        size += block_size(block)
        if size > MESSAGE_CHARS_BUDGET:
            break
        blocks.append(block)
        shown += 1
    if shown < len(decisions):
        blocks.append(context(f"Showing the {shown} most recent of {len(decisions)}."))
    return SlackMessage(text=f"Your decisions: {len(decisions)}", blocks=blocks)


def recheck_message(record: DecisionRecord, new_result_recommendation: Choice | str,
                    changed: bool, advice_text: str, prices_note: str | None = None) -> SlackMessage:
    """A pinned decision scored again with today's policy and guidance, and whether it moved."""
    old = wording.CHOICE_LABELS.get(record.recommendation, record.recommendation)
    new = wording.CHOICE_LABELS.get(str(new_result_recommendation), str(new_result_recommendation))
    pinned = f" (pinned {record.created_at.date().isoformat()})" if record.created_at else ""
    named = decision_title(record, dated=False)
    title = escape(named)
    if changed:
        verdict = (f":warning: *{title}*{pinned} has changed: it was *{escape(old)}*, "
                   f"today it is *{escape(new)}*.")
        fallback = f"Re-check: {named} changed from {old} to {new}"
    else:
        verdict = f":white_check_mark: *{title}*{pinned} still holds: *{escape(new)}*."
        fallback = f"Re-check: {named} still holds ({new})"
    blocks = [section(verdict)]
    if prices_note:
        blocks.append(section(escape(prices_note)))
    lines = clip_lines(escape(advice_text).splitlines(), MESSAGE_CHARS_BUDGET - 1500,
                       more="…and {n} more lines")
    blocks.extend(text_sections(lines)[: MESSAGE_BLOCKS_MAX - 2])
    blocks.append(context(f"Pinned with policy {escape(record.policy_version)}, guidance index "
                          f"{escape(record.index_version or 'none')}."))
    return SlackMessage(text=truncate(escape(fallback), FALLBACK_TEXT_MAX), blocks=blocks)


HELP_LINES = [
    "*How to use llm-advisor*",
    f"• `{ids.COMMAND}`: a form for the workload facts; the advice is posted in the channel",
    f"• `{ids.COMMAND} <description>`: start a threaded conversation from your own words, "
    "e.g. `/llm-advisor support bot, 3M tokens a day, data can't leave our DC`",
    f"• `{ids.COMMAND} help`: this message",
    f"• `{ids.COMMAND} history`: your pinned decisions, with a Re-check button each",
    f"• `{ids.COMMAND} forget`: delete the conversations you started, your messages in others' "
    "and your decisions",
    "• Mention me in a channel and I'll reply in a thread and keep following it",
    "",
    "*In a thread*",
    "• `status`: what I know and what's missing",
    "• `restart`: forget this thread's facts and start over",
    "• `what if <change>`: e.g. `what if 500M tokens a month`, without changing your facts",
    "• `add use case <name>`: describe another workload for a portfolio answer",
    "• Corrections (\"actually 20M a month\") and side questions (\"why does latency matter?\") "
    "work any time",
]


HELP_FALLBACK = f"llm-advisor help: {ids.COMMAND}, {ids.COMMAND} <text>, help, history, forget"


def help_message() -> SlackMessage:
    """The help text, written plain above and escaped here once: Slack would read
    `<description>` as markup."""
    blocks = [header("llm-advisor help"), *text_sections(escape(line) for line in HELP_LINES),
              *actions([button("Describe a workload", ids.OPEN_MODAL, "help", style="primary")])]
    return SlackMessage(text=escape(HELP_FALLBACK), blocks=blocks)


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


def forget_done_text(report: ForgetReport) -> str:
    """What `forget` removed, counted as it was."""
    return (f"Done: I deleted {_count(report.started, 'conversation')} you started, removed your "
            f"messages and facts from {_count(report.joined, 'conversation')} you joined, and "
            f"deleted {_count(report.decisions, 'decision record')} of yours. Decisions other "
            "people pinned are theirs and stay.")


def forget_confirm_message() -> SlackMessage:
    """Asks before deleting everything stored about the user."""
    blocks = [section("Delete everything I've stored about you: the conversations you started, "
                      "your messages and facts in conversations others started, and your pinned "
                      "decisions, votes and reminders? A decision someone else pinned is theirs "
                      "and stays (it holds the facts, not your messages). Messages already "
                      "posted in Slack stay. This can't be undone."),
              *actions([button("Delete", ids.FORGET_CONFIRM, "forget", style="danger"),
                        button("Cancel", ids.FORGET_CANCEL, "cancel")])]
    return SlackMessage(text="Delete everything I've stored about you?", blocks=blocks)
