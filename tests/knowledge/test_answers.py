from __future__ import annotations

import pytest

from knowledge import KnowledgeBase
from knowledge.blocks import refers_back, split_sentences

QUESTIONS = (
    "we have no ML ops people, can managed hosting help?",
    "what latency numbers matter?",
    "what does an H100 cost per hour?",
    "what are the escalation triggers?",
    "how much engineering time should we budget for self-hosting?",
    "what does running our own model involve day to day?",
    "why does data residency matter?",
)


def _prose(answer: str) -> list[str]:
    return [line.removesuffix("]").rsplit(" [", 1)[0] for line in answer.splitlines()
            if not line.startswith("- ")]


@pytest.mark.parametrize("question", QUESTIONS)
def test_answer_prose_never_opens_on_a_sentence_that_leans_on_a_missing_one(
    guide_kb: KnowledgeBase, question: str
) -> None:
    answer = guide_kb.ask(question)
    assert answer.found
    for line in _prose(answer.answer):
        assert not refers_back(split_sentences(line)[0]), line


def test_answer_brings_the_antecedent_of_but_it(guide_kb: KnowledgeBase) -> None:
    answer = guide_kb.ask("we have no ML ops people, can managed hosting help?").answer
    assert "it turns a staffing problem into a line on an invoice" in answer
    line = next(line for line in answer.splitlines() if "invoice" in line)
    before = line[:line.index("But for a team")]
    assert "Data still leaves your infrastructure" in before


def test_answer_names_what_a_sentence_announces(guide_kb: KnowledgeBase) -> None:
    lines = guide_kb.ask("what latency numbers matter?").answer.splitlines()
    announced = next(i for i, line in enumerate(lines) if line.startswith("Two latency numbers matter"))
    assert lines[announced + 1].startswith("- Time to first token (TTFT):")
    assert lines[announced + 2].startswith("- Total generation time:")


def test_answer_keeps_a_table_as_rows_with_the_figures_asked_for(guide_kb: KnowledgeBase) -> None:
    answer = guide_kb.ask("what does an H100 cost per hour?").answer
    assert "|" not in answer
    rows = [line for line in answer.splitlines() if line.startswith("- ")]
    assert "- H100 (80 GB): $2.50-4.00, higher at the big hyperscalers" in rows
    assert any(row.startswith("- A100 80GB: about $1.80") for row in rows)


def test_answer_renders_list_items_as_items_under_their_lead_in(guide_kb: KnowledgeBase) -> None:
    lines = guide_kb.ask("what are the escalation triggers?").answer.splitlines()
    items = [line for line in lines if line.startswith("- ")]
    assert "- the small model's confidence score falls below a threshold" in items
    assert not any(item.removesuffix("]").rsplit(" [", 1)[0].endswith(";") for item in items)
    first = lines.index(items[0])
    assert lines[first - 1].endswith("Escalation triggers include:")


def test_how_many_question_is_answered_with_the_figure(guide_kb: KnowledgeBase) -> None:
    answer = guide_kb.ask("how many tokens per second does an 8B model do on an A10G?").answer
    assert "8B model, single A10G: roughly 300 output tokens per second" in answer
