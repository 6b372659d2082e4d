"""Rows written by earlier versions, in the shapes they wrote, still load as typed records."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, Table, insert

from bot.store import QueuedMessage, QueuedReply, Store
from bot.store.database import create_store_engine
from bot.store.inbox import ts_sort_key
from bot.store.models import Base
from scoring import Portfolio, WorkloadFacts, load_policy, recommend

KEY = "slack:T1:C1:1712345678.000100"
THEN = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
INBOX, OUTBOX, DECISIONS = (Base.metadata.tables[name] for name in ("inbox", "outbox", "decisions"))


@pytest.fixture
def engine(store_url: str, store: Store) -> Iterator[Engine]:
    """A plain engine on the store's migrated database, for writing rows as an older version did."""
    instance = create_store_engine(store_url)
    yield instance
    instance.dispose()


def write(engine: Engine, table: Table, **row: Any) -> int:
    with engine.begin() as connection:
        return int(connection.execute(insert(table).values(**row).returning(table.c.id)).one().id)


def queued(engine: Engine, ts: str, payload: dict[str, Any], processed: bool = False,
           result: dict[str, Any] | None = None) -> int:
    return write(engine, INBOX, conversation_key=KEY, message_ts=ts, sort_key=ts_sort_key(ts),
                 payload=payload, created_at=THEN, processed_at=THEN if processed else None,
                 result=result)


def test_an_old_inbox_row_loads_as_a_queued_message(engine: Engine, store: Store) -> None:
    queued(engine, "1.0", {"text": "done long ago", "user": "U1", "team": "T1", "channel": "C1",
                           "thread_ts": "1712345678.000100"}, processed=True)
    queued(engine, "2.0", {"text": "given up", "user": "U1", "team": "T1", "channel": "C1",
                           "thread_ts": "1712345678.000100"}, processed=True,
           result={"abandoned": True})
    queued(engine, "3.0", {"text": "approved vendors only", "user": "U2", "team": "T1",
                           "channel": "D1", "thread_ts": None})

    done, abandoned = store.inbox.get(KEY, "1.0"), store.inbox.get(KEY, "2.0")
    assert done is not None and done.processed and done.outcome is None
    assert done.message == QueuedMessage(text="done long ago", user="U1", team="T1", channel="C1",
                                         thread_ts="1712345678.000100")
    assert abandoned is not None and abandoned.processed and abandoned.outcome == "abandoned"
    pending = store.inbox.next_pending(KEY)
    assert pending is not None and pending.message_ts == "3.0" and not pending.processed
    assert pending.message == QueuedMessage(text="approved vendors only", user="U2", team="T1",
                                            channel="D1", thread_ts=None)


def test_old_outbox_rows_load_as_queued_replies(engine: Engine, store: Store) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Noted: 2M tokens a month"}}]
    for payload in ({"channel": "C1", "text": "in the thread", "blocks": blocks,
                     "thread_ts": "1712345678.000100"},
                    {"channel": "C1", "text": "in place", "blocks": blocks, "update_ts": "1712345679.0"},
                    {"channel": "C1", "text": "top level", "blocks": []}):
        write(engine, OUTBOX, conversation_key=KEY, payload=payload, created_at=THEN, attempts=0)

    replies = [item.reply for item in store.outbox.unsent(KEY)]

    assert replies == [
        QueuedReply(channel="C1", text="in the thread", blocks=blocks, thread_ts="1712345678.000100"),
        QueuedReply(channel="C1", text="in place", blocks=blocks, update_ts="1712345679.0"),
        QueuedReply(channel="C1", text="top level"),
    ]


def test_an_outbox_row_no_version_can_read_is_dropped_not_retried(engine: Engine, store: Store) -> None:
    write(engine, OUTBOX, conversation_key=KEY, payload={"text": "whose channel?"}, created_at=THEN,
          attempts=0)
    write(engine, OUTBOX, conversation_key=KEY, payload={"channel": "C1", "text": "readable"},
          created_at=THEN, attempts=0)

    assert [item.reply.text for item in store.outbox.unsent(KEY)] == ["readable"]
    assert [item.reply.text for item in store.outbox.unsent(KEY)] == ["readable"]
    assert store.outbox.keys_with_unsent() == [KEY]


def decision_row(engine: Engine, title: str, facts: dict[str, Any], result: dict[str, Any]) -> int:
    return write(engine, DECISIONS, conversation_key=KEY, user_id="U1", team="T1", channel="C1",
                 thread_ts="1712345678.000100", permalink=None, title=title, facts=facts,
                 result=result, recommendation=result["recommendation"], policy_version="2026.1",
                 index_version="idx-1", created_at=THEN)


def test_a_decision_pinned_from_one_workload_loads_complete(engine: Engine, store: Store) -> None:
    facts = WorkloadFacts(name="Email summaries", data_residency="unrestricted", specialization="general",
                          monthly_tokens=2_000_000, ml_expertise="some", latency="interactive")
    result = recommend(facts, load_policy())
    decision_id = decision_row(engine, "Email summaries", facts.model_dump(mode="json", exclude_none=True),
                               result.model_dump(mode="json"))

    record = store.decisions.get(decision_id)

    assert record is not None
    assert record.facts == facts and record.result == result
    assert record.recommendation == str(result.recommendation)
    assert record.facts_complete is True
    assert record.created_at == THEN


def test_an_old_portfolio_decision_with_one_workloads_facts_loads_marked_incomplete(
        engine: Engine, store: Store) -> None:
    use_cases = [WorkloadFacts(name="Support chat", data_residency="approved_vendors",
                               specialization="general", monthly_tokens=5_000_000, ml_expertise="none",
                               latency="interactive"),
                 WorkloadFacts(name="Ticket triage", data_residency="in_house_only",
                               specialization="niche", monthly_tokens=900_000_000, ml_expertise="strong",
                               latency="relaxed")]
    result = recommend(Portfolio(use_cases=use_cases), load_policy())
    assert result.kind == "portfolio"
    # Pinning once kept only the last use case's facts beside the portfolio's result.
    decision_id = decision_row(engine, "Support stack",
                               use_cases[-1].model_dump(mode="json", exclude_none=True),
                               result.model_dump(mode="json"))

    record = store.decisions.get(decision_id)

    assert record is not None
    assert isinstance(record.facts, WorkloadFacts) and record.facts == use_cases[-1]
    assert record.result == result and record.result.kind == "portfolio"
    assert record.recommendation == str(result.recommendation)
    assert record.facts_complete is False
    assert [listed.title for listed in store.decisions.for_user("U1")] == ["Support stack"]
