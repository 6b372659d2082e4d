"""The shipped dialogues: enough of them, varied, and labelled as the framework decides."""

from __future__ import annotations

import pytest

from bot.evaluation import LabelledDialogue, label_recommendation, load_dialogues
from bot.extraction.model import STATED_FACTS

DIALOGUES = load_dialogues()
PERSONAS = ("startup", "hospital", "bank", "solo dev", "agency", "researcher")
ISSUE_PHRASINGS = (
    "maybe 2M tokens a day?",
    "500k tokens a day?",
    "what would change this?",
    "hmm what if we got way more volume, like 2B tokens/month",
    "what if we had 10x traffic",
    "3x the volume",
    "what if we hired two ML engineers",
    "what if we run a 70b on h100s",
    "what if quality is standard",
    "what if latency were relaxed",
    "oh actually one of our guys did mlops at his last job",
    "actually ml skill is some",
    "we're HIPAA covered",
    "patient records",
    "reviews are public anyway",
    "the data can go to azure openai since it's in our tenant",
    "few hundred reports a day, 5k tokens each",
    "need to ship a demo to investors in 2 wks",
    "needs to be really good quality",
    "doctors read them later, no rush",
    "no ml ppl",
    "it's a chatbot for our docs",
    "between 20M and 40M",
    "latency is critical, ideally under 1s to first token",
    "why not an API?",
    "is 20M enough to self-host?",
    "what if we used gpt-4o-mini",
    "it needs to know our internal frameworks pretty well",
    "it has to understand our internal APIs",
    "lots of company-specific jargon",
    "we have a platform team of 3 who run k8s and GPUs already",
    "our infra team runs GPU clusters",
    "nobody here has done ML",
    "ok record that, we expect 120M by next year",
    "let's go with that",
    "make that the plan",
    "data can leave, it's fine",
    "quality bar is moderate",
)


def test_the_set_is_large_and_written_from_varied_personas() -> None:
    assert len(DIALOGUES) >= 70
    for persona in PERSONAS:
        assert sum(persona in d.persona for d in DIALOGUES) >= 5, persona
    assert sum(len(d.messages) > 1 for d in DIALOGUES) >= 70, "multi-turn dialogues"
    assert sum(bool(d.expect.use_cases) for d in DIALOGUES) >= 3, "portfolios too"


@pytest.mark.parametrize("phrase", ISSUE_PHRASINGS)
def test_the_reported_phrasings_are_in_the_set(phrase: str) -> None:
    assert any(phrase in message for d in DIALOGUES for message in d.messages), phrase


@pytest.mark.parametrize("dialogue", DIALOGUES, ids=lambda d: d.id)
def test_label_is_what_scoring_gives_on_the_expected_facts(dialogue: LabelledDialogue) -> None:
    for case in dialogue.expect.cases():
        assert set(case) <= set(STATED_FACTS), "only facts a message can state are compared"
    assert set(dialogue.expect.asked_first) <= set(STATED_FACTS)
    assert dialogue.expect.recommendation == label_recommendation(dialogue.expect)
