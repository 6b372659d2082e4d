"""Concurrent query encodes wait together and go through the model as one batch."""

from __future__ import annotations

import threading
import time

import pytest

from knowledge.embeddings import Coalescer


def _vector(text: str) -> list[float]:
    return [float(len(text)), float(sum(map(ord, text)))]


def test_queries_arriving_while_the_model_is_busy_share_the_next_batch() -> None:
    batches: list[list[str]] = []
    first_started, release = threading.Event(), threading.Event()

    def encode(texts: list[str]) -> list[list[float]]:
        batches.append(list(texts))
        if len(batches) == 1:
            first_started.set()
            assert release.wait(30)
        return [_vector(text) for text in texts]

    coalescer = Coalescer(encode)
    results: dict[str, list[list[float]]] = {}

    def ask(*texts: str) -> None:
        results[texts[0]] = coalescer.embed(list(texts))

    first = threading.Thread(target=ask, args=("first",))
    first.start()
    assert first_started.wait(30)
    others = [threading.Thread(target=ask, args=(f"q{i}", f"q{i} in the guides' words")) for i in range(5)]
    for thread in others:
        thread.start()
    deadline = time.monotonic() + 30
    while len(coalescer._waiting) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    for thread in [first, *others]:
        thread.join(30)

    assert batches[0] == ["first"] and len(batches) == 2 and len(batches[1]) == 10
    assert results["first"] == [_vector("first")]
    for i in range(5):  # each caller gets its own vectors back, in its own order
        assert results[f"q{i}"] == [_vector(f"q{i}"), _vector(f"q{i} in the guides' words")]


def test_a_failed_batch_fails_every_caller_in_it_and_the_next_one_still_runs() -> None:
    calls = [0]

    def encode(texts: list[str]) -> list[list[float]]:
        calls[0] += 1
        if calls[0] == 1:
            raise RuntimeError("model unavailable")
        return [_vector(text) for text in texts]

    coalescer = Coalescer(encode)
    with pytest.raises(RuntimeError, match="model unavailable"):
        coalescer.embed(["x"])
    assert coalescer.embed(["y", "zz"]) == [_vector("y"), _vector("zz")]
    assert coalescer.embed([]) == []
