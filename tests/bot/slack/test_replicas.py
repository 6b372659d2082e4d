"""Several `llm-advisor serve` replicas behind one Slack app: PostgreSQL and a Chroma server
shared, started for real on 127.0.0.1. Also the faults a platform team will meet."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.slack import ids
from bot.slack.poster import WORKING_TEXT
from bot.store import Store
from tests import servers
from tests.bot.slack.fakes import FakeSlack, payloads
from tests.bot.slack.fakes.signing import command_body, event_body, post
from tests.helpers.slack import SECRET, TOKEN

COMPLETE = "public data, nothing sensitive. generic email summaries, ~2M tokens a month"
MENTION = payloads.BOT_MENTION


class Cluster:
    def __init__(self, fake: FakeSlack, database_url: str, chroma_url: str, root: Path,
                 env: dict[str, str] | None = None) -> None:
        self.fake = fake
        self.database_url = database_url
        self.replicas = [
            servers.Replica({"ADVISOR_DATA_DIR": str(root / f"replica-{n}"), "SLACK_BOT_TOKEN": TOKEN,
                             "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url,
                             "DATABASE_URL": database_url, "CHROMA_URL": chroma_url, **(env or {})})
            for n in (1, 2)
        ]

    def send(self, replica: int, body: str) -> int:
        return post(self.replicas[replica].events, body, None, SECRET)[0]

    def posts(self, thread_ts: str) -> list[dict[str, object]]:
        return [c.params for c in self.fake.calls("chat.postMessage")
                if c.params.get("thread_ts") == thread_ts]

    def wait_thread(self, thread_ts: str, count: int, timeout: float = 120) -> list[dict[str, object]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.posts(thread_ts)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"{len(self.posts(thread_ts))} posts in {thread_ts}, wanted {count}")

    def processed(self, thread_ts: str, message_ts: str) -> bool:
        store = Store(self.database_url)
        try:
            return store.inbox.is_processed(ids.conversation_key("T1", "C1", thread_ts), message_ts)
        finally:
            store.close()

    def facts(self, thread_ts: str) -> dict[str, object]:
        store = Store(self.database_url)
        try:
            stored = store.conversations.load(ids.conversation_key("T1", "C1", thread_ts))
            assert stored is not None
            return {k: v["value"] for k, v in stored.state["current"]["facts"].items()}
        finally:
            store.close()


@pytest.fixture
def cluster(tmp_path: Path, postgres_url: str) -> Iterator[Cluster]:
    with FakeSlack() as fake, servers.chroma_server(tmp_path / "chroma") as chroma_url:
        made = Cluster(fake, postgres_url, chroma_url, tmp_path)
        try:
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda replica: replica.start(), made.replicas))
            yield made
        finally:
            for replica in made.replicas:
                replica.stop()
        fake.assert_accepted()


@pytest.mark.slow
def test_replicas_share_conversations_dedupe_and_decisions(cluster: Cluster) -> None:
    # The same event delivered to both replicas gets exactly one reply.
    root = payloads.new_ts()
    body = event_body(payloads.app_mention(f"{MENTION} about 3M tokens a day", ts=root))
    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(lambda n: cluster.send(n, body), (0, 1))) == [200, 200]
    cluster.wait_thread(root, 1)
    time.sleep(1.5)
    assert len(cluster.posts(root)) == 1

    # The messages of one thread, alternating between replicas, make one conversation.
    replies = ["approved vendors under our DPA are fine", "our internal product codes and jargon",
               "3 ML engineers who run models in prod"]
    expected = 1
    for n, text in enumerate(replies):
        event = event_body(payloads.message(text, ts=payloads.new_ts(), thread_ts=root))
        assert cluster.send((n + 1) % 2, event) == 200
        expected += 1  # one message per turn
        cluster.wait_thread(root, expected)
    facts = cluster.facts(root)
    assert {"monthly_tokens", "data_residency", "specialization", "ml_expertise"} <= set(facts)

    # A decision pinned through one replica shows in history through the other.
    advised = payloads.new_ts()
    cluster.send(0, event_body(payloads.app_mention(f"{MENTION} {COMPLETE}", ts=advised)))
    advice = cluster.wait_thread(advised, 1)[-1]
    from tests.bot.slack.fakes.signing import action_body, block_action
    from tests.helpers.slack import button

    element = button(advice, ids.PIN_DECISION)  # type: ignore[arg-type]
    action = block_action(element["action_id"], element["value"], thread_ts=advised)
    assert cluster.send(0, action_body(action)) == 200
    cluster.fake.wait_for("pins.add", timeout=60)
    cluster.fake.wait_for("chat.postEphemeral", timeout=30)
    status, history = post(cluster.replicas[1].events, command_body("history"), None, SECRET)
    assert status == 200
    assert "Proprietary model via API" in json.dumps(json.loads(history))


@pytest.mark.slow
def test_replica_killed_mid_conversation_resumes_without_loss_or_duplicates(cluster: Cluster) -> None:
    root = payloads.new_ts()
    assert cluster.send(0, event_body(payloads.app_mention(f"{MENTION} about 3M tokens a day",
                                                           ts=root))) == 200
    cluster.wait_thread(root, 1)
    cluster.replicas[0].kill()
    cluster.replicas[0].start()
    event = event_body(payloads.message("approved vendors only", ts=payloads.new_ts(), thread_ts=root))
    assert cluster.send(0, event) == 200
    posts = cluster.wait_thread(root, 2)
    time.sleep(1.5)
    assert len(cluster.posts(root)) == 2, "each message answered once"
    assert "Noted: Data residency" in str(posts[1]["text"])
    assert cluster.facts(root) == {"monthly_tokens": 90_000_000, "data_residency": "approved_vendors"}


@pytest.mark.slow
def test_replica_killed_once_slack_took_its_reply_is_finished_by_the_other_without_a_duplicate(
        tmp_path: Path, postgres_url: str) -> None:
    lease = 6  # seconds: the other replica's sweep takes over within about nine
    with FakeSlack() as fake, servers.chroma_server(tmp_path / "chroma") as chroma_url:
        cluster = Cluster(fake, postgres_url, chroma_url, tmp_path,
                          {"ADVISOR_LEASE_SECONDS": str(lease)})
        try:
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda replica: replica.start(), cluster.replicas))
            root = payloads.new_ts()
            assert cluster.send(0, event_body(payloads.app_mention(
                f"{MENTION} about 3M tokens a day", ts=root))) == 200
            cluster.wait_thread(root, 1)
            time.sleep(1)
            killed = cluster.replicas[0].process
            assert killed is not None
            fake.kill_after("chat.postMessage", killed.pid, where=lambda params: (
                params.get("thread_ts") == root and params.get("text") != WORKING_TEXT))

            follow_up = payloads.new_ts()
            assert cluster.send(0, event_body(payloads.message(
                "approved vendors only", ts=follow_up, thread_ts=root))) == 200
            killed.wait(timeout=30)
            deadline = time.monotonic() + 6 * lease
            while not cluster.processed(root, follow_up) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert cluster.processed(root, follow_up), "the other replica finished the turn"
            time.sleep(1)

            texts = [str(message.get("text")) for message in fake.thread("C1", root)]
            assert len(texts) == 2, texts  # one reply per message, the recovered one not again
            assert WORKING_TEXT not in texts
            assert "Noted: Data residency" in texts[1]
            assert cluster.facts(root) == {"monthly_tokens": 90_000_000,
                                           "data_residency": "approved_vendors"}
        finally:
            for replica in cluster.replicas:
                replica.stop()
        fake.assert_accepted()


@pytest.mark.slow
def test_chroma_down_gives_advice_without_sources_until_it_returns(
    tmp_path: Path, postgres_url: str
) -> None:
    port = servers.free_port()
    with FakeSlack() as fake:
        chroma_path = tmp_path / "chroma"
        with servers.chroma_server(chroma_path, port) as chroma_url:
            cluster = Cluster(fake, postgres_url, chroma_url, tmp_path)
            replica = cluster.replicas[0].start()
        try:
            status, health = servers.get_json(f"{replica.base}/healthz")
            assert status == 200 and health["status"] == "degraded", health
            assert str(health["index"]).startswith(("unreachable", "no answer")), health
            down = payloads.new_ts()
            cluster.send(0, event_body(payloads.app_mention(f"{MENTION} {COMPLETE}", ts=down)))
            advice = cluster.wait_thread(down, 1)
            assert "Given without sources" in json.dumps(advice)
            with servers.chroma_server(chroma_path, port):
                back = payloads.new_ts()
                cluster.send(0, event_body(payloads.app_mention(f"{MENTION} {COMPLETE}", ts=back)))
                again = json.dumps(cluster.wait_thread(back, 1))
                assert "Given without sources" not in again and "[1]" in again
        finally:
            replica.stop()
        fake.assert_accepted()


@pytest.mark.slow
def test_database_outage_gets_an_apology_and_the_bot_recovers(tmp_path: Path, postgres_url: str) -> None:
    url = make_url(postgres_url)
    proxy = servers.TcpProxy(url.port or 5432, url.host or "127.0.0.1")
    proxied = url.set(port=proxy.port).render_as_string(hide_password=False)
    with FakeSlack() as fake, servers.chroma_server(tmp_path / "chroma") as chroma_url:
        cluster = Cluster(fake, proxied, chroma_url, tmp_path)
        replica = cluster.replicas[0].start()
        try:
            proxy.cut()
            during = payloads.new_ts()
            body = event_body(payloads.app_mention(f"{MENTION} about 3M tokens a day", ts=during))
            # Not taken in, so not acknowledged: Slack will send it again.
            assert cluster.send(0, body) == 503
            apology = cluster.wait_thread(during, 1, timeout=60)
            assert "can't reach my database" in str(apology[0]["text"])
            status, health = servers.get_json(f"{replica.base}/healthz")
            assert status == 503 and health["store"] != "ok"
            proxy.restore()
            # Slack's redelivery of the same message is answered.
            assert post(replica.events, body, None, SECRET,
                        {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"})[0] == 200
            posts = cluster.wait_thread(during, 2, timeout=60)
            assert "Noted: Monthly token volume" in str(posts[1]["text"])
        finally:
            replica.stop()
            proxy.close()
        fake.assert_accepted()
