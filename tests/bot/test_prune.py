from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.commands import register_all
from bot.services import store_url
from bot.settings import Settings
from bot.store import DecisionRecord, QueuedReply, Store
from scoring import WorkloadFacts, load_policy, recommend

register_all(app)
runner = CliRunner()


def test_prune_deletes_old_conversations_and_keeps_decisions(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings()
    old = Store(store_url(settings), clock=lambda: datetime.now(UTC) - timedelta(days=40))
    old.migrate()
    old.conversations.save("cli:old", {"turns": 1}, None, owner_user="u1")
    facts = WorkloadFacts(monthly_tokens=5_000_000)
    old.decisions.add(DecisionRecord(user_id="u1", team="T1", title="old", facts=facts,
                                     result=recommend(facts, load_policy()), policy_version="v",
                                     index_version="i"))
    old.close()
    fresh = Store(store_url(settings))
    fresh.conversations.save("cli:new", {"turns": 1}, None, owner_user="u1")

    monkeypatch.setenv("ADVISOR_RETENTION_DAYS", "30")
    result = runner.invoke(app, ["prune"])
    assert result.exit_code == 0, result.output
    assert "Pruned 1 conversation(s) idle for over 30 day(s)" in result.stdout
    assert fresh.conversations.load("cli:old") is None and fresh.conversations.load("cli:new") is not None
    assert [d.title for d in fresh.decisions.for_user("u1")] == ["old"]
    fresh.close()


def test_prune_days_option_overrides_setting() -> None:
    result = runner.invoke(app, ["prune", "--days", "0"])
    assert result.exit_code == 0 and "idle for over 0 day(s)" in result.stdout


def test_prune_unreachable_database_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:s3cret@127.0.0.1:1/x")
    result = runner.invoke(app, ["prune"])
    assert result.exit_code == 2
    assert "s3cret" not in result.stderr and "error:" in result.stderr


def test_prune_deletes_old_finished_outbox_replies_and_keeps_waiting_ones() -> None:
    settings = Settings()
    old = Store(store_url(settings), clock=lambda: datetime.now(UTC) - timedelta(days=40))
    old.migrate()
    old.outbox.queue("cli:k", [QueuedReply(channel="C1", text="sent long ago"),
                               QueuedReply(channel="C1", text="still waiting")])
    sent, waiting = old.outbox.unsent("cli:k")
    old.outbox.finish(sent.id, "sent")
    old.close()
    fresh = Store(store_url(settings))
    fresh.outbox.queue("cli:k", [QueuedReply(channel="C1", text="sent just now")])
    fresh.outbox.finish(fresh.outbox.unsent("cli:k")[1].id, "sent")

    result = runner.invoke(app, ["prune", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert fresh.outbox.prune(timedelta(days=30)) == 0  # the CLI already took "sent long ago"
    assert fresh.outbox.prune(timedelta(0)) == 1  # and kept "sent just now"
    assert [item.id for item in fresh.outbox.unsent("cli:k")] == [waiting.id]
    fresh.close()
