"""The delivery loop without Slack: a queued message becomes one turn, its replies go out in order,
and replies the platform will not take yet wait in the outbox for the next turn or sweep."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta

import pytest

from bot.conversation import ConversationState, Engine, Reply
from bot.conversation.service import ConversationService
from bot.delivery import DeliveryFailed, DeliveryLoop, Undelivered, Working
from bot.store import QueuedMessage, QueuedReply, Store
from scoring import load_policy

KEY = "chat:T1:C1:100.0"
DIALOGUE = ["an email summariser", "public data, nothing sensitive", "about 2M tokens a month"]


class RecordingSink:
    """A platform that keeps what it was sent, and can be made unavailable or refusing."""

    def __init__(self) -> None:
        self.sent: list[QueuedReply] = []
        self.adopted: list[QueuedReply] = []
        self.apologies: list[QueuedMessage] = []
        self.turns: list[tuple[str, ConversationState]] = []
        self.takes: int | None = None
        """While set, how many more replies the platform takes before it becomes unavailable."""
        self.refusal: str | None = None
        """While set, the error with which the platform refuses every reply for good."""

    def render(self, key: str, message: QueuedMessage, replies: Sequence[Reply]) -> list[QueuedReply]:
        return [QueuedReply(channel=message.channel, text=reply.text, thread_ts=message.thread_ts)
                for reply in replies]

    def deliver(self, message: QueuedMessage, work: Callable[[], list[QueuedReply]],
                working: Working) -> None:
        replies = work()
        for index, reply in enumerate(replies):
            try:
                self.send(reply)
            except DeliveryFailed as exc:
                if exc.transient:
                    raise Undelivered(exc, replies[index:]) from None
                raise

    def send(self, reply: QueuedReply) -> None:
        if self.refusal is not None:
            raise DeliveryFailed("post", self.refusal)
        if self.takes is not None:
            if self.takes == 0:
                raise DeliveryFailed("post", "service_unavailable", transient=True)
            self.takes -= 1
        self.sent.append(reply)

    def find(self, replies: Sequence[QueuedReply]) -> dict[str, str]:
        ids = {reply.reply_id for reply in replies}
        return {reply.reply_id: str(n) for n, reply in enumerate(self.sent)
                if reply.reply_id is not None and reply.reply_id in ids}

    def adopt(self, reply: QueuedReply, posted: str) -> None:
        self.adopted.append(reply)

    def discard(self, reply: QueuedReply, posted: str) -> None:
        self.sent = [r for n, r in enumerate(self.sent) if str(n) != posted]

    def apologise(self, message: QueuedMessage) -> None:
        self.apologies.append(message)

    def after_turn(self, key: str, message: QueuedMessage, state: ConversationState) -> None:
        self.turns.append((key, state))


def message(text: str) -> QueuedMessage:
    return QueuedMessage(text=text, user="U1", team="T1", channel="C1", thread_ts="100.0")


def expected_texts(*messages: str) -> list[list[str]]:
    """The engine's replies to each message of one conversation, in order."""
    engine, state, texts = Engine(load_policy(), None), ConversationState(), []
    for text in messages:
        state, replies = engine.turn(state, text)
        texts.append([reply.text for reply in replies])
    return texts


def sent_texts(sink: RecordingSink) -> list[str]:
    return [reply.text for reply in sink.sent]


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
def loop(store: Store, sink: RecordingSink) -> DeliveryLoop:
    service = ConversationService(Engine(load_policy(), None), store.conversations)
    return DeliveryLoop(store, service, sink, holder="replica-1")


def test_one_message_is_one_turn_whose_replies_are_sent_in_order(
        loop: DeliveryLoop, store: Store, sink: RecordingSink) -> None:
    assert loop.accept(KEY, "101.0", message(DIALOGUE[0])) is True

    (replies,) = expected_texts(DIALOGUE[0])
    assert len(replies) > 1
    assert sent_texts(sink) == replies
    assert {(reply.channel, reply.thread_ts) for reply in sink.sent} == {("C1", "100.0")}
    assert [(key, state.turns) for key, state in sink.turns] == [(KEY, 1)]
    item = store.inbox.get(KEY, "101.0")
    assert item is not None and item.processed and item.outcome == "ok"
    assert sink.apologies == [] and not store.outbox.has_unsent(KEY)


def test_a_repeated_delivery_returns_false_and_sends_nothing(
        loop: DeliveryLoop, store: Store, sink: RecordingSink) -> None:
    assert loop.accept(KEY, "101.0", message(DIALOGUE[0])) is True
    sent = list(sink.sent)

    assert loop.accept(KEY, "101.0", message(DIALOGUE[0])) is False

    assert sink.sent == sent
    assert len(sink.turns) == 1
    stored = store.conversations.load(KEY)
    assert stored is not None and ConversationState.model_validate(stored.state).turns == 1


def test_replies_the_platform_will_not_take_wait_and_the_next_turn_posts_them_first(
        loop: DeliveryLoop, store: Store, sink: RecordingSink) -> None:
    first, second, third = expected_texts(*DIALOGUE)
    loop.accept(KEY, "101.0", message(DIALOGUE[0]))
    sink.takes = 1  # one reply gets through, then the platform is away

    assert loop.accept(KEY, "102.0", message(DIALOGUE[1])) is True

    assert sent_texts(sink) == first + second[:1]
    assert [item.reply.text for item in store.outbox.unsent(KEY)] == second[1:]
    item = store.inbox.get(KEY, "102.0")
    assert item is not None and item.processed and item.outcome == "queued"
    assert sink.apologies == []  # late, not lost

    sink.takes = None  # back
    assert loop.accept(KEY, "103.0", message(DIALOGUE[2])) is True

    assert sent_texts(sink) == first + second + third
    assert not store.outbox.has_unsent(KEY)


def test_replies_left_waiting_are_posted_in_order_by_the_next_sweep(
        loop: DeliveryLoop, store: Store, sink: RecordingSink) -> None:
    first, second = expected_texts(*DIALOGUE[:2])
    sink.takes = 0
    loop.accept(KEY, "101.0", message(DIALOGUE[0]))
    loop.accept(KEY, "102.0", message(DIALOGUE[1]))
    assert sink.sent == []
    assert [item.reply.text for item in store.outbox.unsent(KEY)] == first + second

    tried = store.outbox.unsent(KEY)[0].attempts  # the second turn tried to send it first
    assert tried == 1
    assert loop.sweep() == 0  # still away: it stays queued
    assert store.outbox.unsent(KEY)[0].attempts == tried + 1

    sink.takes = None
    assert loop.sweep() == 0  # nothing stranded: only replies were owed
    assert sent_texts(sink) == first + second
    assert not store.outbox.has_unsent(KEY)
    loop.sweep(stranded_after=timedelta(0))
    assert sent_texts(sink) == first + second  # each sent once


def test_a_platform_refusing_for_good_gets_an_apology_and_nothing_is_queued(
        loop: DeliveryLoop, store: Store, sink: RecordingSink) -> None:
    sink.refusal = "channel_not_found"

    assert loop.accept(KEY, "101.0", message(DIALOGUE[0])) is True

    assert sink.sent == []
    assert sink.apologies == [message(DIALOGUE[0])]
    item = store.inbox.get(KEY, "101.0")
    assert item is not None and item.processed and item.outcome == "delivery_error"
    assert not store.outbox.has_unsent(KEY)


class Stopped(BaseException):
    """The process stopping where it stands."""


@pytest.mark.parametrize("stop_at", ["outbox.finish_turn", "inbox.mark_and_next"])
def test_a_turn_posted_but_never_marked_is_finished_from_its_record_not_run_again(
        loop: DeliveryLoop, store: Store, sink: RecordingSink, monkeypatch: pytest.MonkeyPatch,
        stop_at: str) -> None:
    (first,) = expected_texts(DIALOGUE[0])
    table, method = stop_at.split(".")
    owner = getattr(store, table)
    real = getattr(owner, method)

    def stop(*args: object, **kwargs: object) -> None:
        monkeypatch.setattr(owner, method, real)
        raise Stopped

    monkeypatch.setattr(owner, method, stop)
    with pytest.raises(Stopped):
        loop.accept(KEY, "101.0", message(DIALOGUE[0]))
    assert sent_texts(sink) == first
    assert store.outbox.recorded(KEY, "101.0")  # with the state, before anything was posted

    assert loop.sweep(stranded_after=timedelta(0)) == 1

    assert sent_texts(sink) == first  # not posted again
    if table == "outbox":  # the replies were still waiting: found posted, taken as sent
        assert [reply.text for reply in sink.adopted] == first
    stored = store.conversations.load(KEY)
    assert stored is not None and ConversationState.model_validate(stored.state).turns == 1
    item = store.inbox.get(KEY, "101.0")
    assert item is not None and item.processed and item.outcome == "ok"
    assert not store.outbox.has_unsent(KEY)


def test_a_turn_stopped_before_saving_runs_again_and_answers_once(
        loop: DeliveryLoop, store: Store, sink: RecordingSink,
        monkeypatch: pytest.MonkeyPatch) -> None:
    (first,) = expected_texts(DIALOGUE[0])
    save = store.conversations.save

    def stop(*args: object, **kwargs: object) -> None:
        monkeypatch.setattr(store.conversations, "save", save)
        raise Stopped

    monkeypatch.setattr(store.conversations, "save", stop)
    with pytest.raises(Stopped):
        loop.accept(KEY, "101.0", message(DIALOGUE[0]))
    assert sink.sent == [] and not store.outbox.has_unsent(KEY)  # nothing saved, nothing recorded

    assert loop.sweep(stranded_after=timedelta(0)) == 1

    assert sent_texts(sink) == first
    assert sink.adopted == []
