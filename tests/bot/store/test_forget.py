"""`forget` removes one person's data everywhere, in one transaction, and nobody else's: the
conversations they started go whole; from those they only joined, their messages, facts and
words go, and a recommendation scored on their facts is scored again."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import pytest
from sqlalchemy import select

from bot.conversation import ConversationState, Engine, FactNote, Reply
from bot.conversation.attribution import forget_user
from bot.conversation.service import ConversationService
from bot.delivery import DeliveryLoop, Working
from bot.store import (
    AnchorRef,
    DecisionRecord,
    FeedbackVote,
    ForgetReport,
    QueuedMessage,
    QueuedReply,
    Store,
)
from bot.store.models import Base
from scoring import load_policy

KEY = "slack:T1:C1:100.0"
OTHER = "slack:T1:C1:200.0"
MARKER = "zqxmarker"
U1_FACTS = "approved vendors only, about 3M tokens a day"
U1_MORE = "our internal ticket codes, a few seconds is fine"
U3_FACT = f"3 ML engineers running models in prod; patient data can't leave the {MARKER} DC"
INBOX = Base.metadata.tables["inbox"]


class Sink:
    """A platform that takes every reply."""

    def __init__(self) -> None:
        self.sent: list[QueuedReply] = []

    def render(self, key: str, message: QueuedMessage, replies: Sequence[Reply]) -> list[QueuedReply]:
        return [QueuedReply(channel=message.channel, text=reply.text, thread_ts=message.thread_ts)
                for reply in replies]

    def deliver(self, message: QueuedMessage, work: Callable[[], list[QueuedReply]],
                working: Working) -> None:
        for reply in work():
            self.send(reply)

    def send(self, reply: QueuedReply) -> None:
        self.sent.append(reply)

    def find(self, replies: Sequence[QueuedReply]) -> dict[str, str]:
        ids = {reply.reply_id for reply in replies}
        return {reply.reply_id: str(n) for n, reply in enumerate(self.sent)
                if reply.reply_id is not None and reply.reply_id in ids}

    def adopt(self, reply: QueuedReply, posted: str) -> None:
        pass

    def discard(self, reply: QueuedReply, posted: str) -> None:
        pass

    def apologise(self, message: QueuedMessage) -> None:
        raise AssertionError("no turn should fail")

    def after_turn(self, key: str, message: QueuedMessage, state: ConversationState) -> None:
        pass


class Thread:
    """Messages in one conversation, each from a user, through the delivery loop as in Slack."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.service = ConversationService(Engine(load_policy(), None), store.conversations)
        self.sink = Sink()
        self.loop = DeliveryLoop(store, self.service, self.sink, holder="replica-1")
        self.ts = 100

    def say(self, user: str, text: str, key: str = KEY) -> None:
        self.ts += 1
        queued = QueuedMessage(text=text, user=user, team="T1", channel="C1",
                               thread_ts=key.rsplit(":", 1)[1])
        assert self.loop.accept(key, f"{self.ts}.0", queued)

    def state(self, key: str = KEY) -> ConversationState:
        return self.service.load(key)


@pytest.fixture
def thread(store: Store) -> Thread:
    return Thread(store)


def stored_text(store: Store) -> str:
    """Every conversation state and inbox payload, as stored."""
    with store.db.transaction() as connection:
        states = [json.dumps(c) for c, in connection.execute(
            select(Base.metadata.tables["conversations"].c.state))]
        payloads = [json.dumps(p) for p, in connection.execute(select(INBOX.c.payload))]
    return "\n".join(states + payloads)


def senders(store: Store, key: str = KEY) -> list[str | None]:
    with store.db.transaction() as connection:
        return [user for user, in connection.execute(
            select(INBOX.c.user_id).where(INBOX.c.conversation_key == key).order_by(INBOX.c.id))]


def test_one_post_in_someone_elses_thread_does_not_make_it_yours(store: Store, thread: Thread) -> None:
    thread.say("U1", U1_FACTS)
    thread.say("U3", U3_FACT)

    loaded = store.conversations.load(KEY)
    assert loaded is not None and loaded.owner_user == "U1"
    assert store.conversations.participants(KEY) == ["U1", "U3"]


def test_the_starters_forget_deletes_the_thread_others_joined(store: Store, thread: Thread) -> None:
    thread.say("U1", U1_FACTS)
    thread.say("U3", U3_FACT)
    store.anchors.record(AnchorRef(key=KEY, name="recommendation"), "C1", "100.5")
    store.feedback.record(FeedbackVote(team="T1", channel="C1", message_ts="100.5", user_id="U3",
                                       conversation_key=KEY, vote="positive"))
    store.outbox.queue(KEY, [QueuedReply(channel="C1", text="waiting", thread_ts="100.0")])
    thread.say("U1", U1_FACTS, key=OTHER)

    report = store.forget("U1", forget_user)

    assert report == ForgetReport(started=2)
    assert store.conversations.load(KEY) is None and store.conversations.load(OTHER) is None
    assert store.conversations.participants(KEY) == [] and senders(store) == []
    assert store.anchors.pages(KEY, "recommendation") == []
    assert store.feedback.for_conversation(KEY) == [] and store.outbox.unsent(KEY) == []


def test_a_joiners_forget_leaves_the_thread_with_the_starters_facts_only(
        store: Store, thread: Thread) -> None:
    thread.say("U1", U1_FACTS)
    thread.say("U3", U3_FACT)
    thread.say("U1", U1_MORE)
    before = thread.state()
    assert before.current.facts["ml_expertise"].user == "U3"
    assert MARKER in stored_text(store)

    report = store.forget("U3", forget_user)

    assert report == ForgetReport(joined=1)
    after = thread.state()
    u1_facts = {fact: note for fact, note in before.current.facts.items() if note.user == "U1"}
    assert set(u1_facts) == {"monthly_tokens", "specialization", "latency"}
    # U3 had changed U1's residency: U1's own answer comes back.
    assert before.current.facts["data_residency"].value == "in_house_only"
    assert after.current.facts == u1_facts | {"data_residency": FactNote(
        value="approved_vendors", evidence="approved vendors", turn=1, user="U1")}
    assert MARKER not in stored_text(store)
    assert store.conversations.participants(KEY) == ["U1"]
    assert senders(store) == ["U1", "U1"]
    loaded = store.conversations.load(KEY)
    assert loaded is not None and loaded.owner_user == "U1"


def test_a_recommendation_scored_on_the_forgotten_facts_is_scored_again(
        store: Store, thread: Thread) -> None:
    thread.say("U1", U1_FACTS)
    thread.say("U1", U1_MORE)
    thread.say("U3", "3 ML engineers running models in prod")
    advised = thread.state()
    assert advised.stage == "advised" and advised.last_result is not None
    assert advised.last_result.factors and "ml_expertise" in {f.name for f in advised.last_result.factors}

    store.forget("U3", forget_user)

    left = thread.state()
    assert left.last_result is None and left.stage == "gathering"
    assert "ml_expertise" not in left.current.facts
    sent = len(thread.sink.sent)
    thread.say("U1", "status")
    status = thread.sink.sent[sent].text
    assert "Still missing: ml engineering skill" in status
    thread.say("U1", "recommend")
    rescored = thread.state()
    assert rescored.stage == "advised" and rescored.last_result is not None
    assert rescored.last_result != advised.last_result


def test_forgetting_a_joiner_who_changed_nothing_scored_keeps_the_recommendation(
        store: Store, thread: Thread) -> None:
    thread.say("U1", U1_FACTS)
    thread.say("U1", U1_MORE)
    thread.say("U1", "3 ML engineers running models in prod")
    thread.say("U3", "why does latency matter?")
    advised = thread.state()

    assert store.forget("U3", forget_user) == ForgetReport(joined=1)

    assert thread.state() == advised
    assert senders(store) == ["U1", "U1", "U1"]


def test_words_held_between_turns_are_forgotten_with_their_giver(store: Store, thread: Thread) -> None:
    thread.say("U1", "approved vendors only")
    thread.say("U3", f"a few hundred {MARKER} reports a day")
    held = thread.state()
    assert held.volume_parts is not None or held.pending is not None
    assert MARKER in stored_text(store)

    store.forget("U3", forget_user)

    left = thread.state()
    assert left.volume_parts is None and left.pending is None
    assert left.current.facts == {f: n for f, n in held.current.facts.items() if n.user == "U1"}
    assert MARKER not in stored_text(store)


def test_decisions_votes_and_reminders_go_with_their_owner_only(store: Store, thread: Thread) -> None:
    thread.say("U1", U1_FACTS)
    thread.say("U1", U1_MORE)
    thread.say("U3", "3 ML engineers running models in prod")
    state = thread.state()
    assert state.last_result is not None

    def pin(user: str) -> int:
        return store.decisions.add(DecisionRecord(
            conversation_key=KEY, user_id=user, team="T1", channel="C1", thread_ts="100.0",
            title="Ticket triage", facts=state.scored_facts(), result=state.last_result,
            policy_version="p", index_version="i"))

    by_u3, by_u1 = pin("U3"), pin("U1")
    assert store.reminders.claim(by_u3, "U3", "C1", store.db.clock())
    assert store.reminders.claim(by_u1, "U1", "C1", store.db.clock())
    for user in ("U1", "U3"):
        store.feedback.record(FeedbackVote(team="T1", channel="C1", message_ts="100.5",
                                           user_id=user, conversation_key=KEY, vote="positive"))

    assert store.forget("U3", forget_user) == ForgetReport(joined=1, decisions=1, votes=1,
                                                           reminders=1)
    assert store.decisions.get(by_u3) is None and store.reminders.get(by_u3) is None
    assert store.decisions.get(by_u1) is not None and store.reminders.get(by_u1) is not None
    assert [vote.user_id for vote in store.feedback.for_conversation(KEY)] == ["U1"]

    # U3 pins again from U1's thread; U1's forget deletes the thread and U1's own record only.
    again = pin("U3")
    assert store.forget("U1", forget_user) == ForgetReport(started=1, decisions=1, reminders=1)
    assert store.decisions.get(again) is not None and store.decisions.get(by_u1) is None


def test_forget_of_someone_who_left_nothing_changes_nothing(store: Store, thread: Thread) -> None:
    thread.say("U1", U1_FACTS)
    before = store.conversations.load(KEY)

    assert store.forget("U9", forget_user) == ForgetReport()
    assert store.conversations.load(KEY) == before
