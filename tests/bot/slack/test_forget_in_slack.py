"""`/llm-advisor forget` through the real app: what a user typed is gone from the database files
afterwards, and what the others in a shared thread said stays."""

from __future__ import annotations

import json
from pathlib import Path

from bot.services import Services
from bot.slack import ids
from tests.bot.slack.fakes import payloads
from tests.bot.slack.fakes.signing import action_body, block_action, command_body, event_body
from tests.helpers.slack import Slack, button

STARTER_MARKER = "qqzstarterword"
JOINER_MARKER = "qqzjoinerword"


def database_files(services: Services) -> list[Path]:
    """The SQLite store's files: the database, its write-ahead log and its shared-memory index."""
    database = services.store.db.engine.url.database
    assert database is not None and services.store.db.dialect == "sqlite"
    main = Path(database)
    return [path for path in (main, Path(f"{main}-wal"), Path(f"{main}-shm")) if path.exists()]


def on_disk(services: Services, word: str) -> bool:
    return any(word.encode() in path.read_bytes() for path in database_files(services))


def forget(slack: Slack, user: str) -> str:
    """Run `/llm-advisor forget` as `user` and confirm it; the confirmation's text."""
    answered = len(slack.fake.calls("response_url"))
    confirm = json.loads(slack.send(command_body("forget", user_id=user)).body)
    element = button(confirm, ids.FORGET_CONFIRM)
    slack.send(action_body(block_action(element["action_id"], element.get("value"), user=user,
                                        is_ephemeral=True,
                                        response_url=slack.fake.response_url(f"forget-{user}"))))
    return str(slack.fake.wait_for("response_url", answered + 1)[-1].params["text"])


def shared_thread(slack: Slack) -> str:
    """U1 starts a thread and U3 joins it; each gives facts with their own marker word."""
    root = payloads.new_ts()
    slack.send(event_body(payloads.app_mention(
        f"{payloads.BOT_MENTION} patient data can't leave the {STARTER_MARKER} DC", ts=root)))
    slack.wait_posts(1)
    slack.send(event_body(payloads.message(
        f"a few hundred {JOINER_MARKER} reports a day, 3 ML engineers running models in prod",
        user="U3", ts=payloads.new_ts(), thread_ts=root)))
    slack.wait_posts(2)
    # Longer than a database page: freed pages must not keep it either.
    slack.send(event_body(payloads.message(
        "for context: " + " ".join([f"{JOINER_MARKER} wrote this"] * 400),
        user="U3", ts=payloads.new_ts(), thread_ts=root)))
    slack.wait_posts(3)
    return root


def test_forget_leaves_no_trace_of_the_users_words_in_the_database_files(
        slack: Slack, services: Services) -> None:
    root = shared_thread(slack)
    key = ids.conversation_key("T1", "C1", root)
    assert on_disk(services, STARTER_MARKER) and on_disk(services, JOINER_MARKER)

    done = forget(slack, "U3")

    assert "deleted 0 conversations you started" in done
    assert "from 1 conversation you joined" in done
    assert not on_disk(services, JOINER_MARKER)
    assert on_disk(services, STARTER_MARKER)  # U1's words are U1's
    state = services.conversations.load(key)
    assert set(state.current.facts) == {"data_residency"}
    assert state.volume_parts is None and state.pending is None
    assert services.store.conversations.participants(key) == ["U1"]

    done = forget(slack, "U1")

    assert "deleted 1 conversation you started" in done
    assert not services.store.conversations.exists(key)
    assert not on_disk(services, STARTER_MARKER) and not on_disk(services, JOINER_MARKER)


def test_the_starters_forget_removes_a_thread_someone_else_posted_in_last(
        slack: Slack, services: Services) -> None:
    root = shared_thread(slack)
    key = ids.conversation_key("T1", "C1", root)

    done = forget(slack, "U1")

    assert "deleted 1 conversation you started" in done and "from 0 conversations" in done
    assert not services.store.conversations.exists(key)
    assert "deleted 0 conversations you started" in forget(slack, "U9")
