from __future__ import annotations

import pytest

from bot.guidance import GuidanceUnavailable, ReconnectingGuidance
from knowledge import KnowledgeBase


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_guidance_reopens_an_index_that_was_down_after_the_retry_interval(
    guide_kb: KnowledgeBase,
) -> None:
    clock = Clock()
    attempts: list[int] = []
    down = True

    def opener() -> KnowledgeBase:
        attempts.append(1)
        if down:
            raise RuntimeError("cannot reach the Chroma server")
        return guide_kb

    guidance = ReconnectingGuidance(opener, problem="cannot reach the Chroma server",
                                    retry_after=10, clock=clock)
    assert not guidance.available
    with pytest.raises(GuidanceUnavailable):
        guidance.search("latency")
    assert attempts == [], "no attempt before the retry interval"
    clock.now += 11
    with pytest.raises(GuidanceUnavailable, match="Chroma"):
        guidance.search("latency")
    assert len(attempts) == 1
    down = False
    with pytest.raises(GuidanceUnavailable):
        guidance.search("latency")
    clock.now += 11
    assert guidance.search("first token latency", k=1)[0].doc_id == "latency"
    assert guidance.available and guidance.problem == ""
    assert guidance.version == guide_kb.version


def test_warm_up_readies_chunks_model_and_sentences_before_the_first_question(
        guide_kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> None:
    from knowledge.embeddings import TracedEncoder

    replica = KnowledgeBase(guide_kb.collection, guide_kb.embedder, [],
                            sentences=guide_kb.sentence_vectors.collection)
    assert replica.retriever._corpus is None and not replica.sentence_vectors._cache

    ReconnectingGuidance(lambda: replica, initial=replica).warm_up()

    assert replica.retriever._corpus is not None
    assert len(replica.sentence_vectors._cache) > 10  # every chunk's, in one read
    assert isinstance(getattr(replica.embedder, "_traced", None), TracedEncoder)


def test_warm_up_with_the_index_down_logs_and_leaves_it_for_a_later_request(
        caplog: pytest.LogCaptureFixture) -> None:
    def opener() -> KnowledgeBase:
        raise RuntimeError("cannot reach the Chroma server")

    guidance = ReconnectingGuidance(opener)
    guidance.warm_up()  # does not raise

    assert not guidance.available and "not warmed up" in caplog.text
    assert "Chroma" in guidance.problem
