"""The pinned summary shows when it was decided, a Re-check button, and a button that schedules
one reminder to re-check it, as far ahead as Slack allows."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.services import Services
from bot.slack import ids
from bot.slack.render.decision import REMINDER_LABEL
from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.fake_slack import SCHEDULE_MAX_DAYS
from tests.bot.slack.fakes.signing import action_body, block_action, event_body
from tests.helpers.slack import Slack, button

COMPLETE = "public data, nothing sensitive. generic email summaries, ~2M tokens a month"
DAY = 86_400


def _pinned_summary(slack: Slack) -> tuple[str, dict[str, Any]]:
    """Pin a recommendation; the summary's ts and the summary as it stands with its buttons."""
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(f"{payloads.BOT_MENTION} {COMPLETE}", ts=root)))
    advice = slack.wait_posts(1)[-1]
    pin = button(advice, ids.PIN_DECISION)
    slack.send(action_body(block_action(pin["action_id"], pin["value"], thread_ts=root,
                                        message_ts=payloads.new_ts())))
    ts = slack.fake.wait_for("pins.add")[0].params["timestamp"]
    slack.fake.wait_for("chat.update", where=lambda c: c.params.get("ts") == ts)
    slack.fake.wait_for("chat.postEphemeral")
    summary = slack.fake.posted("C1", ts)
    assert summary is not None
    return ts, summary


def _press(slack: Slack, summary: dict[str, Any], prefix: str, user: str = "U1",
           **extra: Any) -> None:
    element = button(summary, prefix)
    slack.send(action_body(block_action(element["action_id"], element["value"], user=user,
                                        message_ts=summary["ts"], message_blocks=summary["blocks"],
                                        **extra)))


def _ephemerals(slack: Slack, count: int) -> list[dict[str, Any]]:
    return [c.params for c in slack.fake.wait_for("chat.postEphemeral", count)]


def test_the_summary_shows_its_date_and_its_buttons(slack: Slack, services: Services) -> None:
    _, summary = _pinned_summary(slack)
    [record] = services.store.decisions.for_user("U1")
    assert record.created_at is not None
    fields = [f["text"] for b in summary["blocks"] if b["type"] == "section" for f in b.get("fields", [])]
    assert f"*Decided*\n{record.created_at.date().isoformat()}" in fields
    recheck, remind = button(summary, ids.RECHECK), button(summary, ids.REMIND_RECHECK)
    assert (recheck["text"]["text"], recheck["value"]) == ("Re-check", str(record.id))
    assert (remind["text"]["text"], remind["value"]) == (REMINDER_LABEL, str(record.id))
    assert REMINDER_LABEL == "Remind me to re-check in 120 days"


def test_re_check_from_the_summary_answers_ephemerally(slack: Slack) -> None:
    _, summary = _pinned_summary(slack)
    _press(slack, summary, ids.RECHECK, response_url=slack.fake.response_url("recheck"))
    answer = slack.fake.wait_for("response_url")[0].params
    assert "still holds" in answer["text"] and answer["response_type"] == "ephemeral"


def test_the_reminder_is_scheduled_once_at_slacks_limit_and_confirmed(
    slack: Slack, services: Services
) -> None:
    _, summary = _pinned_summary(slack)
    [record] = services.store.decisions.for_user("U1")
    before = time.time()
    _press(slack, summary, ids.REMIND_RECHECK)
    [call] = slack.fake.wait_for("chat.scheduleMessage")
    assert call.ok, call.response
    scheduled = call.params
    assert scheduled["channel"] == "C1" and "thread_ts" not in scheduled
    assert isinstance(scheduled["post_at"], int)
    latest = time.time() + SCHEDULE_MAX_DAYS * DAY
    assert before + (SCHEDULE_MAX_DAYS - 1) * DAY < scheduled["post_at"] <= latest
    assert scheduled["text"].startswith("<@U1>, time to re-check *2M tokens/month")
    assert button(scheduled, ids.RECHECK)["value"] == str(record.id)
    due = datetime.fromtimestamp(scheduled["post_at"], UTC).date().isoformat()
    [confirm] = _ephemerals(slack, 2)[1:]
    assert (confirm["channel"], confirm["user"]) == ("C1", "U1")
    assert confirm["text"].startswith(f"I'll remind you here on {due}, 120 days from now")
    assert "at most 120 days ahead" in confirm["text"] and "not the six months" in confirm["text"]
    reminder = services.store.reminders.get(int(str(record.id)))
    assert reminder is not None and reminder.scheduled_message_id == call.response["scheduled_message_id"]  # type: ignore[index]

    _press(slack, summary, ids.REMIND_RECHECK)
    again = _ephemerals(slack, 3)[2]
    assert again["text"] == f"A re-check reminder for this decision is already scheduled for {due}."
    slack.settle()
    assert len(slack.fake.calls("chat.scheduleMessage")) == 1


def test_only_the_decisions_owner_sets_its_reminder(slack: Slack) -> None:
    _, summary = _pinned_summary(slack)
    _press(slack, summary, ids.REMIND_RECHECK, user="U2")
    refused = _ephemerals(slack, 2)[1]
    assert refused["user"] == "U2" and "Only <@U1>, who pinned it, can." in refused["text"]
    slack.settle()
    assert slack.fake.calls("chat.scheduleMessage") == []


def test_a_reminder_slack_refused_can_be_asked_for_again(slack: Slack) -> None:
    _, summary = _pinned_summary(slack)
    slack.fake.fail("chat.scheduleMessage", error="restricted_too_many")
    _press(slack, summary, ids.REMIND_RECHECK)
    refused = _ephemerals(slack, 2)[1]
    assert refused["text"] == "Slack would not schedule the reminder (restricted_too_many)."
    _press(slack, summary, ids.REMIND_RECHECK)
    calls = slack.fake.wait_for("chat.scheduleMessage", 2)
    assert calls[-1].ok
    assert _ephemerals(slack, 3)[2]["text"].startswith("I'll remind you here on ")


def test_the_fake_schedules_like_slack(slack: Slack) -> None:
    client = slack.app.client
    now = int(time.time())
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    for post_at, error in ((now - 5, "time_in_past"), (now + 121 * DAY, "time_too_far"),
                           (f"{now + DAY}.5", "invalid_time")):
        try:
            client.chat_scheduleMessage(channel="C1", post_at=post_at, text="hi", blocks=blocks)
        except SlackApiError as exc:
            assert exc.response.get("error") == error
        else:
            raise AssertionError(f"{post_at} was scheduled")
    ok = client.chat_scheduleMessage(channel="C1", post_at=now + 119 * DAY, text="hi", blocks=blocks)
    assert ok["scheduled_message_id"] in slack.fake.scheduled
    assert [call.response["error"] for call in slack.fake.refusals() if call.response] == [
        "time_in_past", "time_too_far", "invalid_time"]
    slack.fake.reset()  # the refusals were the point; teardown checks the app made none

