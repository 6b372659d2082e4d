"""Retrieval quality on a labelled question set: recall@k and MRR per retrieval mode."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.errors import EvalSetError

if TYPE_CHECKING:
    from knowledge.retrieval import HybridRetriever, Mode, Passage

MODES: tuple[Mode, ...] = ("dense", "bm25", "hybrid")


@dataclass(frozen=True)
class Labelled:
    question: str
    relevant: tuple[tuple[str, str], ...]
    """(document id, section heading) pairs that answer the question."""


@dataclass(frozen=True)
class Scores:
    mode: str
    recall_at_1: float
    recall_at_3: float
    recall_at_5: float
    mrr: float
    questions: int


def packaged_eval_set() -> Traversable:
    """The labelled question set that ships inside the package (wheel and image alike)."""
    return files("knowledge") / "eval_set.json"


def load_eval_set(path: Path | Traversable | None = None) -> list[Labelled]:
    """The labelled questions in `path` (the packaged set when None); raises EvalSetError."""
    path = packaged_eval_set() if path is None else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalSetError(f"{path}: cannot read ({exc})") from exc
    except ValueError as exc:
        raise EvalSetError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, list):
        raise EvalSetError(f"{path}: expected a JSON list of labelled questions")
    return [_labelled(item, f"{path}: question {number}")
            for number, item in enumerate(data, start=1)]


def _text(value: object, where: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        shown = "missing" if value is None else f"not text ({json.dumps(value)[:40]})"
        raise EvalSetError(f"{where}: field \"{field}\" is {shown}; expected a non-empty string")
    return value


def _labelled(item: object, where: str) -> Labelled:
    if not isinstance(item, dict):
        raise EvalSetError(f"{where}: expected an object with \"question\" and \"relevant\"")
    question = _text(item.get("question"), where, "question")
    relevant = item.get("relevant")
    if not isinstance(relevant, list) or not relevant:
        raise EvalSetError(f"{where}: field \"relevant\" must be a non-empty list of "
                           "{\"doc\": ..., \"section\": ...} objects")
    pairs = []
    for number, entry in enumerate(relevant, start=1):
        inner = f"{where}, relevant entry {number}"
        if not isinstance(entry, dict):
            raise EvalSetError(f"{inner}: expected an object with \"doc\" and \"section\"")
        pairs.append((_text(entry.get("doc"), inner, "doc"),
                      _text(entry.get("section"), inner, "section")))
    return Labelled(question, tuple(pairs))


def matches(passage: Passage, doc: str, section: str) -> bool:
    if passage.doc_id != doc:
        return False
    from knowledge.chunking import SECTION_SEPARATOR  # the splitter loads only when scoring

    path = passage.section.split(SECTION_SEPARATOR)
    return section in path


def first_hit(passages: list[Passage], item: Labelled) -> int | None:
    """1-based rank of the first passage that answers the question."""
    for rank, passage in enumerate(passages, start=1):
        if any(matches(passage, doc, section) for doc, section in item.relevant):
            return rank
    return None


def evaluate(retriever: HybridRetriever, items: list[Labelled], depth: int = 10) -> list[Scores]:
    results = []
    for mode in MODES:
        ranks = [first_hit(retriever.search(item.question, k=depth, mode=mode), item)
                 for item in items]
        total = len(items) or 1

        def recall(k: int, ranks: list[int | None] = ranks, total: int = total) -> float:
            return sum(1 for rank in ranks if rank is not None and rank <= k) / total

        mrr = sum(1.0 / rank for rank in ranks if rank is not None) / total
        results.append(Scores(mode, round(recall(1), 4), round(recall(3), 4), round(recall(5), 4),
                              round(mrr, 4), len(items)))
    return results
