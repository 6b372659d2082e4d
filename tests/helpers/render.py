"""Rendering test helpers: real advice from the real engine, cited from a tiny in-memory guidance,
and a client that sends rendered payloads to the fake Slack Web API."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from slack_sdk import WebClient

from bot.conversation import Advice, ConversationState, Engine, Reply, build_advice
from bot.slack.render import SlackMessage
from bot.store import DecisionRecord
from knowledge import Answer, Citation, Passage
from scoring import Portfolio, WorkloadFacts, load_policy, recommend
from tests.bot.slack.fakes import FakeSlack

KEY = "slack:T1:C1:1700000000.000100"
DESCRIPTION = ("public data, generic email summaries, 60M tokens a month, one data scientist, "
               "chat UI")


class FakeGuidance:
    """Each search returns a new passage, so every citation gets its own source number."""

    def __init__(self, text_chars: int = 120, title: str = "Guide") -> None:
        self.calls = 0
        self.text_chars = text_chars
        self.title = title

    def _passage(self, topic: str) -> Passage:
        self.calls += 1
        body = f"Passage {self.calls} about {topic}. " + "Self-hosting costs GPUs. " * 200
        return Passage(id=f"p{self.calls}", text=body[: self.text_chars], doc_id=f"d{self.calls}",
                       title=f"{self.title} {self.calls}", section=f"Section {self.calls}",
                       source=f"guide_{self.calls}.md", topics=(topic,), score=1.0, similarity=0.8)

    def search(self, query: str, k: int = 5, topics: Sequence[str] | None = None) -> list[Passage]:
        return [self._passage(topics[0] if topics else "general")]

    def ask(self, question: str, k: int = 3) -> Answer:
        passages = [self._passage("latency"), self._passage("volume_cost")]
        return Answer(question=question, answer="Latency matters for chat [1]; volume sets cost [2].",
                      citations=[Citation(i, p) for i, p in enumerate(passages, start=1)], found=True)


def say(engine: Engine, *messages: str) -> list[Reply]:
    """Every reply to the messages, sent in order in one conversation."""
    state, replies = ConversationState(), []
    for message in messages:
        state, more = engine.turn(state, message)
        replies.extend(more)
    return replies


def advice_from(replies: list[Reply]) -> Advice:
    found = [reply.advice for reply in replies if reply.advice is not None]
    assert found, [reply.kind for reply in replies]
    return found[-1]


def portfolio_advice(cases: int, guidance: FakeGuidance, name: str = "case") -> Advice:
    """A portfolio of varied use cases, scored and cited through the real code paths."""
    residency = ["in_house_only", "approved_vendors", "unrestricted"]
    specialization = ["general", "moderate", "niche"]
    expertise = ["none", "some", "strong"]
    latency = ["critical", "interactive", "relaxed"]
    use_cases = [WorkloadFacts(name=f"{name} {i}", data_residency=residency[i % 3],
                               specialization=specialization[(i // 3) % 3],
                               monthly_tokens=10**6 * (i + 1) ** 3, ml_expertise=expertise[i % 3],
                               latency=latency[(i + 1) % 3], quality_bar="peak" if i % 2 else "standard",
                               time_to_market="urgent" if i % 4 == 0 else "normal")
                 for i in range(cases)]
    portfolio = Portfolio(use_cases=use_cases)
    result = recommend(portfolio, load_policy())
    return build_advice(result, portfolio, guidance, index_version="idx-42")


def record_for(advice: Advice, record_id: int = 7, title: str = "Email summaries",
               user: str = "U123") -> DecisionRecord:
    return DecisionRecord(
        id=record_id, conversation_key=KEY, user_id=user, team="T1", channel="C1",
        thread_ts="1700000000.000100", permalink="https://example.slack.com/archives/C1/p1700000000",
        title=title, facts=advice.facts, result=advice.result,
        policy_version=f"{advice.result.policy.version} ({advice.result.policy.fingerprint})",
        index_version=advice.index_version, created_at=datetime(2026, 3, 4, 12, 0, tzinfo=UTC))


class SlackApi:
    """Sends rendered messages and views to the fake Slack Web API, which refuses what Slack would."""

    def __init__(self, fake: FakeSlack) -> None:
        self.client = WebClient(token="xoxb-test-token", base_url=fake.base_url)

    def post(self, messages: Sequence[SlackMessage]) -> None:
        for message in messages:
            self.client.chat_postMessage(channel="C1", text=message.text, blocks=message.blocks)

    def open(self, view: dict[str, Any]) -> None:
        self.client.views_open(trigger_id="1.2.3", view=view)

    def publish(self, view: dict[str, Any]) -> None:
        self.client.views_publish(user_id="U1", view=view)


def texts(blocks: Sequence[dict[str, Any]]) -> list[str]:
    """Every text string in the blocks, depth first."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(list(blocks))
    return found


def buttons(blocks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return found + [b["accessory"] for b in blocks if b.get("accessory", {}).get("type") == "button"]


CITATION = re.compile(r"\[(\d+)\]")
