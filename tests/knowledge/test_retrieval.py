from __future__ import annotations

import pytest

from knowledge import KnowledgeBase
from knowledge.evaluate import evaluate, load_eval_set
from knowledge.lexical import tokenize
from knowledge.retrieval import NEAR_DUPLICATE, _jaccard


def test_search_topic_filter_returns_only_that_topic(guide_kb: KnowledgeBase) -> None:
    hits = guide_kb.search("how fast is the first token", k=5, topics=["latency"])
    assert hits and all("latency" in p.topics for p in hits)
    assert hits[0].doc_id == "latency"


def test_search_returns_best_first_without_near_duplicates(guide_kb: KnowledgeBase) -> None:
    hits = guide_kb.search("break-even volume for self-hosting", k=8)
    scores = [p.score for p in hits]
    assert scores == sorted(scores, reverse=True)
    token_sets = [frozenset(tokenize(p.text)) for p in hits]
    for i, a in enumerate(token_sets):
        for b in token_sets[i + 1:]:
            assert _jaccard(a, b) < NEAR_DUPLICATE


def test_search_empty_query_returns_nothing(guide_kb: KnowledgeBase) -> None:
    assert guide_kb.search("   ") == []


def test_ask_answers_with_numbered_citations(guide_kb: KnowledgeBase) -> None:
    answer = guide_kb.ask("what does an H100 cost per hour?")
    assert answer.found
    assert "[1]" in answer.answer
    assert answer.citations[0].number == 1
    assert any("H100" in c.passage.text for c in answer.citations)


@pytest.mark.parametrize("question", ["what's the weather in Paris tomorrow?",
                                      "how do I bake sourdough bread"])
def test_ask_unrelated_question_says_nothing_found(guide_kb: KnowledgeBase, question: str) -> None:
    answer = guide_kb.ask(question)
    assert not answer.found and answer.citations == []
    assert answer.answer.startswith("The guidance doesn't cover that.") and "latency" in answer.answer


def test_eval_hybrid_beats_each_mode_and_reaches_target(guide_kb: KnowledgeBase) -> None:
    scores = {s.mode: s for s in evaluate(guide_kb.retriever, load_eval_set())}
    hybrid = scores["hybrid"]
    assert hybrid.recall_at_3 >= max(scores["dense"].recall_at_3, scores["bm25"].recall_at_3)
    assert hybrid.recall_at_3 >= 0.85
    assert hybrid.mrr >= 0.65
