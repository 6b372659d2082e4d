from __future__ import annotations

import pytest

from knowledge import KnowledgeBase
from knowledge.blocks import refers_back, split_sentences
from knowledge.embeddings import MiniLMEmbedder
from tests.helpers.knowledge import CountingEmbedder

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
    h100 = [row for row in rows if row.startswith("- H100 (80 GB): ")]
    assert h100 and "$1.49-2.50 at smaller clouds" in h100[0] and "$2.50-4.00" in h100[0]
    assert any(row.startswith("- A100 80GB: ") and "about $1.80" in row for row in rows)


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


POLICY = """# Approved AI vendors

Our approved vendors for customer data are Azure OpenAI in the EU region and Anthropic models
through AWS Bedrock in Frankfurt, both under a signed DPA. Any other provider needs a review by
the privacy team before it sees customer data.

Prompts that contain customer records must never be pasted into consumer chat apps.
"""


@pytest.fixture(scope="module")
def org_kb(guide_kb: KnowledgeBase, minilm: MiniLMEmbedder,
           tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The shipped guides (copied from the session index, so they are not embedded again) and
    one organisation policy without front matter, in a temporary index."""
    root = tmp_path_factory.mktemp("org")
    folder = root / "policies"
    folder.mkdir()
    (folder / "approved-ai-vendors.md").write_text(POLICY, encoding="utf-8")
    embedder = CountingEmbedder(minilm)
    kb = KnowledgeBase.open(root / "index", embedder=embedder, extra_folders=[folder])
    for source, target in ((guide_kb.collection, kb.collection),
                           (guide_kb.sentence_vectors.collection, kb.sentence_vectors.collection)):
        rows = source.get(include=["embeddings", "documents", "metadatas"])
        target.upsert(ids=rows["ids"], embeddings=rows["embeddings"], documents=rows["documents"],
                      metadatas=rows["metadatas"])
    report = kb.ingest()
    assert (report.added, report.unchanged) == (1, 14) and embedder.embedded < 10
    return kb


def test_question_about_our_approved_vendors_cites_the_organisation_policy(org_kb: KnowledgeBase) -> None:
    answer = org_kb.ask("can we send customer data to our approved vendors?")
    assert answer.found
    assert answer.citations[0].passage.doc_id == "approved-ai-vendors"
    assert "Azure OpenAI in the EU region" in answer.answer.splitlines()[0]
    assert answer.answer.splitlines()[0].endswith("[1]")


def test_organisation_policy_does_not_push_aside_guidance_on_other_subjects(org_kb: KnowledgeBase) -> None:
    hits = org_kb.search("what latency numbers matter?", k=3)
    assert hits[0].doc_id == "latency"
    assert all(hit.doc_id != "approved-ai-vendors" for hit in hits)
