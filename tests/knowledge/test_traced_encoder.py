"""Query encodes run through the transformer compiled to TorchScript, and give the model's vectors."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from knowledge.embeddings import COMPILE_AFTER, SAVED_ENCODER, TOLERANCE, MiniLMEmbedder, TracedEncoder

QUERIES = [
    "why does latency matter?",
    "we process ~3M tokens a day of patient notes; can they leave our DC?",
    "GPU",
    "  leading and trailing spaces  ",
    "Qu'est-ce qu'un DPA ? ½ naïve café — 東京",
    "self-host " * 200,  # past the model's window: truncated the same way
]


def _reference(minilm: MiniLMEmbedder, texts: list[str]) -> np.ndarray:
    return np.asarray(minilm.embed_documents(texts))  # LangChain's path through sentence-transformers


def test_a_process_that_keeps_asking_compiles_the_encoder_once_and_one_question_does_not(
        minilm: MiniLMEmbedder) -> None:
    fresh = MiniLMEmbedder()
    fresh._model = minilm._load()  # share the loaded weights
    fresh.embed_query("a one-off question")
    assert fresh._traced is None and not fresh._traced_tried

    for n in range(COMPILE_AFTER):
        fresh.embed_query(f"question {n}")

    assert isinstance(fresh._traced, TracedEncoder)
    assert minilm.compile_queries() and isinstance(minilm._traced, TracedEncoder)


@pytest.mark.parametrize("batch", [QUERIES[:1], QUERIES[1:3], QUERIES])
def test_compiled_vectors_match_the_model_one_by_one_and_in_padded_batches(
        minilm: MiniLMEmbedder, batch: list[str]) -> None:
    assert minilm.compile_queries()
    got = np.asarray(minilm.embed_queries(batch))

    assert got.shape == (len(batch), 384)
    assert np.abs(got - _reference(minilm, batch)).max() <= TOLERANCE
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def _assert_refused_and_eager(minilm: MiniLMEmbedder, caplog: pytest.LogCaptureFixture,
                              warning: str) -> None:
    """A fresh embedder sharing the loaded weights refuses to compile, says `warning`, and
    still gives the model's vectors."""
    fresh = MiniLMEmbedder()
    fresh._model = minilm._load()
    with caplog.at_level(logging.WARNING, logger="knowledge.embeddings"):
        assert not fresh.compile_queries()
    got = np.asarray(fresh.embed_queries(QUERIES[:2]))

    assert fresh._traced is None and warning in caplog.text
    assert np.abs(got - _reference(minilm, QUERIES[:2])).max() <= TOLERANCE


def test_a_model_that_cannot_be_traced_stays_eager(
        minilm: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import torch

    def refuse(*_: Any, **__: Any) -> Any:
        raise RuntimeError("tracing is not supported here")

    monkeypatch.setattr(torch.jit, "trace", refuse)
    _assert_refused_and_eager(minilm, caplog, "not compiled")


def test_a_compiled_encoder_that_drifts_from_the_model_is_not_used(
        minilm: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    real = TracedEncoder.encode

    def drifting(self: TracedEncoder, texts: list[str]) -> list[list[float]]:
        return [[x + 0.01 for x in vector] for vector in real(self, texts)]

    monkeypatch.setattr(TracedEncoder, "encode", drifting)
    _assert_refused_and_eager(minilm, caplog, "differs from the model")


def test_a_compiled_encoder_that_fails_on_an_input_hands_over_to_the_model(
        minilm: MiniLMEmbedder, caplog: pytest.LogCaptureFixture) -> None:
    fresh = MiniLMEmbedder()
    fresh._model = minilm._load()
    assert fresh.compile_queries()

    def broken(*_: Any) -> Any:
        raise RuntimeError("shape the graph cannot take")

    assert fresh._traced is not None
    fresh._traced.module = broken
    with caplog.at_level(logging.WARNING, logger="knowledge.embeddings"):
        got = np.asarray(fresh.embed_queries(QUERIES[:2]))

    assert "compiled query encoder failed" in caplog.text and fresh._traced is None
    assert np.abs(got - _reference(minilm, QUERIES[:2])).max() <= TOLERANCE


# A saved encoder: compiled once, loaded by later processes without the model.

def _compiled_into(minilm: MiniLMEmbedder, folder: Path) -> MiniLMEmbedder:
    """An embedder with a cache folder that compiles from the shared weights and saves."""
    compiling = MiniLMEmbedder(cache_dir=folder)
    compiling._model = minilm._load()
    assert compiling.compile_queries()
    return compiling


def test_a_compiled_encoder_is_saved_and_a_later_process_uses_it_without_loading_the_model(
        minilm: MiniLMEmbedder, tmp_path: Path) -> None:
    _compiled_into(minilm, tmp_path / "encoder")
    later = MiniLMEmbedder(cache_dir=tmp_path / "encoder")

    got = np.asarray(later.embed_queries(QUERIES))

    assert isinstance(later._traced, TracedEncoder) and not later.model_loaded
    assert np.abs(got - _reference(minilm, QUERIES)).max() <= TOLERANCE
    assert later.compile_queries() and not later.model_loaded
    assert [p.name for p in (tmp_path / "encoder").iterdir()] == [SAVED_ENCODER]  # no partial files


def _assert_recompiled(minilm: MiniLMEmbedder, folder: Path, caplog: pytest.LogCaptureFixture,
                       message: str) -> None:
    """The saved encoder is not used (`message` logged); compiling again replaces it."""
    later = MiniLMEmbedder(cache_dir=folder)
    later._model = minilm._load()
    with caplog.at_level(logging.INFO, logger="knowledge.embeddings"):
        assert later.compile_queries()
    assert message in caplog.text
    assert TracedEncoder.load(folder / SAVED_ENCODER) is not None
    got = np.asarray(later.embed_queries(QUERIES[:2]))
    assert np.abs(got - _reference(minilm, QUERIES[:2])).max() <= TOLERANCE


def test_a_saved_encoder_for_other_model_files_is_compiled_again(
        minilm: MiniLMEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    import knowledge.embeddings as embeddings

    real = embeddings.model_fingerprint
    monkeypatch.setattr(embeddings, "model_fingerprint", lambda: "an-older-model/0.1/1")
    _compiled_into(minilm, tmp_path)
    monkeypatch.setattr(embeddings, "model_fingerprint", real)

    assert TracedEncoder.load(tmp_path / SAVED_ENCODER) is None
    _assert_recompiled(minilm, tmp_path, caplog, "saved query encoder is for another model")


def test_a_corrupt_saved_encoder_is_reported_and_compiled_again(
        minilm: MiniLMEmbedder, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / SAVED_ENCODER).write_bytes(b"PK\x03\x04 not a TorchScript archive")

    _assert_recompiled(minilm, tmp_path, caplog, "is unreadable")


def test_a_saved_encoder_that_no_longer_gives_the_models_vectors_is_compiled_again(
        minilm: MiniLMEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    _compiled_into(minilm, tmp_path)
    real = TracedEncoder.drift
    monkeypatch.setattr(TracedEncoder, "drift", lambda self: 0.5)
    with caplog.at_level(logging.WARNING, logger="knowledge.embeddings"):
        assert TracedEncoder.load(tmp_path / SAVED_ENCODER) is None
    monkeypatch.setattr(TracedEncoder, "drift", real)

    assert "differs from the model by 0.5" in caplog.text


def test_an_encoder_that_cannot_be_saved_is_still_used(
        minilm: MiniLMEmbedder, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    embedder = MiniLMEmbedder(cache_dir=blocked / "encoder")
    embedder._model = minilm._load()
    with caplog.at_level(logging.WARNING, logger="knowledge.embeddings"):
        assert embedder.compile_queries()

    assert "could not save the compiled query encoder" in caplog.text
    got = np.asarray(embedder.embed_queries(QUERIES[:2]))
    assert np.abs(got - _reference(minilm, QUERIES[:2])).max() <= TOLERANCE
