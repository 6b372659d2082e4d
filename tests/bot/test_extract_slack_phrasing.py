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


def test_extract_vague_count_times_size_is_an_estimate_with_its_derivation() -> None:
    result = extract("few hundred reports a day, 5k tokens each")
    assert result.stated() == {}
    estimate = result.estimates["monthly_tokens"]
    assert estimate.value == 45_000_000
    assert estimate.words == "few hundred reports a day, 5k tokens each"
    assert estimate.derivation == "few hundred (read as ~300) reports/day x 5k tokens x 30 days"
    parts = result.volume_parts
    assert parts is not None and parts.estimated
    assert (parts.items_per_month, parts.tokens_per_item, parts.item) == (9_000, 5_000, "reports")


def test_extract_exact_count_times_size_is_a_fact_with_its_parts() -> None:
    result = extract("300 reports a day, 5k tokens each")
    assert result.stated() == {"monthly_tokens": 45_000_000} and result.estimates == {}
    assert result.volume_parts is not None and result.volume_parts.monthly_tokens() == 45_000_000


def test_an_unnamed_count_at_a_rate_beside_a_size_is_a_volume() -> None:
    # The noun is earlier in the sentence ("incident reports, maybe 500 a week"), or implied.
    result = extract("summarise incident reports, maybe 500 a week at ~3k tokens each")
    assert result.stated() == {"monthly_tokens": 6_500_000}
    assert result.derivations["monthly_tokens"] == "500/week x 3k tokens x 52/12 weeks"
    assert extract("500 a day at 3k tokens each").stated() == {"monthly_tokens": 45_000_000}
    # A price per day is not a count.
    assert "monthly_tokens" not in extract("prompts are ~3k tokens and we pay $5 a day").stated()


def test_volume_parts_from_two_messages_combine() -> None:
    count = extract("we get a few hundred reports a day").volume_parts
    size = extract("each is about 5k tokens").volume_parts
    assert count is not None and size is not None
    assert count.tokens_per_item is None and size.items_per_month is None
    merged = count.merged(size)
    assert merged.monthly_tokens() == 45_000_000 and merged.estimated
    assert merged.words == "a few hundred reports a day ... 5k tokens"
    assert merged.derivation() == (
        "9,000 reports/month (a few hundred (read as ~300) reports/day x 30 days) x 5,000 tokens each")
    assert size.merged(count).monthly_tokens() == 45_000_000


@pytest.mark.parametrize(
    ("message", "value"),
    [("a few hundred a day", None), ("a lot of traffic", 100_000_000), ("not much traffic", 5_000_000)],
)
def test_extract_vague_quantity_is_an_estimate_not_a_fact(message: str, value: int | None) -> None:
    result = extract(message)
    assert result.stated() == {} and not result.is_empty()
    if value is None:
        assert result.volume_parts is not None and result.volume_parts.items_per_month == 9_000
    else:
        assert result.estimates["monthly_tokens"].value == value
        assert "to confirm" in result.estimates["monthly_tokens"].derivation


@pytest.mark.parametrize(
    ("message", "low", "high"),
    [
        ("between 20M and 40M", 20_000_000, 40_000_000),
        ("20-40M tokens/month", 20_000_000, 40_000_000),
        ("between 20 and 40M tokens a month", 20_000_000, 40_000_000),
        ("maybe 2-3M a day?", 60_000_000, 90_000_000),
    ],
)
def test_extract_range_is_kept_as_a_range(message: str, low: int, high: int) -> None:
    result = extract(message)
    found = result.ranges["monthly_tokens"]
    assert (found.low, found.high) == (low, high)
    assert found.words.lower() in message.lower()
    assert result.stated() == {"monthly_tokens": (low + high) // 2}
    assert "midpoint" in result.derivations["monthly_tokens"]


@pytest.mark.parametrize(
    ("message", "period", "replaces"),
    [
        ("per week not per day", "week", "day"),
        ("not daily, weekly", "week", "day"),
        ("sorry, I meant per month", "month", None),
    ],
)
def test_extract_period_correction_without_a_figure(message: str, period: str, replaces: str | None) -> None:
    result = extract(message)
    fix = result.period_correction
    assert fix is not None and (fix.period, fix.replaces) == (period, replaces)
    assert not result.is_empty() and result.stated() == {}


def test_period_correction_factor_turns_a_daily_reading_into_a_weekly_one() -> None:
    daily = extract("3M tokens a day").facts.monthly_tokens
    weekly = extract("3M tokens a week").facts.monthly_tokens
    fix = extract("per week not per day").period_correction
    assert daily is not None and weekly is not None and fix is not None and fix.factor is not None
    assert round(daily * fix.factor) == weekly


def test_extract_figure_with_corrected_period_is_a_corrected_fact() -> None:
    result = extract("500k tokens per week, not per day")
    assert result.stated() == {"monthly_tokens": 2_166_667}
    assert result.corrected == ["monthly_tokens"] and result.period_correction is None


def test_extract_command_json_shows_estimate_range_and_parts() -> None:
    document = json.loads(runner.invoke(_app(), ["extract", "few hundred reports a day, 5k tokens each",
                                                 "--json"]).stdout)
    assert document["estimates"]["monthly_tokens"]["value"] == 45_000_000
    assert document["volume_parts"]["words"] == "few hundred reports a day ... 5k tokens each"
    ranged = json.loads(runner.invoke(_app(), ["extract", "20-40M tokens/month", "--json"]).stdout)
    assert ranged["ranges"]["monthly_tokens"]["low"] == 20_000_000


def test_extract_command_text_shows_estimate_to_confirm() -> None:
    output = runner.invoke(_app(), ["extract", "a lot of traffic"]).stdout
    assert 'monthly_tokens: about 100,000,000, to confirm  (from "a lot of traffic")' in output
