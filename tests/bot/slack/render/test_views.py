from __future__ import annotations

from bot.conversation import Advice
from bot.slack import ids
from bot.slack.render import (
    forget_confirm_message,
    help_message,
    history_messages,
    home_view,
    recheck_message,
    what_if_modal,
)
from bot.store import DecisionRecord
from scoring import Choice
from tests.helpers.render import SlackApi, buttons, record_for, texts


def decisions(advice: Advice, count: int, title: str = "Workload") -> list[DecisionRecord]:
    return [record_for(advice, record_id=i, title=f"{title} {i}") for i in range(count, 0, -1)]


def test_what_if_modal_has_one_text_input(slack_api: SlackApi) -> None:
    view = what_if_modal('{"key": "k"}')
    slack_api.open(view)
    assert (view["callback_id"], view["title"]["text"]) == (ids.WHAT_IF_MODAL, "What if...")
    [block] = view["blocks"]
    assert block["block_id"] == block["element"]["action_id"] == ids.INPUT_WHAT_IF
    assert block["element"]["type"] == "plain_text_input"
    assert block["element"]["placeholder"]["text"] == "500M tokens a month"


def test_home_view_explains_how_to_start_and_lists_decisions(advice: Advice, slack_api: SlackApi) -> None:
    view = home_view(decisions(advice, 3), "U123")
    slack_api.publish(view)
    assert view["type"] == "home"
    body = "\n".join(texts(view["blocks"]))
    assert "`/llm-advisor`" in body and "Mention me" in body and "<@U123>" in body
    found = buttons(view["blocks"])
    assert found[0]["action_id"] == ids.OPEN_MODAL and found[0]["text"]["text"] == "Describe a workload"
    assert [(b["action_id"], b["value"]) for b in found[1:]] == [
        (f"{ids.RECHECK}:{i}", str(i)) for i in (3, 2, 1)]
    assert "*Workload 3*\nProprietary model via API · 2026-03-04 · <#C1> · <https://" in body


def test_home_view_with_many_decisions_stays_within_100_blocks(advice: Advice, slack_api: SlackApi) -> None:
    for count in (30, 150):
        view = home_view(decisions(advice, count), "U123")
        slack_api.publish(view)
        assert len(view["blocks"]) <= 100
    assert "older" in texts(view["blocks"])[-1]


def test_home_view_empty_state(advice: Advice, slack_api: SlackApi) -> None:
    view = home_view([], "U123")
    slack_api.publish(view)
    assert "None yet" in "\n".join(texts(view["blocks"]))


def test_home_view_escapes_user_titles(advice: Advice) -> None:
    view = home_view(decisions(advice, 1, title="<script> & co"), "U1")
    body = "\n".join(texts(view["blocks"]))
    assert "*&lt;script&gt; &amp; co 1*" in body and "<script>" not in body


def test_history_messages_lists_decisions_with_recheck_buttons(advice: Advice, slack_api: SlackApi) -> None:
    message = history_messages(decisions(advice, 2))
    slack_api.post([message])
    assert [b["value"] for b in buttons(message.blocks)] == ["2", "1"]
    big = history_messages(decisions(advice, 80, title="A long title " * 20))
    slack_api.post([big])
    assert "Showing the" in texts(big.blocks)[-1]


def test_history_messages_empty_state(slack_api: SlackApi) -> None:
    message = history_messages([])
    slack_api.post([message])
    assert "no pinned decisions" in message.text and not buttons(message.blocks)


def test_recheck_message_says_whether_the_answer_changed(advice: Advice, slack_api: SlackApi) -> None:
    record = record_for(advice, title="<b>ots</b>")
    same = recheck_message(record, advice.result.recommendation, False, "Recommendation: same")
    moved = recheck_message(record, Choice.OPEN_SOURCE, True, "line & more\n" * 2000)
    slack_api.post([same, moved])
    assert "still holds" in texts(same.blocks)[0]
    first = texts(moved.blocks)[0]
    assert "has changed" in first and "Self-hosted open-weight model" in first
    assert "&lt;b&gt;ots&lt;/b&gt;" in first and "<b>" not in moved.text


def test_help_message_lists_commands(advice: Advice, slack_api: SlackApi) -> None:
    message = help_message()
    slack_api.post([message])
    body = "\n".join(texts(message.blocks))
    for command in ("`/llm-advisor`", "`/llm-advisor &lt;description&gt;`", "help`", "history`",
                    "forget`", "`status`", "`restart`", "`what if &lt;change&gt;`",
                    "`add use case &lt;name&gt;`"):
        assert command in body
    assert [b["action_id"] for b in buttons(message.blocks)] == [ids.OPEN_MODAL]


def test_forget_confirm_message_has_delete_and_cancel(slack_api: SlackApi) -> None:
    message = forget_confirm_message()
    slack_api.post([message])
    assert [(b["action_id"], b.get("style")) for b in buttons(message.blocks)] == [
        (ids.FORGET_CONFIRM, "danger"), (ids.FORGET_CANCEL, None)]
