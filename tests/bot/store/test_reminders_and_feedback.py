from __future__ import annotations

from datetime import UTC, datetime

from bot.store import FeedbackVote, Store
from tests.helpers.threads import run_in_threads

KEY = "slack:T1:C1:1712345678.000100"
POST_AT = datetime(2027, 4, 3, 12, 0, tzinfo=UTC)


def vote(kind: str, user: str = "U1", ts: str = "1712345678.000200") -> FeedbackVote:
    return FeedbackVote.model_validate({"team": "T1", "channel": "C1", "message_ts": ts,
                                        "user_id": user, "conversation_key": KEY, "vote": kind})


def test_a_reminder_is_claimed_once_across_threads_and_can_be_released(store: Store) -> None:
    won: list[bool] = []
    errors = run_in_threads(lambda user: won.append(store.reminders.claim(7, user, "C1", POST_AT)),
                            [("U1",), ("U1",), ("U2",), ("U1",)])
    assert errors == [] and sorted(won) == [False, False, False, True]
    store.reminders.scheduled(7, "Q123")
    reminder = store.reminders.get(7)
    assert reminder is not None and reminder.post_at == POST_AT
    assert reminder.scheduled_message_id == "Q123" and reminder.channel == "C1"
    store.reminders.release(7)
    assert store.reminders.get(7) is None
    assert store.reminders.claim(7, "U1", "C1", POST_AT) is True
    assert store.reminders.delete_for("U1") == 1 and store.reminders.get(7) is None


def test_a_vote_is_kept_once_per_user_and_message_and_a_change_replaces_it(store: Store) -> None:
    assert store.feedback.record(vote("positive")) == "new"
    assert store.feedback.record(vote("positive")) == "same"
    assert store.feedback.record(vote("negative")) == "changed"
    assert store.feedback.record(vote("positive", user="U2")) == "new"
    assert store.feedback.record(vote("positive", ts="1712345678.000300")) == "new"
    assert [(v.user_id, v.message_ts, v.vote) for v in store.feedback.for_conversation(KEY)] == [
        ("U1", "1712345678.000200", "negative"), ("U2", "1712345678.000200", "positive"),
        ("U1", "1712345678.000300", "positive")]
    assert store.feedback.delete_for("U1") == 2
    assert [v.user_id for v in store.feedback.for_conversation(KEY)] == ["U2"]


def test_votes_racing_on_one_message_keep_one_row(store: Store) -> None:
    outcomes: list[str] = []
    errors = run_in_threads(lambda kind: outcomes.append(store.feedback.record(vote(kind))),
                            [("positive",)] * 4)
    assert errors == [] and sorted(outcomes) == ["new", "same", "same", "same"]
    assert len(store.feedback.for_conversation(KEY)) == 1
