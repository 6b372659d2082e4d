from __future__ import annotations

import ast
import json
import re
import sys
import time

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from bot.cli import AdvisorGroup
from bot.commands.extract import register
from bot.extraction import Extraction, extract
from bot.extraction.extractor import ALL_RULES
from scoring.facts import CATEGORICAL_FACTS, MAX_MONTHLY_TOKENS, WorkloadFacts
from tests.bot.extraction_table import CASES, Case
from tests.helpers.paths import ROOT


def _assert_sound(text: str, result: Extraction) -> None:
    """What holds for any message: valid facts, evidence copied from it, no fact both set and in conflict."""
    WorkloadFacts.model_validate(result.facts.model_dump())
    assert set(result.evidence) == set(result.stated())
    assert not set(result.conflicts) & set(result.stated())
    for fact, words in result.evidence.items():
        assert words and words.lower() in text.lower(), (fact, words)
    for values in result.conflicts.values():
        assert len(values) == len(set(values)) >= 2


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_table_row_yields_exactly_its_facts(case: Case) -> None:
    result = extract(case.message)
    assert result.stated() == case.facts, (result.evidence, result.conflicts)
    _assert_sound(case.message, result)


def test_table_has_at_least_120_distinct_rows() -> None:
    assert len(CASES) >= 120
    assert len({case.id for case in CASES}) == len(CASES)
    assert len({case.message for case in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("message", "evidence", "derivation"),
    [
        ("we do 3M tokens a day", "3M tokens a day", "3M/day x 30 days"),
        ("2M tokens a week", "2M tokens a week", "2M/week x 52/12 weeks"),
        ("1.2B tokens per year", "1.2B tokens per year", "1.2B/year / 12 months"),
        ("100k tokens an hour", "100k tokens an hour", "100k/hour x 24 h x 30 days"),
        (
            "20k requests a day at ~1.5k tokens each",
            "20k requests a day at ~1.5k tokens each",
            "20k requests/day x 1.5k tokens x 30 days",
        ),
        (
            "500 agents each handle 40 tickets a day, 2k tokens per ticket",
            "500 agents each handle 40 tickets a day, 2k tokens per ticket",
            "500 agents x 40 tickets/day x 2k tokens x 30 days",
        ),
        ("2-3M tokens a day", "2-3M tokens a day", "2.5M (midpoint of 2M-3M)/day x 30 days"),
        ("actually 20M", "20M", "20M, no period stated: read as per month"),
    ],
)
def test_extract_rate_volume_shows_evidence_and_derivation(
    message: str, evidence: str, derivation: str
) -> None:
    result = extract(message)
    assert result.evidence["monthly_tokens"] == evidence
    assert result.derivations["monthly_tokens"] == derivation


def test_extract_monthly_volume_needs_no_derivation() -> None:
    result = extract("about 50M tokens a month")
    assert result.stated() == {"monthly_tokens": 50_000_000}
    assert result.derivations == {}


@pytest.mark.parametrize(
    ("message", "fact", "values"),
    [
        (
            "must stay on-prem ... but sending it to OpenAI is fine",
            "data_residency",
            ["in_house_only", "approved_vendors"],
        ),
        (
            "Two things: a nightly batch summarizer and a real-time voice bot.",
            "latency",
            ["relaxed", "critical"],
        ),
        (
            "At 10M tokens/month now, expecting 100M tokens/month next year",
            "monthly_tokens",
            ["10000000", "100000000"],
        ),
        ("We're growing from 20M to 60M tokens a month", "monthly_tokens", ["20000000", "60000000"]),
        ("needs to be the best, but rough drafts are ok", "quality_bar", ["peak", "standard"]),
    ],
)
def test_extract_contradiction_becomes_conflict_not_fact(message: str, fact: str, values: list[str]) -> None:
    result = extract(message)
    assert result.conflicts[fact] == values
    assert fact not in result.stated()
    _assert_sound(message, result)


def test_extract_states_facts_in_the_order_the_message_gives_them() -> None:
    result = extract("3M tokens a day, and it must stay on-prem")
    assert list(result.stated()) == ["monthly_tokens", "data_residency"]
    assert result.facts == WorkloadFacts(monthly_tokens=90_000_000, data_residency="in_house_only")


def test_extraction_with_fact_validates_and_cites_it() -> None:
    result = extract("about 3M tokens a day").with_fact("monthly_tokens", "80000000", "80M")
    assert result.stated() == {"monthly_tokens": 80_000_000}
    assert result.evidence == {"monthly_tokens": "80M"} and result.derivations == {}
    with pytest.raises(ValidationError):
        Extraction().with_fact("latency", "warp speed", "warp speed")


def test_extract_close_volumes_are_one_statement() -> None:
    result = extract("3M tokens a day, so roughly 100M a month")
    assert result.stated() == {"monthly_tokens": 100_000_000}
    assert result.conflicts == {}


def test_extract_correction_wins_over_earlier_value() -> None:
    result = extract("We said on-prem only. No, approved vendors are fine.")
    assert result.stated() == {"data_residency": "approved_vendors"}


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("10^15 tokens/month", "10^15 tokens/month is beyond any plausible workload"),
        ("1e20 tokens a day", "3x10^21 tokens/month is beyond any plausible workload"),
        ("99999999999999999999 tokens per month", "10^20 tokens/month is beyond any plausible workload"),
        ("-5M tokens a month", "-5M tokens/month: a volume cannot be negative"),
    ],
)
def test_extract_rejects_impossible_volume_with_reason(message: str, reason: str) -> None:
    result = extract(message)
    assert "monthly_tokens" not in result.stated()
    assert result.rejected["monthly_tokens"].startswith(reason)


def test_extract_keeps_plausible_volume_beside_rejected_one() -> None:
    result = extract("10^15 tokens a month, sorry, I mean 10M tokens a month")
    assert result.stated() == {"monthly_tokens": 10_000_000}
    assert "monthly_tokens" in result.rejected


def test_extract_volume_at_the_limit_is_accepted() -> None:
    assert extract("10T tokens a month").stated() == {"monthly_tokens": MAX_MONTHLY_TOKENS}


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "\n\t",
        "\U0001f680\U0001f525\U0001f389",
        "\x00\x01\x02\x1b[31m\x7f",
        "Die Daten d\u00fcrfen unser Rechenzentrum nicht verlassen",
        "\u6570\u636e\u4e0d\u80fd\u79bb\u5f00\u516c\u53f8",
        "\u0627\u0644\u0628\u064a\u0627\u0646\u0627\u062a \u0644\u0627 \u062a\u063a\u0627\u062f\u0631",
        "\u0661\u0662\u0663 tokens",
    ],
    ids=["empty", "spaces", "whitespace", "emoji", "control", "german", "chinese", "arabic", "arabic-digits"],
)
def test_extract_message_without_facts_is_empty(message: str) -> None:
    result = extract(message)
    assert result == Extraction()


def test_extract_reads_through_control_characters() -> None:
    message = "we do\x00 3M tokens a day\x07, must stay on-prem\r\n"
    result = extract(message)
    assert result.stated() == {"monthly_tokens": 90_000_000, "data_residency": "in_house_only"}
    _assert_sound(message, result)


def _seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        extract(text)
        best = min(best, time.perf_counter() - started)
    return best


_SLACK = (
    "We process about 3M tokens a day, data must stay on-prem, no ML team, nightly batch. 20k requests "
    "a day at ~1.5k tokens each. HIPAA data but we have a BAA with Azure. latency under 200 ms. "
)


@pytest.mark.parametrize(
    "text",
    [
        (_SLACK * 300)[:50_000],
        "1" * 50_000,
        "1," * 25_000,
        "1.5k " * 10_000,
        "not " * 12_500,
        "a" * 50_000,
        " " * 50_000,
        "-" * 50_000,
        "9-" * 25_000,
        "10^" * 16_700,
        "real-time " * 5_000,
        "5 tokens a day " * 3_300,
        "\U0001f680" * 50_000,
    ],
    ids=[
        "slack",
        "digits",
        "commas",
        "magnitudes",
        "negations",
        "letters",
        "spaces",
        "dashes",
        "ranges",
        "powers",
        "phrases",
        "volumes",
        "emoji",
    ],
)
def test_extract_time_grows_linearly_up_to_50k_characters(text: str) -> None:
    """A pattern that backtracks would take 64 times as long on 8 times the text; the speed
    itself is a benchmark (`make bench`, conversation section), not a test."""
    assert len(text) >= 49_000
    eighth = text[: len(text) // 8]
    assert _seconds(text) <= 24 * _seconds(eighth) + 0.02


def test_extract_longer_input_reads_the_first_50k_characters() -> None:
    text = "x" * 60_000 + " must stay on-prem"
    assert extract(text).stated() == {}
    assert extract(" must stay on-prem " + "x" * 60_000).stated() == {"data_residency": "in_house_only"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_extract_random_text_never_raises_and_validates(text: str) -> None:
    _assert_sound(text, extract(text))


_PIECES = [
    "3M",
    "1.5k",
    "2,000,000",
    "10^15",
    "1e9",
    "-5M",
    "~",
    "about",
    "a million",
    "2-3M",
    "tokens",
    "tok",
    "requests",
    "each",
    "per",
    "a day",
    "/mo",
    "daily",
    "per hour",
    "rps",
    "users",
    "not",
    "no",
    "actually",
    "on-prem",
    "approved vendors",
    "real-time",
    "200 ms",
    "ML team",
    "niche",
    "ASAP",
    "?",
    ",",
    ".",
    "\n",
    "input",
    "output",
    "+",
    "$3",
    "per 1M",
    "x",
    "of them",
    "in",
    "out",
    "from",
    "to",
    "each ~",
    "%",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map(" ".join))
def test_extract_random_fact_fragments_never_raise_and_validate(text: str) -> None:
    _assert_sound(text, extract(text))


def test_extraction_public_names_are_exactly_extract_and_extraction() -> None:
    import bot.extraction

    assert set(bot.extraction.__all__) == {"Extraction", "extract"}


def test_extraction_imports_only_stdlib_pydantic_and_scoring() -> None:
    allowed = {"pydantic", "scoring", "bot"}
    for path in sorted((ROOT / "bot" / "extraction").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or top in allowed or top == "__future__", (path, name)
                if top == "bot":
                    assert name.startswith("bot.extraction"), (path, name)


def test_rule_patterns_are_lower_case_because_text_is_lowered() -> None:
    for found in ALL_RULES:
        literal = re.sub(r"\\[A-Za-z]|A-Z|\(\?P<[a-z_0-9]+>|\(\?P=[a-z_0-9]+\)", "", found.pattern.pattern)
        assert literal == literal.lower(), found.pattern.pattern[:80]


def test_rule_fixed_values_are_values_of_their_fact() -> None:
    for found in ALL_RULES:
        allowed = set(CATEGORICAL_FACTS[found.fact].__members__.values())
        for value in (found.value, found.negated):
            assert value is None or callable(value) or value in allowed, (found.fact, value)


def _app() -> typer.Typer:
    app = typer.Typer(cls=AdvisorGroup)  # the CLI's own group, which reports errors in one line

    @app.callback()
    def root() -> None:
        """Test root, so `extract` stays a subcommand."""

    register(app)
    return app


runner = CliRunner()


def test_extract_command_json_prints_facts_then_evidence() -> None:
    message = "20k requests a day at ~1.5k tokens each, on-prem only"
    result = runner.invoke(_app(), ["extract", message, "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert list(document) == [
        "facts", "evidence", "derivations", "conflicts", "cues", "estimates", "ranges", "volume_parts"]
    assert document["facts"] == {"monthly_tokens": 900_000_000, "data_residency": "in_house_only"}
    assert document["evidence"]["data_residency"] == "on-prem only"
    assert document["derivations"]["monthly_tokens"] == "20k requests/day x 1.5k tokens x 30 days"
    assert document["cues"] == {} and document["estimates"] == {} and document["ranges"] == {}


def test_extract_command_prints_readable_list() -> None:
    result = runner.invoke(_app(), ["extract", "about 3M tokens a day and we need it ASAP"])
    assert result.exit_code == 0, result.output
    assert 'monthly_tokens: 90,000,000  (from "3M tokens a day")' in result.stdout
    assert "= 3M/day x 30 days" in result.stdout
    assert 'time_to_market: urgent  (from "ASAP")' in result.stdout


def test_extract_command_shows_conflicts_and_rejections() -> None:
    result = runner.invoke(_app(), ["extract", "on-prem only, but OpenAI is fine. 10^15 tokens/month"])
    assert "data_residency: conflicting values in_house_only, approved_vendors" in result.stdout
    assert "monthly_tokens: not used, 10^15 tokens/month is beyond any plausible workload" in result.stdout


def test_extract_command_without_facts_says_so() -> None:
    result = runner.invoke(_app(), ["extract", "thanks!"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "No workload facts found in that message."


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_extract_command_empty_text_exits_2_with_one_line(text: str) -> None:
    result = runner.invoke(_app(), ["extract", text])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
