"""`llm-advisor serve` under N concurrent signed Slack conversations, against its floors.

A conversation is a thread: a mention (`app_mention` plus the `message` event Slack also sends),
then four follow-ups, each sent once every reply of the previous turn is in. Conversations differ
in their volume and side question, as people's do, so caches help only as much as they would. A
reply is a `chat.postMessage` in the thread, or the `chat.update` filling a "working on it"
placeholder; how many each turn gives is learnt by running the same dialogues in-process. All on
127.0.0.1, bounded.

The aims are judged on paced conversations: like a load tester's virtual users, each person
pauses between reading the bot's replies and sending the next message (THINK seconds, drawn
from a seeded generator; real people take longer, so this is the heavier load). The bare Bolt
floor gets the same pacing. A second run with no pauses at all saturates the two cores and gives
the throughput ceiling; its latencies are queueing, reported without an aim.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from bot.services import build_services
from bot.settings import Settings
from bot.slack.poster import WORKING_TEXT
from bot.slack.render.messages import turn_messages
from knowledge import KnowledgeBase
from tests.bench.table import Row, ms, percentile, timed
from tests.bot.slack.fakes import FakeSlack, payloads
from tests.bot.slack.fakes.signing import event_body, post
from tests.servers import ROOT, Replica, free_port, wait_for_port

SECRET, TOKEN = "bench-signing-secret", "xoxb-bench-token"
THREADS = 8  # `llm-advisor serve --threads` default
TURN_TIMEOUT, BUDGET = 60.0, 420.0  # seconds: one turn; starting the server plus the load
THINK = (1.0, 3.0)  # seconds a person pauses before each message, uniformly; the first is the ramp-up
ROUNDS = 2  # conversations each paced user holds, one after the other
DIALOGUES = [  # volume (in the mention: {n} varies), residency, team skill, latency
    ("we're building a support ticket classifier, ~{n}M tokens a day",
     "approved vendors under our DPA are fine",
     "one data scientist on the team; the tickets use our internal product codes and jargon",
     "interactive, a second or two is fine"),
    ("we want to summarise sales calls, about {n}0M tokens a month",
     "the data must stay on our own infrastructure",
     "3 ML engineers who run models in prod; it's general summaries",
     "batch overnight is fine"),
    ("an internal code review assistant, roughly {n}00k tokens per day",
     "approved vendors under our DPA are fine",
     "no ML people at all, just backend devs; needs our internal coding conventions",
     "it must feel instant, under 200 ms"),
    ("a contract clause extractor for legal, maybe {n}00M tokens/month", "public data, any provider is fine",
     "a small ML team that fine-tunes models; heavy legal jargon", "interactive, a second or two is fine"),
]
SIDE_QUESTIONS = [  # the fifth turn; people ask different things, so retrieval caches rarely help
    "why does latency matter?", "what does self-hosting cost in GPUs?", "how do you count tokens?",
    "side question: what is a DPA?", "how long does fine-tuning take?", "what is a hybrid setup?",
    "can we start on the API and move later?", "what skills does running vLLM need?",
    "how do rate limits affect us?", "is quantisation worth it?", "what about managed open models?",
    "where do proprietary models still lead?", "how do we keep patient data in our region?",
]


def dialogue(index: int) -> list[str]:
    """Conversation `index`'s messages: one of the dialogues, its volume and side question varied."""
    mention, *rest = DIALOGUES[index % len(DIALOGUES)]
    return [mention.format(n=2 + index % 7), *rest, SIDE_QUESTIONS[index % len(SIDE_QUESTIONS)]]


BARE_BOLT = """import sys
from gunicorn.app.base import BaseApplication
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
app = App(client=WebClient(token="xoxb-bare", base_url=sys.argv[4]), signing_secret=sys.argv[2],
          token_verification_enabled=False)
app.event("app_mention")(lambda ack: ack())
app.event("message")(lambda ack: ack())
class Bare(BaseApplication):
    def load_config(self):
        for key, value in {"bind": "127.0.0.1:" + sys.argv[1], "workers": 1, "threads": int(sys.argv[3]),
                           "worker_class": "gthread", "timeout": 60, "accesslog": None}.items():
            self.cfg.set(key, value)
    def load(self): return SlackRequestHandler(app)
Bare().run()
"""


class Recorder(FakeSlack):
    """The fake Slack, also noting when each reply arrives, per thread."""

    def __init__(self) -> None:
        super().__init__()
        self.cv = threading.Condition()
        self.replies: dict[str, list[float]] = defaultdict(list)
        self.placeholders: dict[str, str] = {}  # placeholder ts -> thread

    def _receive(self, path: str, headers: dict[str, str], body: bytes) -> Any:
        answer = super()._receive(path, headers, body)
        method = path.split("?")[0].rsplit("/", 1)[-1]
        data = answer.body if isinstance(answer.body, dict) else {}
        message, ts = data.get("message") or {}, str(data.get("ts"))
        with self.cv:
            if method == "chat.postMessage" and data.get("ok") and message.get("text") == WORKING_TEXT:
                self.placeholders[ts] = str(message.get("thread_ts") or ts)
            elif method == "chat.postMessage" and data.get("ok"):
                self.replies[str(message.get("thread_ts") or ts)].append(time.perf_counter())
            elif method == "chat.update" and ts in self.placeholders:
                self.replies[self.placeholders[ts]].append(time.perf_counter())
            self.cv.notify_all()
        return answer

    def wait(self, thread: str, count: int, timeout: float) -> list[float]:
        with self.cv:
            self.cv.wait_for(lambda: len(self.replies[thread]) >= count, max(0.0, timeout))
            return list(self.replies[thread])


@dataclass
class Tally:
    root: str
    acks: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)
    last: list[tuple[int, float]] = field(default_factory=list)  # (turn, seconds)
    bad_acks: int = 0
    missing: int = 0
    replies: int = 0  # how many replies the whole conversation should get


def _events(index: int, turn: int, text: str, root: str) -> list[dict[str, Any]]:
    user = f"U{index:04d}"
    if turn > 0:
        return [payloads.message(text, user=user, thread_ts=root, parent_user_id=user)]
    text = f"{payloads.BOT_MENTION} {text}"
    return [payloads.app_mention(text, user=user, ts=root), payloads.message(text, user=user, ts=root)]


Pause = Callable[[], float]


def no_pause() -> float:
    return 0.0


def pauses(seed: int) -> Pause:
    """A person's pauses before each message: THINK seconds, the same on every run."""
    draw = random.Random(seed)
    return lambda: draw.uniform(*THINK)


def converse(base: str, fake: Recorder, index: int, expected: list[int], end: float,
             pause: Pause = no_pause) -> Tally:
    tally, total = Tally(root=payloads.new_ts(), replies=sum(expected)), 0
    for turn, text in enumerate(dialogue(index)):
        time.sleep(max(0.0, min(pause(), end - time.perf_counter())))
        start = time.perf_counter()
        for event in _events(index, turn, text, tally.root):
            sent = time.perf_counter()
            try:
                status = post(f"{base}/slack/events", event_body(event), None, SECRET)[0]
            except OSError:  # refused or timed out: an error, not a crash
                status = 0
            tally.acks.append(time.perf_counter() - sent)
            tally.bad_acks += status != 200
        if not expected[turn]:
            continue  # a turn that only edits the recommendation posts nothing to time
        total += expected[turn]
        arrived = fake.wait(tally.root, total, min(TURN_TIMEOUT, end - time.perf_counter()))
        if len(arrived) < total:  # the rest of this conversation is abandoned
            tally.missing += 1
            return tally
        tally.first.append(arrived[total - expected[turn]] - start)
        tally.last.append((turn, arrived[total - 1] - start))
    return tally


def _memory_kb(group: int) -> dict[int, tuple[int, int]]:
    """(VmHWM, VmRSS) of every process in the group: gunicorn's master and its worker."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == group:
                status = (stat.parent / "status").read_text().splitlines()
                fields = {key: int(rest.split()[0]) for key, _, rest in
                          (line.partition(":") for line in status) if key in ("VmHWM", "VmRSS")}
                found[int(stat.parent.name)] = (fields["VmHWM"], fields["VmRSS"])
        except (OSError, ValueError, IndexError, KeyError):
            continue
    return found


def bare_bolt_acks(clients: int, slack_url: str) -> tuple[list[float], list[float]]:
    """Floor (a): a Bolt app that only acks, same gunicorn settings, sent the same events by
    `clients` people with the same pauses; then by `clients` closed loops with no pauses."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", BARE_BOLT, str(port), SECRET, str(THREADS), slack_url],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def loop(index: int, turns: int, pause: Pause) -> list[float]:
        samples = []
        for turn in range(turns):
            time.sleep(pause())
            for event in _events(index, turn % 5, "hi", payloads.new_ts()):
                samples.extend(timed(lambda e=event: post(  # type: ignore[misc]
                    f"http://127.0.0.1:{port}/slack/events", event_body(e), None, SECRET), 1))
        return samples

    try:
        wait_for_port(port)
        loop(0, 5, no_pause)
        with ThreadPoolExecutor(clients) as pool:
            paced = [s for samples in pool.map(lambda i: loop(i, 5 * ROUNDS, pauses(i)), range(clients))
                     for s in samples]
            saturated = [s for samples in pool.map(lambda i: loop(i, 15, no_pause), range(clients))
                         for s in samples]
        return paced, saturated
    finally:
        process.terminate()
        process.wait(timeout=20)


@dataclass
class Run:
    tallies: list[Tally]
    elapsed: float


@dataclass
class Outcome:
    paced: Run
    saturated: Run
    memory: dict[int, tuple[int, int]]
    master: int
    expected: dict[int, list[int]]
    kb: KnowledgeBase


def load(clients: int, folder: str, fake: Recorder, end: float) -> Outcome:
    """Start serve; meanwhile count each turn's replies in-process; warm it up; hold the paced
    load, then the saturating one."""
    replica = Replica({"ADVISOR_DATA_DIR": f"{folder}/serve", "SLACK_BOT_TOKEN": TOKEN,
                       "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url})
    with ThreadPoolExecutor(clients) as pool:
        starting = pool.submit(replica.start, end - time.perf_counter())
        try:  # the in-process index is built while the server builds its own
            settings = Settings(_env_file=None, ADVISOR_DATA_DIR=f"{folder}/local")
            kb = KnowledgeBase.open(settings.index_dir)
            kb.ensure_built()
            local = build_services(settings, knowledge=kb)
            warm_up = range(10 * clients, 10 * clients + len(DIALOGUES))

            pages: dict[int, int] = defaultdict(int)

            def replies(i: int, text: str) -> int:
                """How many messages the turn posts: one per turn, and the recommendation's
                pages when it is first posted (or its page count changes); later versions of
                it are edits, not posts."""
                turn = turn_messages(local.conversations.handle(
                    f"T1:C1:{i}", text, user="U1", team="T1", channel="C1"), "key",
                    has_recommendation=pages[i] > 0, link=None)
                posted = len(turn.message)
                if turn.recommendation and len(turn.recommendation) != pages[i]:
                    posted += len(turn.recommendation)
                    pages[i] = len(turn.recommendation)
                return posted

            expected = {i: [replies(i, text) for text in dialogue(i)]
                        for i in [*range((ROUNDS + 1) * clients), *warm_up]}
            local.store.close()
            starting.result()

            def hold(first: int, count: int, paced: bool) -> Run:
                def person(i: int) -> list[Tally]:
                    pause = pauses(i) if paced else no_pause
                    held = [i + n * count for n in range(ROUNDS if paced else 1)]
                    return [converse(replica.base, fake, index, expected[index], end, pause)
                            for index in held]

                started = time.perf_counter()
                tallies = [t for held in pool.map(person, range(first, first + count)) for t in held]
                return Run(tallies, time.perf_counter() - started)

            hold(warm_up[0], len(warm_up), paced=False)  # warm-up, untimed: one per dialogue
            paced = hold(0, clients, paced=True)
            saturated = hold(ROUNDS * clients, clients, paced=False)
            time.sleep(2.0)  # room for late duplicates
            assert replica.process is not None
            pid = replica.process.pid
            return Outcome(paced, saturated, _memory_kb(pid), pid, expected, kb)
        finally:
            replica.stop()


def _pair(samples: list[float], high: float) -> str:
    return f"{ms(percentile(samples, 50))} / {ms(percentile(samples, high))}" if samples else "n/a"


def run() -> list[Row]:
    clients, fake = int(os.environ.get("LOAD_CONVERSATIONS", "20")), Recorder()
    with tempfile.TemporaryDirectory() as folder, fake:
        out = load(clients, folder, fake, time.perf_counter() + BUDGET)
        every = out.paced.tallies + out.saturated.tallies
        roots = {t.root: t.replies for t in every}
        with fake.cv:
            duplicates = sum(max(0, len(fake.replies[root]) - n) for root, n in roots.items())
            placeholders = sum(thread in roots for thread in fake.placeholders.values())
        apologies = len(fake.calls("chat.postEphemeral"))
        kb, queries = out.kb, [*(text for dialogue in DIALOGUES for text in dialogue), *SIDE_QUESTIONS]
        for query in queries:
            kb.collection.query(query_embeddings=[kb.embedder.embed_query(query)], n_results=5)
        retrieval = [s for q in queries * 3 for s in timed(lambda q=q: kb.collection.query(  # type: ignore[misc]
            query_embeddings=[kb.embedder.embed_query(q)], n_results=5), 1)]
        web = WebClient(token=TOKEN, base_url=fake.base_url)
        # A reply in a real thread: Slack (and the fake) refuse a thread_ts it never gave out.
        thread = str(web.chat_postMessage(channel="C1", text="round trips").get("ts"))
        round_trips = timed(lambda: web.chat_postMessage(channel="C1", text="x", thread_ts=thread), 50)
        bare, bare_saturated = bare_bolt_acks(clients, fake.base_url)
    tallies = out.paced.tallies
    acks = [a for t in tallies for a in t.acks]
    firsts = [s for t in tallies for s in t.first]
    lasts = [s for t in tallies for _, s in t.last]
    by_kind = [[s for t in tallies for turn, s in t.last if (turn == 4) == side] for side in (False, True)]
    floor = percentile(bare, 50) + percentile(retrieval, 95) + percentile(round_trips, 95)
    worker = max((m for pid, m in out.memory.items() if pid != out.master), default=(0, 0))
    hot = out.saturated
    hot_lasts = [s for t in hot.tallies for _, s in t.last]
    think = f"{THINK[0]:g}-{THINK[1]:g} s"

    return [
        Row("load", f"{clients} people x {ROUNDS} conversations x 5 turns, {think} pauses, "
                    f"{os.cpu_count()} cores",
            f"{len(lasts)} turns, {len(acks)} events in {out.paced.elapsed:.1f} s"),
        Row("load", "ack p50 / p99 (POST /slack/events)", _pair(acks, 99), "p99 < 50 ms"),
        Row("load", f"floor (a): bare Bolt ack p50 / p99, same pacing (gunicorn gthread 1x{THREADS})",
            _pair(bare, 99)),
        Row("load", "turn p50 / p95, event sent to the turn's first reply", _pair(firsts, 95)),
        Row("load", "turn p50 / p95, event sent to the turn's last reply", _pair(lasts, 95),
            f"p95 <= 3x floor = {ms(3 * floor)}"),
        Row("load", "  last-reply p95: fact turns / side questions",
            " / ".join(ms(percentile(kind, 95)) if kind else "n/a" for kind in by_kind)),
        Row("load", "floor (b): embed + Chroma query p50 / p95 (in-process)", _pair(retrieval, 95)),
        Row("load", "fake Slack chat.postMessage round trip p50 / p95", _pair(round_trips, 95)),
        Row("load", "turn floor = (a) p50 + (b) p95 + post p95; turn p95 / floor",
            f"{ms(floor)}; {percentile(lasts, 95) / floor:.1f}x" if lasts else "n/a", "<= 3x"),
        Row("load", "offered load (paced)", f"{len(lasts) / out.paced.elapsed:.2f} turns/s"),
        Row("load", f"saturation: {clients} conversations x 5 turns, no pauses: throughput",
            f"{len(hot_lasts) / hot.elapsed:.2f} turns/s"),
        Row("load", "saturation: ack p50 / p99; bare Bolt ack p50 / p99",
            f"{_pair([a for t in hot.tallies for a in t.acks], 99)}; {_pair(bare_saturated, 99)}"),
        Row("load", "saturation: turn p50 / p95 (queueing for the cores)", _pair(hot_lasts, 95)),
        Row("load", "errors (both runs): non-200 acks / turns unanswered in 60 s / apologies",
            f"{sum(t.bad_acks for t in every)} / {sum(t.missing for t in every)} / {apologies}",
            "0 / 0 / 0"),
        Row("load", "duplicate replies (both runs)", str(duplicates), "0"),
        Row("load", "turns that showed 'working on it' first", str(placeholders)),
        Row("load", "peak RSS (VmHWM) worker / master + worker; worker RSS at the end",
            f"{worker[0] / 1024:.0f} MB / {sum(m[0] for m in out.memory.values()) / 1024:.0f} MB; "
            f"{worker[1] / 1024:.0f} MB", "< 800 MB"),
    ]
