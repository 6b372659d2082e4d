"""Facts as people state them in Slack: unsure "?", regulated words, vague and ranged volumes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bot.extraction import Extraction, extract
from tests.bot.test_extract import _app

runner = CliRunner()


@pytest.mark.parametrize(
    ("message", "monthly"),
    [("maybe 2-3M a day?", 75_000_000), ("500k tokens a day?", 15_000_000)],
)
def test_extract_statement_ending_in_question_mark_reads_facts(message: str, monthly: int) -> None:
    assert extract(message).stated() == {"monthly_tokens": monthly}


@pytest.mark.parametrize(
    "message",
    ["is 20M tokens a month enough to self-host?", "does it need to be real-time?",
     "so what about 500M tokens a month?"],
)
def test_extract_sentence_that_opens_as_a_question_states_nothing(message: str) -> None:
    assert extract(message).stated() == {}


def test_extract_command_json_reads_statement_ending_in_question_mark() -> None:
    result = runner.invoke(_app(), ["extract", "500k tokens a day?", "--json"])
    assert json.loads(result.stdout)["facts"] == {"monthly_tokens": 15_000_000}


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("we're HIPAA covered", "HIPAA"),
        ("patient records", "patient records"),
        ("GDPR", "GDPR"),
        ("It's patient data, HIPAA applies.", "patient data, HIPAA"),
    ],
)
def test_extract_regulated_words_alone_give_a_cue_not_a_constraint(message: str, words: str) -> None:
    result = extract(message)
    assert result.stated() == {}
    assert result.cues == {"data_residency": f"regulated data mentioned: {words}"}
    assert not result.is_empty()


@pytest.mark.parametrize(
    ("message", "residency"),
    [
        ("we have a BAA with OpenAI", "approved_vendors"),
        ("we're HIPAA covered and have a BAA with Azure", "approved_vendors"),
        ("signed a DPA with Anthropic", "approved_vendors"),
        ("patient data can't leave our DC", "in_house_only"),
        ("reviews are public anyway", "unrestricted"),
        ("the data can go to azure openai since it's in our tenant", "approved_vendors"),
        ("PHI obviously, nothing can leave the hospital network", "in_house_only"),
    ],
)
def test_extract_residency_as_people_state_it(message: str, residency: str) -> None:
    result = extract(message)
    assert result.stated() == {"data_residency": residency}
    assert result.cues == {}


def test_extraction_with_only_a_cue_is_not_empty_and_default_is() -> None:
    assert Extraction().is_empty()
    assert not Extraction(cues={"data_residency": "regulated data mentioned: GDPR"}).is_empty()


def test_extract_command_json_shows_cue() -> None:
    result = runner.invoke(_app(), ["extract", "we're HIPAA covered", "--json"])
    document = json.loads(result.stdout)
    assert document["facts"] == {}
    assert document["cues"] == {"data_residency": "regulated data mentioned: HIPAA"}
    assert document["volume_parts"] is None


@pytest.mark.parametrize(
    ("message", "facts"),
    [
        ("need to ship a demo to investors in 2 wks", {"time_to_market": "urgent"}),
        ("needs to be really good quality", {"quality_bar": "peak"}),
        ("doctors read them later, no rush", {"latency": "relaxed"}),
        ("latency is critical, ideally under 1s to first token", {"latency": "interactive"}),
        ("latency is critical", {"latency": "critical"}),
        ("no ml ppl", {"ml_expertise": "none"}),
        ("it's a chatbot for our docs", {"latency": "interactive", "specialization": "general"}),
        ("accuracy is critical, no rush though", {"quality_bar": "peak", "time_to_market": "normal"}),
    ],
)
def test_extract_slack_phrasing_reads_its_facts(message: str, facts: dict[str, str]) -> None:
    result = extract(message)
    assert result.stated() == facts
    assert result.conflicts == {}


@pytest.mark.parametrize(
    ("message", "facts"),
    [
        ("oh actually one of our guys did mlops at his last job", {"ml_expertise": "some"}),
        ("actually ml skill is some", {"ml_expertise": "some"}),
        ("sorry, I meant latency is relaxed", {"latency": "relaxed"}),
        ("not 20M but 40M tokens a month", {"monthly_tokens": 40_000_000}),
        ("40M tokens a month, not a day", {"monthly_tokens": 40_000_000}),
    ],
)
def test_extract_paraphrased_correction_is_read_and_marked(message: str, facts: dict[str, str | int]) -> None:
    result = extract(message)
    assert result.stated() == facts
    assert result.corrected == list(facts)


def test_extract_plain_statement_is_not_marked_corrected() -> None:
    assert extract("one of our guys did mlops at his last job").corrected == []
